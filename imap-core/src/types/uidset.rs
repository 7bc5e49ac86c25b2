//! Sets of UIDs (or sequence numbers) as servers send them in responses.

use super::token_leaf;
use imap_derive::IntoStatic;
use std::fmt;

/// A set of UIDs from a response: `304,319:320` (RFC 4315 `uid-set`).
///
/// Used by APPENDUID and COPYUID (UIDs), VANISHED (UIDs), ESEARCH `ALL` and
/// MODIFIED (UIDs after a UID command, sequence numbers otherwise). The
/// ranges are kept in the server's order, each as written (`5:3` is `3:5`;
/// COPYUID's source and target sets correspond element by element).
///
/// ```
/// use imap_core::types::{Code, Condition, Data, Response, UidRange};
///
/// let input = b"A3 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n";
/// let frame = imap_core::wire::frames(input, Default::default()).next().unwrap().unwrap();
/// let Ok(Response::Tagged(t)) = imap_core::parse(&frame) else { panic!() };
/// let Some(Code::CopyUid { uid_validity, source, target }) = t.condition.code else { panic!() };
/// assert_eq!(uid_validity, 38505);
/// assert_eq!(source.ranges(), &[UidRange { start: 304, end: 304 }, UidRange { start: 319, end: 320 }]);
/// assert_eq!(source.iter().zip(target.iter()).collect::<Vec<_>>(), [(304, 3956), (319, 3957), (320, 3958)]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, IntoStatic)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct UidSet(pub Vec<UidRange>);

/// One element of a [`UidSet`]: a single UID (`start == end`) or a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, IntoStatic)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct UidRange {
    /// The first number as written.
    pub start: u32,
    /// The second number as written (equal to `start` for a single UID).
    pub end: u32,
}

impl UidRange {
    /// The smaller and the larger end.
    pub fn bounds(&self) -> (u32, u32) {
        (self.start.min(self.end), self.start.max(self.end))
    }

    /// How many numbers the range holds.
    pub fn len(&self) -> u64 {
        let (low, high) = self.bounds();
        u64::from(high - low) + 1
    }

    /// Never: a range holds at least one number.
    pub fn is_empty(&self) -> bool {
        false
    }
}

impl UidSet {
    /// The elements, in the server's order.
    pub fn ranges(&self) -> &[UidRange] {
        &self.0
    }

    /// Every number, element by element, each range from low to high. Lazy:
    /// a set as large as `1:4294967295` costs nothing until iterated.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.0.iter().flat_map(|r| {
            let (low, high) = r.bounds();
            low..=high
        })
    }

    /// How many numbers the set holds (counting repeats).
    pub fn len(&self) -> u64 {
        self.0.iter().map(UidRange::len).sum()
    }

    /// Whether the set holds no number (never for a parsed set).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `uid` is in the set.
    pub fn contains(&self, uid: u32) -> bool {
        self.0.iter().any(|r| {
            let (low, high) = r.bounds();
            (low..=high).contains(&uid)
        })
    }

    /// Decodes the wire form (`1,3:5`); `None` if it is not one (`*`, `0`
    /// or a number beyond 32 bits included).
    pub fn parse(s: &str) -> Option<UidSet> {
        let number = |t: &str| -> Option<u32> {
            let n: u32 = t.parse().ok()?;
            (n != 0 && t.bytes().all(|b| b.is_ascii_digit())).then_some(n)
        };
        s.split(',')
            .map(|element| match element.split_once(':') {
                Some((a, b)) => Some(UidRange { start: number(a)?, end: number(b)? }),
                None => number(element).map(|n| UidRange { start: n, end: n }),
            })
            .collect::<Option<Vec<_>>>()
            .map(UidSet)
    }
}

/// The set in its wire form.
impl fmt::Display for UidSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, r) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            if r.start == r.end {
                write!(f, "{}", r.start)?;
            } else {
                write!(f, "{}:{}", r.start, r.end)?;
            }
        }
        Ok(())
    }
}

token_leaf!(UidSet, "a set of UIDs", uid_set, |s| UidSet::parse(s));
