//! Parsing every response of a buffer, in order.
//!
//! Each frame is recognized alone: the generated recognizer has no per-call
//! setup worth amortizing (pest's state, token queue and line index were,
//! and joining frames into runs for pest cost a copy of their skeletons),
//! and its node vector is reused from one frame to the next.

use super::{parse, ParseError};
use crate::types::Response;
use crate::wire::{frames, Frame, FrameError, Limits};
use std::fmt;

/// Why one response of a buffer did not come out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BufferError {
    /// It could not be framed (a limit, or the input ended inside it).
    Frame(FrameError),
    /// It was framed but did not parse.
    Parse(ParseError),
}

impl fmt::Display for BufferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BufferError::Frame(e) => e.fmt(f),
            BufferError::Parse(e) => e.fmt(f),
        }
    }
}

/// Transparent: the message is the inner error's, and so is the source.
impl std::error::Error for BufferError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BufferError::Frame(e) => e.source(),
            BufferError::Parse(e) => e.source(),
        }
    }
}

/// One outcome of [`parse_frames`], in input order.
#[derive(Debug)]
pub enum Parsed<'x> {
    /// A response, with the frame it came from.
    Response(&'x Frame<'x>, Response<'x>),
    /// A frame that did not parse.
    Malformed(&'x Frame<'x>, ParseError),
    /// Bytes that could not be framed.
    Unframed(FrameError),
}

impl<'x> Parsed<'x> {
    /// The outcome without its frame, as [`parse_buffer`] hands it out.
    ///
    /// ```
    /// use imap_core::parse::parse_frames;
    /// use imap_core::wire::{frames, Limits};
    ///
    /// let input = b"* 3 EXISTS\r\n) not a response\r\n";
    /// let mut outcomes = Vec::new();
    /// parse_frames(input, frames(input, Limits::default()), |p| outcomes.push(p.into_result().is_ok()));
    /// assert_eq!(outcomes, [true, false]);
    /// ```
    pub fn into_result(self) -> Result<Response<'x>, BufferError> {
        match self {
            Parsed::Response(_, response) => Ok(response),
            Parsed::Malformed(_, e) => Err(BufferError::Parse(e)),
            Parsed::Unframed(e) => Err(BufferError::Frame(e)),
        }
    }
}

/// Parses every response of a complete buffer, in order, handing each (or
/// the error in its place) to `each`. Responses borrow `input` or text that
/// lives for the call.
///
/// ```
/// use imap_core::types::{Data, Response};
///
/// let input = b"* 3 EXISTS\r\n* 1 FETCH (BODY[] {2}\r\nhi)\r\nA1 OK done\r\n";
/// let mut seen = Vec::new();
/// imap_core::parse::parse_buffer(input, Default::default(), |r| seen.push(format!("{:?}", r.unwrap())));
/// assert_eq!(seen.len(), 3);
/// assert!(seen[0].contains("Exists(3)"));
/// ```
pub fn parse_buffer(input: &[u8], limits: Limits, mut each: impl FnMut(Result<Response<'_>, BufferError>)) {
    parse_frames(input, frames(input, limits), |parsed| each(parsed.into_result()));
}

/// Parses framed responses, handing each outcome to `each` in order.
/// `items` are the frames (and framing errors) cut from `input`, in order,
/// as [`frames`] or [`Framer::next_run`](crate::wire::Framer::next_run) give them.
pub fn parse_frames<'a>(
    _input: &'a [u8],
    items: impl IntoIterator<Item = Result<Frame<'a>, FrameError>>,
    mut each: impl FnMut(Parsed<'_>),
) {
    for item in items {
        match item {
            Ok(frame) => match parse(&frame) {
                Ok(response) => each(Parsed::Response(&frame, response)),
                Err(e) => each(Parsed::Malformed(&frame, e)),
            },
            Err(e) => each(Parsed::Unframed(e)),
        }
    }
}
