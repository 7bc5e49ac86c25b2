//! QUOTA (RFC 9208): `grammar/ext/quota.pest`.

use imap_derive::{FromPair, IntoStatic};
use std::borrow::Cow;

/// One resource of `* QUOTA root (...)` (RFC 9208): `STORAGE 10 512`.
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule, rule = "quota_resource")]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct QuotaResource<'a> {
    /// `STORAGE` (in units of 1024 octets), `MESSAGE`, `MAILBOX`, ...
    pub name: Cow<'a, str>,
    /// Current usage.
    pub usage: u64,
    /// The limit.
    pub limit: u64,
}
