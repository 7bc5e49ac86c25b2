//! Search keys (RFC 3501 6.4.4, with RFC 7162 MODSEQ and Gmail's X-GM-RAW)
//! and the `Date` they compare against.

use super::encode::{check_atom, EncodeError, Encoder};
use super::SeqSet;
use crate::types::DateTime;
use std::fmt;

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// A calendar date as SEARCH uses it, written `1-Feb-2024`.
///
/// ```
/// use imap_core::command::Date;
///
/// let d = Date::new(2024, 2, 1).unwrap();
/// assert_eq!(d.to_string(), "1-Feb-2024");
/// assert!(Date::new(2023, 2, 29).is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// A valid date (year 0 to 9999, a real day of that month), or `None`.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let days = match month {
            2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            _ => return None,
        };
        (year <= 9999 && (1..=days).contains(&day)).then_some(Date { year, month, day })
    }

    /// The year.
    pub fn year(&self) -> u16 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(&self) -> u8 {
        self.month
    }

    /// The day of the month, from 1.
    pub fn day(&self) -> u8 {
        self.day
    }
}

/// `d-Mon-yyyy`, RFC 3501's `date-text`.
impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}-{:04}", self.day, MONTHS[self.month as usize - 1], self.year)
    }
}

/// The calendar date of a date-time, in its own zone.
impl TryFrom<DateTime> for Date {
    type Error = EncodeError;

    fn try_from(t: DateTime) -> Result<Date, EncodeError> {
        Date::new(t.year, t.month, t.day).ok_or_else(|| EncodeError::InvalidDate(format!("{t:?}")))
    }
}

/// Writes RFC 3501's quoted `date-time` (` 7-Jul-1996 02:44:25 -0700`).
pub(crate) fn write_date_time(e: &mut Encoder<'_>, t: &DateTime) -> Result<(), EncodeError> {
    let date = Date::new(t.year, t.month, t.day).ok_or_else(|| EncodeError::InvalidDate(format!("{t:?}")))?;
    if t.hour > 23 || t.minute > 59 || t.second > 60 || t.offset_minutes.unsigned_abs() > 99 * 60 + 59 {
        return Err(EncodeError::InvalidDate(format!("{t:?}")));
    }
    let sign = if t.offset_minutes < 0 { '-' } else { '+' };
    let off = t.offset_minutes.unsigned_abs();
    e.keyword(if date.day < 10 { "\" " } else { "\"" });
    e.token(&format!("{}-{}-{:04}", date.day, MONTHS[date.month as usize - 1], date.year))?.sp();
    e.token(&format!("{:02}:{:02}:{:02}", t.hour, t.minute, t.second))?.sp();
    e.token(&format!("{sign}{:02}{:02}", off / 60, off % 60))?.keyword("\"");
    Ok(())
}

