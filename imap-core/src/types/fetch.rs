//! FETCH responses and their items.

use crate::convert::{ConvError, Cx, FromPair, Pair};
use crate::grammar::Rule;
use crate::types::{BodyStructure, DateTime, Envelope, Flag, IString, Mailbox, MalformedItem, Value};
use imap_derive::{FromPair, IntoStatic};
use std::borrow::Cow;

/// `* n FETCH (...)`: data about message `n`.
///
/// ```
/// use imap_core::types::{Data, Flag, Response};
///
/// let input = b"* 7 FETCH (UID 42 RFC822.SIZE 1024 FLAGS (\\Seen $Junk))\r\n";
/// let frame = imap_core::wire::frames(input, Default::default()).next().unwrap().unwrap();
/// let Ok(Response::Data(Data::Fetch(fetch))) = imap_core::parse(&frame) else { panic!() };
/// assert_eq!((fetch.seq, fetch.uid(), fetch.size()), (7, Some(42), Some(1024)));
/// assert_eq!(fetch.flags(), Some(&[Flag::Seen, Flag::Keyword("$Junk".into())][..]));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule, rule = "message_data_fetch")]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Fetch<'a> {
    /// The message sequence number.
    pub seq: u32,
    /// The items, in the order the server sent them; one whose value could
    /// not be read is a [`FetchItem::Malformed`] among the others.
    pub items: Vec<FetchItem<'a>>,
}

impl<'a> Fetch<'a> {
    /// The UID, if fetched.
    pub fn uid(&self) -> Option<u32> {
        self.items.iter().find_map(|i| match i {
            FetchItem::Uid(uid) => Some(*uid),
            _ => None,
        })
    }

    /// The flags, if fetched.
    pub fn flags(&self) -> Option<&[Flag<'a>]> {
        self.items.iter().find_map(|i| match i {
            FetchItem::Flags(flags) => Some(&flags[..]),
            _ => None,
        })
    }

    /// RFC822.SIZE, if fetched.
    pub fn size(&self) -> Option<u32> {
        self.items.iter().find_map(|i| match i {
            FetchItem::Rfc822Size(size) => Some(*size),
            _ => None,
        })
    }

    /// INTERNALDATE, if fetched.
    pub fn internal_date(&self) -> Option<&DateTime> {
        self.items.iter().find_map(|i| match i {
            FetchItem::InternalDate(date) => Some(date),
            _ => None,
        })
    }

    /// The ENVELOPE, if fetched.
    pub fn envelope(&self) -> Option<&Envelope<'a>> {
        self.items.iter().find_map(|i| match i {
            FetchItem::Envelope(envelope) => Some(&**envelope),
            _ => None,
        })
    }

    /// BODYSTRUCTURE (or BODY, its non-extensible form), if fetched.
    pub fn body_structure(&self) -> Option<&BodyStructure<'a>> {
        self.items.iter().find_map(|i| match i {
            FetchItem::BodyStructure(body) | FetchItem::Body(body) => Some(&**body),
            _ => None,
        })
    }

    /// X-GM-LABELS (Gmail), if fetched.
    pub fn gm_labels(&self) -> Option<&[GmLabel<'a>]> {
        self.items.iter().find_map(|i| match i {
            FetchItem::GmLabels(labels) => Some(&labels[..]),
            _ => None,
        })
    }

    /// X-GM-MSGID (Gmail), if fetched.
    pub fn gm_msgid(&self) -> Option<u64> {
        self.items.iter().find_map(|i| match i {
            FetchItem::GmMsgId(id) => Some(*id),
            _ => None,
        })
    }

    /// X-GM-THRID (Gmail), if fetched.
    pub fn gm_thrid(&self) -> Option<u64> {
        self.items.iter().find_map(|i| match i {
            FetchItem::GmThrId(id) => Some(*id),
            _ => None,
        })
    }

    /// MODSEQ (CONDSTORE), if fetched.
    pub fn modseq(&self) -> Option<u64> {
        self.items.iter().find_map(|i| match i {
            FetchItem::ModSeq(n) => Some(*n),
            _ => None,
        })
    }

    /// The data of `BINARY[part]` (any origin), if fetched; `part` empty
    /// for the whole message. NIL reads as empty.
    pub fn binary(&self, part: &[u32]) -> Option<&[u8]> {
        self.items.iter().find_map(|i| match i {
            FetchItem::Binary { part: p, data, .. } if same_part(p, part) => {
                Some(data.as_ref().map_or(&[][..], |d| d.as_bytes()))
            }
            _ => None,
        })
    }

    /// `BINARY.SIZE[part]`, if fetched; `part` empty for the whole message.
    pub fn binary_size(&self, part: &[u32]) -> Option<u64> {
        self.items.iter().find_map(|i| match i {
            FetchItem::BinarySize { part: p, size } if same_part(p, part) => Some(*size),
            _ => None,
        })
    }

    /// The data of `BODY[section]` (any origin), if fetched; `section` as
    /// written in the request, e.g. `""`, `"HEADER"`, `"1.2.MIME"`.
    pub fn section(&self, section: &str) -> Option<&[u8]> {
        self.items.iter().find_map(|i| match i {
            FetchItem::BodySection { section: s, data, .. } if s.to_string().eq_ignore_ascii_case(section) => {
                Some(data.as_ref().map_or(&[][..], |d| d.as_bytes()))
            }
            _ => None,
        })
    }
}

