//! LIST-EXTENDED (RFC 5258): `grammar/ext/list_extended.pest`.

use crate::types::{IString, Mailbox, Value};
use imap_derive::{FromPair, IntoStatic};

/// Extended data of a LIST response (RFC 5258 `mbox-list-extended-item`).
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum ListExtended<'a> {
    /// `CHILDINFO (...)`: the selection options (`SUBSCRIBED`) some child
    /// of this mailbox matches.
    #[imap(rule = "mbox_list_extended_item_childinfo")]
    ChildInfo(Vec<IString<'a>>),
    /// `OLDNAME (...)`: the mailbox's name before a rename.
    #[imap(rule = "mbox_list_extended_item_oldname")]
    OldName(Mailbox<'a>),
    /// Any other item: its tag and value.
    #[imap(rule = "mbox_list_extended_item_other")]
    Other {
        /// The item's tag.
        tag: IString<'a>,
        /// Its value.
        value: Value<'a>,
    },
}
