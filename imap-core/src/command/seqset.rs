//! Sequence sets: `1:4,7,9:*` (RFC 3501 `sequence-set`), for message
//! sequence numbers and UIDs alike.

use super::encode::{EncodeError, Encoder};
use crate::types::UidSet;
use std::fmt;
use std::ops::{Range, RangeFrom, RangeInclusive};
use std::str::FromStr;

/// One end of a range: a number, or `*` (the largest number in use).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SeqNumber {
    /// A message sequence number or UID (1 or more on the wire).
    Value(u32),
    /// `*`: the last message's number or UID.
    Star,
}

impl fmt::Display for SeqNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SeqNumber::Value(n) => write!(f, "{n}"),
            SeqNumber::Star => f.write_str("*"),
        }
    }
}

/// One element of a sequence set: `7` (start == end) or `9:*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SeqRange {
    /// The first end as written.
    pub start: SeqNumber,
    /// The second end as written (equal to `start` for a single number).
    pub end: SeqNumber,
}

impl SeqRange {
    /// A single number.
    pub fn single(n: SeqNumber) -> Self {
        SeqRange { start: n, end: n }
    }

    /// The length of the element's wire form.
    fn wire_len(&self) -> usize {
        let len = |n: &SeqNumber| match n {
            SeqNumber::Value(v) => decimal_len(*v),
            SeqNumber::Star => 1,
        };
        if self.start == self.end {
            len(&self.start)
        } else {
            len(&self.start) + 1 + len(&self.end)
        }
    }

    /// The inclusive bounds, if neither end is `*`.
    pub fn bounds(&self) -> Option<(u32, u32)> {
        match (self.start, self.end) {
            (SeqNumber::Value(a), SeqNumber::Value(b)) => Some((a.min(b), a.max(b))),
            _ => None,
        }
    }
}

impl fmt::Display for SeqRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.start == self.end {
            write!(f, "{}", self.start)
        } else {
            write!(f, "{}:{}", self.start, self.end)
        }
    }
}

fn decimal_len(v: u32) -> usize {
    v.checked_ilog10().map_or(1, |l| l as usize + 1)
}

/// A sequence set: numbers, `*`, ranges, and lists of them.
///
/// Built from numbers (consecutive ones are compacted into ranges), ranges
/// (`3..=5`, `9..` for `9:*`), or parsed from its wire form; [`Display`]
/// writes the wire form.
///
/// ```
/// use imap_core::command::SeqSet;
///
/// let set: SeqSet = [7, 1, 2, 3, 4, 9, 10].into_iter().collect();
/// assert_eq!(set.to_string(), "1:4,7,9:10");
/// assert_eq!(SeqSet::from(9..).to_string(), "9:*");
/// assert_eq!(SeqSet::from(2..=4).to_string(), "2:4");
///
/// let parsed: SeqSet = "1:4,7,9:*".parse().unwrap();
/// assert_eq!(parsed.to_string(), "1:4,7,9:*");
///
/// // Long UID sets split into commands of bounded length.
/// let uids: SeqSet = (1..=10_000u32).filter(|n| n % 2 == 0).collect();
/// for chunk in uids.chunks(1000) {
///     assert!(chunk.to_string().len() <= 1000);
/// }
/// ```
///
/// [`Display`]: fmt::Display
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct SeqSet {
    ranges: Vec<SeqRange>,
}

impl SeqSet {
    /// The empty set (which cannot be sent; add something first).
    pub fn new() -> Self {
        SeqSet::default()
    }

    /// `1:*`: every message.
    pub fn all() -> Self {
        SeqSet::from(1..)
    }

    /// `*`: the last message.
    pub fn last() -> Self {
        SeqSet { ranges: vec![SeqRange::single(SeqNumber::Star)] }
    }

