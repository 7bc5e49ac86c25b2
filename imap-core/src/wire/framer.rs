//! The two drivers of the scanner: over a complete slice, and streaming.

use super::scan::{Complete, Event, Payload, Scanner};
use super::{Frame, FrameError, Limits};

/// Spare room offered by [`Framer::read_buf`] when the caller asks for none.
const MIN_READ: usize = 8 << 10;

/// A buffer grown past this (by a large response) is freed once it is empty,
/// so that one large message does not stay allocated for the session's life.
const KEEP_AT_MOST: usize = 4 << 20;

/// Iterator over the responses of a complete buffer; see [`frames`].
#[derive(Debug)]
pub struct Frames<'a> {
    input: &'a [u8],
    /// Start of the unconsumed input.
    pos: usize,
    scanner: Scanner,
}

/// The responses in `input`, a complete in-memory buffer, without copying:
/// every [`Frame`] borrows `input`.
///
/// A limit error is yielded where it was detected and framing resumes at the
/// next response; a partial response at the end yields one
/// [`Truncated`](super::FrameErrorKind::Truncated) error, last.
///
/// ```
/// use imap_core::wire::{frames, Limits};
///
/// let input = b"* 1 FETCH (BODY[] {5}\r\nhello)\r\nA1 OK done\r\n";
/// let all: Vec<_> = frames(input, Limits::default()).collect::<Result<_, _>>().unwrap();
/// assert_eq!(all.len(), 2);
/// assert_eq!(all[0].skeleton(), "* 1 FETCH (BODY[] {5}\r\n)\r\n");
/// let header_end = all[0].literals()[0].header_end;
/// assert_eq!(all[0].literal_at(header_end), Some(&b"hello"[..]));
/// assert_eq!(all[1].skeleton(), "A1 OK done\r\n");
/// ```
pub fn frames(input: &[u8], limits: Limits) -> Frames<'_> {
    Frames { input, pos: 0, scanner: Scanner::new(limits) }
}

impl<'a> Iterator for Frames<'a> {
    type Item = Result<Frame<'a>, FrameError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        scan_item(&mut self.scanner, self.input, &mut self.pos, Input::Complete)
    }
}

/// What [`scan_item`] is scanning.
enum Input<'p> {
    /// All of it: a partial response at its end is the `Truncated` error,
    /// and nothing is streamed.
    Complete,
    /// What has arrived so far: more may come. A streamed payload chunk
    /// met goes to the slot (its `at` counting from the end of the scanned
    /// bytes), and ends the scan like the end of the input.
    Arriving(&'p mut Option<Payload>),
}

/// Scans `input` from `*pos` to the next frame or limit error, and moves
/// `*pos` past the bytes consumed; `None` at the end of the input (or at a
/// streamed payload chunk). The one loop behind [`Frames`] and
/// [`RunItems`], kept out of line so that the whole-buffer and the
/// streaming parse run the same code: two copies, placed apart, were not
/// equally fast (benches/experiments/README.md, attempt 9).
#[inline(never)]
fn scan_item<'a>(
    scanner: &mut Scanner,
    input: &'a [u8],
    pos: &mut usize,
    kind: Input<'_>,
) -> Option<Result<Frame<'a>, FrameError>> {
    loop {
        let start = *pos;
        let (consumed, event) = scanner.step(&input[start..]);
        *pos = start + consumed;
        match event {
            Event::Frame(c) => return Some(Ok(Frame::new(&input[start..*pos], c.offset, c.literals))),
            Event::Error(e) => return Some(Err(e)),
            Event::Skipped => {}
            Event::NeedMore => {
                let Input::Complete = kind else { return None };
                // The rest is dropped: the next call sees no input and ends too.
                let unconsumed = input.len() - *pos;
                *pos = input.len();
                return scanner.finish(unconsumed).map(Err);
            }
            Event::Payload(p) => {
                if let Input::Arriving(slot) = kind {
                    *slot = Some(p);
                }
                return None;
            }
        }
    }
}

