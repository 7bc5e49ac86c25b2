//! The one scanning state machine behind both [`frames`](super::frames) and
//! [`Framer`](super::Framer).
//!
//! The scanner is handed the unconsumed input each time (the bytes from the
//! start of the current response, or of the discarded rest of one, to the end
//! of what has arrived) and remembers how far it has already looked, so every
//! byte is examined a bounded number of times however the input is split.
//! Positions inside a response are relative to its first byte, which lets the
//! streaming framer move its buffer between calls.

use std::mem;

use memchr::{memchr, memchr3};

use super::{FrameError, FrameErrorKind, Limits, LiteralRef};

/// Line bytes remembered while discarding a line that is not buffered: enough
/// for `{`, the 20 digits of `u64::MAX`, `}` and CR, with room to spare. A
/// longer header is over any `max_literal` anyway, and such a header is never
/// skipped, which is the same outcome as not recognising it.
const TAIL: usize = 32;

/// What one call of [`Scanner::step`] found.
#[derive(Debug)]
pub(crate) enum Event {
    /// The input ends inside a response; feed more bytes and call again.
    NeedMore,
    /// The consumed bytes are one complete response.
    Frame(Complete),
    /// A limit was exceeded. The consumed bytes belong to the failed response
    /// and are dropped; the scanner now discards the rest of that response.
    Error(FrameError),
    /// The consumed bytes finished a discarded response; call again.
    Skipped,
    /// Payload bytes of a streamed literal (see [`Scanner::set_stream_threshold`]):
    /// `input[at..at + len]`. The caller must remove them from its input
    /// before the next call (the scanner does not look at them again), so
    /// that the response's own bytes stay contiguous without the payload.
    Payload(Payload),
}

/// Where a chunk of a streamed literal's payload is, and what it belongs to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Payload {
    /// Index of the chunk's first byte in the input of this call.
    pub(crate) at: usize,
    /// Its length (at least 1).
    pub(crate) len: usize,
    /// Stream offset of its first byte.
    pub(crate) offset: u64,
    /// Stream offset of the first byte of the response it belongs to.
    pub(crate) response: u64,
    /// The literal's announced size.
    pub(crate) size: u64,
    /// Payload bytes of the literal still to come after this chunk.
    pub(crate) left: u64,
}

/// A complete response found by the scanner.
#[derive(Debug)]
pub(crate) struct Complete {
    /// Stream offset of the response's first byte.
    pub(crate) offset: u64,
    /// Its literals, payload ranges set, `header_end` not yet known.
    pub(crate) literals: Vec<LiteralRef>,
}

/// Scan state kept between calls.
#[derive(Debug)]
pub(crate) struct Scanner {
    limits: Limits,
    /// Stream offset of the first byte of the input given to the next call,
    /// plus the streamed payload bytes removed from it (so that `offset + i`
    /// is the stream offset of `input[i]` past the last removed payload).
    offset: u64,
    mode: Mode,
    /// Literals of at least this many bytes are streamed (`Event::Payload`).
    stream_threshold: Option<u64>,
}

#[derive(Debug)]
enum Mode {
    /// Inside a response that is being framed (possibly not started yet).
    Frame(Progress),
    /// Skipping the rest of a response after a limit error.
    Discard(Discard),
}

/// How far a response has been scanned; positions are relative to its start.
#[derive(Debug, Default)]
struct Progress {
    /// Bytes already scanned.
    pos: usize,
    /// Start of the current line.
    line_start: usize,
    /// Payload bytes still to come of the literal being skipped.
    literal_left: u64,
    /// Parenthesis depth at `line_start`.
    depth: u32,
    literals: Vec<LiteralRef>,
    /// The literal being skipped is streamed: its bytes go out as payload
    /// events and are removed from the input instead of being skipped.
    streaming: bool,
    /// Streamed payload bytes removed from this response's input so far.
    removed: u64,
}

/// Discarding the rest of a failed response without buffering it.
#[derive(Debug, Default)]
struct Discard {
    literal_left: u64,
    /// The end of the current line so far, to spot a literal header.
    tail: Tail,
}

/// The last [`TAIL`] bytes pushed into it.
#[derive(Debug, Default)]
struct Tail {
    buf: [u8; TAIL],
    len: usize,
}

