//! The two drivers of the scanner: over a complete slice, and streaming.

use super::scan::{Event, Scanner};
use super::{Frame, FrameError, Limits};

/// Spare room offered by [`Framer::read_buf`] when the caller asks for none.
const MIN_READ: usize = 8 << 10;

/// Iterator over the responses of a complete buffer; see [`frames`].
#[derive(Debug)]
pub struct Frames<'a> {
    input: &'a [u8],
    /// Start of the unconsumed input.
    pos: usize,
    scanner: Scanner,
    done: bool,
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
    Frames { input, pos: 0, scanner: Scanner::new(limits), done: false }
}

impl<'a> Iterator for Frames<'a> {
    type Item = Result<Frame<'a>, FrameError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            let start = self.pos;
            let (consumed, event) = self.scanner.step(&self.input[start..]);
            self.pos += consumed;
            match event {
                Event::Frame(c) => {
                    let bytes = &self.input[start..self.pos];
                    return Some(Ok(Frame::new(bytes, c.offset, c.literals)));
                }
                Event::Error(e) => return Some(Err(e)),
                Event::Skipped => {}
                Event::NeedMore => {
                    self.done = true;
                    let unconsumed = self.input.len() - self.pos;
                    return self.scanner.finish(unconsumed).map(Err);
                }
            }
        }
        None
    }
}

/// The complete responses a [`Framer`] had buffered: see [`Framer::next_run`].
#[derive(Debug)]
pub struct Run<'a> {
    /// The bytes they were cut from, contiguous (frames are slices of it).
    pub bytes: &'a [u8],
    /// Stream offset of `bytes[0]`.
    pub offset: u64,
    /// The frames and limit errors, in order.
    pub items: Vec<Result<Frame<'a>, FrameError>>,
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
    scanner: Scanner,
}

impl Framer {
    /// A framer with nothing buffered.
    pub fn new(limits: Limits) -> Self {
        Framer { buf: Vec::new(), start: 0, filled: 0, lent: 0, scanner: Scanner::new(limits) }
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
            }
        }
    }

    /// Every complete response (or limit error) buffered, at once; `None`
    /// when more bytes are needed. They all borrow the buffer, and are
    /// released at the next call of any method. Parsing a run together
    /// (`imap_core::parse::parse_frames`) pays pest's per-call cost once.
    pub fn next_run(&mut self) -> Option<Run<'_>> {
        self.release();
        let base = self.start;
        let offset = self.scanner.position();
        let buf = &self.buf;
        let mut used = 0;
        let mut items = Vec::new();
        loop {
            let (consumed, event) = self.scanner.step(&buf[base + used..self.filled]);
            let bytes = &buf[base + used..base + used + consumed];
            used += consumed;
            match event {
                Event::Frame(c) => items.push(Ok(Frame::new(bytes, c.offset, c.literals))),
                Event::Error(e) => items.push(Err(e)),
                Event::Skipped => {}
                Event::NeedMore => break,
            }
        }
        self.lent = used;
        if items.is_empty() {
            return None;
        }
        Some(Run { bytes: &self.buf[base..base + used], offset, items })
    }

    /// Ends the stream: the [`Truncated`](super::FrameErrorKind::Truncated)
    /// error if bytes of a response are still buffered. Call it once
    /// [`next_frame`](Framer::next_frame) has returned `None`; buffered bytes
    /// are dropped and the framer starts afresh.
    pub fn finish(&mut self) -> Result<(), FrameError> {
        self.release();
        let unconsumed = self.buffered();
        self.consume(unconsumed);
        self.scanner.finish(unconsumed).map_or(Ok(()), Err)
    }

    /// Bytes received and not yet returned in a frame or discarded.
    pub fn buffered(&self) -> usize {
        self.filled - self.start - self.lent
    }

    /// Drops the frame returned last.
    fn release(&mut self) {
        let lent = std::mem::take(&mut self.lent);
        self.consume(lent);
    }

    fn consume(&mut self, n: usize) {
        self.start += n;
        if self.start == self.filled {
            // Nothing left: rewinding is free.
            self.start = 0;
            self.filled = 0;
        }
    }

    /// Shifts the unconsumed bytes to the front when the consumed prefix is at
    /// least as long as they are (so each shift is paid for by the bytes
    /// consumed since the last one), and grows the buffer by doubling if that
    /// is not enough: both keep the total work linear.
    fn make_room(&mut self, min: usize) {
        let live = self.filled - self.start;
        if self.start >= live {
            self.buf.copy_within(self.start..self.filled, 0);
            self.start = 0;
            self.filled = live;
        }
        let needed = self.filled + min;
        if self.buf.len() < needed {
            self.buf.resize(needed.max(2 * self.buf.len()), 0);
        }
    }
}
