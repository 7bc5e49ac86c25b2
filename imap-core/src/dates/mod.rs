//! Dates for Rust programs: the `Date:` header of an ENVELOPE as a
//! [`DateTime`](crate::types::DateTime) ([`parse_rfc5322`]), and, with the
//! `chrono` and `jiff` features, conversions between `DateTime` and those
//! crates' types.
//!
//! ```
//! use imap_core::types::DateTime;
//!
//! let sent = DateTime::parse_rfc5322("Tue, 1 Jul 2003 10:52:37 +0200 (CEST)").unwrap();
//! assert_eq!(sent.to_string(), "2003-07-01T10:52:37+02:00");
//! ```
//!
//! With the `chrono` feature (`TryFrom` both ways; a `DateTime` keeps its
//! offset as `chrono::FixedOffset`):
//!
//! ```
//! # #[cfg(feature = "chrono")] {
//! use imap_core::types::DateTime;
//!
//! let t = DateTime::parse("17-Jul-1996 02:44:25 -0700").unwrap();
//! let c = chrono::DateTime::<chrono::FixedOffset>::try_from(t).unwrap();
//! assert_eq!(c.to_rfc3339(), "1996-07-17T02:44:25-07:00");
//! assert_eq!(DateTime::try_from(c).unwrap(), t);
//! # }
//! ```
//!
//! With the `jiff` feature (`jiff::Zoned` in a fixed-offset zone, or
//! `jiff::Timestamp`):
//!
//! ```
//! # #[cfg(feature = "jiff")] {
//! use imap_core::types::DateTime;
//!
//! let t = DateTime::parse("17-Jul-1996 02:44:25 -0700").unwrap();
//! let z = jiff::Zoned::try_from(t).unwrap();
//! assert_eq!(z.timestamp().as_second(), t.unix_timestamp());
//! assert_eq!(DateTime::try_from(&z).unwrap(), t);
//! # }
//! ```

#[cfg(feature = "chrono")]
mod chrono;
#[cfg(feature = "jiff")]
mod jiff;
mod rfc5322;

pub use rfc5322::parse_rfc5322;
