//! SORT and THREAD (RFC 5256), and SEARCH with MODSEQ (RFC 7162): `grammar/ext/sort.pest`.

use crate::convert::{ConvError, Cx, FromPair, Pair};
use crate::grammar::Rule;
use imap_derive::{FromPair, IntoStatic};

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