/// A literal header `{N}` found at the end of a line.
struct Header {
    /// Index of the `{` in the line.
    brace: usize,
    /// The announced size, `None` when it overflows `u64`.
    size: Option<u64>,
}

impl Scanner {
    pub(crate) fn new(limits: Limits) -> Self {
        Scanner { limits, offset: 0, mode: Mode::Frame(Progress::default()), stream_threshold: None }
    }

    /// Literals announcing at least `threshold` bytes (and at most
    /// `max_literal`) are streamed from the next literal header on: see
    /// `Event::Payload`. `None` turns streaming off for later headers.
    pub(crate) fn set_stream_threshold(&mut self, threshold: Option<u64>) {
        self.stream_threshold = threshold.map(|t| t.max(1));
    }

    /// Scans `input`, which starts where the previous call's consumed bytes
    /// ended and must extend what that call saw, and returns how many of its
    /// leading bytes were consumed together with what was found.
    pub(crate) fn step(&mut self, input: &[u8]) -> (usize, Event) {
        let (consumed, event, mode) = match mem::replace(&mut self.mode, Mode::Frame(Progress::default())) {
            Mode::Frame(progress) => self.frame_step(progress, input),
            Mode::Discard(discard) => self.discard_step(discard, input),
        };
        self.mode = mode;
        self.offset += consumed as u64;
        if let Event::Payload(payload) = &event {
            self.offset += payload.len as u64;
        }
        (consumed, event)
    }

    /// Stream offset of the first byte the next call will see.
    pub(crate) fn position(&self) -> u64 {
        self.offset
    }

    /// Payload bytes of the literal being received that have not arrived
    /// yet (0 when none is, or when it is streamed: those are not buffered).
    pub(crate) fn literal_left(&self) -> u64 {
        match &self.mode {
            Mode::Frame(p) if !p.streaming => p.literal_left,
            _ => 0,
        }
    }

    /// Called at the end of the input with the count of unconsumed bytes:
    /// the `Truncated` error if they are part of a response, then resets.
    pub(crate) fn finish(&mut self, unconsumed: usize) -> Option<FrameError> {
        let (partial, removed) = match &self.mode {
            Mode::Frame(p) => (unconsumed > 0 || p.removed > 0, p.removed),
            Mode::Discard(_) => (false, 0),
        };
        self.mode = Mode::Frame(Progress::default());
        let frame_start = self.offset - removed;
        self.offset += unconsumed as u64;
        partial.then_some(FrameError { kind: FrameErrorKind::Truncated { frame_start }, offset: self.offset })
    }

    fn frame_step(&self, mut p: Progress, input: &[u8]) -> (usize, Event, Mode) {
        loop {
            if p.streaming && p.literal_left > 0 {
                let len = (p.literal_left).min((input.len() - p.pos) as u64);
                if len == 0 {
                    return (0, Event::NeedMore, Mode::Frame(p));
                }
                p.literal_left -= len;
                p.removed += len;
                let size = p.literals.last().and_then(|l| l.streamed).unwrap_or(0);
                let payload = Payload {
                    at: p.pos,
                    len: len as usize,
                    offset: self.offset + p.pos as u64,
                    response: self.offset - (p.removed - len),
                    size,
                    left: p.literal_left,
                };
                return (0, Event::Payload(payload), Mode::Frame(p));
            }
            p.streaming = false;
            if !skip_literal(&mut p.pos, &mut p.literal_left, input.len()) {
                return (0, Event::NeedMore, Mode::Frame(p));
            }
            let line_cap = p.line_start.saturating_add(self.limits.max_line);
            let end = input.len().min(line_cap).min(self.response_cap());
            let Some(lf) = memchr(b'\n', &input[p.pos..end]).map(|i| p.pos + i) else {
                p.pos = end;
                if end == input.len() {
                    return (0, Event::NeedMore, Mode::Frame(p));
                }
                return self.overlong_line(input, p.line_start, end);
            };
            p.pos = lf + 1;
            let line = &input[p.line_start..lf];
            let header = literal_header(line);
            if let Err(e) = self.track_depth(&mut p, line, header.is_some()) {
                return (p.pos, Event::Error(e), self.after_failed_line(line));
            }
            let Some(header) = header else {
                let literals = mem::take(&mut p.literals);
                let complete = Event::Frame(Complete { offset: self.offset - p.removed, literals });
                return (p.pos, complete, Mode::Frame(Progress::default()));
            };
            if let Err((e, mode)) = self.start_literal(&mut p, &header) {
                return (p.pos, Event::Error(e), mode);
            }
        }
    }

