//! INTERNALDATE and other IMAP date-times, with their time zone.

use super::token_leaf;
use imap_derive::IntoStatic;
use std::fmt;

/// A date and time with the zone offset the server gave
/// (`"17-Jul-1996 02:44:25 -0700"`), not a naive local time.
///
/// ```
/// use imap_core::types::DateTime;
///
/// let t = DateTime::parse("17-Jul-1996 02:44:25 -0700").unwrap();
/// assert_eq!(t.to_string(), "1996-07-17T02:44:25-07:00");
/// assert_eq!(t.unix_timestamp(), 837_596_665);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, IntoStatic)]
pub struct DateTime {
    /// Year, four digits.
    pub year: u16,
    /// Month, 1 to 12.
    pub month: u8,
    /// Day of the month, 1 to 31.
    pub day: u8,
    /// Hour, 0 to 23.
    pub hour: u8,
    /// Minute, 0 to 59.
    pub minute: u8,
    /// Second, 0 to 60 (a leap second).
    pub second: u8,
    /// Offset east of UTC, in minutes (`-0700` is -420).
    pub offset_minutes: i16,
}

/// Why a date-time did not decode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateTimeError(&'static str);

impl fmt::Display for DateTimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid date-time: {}", self.0)
    }
}

impl std::error::Error for DateTimeError {}

impl DateTimeError {
    /// An error saying why.
    pub(crate) fn new(why: &'static str) -> Self {
        DateTimeError(why)
    }
}

const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

impl DateTime {
    /// Decodes RFC 3501's `date-time` without its quotes:
    /// `dd-Mon-yyyy hh:mm:ss +zzzz`. The day may have a leading space or,
    /// as some servers send it, only one digit.
    pub fn parse(s: &str) -> Result<DateTime, DateTimeError> {
        let s = s.trim_start();
        let (date, rest) = s.split_once(' ').ok_or(DateTimeError("no time"))?;
        let (time, zone) = rest.split_once(' ').ok_or(DateTimeError("no zone"))?;
        let mut date = date.split('-');
        let day = digits(date.next(), 1, 2, "day")?;
        let month_name = date.next().ok_or(DateTimeError("no month"))?;
        let month =
            MONTHS.iter().position(|m| m.eq_ignore_ascii_case(month_name)).ok_or(DateTimeError("unknown month"))? as u8
                + 1;
        let year = digits(date.next(), 4, 4, "year")? as u16;
        let mut time = time.split(':');
        let hour = digits(time.next(), 2, 2, "hour")?;
        let minute = digits(time.next(), 2, 2, "minute")?;
        let second = digits(time.next(), 2, 2, "second")?;
        if date.next().is_some() || time.next().is_some() {
            return Err(DateTimeError("extra fields"));
        }
        let offset_minutes = zone_offset(zone)?;
        if day == 0 || day > days_in_month(year, month) as u32 || hour > 23 || minute > 59 || second > 60 {
            return Err(DateTimeError("out of range"));
        }
        Ok(DateTime {
            year,
            month,
            day: day as u8,
            hour: hour as u8,
            minute: minute as u8,
            second: second as u8,
            offset_minutes,
        })
    }

    /// A date-time from its fields, checked: a day that exists in that
    /// month, hour 0-23, minute 0-59, second 0-60, year 0-9999 (IMAP writes
    /// four digits) and an offset of less than a day.
    ///
    /// ```
    /// use imap_core::types::DateTime;
    ///
    /// let t = DateTime::new(2024, 2, 29, 12, 0, 0, 60).unwrap();
    /// assert_eq!(t.to_string(), "2024-02-29T12:00:00+01:00");
    /// assert!(DateTime::new(2023, 2, 29, 12, 0, 0, 0).is_err());
    /// ```
    pub fn new(
        year: u16,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
        offset_minutes: i16,
    ) -> Result<DateTime, DateTimeError> {
        if year > 9999 || !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(DateTimeError("no such day"));
        }
        if hour > 23 || minute > 59 || second > 60 {
            return Err(DateTimeError("no such time"));
        }
        if offset_minutes.unsigned_abs() >= 24 * 60 {
            return Err(DateTimeError("offset of a day or more"));
        }
        Ok(DateTime { year, month, day, hour, minute, second, offset_minutes })
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub fn unix_timestamp(&self) -> i64 {
        days_from_civil(self.year as i64, self.month as i64, self.day as i64) * 86_400
            + self.hour as i64 * 3600
            + self.minute as i64 * 60
            + self.second as i64
            - self.offset_minutes as i64 * 60
    }
}

