//! Mailboxes: names, LIST entries, STATUS items.

use super::token_leaf;
use crate::convert::{Children, ConvError, Cx, FromPair, ImapRule, Pair, Token};
use crate::types::{IString, ListExtended, MalformedItem, Value};
use imap_derive::{FromPair, IntoStatic};
use std::borrow::Cow;
use std::fmt;

/// A mailbox name: decoded from modified UTF-7 (RFC 3501 5.1.3), with the
/// name as sent kept beside it.
///
/// `INBOX` in any case is `INBOX`. A name that is not valid modified UTF-7
/// (non-conforming servers) is shown as sent. Once UTF8=ACCEPT (RFC 6855) or
/// IMAP4rev2 is enabled, names are UTF-8 and not decoded at all: the session
/// turns them with [`Mailbox::into_utf8`] (`&` is then just `&`).
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

    /// The same name read as UTF-8 (RFC 6855 section 3, once UTF8=ACCEPT
    /// is enabled) rather than as modified UTF-7; bytes that are not UTF-8
    /// show as U+FFFD, the raw name keeps them.
    ///
    /// ```
    /// use imap_core::types::Mailbox;
    ///
    /// let m = Mailbox::from_raw("Tom&Jerry-Entwürfe".as_bytes().into()).into_utf8();
    /// assert_eq!(m.name(), "Tom&Jerry-Entwürfe");
    /// assert_eq!(Mailbox::from_raw(b"a&AOQ-"[..].into()).into_utf8().name(), "a&AOQ-");
    /// ```
    pub fn into_utf8(self) -> Mailbox<'a> {
        if self.raw.as_bytes().eq_ignore_ascii_case(b"INBOX") {
            return self;
        }
        let name = match self.raw.as_borrowed() {
            Some(bytes) => String::from_utf8_lossy(bytes),
            None => Cow::Owned(String::from_utf8_lossy(self.raw.as_bytes()).into_owned()),
        };
        Mailbox { name, raw: self.raw }
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

    fn from_pair(pair: Pair<'_, 'a, R>, cx: &Cx<'a>) -> Result<Self, ConvError> {
        let mut children = Children::new(pair, cx);
        let raw: IString<'a> = children.required("mailbox name")?;
        children.finish("mailbox")?;
        Ok(Mailbox::from_raw(raw))
    }
}

/// One LIST or LSUB response: `(\HasNoChildren) "/" "INBOX"`.
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule, rule = "mailbox_list")]
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
#[non_exhaustive]
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
///
/// Numbers (`MESSAGES 231`, RFC 8438's `SIZE`, RFC 7162's `HIGHESTMODSEQ`,
/// RFC 9051's `DELETED`) are [`StatusValue::Number`]; RFC 8474's
/// `MAILBOXID (id)` is [`StatusValue::ObjectId`]; RFC 7889's `APPENDLIMIT NIL`
/// is [`StatusValue::Nil`]; any other value is kept whole as
/// [`StatusValue::Other`].
///
/// ```
/// use imap_core::types::{Data, Response, StatusAtt, StatusValue};
///
/// let input = b"* STATUS INBOX (MESSAGES 2 SIZE 4096 MAILBOXID (F2212ea87-6097-4256-9d51-71338625) APPENDLIMIT NIL)\r\n";
/// let frame = imap_core::wire::frames(input, Default::default()).next().unwrap().unwrap();
/// let Ok(Response::Data(Data::Status { items, .. })) = imap_core::parse(&frame) else { panic!() };
/// assert_eq!((&items[1].att, items[1].number()), (&StatusAtt::Size, Some(4096)));
/// assert_eq!(items[2].value, StatusValue::ObjectId("F2212ea87-6097-4256-9d51-71338625".into()));
/// assert_eq!((&items[3].att, &items[3].value), (&StatusAtt::AppendLimit, &StatusValue::Nil));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(
    grammar = crate::grammar::Rule,
    rule = "status_att_item",
    rule = "status_att_mailboxid",
    rule = "status_att_appendlimit",
    rule = "status_att_other"
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct StatusItem<'a> {
    /// What is counted.
    pub att: StatusAtt<'a>,
    /// Its value.
    pub value: StatusValue<'a>,
}