    /// Records the literal announced at the end of the line just scanned, or
    /// the error and how to go on when it breaks a limit.
    fn start_literal(&self, p: &mut Progress, header: &Header) -> Result<(), (FrameError, Mode)> {
        let offset = self.offset + (p.line_start + header.brace) as u64;
        let size = match header.size {
            Some(size) if size <= self.limits.max_literal => size,
            announced => {
                let kind = FrameErrorKind::LiteralTooLarge {
                    announced: announced.unwrap_or(u64::MAX),
                    limit: self.limits.max_literal,
                };
                // Not skipped: a size over the limit cannot be trusted.
                let mode = Mode::Frame(Progress::default());
                return Err((FrameError { kind, offset }, mode));
            }
        };
        if self.stream_threshold.is_some_and(|t| size >= t) {
            // Never buffered: its bytes go out as they come and leave the
            // input, so only the response's lines count toward its limit.
            p.line_start = p.pos;
            p.literal_left = size;
            p.streaming = true;
            p.literals.push(LiteralRef { header_end: 0, payload: p.pos..p.pos, streamed: Some(size) });
            return Ok(());
        }
        let payload_end = (p.pos as u64).saturating_add(size);
        if payload_end > self.response_cap() as u64 {
            let kind = FrameErrorKind::ResponseTooLarge { limit: self.limits.max_response };
            return Err((FrameError { kind, offset }, discard_literal(size)));
        }
        // Fits in usize: bounded by response_cap().
        let payload = p.pos..payload_end as usize;
        p.line_start = payload.end;
        p.literal_left = size;
        p.literals.push(LiteralRef { header_end: 0, payload, streamed: None });
        Ok(())
    }

    fn discard_step(&self, mut d: Discard, input: &[u8]) -> (usize, Event, Mode) {
        let mut pos = 0;
        loop {
            if !skip_literal(&mut pos, &mut d.literal_left, input.len()) {
                return (pos, Event::NeedMore, Mode::Discard(d));
            }
            let Some(lf) = memchr(b'\n', &input[pos..]).map(|i| pos + i) else {
                d.tail.push(&input[pos..]);
                return (input.len(), Event::NeedMore, Mode::Discard(d));
            };
            d.tail.push(&input[pos..lf]);
            pos = lf + 1;
            match self.acceptable_literal(d.tail.bytes()) {
                Some(size) => d = discard_literal_state(size),
                None => return (pos, Event::Skipped, Mode::Frame(Progress::default())),
            }
        }
    }

    /// The error for a line that reached a limit at `end` without a line
    /// ending; its bytes so far are dropped and the rest of it discarded.
    fn overlong_line(&self, input: &[u8], line_start: usize, end: usize) -> (usize, Event, Mode) {
        let kind = if end == line_start.saturating_add(self.limits.max_line) {
            FrameErrorKind::LineTooLong { limit: self.limits.max_line }
        } else {
            FrameErrorKind::ResponseTooLarge { limit: self.limits.max_response }
        };
        let mut tail = Tail::default();
        tail.push(&input[line_start..end]);
        let e = FrameError { kind, offset: self.offset + end as u64 };
        let discard = Discard { literal_left: 0, tail };
        (end, Event::Error(e), Mode::Discard(discard))
    }

