//! RFC 5322 3.3 date-times (`Tue, 1 Jul 2003 10:52:37 +0200`), with the
//! obsolete forms of its section 4.3 and what mailers write besides.

use crate::types::{DateTime, DateTimeError, Envelope};

/// Longest input looked at; a Date: header is about 40 bytes.
const MAX_LEN: usize = 512;

/// Decodes an RFC 5322 date-time, as an ENVELOPE's `date` carries it.
///
/// Accepted besides the modern form: a missing or comma-less day of the
/// week, missing seconds, two- and three-digit years (RFC 5322 4.3: `03` is
/// 2003, `97` is 1997, `103` is 2003), comments (`(CEST)`), full month
/// names, `+02:00`, and the zone names `UT`, `UTC`, `GMT`, `Z`, `EST`, `EDT`,
/// `CST`, `CDT`, `MST`, `MDT`, `PST`, `PDT`. A military or unknown zone
/// name, or none, counts as `-0000` (RFC 5322 4.3: UTC, local time unknown).
///
/// ```
/// use imap_core::dates::parse_rfc5322;
///
/// let t = parse_rfc5322("Fri, 21 Nov 97 09:55 EST").unwrap();
/// assert_eq!(t.to_string(), "1997-11-21T09:55:00-05:00");
/// assert!(parse_rfc5322("yesterday").is_err());
/// ```
pub fn parse_rfc5322(s: &str) -> Result<DateTime, DateTimeError> {
    if s.len() > MAX_LEN {
        return Err(DateTimeError::new("too long"));
    }
    let text = without_comments(s);
    let mut tokens: Vec<&str> =
        text.split(|c: char| c.is_whitespace() || c == ',').filter(|t| !t.is_empty()).flat_map(split_dashed).collect();
    if tokens.first().is_some_and(|t| t.chars().all(|c| c.is_ascii_alphabetic())) {
        let day_name = tokens.remove(0);
        if !DAYS.iter().any(|d| prefix_of(d, day_name)) {
            return Err(DateTimeError::new("unknown day of the week"));
        }
    }
    let mut tokens = tokens.into_iter();
    let day = number(tokens.next(), 1, 2, "day")?;
    let month = tokens.next().and_then(month).ok_or(DateTimeError::new("unknown month"))?;
    let year = year(tokens.next())?;
    let (hour, minute, second) = time(tokens.next())?;
    let offset_minutes = match tokens.next() {
        Some(zone) => zone_offset(zone)?,
        None => 0,
    };
    if tokens.next().is_some() {
        return Err(DateTimeError::new("extra fields"));
    }
    let small = |n: u32| u8::try_from(n).map_err(|_| DateTimeError::new("out of range"));
    DateTime::new(year, month, small(day)?, small(hour)?, small(minute)?, small(second)?, offset_minutes)
}

// The methods live here, not in `types`: the typed model sits below this
// module in the crate's layers and imports nothing above it.
impl DateTime {
    /// Decodes an RFC 5322 date-time, as an ENVELOPE's `date` holds it
    /// (`Tue, 1 Jul 2003 10:52:37 +0200`): see [`parse_rfc5322`] for the
    /// obsolete forms and zone names it accepts.
    ///
    /// ```
    /// use imap_core::types::DateTime;
    ///
    /// let t = DateTime::parse_rfc5322("21 Nov 97 09:55:06 GMT").unwrap();
    /// assert_eq!(t.to_string(), "1997-11-21T09:55:06+00:00");
    /// ```
    pub fn parse_rfc5322(s: &str) -> Result<DateTime, DateTimeError> {
        parse_rfc5322(s)
    }
}

impl Envelope<'_> {
    /// The `Date:` header as a [`DateTime`], when it reads as an RFC 5322
    /// date ([`parse_rfc5322`]); [`date`](Envelope::date) keeps the text.
    ///
    /// ```
    /// use imap_core::types::{Envelope, IString};
    ///
    /// let envelope = Envelope { date: Some(IString::from("Mon, 7 Dec 2026 05:00:00 +0100")), ..Envelope::default() };
    /// assert_eq!(envelope.date_time().unwrap().unix_timestamp(), 1_796_616_000);
    /// ```
    pub fn date_time(&self) -> Option<DateTime> {
        parse_rfc5322(self.date.as_ref()?.as_str()?).ok()
    }
}

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/// Whether `word` is `short` or a longer name starting with it (`Tuesday`, `July`).
fn prefix_of(short: &str, word: &str) -> bool {
    word.len() >= 3 && word.get(..3).is_some_and(|head| head.eq_ignore_ascii_case(short))
}

