//! BODYSTRUCTURE: the MIME tree of a message, as the server parsed it.

use crate::types::{Envelope, IString, Value};
use imap_derive::{FromPair, IntoStatic};

/// A body structure (RFC 3501 7.4.2, BODY and BODYSTRUCTURE): a multipart
/// with its parts, or a single part.
///
/// ```
/// use imap_core::types::{BodyStructure, Data, Response};
///
/// let input = b"* 1 FETCH (BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 12 1)\
/// (\"IMAGE\" \"PNG\" NIL NIL NIL \"BASE64\" 2048) \"MIXED\"))\r\n";
/// let frame = imap_core::wire::frames(input, Default::default()).next().unwrap().unwrap();
/// let Ok(Response::Data(Data::Fetch(fetch))) = imap_core::parse(&frame) else { panic!() };
/// let body = fetch.body_structure().unwrap();
/// assert_eq!(body.media_type(), ("MULTIPART".into(), "MIXED".into()));
/// let parts: Vec<_> = body.parts().map(|(number, part)| (number, part.media_type())).collect();
/// assert_eq!(parts[1].0, vec![1]);
/// assert_eq!(parts[2], (vec![2], ("IMAGE".into(), "PNG".into())));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum BodyStructure<'a> {
    /// `multipart/*`.
    Multipart(Multipart<'a>),
    /// Any other type.
    Single(SinglePart<'a>),
}

impl<'a> BodyStructure<'a> {
    /// Type and subtype, upper-cased (`("TEXT", "PLAIN")`).
    pub fn media_type(&self) -> (String, String) {
        let upper = |s: &Option<IString<'_>>| s.as_ref().map_or(String::new(), |s| s.to_str_lossy().to_uppercase());
        match self {
            BodyStructure::Multipart(m) => ("MULTIPART".to_owned(), upper(&m.subtype)),
            BodyStructure::Single(s) => match &s.kind {
                SinglePartKind::Text(t) => ("TEXT".to_owned(), upper(&t.subtype)),
                SinglePartKind::Message(m) => ("MESSAGE".to_owned(), upper(&m.subtype)),
                SinglePartKind::Basic(b) => (upper(&b.media_type), upper(&b.subtype)),
            },
        }
    }

    /// The part's fields (parameters, id, encoding, size); `None` for a multipart.
    pub fn fields(&self) -> Option<&BodyFields<'a>> {
        match self {
            BodyStructure::Multipart(_) => None,
            BodyStructure::Single(s) => Some(match &s.kind {
                SinglePartKind::Text(t) => &t.fields,
                SinglePartKind::Message(m) => &m.fields,
                SinglePartKind::Basic(b) => &b.fields,
            }),
        }
    }

    /// The part's Content-Disposition (BODYSTRUCTURE only; `None` in BODY).
    pub fn disposition(&self) -> Option<&Disposition<'a>> {
        match self {
            BodyStructure::Multipart(m) => m.ext.as_ref()?.disposition.as_ref(),
            BodyStructure::Single(s) => s.ext.as_ref()?.disposition.as_ref(),
        }
    }

    /// The part's file name for a person to read: the disposition's
    /// `filename` parameter, else the Content-Type's `name`, each decoded by
    /// [`text::decode_param`](crate::text::decode_param) (RFC 2231
    /// continuations and charsets, or RFC 2047 words).
    ///
    /// ```
    /// use imap_core::types::{Data, Response};
    ///
    /// let input = b"* 1 FETCH (BODYSTRUCTURE (\"APPLICATION\" \"PDF\" (\"NAME\" \"r.pdf\") NIL NIL \"BASE64\" 10 NIL \
    /// (\"ATTACHMENT\" (\"FILENAME*0*\" \"utf-8''%E6%97%A5\" \"FILENAME*1\" \".pdf\")) NIL NIL))\r\n";
    /// let frame = imap_core::wire::frames(input, Default::default()).next().unwrap().unwrap();
    /// let Ok(Response::Data(Data::Fetch(fetch))) = imap_core::parse(&frame) else { panic!() };
    /// assert_eq!(fetch.body_structure().unwrap().filename().unwrap(), "日.pdf");
    /// ```
    pub fn filename(&self) -> Option<String> {
        self.disposition()
            .and_then(|d| d.param_text("filename"))
            .or_else(|| self.fields().and_then(|f| f.param_text("name")))
    }

    /// Every node of the tree with its part number as used in `BODY[1.2]`,
    /// depth first; the root comes first with an empty number. The parts of
    /// an attached message (message/rfc822) are numbered below it.
    pub fn parts(&self) -> impl Iterator<Item = (Vec<u32>, &BodyStructure<'a>)> {
        // An explicit stack: the tree is as deep as the framer's nesting
        // limit allows, and an iterator keeps the caller's stack flat.
        let mut stack = vec![(Vec::new(), self)];
        std::iter::from_fn(move || {
            let (number, node) = stack.pop()?;
            let children: Vec<&BodyStructure<'a>> = match node {
                BodyStructure::Multipart(m) => m.parts.iter().collect(),
                BodyStructure::Single(SinglePart { kind: SinglePartKind::Message(m), .. }) => match &*m.body {
                    BodyStructure::Multipart(inner) => inner.parts.iter().collect(),
                    single => vec![single],
                },
                BodyStructure::Single(_) => Vec::new(),
            };
            for (i, child) in children.into_iter().enumerate().rev() {
                let mut child_number = number.clone();
                child_number.push(i as u32 + 1);
                stack.push((child_number, child));
            }
            Some((number, node))
        })
    }
}

