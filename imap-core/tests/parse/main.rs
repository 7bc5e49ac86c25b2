//! The parser, alone: RFC 3501 examples, body structures, extensions, quirks of real servers, hostile input, resumable framing, and the generated recognizer held to pest's answers.

#[path = "../support/mod.rs"]
mod support;

mod bodystructure;
mod differential;
mod extensions;
mod fuzz_regressions;
mod hostile;
mod quirks;
mod resumable;
mod rfc3501;