fn month(word: &str) -> Option<u8> {
    MONTHS.iter().position(|m| prefix_of(m, word)).map(|i| i as u8 + 1)
}

/// `1-Jul-2003`, as IMAP writes dates and some mailers copy, split in three.
fn split_dashed(token: &str) -> Vec<&str> {
    let parts: Vec<&str> = token.split('-').collect();
    if parts.len() == 3 && parts.iter().all(|p| !p.is_empty()) && month(parts[1]).is_some() {
        parts
    } else {
        vec![token]
    }
}

/// The text with RFC 5322 comments (nested, with `\` escapes) replaced by spaces.
fn without_comments(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0u32;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '(' => depth = depth.saturating_add(1),
            ')' if depth > 0 => {
                depth -= 1;
                out.push(' ');
            }
            '\\' if depth > 0 => {
                chars.next();
            }
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn number(token: Option<&str>, min: usize, max: usize, what: &'static str) -> Result<u32, DateTimeError> {
    let token = token.ok_or(DateTimeError::new(what))?;
    if token.len() < min || token.len() > max || !token.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DateTimeError::new(what));
    }
    token.parse().map_err(|_| DateTimeError::new(what))
}

/// Four digits, or the obsolete two (`00`-`49` are 2000-2049, `50`-`99`
/// 1950-1999) and three (1900 plus them).
fn year(token: Option<&str>) -> Result<u16, DateTimeError> {
    let token = token.ok_or(DateTimeError::new("no year"))?;
    let value = number(Some(token), 2, 4, "year")?;
    Ok(match token.len() {
        2 if value < 50 => 2000 + value,
        2 | 3 => 1900 + value,
        _ => value,
    } as u16)
}

/// `hh:mm` or `hh:mm:ss`.
fn time(token: Option<&str>) -> Result<(u32, u32, u32), DateTimeError> {
    let mut fields = token.ok_or(DateTimeError::new("no time"))?.split(':');
    let hour = number(fields.next(), 1, 2, "hour")?;
    let minute = number(fields.next(), 2, 2, "minute")?;
    let second = match fields.next() {
        Some(s) => number(Some(s), 2, 2, "second")?,
        None => 0,
    };
    if fields.next().is_some() {
        return Err(DateTimeError::new("time has extra fields"));
    }
    Ok((hour, minute, second))
}

/// `+hhmm`, `-hhmm`, `+hh:mm` or a zone name, as minutes east of UTC.
fn zone_offset(zone: &str) -> Result<i16, DateTimeError> {
    let sign = match zone.as_bytes().first() {
        Some(b'+') => 1,
        Some(b'-') => -1,
        _ => {
            let hours = match zone.to_ascii_uppercase().as_str() {
                "EDT" => -4,
                "EST" | "CDT" => -5,
                "CST" | "MDT" => -6,
                "MST" | "PDT" => -7,
                "PST" => -8,
                // UT, UTC, GMT, Z, military zones (their signs were
                // defined backwards, RFC 5322 4.3) and unknown names.
                name if name.bytes().all(|b| b.is_ascii_alphabetic()) => 0,
                _ => return Err(DateTimeError::new("unknown zone")),
            };
            return Ok(hours * 60);
        }
    };
    let digits: String = zone[1..].chars().filter(|&c| c != ':').collect();
    let value = number(Some(&digits), 4, 4, "zone")?;
    if value % 100 > 59 {
        return Err(DateTimeError::new("zone minutes out of range"));
    }
    Ok(sign * (value / 100 * 60 + value % 100) as i16)
}

#[cfg(test)]
mod tests {
    use super::parse_rfc5322;
    use proptest::prelude::*;

    fn iso(s: &str) -> String {
        parse_rfc5322(s).map(|t| t.to_string()).unwrap_or_else(|e| format!("{e}"))
    }

