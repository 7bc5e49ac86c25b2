//! Parsing many responses per pest call.
//!
//! pest pays a fixed cost per parse (its state, token queue, line index) that
//! is most of a short response's cost. So responses are parsed in runs:
//! - frames without literals and with valid UTF-8 that lie next to each
//!   other in the input are one borrowed text: a run of them is parsed in place;
//! - frames with literals have skeletons of their own: a run of them is
//!   joined into one text, with a table of where each literal's payload is.
//!
//! Each response of a run is matched to its frame (one frame, one response).
//! When a run fails, it is parsed again frame by frame from the failing
//! response on, so errors still name their own response and nothing is
//! handed out twice; remapped (non-UTF-8) frames are parsed alone.

use super::{parse, ImapParser, ParseError, Rule};
use crate::convert::{Cx, FromPair, Tree};
use crate::types::Response;
use crate::wire::{frames, Frame, FrameError, Limits};
use pest::Parser;
use std::fmt;

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
    parse_frames(input, frames(input, limits), |parsed| match parsed {
        Parsed::Response(_, response) => each(Ok(response)),
        Parsed::Malformed(_, e) => each(Err(Error::Parse(e))),
        Parsed::Unframed(e) => each(Err(Error::Frame(e))),
    });
}

/// Parses framed responses in runs, handing each outcome to `each` in order.
/// `items` are the frames (and framing errors) cut from `input`, in order,
/// as [`frames`] or [`Framer::next_run`](crate::wire::Framer::next_run) give them.
pub fn parse_frames<'a>(
    input: &'a [u8],
    items: impl IntoIterator<Item = Result<Frame<'a>, FrameError>>,
    mut each: impl FnMut(Parsed<'_>),
) {
    let mut run = Vec::new();
    let mut len = 0; // the run's skeleton bytes
    let mut kind = Kind::Plain;
    for item in items {
        match item {
            Ok(frame) => {
                let this = Kind::of(&frame);
                let fits = this == kind
                    && this != Kind::Alone
                    && len < MAX_RUN
                    && (this != Kind::Plain || run.last().is_none_or(|last: &Frame<'_>| adjacent(last, &frame)));
                if !fits {
                    flush(input, &mut run, kind, &mut each);
                    kind = this;
                    len = 0;
                }
                len += frame.skeleton().len();
                run.push(frame);
            }
            Err(e) => {
                flush(input, &mut run, kind, &mut each);
                len = 0;
                each(Parsed::Unframed(e));
            }
        }
    }
    flush(input, &mut run, kind, &mut each);
}

/// How a frame can be parsed together with others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Its skeleton is its bytes: borrowed text.
    Plain,
    /// It has literals: its skeleton is joined with others'.
    Joined,
    /// Remapped non-UTF-8 bytes: parsed alone.
    Alone,
}

impl Kind {
    fn of(frame: &Frame<'_>) -> Kind {
        let skeleton = frame.skeleton();
        if skeleton.len() == frame.bytes().len() && skeleton.as_ptr() == frame.bytes().as_ptr() {
            Kind::Plain
        } else if frame.is_remapped() {
            Kind::Alone
        } else {
            Kind::Joined
        }
    }
}

fn run_len(run: &[Frame<'_>]) -> usize {
    run.iter().map(|f| f.skeleton().len()).sum()
}

/// Whether `next` starts where `last` ends in memory.
fn adjacent(last: &Frame<'_>, next: &Frame<'_>) -> bool {
    last.bytes().as_ptr() as usize + last.bytes().len() == next.bytes().as_ptr() as usize
}

/// Parses and hands out the frames gathered, then empties the run.
fn flush<'a>(input: &'a [u8], run: &mut Vec<Frame<'a>>, kind: Kind, each: &mut impl FnMut(Parsed<'_>)) {
    if run.is_empty() {
        return;
    }
    let failed_at = match kind {
        Kind::Plain => {
            let start = run[0].bytes().as_ptr() as usize - input.as_ptr() as usize;
            let end = start + run_len(run);
            let text = std::str::from_utf8(&input[start..end]).expect("plain frames are UTF-8");
            parse_text(text, |_| Cx::plain(), run, each)
        }
        Kind::Joined => parse_joined(run, each),
        Kind::Alone => Err(0),
    };
    if let Err(first) = failed_at {
        for frame in &run[first..] {
            match parse(frame) {
                Ok(response) => each(Parsed::Response(frame, response)),
                Err(e) => each(Parsed::Malformed(frame, e)),
            }
        }
    }
    run.clear();
}

/// Parses the skeletons of `frames` joined into one text.
fn parse_joined(frames: &[Frame<'_>], each: &mut impl FnMut(Parsed<'_>)) -> Result<(), usize> {
    let mut text = String::with_capacity(run_len(frames));
    let mut literals = Vec::new();
    // Where each frame's literals start in `literals` (and, last, the end):
    // a response looks its payloads up among its own literals only.
    let mut firsts = Vec::with_capacity(frames.len() + 1);
    for frame in frames {
        let base = text.len();
        firsts.push(literals.len());
        literals.extend(frame.literals().iter().map(|l| (base + l.header_end, frame.payload(l))));
        text.push_str(frame.skeleton());
    }
    firsts.push(literals.len());
    parse_text(&text, |i| Cx::joined(&literals[firsts[i]..firsts[i + 1]]), frames, each)
}

/// Parses `text`, the frames' skeletons one after the other, with the
/// `responses` rule, handing each response out with its frame (`cx(i)` is
/// frame `i`'s context). If one fails (or the responses do not line up with
/// the frames), returns the index of the first frame not handed out.
fn parse_text<'t>(
    text: &'t str,
    cx: impl Fn(usize) -> Cx<'t>,
    frames: &[Frame<'_>],
    each: &mut impl FnMut(Parsed<'_>),
) -> Result<(), usize> {
    let tree = Tree::new(ImapParser::parse(Rule::responses, text).map_err(|_| 0usize)?);
    let mut pairs = tree.pairs().filter(|p| p.as_rule() != Rule::EOI).peekable();
    let mut end = 0;
    for (i, frame) in frames.iter().enumerate() {
        let start = end;
        end += frame.skeleton().len();
        // One frame, one response: its pair lies within the frame (the pair
        // of untagged data starts after "* " and ends before the CRLF), and
        // the next response starts after it (or there is none after the last).
        let pair = pairs.next().filter(|p| p.start() >= start && p.end() <= end).ok_or(i)?;
        let last = i + 1 == frames.len();
        let next_is_clear = match pairs.peek() {
            Some(next) => !last && next.start() >= end,
            None => true,
        };
        if !next_is_clear {
            return Err(i);
        }
        each(Parsed::Response(frame, Response::from_pair(pair, &cx(i)).map_err(|_| i)?));
    }
    Ok(())
}