/// A Gmail label (`X-GM-LABELS`).
///
/// ```
/// use imap_core::types::{FetchItem, GmLabel};
///
/// let input = b"* 1 FETCH (X-GM-LABELS (\\Inbox \\Sent Important \"Muy Importante\" &AMk-t&AOk-))\r\n";
/// let frame = imap_core::wire::frames(input, Default::default()).next().unwrap().unwrap();
/// let Ok(imap_core::Response::Data(imap_core::types::Data::Fetch(f))) = imap_core::parse(&frame) else { panic!() };
/// let Some(labels) = f.gm_labels() else { panic!() };
/// let names: Vec<_> = labels.iter().map(GmLabel::name).collect();
/// assert_eq!(names, ["\\Inbox", "\\Sent", "Important", "Muy Importante", "Été"]);
/// assert!(labels[0].is_system() && !labels[2].is_system());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, IntoStatic)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum GmLabel<'a> {
    /// A system label, with its backslash: `\Inbox`, `\Sent`,
    /// `\Important`, `\Starred`, `\Draft`, `\Trash`, `\Spam`.
    System(Cow<'a, str>),
    /// A user label: a name decoded from modified UTF-7, as mailbox names
    /// are (the name as sent is kept).
    User(Mailbox<'a>),
}

impl GmLabel<'_> {
    /// The label for people: a system label with its backslash, a user
    /// label decoded.
    pub fn name(&self) -> &str {
        match self {
            GmLabel::System(name) => name,
            GmLabel::User(mailbox) => mailbox.name(),
        }
    }

    /// Whether this is a system label (`\Inbox`, ...).
    pub fn is_system(&self) -> bool {
        matches!(self, GmLabel::System(_))
    }
}

/// A system label is its token, or a string starting with `\` (Gmail
/// quotes `"\\Inbox"` and `"\\Important"` in some responses); any other
/// string is read as a name.
impl<'a> FromPair<'a, Rule> for GmLabel<'a> {
    fn accepts(rule: Rule) -> bool {
        rule == Rule::gm_label_system || <IString<'a> as FromPair<'a, Rule>>::accepts(rule)
    }

    fn from_pair(pair: Pair<'_, 'a, Rule>, cx: &Cx<'a>) -> Result<Self, ConvError> {
        if pair.as_rule() == Rule::gm_label_system {
            return Ok(GmLabel::System(Cow::Borrowed(pair.as_str())));
        }
        match system_label(IString::from_pair(pair, cx)?) {
            Ok(name) => Ok(GmLabel::System(name)),
            Err(string) => Ok(GmLabel::User(Mailbox::from_raw(string))),
        }
    }
}

/// A string that starts with `\` and is UTF-8 as a system label's name;
/// any other back as it was.
fn system_label(string: IString<'_>) -> Result<Cow<'_, str>, IString<'_>> {
    if string.as_bytes().first() != Some(&b'\\') {
        return Err(string);
    }
    match string.into_inner() {
        Cow::Borrowed(bytes) => std::str::from_utf8(bytes).map(Cow::Borrowed).map_err(|_| IString::from(bytes)),
        Cow::Owned(bytes) => {
            String::from_utf8(bytes).map(Cow::Owned).map_err(|e| IString::from(Cow::Owned(e.into_bytes())))
        }
    }
}

