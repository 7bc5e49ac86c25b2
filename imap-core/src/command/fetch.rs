//! FETCH attributes, body sections, and STORE modes.

use super::encode::{EncodeError, Encoder};
use crate::types::{IString, Section, SectionText};

/// How a [`Section`] is written in a command (its names as astrings).
impl Section<'_> {
    /// The specifier as written between the brackets, for display and tests.
    pub fn to_wire(&self) -> Result<String, EncodeError> {
        let opts = Default::default();
        let mut e = Encoder::new(&opts);
        self.encode(&mut e)?;
        let bytes = e.finish().to_bytes();
        Ok(String::from_utf8_lossy(&bytes[..bytes.len() - 2]).into_owned())
    }

    fn encode(&self, e: &mut Encoder<'_>) -> Result<(), EncodeError> {
        let part = self.part_path();
        encode_part(e, part)?;
        let dot = |e: &'_ mut Encoder<'_>| {
            if !part.is_empty() {
                e.keyword(".");
            }
        };
        let names = |e: &mut Encoder<'_>, names: &[IString<'_>]| -> Result<(), EncodeError> {
            if names.is_empty() {
                return Err(EncodeError::InvalidSection("empty header field list"));
            }
            e.keyword(" (");
            for (i, n) in names.iter().enumerate() {
                if i > 0 {
                    e.sp();
                }
                e.astring(n.as_bytes())?;
            }
            e.keyword(")");
            Ok(())
        };
        match &self.text {
            None => {}
            Some(SectionText::Header) => {
                dot(e);
                e.keyword("HEADER");
            }
            Some(SectionText::Text) => {
                dot(e);
                e.keyword("TEXT");
            }
            Some(SectionText::Mime) => {
                if part.is_empty() {
                    return Err(EncodeError::InvalidSection("MIME without a part number"));
                }
                dot(e);
                e.keyword("MIME");
            }
            Some(SectionText::HeaderFields(n)) => {
                dot(e);
                e.keyword("HEADER.FIELDS");
                names(e, n)?;
            }
            Some(SectionText::HeaderFieldsNot(n)) => {
                dot(e);
                e.keyword("HEADER.FIELDS.NOT");
                names(e, n)?;
            }
        }
        Ok(())
    }
}

fn encode_part(e: &mut Encoder<'_>, part: &[u32]) -> Result<(), EncodeError> {
    for (i, &n) in part.iter().enumerate() {
        if n == 0 {
            return Err(EncodeError::InvalidSection("part number 0"));
        }
        if i > 0 {
            e.keyword(".");
        }
        e.number(n.into());
    }
    Ok(())
}

/// A byte range of a section: `<origin.length>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Partial {
    /// First byte, from 0.
    pub origin: u32,
    /// Number of bytes (at least 1).
    pub length: u32,
}

/// One FETCH data item (RFC 3501 `fetch-att` and extensions).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FetchAttr {
    /// `UID`.
    Uid,
    /// `FLAGS`.
    Flags,
    /// `INTERNALDATE`.
    InternalDate,
    /// `RFC822.SIZE`.
    Rfc822Size,
    /// `ENVELOPE`.
    Envelope,
    /// `BODYSTRUCTURE`.
    BodyStructure,
    /// `BODY` (the structure without extension data).
    Body,
    /// `BODY[section]<partial>`, or `BODY.PEEK[...]` when `peek` (which does
    /// not set `\Seen`).
    BodySection {
        /// The section.
        section: Section<'static>,
        /// A byte range, if not all of it.
        partial: Option<Partial>,
        /// `BODY.PEEK`.
        peek: bool,
    },
    /// `RFC822` (like `BODY[]`).
    Rfc822,
    /// `RFC822.HEADER` (like `BODY.PEEK[HEADER]`).
    Rfc822Header,
    /// `RFC822.TEXT` (like `BODY[TEXT]`).
    Rfc822Text,
    /// `BINARY[part]<partial>` or `BINARY.PEEK[...]` (RFC 3516).
    Binary {
        /// The part path; empty for the whole message.
        part: Vec<u32>,
        /// A byte range, if not all of it.
        partial: Option<Partial>,
        /// `BINARY.PEEK`.
        peek: bool,
    },
    /// `BINARY.SIZE[part]` (RFC 3516).
    BinarySize(Vec<u32>),
    /// `MODSEQ` (RFC 7162).
    ModSeq,
    /// `X-GM-LABELS` (Gmail).
    GmLabels,
    /// `X-GM-MSGID` (Gmail).
    GmMsgId,
    /// `X-GM-THRID` (Gmail).
    GmThrId,
    /// An item of an extension this crate does not name (`PREVIEW`,
    /// `SNIPPET`, ...): printable ASCII without spaces, checked when encoded.
    Other(String),
}