/// `+hhmm` or `-hhmm` as minutes east of UTC.
fn zone_offset(zone: &str) -> Result<i16, DateTimeError> {
    let (sign, hhmm) = match zone.as_bytes().first() {
        Some(b'+') => (1, &zone[1..]),
        Some(b'-') => (-1, &zone[1..]),
        _ => return Err(DateTimeError("zone without sign")),
    };
    let value = digits(Some(hhmm), 4, 4, "zone")?;
    if value % 100 > 59 {
        return Err(DateTimeError("zone minutes out of range"));
    }
    Ok(sign * (value / 100 * 60 + value % 100) as i16)
}

fn digits(field: Option<&str>, min: usize, max: usize, what: &'static str) -> Result<u32, DateTimeError> {
    let field = field.ok_or(DateTimeError(what))?;
    if field.len() < min || field.len() > max || !field.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DateTimeError(what));
    }
    field.parse().map_err(|_| DateTimeError(what))
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// RFC 3339 / ISO 8601, with the original offset.
impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.offset_minutes < 0 { '-' } else { '+' };
        let offset = self.offset_minutes.unsigned_abs();
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{:02}:{:02}",
            self.year,
            self.month,
            self.day,
            self.hour,
            self.minute,
            self.second,
            sign,
            offset / 60,
            offset % 60
        )
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for DateTime {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

token_leaf!(DateTime, "a date-time \"dd-Mon-yyyy hh:mm:ss +zzzz\"", date_time, |s| {
    DateTime::parse(&s[1..s.len() - 1]).ok()
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_rfc_example_with_zone() {
        let t = DateTime::parse("17-Jul-1996 02:44:25 -0700").unwrap();
        assert_eq!((t.year, t.month, t.day, t.hour, t.minute, t.second), (1996, 7, 17, 2, 44, 25));
        assert_eq!(t.offset_minutes, -420);
        assert_eq!(t.to_string(), "1996-07-17T02:44:25-07:00");
    }

    #[test]
    fn leading_space_and_single_digit_day() {
        assert_eq!(DateTime::parse(" 1-Feb-2024 00:00:00 +0000").unwrap().day, 1);
        assert_eq!(DateTime::parse("1-feb-2024 00:00:00 +0530").unwrap().offset_minutes, 330);
    }

    #[test]
    fn timestamp_is_utc() {
        assert_eq!(DateTime::parse("01-Jan-1970 00:00:00 +0000").unwrap().unix_timestamp(), 0);
        assert_eq!(DateTime::parse("01-Jan-1970 01:00:00 +0100").unwrap().unix_timestamp(), 0);
        assert_eq!(DateTime::parse("29-Feb-2000 12:00:00 +0000").unwrap().unix_timestamp(), 951_825_600);
    }

    #[test]
    fn rejects_impossible_dates() {
        for bad in [
            "30-Feb-2001 00:00:00 +0000",
            "29-Feb-1900 00:00:00 +0000",
            "01-Foo-2001 00:00:00 +0000",
            "01-Jan-2001 24:00:00 +0000",
            "01-Jan-2001 00:00:00 0000",
            "01-Jan-2001 00:00:00 +0075",
            "01-Jan-01 00:00:00 +0000",
            "01-Jan-2001",
        ] {
            assert!(DateTime::parse(bad).is_err(), "{bad}");
        }
    }
}