/// A multipart body.
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule, rule = "body_type_mpart")]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Multipart<'a> {
    /// The parts, in order.
    pub parts: Vec<BodyStructure<'a>>,
    /// The subtype (`MIXED`, `ALTERNATIVE`, ...).
    pub subtype: Option<IString<'a>>,
    /// Extension data (BODYSTRUCTURE only).
    pub ext: Option<MultipartExt<'a>>,
}

/// A single (non-multipart) body part.
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule, rule = "body_type_1part")]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SinglePart<'a> {
    /// What kind of part, with its fields.
    pub kind: SinglePartKind<'a>,
    /// Extension data (BODYSTRUCTURE only).
    pub ext: Option<SinglePartExt<'a>>,
}

/// The three shapes of single part the grammar tells apart.
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum SinglePartKind<'a> {
    /// `text/*`, with a line count.
    Text(TextPart<'a>),
    /// `message/rfc822` (or another message subtype of the same shape), with
    /// the attached message's envelope and structure.
    Message(MessagePart<'a>),
    /// Any other type.
    Basic(BasicPart<'a>),
}

/// A `text/*` part.
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule, rule = "body_type_text")]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct TextPart<'a> {
    /// The subtype (`PLAIN`, `HTML`, ...).
    pub subtype: Option<IString<'a>>,
    /// Parameters, id, description, encoding, size.
    pub fields: BodyFields<'a>,
    /// Size in text lines.
    pub lines: u32,
}

/// A `message/rfc822` part.
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule, rule = "body_type_msg")]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct MessagePart<'a> {
    /// The subtype (`RFC822`, or `GLOBAL` from RFC 6532).
    pub subtype: Option<IString<'a>>,
    /// Parameters, id, description, encoding, size.
    pub fields: BodyFields<'a>,
    /// The attached message's envelope.
    pub envelope: Box<Envelope<'a>>,
    /// The attached message's structure.
    pub body: Box<BodyStructure<'a>>,
    /// Size in text lines.
    pub lines: u32,
}

