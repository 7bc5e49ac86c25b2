//! Typed data of the server extensions whose grammars are in `grammar/ext/`:
//! NAMESPACE, ID, QUOTA, ACL, ESEARCH, SEARCH and SORT with MODSEQ, THREAD, LIST-EXTENDED and METADATA (the
//! response codes and FETCH items sit with [`Code`](super::Code) and
//! [`FetchItem`](super::FetchItem)).

use crate::convert::{ConvError, Cx, FromPair, Pair};
use crate::grammar::Rule;
use crate::types::{IString, Mailbox, UidSet, Value};
use imap_derive::{FromPair, IntoStatic};
use std::borrow::Cow;

// ------------------------------------------------------------------ NAMESPACE

/// `* NAMESPACE personal other shared` (RFC 2342): each a list of
/// namespaces, empty for NIL.
///
/// ```
/// use imap_core::types::{Data, Response};
///
/// let input = b"* NAMESPACE ((\"\" \"/\")) ((\"~\" \"/\")) NIL\r\n";
/// let frame = imap_core::wire::frames(input, Default::default()).next().unwrap().unwrap();
/// let Ok(Response::Data(Data::Namespace(ns))) = imap_core::parse(&frame) else { panic!() };
/// assert_eq!(ns.personal[0].prefix, "");
/// assert_eq!(ns.other[0].delimiter, Some('/'));
/// assert!(ns.shared.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule, rule = "namespace_response")]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Namespace<'a> {
    /// The user's own namespaces.
    #[imap(list)]
    pub personal: Vec<NamespaceDescr<'a>>,
    /// Other users' namespaces.
    #[imap(list)]
    pub other: Vec<NamespaceDescr<'a>>,
    /// Shared namespaces.
    #[imap(list)]
    pub shared: Vec<NamespaceDescr<'a>>,
}

/// One namespace: `("#news." "." "X-PARAM" ("FLAG1"))`.
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule, rule = "namespace_descr")]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct NamespaceDescr<'a> {
    /// The prefix as sent (modified UTF-7, like mailbox names).
    pub prefix: IString<'a>,
    /// The hierarchy delimiter; `None` for NIL (a flat namespace).
    pub delimiter: Option<char>,
    /// Extension data (RFC 2342 `Namespace_Response_Extension`).
    pub extensions: Vec<NamespaceExtension<'a>>,
}

impl NamespaceDescr<'_> {
    /// The prefix decoded from modified UTF-7 (as mailbox names are):
    /// `"Entw&APw-rfe/"` is `"Entwürfe/"`.
    pub fn prefix_text(&self) -> String {
        crate::utf7::decode_lossy(self.prefix.as_bytes()).into_owned()
    }
}

/// A namespace's extension: a name and its values.
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule, rule = "namespace_response_extension")]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct NamespaceExtension<'a> {
    /// The extension's name.
    pub name: IString<'a>,
    /// Its values.
    pub values: Vec<IString<'a>>,
}

// ------------------------------------------------------------------ ID

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

// ------------------------------------------------------------------ QUOTA

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

// ------------------------------------------------------------------ ACL

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

// ------------------------------------------------------------------ ESEARCH

/// `* ESEARCH ...` (RFC 4731, with RFC 7162's MODSEQ): what a SEARCH or SORT
/// with `RETURN (...)` returns.
///
/// ```
/// use imap_core::types::{Data, Response};
///
/// let input = b"* ESEARCH (TAG \"A285\") UID MIN 7 MAX 3800\r\n";
/// let frame = imap_core::wire::frames(input, Default::default()).next().unwrap().unwrap();
/// let Ok(Response::Data(Data::ESearch(e))) = imap_core::parse(&frame) else { panic!() };
/// assert_eq!(e.tag.as_ref().map(|t| t.to_string()), Some("A285".into()));
/// assert!(e.uid);
/// assert_eq!((e.min, e.max, e.count), (Some(7), Some(3800), None));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, IntoStatic)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ESearch<'a> {
    /// The tag of the command this answers (`(TAG "A282")`), if given.
    pub tag: Option<IString<'a>>,
    /// Whether the numbers are UIDs.
    pub uid: bool,
    /// `MIN`: the lowest matching number.
    pub min: Option<u32>,
    /// `MAX`: the highest matching number.
    pub max: Option<u32>,
    /// `COUNT`: how many messages match.
    pub count: Option<u32>,
    /// `ALL`: every matching number.
    pub all: Option<UidSet>,
    /// `MODSEQ` (CONDSTORE): the highest mod-sequence of the matches.
    pub modseq: Option<u64>,
    /// Return data of other extensions (`PARTIAL`, `RELEVANCY`, ...), or one
    /// of the above that did not fit its syntax, kept whole.
    pub other: Vec<ESearchOther<'a>>,
}

/// Return data of ESEARCH this crate does not type: its name and value.
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule, rule = "search_ret_data_ext")]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ESearchOther<'a> {
    /// The name (`PARTIAL`, `RELEVANCY`, ...).
    pub name: Cow<'a, str>,
    /// The value.
    pub value: Value<'a>,
}

/// One item of `search-return-data`: the grammar's alternatives, which
/// [`ESearch`] folds into its fields.
#[derive(FromPair)]
#[imap(grammar = crate::grammar::Rule)]
enum SearchReturnData<'a> {
    #[imap(rule = "search_return_data_min")]
    Min(u32),
    #[imap(rule = "search_return_data_max")]
    Max(u32),
    #[imap(rule = "search_return_data_all")]
    All(UidSet),
    #[imap(rule = "search_return_data_count")]
    Count(u32),
    #[imap(rule = "search_return_data_modseq")]
    ModSeq(u64),
    Other(ESearchOther<'a>),
}

