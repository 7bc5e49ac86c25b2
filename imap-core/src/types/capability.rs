//! Server capabilities.

use super::token_leaf;
use imap_derive::IntoStatic;
use std::borrow::Cow;
use std::fmt;

/// One capability a server advertises.
///
/// ```
/// use imap_core::types::Capability;
///
/// assert_eq!(Capability::from_token("AUTH=PLAIN"), Capability::Auth("PLAIN".into()));
/// assert_eq!(Capability::from_token("imap4rev1"), Capability::Imap4Rev1);
/// assert!(Capability::from_token("IDLE").is("idle"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, IntoStatic)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Capability<'a> {
    /// `IMAP4rev1` (RFC 3501).
    Imap4Rev1,
    /// `IMAP4rev2` (RFC 9051).
    Imap4Rev2,
    /// `AUTH=<mechanism>`: a SASL mechanism, as sent.
    Auth(Cow<'a, str>),
    /// Any other capability (`IDLE`, `LITERAL+`, `QUOTA=RES-STORAGE`, ...), as sent.
    Other(Cow<'a, str>),
}

impl<'a> Capability<'a> {
    /// The capability a token stands for.
    pub fn from_token(token: &'a str) -> Capability<'a> {
        if token.eq_ignore_ascii_case("IMAP4rev1") {
            Capability::Imap4Rev1
        } else if token.eq_ignore_ascii_case("IMAP4rev2") {
            Capability::Imap4Rev2
        } else if token.len() > 5 && token.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("AUTH=")) {
            // `get`, not `token[..5]`: byte 5 may fall inside a multi-byte
            // character (a non-UTF-8 byte remapped by the framer), where
            // slicing panicked (found by fuzz/fuzz_targets/parse.rs).
            // "AUTH=" is ASCII, so a match leaves 5 on a char boundary.
            Capability::Auth(Cow::Borrowed(&token[5..]))
        } else {
            Capability::Other(Cow::Borrowed(token))
        }
    }

    /// Whether this is the capability `name` (case-insensitive, as on the wire).
    pub fn is(&self, name: &str) -> bool {
        self.to_string().eq_ignore_ascii_case(name)
    }
}

impl fmt::Display for Capability<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Capability::Imap4Rev1 => f.write_str("IMAP4rev1"),
            Capability::Imap4Rev2 => f.write_str("IMAP4rev2"),
            Capability::Auth(m) => write!(f, "AUTH={m}"),
            Capability::Other(s) => f.write_str(s),
        }
    }
}

token_leaf!(Capability<'a>, "a capability", capability, |s| Some(Capability::from_token(s)));