    /// A set of numbers, sorted, deduplicated and compacted into ranges.
    pub fn from_numbers(numbers: impl IntoIterator<Item = u32>) -> Self {
        let mut v: Vec<u32> = numbers.into_iter().collect();
        v.sort_unstable();
        v.dedup();
        let mut ranges: Vec<SeqRange> = Vec::new();
        let mut iter = v.into_iter();
        if let Some(first) = iter.next() {
            let (mut lo, mut hi) = (first, first);
            for n in iter {
                if n == hi + 1 {
                    hi = n;
                } else {
                    ranges.push(range(lo, hi));
                    (lo, hi) = (n, n);
                }
            }
            ranges.push(range(lo, hi));
        }
        SeqSet { ranges }
    }

    /// The elements, in order, as written.
    pub fn ranges(&self) -> &[SeqRange] {
        &self.ranges
    }

    /// Whether the set has no elements.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Appends an element as is.
    pub fn push(&mut self, range: SeqRange) {
        self.ranges.push(range);
    }

    /// The same set with finite ranges sorted and merged where they overlap
    /// or touch; elements with `*` are kept (deduplicated) at the end,
    /// since `*` may be smaller than the other end.
    pub fn compact(&self) -> SeqSet {
        let mut finite: Vec<(u32, u32)> = self.ranges.iter().filter_map(SeqRange::bounds).collect();
        finite.sort_unstable();
        let mut ranges: Vec<SeqRange> = Vec::new();
        let mut cur: Option<(u32, u32)> = None;
        for (a, b) in finite {
            cur = match cur {
                Some((lo, hi)) if a <= hi.saturating_add(1) => Some((lo, hi.max(b))),
                Some((lo, hi)) => {
                    ranges.push(range(lo, hi));
                    Some((a, b))
                }
                None => Some((a, b)),
            };
        }
        if let Some((lo, hi)) = cur {
            ranges.push(range(lo, hi));
        }
        for r in self.ranges.iter().filter(|r| r.bounds().is_none()) {
            if !ranges.contains(r) {
                ranges.push(*r);
            }
        }
        SeqSet { ranges }
    }

    /// Length of the wire form in bytes.
    pub fn wire_len(&self) -> usize {
        self.ranges.iter().map(SeqRange::wire_len).sum::<usize>() + self.ranges.len().saturating_sub(1)
    }

    /// Splits the set, in order, into sets whose wire form is at most
    /// `max_len` bytes (Courier closes the connection on very long command
    /// lines). Elements are not split, so `max_len` is raised to at least 21,
    /// the length of the longest element (`4294967294:4294967295`). The union
    /// of the chunks is this set; an empty set gives no chunks.
    pub fn chunks(&self, max_len: usize) -> Vec<SeqSet> {
        let max_len = max_len.max(21);
        let mut out = Vec::new();
        let mut cur = SeqSet::new();
        let mut len = 0;
        for r in &self.ranges {
            let l = r.wire_len();
            if !cur.is_empty() && len + 1 + l > max_len {
                out.push(std::mem::take(&mut cur));
                len = 0;
            }
            len += if cur.is_empty() { l } else { l + 1 };
            cur.ranges.push(*r);
        }
        if !cur.is_empty() {
            out.push(cur);
        }
        out
    }

    /// Writes the wire form; an empty set or a 0 is an error.
    pub(crate) fn encode(&self, e: &mut Encoder<'_>) -> Result<(), EncodeError> {
        if self.ranges.is_empty() {
            return Err(EncodeError::Empty("sequence set"));
        }
        if self.ranges.iter().any(|r| [r.start, r.end].contains(&SeqNumber::Value(0))) {
            return Err(EncodeError::ZeroNumber);
        }
        e.token(&self.to_string())?;
        Ok(())
    }
}

fn range(lo: u32, hi: u32) -> SeqRange {
    SeqRange { start: SeqNumber::Value(lo), end: SeqNumber::Value(hi) }
}

impl fmt::Display for SeqSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, r) in self.ranges.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{r}")?;
        }
        Ok(())
    }
}

impl From<u32> for SeqSet {
    fn from(n: u32) -> Self {
        SeqSet { ranges: vec![range(n, n)] }
    }
}

