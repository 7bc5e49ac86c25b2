//! The parser: one framed response in, one typed [`Response`] out.
//!
//! pest parses the frame's skeleton (the response without its literal
//! payloads) with `grammar/imap.pest`, the extension grammars of
//! `grammar/ext/` and the hooks of `grammar/hooks.pest` that name them; the
//! typed model is then built from the pairs by the
//! derived [`FromPair`] impls, which take literal payloads from the frame.

mod batch;
mod error;

pub use batch::{parse_buffer, parse_frames, Error, Parsed};
pub use error::ParseError;

use crate::convert::{Cx, FromPair, Tree};
use crate::types::Response;
use crate::wire::Frame;
use pest::Parser;

mod generated {
    // pest writes the rule enum undocumented; each rule is documented in
    // grammar/imap.pest with the ABNF it transcribes.
    #![allow(missing_docs)]

    /// The pest parser generated from the RFC 3501 grammar.
    #[derive(pest_derive::Parser)]
    #[grammar = "../grammar/imap.pest"]
    #[grammar = "../grammar/hooks.pest"]
    #[grammar = "../grammar/ext/uidplus.pest"]
    #[grammar = "../grammar/ext/condstore.pest"]
    #[grammar = "../grammar/ext/esearch.pest"]
    #[grammar = "../grammar/ext/namespace.pest"]
    #[grammar = "../grammar/ext/quota.pest"]
    #[grammar = "../grammar/ext/acl.pest"]
    #[grammar = "../grammar/ext/id.pest"]
    #[grammar = "../grammar/ext/enable.pest"]
    #[grammar = "../grammar/ext/sort.pest"]
    #[grammar = "../grammar/ext/objectid.pest"]
    #[grammar = "../grammar/ext/savedate.pest"]
    #[grammar = "../grammar/ext/list_extended.pest"]
    #[grammar = "../grammar/ext/appendlimit.pest"]
    #[grammar = "../grammar/ext/binary.pest"]
    #[grammar = "../grammar/ext/metadata.pest"]
    #[grammar = "../grammar/ext/gmail.pest"]
    #[grammar = "../grammar/ext/resp_codes.pest"]
    pub struct ImapParser;
}

pub use generated::ImapParser;
/// The grammar's rules, named after RFC 3501's ABNF rules (see grammar/imap.pest).
pub use generated::Rule;

crate::impl_imap_rule!(Rule);

/// Parses one framed response into its typed form.
///
/// The result borrows from the frame: strings without escapes and literal
/// payloads are not copied.
///
/// ```
/// use imap_core::types::{Data, Response};
///
/// let input = b"* 3 EXISTS\r\n";
/// let frame = imap_core::wire::frames(input, Default::default()).next().unwrap().unwrap();
/// assert!(matches!(imap_core::parse(&frame), Ok(Response::Data(Data::Exists(3)))));
/// ```
pub fn parse<'f>(frame: &'f Frame<'_>) -> Result<Response<'f>, ParseError> {
    let cx = Cx::new(frame);
    let pairs = ImapParser::parse(Rule::response, frame.skeleton()).map_err(|e| ParseError::from_pest(frame, &e))?;
    let tree = Tree::new(pairs);
    let pair = tree.pairs().next().ok_or_else(|| ParseError::at(frame, 0, "a response".into()))?;
    Response::from_pair(pair, &cx).map_err(|e| ParseError::at(frame, e.position, e.expected.into_owned()))
}