/// The complete responses a [`Framer`] has buffered: see [`Framer::next_run`].
#[derive(Debug)]
pub struct Run<'a> {
    /// The buffered bytes the frames are cut from: every frame is a slice of
    /// it. It runs to the end of what has arrived, so it may end inside a
    /// response that is not complete yet.
    pub bytes: &'a [u8],
    /// Stream offset of `bytes[0]`.
    pub offset: u64,
    /// The frames and limit errors, in order.
    pub items: RunItems<'a>,
}

/// The frames and limit errors of a [`Run`], in order. Each is scanned as it
/// is taken, in one pass over the buffer (nothing is collected first); what
/// is not taken before the framer's next call stays buffered and comes in
/// the next run.
pub struct RunItems<'a> {
    /// The buffered bytes, from the run's start.
    input: &'a [u8],
    /// Bytes of `input` scanned so far: the framer's lent count, released at
    /// its next call.
    used: &'a mut usize,
    scanner: &'a mut Scanner,
    /// Where a streamed payload chunk found behind the run is left for the
    /// framer's next call.
    pending: &'a mut Option<Payload>,
    /// The item the framer scanned to know that the run is not empty.
    first: Option<Result<Frame<'a>, FrameError>>,
}

impl<'a> Iterator for RunItems<'a> {
    type Item = Result<Frame<'a>, FrameError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        // Checked before taken: `take` would move the whole item on every call.
        if self.first.is_some() {
            return self.first.take();
        }
        // A chunk found behind the run must leave the buffer before the
        // scanner looks further; at the end of the input, it can look again.
        if self.pending.is_some() {
            return None;
        }
        scan_item(self.scanner, self.input, self.used, Input::Arriving(self.pending))
    }
}

impl std::fmt::Debug for RunItems<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunItems").field("scanned", &*self.used).finish()
    }
}

/// The item that starts a run, as positions (nothing borrowed).
struct First {
    /// Stream offset of the run's first byte.
    offset: u64,
    /// Where the item's bytes start in the buffered input (after skipped bytes).
    from: usize,
    item: Result<Complete, FrameError>,
}

/// What [`Framer::next_piece`] hands out: complete responses, or the next
/// bytes of a streamed literal.
#[derive(Debug)]
pub enum Piece<'a> {
    /// Complete responses, as [`Framer::next_run`] gives them.
    Run(Run<'a>),
    /// Payload bytes of a streamed literal, in order. The response it belongs
    /// to comes complete later, as a frame whose [`LiteralRef::streamed`](super::LiteralRef::streamed)
    /// is set.
    Literal(LiteralChunk<'a>),
}

/// A piece of a streamed literal's payload, borrowed from the framer's
/// buffer and dropped from it at the next call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiteralChunk<'a> {
    /// The payload bytes (never empty).
    pub bytes: &'a [u8],
    /// Stream offset of `bytes[0]`.
    pub offset: u64,
    /// Stream offset of the first byte of the response the literal is in
    /// (its [`Frame::offset`] once complete): tells literals of different
    /// responses apart.
    pub response: u64,
    /// The size the literal's header announced.
    pub size: u64,
    /// Payload bytes still to come after these (0 on the literal's last chunk).
    pub left: u64,
}

/// A streaming framer that owns its buffer, for reading from a socket.
///
/// Bytes go in with [`feed`](Framer::feed), or are read straight into
/// [`read_buf`](Framer::read_buf) and announced with
/// [`commit`](Framer::commit); complete responses come out of
/// [`next_frame`](Framer::next_frame), borrowing the buffer. Scanning resumes
/// where it stopped, so the work is linear in the input however it is split,
/// and the frames and errors are the same as those of [`frames`] over the
/// whole input.
///
/// ```
/// use imap_core::wire::{Framer, Limits};
///
/// let mut framer = Framer::new(Limits::default());
/// let mut payloads = Vec::new();
/// for chunk in [&b"* 1 FETCH (BODY[] {7}\r\nab"[..], b"\r\ncde)\r\n* 2 EXI", b"STS\r\n"] {
///     // With a socket: `let n = sock.read(framer.read_buf(4096))?; framer.commit(n);`
///     framer.feed(chunk);
///     while let Some(frame) = framer.next_frame() {
///         let frame = frame.unwrap();
///         payloads.extend(frame.literals().iter().map(|l| frame.payload(l).to_vec()));
///     }
/// }
/// framer.finish().unwrap();
/// assert_eq!(payloads, [b"ab\r\ncde".to_vec()]);
/// ```
#[derive(Debug)]
pub struct Framer {
    /// Initialised storage; `buf[start..filled]` is the unconsumed input.
    buf: Vec<u8>,
    start: usize,
    filled: usize,
    /// Length of the frame last returned, released at the next call.
    lent: usize,
    /// A streamed payload chunk handed out (`lent_chunk`, removed from the
    /// buffer at the next call) or found behind a run and not yet handed out
    /// (`pending`). Its `at` counts from `start` once `lent` is released.
    lent_chunk: Option<Payload>,
    pending: Option<Payload>,
    scanner: Scanner,
}