/// Return data may come in any order, so the fields are filled by hand.
impl<'a> FromPair<'a, Rule> for ESearch<'a> {
    fn accepts(rule: Rule) -> bool {
        rule == Rule::esearch_response
    }

    fn from_pair(pair: Pair<'_, 'a, Rule>, cx: &Cx<'a>) -> Result<Self, ConvError> {
        if pair.as_rule() != Rule::esearch_response {
            return Err(ConvError::unexpected(&pair, "ESEARCH"));
        }
        let mut out = ESearch::default();
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::esearch_response_uid => out.uid = true,
                rule if <IString<'a> as FromPair<'a, Rule>>::accepts(rule) => {
                    out.tag = Some(IString::from_pair(child, cx)?);
                }
                _ => match SearchReturnData::from_pair(child, cx)? {
                    SearchReturnData::Min(n) => out.min = Some(n),
                    SearchReturnData::Max(n) => out.max = Some(n),
                    SearchReturnData::All(set) => out.all = Some(set),
                    SearchReturnData::Count(n) => out.count = Some(n),
                    SearchReturnData::ModSeq(n) => out.modseq = Some(n),
                    SearchReturnData::Other(other) => out.other.push(other),
                },
            }
        }
        Ok(out)
    }
}

// ------------------------------------------------------------------ SORT, THREAD

/// `* SORT n...` (RFC 5256), with CONDSTORE's `(MODSEQ n)` (RFC 7162).
#[derive(Debug, Clone, PartialEq, Eq, Default, IntoStatic)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Sort {
    /// The matching messages, in the requested order.
    pub ids: Vec<u32>,
    /// The highest mod-sequence of the matches, if the server sent it.
    pub modseq: Option<u64>,
}

/// The numbers, then the optional `(MODSEQ n)`, whose number is a child too.
impl<'a> FromPair<'a, Rule> for Sort {
    fn accepts(rule: Rule) -> bool {
        rule == Rule::sort_data
    }

    fn from_pair(pair: Pair<'_, 'a, Rule>, cx: &Cx<'a>) -> Result<Self, ConvError> {
        if pair.as_rule() != Rule::sort_data {
            return Err(ConvError::unexpected(&pair, "SORT"));
        }
        let (ids, modseq) = ids_and_modseq(pair, cx)?;
        Ok(Sort { ids, modseq })
    }
}

/// `* SEARCH n...` (RFC 3501), with CONDSTORE's `(MODSEQ n)` after the
/// numbers when the search named `MODSEQ` (RFC 7162 section 3.1.5).
///
/// ```
/// use imap_core::types::{Data, Response, Search};
///
/// let input = b"* SEARCH 2 5 6 7 11 12 18 19 20 23 (MODSEQ 917162500)\r\n";
/// let frame = imap_core::wire::frames(input, Default::default()).next().unwrap().unwrap();
/// let Ok(Response::Data(Data::Search(search))) = imap_core::parse(&frame) else { panic!() };
/// assert_eq!(search.ids, [2, 5, 6, 7, 11, 12, 18, 19, 20, 23]);
/// assert_eq!(search.modseq, Some(917162500));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, IntoStatic)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Search {
    /// The matching messages (UIDs for UID SEARCH), in the server's order.
    pub ids: Vec<u32>,
    /// The highest mod-sequence of the matches, if the server sent it.
    pub modseq: Option<u64>,
}

impl<'a> FromPair<'a, Rule> for Search {
    fn accepts(rule: Rule) -> bool {
        matches!(rule, Rule::mailbox_data_search | Rule::search_modseq_data)
    }

    fn from_pair(pair: Pair<'_, 'a, Rule>, cx: &Cx<'a>) -> Result<Self, ConvError> {
        if !Self::accepts(pair.as_rule()) {
            return Err(ConvError::unexpected(&pair, "SEARCH"));
        }
        let (ids, modseq) = ids_and_modseq(pair, cx)?;
        Ok(Search { ids, modseq })
    }
}

/// The numbers of a SEARCH or SORT, then its `(MODSEQ n)`, if any.
fn ids_and_modseq<'a>(pair: Pair<'_, 'a, Rule>, cx: &Cx<'a>) -> Result<(Vec<u32>, Option<u64>), ConvError> {
    let (mut ids, mut modseq) = (Vec::new(), None);
    for child in pair.into_inner() {
        if child.as_rule() == Rule::search_sort_mod_seq {
            let at = child.start();
            let number = child.into_inner().next().ok_or_else(|| ConvError::new(at, "a mod-sequence"))?;
            modseq = Some(u64::from_pair(number, cx)?);
        } else {
            ids.push(u32::from_pair(child, cx)?);
        }
    }
    Ok((ids, modseq))
}

/// One parenthesised thread of `* THREAD` (RFC 5256): a chain of messages,
/// each the parent of the next, then the branches under the chain's last
/// message. `(3 6 (4 23)(44 7 96))` is 3, whose child is 6, whose children
/// are the chains 4-23 and 44-7-96; `((1)(2))` has no chain and two branches.
///
/// The tree nests only where the server's parentheses do, so its depth is
/// bounded by the framer's nesting limit however long a chain is.
#[derive(Debug, Clone, PartialEq, Eq, FromPair, IntoStatic)]
#[imap(grammar = crate::grammar::Rule, rule = "thread_list")]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Thread {
    /// The chain: message numbers (UIDs for UID THREAD), parent first.
    pub ids: Vec<u32>,
    /// The branches under the chain's last message (or roots, when the
    /// chain is empty).
    pub children: Vec<Thread>,
}

// ------------------------------------------------------------------ LIST-EXTENDED

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

// ------------------------------------------------------------------ METADATA

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
