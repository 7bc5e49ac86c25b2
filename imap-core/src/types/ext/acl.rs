//! ACL (RFC 4314): `grammar/ext/acl.pest`.

use crate::types::IString;
use imap_derive::{FromPair, IntoStatic};

/// One `identifier rights` pair of `* ACL mailbox ...` (RFC 4314).
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule, rule = "acl_data_entry")]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct AclEntry<'a> {
    /// Whom the rights are for (`fred`, `anyone`, `-fred` for negative rights).
    pub identifier: IString<'a>,
    /// The rights, one letter each (`lrswipkxtecda`).
    pub rights: IString<'a>,
}
