//! The typed model of server responses.
//!
//! Every type is built from its grammar rule by `#[derive(FromPair)]` (the
//! rule is named on the type), or, for single tokens (flags, dates,
//! capabilities), decoded from the token by hand. Values borrow from the
//! frame they were parsed from; `IString::into_owned` and friends detach them.

mod body;
mod capability;
mod datetime;
mod envelope;
mod error_code;
mod ext;
mod fetch;
mod flag;
mod into_static;
mod mailbox;
mod malformed;
mod response;
mod string;
mod uidset;
mod value;

pub use body::{
    BasicPart, BodyFields, BodyStructure, Disposition, MessagePart, Multipart, MultipartExt, Param, SinglePart,
    SinglePartExt, SinglePartKind, TextPart,
};
pub use capability::Capability;
pub use datetime::{DateTime, DateTimeError};
pub use envelope::{Address, Envelope};
pub use error_code::ErrorCode;
pub use ext::{
    AclEntry, ESearch, ESearchOther, IdParam, ListExtended, MetadataCode, MetadataEntry, Namespace, NamespaceDescr,
    NamespaceExtension, QuotaResource, Search, Sort, Thread,
};
pub use fetch::{Fetch, FetchItem, GmLabel, Section, SectionPart, SectionText};
pub use flag::Flag;
pub use into_static::IntoStatic;
pub use mailbox::{ListEntry, Mailbox, MailboxAttr, StatusAtt, StatusItem, StatusValue};
pub use malformed::MalformedItem;
pub use response::{Code, Condition, Continue, Data, Response, Status, Tagged};
pub use string::IString;
pub use uidset::{UidRange, UidSet};
pub use value::Value;

/// Implements `FromPair` for a type decoded from the text of one token.
macro_rules! token_leaf {
    ($ty:ty, $what:literal, $($rule:ident)|+, |$s:ident| $decode:expr) => {
        impl<'a> $crate::convert::FromPair<'a, $crate::grammar::Rule> for $ty {
            #[inline]
            fn accepts(rule: $crate::grammar::Rule) -> bool {
                matches!(rule, $($crate::grammar::Rule::$rule)|+)
            }

            fn from_pair(
                pair: $crate::convert::Pair<'_, 'a, $crate::grammar::Rule>,
                _cx: &$crate::convert::Cx<'a>,
            ) -> Result<Self, $crate::convert::ConvError> {
                if !Self::accepts(pair.as_rule()) {
                    return Err($crate::convert::ConvError::unexpected(&pair, $what));
                }
                let $s: &'a str = pair.as_str();
                let decoded: Option<Self> = $decode;
                decoded.ok_or_else(|| $crate::convert::ConvError::new(pair.start(), $what))
            }
        }
    };
}
pub(crate) use token_leaf;