impl Framer {
    /// A framer with nothing buffered.
    pub fn new(limits: Limits) -> Self {
        Framer {
            buf: Vec::new(),
            start: 0,
            filled: 0,
            lent: 0,
            lent_chunk: None,
            pending: None,
            scanner: Scanner::new(limits),
        }
    }

    /// Streams literals that announce at least `threshold` bytes (and at most
    /// [`Limits::max_literal`]): instead of buffering such a payload until its
    /// response is complete, the framer hands it out as [`LiteralChunk`]s from
    /// [`next_piece`](Framer::next_piece) as the bytes arrive, and forgets
    /// them. The response then comes complete without the payload, its
    /// [`LiteralRef::streamed`](super::LiteralRef::streamed) set: memory stays
    /// bounded by what is fed between two calls, however large the literal,
    /// and a streamed payload does not count toward
    /// [`Limits::max_response`]. `None` (the default) buffers every literal.
    /// The change applies from the next literal header scanned.
    ///
    /// [`next_frame`](Framer::next_frame) and [`next_run`](Framer::next_run)
    /// drop streamed payloads: use [`next_piece`](Framer::next_piece).
    ///
    /// ```
    /// use imap_core::wire::{Framer, Limits, Piece};
    ///
    /// let mut framer = Framer::new(Limits::default());
    /// framer.set_stream_threshold(Some(4));
    /// let (mut body, mut fetches) = (Vec::new(), Vec::new());
    /// for chunk in [&b"* 1 FETCH (UID 7 BODY[] {11}\r\nhello"[..], b" worl", b"d)\r\nA1 OK done\r\n"] {
    ///     framer.feed(chunk);
    ///     while let Some(piece) = framer.next_piece() {
    ///         match piece {
    ///             Piece::Literal(chunk) => body.extend_from_slice(chunk.bytes),
    ///             Piece::Run(run) => {
    ///                 fetches.extend(run.items.map(|f| f.unwrap().skeleton().to_owned()))
    ///             }
    ///         }
    ///     }
    /// }
    /// assert_eq!(body, b"hello world");
    /// assert_eq!(fetches, ["* 1 FETCH (UID 7 BODY[] {11}\r\n)\r\n", "A1 OK done\r\n"]);
    /// ```
    pub fn set_stream_threshold(&mut self, threshold: Option<u64>) {
        self.scanner.set_stream_threshold(threshold);
    }

    /// Appends bytes received from the server.
    pub fn feed(&mut self, data: &[u8]) {
        self.read_buf(data.len())[..data.len()].copy_from_slice(data);
        self.commit(data.len());
    }

    /// Spare room of at least `min` bytes (8 KiB if `min` is 0) to read into
    /// directly; say how many were written with [`commit`](Framer::commit).
    pub fn read_buf(&mut self, min: usize) -> &mut [u8] {
        self.release();
        let min = if min == 0 { MIN_READ } else { min };
        if self.buf.len() - self.filled < min {
            self.make_room(min);
        }
        &mut self.buf[self.filled..]
    }

    /// Marks `n` bytes written at the start of the last
    /// [`read_buf`](Framer::read_buf) as received.
    ///
    /// # Panics
    ///
    /// If `n` is larger than that spare room.
    pub fn commit(&mut self, n: usize) {
        assert!(n <= self.buf.len() - self.filled, "commit past read_buf");
        self.filled += n;
    }