    /// Updates the depth with one complete line, or the `TooDeep` error.
    /// `continues`: the line ends with a literal header, so the response goes
    /// on and the next line needs the depth this one ends at.
    fn track_depth(&self, p: &mut Progress, line: &[u8], continues: bool) -> Result<(), FrameError> {
        // The depth can rise by at most the line's `(` count: when that stays
        // within the limit, only a line the response goes on after needs the
        // quote-aware walk (its end depth). Counting is a vectorised pass,
        // several times cheaper than the walk, and most lines end a response.
        if !continues {
            let opens = count_opening(line);
            if (p.depth as usize).saturating_add(opens) <= self.limits.max_depth as usize {
                return Ok(());
            }
        }
        match scan_depth(line, p.depth, self.limits.max_depth) {
            Ok(depth) => {
                p.depth = depth;
                Ok(())
            }
            Err(i) => Err(FrameError {
                kind: FrameErrorKind::TooDeep { limit: self.limits.max_depth },
                offset: self.offset + (p.line_start + i) as u64,
            }),
        }
    }

    /// After an error on a complete line: the response goes on only if the
    /// line announced a literal that may be skipped.
    fn after_failed_line(&self, line: &[u8]) -> Mode {
        match self.acceptable_literal(line) {
            Some(size) => discard_literal(size),
            None => Mode::Frame(Progress::default()),
        }
    }

    /// The size of the literal announced at the end of `line`, if it is within
    /// `max_literal` (only such a payload is trusted enough to be skipped).
    fn acceptable_literal(&self, line: &[u8]) -> Option<u64> {
        let size = literal_header(line)?.size?;
        (size <= self.limits.max_literal).then_some(size)
    }

    /// `max_response` as a buffer length.
    fn response_cap(&self) -> usize {
        usize::try_from(self.limits.max_response).unwrap_or(usize::MAX)
    }
}

fn discard_literal(size: u64) -> Mode {
    Mode::Discard(discard_literal_state(size))
}

fn discard_literal_state(size: u64) -> Discard {
    Discard { literal_left: size, tail: Tail::default() }
}

/// Advances `pos` over up to `left` payload bytes of the `len` available;
/// true once the whole payload is behind.
fn skip_literal(pos: &mut usize, left: &mut u64, len: usize) -> bool {
    let take = (*left).min((len - *pos) as u64);
    *pos += take as usize;
    *left -= take;
    *left == 0
}

impl Tail {
    fn push(&mut self, bytes: &[u8]) {
        if bytes.len() >= TAIL {
            self.buf.copy_from_slice(&bytes[bytes.len() - TAIL..]);
            self.len = TAIL;
            return;
        }
        let keep = self.len.min(TAIL - bytes.len());
        self.buf.copy_within(self.len - keep..self.len, 0);
        self.buf[keep..keep + bytes.len()].copy_from_slice(bytes);
        self.len = keep + bytes.len();
    }

    fn bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

/// Finds a literal header (`{N}`, which also ends `~{N}`) at the end of a line
/// given without its LF; an optional CR before the LF is ignored.
fn literal_header(line: &[u8]) -> Option<Header> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let body = line.strip_suffix(b"}")?;
    let digits = body.iter().rposition(|b| !b.is_ascii_digit()).map_or(0, |i| i + 1);
    let brace = digits.checked_sub(1)?;
    if body[brace] != b'{' || digits == body.len() {
        return None;
    }
    let size = body[digits..].iter().try_fold(0u64, |n, &d| n.checked_mul(10)?.checked_add(u64::from(d - b'0')));
    Some(Header { brace, size })
}

/// How many `(` the line holds. Counted in blocks of 255 bytes with a byte
/// counter, which the compiler turns into 32 comparisons per instruction;
/// a `usize` sum widens every byte first and is several times slower.
fn count_opening(line: &[u8]) -> usize {
    line.chunks(255).map(|block| usize::from(block.iter().fold(0u8, |n, &b| n.wrapping_add(u8::from(b == b'('))))).sum()
}

