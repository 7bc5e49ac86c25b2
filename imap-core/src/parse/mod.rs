//! The parser: one framed response in, one typed [`Response`] out.
//!
//! The recognizer generated from the grammar (see [`crate::grammar`])
//! reads the frame's skeleton (the response without its literal payloads)
//! into a [`Tree`]; the typed model is then built from its pairs by the
//! derived [`FromPair`] impls, which take literal payloads from the frame.
//! A response the recognizer refuses is parsed again by pest's reference
//! parser, whose error says where and what was expected.

mod batch;
mod error;

pub use batch::{parse_buffer, parse_frames, BufferError, Parsed};
pub use error::ParseError;

use crate::convert::{Cx, FromPair};
use crate::grammar::{Node, Rejected, Tree};
use crate::types::Response;
use crate::wire::Frame;
use pest::Parser;
use std::cell::Cell;

/// How deep the grammar's recursive rules may nest in one response. The
/// framer's parenthesis limit ([`Limits::max_depth`](crate::wire::Limits))
/// normally ends a response long before; this bounds the recognizer's own
/// stack for any input.
pub const MAX_NESTING: u32 = 4 * crate::wire::Limits::DEFAULT_MAX_DEPTH;

thread_local! {
    /// The node vector each parse on this thread writes into, reused so a
    /// parse allocates nothing for its tree once it has grown.
    static NODES: Cell<Vec<Node<Rule>>> = const { Cell::new(Vec::new()) };
}

pub use crate::grammar::{ImapParser, Rule};

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
    let nodes = NODES.take();
    let (result, nodes) = match Tree::recognize::<ImapParser>(Rule::response, frame.skeleton(), nodes, MAX_NESTING) {
        Ok(tree) => {
            let result = convert(frame, &tree);
            (result, tree.into_nodes())
        }
        Err(rejected) => (Err(explain(frame, rejected)), Vec::new()),
    };
    NODES.set(nodes);
    result
}

/// The typed response of a recognized frame.
fn convert<'f>(frame: &'f Frame<'_>, tree: &Tree<'f, Rule>) -> Result<Response<'f>, ParseError> {
    let pair = tree.pairs().next().ok_or_else(|| ParseError::at(frame, 0, "a response".into()))?;
    Response::from_pair(pair, &Cx::new(frame)).map_err(|e| ParseError::at(frame, e.position, e.expected.into_owned()))
}

/// Why the recognizer refused `frame`, in pest's words.
fn explain(frame: &Frame<'_>, rejected: Rejected) -> ParseError {
    if rejected == Rejected::TooDeep {
        return ParseError::at(frame, 0, format!("a response nested at most {MAX_NESTING} levels deep"));
    }
    match ImapParser::parse(Rule::response, frame.skeleton()) {
        Err(e) => ParseError::from_pest(frame, &e),
        // The two parsers disagree: a bug the differential tests exist to
        // catch. Say so rather than hand out a tree only pest accepts.
        Ok(_) => ParseError::at(frame, 0, "a response both parsers accept (the recognizer refused this one)".into()),
    }
}