    /// The next complete response or limit error, or `None` when more bytes
    /// are needed. The bytes of a returned frame are released at the next call
    /// of any method.
    pub fn next_frame(&mut self) -> Option<Result<Frame<'_>, FrameError>> {
        self.release();
        if let Some(chunk) = self.pending.take() {
            // Left by next_piece: dropped, as next_frame drops streamed payloads.
            self.remove(chunk);
        }
        loop {
            let (consumed, event) = self.scanner.step(&self.buf[self.start..self.filled]);
            match event {
                Event::Frame(c) => {
                    self.lent = consumed;
                    let bytes = &self.buf[self.start..self.start + consumed];
                    return Some(Ok(Frame::new(bytes, c.offset, c.literals)));
                }
                Event::Error(e) => {
                    self.consume(consumed);
                    return Some(Err(e));
                }
                Event::Skipped => self.consume(consumed),
                Event::NeedMore => {
                    self.consume(consumed);
                    return None;
                }
                // Streamed payloads are only handed out by next_piece.
                Event::Payload(p) => self.remove(p),
            }
        }
    }

    /// Every complete response (or limit error) buffered, as one run; `None`
    /// when more bytes are needed. Its frames borrow the buffer and are
    /// released at the next call of any method
    /// (`imap_core::parse::parse_frames` parses a run).
    /// Streamed literal payloads are dropped: see [`next_piece`](Framer::next_piece).
    pub fn next_run(&mut self) -> Option<Run<'_>> {
        self.release();
        loop {
            if let Some(chunk) = self.pending.take() {
                self.remove(chunk);
            }
            match self.first_item() {
                Ok(first) => return Some(self.run(first)),
                Err(None) => return None,
                Err(Some(chunk)) => {
                    self.release();
                    self.remove(chunk);
                }
            }
        }
    }

    /// Like [`next_run`](Framer::next_run), but also hands out the payload of
    /// streamed literals (see [`set_stream_threshold`](Framer::set_stream_threshold)),
    /// in stream order: a run of the responses before a streamed literal, its
    /// chunks, then (once complete) its response. Each piece borrows the
    /// buffer until the next call of any method; a chunk's bytes are then
    /// dropped from it.
    pub fn next_piece(&mut self) -> Option<Piece<'_>> {
        self.release();
        if let Some(chunk) = self.pending.take() {
            return Some(Piece::Literal(self.lend_chunk(chunk)));
        }
        match self.first_item() {
            Ok(first) => Some(Piece::Run(self.run(first))),
            // The skipped bytes before it (if any) go at the next call, then the chunk.
            Err(chunk) => Some(Piece::Literal(self.lend_chunk(chunk?))),
        }
    }

    /// Scans up to the first frame or limit error, which starts a run; or
    /// to the streamed payload chunk met first (its `at` counting from the
    /// end of the scanned bytes), or `None` at the end of the buffer. The
    /// scanned bytes are lent.
    fn first_item(&mut self) -> Result<First, Option<Payload>> {
        let offset = self.scanner.position();
        let input = &self.buf[self.start..self.filled];
        loop {
            let from = self.lent;
            let (consumed, event) = self.scanner.step(&input[from..]);
            self.lent = from + consumed;
            let item = match event {
                Event::Frame(c) => Ok(c),
                Event::Error(e) => Err(e),
                Event::Skipped => continue,
                Event::NeedMore => return Err(None),
                Event::Payload(p) => return Err(Some(p)),
            };
            return Ok(First { offset, from, item });
        }
    }

    /// The run that starts with `first` (just scanned): it borrows the
    /// buffer, and scans the rest as it is taken.
    fn run(&mut self, first: First) -> Run<'_> {
        let input = &self.buf[self.start..self.filled];
        let frame = first.item.map(|c| Frame::new(&input[first.from..self.lent], c.offset, c.literals));
        let items = RunItems {
            input,
            used: &mut self.lent,
            scanner: &mut self.scanner,
            pending: &mut self.pending,
            first: Some(frame),
        };
        Run { bytes: input, offset: first.offset, items }
    }

    /// Hands out a chunk (its `at` counting from `start` after the lent
    /// bytes); it leaves the buffer at the next call.
    fn lend_chunk(&mut self, chunk: Payload) -> LiteralChunk<'_> {
        let from = self.start + self.lent + chunk.at;
        self.lent_chunk = Some(Payload { at: self.lent + chunk.at, ..chunk });
        LiteralChunk {
            bytes: &self.buf[from..from + chunk.len],
            offset: chunk.offset,
            response: chunk.response,
            size: chunk.size,
            left: chunk.left,
        }
    }

    /// Drops a chunk's bytes (`at` counting from `start`) from the buffer.
    /// Only the bytes after it in the same read are moved, once.
    fn remove(&mut self, chunk: Payload) {
        let from = self.start + chunk.at;
        let to = from + chunk.len;
        if to < self.filled {
            self.buf.copy_within(to..self.filled, from);
        }
        self.filled -= chunk.len;
        self.consume(0);
    }

    /// Ends the stream: the [`Truncated`](super::FrameErrorKind::Truncated)
    /// error if bytes of a response are still buffered. Call it once
    /// [`next_frame`](Framer::next_frame) has returned `None`; buffered bytes
    /// are dropped and the framer starts afresh.
    pub fn finish(&mut self) -> Result<(), FrameError> {
        self.release();
        // A chunk found behind the last run goes with the rest; the scanner
        // has already counted its bytes.
        let pending = self.pending.take().map_or(0, |c| c.len);
        let unconsumed = self.buffered();
        self.consume(unconsumed);
        self.scanner.finish(unconsumed - pending).map_or(Ok(()), Err)
    }

    /// Bytes received and not yet returned in a frame or chunk, or discarded.
    pub fn buffered(&self) -> usize {
        let chunk = self.lent_chunk.map_or(0, |c| c.len);
        self.filled - self.start - self.lent - chunk
    }

    /// Drops the frame, run or chunk returned last.
    fn release(&mut self) {
        let lent = std::mem::take(&mut self.lent);
        if let Some(chunk) = self.lent_chunk.take() {
            // Its `at` counts from `start` before the lent bytes are consumed.
            self.remove(chunk);
        }
        self.consume(lent);
    }

    fn consume(&mut self, n: usize) {
        self.start += n;
        if self.start == self.filled {
            // Nothing left: rewinding is free.
            self.start = 0;
            self.filled = 0;
            if self.buf.len() > KEEP_AT_MOST {
                self.buf = Vec::new();
            }
        }
    }

    /// Bytes allocated for the buffer (what it holds, and room to read into).
    /// Past 4 MiB, the buffer is freed as soon as nothing is left in it.
    pub fn capacity(&self) -> usize {
        self.buf.len()
    }

    /// Shifts the unconsumed bytes to the front when the consumed prefix is at
    /// least as long as they are (so each shift is paid for by the bytes
    /// consumed since the last one), and grows the buffer geometrically if
    /// that is not enough: both keep the total work linear.
    fn make_room(&mut self, min: usize) {
        let live = self.filled - self.start;
        if self.start >= live {
            self.buf.copy_within(self.start..self.filled, 0);
            self.start = 0;
            self.filled = live;
        }
        let needed = self.filled + min;
        if self.buf.len() < needed {
            let doubled = needed.max(2 * self.buf.len());
            // A literal on its way says how much is coming: grow to that
            // (plus a read) rather than doubling past it, which would leave
            // up to twice its size allocated and zeroed. Never by less than a
            // quarter, so that the total work stays linear; and never ahead
            // of the bytes (a header alone allocates nothing).
            let coming = usize::try_from(self.scanner.literal_left()).unwrap_or(usize::MAX);
            let exact = self.filled.saturating_add(coming).saturating_add(MIN_READ);
            let target = if coming > 0 { exact.max(self.buf.len() / 4 * 5).min(doubled) } else { doubled };
            self.buf.resize(target.max(needed), 0);
        }
    }
}
