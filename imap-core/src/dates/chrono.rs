//! `DateTime` and chrono's `DateTime<FixedOffset>` / `DateTime<Utc>`.

use crate::types::{DateTime, DateTimeError};
use chrono::{Datelike, FixedOffset, NaiveDate, TimeZone, Timelike, Utc};

/// The same instant with the same offset. A leap second (`:60`) becomes
/// chrono's leap-second form of `:59`.
impl TryFrom<DateTime> for chrono::DateTime<FixedOffset> {
    type Error = DateTimeError;

    fn try_from(t: DateTime) -> Result<Self, DateTimeError> {
        let out_of_range = || DateTimeError::new("out of chrono's range");
        let offset = FixedOffset::east_opt(i32::from(t.offset_minutes) * 60).ok_or_else(out_of_range)?;
        let date = NaiveDate::from_ymd_opt(i32::from(t.year), u32::from(t.month), u32::from(t.day))
            .ok_or_else(out_of_range)?;
        let time = match t.second {
            60 => date.and_hms_milli_opt(u32::from(t.hour), u32::from(t.minute), 59, 1_000),
            s => date.and_hms_opt(u32::from(t.hour), u32::from(t.minute), u32::from(s)),
        }
        .ok_or_else(out_of_range)?;
        offset.from_local_datetime(&time).single().ok_or_else(out_of_range)
    }
}

/// The same instant in UTC (the server's offset is dropped).
impl TryFrom<DateTime> for chrono::DateTime<Utc> {
    type Error = DateTimeError;

    fn try_from(t: DateTime) -> Result<Self, DateTimeError> {
        chrono::DateTime::<FixedOffset>::try_from(t).map(|t| t.with_timezone(&Utc))
    }
}

/// The same local time and offset (for APPEND's date, say), to the second;
/// years outside 0-9999 and offsets of a day or more do not fit.
impl<Tz: TimeZone> TryFrom<chrono::DateTime<Tz>> for DateTime {
    type Error = DateTimeError;

    fn try_from(t: chrono::DateTime<Tz>) -> Result<Self, DateTimeError> {
        let t = t.fixed_offset();
        let year = u16::try_from(t.year()).map_err(|_| DateTimeError::new("year before 0"))?;
        // chrono keeps a leap second as :59 with 1 s of nanoseconds.
        let second = if t.nanosecond() >= 1_000_000_000 { 60 } else { t.second() as u8 };
        let offset = i16::try_from(t.offset().local_minus_utc() / 60).map_err(|_| DateTimeError::new("offset"))?;
        DateTime::new(year, t.month() as u8, t.day() as u8, t.hour() as u8, t.minute() as u8, second, offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_ways_keep_instant_and_offset() {
        let t = DateTime::parse("17-Jul-1996 02:44:25 -0700").unwrap();
        let c = chrono::DateTime::<FixedOffset>::try_from(t).unwrap();
        assert_eq!(c.timestamp(), t.unix_timestamp());
        assert_eq!(c.offset().local_minus_utc(), -7 * 3600);
        assert_eq!(DateTime::try_from(c).unwrap(), t);
        let utc = chrono::DateTime::<Utc>::try_from(t).unwrap();
        assert_eq!(utc.to_rfc3339(), "1996-07-17T09:44:25+00:00");
        assert_eq!(DateTime::try_from(utc).unwrap().to_string(), "1996-07-17T09:44:25+00:00");
    }

    #[test]
    fn leap_second_survives() {
        let t = DateTime::parse("31-Dec-2016 23:59:60 +0000").unwrap();
        let c = chrono::DateTime::<FixedOffset>::try_from(t).unwrap();
        assert_eq!(c.timestamp(), t.unix_timestamp() - 1);
        assert_eq!(DateTime::try_from(c).unwrap(), t);
    }

    #[test]
    fn out_of_range_is_an_error() {
        let far = Utc.with_ymd_and_hms(10_000, 1, 1, 0, 0, 0).unwrap();
        assert!(DateTime::try_from(far).is_err());
        let odd = DateTime { offset_minutes: 24 * 60, ..DateTime::parse("01-Jan-2000 00:00:00 +0000").unwrap() };
        assert!(chrono::DateTime::<FixedOffset>::try_from(odd).is_err());
    }
}
