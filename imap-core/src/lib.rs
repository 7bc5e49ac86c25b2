//! An IMAP client library: every server response as a typed value.
//!
//! The layers, bottom up (each usable alone):
//! - [`wire`]: the framer, which cuts a byte stream into complete responses,
//!   counting `{N}` literals and enforcing [`wire::Limits`];
//! - [`mod@parse`]: the pest parser over `grammar/imap.pest` (RFC 3501 section 9),
//!   which turns one framed response into a typed [`Response`];
//! - [`types`]: the typed model (responses, flags, envelopes, body
//!   structures, dates, mailbox names decoded from modified UTF-7 by [`utf7`]);
//! - [`convert`]: the runtime behind `#[derive(FromPair)]`, which builds the
//!   typed model from the grammar's pairs.
//!
//! ```
//! use imap_core::types::{Data, FetchItem, Response};
//!
//! let input = b"* 12 FETCH (UID 4827 FLAGS (\\Seen) BODY[] {5}\r\nhello)\r\n";
//! for frame in imap_core::wire::frames(input, Default::default()) {
//!     let frame = frame.expect("a complete response");
//!     let response = imap_core::parse(&frame).expect("a valid response");
//!     let Response::Data(Data::Fetch(fetch)) = response else { panic!("not a FETCH") };
//!     assert_eq!(fetch.seq, 12);
//!     assert_eq!(fetch.uid(), Some(4827));
//!     assert!(matches!(&fetch.items[2], FetchItem::BodySection { data: Some(d), .. } if d == "hello"));
//! }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

// The derive writes `::imap_core::...` paths; this makes them resolve here too.
extern crate self as imap_core;

pub mod client;
pub mod command;
pub mod convert;
pub mod parse;
pub mod reactor;
pub mod session;
pub mod types;
pub mod utf7;
pub mod wire;

pub use parse::{parse, ParseError};
pub use types::Response;
