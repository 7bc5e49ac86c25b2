//! Message flags.

use super::token_leaf;
use imap_derive::IntoStatic;
use std::borrow::Cow;
use std::fmt;

/// A message flag: a system flag, `\Recent`, `\*` (new keywords may be
/// created), a keyword, or a flag extension.
///
/// ```
/// use imap_core::types::Flag;
///
/// assert_eq!(Flag::from_token("\\SEEN"), Flag::Seen);
/// assert_eq!(Flag::from_token("$Forwarded"), Flag::Keyword("$Forwarded".into()));
/// assert_eq!(Flag::from_token("\\Important").to_string(), "\\Important");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, IntoStatic)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Flag<'a> {
    /// `\Seen`.
    Seen,
    /// `\Answered`.
    Answered,
    /// `\Flagged`.
    Flagged,
    /// `\Deleted`.
    Deleted,
    /// `\Draft`.
    Draft,
    /// `\Recent` (FETCH only).
    Recent,
    /// `\*` (PERMANENTFLAGS only): the client may create keywords.
    MayCreate,
    /// A keyword such as `$Forwarded` or `Junk`, as sent.
    Keyword(Cow<'a, str>),
    /// A `\`-flag this crate does not name, with its backslash.
    Extension(Cow<'a, str>),
}

impl<'a> Flag<'a> {
    /// The flag a token stands for (system flags in any case).
    pub fn from_token(token: &'a str) -> Flag<'a> {
        let Some(name) = token.strip_prefix('\\') else { return Flag::Keyword(Cow::Borrowed(token)) };
        const SYSTEM: [(&str, Flag<'static>); 7] = [
            ("Seen", Flag::Seen),
            ("Answered", Flag::Answered),
            ("Flagged", Flag::Flagged),
            ("Deleted", Flag::Deleted),
            ("Draft", Flag::Draft),
            ("Recent", Flag::Recent),
            ("*", Flag::MayCreate),
        ];
        SYSTEM
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map_or(Flag::Extension(Cow::Borrowed(token)), |(_, f)| f.clone())
    }
}

impl fmt::Display for Flag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Flag::Seen => "\\Seen",
            Flag::Answered => "\\Answered",
            Flag::Flagged => "\\Flagged",
            Flag::Deleted => "\\Deleted",
            Flag::Draft => "\\Draft",
            Flag::Recent => "\\Recent",
            Flag::MayCreate => "\\*",
            Flag::Keyword(s) | Flag::Extension(s) => s.as_ref(),
        })
    }
}

token_leaf!(Flag<'a>, "a flag", flag, |s| Some(Flag::from_token(s)));