impl From<SeqNumber> for SeqSet {
    fn from(n: SeqNumber) -> Self {
        SeqSet { ranges: vec![SeqRange::single(n)] }
    }
}

impl From<SeqRange> for SeqSet {
    fn from(r: SeqRange) -> Self {
        SeqSet { ranges: vec![r] }
    }
}

/// `a..=b` is `a:b` (or `a` when equal).
impl From<RangeInclusive<u32>> for SeqSet {
    fn from(r: RangeInclusive<u32>) -> Self {
        SeqSet { ranges: vec![range(*r.start(), *r.end())] }
    }
}

/// `a..b` is `a:b-1`; an empty range is the empty set.
impl From<Range<u32>> for SeqSet {
    fn from(r: Range<u32>) -> Self {
        if r.start >= r.end {
            return SeqSet::new();
        }
        SeqSet { ranges: vec![range(r.start, r.end - 1)] }
    }
}

/// `a..` is `a:*`.
impl From<RangeFrom<u32>> for SeqSet {
    fn from(r: RangeFrom<u32>) -> Self {
        SeqSet { ranges: vec![SeqRange { start: SeqNumber::Value(r.start), end: SeqNumber::Star }] }
    }
}

impl From<&[u32]> for SeqSet {
    fn from(v: &[u32]) -> Self {
        SeqSet::from_numbers(v.iter().copied())
    }
}

impl From<Vec<u32>> for SeqSet {
    fn from(v: Vec<u32>) -> Self {
        SeqSet::from_numbers(v)
    }
}

impl FromIterator<u32> for SeqSet {
    fn from_iter<I: IntoIterator<Item = u32>>(iter: I) -> Self {
        SeqSet::from_numbers(iter)
    }
}

impl FromIterator<SeqRange> for SeqSet {
    fn from_iter<I: IntoIterator<Item = SeqRange>>(iter: I) -> Self {
        SeqSet { ranges: iter.into_iter().collect() }
    }
}

/// Why a string is not a sequence set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseSeqSetError {
    /// Byte offset of the element that failed.
    pub offset: usize,
}

impl fmt::Display for ParseSeqSetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid sequence set at byte {}", self.offset)
    }
}

impl std::error::Error for ParseSeqSetError {}

/// Parses the wire form strictly: `nz-number` (no leading zero, at most
/// 4294967295) or `*`, ranges with `:`, elements separated by `,`.
/// The same numbers as a command's sequence set (to send them back).
impl From<&UidSet> for SeqSet {
    fn from(set: &UidSet) -> Self {
        set.0.iter().map(|r| SeqRange { start: SeqNumber::Value(r.start), end: SeqNumber::Value(r.end) }).collect()
    }
}