/// Whether a response's part path is `wanted` (`None` is the empty path).
fn same_part(part: &Option<SectionPart>, wanted: &[u32]) -> bool {
    part.as_ref().map_or(&[][..], |p| &p.0[..]) == wanted
}

/// One item of a FETCH response (RFC 3501 7.4.2).
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum FetchItem<'a> {
    /// `UID`.
    #[imap(rule = "msg_att_uid")]
    Uid(u32),
    /// `FLAGS`.
    #[imap(rule = "flag_list")]
    Flags(Vec<Flag<'a>>),
    /// `RFC822.SIZE`.
    #[imap(rule = "msg_att_rfc822_size")]
    Rfc822Size(u32),
    /// `INTERNALDATE`.
    #[imap(rule = "msg_att_internaldate")]
    InternalDate(DateTime),
    /// `ENVELOPE`.
    #[imap(rule = "msg_att_envelope")]
    Envelope(Box<Envelope<'a>>),
    /// `BODYSTRUCTURE`.
    #[imap(rule = "msg_att_bodystructure")]
    BodyStructure(Box<BodyStructure<'a>>),
    /// `BODY` (the structure without extension data).
    #[imap(rule = "msg_att_body")]
    Body(Box<BodyStructure<'a>>),
    /// `BODY[section]<origin>`: message data; borrowed from the response.
    #[imap(rule = "msg_att_body_section")]
    BodySection {
        /// Which part.
        section: Section<'a>,
        /// Where a partial fetch starts.
        origin: Option<u32>,
        /// The data; `None` for NIL.
        data: Option<IString<'a>>,
    },
    /// `RFC822`: the whole message.
    #[imap(rule = "msg_att_rfc822")]
    Rfc822(Option<IString<'a>>),
    /// `RFC822.HEADER`.
    #[imap(rule = "msg_att_rfc822_header")]
    Rfc822Header(Option<IString<'a>>),
    /// `RFC822.TEXT`.
    #[imap(rule = "msg_att_rfc822_text")]
    Rfc822Text(Option<IString<'a>>),
    /// `MODSEQ (n)` (CONDSTORE, RFC 7162): the message's mod-sequence.
    #[imap(rule = "msg_att_modseq")]
    ModSeq(u64),
    /// `EMAILID (id)` (OBJECTID, RFC 8474).
    #[imap(rule = "msg_att_emailid")]
    EmailId(Cow<'a, str>),
    /// `THREADID (id)` or `NIL` (OBJECTID, RFC 8474).
    #[imap(rule = "msg_att_threadid")]
    ThreadId(Option<Cow<'a, str>>),
    /// `SAVEDATE` (RFC 8514): when the message was saved in this mailbox;
    /// `None` (NIL) when the server does not know.
    #[imap(rule = "msg_att_savedate")]
    SaveDate(Option<DateTime>),
    /// `BINARY[part]<origin>` (RFC 3516): the part's content with its
    /// content-transfer-encoding undone, usually sent as a literal8
    /// (`~{n}`, which may hold NUL); borrowed from the response.
    #[imap(rule = "msg_att_binary")]
    Binary {
        /// The part number path; `None` for the whole message (`BINARY[]`).
        part: Option<SectionPart>,
        /// Where a partial fetch starts.
        origin: Option<u32>,
        /// The decoded data; `None` for NIL.
        data: Option<IString<'a>>,
    },
    /// `BINARY.SIZE[part]` (RFC 3516): the size of the part once decoded.
    #[imap(rule = "msg_att_binary_size")]
    BinarySize {
        /// The part number path; `None` for the whole message.
        part: Option<SectionPart>,
        /// The decoded size in octets.
        size: u64,
    },
    /// `X-GM-LABELS (...)` (Gmail): the message's labels.
    #[imap(rule = "msg_att_x_gm_labels")]
    GmLabels(Vec<GmLabel<'a>>),
    /// `X-GM-MSGID n` (Gmail): the message's unique id.
    #[imap(rule = "msg_att_x_gm_msgid")]
    GmMsgId(u64),
    /// `X-GM-THRID n` (Gmail): the id of the message's thread.
    #[imap(rule = "msg_att_x_gm_thrid")]
    GmThrId(u64),
    /// An item this crate does not know, kept with its value.
    #[imap(rule = "msg_att_other")]
    Other {
        /// The item's name as sent (`PREVIEW`, `X-GM-LABELS`, `X-SCORE`).
        name: Cow<'a, str>,
        /// Its value.
        value: Value<'a>,
    },
    /// An item whose value could not be read, kept raw; the response's
    /// other items are read as usual.
    #[imap(malformed)]
    Malformed(MalformedItem<'a>),
}

/// A body section specifier: `[1.2.HEADER.FIELDS (Subject)]`, as a FETCH
/// response names it and as a FETCH command asks for it
/// ([`FetchAttr::BodySection`](crate::command::FetchAttr::BodySection)).
///
/// ```
/// use imap_core::types::{Section, SectionText};
///
/// assert_eq!(Section::full().to_string(), "");
/// assert_eq!(Section::header_fields(["DATE", "FROM"]).to_string(), "HEADER.FIELDS (DATE FROM)");
/// assert_eq!(Section::part([1, 2]).with_text(SectionText::Mime).to_string(), "1.2.MIME");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule, rule = "section")]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Section<'a> {
    /// The part number path (`1.2`), if any.
    pub part: Option<SectionPart>,
    /// Which text of that part, if not all of it.
    pub text: Option<SectionText<'a>>,
}

/// A part number path: `[1, 2]` for `1.2`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule, rule = "section_part")]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SectionPart(pub Vec<u32>);

/// The text part of a section specifier.
#[derive(Debug, Clone, PartialEq, Eq, Hash, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum SectionText<'a> {
    /// `HEADER`.
    #[imap(rule = "section_msgtext_header")]
    Header,
    /// `HEADER.FIELDS (names)`.
    #[imap(rule = "section_msgtext_header_fields")]
    HeaderFields(Vec<IString<'a>>),
    /// `HEADER.FIELDS.NOT (names)`.
    #[imap(rule = "section_msgtext_header_fields_not")]
    HeaderFieldsNot(Vec<IString<'a>>),
    /// `TEXT`.
    #[imap(rule = "section_msgtext_text")]
    Text,
    /// `MIME` (only after a part number).
    #[imap(rule = "section_text_mime")]
    Mime,
}

impl<'a> Section<'a> {
    /// `[]`: the whole message.
    pub fn full() -> Self {
        Section::default()
    }

    /// `[HEADER]`.
    pub fn header() -> Self {
        Section { part: None, text: Some(SectionText::Header) }
    }

    /// `[TEXT]`.
    pub fn text() -> Self {
        Section { part: None, text: Some(SectionText::Text) }
    }

    /// `[HEADER.FIELDS (names)]`.
    pub fn header_fields<S: Into<IString<'a>>>(names: impl IntoIterator<Item = S>) -> Self {
        Section { part: None, text: Some(SectionText::HeaderFields(names.into_iter().map(Into::into).collect())) }
    }

    /// `[1.2]`: a MIME part (`[]` for an empty path).
    pub fn part(path: impl IntoIterator<Item = u32>) -> Self {
        let path: Vec<u32> = path.into_iter().collect();
        Section { part: (!path.is_empty()).then_some(SectionPart(path)), text: None }
    }

    /// The same part with a text specifier.
    pub fn with_text(mut self, text: SectionText<'a>) -> Self {
        self.text = Some(text);
        self
    }

    /// The part number path; empty for the whole message.
    pub fn part_path(&self) -> &[u32] {
        self.part.as_ref().map_or(&[], |p| &p.0)
    }
}

/// The specifier as it is written in a FETCH command (without brackets).
impl std::fmt::Display for Section<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut sep = "";
        if let Some(part) = &self.part {
            for (i, n) in part.0.iter().enumerate() {
                write!(f, "{}{n}", if i == 0 { "" } else { "." })?;
            }
            sep = ".";
        }
        let names = |f: &mut std::fmt::Formatter<'_>, names: &[IString<'_>]| {
            let names: Vec<_> = names.iter().map(|n| n.to_str_lossy()).collect();
            write!(f, " ({})", names.join(" "))
        };
        match &self.text {
            None => Ok(()),
            Some(SectionText::Header) => write!(f, "{sep}HEADER"),
            Some(SectionText::Text) => write!(f, "{sep}TEXT"),
            Some(SectionText::Mime) => write!(f, "{sep}MIME"),
            Some(SectionText::HeaderFields(n)) => {
                write!(f, "{sep}HEADER.FIELDS")?;
                names(f, n)
            }
            Some(SectionText::HeaderFieldsNot(n)) => {
                write!(f, "{sep}HEADER.FIELDS.NOT")?;
                names(f, n)
            }
        }
    }
}
