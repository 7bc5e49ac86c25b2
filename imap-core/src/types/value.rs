//! Generic values: what the grammar keeps of data it does not know.

use crate::types::IString;
use imap_derive::{FromPair, IntoStatic};
use std::borrow::Cow;

/// A value of a FETCH item, response or body extension that the grammar has
/// no rule for: kept whole rather than dropped.
///
/// ```
/// use imap_core::types::{Data, FetchItem, Response, Value};
///
/// let input = b"* 1 FETCH (X-SCORE (7 \"high\" NIL))\r\n";
/// let frame = imap_core::wire::frames(input, Default::default()).next().unwrap().unwrap();
/// let Ok(Response::Data(Data::Fetch(fetch))) = imap_core::parse(&frame) else { panic!() };
/// let FetchItem::Other { name, value: Value::List(items) } = &fetch.items[0] else { panic!() };
/// assert_eq!(name, "X-SCORE");
/// assert_eq!(items[0], Value::Number(7));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Value<'a> {
    /// `NIL`.
    #[imap(rule = "nil")]
    Nil,
    /// A number.
    Number(u64),
    /// A quoted string or literal.
    String(IString<'a>),
    /// An atom.
    Atom(Cow<'a, str>),
    /// A parenthesised list.
    #[imap(rule = "value_list")]
    List(Vec<Value<'a>>),
}
