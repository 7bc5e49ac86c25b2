//! ID (RFC 2971): `grammar/ext/id.pest`.

use crate::types::IString;
use imap_derive::{FromPair, IntoStatic};

/// One `"name" "value"` pair of `* ID (...)` (RFC 2971).
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule, rule = "id_param")]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct IdParam<'a> {
    /// The field's name (`name`, `version`, ...).
    pub name: IString<'a>,
    /// Its value; `None` for NIL.
    pub value: Option<IString<'a>>,
}
