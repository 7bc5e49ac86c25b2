//! Text for people: RFC 2047 encoded words (`=?KOI8-R?B?...?=` in a
//! Subject or a display name) and RFC 2231 parameter values (attachment file
//! names split into `filename*0*`, `filename*1*`, ... with a charset).
//!
//! The typed model keeps what the server sent; these functions are what its
//! `*_text` accessors ([`Envelope::subject_text`](crate::types::Envelope::subject_text),
//! [`Address::name_text`](crate::types::Address::name_text),
//! [`BodyStructure::filename`](crate::types::BodyStructure::filename)) call.
//! [`Utf8Writer`] turns a part's text into UTF-8 as it streams. They take any
//! bytes without panicking and decode what they can: a word in
//! a charset nobody knows, or whose base64 is broken, stays as it was written.
//!
//! ```
//! use imap_core::text::decode_words;
//!
//! assert_eq!(decode_words(b"=?KOI8-R?B?8NLJ18XU?= =?utf-8?q?_mir?="), "Привет mir");
//! assert_eq!(decode_words(b"=?x-unknown?q?abc?= ok"), "=?x-unknown?q?abc?= ok");
//! ```

mod charset;
mod params;
mod stream;
mod words;

pub use charset::decode_charset;
pub use params::decode_param;
pub use stream::Utf8Writer;
pub use words::decode_words;