impl FromStr for SeqSet {
    type Err = ParseSeqSetError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut ranges = Vec::new();
        let mut offset = 0;
        for element in s.split(',') {
            let err = ParseSeqSetError { offset };
            let number = |t: &str| -> Result<SeqNumber, ParseSeqSetError> {
                if t == "*" {
                    return Ok(SeqNumber::Star);
                }
                if t.is_empty() || t.starts_with('0') || !t.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(err.clone());
                }
                t.parse().map(SeqNumber::Value).map_err(|_| err.clone())
            };
            let r = match element.split_once(':') {
                Some((a, b)) => SeqRange { start: number(a)?, end: number(b)? },
                None => SeqRange::single(number(element)?),
            };
            ranges.push(r);
            offset += element.len() + 1;
        }
        Ok(SeqSet { ranges })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    fn expand(set: &SeqSet) -> BTreeSet<u32> {
        set.ranges().iter().flat_map(|r| r.bounds().map(|(a, b)| a..=b).into_iter().flatten()).collect()
    }

    #[test]
    fn display_and_compaction() {
        assert_eq!(SeqSet::from(4).to_string(), "4");
        assert_eq!(SeqSet::all().to_string(), "1:*");
        assert_eq!(SeqSet::last().to_string(), "*");
        assert_eq!(SeqSet::from(vec![5, 3, 4, 4, 1, 10, 11, 12]).to_string(), "1,3:5,10:12");
        assert_eq!(SeqSet::from(3..3).to_string(), "");
        assert_eq!(SeqSet::from(3..4).to_string(), "3");
        assert_eq!(SeqSet::from(vec![u32::MAX, u32::MAX - 1]).to_string(), "4294967294:4294967295");
        let messy: SeqSet = "9:7,1,2,3:4,5:*,20,*".parse().unwrap();
        assert_eq!(messy.compact().to_string(), "1:4,7:9,20,5:*,*");
    }

    #[test]
    fn parse_rejects() {
        for bad in ["", "0", "01", "1:", ":2", "1,,2", "a", "4294967296", "1:2:3", " 1", "1 "] {
            assert!(bad.parse::<SeqSet>().is_err(), "{bad:?}");
        }
        assert_eq!("1,x".parse::<SeqSet>().unwrap_err().offset, 2);
    }

    #[test]
    fn encode_rejects_empty_and_zero() {
        let o = Default::default();
        let mut e = Encoder::new(&o);
        assert_eq!(SeqSet::new().encode(&mut e), Err(EncodeError::Empty("sequence set")));
        assert_eq!(SeqSet::from(0..=3).encode(&mut e), Err(EncodeError::ZeroNumber));
    }

    #[test]
    fn chunk_boundaries() {
        let set: SeqSet = "1,22,333,4444".parse().unwrap();
        let chunks: Vec<String> = set.chunks(8).iter().map(ToString::to_string).collect();
        // Raised to the 21-byte minimum: everything fits in one.
        assert_eq!(chunks, ["1,22,333,4444"]);
        let set = SeqSet::from_numbers((1..=40).map(|n| n * 10));
        for c in set.chunks(21) {
            assert!(c.wire_len() <= 21);
            assert_eq!(c.wire_len(), c.to_string().len());
        }
        assert!(SeqSet::new().chunks(100).is_empty());
    }

    fn arb_range() -> impl Strategy<Value = SeqRange> {
        let num = prop_oneof![9 => (1u32..).prop_map(SeqNumber::Value), 1 => Just(SeqNumber::Star)];
        (num.clone(), prop::option::of(num)).prop_map(|(a, b)| SeqRange { start: a, end: b.unwrap_or(a) })
    }

    proptest! {
        #[test]
        fn display_fromstr_round_trip(ranges in prop::collection::vec(arb_range(), 1..20)) {
            let set: SeqSet = ranges.into_iter().collect();
            let text = set.to_string();
            prop_assert_eq!(text.len(), set.wire_len());
            prop_assert_eq!(text.parse::<SeqSet>().unwrap(), set);
        }

        #[test]
        fn compaction_keeps_numbers(numbers in prop::collection::vec(1u32..500, 0..200)) {
            let set = SeqSet::from_numbers(numbers.iter().copied());
            prop_assert_eq!(expand(&set), numbers.iter().copied().collect::<BTreeSet<_>>());
            // Compact: no two elements touch.
            for w in set.ranges().windows(2) {
                prop_assert!(w[0].bounds().unwrap().1 + 1 < w[1].bounds().unwrap().0);
            }
            prop_assert_eq!(set.compact(), set);
        }

        #[test]
        fn chunks_within_limit_and_union_equal(
            numbers in prop::collection::vec(1u32.., 0..300),
            star in any::<bool>(),
            max in 0usize..200,
        ) {
            let mut set = SeqSet::from_numbers(numbers);
            if star {
                set.push(SeqRange { start: SeqNumber::Value(7), end: SeqNumber::Star });
            }
            let chunks = set.chunks(max);
            let mut joined = Vec::new();
            for c in &chunks {
                prop_assert!(!c.is_empty());
                prop_assert!(c.to_string().len() <= max.max(21));
                joined.extend_from_slice(c.ranges());
            }
            prop_assert_eq!(joined.as_slice(), set.ranges());
        }
    }
}