impl FetchAttr {
    /// `BODY.PEEK[section]`: the usual way to read without setting `\Seen`.
    pub fn peek(section: Section<'static>) -> FetchAttr {
        FetchAttr::BodySection { section, partial: None, peek: true }
    }

    /// `BODY[section]` (sets `\Seen`).
    pub fn body(section: Section<'static>) -> FetchAttr {
        FetchAttr::BodySection { section, partial: None, peek: false }
    }

    pub(crate) fn encode(&self, e: &mut Encoder<'_>) -> Result<(), EncodeError> {
        use FetchAttr::*;
        let partial = |e: &mut Encoder<'_>, p: &Option<Partial>| -> Result<(), EncodeError> {
            if let Some(p) = p {
                if p.length == 0 {
                    return Err(EncodeError::ZeroNumber);
                }
                e.keyword("<").number(p.origin.into()).keyword(".").number(p.length.into()).keyword(">");
            }
            Ok(())
        };
        match self {
            Uid => _ = e.keyword("UID"),
            Flags => _ = e.keyword("FLAGS"),
            InternalDate => _ = e.keyword("INTERNALDATE"),
            Rfc822Size => _ = e.keyword("RFC822.SIZE"),
            Envelope => _ = e.keyword("ENVELOPE"),
            BodyStructure => _ = e.keyword("BODYSTRUCTURE"),
            Body => _ = e.keyword("BODY"),
            BodySection { section, partial: p, peek } => {
                e.keyword(if *peek { "BODY.PEEK[" } else { "BODY[" });
                section.encode(e)?;
                e.keyword("]");
                partial(e, p)?;
            }
            Rfc822 => _ = e.keyword("RFC822"),
            Rfc822Header => _ = e.keyword("RFC822.HEADER"),
            Rfc822Text => _ = e.keyword("RFC822.TEXT"),
            Binary { part, partial: p, peek } => {
                e.keyword(if *peek { "BINARY.PEEK[" } else { "BINARY[" });
                encode_part(e, part)?;
                e.keyword("]");
                partial(e, p)?;
            }
            BinarySize(part) => {
                e.keyword("BINARY.SIZE[");
                encode_part(e, part)?;
                e.keyword("]");
            }
            ModSeq => _ = e.keyword("MODSEQ"),
            GmLabels => _ = e.keyword("X-GM-LABELS"),
            GmMsgId => _ = e.keyword("X-GM-MSGID"),
            GmThrId => _ = e.keyword("X-GM-THRID"),
            Other(name) => _ = e.token(name)?,
        }
        Ok(())
    }
}

/// What a FETCH asks for: one of the macros, or a list of attributes.
///
/// ```
/// use imap_core::command::{Command, EncodeOptions, FetchAttr, FetchItems, Section};
///
/// let items = FetchItems::Attrs(vec![FetchAttr::Flags, FetchAttr::body(Section::header_fields(["DATE", "FROM"]))]);
/// let cmd = Command::Fetch { set: (2..=4).into(), items, changed_since: None, uid: false };
/// let bytes = cmd.encode("A654", &EncodeOptions::default()).unwrap().to_bytes();
/// assert_eq!(bytes, b"A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])\r\n");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FetchItems {
    /// `ALL`: FLAGS INTERNALDATE RFC822.SIZE ENVELOPE.
    All,
    /// `FAST`: FLAGS INTERNALDATE RFC822.SIZE.
    Fast,
    /// `FULL`: ALL and BODY.
    Full,
    /// Attributes: one is written bare, several in parentheses; not empty.
    Attrs(Vec<FetchAttr>),
}

impl From<FetchAttr> for FetchItems {
    fn from(a: FetchAttr) -> Self {
        FetchItems::Attrs(vec![a])
    }
}

impl From<Vec<FetchAttr>> for FetchItems {
    fn from(v: Vec<FetchAttr>) -> Self {
        FetchItems::Attrs(v)
    }
}

impl FetchItems {
    pub(crate) fn encode(&self, e: &mut Encoder<'_>) -> Result<(), EncodeError> {
        match self {
            FetchItems::All => _ = e.keyword("ALL"),
            FetchItems::Fast => _ = e.keyword("FAST"),
            FetchItems::Full => _ = e.keyword("FULL"),
            FetchItems::Attrs(v) => match v.as_slice() {
                [] => return Err(EncodeError::Empty("fetch attribute list")),
                [one] => one.encode(e)?,
                many => {
                    e.keyword("(");
                    for (i, a) in many.iter().enumerate() {
                        if i > 0 {
                            e.sp();
                        }
                        a.encode(e)?;
                    }
                    e.keyword(")");
                }
            },
        }
        Ok(())
    }
}

