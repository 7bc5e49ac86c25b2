//! ESEARCH (RFC 4731): `grammar/ext/esearch.pest`.

use crate::convert::{ConvError, Cx, FromPair, Pair};
use crate::grammar::Rule;
use crate::types::{IString, UidSet, Value};
use imap_derive::{FromPair, IntoStatic};
use std::borrow::Cow;

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
