//! Mailboxes: names, LIST entries, STATUS items.

use super::token_leaf;
use crate::convert::{Children, ConvError, Cx, FromPair, ImapRule, Pair, Token};
use crate::parse::Rule;
use crate::types::{IString, ListExtended};
use imap_derive::{FromPair, IntoStatic};
use std::borrow::Cow;
use std::fmt;

/// A mailbox name: decoded from modified UTF-7 (RFC 3501 5.1.3), with the
/// name as sent kept beside it.
///
/// `INBOX` in any case is `INBOX`. A name that is not valid modified UTF-7
/// (non-conforming servers, or UTF-8 once UTF8=ACCEPT is on) is shown as sent.
///
/// ```
/// use imap_core::types::Mailbox;
///
/// let m = Mailbox::from_raw(b"Entw&APw-rfe"[..].into());
/// assert_eq!(m.name(), "Entwürfe");
/// assert_eq!(m.raw().as_bytes(), b"Entw&APw-rfe");
/// assert_eq!(Mailbox::from_raw(b"inbox"[..].into()).name(), "INBOX");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, IntoStatic)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Mailbox<'a> {
    name: Cow<'a, str>,
    raw: IString<'a>,
}

impl<'a> Mailbox<'a> {
    /// Decodes a name as sent by the server.
    pub fn from_raw(raw: IString<'a>) -> Mailbox<'a> {
        let name = if raw.as_bytes().eq_ignore_ascii_case(b"INBOX") {
            Cow::Borrowed("INBOX")
        } else {
            match raw.as_borrowed() {
                Some(bytes) => crate::utf7::decode_lossy(bytes),
                None => Cow::Owned(crate::utf7::decode_lossy(raw.as_bytes()).into_owned()),
            }
        };
        Mailbox { name, raw }
    }

    /// The name for people: decoded, `INBOX` normalised.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The name exactly as the server sent it.
    pub fn raw(&self) -> &IString<'a> {
        &self.raw
    }

    /// Whether this is the INBOX.
    pub fn is_inbox(&self) -> bool {
        self.name == "INBOX"
    }
}

impl fmt::Display for Mailbox<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// Generic over the grammar, so extension grammars built on the core one
/// (see `imap_parser!`) can use mailbox names too.
impl<'a, R: ImapRule> FromPair<'a, R> for Mailbox<'a> {
    fn accepts(rule: R) -> bool {
        rule.token() == Token::Mailbox
    }

    fn from_pair(pair: Pair<'a, R>, cx: &Cx<'a>) -> Result<Self, ConvError> {
        let mut children = Children::new(pair, cx);
        let raw: IString<'a> = children.required("mailbox name")?;
        children.finish("mailbox")?;
        Ok(Mailbox::from_raw(raw))
    }
}

/// One LIST or LSUB response: `(\HasNoChildren) "/" "INBOX"`.
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(rule = "mailbox_list")]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ListEntry<'a> {
    /// Name attributes (`\Noselect`, `\HasChildren`, `\Sent`, ...).
    pub attributes: Vec<MailboxAttr<'a>>,
    /// The hierarchy delimiter; `None` for a flat name space (NIL).
    pub delimiter: Option<char>,
    /// The mailbox.
    pub mailbox: Mailbox<'a>,
    /// LIST-EXTENDED data (RFC 5258): `CHILDINFO`, `OLDNAME`, ...
    pub extended: Vec<ListExtended<'a>>,
}

/// A mailbox name attribute from LIST or LSUB (RFC 3501, 5258, 6154).
#[derive(Debug, Clone, PartialEq, Eq, Hash, IntoStatic)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[allow(missing_docs)] // each variant is the attribute of its name
pub enum MailboxAttr<'a> {
    NoInferiors,
    NoSelect,
    Marked,
    Unmarked,
    HasChildren,
    HasNoChildren,
    NonExistent,
    Subscribed,
    Remote,
    All,
    Archive,
    Drafts,
    Flagged,
    Junk,
    Sent,
    Trash,
    Important,
    /// Any other attribute, as sent.
    Other(Cow<'a, str>),
}