    #[test]
    fn forms_seen_in_mail() {
        for (raw, want) in [
            ("Fri, 21 Nov 1997 09:55:06 -0600", "1997-11-21T09:55:06-06:00"),
            ("Tue, 1 Jul 2003 10:52:37 +0200", "2003-07-01T10:52:37+02:00"),
            ("Thu, 13 Feb 1969 23:32:54 -0330", "1969-02-13T23:32:54-03:30"),
            // RFC 5322 A.6.3: white space and comments everywhere.
            ("Thu,\r\n      13\r\n        Feb\r\n          1969\r\n      23:32\r\n               -0330 (Newfoundland Time)", "1969-02-13T23:32:00-03:30"),
            ("21 Nov 97 09:55:06 GMT", "1997-11-21T09:55:06+00:00"),
            ("Fri, 21 Nov 03 09:55 EST", "2003-11-21T09:55:00-05:00"),
            ("Sat, 1 Jan 100 00:00:00 +0000", "2000-01-01T00:00:00+00:00"),
            ("Mon 6 Dec 2026 8:05:00 PDT", "2026-12-06T08:05:00-07:00"),
            ("Monday, 07 December 2026 05:00:00 UT", "2026-12-07T05:00:00+00:00"),
            ("7 Dec 2026 05:00:00 +05:30", "2026-12-07T05:00:00+05:30"),
            ("07-Dec-2026 05:00:00 -0800", "2026-12-07T05:00:00-08:00"),
            ("Wed, 31 Dec 2025 23:59:60 Z", "2025-12-31T23:59:60+00:00"),
            ("Wed, 31 Dec 2025 23:59:00 A", "2025-12-31T23:59:00+00:00"),
            ("Wed, 31 Dec 2025 23:59:00", "2025-12-31T23:59:00+00:00"),
            ("Tue, 1 Jul 2003 10:52:37 +0200 (CEST)", "2003-07-01T10:52:37+02:00"),
        ] {
            assert_eq!(iso(raw), want, "{raw:?}");
        }
    }

    #[test]
    fn rejects_what_is_not_a_date() {
        for bad in [
            "",
            "yesterday",
            "Fri, 30 Feb 2001 00:00:00 +0000",
            "Fri, 21 Foo 1997 09:55:06 -0600",
            "Fri, 21 Nov 1997 24:00:00 -0600",
            "Fri, 21 Nov 1997 09:55:06 -0675",
            "Fri, 21 Nov 1997 09:55:06 -0600 extra",
            "Fri, 21 Nov 1 09:55:06 -0600",
            "Xyz, 21 Nov 1997 09:55:06 -0600",
            "21 Nov 1997",
        ] {
            assert!(parse_rfc5322(bad).is_err(), "{bad:?} gave {}", iso(bad));
        }
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,80}") {
            let _ = parse_rfc5322(&s);
        }

        #[test]
        fn never_panics_on_date_like_text(s in "[A-Za-z]{0,4},? ?[0-9]{0,3} [A-Za-z]{0,4} [0-9]{0,5} [0-9:]{0,9} [-+A-Z0-9:()]{0,7}") {
            let _ = parse_rfc5322(&s);
        }

        #[test]
        fn what_it_writes_it_reads(t in 0i64..253_402_300_799, offset in -1439i16..1440) {
            let local = t + i64::from(offset) * 60;
            let (days, secs) = (local.div_euclid(86_400), local.rem_euclid(86_400));
            let (y, m, d) = civil(days);
            prop_assume!((1..=9999).contains(&y));
            let sign = if offset < 0 { '-' } else { '+' };
            let text = format!(
                "{d} {} {y:04} {:02}:{:02}:{:02} {sign}{:02}{:02}",
                ["Jan","Feb","Mar","Apr","May","Jun","Jul","Aug","Sep","Oct","Nov","Dec"][m as usize - 1],
                secs / 3600, secs / 60 % 60, secs % 60, offset.unsigned_abs() / 60, offset.unsigned_abs() % 60
            );
            let parsed = parse_rfc5322(&text).unwrap();
            prop_assert_eq!(parsed.unix_timestamp(), t);
            prop_assert_eq!(parsed.offset_minutes, offset);
        }
    }

    /// Days since 1970-01-01 to a proleptic Gregorian date (Hinnant).
    fn civil(z: i64) -> (i64, u32, u32) {
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        (yoe + era * 400 + i64::from(m <= 2), m, d)
    }
}
