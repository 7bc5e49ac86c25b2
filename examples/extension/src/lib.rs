//! How a crate outside imap-core adds server extensions, without a fork:
//! PREVIEW (RFC 8970: a FETCH item), LANGUAGE (RFC 5255: an untagged
//! response) and INPROGRESS (RFC 9585: a response code), none of which
//! imap-core builds in.
//!
//! 1. A grammar file with the extensions' rules and the five hooks
//!    (`src/extension.pest`), compiled together with the core grammar by
//!    [`imap_core::imap_parser!`]: imap-derive's generated recognizer (what
//!    runs) and pest's parser (the reference, for tests and messages).
//! 2. Typed values derived from the rules with `#[derive(FromPair)]`; core
//!    leaves such as [`IString`] and numbers work on this grammar's pairs
//!    too (the parser macro implements `ImapRule` for the grammar's `Rule`).
//! 3. An [`Extension`] that the session calls for responses the core grammar
//!    kept as generic values; its typed values come back in
//!    `Completion::extensions` or `Client::take_extension_values`.
//!
//! ```
//! use imap_core::session::Extension;
//! use imap_extension_example::{Language, PreviewLanguage};
//!
//! let input = b"* LANGUAGE (EN DE IT i-default)\r\n";
//! let frame = imap_core::wire::frames(input, Default::default()).next().unwrap().unwrap();
//! let value = PreviewLanguage.parse(&frame).expect("understood");
//! let language = value.downcast_ref::<Language>().unwrap();
//! assert_eq!(language.tags.len(), 4);
//! assert_eq!(language.tags[3], "i-default");
//! ```
#![forbid(unsafe_code)]

use imap_core::convert::{Cx, FromPair, Pair};
use imap_core::grammar::Tree;
use imap_core::session::{Extension, ExtensionValue};
use imap_core::types::IString;
use imap_core::wire::Frame;
use imap_derive::{FromPair, IntoStatic};

imap_core::imap_parser! {
    /// The core grammar plus PREVIEW, LANGUAGE and INPROGRESS.
    #[grammar = "src/extension.pest"]
    pub struct ExtParser;
}

/// `PREVIEW` of one message (RFC 8970).
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::Rule, rule = "preview")]
pub struct Preview<'a> {
    /// The preview text; `None` when the server has none (NIL).
    pub text: Option<IString<'a>>,
}

/// The previews of one FETCH response: the message number and its preview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchPreview {
    /// The message sequence number.
    pub seq: u32,
    /// The preview.
    pub preview: Preview<'static>,
}

/// `* LANGUAGE (tag ...)` (RFC 5255): the languages the server offers, or
/// the one it switched to.
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::Rule, rule = "language_data")]
pub struct Language<'a> {
    /// Language tags (`EN`, `de-CH`, `i-default`).
    pub tags: Vec<IString<'a>>,
}

/// `[INPROGRESS ("tag" count goal)]` (RFC 9585): how far a long command
/// has come; every part may be absent (a bare `[INPROGRESS]`, or NIL).
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::Rule, rule = "inprogress_code")]
pub struct InProgress<'a> {
    /// The tag of the command in progress.
    pub tag: Option<IString<'a>>,
    /// How much is done.
    pub count: Option<u32>,
    /// Of how much.
    pub goal: Option<u32>,
}

/// The [`Extension`] to add to a session or client.
#[derive(Debug, Clone, Copy, Default)]
pub struct PreviewLanguage;

impl Extension for PreviewLanguage {
    fn parse(&self, frame: &Frame<'_>) -> Option<ExtensionValue> {
        let cx = Cx::new(frame);
        let tree =
            Tree::recognize::<ExtParser>(Rule::response, frame.skeleton(), Vec::new(), imap_core::parse::MAX_NESTING)
                .ok()?;
        let response = tree.pairs().next()?;
        let seq = response.as_rule() == Rule::message_data_fetch;
        let number = response.into_inner().next().and_then(|n| n.as_str().parse().ok());
        // The response's own pair (untagged data is its top pair) or one inside it.
        let ours = std::iter::once(response)
            .chain(response.into_inner().flatten())
            .find(|p| matches!(p.as_rule(), Rule::language_data | Rule::inprogress_code | Rule::preview))?;
        convert(ours, &cx, if seq { number } else { None })
    }
}

fn convert(pair: Pair<'_, '_, Rule>, cx: &Cx<'_>, seq: Option<u32>) -> Option<ExtensionValue> {
    use imap_core::types::IntoStatic;
    Some(match pair.as_rule() {
        Rule::language_data => ExtensionValue::new(Language::from_pair(pair, cx).ok()?.into_static()),
        Rule::inprogress_code => ExtensionValue::new(InProgress::from_pair(pair, cx).ok()?.into_static()),
        Rule::preview => {
            ExtensionValue::new(FetchPreview { seq: seq?, preview: Preview::from_pair(pair, cx).ok()?.into_static() })
        }
        _ => return None,
    })
}
