//! A complete response and its skeleton.

use std::borrow::Cow;
use std::ops::Range;

use super::remap::push_remapped;

/// Where one literal is, in the skeleton and in the wire bytes of its frame.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LiteralRef {
    /// Offset in [`Frame::skeleton`] just after the literal header's line
    /// ending, which is where the payload was removed.
    pub header_end: usize,
    /// The payload's range in [`Frame::bytes`]; empty when it was streamed.
    pub payload: Range<usize>,
    /// `Some(size)` when the payload was not buffered but handed out in
    /// [`LiteralChunk`](super::LiteralChunk)s as it arrived (see
    /// [`Framer::set_stream_threshold`](super::Framer::set_stream_threshold)):
    /// the announced size, all of which went out before this frame.
    pub streamed: Option<u64>,
}

/// One complete server response.
///
/// It borrows the input: [`bytes`](Frame::bytes) and the literal payloads are
/// slices of it, never copies. The [`skeleton`](Frame::skeleton), the text the
/// parser reads, is borrowed too when the response has no literal and is valid
/// UTF-8; otherwise it is built once, from the line bytes only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame<'a> {
    bytes: &'a [u8],
    skeleton: Cow<'a, str>,
    literals: Vec<LiteralRef>,
    remapped: bool,
    offset: u64,
}

impl<'a> Frame<'a> {
    /// Builds the frame of `bytes`, whose literals have their payload ranges
    /// set; their `header_end` is computed here.
    pub(crate) fn new(bytes: &'a [u8], offset: u64, mut literals: Vec<LiteralRef>) -> Self {
        let (skeleton, remapped) = if literals.is_empty() {
            plain_skeleton(bytes)
        } else {
            let (skeleton, remapped) = split_skeleton(bytes, &mut literals);
            (Cow::Owned(skeleton), remapped)
        };
        Frame { bytes, skeleton, literals, remapped, offset }
    }

    /// The whole response as it was on the wire: lines, literal payloads and
    /// the final line ending (without the payloads of streamed literals).
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The lines of the response without the literal payloads (each `{N}`
    /// header and its line ending stay), line endings as received. When
    /// [`is_remapped`](Frame::is_remapped), bytes that are not UTF-8 appear as
    /// private-use characters; see [`unmap`](super::unmap).
    pub fn skeleton(&self) -> &str {
        &self.skeleton
    }

    /// The literals, in order of appearance.
    pub fn literals(&self) -> &[LiteralRef] {
        &self.literals
    }

    /// The payload of the literal whose header ends at skeleton offset
    /// `header_end`, if there is one.
    pub fn literal_at(&self, header_end: usize) -> Option<&'a [u8]> {
        let i = self.literals.binary_search_by_key(&header_end, |l| l.header_end).ok()?;
        Some(self.payload(&self.literals[i]))
    }

    /// The payload of one of this frame's literals.
    pub fn payload(&self, literal: &LiteralRef) -> &'a [u8] {
        &self.bytes[literal.payload.clone()]
    }

    /// Whether the line bytes were not valid UTF-8, so that the skeleton
    /// maps bytes to private-use characters.
    pub fn is_remapped(&self) -> bool {
        self.remapped
    }

    /// Stream offset of the response's first byte.
    pub fn offset(&self) -> u64 {
        self.offset
    }
}

/// The skeleton of a response without literals: borrowed when valid UTF-8.
fn plain_skeleton(bytes: &[u8]) -> (Cow<'_, str>, bool) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (Cow::Borrowed(s), false),
        Err(_) => {
            let mut out = String::with_capacity(bytes.len() + 16);
            push_remapped(&mut out, bytes);
            (Cow::Owned(out), true)
        }
    }
}

/// Joins the line bytes of a response with literals (validated once, as a
/// whole), remapping them if they are not UTF-8, and records where each
/// literal header ends. Every line ends with a LF, so no character can span a
/// removed payload and the joined bytes are valid iff each line is.
fn split_skeleton(bytes: &[u8], literals: &mut [LiteralRef]) -> (String, bool) {
    let payload_len: usize = literals.iter().map(|l| l.payload.len()).sum();
    let mut raw = Vec::with_capacity(bytes.len() - payload_len);
    join(bytes, literals, |line| {
        raw.extend_from_slice(line);
        raw.len()
    });
    match String::from_utf8(raw) {
        Ok(s) => (s, false),
        Err(e) => {
            let mut out = String::with_capacity(e.as_bytes().len() + 16);
            join(bytes, literals, |line| {
                push_remapped(&mut out, line);
                out.len()
            });
            (out, true)
        }
    }
}

/// Calls `push` with the line bytes before each literal payload and after the
/// last one; the length it returns is where that literal's header ends.
fn join(bytes: &[u8], literals: &mut [LiteralRef], mut push: impl FnMut(&[u8]) -> usize) {
    let mut start = 0;
    for literal in literals.iter_mut() {
        literal.header_end = push(&bytes[start..literal.payload.start]);
        start = literal.payload.end;
    }
    push(&bytes[start..]);
}
