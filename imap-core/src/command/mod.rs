//! Typed commands and their encoding to bytes (RFC 3501 section 6).
//!
//! (Being written: see the sessions issue.)
