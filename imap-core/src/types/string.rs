//! IMAP strings: bytes, usually but not always UTF-8.

use crate::convert::{ConvError, Cx, FromPair, ImapRule, Pair, Token};
use std::borrow::Cow;
use std::fmt;

/// A string from the server (quoted, literal or atom form), as bytes.
///
/// IMAP strings are octets: real servers send Latin-1 and raw 8-bit text in
/// them, so nothing is lost by forcing them into `str`. Borrowed from the
/// response where possible.
///
/// ```
/// use imap_core::types::IString;
///
/// let s = IString::from("Entwürfe");
/// assert_eq!(s.as_str(), Some("Entwürfe"));
/// assert_eq!(IString::from(&b"caf\xe9"[..]).to_str_lossy(), "caf\u{fffd}");
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct IString<'a>(Cow<'a, [u8]>);

impl<'a> IString<'a> {
    /// The bytes as sent.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The string, if it is UTF-8.
    pub fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.0).ok()
    }

    /// The string with bytes that are not UTF-8 replaced by U+FFFD.
    pub fn to_str_lossy(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.0)
    }

    /// The bytes, if they are borrowed from the response (not unescaped or owned).
    pub fn as_borrowed(&self) -> Option<&'a [u8]> {
        match self.0 {
            Cow::Borrowed(bytes) => Some(bytes),
            Cow::Owned(_) => None,
        }
    }

    /// The length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether it is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A copy that owns its bytes, free of the response it came from.
    pub fn into_owned(self) -> IString<'static> {
        IString(Cow::Owned(self.0.into_owned()))
    }

    /// The bytes, borrowed or owned as they were.
    pub fn into_inner(self) -> Cow<'a, [u8]> {
        self.0
    }
}

impl<'a> From<Cow<'a, [u8]>> for IString<'a> {
    fn from(bytes: Cow<'a, [u8]>) -> Self {
        IString(bytes)
    }
}

impl<'a> From<&'a [u8]> for IString<'a> {
    fn from(bytes: &'a [u8]) -> Self {
        IString(Cow::Borrowed(bytes))
    }
}

impl From<String> for IString<'static> {
    fn from(s: String) -> Self {
        IString(Cow::Owned(s.into_bytes()))
    }
}

impl<'a> From<&'a str> for IString<'a> {
    fn from(s: &'a str) -> Self {
        IString(Cow::Borrowed(s.as_bytes()))
    }
}

impl PartialEq<str> for IString<'_> {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other.as_bytes()
    }
}

impl PartialEq<&str> for IString<'_> {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == *other.as_bytes()
    }
}

impl PartialEq<[u8]> for IString<'_> {
    fn eq(&self, other: &[u8]) -> bool {
        *self.0 == *other
    }
}

impl fmt::Debug for IString<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.as_str() {
            Some(s) => fmt::Debug::fmt(s, f),
            None => write!(f, "b\"{}\"", self.0.escape_ascii()),
        }
    }
}

impl fmt::Display for IString<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_str_lossy())
    }
}

/// UTF-8 strings serialize as strings; anything else as
/// `{"utf8_lossy": "...", "hex": "..."}`, which keeps every byte.
#[cfg(feature = "serde")]
impl serde::Serialize for IString<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        match self.as_str() {
            Some(s) => serializer.serialize_str(s),
            None => {
                let hex: String = self.0.iter().map(|b| format!("{b:02x}")).collect();
                let mut st = serializer.serialize_struct("IString", 2)?;
                st.serialize_field("utf8_lossy", &self.to_str_lossy())?;
                st.serialize_field("hex", &hex)?;
                st.end()
            }
        }
    }
}

// A string token of any grammar built on the core one: quoted, literal or
// atom-like, its bytes borrowed from the input where no escape is undone.
impl<'a, R: ImapRule> FromPair<'a, R> for IString<'a> {
    #[inline]
    fn accepts(rule: R) -> bool {
        matches!(rule.token(), Token::Quoted | Token::Literal | Token::AstringAtom | Token::Text)
    }

    fn from_pair(pair: Pair<'_, 'a, R>, cx: &Cx<'a>) -> Result<Self, ConvError> {
        let bytes = match pair.as_rule().token() {
            Token::Literal => Cow::Borrowed(cx.literal(&pair)?),
            Token::Quoted => unquote(pair.as_str(), cx),
            Token::AstringAtom | Token::Text => cx.bytes(pair.as_str()),
            _ => return Err(ConvError::unexpected(&pair, "a string")),
        };
        Ok(IString::from(bytes))
    }
}

/// The content of a quoted token: quotes dropped, `\"` and `\\` undone.
fn unquote<'a>(token: &'a str, cx: &Cx<'a>) -> Cow<'a, [u8]> {
    let inner = &token[1..token.len() - 1];
    if !inner.contains('\\') {
        return cx.bytes(inner);
    }
    let mut out = Vec::with_capacity(inner.len());
    let mut escaped = false;
    for &b in cx.bytes(inner).iter() {
        if escaped || b != b'\\' {
            out.push(b);
            escaped = false;
        } else {
            escaped = true;
        }
    }
    Cow::Owned(out)
}