/// A search criterion (RFC 3501 6.4.4 `search-key`, plus extensions).
///
/// Strings are bytes: usually UTF-8 text, sent with `CHARSET UTF-8` and as
/// a literal when they are not ASCII (unless UTF8=ACCEPT is on). Several
/// keys side by side all have to match: that is [`SearchKey::And`], built
/// by [`SearchKey::and`].
///
/// ```
/// use imap_core::command::{Command, Date, EncodeOptions, SearchKey};
///
/// let key = SearchKey::and([
///     SearchKey::Flagged,
///     SearchKey::Since(Date::new(1994, 2, 1).unwrap()),
///     SearchKey::not(SearchKey::From("Smith".into())),
/// ]);
/// let cmd = Command::Search { charset: None, criteria: key, uid: false };
/// let bytes = cmd.encode("A282", &EncodeOptions::default()).unwrap().to_bytes();
/// assert_eq!(bytes, b"A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM Smith\r\n");
///
/// let or = SearchKey::or(SearchKey::Seen, SearchKey::and([SearchKey::Deleted, SearchKey::Larger(1000)]));
/// let cmd = Command::Search { charset: None, criteria: or, uid: true };
/// let bytes = cmd.encode("A1", &EncodeOptions::default()).unwrap().to_bytes();
/// assert_eq!(bytes, b"A1 UID SEARCH OR SEEN (DELETED LARGER 1000)\r\n");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SearchKey {
    /// `ALL`.
    All,
    /// `ANSWERED`.
    Answered,
    /// `BCC string`.
    Bcc(Vec<u8>),
    /// `BEFORE date` (internal date).
    Before(Date),
    /// `BODY string`.
    Body(Vec<u8>),
    /// `CC string`.
    Cc(Vec<u8>),
    /// `DELETED`.
    Deleted,
    /// `DRAFT`.
    Draft,
    /// `FLAGGED`.
    Flagged,
    /// `FROM string`.
    From(Vec<u8>),
    /// `HEADER field-name string`.
    Header(Vec<u8>, Vec<u8>),
    /// `KEYWORD flag` (an atom).
    Keyword(String),
    /// `LARGER n` (RFC822.SIZE greater than n).
    Larger(u64),
    /// `NEW`.
    New,
    /// `NOT key`.
    Not(Box<SearchKey>),
    /// `OLD`.
    Old,
    /// `ON date`.
    On(Date),
    /// `OR key key`.
    Or(Box<SearchKey>, Box<SearchKey>),
    /// `RECENT`.
    Recent,
    /// `SEEN`.
    Seen,
    /// `SENTBEFORE date` (Date: header).
    SentBefore(Date),
    /// `SENTON date`.
    SentOn(Date),
    /// `SENTSINCE date`.
    SentSince(Date),
    /// `SINCE date`.
    Since(Date),
    /// `SMALLER n`.
    Smaller(u64),
    /// `SUBJECT string`.
    Subject(Vec<u8>),
    /// `TEXT string` (header and body).
    Text(Vec<u8>),
    /// `TO string`.
    To(Vec<u8>),
    /// `UID set`.
    Uid(SeqSet),
    /// `UNANSWERED`.
    Unanswered,
    /// `UNDELETED`.
    Undeleted,
    /// `UNDRAFT`.
    Undraft,
    /// `UNFLAGGED`.
    Unflagged,
    /// `UNKEYWORD flag`.
    Unkeyword(String),
    /// `UNSEEN`.
    Unseen,
    /// A message sequence set.
    SeqSet(SeqSet),
    /// Every key must match: `(k1 k2 ...)`, or the keys side by side at the
    /// top level of a command. Must not be empty.
    And(Vec<SearchKey>),
    /// `MODSEQ n` (RFC 7162 CONDSTORE): changed at or after mod-sequence n.
    ModSeq(u64),
    /// `X-GM-RAW string` (Gmail's search syntax).
    GmRaw(Vec<u8>),
}

impl SearchKey {
    /// All of `keys` (one key alone is returned as is).
    pub fn and(keys: impl IntoIterator<Item = SearchKey>) -> SearchKey {
        let mut keys: Vec<SearchKey> = keys.into_iter().collect();
        if keys.len() == 1 {
            return keys.pop().unwrap_or(SearchKey::All);
        }
        SearchKey::And(keys)
    }

    /// Either key.
    pub fn or(a: SearchKey, b: SearchKey) -> SearchKey {
        SearchKey::Or(Box::new(a), Box::new(b))
    }

    /// The key negated.
    #[allow(clippy::should_implement_trait)]
    pub fn not(key: SearchKey) -> SearchKey {
        SearchKey::Not(Box::new(key))
    }