/// Any other single part (`image/png`, `application/pdf`, ...).
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule, rule = "body_type_basic")]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct BasicPart<'a> {
    /// The type (`IMAGE`, `APPLICATION`, ...).
    pub media_type: Option<IString<'a>>,
    /// The subtype.
    pub subtype: Option<IString<'a>>,
    /// Parameters, id, description, encoding, size.
    pub fields: BodyFields<'a>,
}

/// `body-fields`: what every single part has.
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule, rule = "body_fields")]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct BodyFields<'a> {
    /// Content-Type parameters (`charset`, `name`, ...).
    #[imap(list)]
    pub params: Vec<Param<'a>>,
    /// Content-ID.
    pub id: Option<IString<'a>>,
    /// Content-Description.
    pub description: Option<IString<'a>>,
    /// Content-Transfer-Encoding (`7BIT`, `BASE64`, ...).
    pub encoding: Option<IString<'a>>,
    /// Size in octets of the encoded body (0 when a server sends -1).
    pub octets: u32,
}

impl BodyFields<'_> {
    /// The value of parameter `name` (case-insensitive).
    pub fn param(&self, name: &str) -> Option<&IString<'_>> {
        self.params
            .iter()
            .find(|p| p.name.as_bytes().eq_ignore_ascii_case(name.as_bytes()))
            .and_then(|p| p.value.as_ref())
    }

    /// The value of parameter `name` decoded for a person (RFC 2231
    /// continuations and charsets, RFC 2047 words): see
    /// [`text::decode_param`](crate::text::decode_param).
    pub fn param_text(&self, name: &str) -> Option<String> {
        decode(&self.params, name)
    }
}

/// [`text::decode_param`](crate::text::decode_param) over typed parameters.
fn decode(params: &[Param<'_>], name: &str) -> Option<String> {
    let pairs = params.iter().map(|p| (p.name.as_bytes(), p.value.as_ref().map_or(&b""[..], |v| v.as_bytes())));
    crate::text::decode_param(pairs, name)
}

/// One `name value` parameter.
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule, rule = "body_fld_param_pair", rule = "body_fld_param_bare")]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Param<'a> {
    /// The name.
    pub name: IString<'a>,
    /// The value (missing or NIL from some servers).
    pub value: Option<IString<'a>>,
}

/// Content-Disposition: `("ATTACHMENT" ("FILENAME" "a.pdf"))`.
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule, rule = "body_fld_dsp_value")]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Disposition<'a> {
    /// `INLINE`, `ATTACHMENT`, ...
    pub kind: Option<IString<'a>>,
    /// Its parameters.
    #[imap(list)]
    pub params: Vec<Param<'a>>,
}

impl Disposition<'_> {
    /// The value of parameter `name` (`filename`, ...) decoded for a person
    /// (RFC 2231 continuations and charsets, RFC 2047 words): see
    /// [`text::decode_param`](crate::text::decode_param).
    pub fn param_text(&self, name: &str) -> Option<String> {
        decode(&self.params, name)
    }
}

/// Extension data of a single part.
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule, rule = "body_ext_1part")]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SinglePartExt<'a> {
    /// Content-MD5.
    pub md5: Option<IString<'a>>,
    /// Content-Disposition.
    pub disposition: Option<Disposition<'a>>,
    /// Content-Language.
    #[imap(list)]
    pub language: Vec<IString<'a>>,
    /// Content-Location.
    pub location: Option<IString<'a>>,
    /// Later extension data.
    pub extensions: Vec<Value<'a>>,
}

/// Extension data of a multipart.
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule, rule = "body_ext_mpart")]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct MultipartExt<'a> {
    /// Content-Type parameters (`boundary`, ...).
    #[imap(list)]
    pub params: Vec<Param<'a>>,
    /// Content-Disposition.
    pub disposition: Option<Disposition<'a>>,
    /// Content-Language.
    #[imap(list)]
    pub language: Vec<IString<'a>>,
    /// Content-Location.
    pub location: Option<IString<'a>>,
    /// Later extension data.
    pub extensions: Vec<Value<'a>>,
}