/// Follows parentheses through one line, starting at `depth`: the depth at its
/// end, or the index of the `(` that went past `max`. Quoted strings are
/// skipped (a `\` escapes the next byte in them) and end with the line.
///
/// A plain loop over the bytes: FETCH lines are dense with parentheses and
/// quotes (an ENVELOPE has one every few bytes), where a memchr3 call for
/// each costs more than looking at every byte (1.4 to 2 times faster on the
/// `envelope`, `bodystructure` and `tiny` corpora of `benches/`). After
/// [`PLAIN_RUN`] bytes in a row without any of the three, the line is text
/// or a long list of atoms (`* SEARCH 1 2 3 ...`), and memchr3 finds the
/// next one.
fn scan_depth(line: &[u8], mut depth: u32, max: u32) -> Result<u32, usize> {
    let mut i = 0;
    let mut plain = 0;
    while let Some(&b) = line.get(i) {
        match b {
            b'(' if depth >= max => return Err(i),
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            b'"' => match closing_quote(&line[i + 1..]) {
                Some(len) => i += len + 1,
                None => return Ok(depth),
            },
            _ => {
                plain += 1;
                i += 1;
                if plain == PLAIN_RUN {
                    plain = 0;
                    match memchr3(b'(', b')', b'"', &line[i..]) {
                        Some(k) => i += k,
                        None => return Ok(depth),
                    }
                }
                continue;
            }
        }
        plain = 0;
        i += 1;
    }
    Ok(depth)
}

/// How many parentheses are still open at the end of `text` (lines of a
/// response), counted as the framer counts them.
pub(crate) fn open_parentheses(text: &[u8]) -> u32 {
    text.split(|&b| b == b'\n').fold(0, |depth, line| scan_depth(line, depth, u32::MAX).unwrap_or(u32::MAX))
}

/// Bytes without a parenthesis or quote after which [`scan_depth`] hands
/// the rest of the line to memchr3.
const PLAIN_RUN: u32 = 32;

/// The index of the `"` closing a quoted string whose contents start `s`;
/// a `\` escapes the byte after it, whatever it is. Quoted strings are
/// short, where a plain loop beats memchr's setup.
fn closing_quote(s: &[u8]) -> Option<usize> {
    let mut i = 0;
    while let Some(&b) = s.get(i) {
        match b {
            b'"' => return Some(i),
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The definition, one byte at a time.
    fn reference(line: &[u8], mut depth: u32, max: u32) -> Result<u32, usize> {
        let (mut quoted, mut escaped) = (false, false);
        for (i, &b) in line.iter().enumerate() {
            if quoted {
                match b {
                    _ if escaped => escaped = false,
                    b'\\' => escaped = true,
                    b'"' => quoted = false,
                    _ => {}
                }
                continue;
            }
            match b {
                b'(' if depth >= max => return Err(i),
                b'(' => depth += 1,
                b')' => depth = depth.saturating_sub(1),
                b'"' => quoted = true,
                _ => {}
            }
        }
        Ok(depth)
    }

    #[test]
    fn long_plain_runs_then_parens() {
        let mut line = b"* SEARCH".to_vec();
        for i in 0..200 {
            line.extend_from_slice(format!(" {i}").as_bytes());
        }
        assert_eq!(scan_depth(&line, 0, 3), Ok(0));
        line.extend_from_slice(b" ((\"a\\\"(\" (x");
        assert_eq!(scan_depth(&line, 0, 3), reference(&line, 0, 3));
        assert_eq!(scan_depth(&line, 0, 3), Ok(3), "the ( inside the quoted string does not count");
        assert_eq!(scan_depth(&line, 0, 2), Err(line.len() - 2));
    }

    #[test]
    fn opening_parentheses_are_counted_across_blocks() {
        for len in [0, 1, 254, 255, 256, 510, 511, 4000] {
            let line = vec![b'('; len];
            assert_eq!(count_opening(&line), len);
        }
        let line: Vec<u8> = (0..3000u32).map(|i| if i % 7 == 0 { b'(' } else { b'x' }).collect();
        assert_eq!(count_opening(&line), 429);
    }

    proptest! {
        #[test]
        fn opening_parentheses_count_as_one_at_a_time(line in proptest::collection::vec(any::<u8>(), 0..2000)) {
            prop_assert_eq!(count_opening(&line), line.iter().filter(|&&b| b == b'(').count());
        }

        #[test]
        fn scan_depth_is_the_byte_at_a_time_definition(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just(b"(".to_vec()), Just(b")".to_vec()), Just(b"\"".to_vec()), Just(b"\\".to_vec()),
                    "[a-z ]{0,80}".prop_map(String::into_bytes),
                ],
                0..40,
            ),
            depth in 0u32..4,
            max in 0u32..8,
        ) {
            let line = parts.concat();
            prop_assert_eq!(scan_depth(&line, depth, max), reference(&line, depth, max));
        }
    }
}