    /// Whether any string in the key has a byte outside ASCII.
    pub fn has_non_ascii(&self) -> bool {
        let mut stack = vec![self];
        while let Some(k) = stack.pop() {
            match k {
                SearchKey::Bcc(s)
                | SearchKey::Body(s)
                | SearchKey::Cc(s)
                | SearchKey::From(s)
                | SearchKey::Subject(s)
                | SearchKey::Text(s)
                | SearchKey::To(s)
                | SearchKey::GmRaw(s)
                    if !s.is_ascii() =>
                {
                    return true
                }
                SearchKey::Header(n, v) if !n.is_ascii() || !v.is_ascii() => return true,
                SearchKey::Not(k) => stack.push(k),
                SearchKey::Or(a, b) => {
                    stack.push(a);
                    stack.push(b);
                }
                SearchKey::And(keys) => stack.extend(keys.iter()),
                _ => {}
            }
        }
        false
    }

    /// Writes the key; at the top level an AND-list goes without parentheses.
    pub(crate) fn encode(&self, e: &mut Encoder<'_>, top: bool) -> Result<(), EncodeError> {
        match self {
            SearchKey::And(keys) => {
                if keys.is_empty() {
                    return Err(EncodeError::Empty("search key list"));
                }
                if !top {
                    e.keyword("(");
                }
                for (i, k) in keys.iter().enumerate() {
                    if i > 0 {
                        e.sp();
                    }
                    k.encode(e, false)?;
                }
                if !top {
                    e.keyword(")");
                }
                Ok(())
            }
            _ => self.encode_one(e),
        }
    }

    fn encode_one(&self, e: &mut Encoder<'_>) -> Result<(), EncodeError> {
        use SearchKey::*;
        let string = |e: &mut Encoder<'_>, kw: &'static str, s: &[u8]| -> Result<(), EncodeError> {
            e.keyword(kw).sp().astring(s)?;
            Ok(())
        };
        let date = |e: &mut Encoder<'_>, kw: &'static str, d: &Date| -> Result<(), EncodeError> {
            e.keyword(kw).sp().token(&d.to_string())?;
            Ok(())
        };
        let atom = |e: &mut Encoder<'_>, kw: &'static str, a: &str| -> Result<(), EncodeError> {
            check_atom(a).map_err(|_| EncodeError::InvalidFlag(a.to_owned()))?;
            e.keyword(kw).sp().atom(a)?;
            Ok(())
        };
        match self {
            All => _ = e.keyword("ALL"),
            Answered => _ = e.keyword("ANSWERED"),
            Bcc(s) => string(e, "BCC", s)?,
            Before(d) => date(e, "BEFORE", d)?,
            Body(s) => string(e, "BODY", s)?,
            Cc(s) => string(e, "CC", s)?,
            Deleted => _ = e.keyword("DELETED"),
            Draft => _ = e.keyword("DRAFT"),
            Flagged => _ = e.keyword("FLAGGED"),
            From(s) => string(e, "FROM", s)?,
            Header(n, v) => {
                e.keyword("HEADER").sp().astring(n)?.sp().astring(v)?;
            }
            Keyword(k) => atom(e, "KEYWORD", k)?,
            Larger(n) => _ = e.keyword("LARGER ").number(*n),
            New => _ = e.keyword("NEW"),
            Not(k) => {
                e.keyword("NOT ");
                k.encode(e, false)?;
            }
            Old => _ = e.keyword("OLD"),
            On(d) => date(e, "ON", d)?,
            Or(a, b) => {
                e.keyword("OR ");
                a.encode(e, false)?;
                e.sp();
                b.encode(e, false)?;
            }
            Recent => _ = e.keyword("RECENT"),
            Seen => _ = e.keyword("SEEN"),
            SentBefore(d) => date(e, "SENTBEFORE", d)?,
            SentOn(d) => date(e, "SENTON", d)?,
            SentSince(d) => date(e, "SENTSINCE", d)?,
            Since(d) => date(e, "SINCE", d)?,
            Smaller(n) => _ = e.keyword("SMALLER ").number(*n),
            Subject(s) => string(e, "SUBJECT", s)?,
            Text(s) => string(e, "TEXT", s)?,
            To(s) => string(e, "TO", s)?,
            Uid(set) => {
                e.keyword("UID ");
                set.encode(e)?;
            }
            Unanswered => _ = e.keyword("UNANSWERED"),
            Undeleted => _ = e.keyword("UNDELETED"),
            Undraft => _ = e.keyword("UNDRAFT"),
            Unflagged => _ = e.keyword("UNFLAGGED"),
            Unkeyword(k) => atom(e, "UNKEYWORD", k)?,
            Unseen => _ = e.keyword("UNSEEN"),
            SeqSet(set) => set.encode(e)?,
            And(_) => self.encode(e, false)?,
            ModSeq(n) => _ = e.keyword("MODSEQ ").number(*n),
            GmRaw(s) => string(e, "X-GM-RAW", s)?,
        }
        Ok(())
    }
}

