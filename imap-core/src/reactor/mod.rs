//! The reactor: one `mio::Poll` on one thread driving many connections,
//! plain TCP or TLS (rustls), with timers and write back-pressure.
//!
//! The reactor moves bytes; what they mean is the business of a
//! [`Connection`], a sans-IO protocol endpoint (the IMAP session implements
//! it). The reactor never looks inside the bytes.

mod connection;

pub use connection::{Connection, TransportRequest};
