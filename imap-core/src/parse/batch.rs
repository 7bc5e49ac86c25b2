//! Parsing a whole buffer of responses, many per pest call.
//!
//! pest pays a fixed cost per parse (its state, token queue, line index) that
//! is most of a short response's cost. So responses are parsed in runs:
//! - frames without literals and with valid UTF-8 are contiguous, borrowed
//!   text in the input: a run of them is parsed in place;
//! - frames with literals have skeletons of their own: a run of them is
//!   joined into one text, with a table of where each literal's payload is.
//!
//! A run that fails is parsed again frame by frame, so errors still name
//! their own response; remapped (non-UTF-8) frames are parsed alone.

use super::{parse, ImapParser, ParseError, Rule};
use crate::convert::{Cx, FromPair};
use crate::types::Response;
use crate::wire::{frames, Frame, FrameError, Limits};
use pest::Parser;
use std::fmt;
use std::ops::Range;

/// Longest run parsed in one pest call: bounds pest's token queue.
const MAX_RUN: usize = 64 << 10;

/// Why one response of a buffer did not come out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// It could not be framed (a limit, or the input ended inside it).
    Frame(FrameError),
    /// It was framed but did not parse.
    Parse(ParseError),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Frame(e) => e.fmt(f),
            Error::Parse(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {}

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
pub fn parse_buffer(input: &[u8], limits: Limits, mut each: impl FnMut(Result<Response<'_>, Error>)) {
    let mut runs = Runs { input, limits, plain: 0..0, joined: Vec::new(), joined_len: 0 };
    for frame in frames(input, limits) {
        match frame {
            Ok(frame) if is_plain(&frame) => runs.push_plain(&frame, &mut each),
            Ok(frame) if !frame.is_remapped() => runs.push_joined(frame, &mut each),
            Ok(frame) => {
                runs.flush(&mut each);
                each(parse(&frame).map_err(Error::Parse));
            }
            Err(e) => {
                runs.flush(&mut each);
                each(Err(Error::Frame(e)));
            }
        }
    }
    runs.flush(&mut each);
}

/// The run being gathered: at most one of the two kinds is non-empty.
struct Runs<'a> {
    input: &'a [u8],
    limits: Limits,
    /// Plain frames: their byte range in `input`.
    plain: Range<usize>,
    /// Frames with literals, to be joined.
    joined: Vec<Frame<'a>>,
    /// Their skeletons' total length.
    joined_len: usize,
}

impl<'a> Runs<'a> {
    fn push_plain(&mut self, frame: &Frame<'a>, each: &mut impl FnMut(Result<Response<'_>, Error>)) {
        let start = frame.offset() as usize;
        if !self.joined.is_empty() || self.plain.end != start || self.plain.len() >= MAX_RUN {
            self.flush(each);
            self.plain = start..start;
        }
        self.plain.end = start + frame.bytes().len();
    }

    fn push_joined(&mut self, frame: Frame<'a>, each: &mut impl FnMut(Result<Response<'_>, Error>)) {
        if !self.plain.is_empty() || self.joined_len >= MAX_RUN {
            self.flush(each);
        }
        self.joined_len += frame.skeleton().len();
        self.joined.push(frame);
    }

    fn flush(&mut self, each: &mut impl FnMut(Result<Response<'_>, Error>)) {
        let end = self.plain.end;
        let plain = std::mem::replace(&mut self.plain, end..end);
        if !plain.is_empty() {
            let text = std::str::from_utf8(&self.input[plain.clone()]).expect("plain frames are UTF-8");
            if let Err(failed_at) = parse_text(text, &Cx::plain(), each) {
                one_by_one(self.input, plain.start + failed_at..plain.end, self.limits, each);
            }
        }
        if !self.joined.is_empty() {
            let frames = std::mem::take(&mut self.joined);
            self.joined_len = 0;
            parse_joined(&frames, each);
        }
    }
}

/// Whether the frame's skeleton is its bytes: no literal, nothing remapped.
fn is_plain(frame: &Frame<'_>) -> bool {
    let skeleton = frame.skeleton();
    skeleton.len() == frame.bytes().len() && skeleton.as_ptr() == frame.bytes().as_ptr()
}

/// Parses the skeletons of `frames` joined into one text, or frame by frame
/// if that fails.
fn parse_joined(frames: &[Frame<'_>], each: &mut impl FnMut(Result<Response<'_>, Error>)) {
    let mut text = String::with_capacity(frames.iter().map(|f| f.skeleton().len()).sum());
    let mut literals = Vec::new();
    let mut starts = Vec::with_capacity(frames.len());
    for frame in frames {
        let base = text.len();
        starts.push(base);
        literals.extend(frame.literals().iter().map(|l| (base + l.header_end, frame.payload(l))));
        text.push_str(frame.skeleton());
    }
    if let Err(failed_at) = parse_text(&text, &Cx::joined(&literals), each) {
        let first = starts.partition_point(|&start| start < failed_at);
        for frame in &frames[first..] {
            each(parse(frame).map_err(Error::Parse));
        }
    }
}

/// Parses `text` (whole responses) with the `responses` rule and hands each
/// to `each`. If one fails, returns the offset in `text` of the first
/// response not handed out: the caller parses from there frame by frame, for
/// errors that name their own response.
fn parse_text<'t>(text: &'t str, cx: &Cx<'t>, each: &mut impl FnMut(Result<Response<'_>, Error>)) -> Result<(), usize> {
    let pairs = ImapParser::parse(Rule::responses, text).map_err(|_| 0usize)?;
    for pair in pairs.filter(|p| p.as_rule() != Rule::EOI) {
        let start = pair.as_span().start();
        each(Ok(Response::from_pair(pair, cx).map_err(|_| start)?));
    }
    Ok(())
}

/// Parses `input[range]` frame by frame; errors carry offsets in `input`.
fn one_by_one(input: &[u8], range: Range<usize>, limits: Limits, each: &mut impl FnMut(Result<Response<'_>, Error>)) {
    let base = range.start as u64;
    for frame in frames(&input[range], limits) {
        match frame {
            Ok(frame) => each(parse(&frame).map_err(|mut e| {
                e.offset += base;
                Error::Parse(e)
            })),
            Err(mut e) => {
                e.offset += base;
                each(Err(Error::Frame(e)))
            }
        }
    }
}
