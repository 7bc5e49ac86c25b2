//! `DateTime` and jiff's `Zoned` (in a fixed-offset zone) and `Timestamp`.

use crate::types::{DateTime, DateTimeError};
use jiff::tz::{Offset, TimeZone};

/// The civil time and offset in jiff's terms. jiff has no leap seconds: `:60`
/// becomes `:59`.
fn parts(t: DateTime) -> Result<(jiff::civil::DateTime, Offset), DateTimeError> {
    let out_of_range = |_| DateTimeError::new("out of jiff's range");
    let civil = jiff::civil::DateTime::new(
        i16::try_from(t.year).map_err(|_| DateTimeError::new("out of jiff's range"))?,
        t.month as i8,
        t.day as i8,
        t.hour as i8,
        t.minute as i8,
        t.second.min(59) as i8,
        0,
    )
    .map_err(out_of_range)?;
    let offset = Offset::from_seconds(i32::from(t.offset_minutes) * 60).map_err(out_of_range)?;
    Ok((civil, offset))
}

/// The same local time in a zone of the server's fixed offset.
impl TryFrom<DateTime> for jiff::Zoned {
    type Error = DateTimeError;

    fn try_from(t: DateTime) -> Result<Self, DateTimeError> {
        let (civil, offset) = parts(t)?;
        civil.to_zoned(TimeZone::fixed(offset)).map_err(|_| DateTimeError::new("out of jiff's range"))
    }
}

/// The same instant.
impl TryFrom<DateTime> for jiff::Timestamp {
    type Error = DateTimeError;

    fn try_from(t: DateTime) -> Result<Self, DateTimeError> {
        let (civil, offset) = parts(t)?;
        offset.to_timestamp(civil).map_err(|_| DateTimeError::new("out of jiff's range"))
    }
}

/// The local time and offset of `z` (for APPEND's date, say), to the
/// second; years before 0 and offsets of a day or more do not fit.
impl TryFrom<&jiff::Zoned> for DateTime {
    type Error = DateTimeError;

    fn try_from(z: &jiff::Zoned) -> Result<Self, DateTimeError> {
        let year = u16::try_from(z.year()).map_err(|_| DateTimeError::new("year before 0"))?;
        let offset = i16::try_from(z.offset().seconds() / 60).map_err(|_| DateTimeError::new("offset"))?;
        DateTime::new(year, z.month() as u8, z.day() as u8, z.hour() as u8, z.minute() as u8, z.second() as u8, offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_ways_keep_instant_and_offset() {
        let t = DateTime::parse("17-Jul-1996 02:44:25 -0700").unwrap();
        let z = jiff::Zoned::try_from(t).unwrap();
        assert_eq!(z.timestamp().as_second(), t.unix_timestamp());
        assert_eq!(z.offset().seconds(), -7 * 3600);
        assert_eq!(z.hour(), 2);
        assert_eq!(DateTime::try_from(&z).unwrap(), t);
        assert_eq!(jiff::Timestamp::try_from(t).unwrap().as_second(), 837_596_665);
    }

    #[test]
    fn leap_second_becomes_59() {
        let t = DateTime::parse("31-Dec-2016 23:59:60 +0000").unwrap();
        assert_eq!(jiff::Timestamp::try_from(t).unwrap().as_second(), t.unix_timestamp() - 1);
    }

    #[test]
    fn year_before_0_does_not_fit() {
        let z = jiff::civil::date(-5, 1, 1).at(0, 0, 0, 0).to_zoned(TimeZone::UTC).unwrap();
        assert!(DateTime::try_from(&z).is_err());
    }
}