impl<'a> MailboxAttr<'a> {
    /// The attribute a token stands for (case-insensitive).
    pub fn from_token(token: &'a str) -> MailboxAttr<'a> {
        use MailboxAttr::*;
        const NAMED: [(&str, MailboxAttr<'static>); 17] = [
            ("\\Noinferiors", NoInferiors),
            ("\\Noselect", NoSelect),
            ("\\Marked", Marked),
            ("\\Unmarked", Unmarked),
            ("\\HasChildren", HasChildren),
            ("\\HasNoChildren", HasNoChildren),
            ("\\NonExistent", NonExistent),
            ("\\Subscribed", Subscribed),
            ("\\Remote", Remote),
            ("\\All", All),
            ("\\Archive", Archive),
            ("\\Drafts", Drafts),
            ("\\Flagged", Flagged),
            ("\\Junk", Junk),
            ("\\Sent", Sent),
            ("\\Trash", Trash),
            ("\\Important", Important),
        ];
        NAMED
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(token))
            .map_or(Other(Cow::Borrowed(token)), |(_, a)| a.clone())
    }
}

/// The attribute as written on the wire (`\HasNoChildren`).
impl fmt::Display for MailboxAttr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use MailboxAttr::*;
        let name = match self {
            NoInferiors => "\\Noinferiors",
            NoSelect => "\\Noselect",
            Marked => "\\Marked",
            Unmarked => "\\Unmarked",
            HasChildren => "\\HasChildren",
            HasNoChildren => "\\HasNoChildren",
            NonExistent => "\\NonExistent",
            Subscribed => "\\Subscribed",
            Remote => "\\Remote",
            All => "\\All",
            Archive => "\\Archive",
            Drafts => "\\Drafts",
            Flagged => "\\Flagged",
            Junk => "\\Junk",
            Sent => "\\Sent",
            Trash => "\\Trash",
            Important => "\\Important",
            Other(name) => name,
        };
        f.write_str(name)
    }
}

token_leaf!(MailboxAttr<'a>, "a mailbox attribute", mbx_list_flag, |s| Some(MailboxAttr::from_token(s)));

token_leaf!(char, "a hierarchy delimiter", mbx_list_delimiter, |s| {
    // `"/"` or `"\\"`: the character after the opening quote and any escape.
    let inner = &s[1..s.len() - 1];
    inner.strip_prefix('\\').unwrap_or(inner).chars().next()
});

/// One `att value` pair of a STATUS response.
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(rule = "status_att_item")]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct StatusItem<'a> {
    /// What is counted.
    pub att: StatusAtt<'a>,
    /// Its value.
    pub value: u64,
}

/// A STATUS attribute (RFC 3501 and extensions).
#[derive(Debug, Clone, PartialEq, Eq, Hash, IntoStatic)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum StatusAtt<'a> {
    /// `MESSAGES`: number of messages.
    Messages,
    /// `RECENT`: messages with `\Recent`.
    Recent,
    /// `UIDNEXT`: the next UID.
    UidNext,
    /// `UIDVALIDITY`.
    UidValidity,
    /// `UNSEEN`: messages without `\Seen`.
    Unseen,
    /// Any other attribute (`HIGHESTMODSEQ`, `SIZE`, ...), as sent.
    Other(Cow<'a, str>),
}

token_leaf!(StatusAtt<'a>, "a status attribute", status_att, |s| Some(match s.to_ascii_uppercase().as_str() {
    "MESSAGES" => StatusAtt::Messages,
    "RECENT" => StatusAtt::Recent,
    "UIDNEXT" => StatusAtt::UidNext,
    "UIDVALIDITY" => StatusAtt::UidValidity,
    "UNSEEN" => StatusAtt::Unseen,
    _ => StatusAtt::Other(Cow::Borrowed(s)),
}));