impl StatusItem<'_> {
    /// The value if it is a number (every RFC 3501 attribute, `SIZE`,
    /// `HIGHESTMODSEQ`, `DELETED`, a numeric `APPENDLIMIT`).
    pub fn number(&self) -> Option<u64> {
        match self.value {
            StatusValue::Number(n) => Some(n),
            _ => None,
        }
    }
}

/// The value of a STATUS attribute (serialized as the bare number, `null`,
/// the id's string, or the generic value).
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(untagged))]
#[non_exhaustive]
pub enum StatusValue<'a> {
    /// A number (64-bit: RFC 9051's number64, RFC 7162's mod-sequence).
    Number(u64),
    /// `NIL`: `APPENDLIMIT NIL` (RFC 7889), no limit for this mailbox.
    #[imap(rule = "nil")]
    Nil,
    /// `(objectid)`: `MAILBOXID` (RFC 8474), the mailbox's unique id.
    #[imap(rule = "status_att_objectid")]
    ObjectId(Cow<'a, str>),
    /// A value of another shape, kept whole.
    Other(Value<'a>),
    /// A value of a known shape that could not be read (a number beyond 64
    /// bits), kept raw; the other items are read as usual.
    #[imap(malformed)]
    Malformed(MalformedItem<'a>),
}

/// A STATUS attribute (RFC 3501 and extensions).
#[derive(Debug, Clone, PartialEq, Eq, Hash, IntoStatic)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
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
    /// `SIZE` (STATUS=SIZE, RFC 8438): the mailbox's total size in octets.
    Size,
    /// `HIGHESTMODSEQ` (CONDSTORE, RFC 7162).
    HighestModSeq,
    /// `DELETED` (IMAP4rev2, RFC 9051): messages with `\Deleted`.
    Deleted,
    /// `MAILBOXID` (OBJECTID, RFC 8474): the mailbox's unique id.
    MailboxId,
    /// `APPENDLIMIT` (RFC 7889): the largest message APPEND takes here.
    AppendLimit,
    /// Any other attribute, as sent.
    Other(Cow<'a, str>),
}

impl StatusAtt<'_> {
    /// The attribute's name as written on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            StatusAtt::Other(name) => name,
            named => named.keyword().unwrap_or_default(),
        }
    }

    /// The name of an attribute this crate names; `None` for `Other`.
    pub fn keyword(&self) -> Option<&'static str> {
        Some(match self {
            StatusAtt::Messages => "MESSAGES",
            StatusAtt::Recent => "RECENT",
            StatusAtt::UidNext => "UIDNEXT",
            StatusAtt::UidValidity => "UIDVALIDITY",
            StatusAtt::Unseen => "UNSEEN",
            StatusAtt::Size => "SIZE",
            StatusAtt::HighestModSeq => "HIGHESTMODSEQ",
            StatusAtt::Deleted => "DELETED",
            StatusAtt::MailboxId => "MAILBOXID",
            StatusAtt::AppendLimit => "APPENDLIMIT",
            StatusAtt::Other(_) => return None,
        })
    }
}

token_leaf!(StatusAtt<'a>, "a status attribute", status_att, |s| Some(match s.to_ascii_uppercase().as_str() {
    "MESSAGES" => StatusAtt::Messages,
    "RECENT" => StatusAtt::Recent,
    "UIDNEXT" => StatusAtt::UidNext,
    "UIDVALIDITY" => StatusAtt::UidValidity,
    "UNSEEN" => StatusAtt::Unseen,
    "SIZE" => StatusAtt::Size,
    "HIGHESTMODSEQ" => StatusAtt::HighestModSeq,
    "DELETED" => StatusAtt::Deleted,
    "MAILBOXID" => StatusAtt::MailboxId,
    "APPENDLIMIT" => StatusAtt::AppendLimit,
    _ => StatusAtt::Other(Cow::Borrowed(s)),
}));
