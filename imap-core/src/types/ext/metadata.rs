//! METADATA (RFC 5464): `grammar/ext/metadata.pest`.

use crate::types::IString;
use imap_derive::{FromPair, IntoStatic};

/// One `entry value` of `* METADATA mailbox (...)` (RFC 5464 section 4.4.1).
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule, rule = "metadata_entry_value")]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct MetadataEntry<'a> {
    /// The entry's name: `/private/comment`, `/shared/vendor/...`.
    pub name: IString<'a>,
    /// Its value (any bytes: a literal8 may hold NUL); `None` for NIL, an
    /// entry that is not set.
    pub value: Option<IString<'a>>,
}

/// A METADATA response code (RFC 5464 section 4.2.1 and 4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum MetadataCode {
    /// `LONGENTRIES n`: GETMETADATA with MAXSIZE left out entries; the
    /// largest of them has `n` octets.
    #[imap(rule = "resp_text_code_metadata_longentries")]
    LongEntries(u64),
    /// `MAXSIZE n`: SETMETADATA refused a value longer than `n` octets.
    #[imap(rule = "resp_text_code_metadata_maxsize")]
    MaxSize(u64),
    /// `TOOMANY`: SETMETADATA would exceed the number of entries allowed.
    #[imap(rule = "resp_text_code_metadata_toomany")]
    TooMany,
    /// `NOPRIVATE`: the server cannot store private entries.
    #[imap(rule = "resp_text_code_metadata_noprivate")]
    NoPrivate,
}

impl std::fmt::Display for MetadataCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MetadataCode::LongEntries(n) => write!(f, "LONGENTRIES {n}"),
            MetadataCode::MaxSize(n) => write!(f, "MAXSIZE {n}"),
            MetadataCode::TooMany => f.write_str("TOOMANY"),
            MetadataCode::NoPrivate => f.write_str("NOPRIVATE"),
        }
    }
}
