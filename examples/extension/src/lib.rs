//! How a crate outside imap-core adds a server extension, without a fork:
//! METADATA (RFC 5464: an untagged response and a response code) and PREVIEW
//! (RFC 8970: a FETCH item).
//!
//! 1. A grammar file with the extension's rules and the five hooks
//!    (`src/metadata_preview.pest`), compiled together with the core grammar
//!    by [`imap_core::imap_parser!`].
//! 2. Typed values derived from the rules with `#[derive(FromPair)]`; core
//!    leaves such as [`IString`] and [`Mailbox`] work on this grammar's
//!    pairs too, once [`imap_core::impl_imap_rule!`] has run.
//! 3. An [`Extension`] that the session calls for responses the core grammar
//!    kept as generic values; its typed values come back in
//!    `Completion::extensions` or `Client::take_extension_values`.
//!
//! ```
//! use imap_core::session::Extension;
//! use imap_extension_example::{Metadata, MetadataPreview};
//!
//! let input = b"* METADATA \"INBOX\" (/private/comment \"My own comment\")\r\n";
//! let frame = imap_core::wire::frames(input, Default::default()).next().unwrap().unwrap();
//! let value = MetadataPreview.parse(&frame).expect("understood");
//! let metadata = value.downcast_ref::<Metadata>().unwrap();
//! assert_eq!(metadata.mailbox.name(), "INBOX");
//! assert_eq!(metadata.entries[0].value.as_ref().unwrap(), "My own comment");
//! ```
#![forbid(unsafe_code)]

use imap_core::convert::{Cx, FromPair, Pair};
use imap_core::session::{Extension, ExtensionValue};
use imap_core::types::{IString, Mailbox};
use imap_core::wire::Frame;
use imap_derive::{FromPair, IntoStatic};
use pest::Parser;

imap_core::imap_parser! {
    /// The core grammar plus METADATA and PREVIEW.
    #[grammar = "src/metadata_preview.pest"]
    pub struct ExtParser;
}
imap_core::impl_imap_rule!(Rule);

/// `* METADATA mailbox (entry value ...)`, or the entry list of an
/// unsolicited change notice.
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(rule = "metadata_response")]
pub struct Metadata<'a> {
    /// The mailbox (`""` for the server).
    pub mailbox: Mailbox<'a>,
    /// Entries with their values.
    pub entries: Vec<Entry<'a>>,
    /// Entries named without values (a change notice).
    pub changed: Vec<EntryName<'a>>,
}

/// One `entry value` pair.
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(rule = "metadata_entry_value")]
pub struct Entry<'a> {
    /// The entry's name (`/private/comment`).
    pub name: EntryName<'a>,
    /// Its value; `None` for NIL (no value).
    pub value: Option<IString<'a>>,
}

/// An entry name.
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(rule = "metadata_entry", rule = "metadata_entry_name")]
pub struct EntryName<'a>(pub IString<'a>);

/// The `[METADATA ...]` response code.
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(rule = "metadata_code")]
pub struct MetadataCode {
    /// Which.
    pub kind: MetadataCodeKind,
}

/// The kinds of `[METADATA ...]` code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromPair, IntoStatic)]
pub enum MetadataCodeKind {
    /// Some values were longer than the MAXSIZE asked for; the longest.
    #[imap(rule = "metadata_code_longentries")]
    LongEntries(u32),
    /// The largest value the server accepts.
    #[imap(rule = "metadata_code_maxsize")]
    MaxSize(u32),
    /// Too many annotations.
    #[imap(rule = "metadata_code_toomany")]
    TooMany,
    /// No private annotations.
    #[imap(rule = "metadata_code_noprivate")]
    NoPrivate,
}

/// `PREVIEW` of one message.
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(rule = "preview")]
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

/// The [`Extension`] to add to a session or client.
#[derive(Debug, Clone, Copy, Default)]
pub struct MetadataPreview;

impl Extension for MetadataPreview {
    fn parse(&self, frame: &Frame<'_>) -> Option<ExtensionValue> {
        let cx = Cx::new(frame);
        let response = ExtParser::parse(Rule::response, frame.skeleton()).ok()?.next()?;
        let seq = response.as_rule() == Rule::message_data_fetch;
        let number = response.clone().into_inner().next().and_then(|n| n.as_str().parse().ok());
        // The response's own pair (untagged data is its top pair) or one inside it.
        let ours = std::iter::once(response.clone())
            .chain(response.into_inner().flatten())
            .find(|p| matches!(p.as_rule(), Rule::metadata_response | Rule::metadata_code | Rule::preview))?;
        convert(ours, &cx, if seq { number } else { None })
    }
}

fn convert(pair: Pair<'_, Rule>, cx: &Cx<'_>, seq: Option<u32>) -> Option<ExtensionValue> {
    use imap_core::types::IntoStatic;
    Some(match pair.as_rule() {
        Rule::metadata_response => ExtensionValue::new(Metadata::from_pair(pair, cx).ok()?.into_static()),
        Rule::metadata_code => ExtensionValue::new(MetadataCode::from_pair(pair, cx).ok()?),
        Rule::preview => {
            ExtensionValue::new(FetchPreview { seq: seq?, preview: Preview::from_pair(pair, cx).ok()?.into_static() })
        }
        _ => return None,
    })
}