/// Writes `[CHARSET x SP]` and the key for SEARCH: an explicit charset is
/// checked as an atom; without one, a key with non-ASCII strings gets
/// `CHARSET UTF-8` unless UTF8=ACCEPT is on.
pub(crate) fn encode_search(e: &mut Encoder<'_>, charset: Option<&str>, key: &SearchKey) -> Result<(), EncodeError> {
    let charset = match charset {
        Some(c) => Some(c),
        None if !e.options().utf8_accept && key.has_non_ascii() => Some("UTF-8"),
        None => None,
    };
    if let Some(c) = charset {
        e.keyword("CHARSET ").atom(c)?.sp();
    }
    key.encode(e, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::EncodeOptions;

    fn enc(key: &SearchKey) -> Result<String, EncodeError> {
        let o = EncodeOptions { literal_plus: true, ..Default::default() };
        let mut e = Encoder::new(&o);
        key.encode(&mut e, true)?;
        Ok(String::from_utf8_lossy(&e.finish().to_bytes()).trim_end().to_owned())
    }

    #[test]
    fn dates() {
        assert_eq!(Date::new(1994, 2, 1).unwrap().to_string(), "1-Feb-1994");
        assert_eq!(Date::new(24, 12, 31).unwrap().to_string(), "31-Dec-0024");
        assert!(Date::new(2024, 2, 29).is_some());
        assert!(Date::new(1900, 2, 29).is_none());
        assert!(Date::new(2000, 2, 29).is_some());
        assert!(Date::new(2024, 13, 1).is_none());
        assert!(Date::new(2024, 4, 31).is_none());
        assert!(Date::new(2024, 1, 0).is_none());
        assert!(Date::new(10000, 1, 1).is_none());
    }

    #[test]
    fn date_time_forms() {
        let o = EncodeOptions::default();
        let write = |t: &DateTime| {
            let mut e = Encoder::new(&o);
            write_date_time(&mut e, t).map(|_| String::from_utf8(e.finish().to_bytes()).unwrap())
        };
        let t = DateTime::parse("7-Jul-1996 02:44:25 -0700").unwrap();
        assert_eq!(write(&t).unwrap(), "\" 7-Jul-1996 02:44:25 -0700\"\r\n");
        let t = DateTime::parse("17-Jul-1996 02:44:25 +0530").unwrap();
        assert_eq!(write(&t).unwrap(), "\"17-Jul-1996 02:44:25 +0530\"\r\n");
        let bad = DateTime { month: 13, ..t };
        assert!(matches!(write(&bad), Err(EncodeError::InvalidDate(_))));
    }

    #[test]
    fn every_key() {
        use SearchKey::*;
        let d = Date::new(2024, 2, 1).unwrap();
        let cases: Vec<(SearchKey, &str)> = vec![
            (All, "ALL"),
            (Answered, "ANSWERED"),
            (Bcc("a b".into()), "BCC \"a b\""),
            (Before(d), "BEFORE 1-Feb-2024"),
            (Body("x".into()), "BODY x"),
            (Cc("".into()), "CC \"\""),
            (Deleted, "DELETED"),
            (Draft, "DRAFT"),
            (Flagged, "FLAGGED"),
            (From("Smith".into()), "FROM Smith"),
            (Header("Message-ID".into(), "<a@b>".into()), "HEADER Message-ID <a@b>"),
            (Keyword("$Forwarded".into()), "KEYWORD $Forwarded"),
            (Larger(10), "LARGER 10"),
            (New, "NEW"),
            (SearchKey::not(Seen), "NOT SEEN"),
            (Old, "OLD"),
            (On(d), "ON 1-Feb-2024"),
            (SearchKey::or(Seen, New), "OR SEEN NEW"),
            (Recent, "RECENT"),
            (Seen, "SEEN"),
            (SentBefore(d), "SENTBEFORE 1-Feb-2024"),
            (SentOn(d), "SENTON 1-Feb-2024"),
            (SentSince(d), "SENTSINCE 1-Feb-2024"),
            (Since(d), "SINCE 1-Feb-2024"),
            (Smaller(5), "SMALLER 5"),
            (Subject("héllo".into()), "SUBJECT {6+}\r\nhéllo"),
            (Text("a\"b".into()), "TEXT \"a\\\"b\""),
            (To("x\r\ny".into()), "TO {4+}\r\nx\r\ny"),
            (Uid(crate::command::SeqSet::from(1..=5)), "UID 1:5"),
            (Unanswered, "UNANSWERED"),
            (Undeleted, "UNDELETED"),
            (Undraft, "UNDRAFT"),
            (Unflagged, "UNFLAGGED"),
            (Unkeyword("Junk".into()), "UNKEYWORD Junk"),
            (Unseen, "UNSEEN"),
            (SearchKey::SeqSet("1:4,7".parse().unwrap()), "1:4,7"),
            (And(vec![Seen, New]), "SEEN NEW"),
            (SearchKey::not(And(vec![Seen, New])), "NOT (SEEN NEW)"),
            (SearchKey::or(And(vec![Seen, New]), Old), "OR (SEEN NEW) OLD"),
            (And(vec![And(vec![Seen, New]), Old]), "(SEEN NEW) OLD"),
            (ModSeq(620162338), "MODSEQ 620162338"),
            (GmRaw("has:attachment in:unread".into()), "X-GM-RAW \"has:attachment in:unread\""),
        ];
        for (key, want) in cases {
            assert_eq!(enc(&key).unwrap(), want, "{key:?}");
        }
    }

    #[test]
    fn invalid_keys() {
        assert_eq!(enc(&SearchKey::And(vec![])), Err(EncodeError::Empty("search key list")));
        assert_eq!(enc(&SearchKey::not(SearchKey::And(vec![]))), Err(EncodeError::Empty("search key list")));
        assert_eq!(enc(&SearchKey::Keyword("a b".into())), Err(EncodeError::InvalidFlag("a b".into())));
        assert_eq!(enc(&SearchKey::Unkeyword("\\Seen".into())), Err(EncodeError::InvalidFlag("\\Seen".into())));
        assert_eq!(enc(&SearchKey::Text(b"a\0".to_vec())), Err(EncodeError::Nul));
        assert_eq!(enc(&SearchKey::Uid(SeqSet::new())), Err(EncodeError::Empty("sequence set")));
    }

    #[test]
    fn and_helper_flattens_single() {
        assert_eq!(SearchKey::and([SearchKey::Seen]), SearchKey::Seen);
        assert_eq!(SearchKey::and([]), SearchKey::And(vec![]));
    }

    #[test]
    fn non_ascii_detection_is_deep() {
        let key = SearchKey::or(SearchKey::Seen, SearchKey::not(SearchKey::And(vec![SearchKey::Body("ü".into())])));
        assert!(key.has_non_ascii());
        assert!(!SearchKey::Body("u".into()).has_non_ascii());
        assert!(SearchKey::Header("X".into(), "é".into()).has_non_ascii());
    }
}