/// How STORE changes flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StoreMode {
    /// `+FLAGS`: add these.
    Add,
    /// `-FLAGS`: remove these.
    Remove,
    /// `FLAGS`: replace with these.
    Replace,
}

impl StoreMode {
    /// The item name, with `.SILENT` when the server should not answer with
    /// the new flags.
    pub fn keyword(self, silent: bool) -> &'static str {
        match (self, silent) {
            (StoreMode::Add, false) => "+FLAGS",
            (StoreMode::Add, true) => "+FLAGS.SILENT",
            (StoreMode::Remove, false) => "-FLAGS",
            (StoreMode::Remove, true) => "-FLAGS.SILENT",
            (StoreMode::Replace, false) => "FLAGS",
            (StoreMode::Replace, true) => "FLAGS.SILENT",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::EncodeOptions;

    fn enc(a: &FetchAttr) -> Result<String, EncodeError> {
        let o = EncodeOptions::default();
        let mut e = Encoder::new(&o);
        a.encode(&mut e)?;
        Ok(String::from_utf8(e.finish().to_bytes()).unwrap().trim_end().to_owned())
    }

    #[test]
    fn every_attr() {
        use FetchAttr::*;
        let cases = [
            (Uid, "UID"),
            (Flags, "FLAGS"),
            (InternalDate, "INTERNALDATE"),
            (Rfc822Size, "RFC822.SIZE"),
            (Envelope, "ENVELOPE"),
            (BodyStructure, "BODYSTRUCTURE"),
            (Body, "BODY"),
            (FetchAttr::body(Section::full()), "BODY[]"),
            (FetchAttr::peek(Section::header()), "BODY.PEEK[HEADER]"),
            (FetchAttr::peek(Section::text()), "BODY.PEEK[TEXT]"),
            (
                BodySection {
                    section: Section::full(),
                    partial: Some(Partial { origin: 0, length: 1024 }),
                    peek: true,
                },
                "BODY.PEEK[]<0.1024>",
            ),
            (FetchAttr::body(Section::part([1, 2]).with_text(SectionText::Header)), "BODY[1.2.HEADER]"),
            (FetchAttr::body(Section::part([3])), "BODY[3]"),
            (
                FetchAttr::peek(Section {
                    part: None,
                    text: Some(SectionText::HeaderFieldsNot(vec!["X-Spam".into(), "two words".into()])),
                }),
                "BODY.PEEK[HEADER.FIELDS.NOT (X-Spam \"two words\")]",
            ),
            (Rfc822, "RFC822"),
            (Rfc822Header, "RFC822.HEADER"),
            (Rfc822Text, "RFC822.TEXT"),
            (Binary { part: vec![1, 2], partial: None, peek: false }, "BINARY[1.2]"),
            (
                Binary { part: vec![], partial: Some(Partial { origin: 5, length: 6 }), peek: true },
                "BINARY.PEEK[]<5.6>",
            ),
            (BinarySize(vec![2]), "BINARY.SIZE[2]"),
            (ModSeq, "MODSEQ"),
            (GmLabels, "X-GM-LABELS"),
            (GmMsgId, "X-GM-MSGID"),
            (GmThrId, "X-GM-THRID"),
            (Other("PREVIEW".into()), "PREVIEW"),
        ];
        for (a, want) in cases {
            assert_eq!(enc(&a).unwrap(), want);
        }
    }

    #[test]
    fn other_items_cannot_inject() {
        for bad in ["PREVIEW\r\nA1 LOGOUT", "X Y", ""] {
            assert!(enc(&FetchAttr::Other(bad.into())).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn invalid_sections() {
        assert_eq!(
            enc(&FetchAttr::body(Section::full().with_text(SectionText::Mime))),
            Err(EncodeError::InvalidSection("MIME without a part number"))
        );
        assert_eq!(enc(&FetchAttr::body(Section::part([1, 0]))), Err(EncodeError::InvalidSection("part number 0")));
        assert_eq!(
            enc(&FetchAttr::body(Section::header_fields(Vec::<String>::new()))),
            Err(EncodeError::InvalidSection("empty header field list"))
        );
        let zero = FetchAttr::BodySection {
            section: Section::full(),
            partial: Some(Partial { origin: 0, length: 0 }),
            peek: false,
        };
        assert_eq!(enc(&zero), Err(EncodeError::ZeroNumber));
    }

    #[test]
    fn store_modes() {
        assert_eq!(StoreMode::Add.keyword(false), "+FLAGS");
        assert_eq!(StoreMode::Remove.keyword(true), "-FLAGS.SILENT");
        assert_eq!(StoreMode::Replace.keyword(true), "FLAGS.SILENT");
    }
}
