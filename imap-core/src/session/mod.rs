//! The session: IMAP's state machine, sans IO.
//!
//! Bytes from the server go in ([`Session::receive`]); bytes for the server
//! come out ([`Session::pending_output`]); what happened comes out as
//! [`Event`]s. No sockets here: the [reactor](crate::reactor) (or a test)
//! moves the bytes, which is why a session also implements
//! [`Connection`].
//!
//! What the session takes care of:
//! - tags, unique per session, and the matching of completions to commands;
//! - pipelining: commands are written as soon as they are submitted, except
//!   behind a synchronizing literal (which waits for `+`), IDLE (until
//!   DONE), AUTHENTICATE and STARTTLS (until they complete);
//! - LITERAL+ / LITERAL- when the server advertises them;
//! - connection states, with a clear error for a command in the wrong one
//!   (judged on the state the commands already in flight lead to);
//! - untagged data: a response a command in flight asked for (FETCH for a
//!   FETCH, LIST for a LIST, ...) goes into that command's result; the rest
//!   (EXISTS, EXPUNGE, alerts, FETCH of other messages, BYE) become
//!   [`Event::Unsolicited`], never mixed into a result;
//! - the selected mailbox's state (EXISTS, EXPUNGE, FLAGS, UIDVALIDITY, ...);
//! - capabilities: from the greeting, CAPABILITY responses and codes;
//!   forgotten after STARTTLS and after login unless the server resends them;
//! - STARTTLS: the transport switch is requested at the exact byte after the
//!   tagged OK; plaintext that arrived after it is an injection and an error;
//! - COMPRESS=DEFLATE: likewise requested at the byte after the tagged OK;
//!   what arrived after it is compressed, left unprocessed and handed back to
//!   the reactor ([`Connection::take_unprocessed`]) to inflate;
//! - a connection that ends mid-command fails that command: never a short
//!   result presented as complete.
//!
//! ```
//! use imap_core::command::Command;
//! use imap_core::session::{Event, Session};
//!
//! let mut session = Session::new();
//! session.receive(b"* OK [CAPABILITY IMAP4rev1 LITERAL+] ready\r\n");
//! let tag = session.submit(Command::Noop).unwrap();
//! assert_eq!(session.pending_output(), format!("{tag} NOOP\r\n").as_bytes());
//! let n = session.pending_output().len();
//! session.sent(n);
//! session.receive(format!("* 3 EXISTS\r\n{tag} OK done\r\n").as_bytes());
//! let events: Vec<Event> = std::iter::from_fn(|| session.poll_event()).collect();
//! assert!(matches!(&events[0], Event::Greeting(_)));
//! assert!(matches!(&events[1], Event::Unsolicited(_))); // EXISTS: not part of NOOP's result
//! assert!(matches!(&events[2], Event::Completed { result: Ok(_), .. }));
//! ```

mod error;
mod extension;
mod sasl;
mod state;

pub use error::Error;
pub use extension::{Extension, ExtensionValue};
pub use sasl::Sasl;
pub use state::{Mailbox, State};

use crate::command::{
    encode::base64, Collects, Command, EncodeOptions, Encoded, Phase, Requires, SeqSet, Spec, Transition,
};
use crate::connection::{Connection, TransportRequest};
use crate::parse::Parsed;
use crate::types::{Capability, Code, Condition, Data, Fetch, IString, IntoStatic, Response, Status, Value};
use crate::wire::{Frame, FrameErrorKind, Framer, Limits, LiteralChunk, Piece};
use std::collections::VecDeque;
use std::fmt;
use std::time::{Duration, Instant};

/// How long an IDLE runs before the session renews it: servers may drop a
/// client that has been idle for 30 minutes (RFC 2177).
pub const IDLE_RENEW: Duration = Duration::from_secs(29 * 60);

/// A command's tag, unique within its session.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag(String);

impl Tag {
    /// The tag as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A command that completed with OK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// The command's tag.
    pub tag: Tag,
    /// The command's name (`"UID FETCH"`).
    pub command: &'static str,
    /// The response code of the tagged OK, if any (`READ-WRITE`, `APPENDUID`, ...).
    pub code: Option<Code<'static>>,
    /// The text of the tagged OK.
    pub text: IString<'static>,
    /// The untagged responses that answered this command, in order.
    pub data: Vec<Response<'static>>,
    /// Values made by [`Extension`]s from responses while it ran.
    pub extensions: Vec<ExtensionValue>,
}

/// Something that happened on a session.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// The server's greeting (OK or PREAUTH; a BYE greeting is [`Event::Closed`]).
    Greeting(Condition<'static>),
    /// A command completed, with its result.
    Completed {
        /// Its tag.
        tag: Tag,
        /// Its outcome: OK with its data, or why not.
        result: Result<Completion, Error>,
    },
    /// A response no command asked for: EXISTS, EXPUNGE, RECENT, FETCH of
    /// other messages, an untagged OK/NO/BAD (alerts), capability changes.
    Unsolicited(Response<'static>),
    /// A value an [`Extension`] made from a response no command was waiting for.
    Extension(ExtensionValue),
    /// The server accepted IDLE: untagged responses now come as they happen,
    /// until [`Session::idle_done`].
    Idling(Tag),
    /// A response that did not frame or parse; the session skipped it and
    /// goes on with the next one.
    Malformed(Error),
    /// The session is over: why, if not a clean LOGOUT.
    Closed(Option<Error>),
}

/// What a streaming command hands to the sink of
/// [`Session::process_streaming`], borrowed from the read buffer.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Streamed<'r> {
    /// One of its untagged responses, complete, with the frame it was parsed
    /// from. A literal whose payload went out as [`Streamed::Literal`] chunks
    /// has [`LiteralRef::streamed`](crate::wire::LiteralRef::streamed) set in
    /// the frame, and its value in the response is empty.
    Response {
        /// The typed response.
        response: &'r Response<'r>,
        /// Its frame.
        frame: &'r Frame<'r>,
    },
    /// The next bytes of a streamed literal (see
    /// [`Session::submit_streaming_literals`]); its response follows once
    /// complete.
    Literal(&'r LiteralChunk<'r>),
}

/// The sink a streaming command's data goes to.
type Sink<'r, 's> = &'r mut (dyn FnMut(Streamed<'_>) + 's);

/// How one command in flight goes on.
#[derive(Debug)]
struct InFlight {
    tag: Tag,
    name: &'static str,
    /// What untagged data it collects.
    collects: Collects,
    /// What its success changes.
    transition: Transition,
    /// Chunks not yet written: more than one means synchronizing literals.
    chunks: VecDeque<Vec<u8>>,
    /// Untagged data collected so far.
    data: Vec<Response<'static>>,
    /// Extension values made while it ran.
    extensions: Vec<ExtensionValue>,
    /// Whether any of it has been written: only then can the server answer it.
    written: bool,
    /// Exclusive commands hold back later commands until they complete
    /// (STARTTLS, AUTHENTICATE) or until DONE (IDLE).
    exclusive: bool,
    /// For AUTHENTICATE: the mechanism, for its continuation answers.
    sasl: Option<(Sasl, bool)>,
    /// For SELECT/EXAMINE: the mailbox being selected.
    selecting: Option<Mailbox>,
    /// For FETCH/STORE: the set, and whether it holds UIDs.
    set: Option<(SeqSet, bool)>,
}

/// The extensions IMAP4rev2 includes (RFC 9051 appendix E).
const IMAP4REV2_INCLUDES: &[&str] = &[
    "NAMESPACE",
    "UNSELECT",
    "UIDPLUS",
    "ESEARCH",
    "SEARCHRES",
    "ENABLE",
    "IDLE",
    "SASL-IR",
    "LIST-EXTENDED",
    "LIST-STATUS",
    "MOVE",
    "LITERAL-",
    "BINARY",
    "SPECIAL-USE",
    "STATUS=SIZE",
];

/// A sans-IO IMAP client session; see the [module docs](self).
pub struct Session {
    state: State,
    framer: Framer,
    /// Bytes for the server, not yet written; `out_pos` of them are.
    out: Vec<u8>,
    out_pos: usize,
    next_tag: u64,
    /// Commands sent or waiting to be, oldest first.
    in_flight: VecDeque<InFlight>,
    /// How many of `in_flight` have been written out completely or in part.
    started: usize,
    /// The command whose next chunk or answer waits for a `+`, if any.
    awaiting_continuation: Option<Tag>,
    /// IDLE is running: its tag, and since when.
    idling: Option<Tag>,
    idle_since: Option<Instant>,
    /// How long an IDLE may run before the session renews it (DONE, IDLE).
    idle_renew: Duration,
    /// An IDLE the session ended itself to renew it: started again on its OK.
    renewing: Option<Tag>,
    events: VecDeque<Event>,
    capabilities: Option<Vec<Capability<'static>>>,
    greeting: Option<Condition<'static>>,
    transport_request: Option<TransportRequest>,
    /// Bytes fed to the framer so far (the stream offset of the next one).
    received: u64,
    /// Stream offset just after the response handled last.
    frame_end: u64,
    /// COMPRESS completed: the stream offset where compressed data starts.
    deflate_at: Option<u64>,
    /// The compressed bytes that came after the OK to COMPRESS.
    unprocessed: Vec<u8>,
    /// Set once STARTTLS completed: any byte still buffered is an injection.
    closed: bool,
    close_requested: bool,
    utf8_accept: bool,
    /// What ENABLE enabled (RFC 5161), as the server named it.
    enabled: Vec<String>,
    /// The transport came up (errors before that are connection failures).
    connected: bool,
    /// The streaming command running, if any (see `submit_streaming`).
    streaming: Option<Tag>,
    /// Its literals of at least this size are streamed (`submit_streaming_literals`).
    stream_threshold: Option<u64>,
    /// Parsers for responses the core grammar does not type.
    extensions: Vec<Box<dyn Extension>>,
    /// `Event::Unsolicited` waiting in `events`: at most `max_unsolicited`,
    /// the oldest dropped (and counted) beyond that.
    pending_unsolicited: usize,
    max_unsolicited: usize,
    unsolicited_dropped: u64,
}

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("state", &self.state.name())
            .field("in_flight", &self.in_flight.len())
            .field("closed", &self.closed)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// A session waiting for the server's greeting, with default limits.
    pub fn new() -> Session {
        Session::with_limits(Limits::default())
    }

    /// A session whose framer enforces `limits`.
    pub fn with_limits(limits: Limits) -> Session {
        Session {
            state: State::Greeting,
            framer: Framer::new(limits),
            out: Vec::new(),
            out_pos: 0,
            next_tag: 1,
            in_flight: VecDeque::new(),
            started: 0,
            awaiting_continuation: None,
            idling: None,
            idle_since: None,
            idle_renew: IDLE_RENEW,
            renewing: None,
            events: VecDeque::new(),
            capabilities: None,
            greeting: None,
            transport_request: None,
            received: 0,
            frame_end: 0,
            deflate_at: None,
            unprocessed: Vec::new(),
            closed: false,
            close_requested: false,
            utf8_accept: false,
            enabled: Vec::new(),
            connected: false,
            streaming: None,
            stream_threshold: None,
            extensions: Vec::new(),
            pending_unsolicited: 0,
            max_unsolicited: 10_000,
            unsolicited_dropped: 0,
        }
    }

    /// The connection state.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The phase commands are judged against now (the commands in flight
    /// not counted): [`State`] without its data, or [`Phase::Idling`].
    pub fn phase(&self) -> Phase {
        if self.idling.is_some() || self.in_flight.iter().any(|c| c.transition == Transition::Idles && c.written) {
            return Phase::Idling;
        }
        match &self.state {
            State::Greeting | State::NotAuthenticated => Phase::NotAuthenticated,
            State::Authenticated => Phase::Authenticated,
            State::Selected(_) => Phase::Selected,
            State::Logout => Phase::Logout,
        }
    }

    /// The selected mailbox, if any.
    pub fn mailbox(&self) -> Option<&Mailbox> {
        match &self.state {
            State::Selected(mailbox) => Some(mailbox),
            _ => None,
        }
    }

    /// The server's greeting, once received.
    pub fn greeting(&self) -> Option<&Condition<'static>> {
        self.greeting.as_ref()
    }

    /// The capabilities the server advertised, if known (they are forgotten
    /// after STARTTLS and login; ask with [`Command::Capability`]).
    pub fn capabilities(&self) -> Option<&[Capability<'static>]> {
        self.capabilities.as_deref()
    }

    /// Whether the server advertised `name` (case-insensitive), or has it
    /// as part of IMAP4rev2 (RFC 9051 appendix E: NAMESPACE, UNSELECT,
    /// UIDPLUS, ESEARCH, MOVE, BINARY, ...) once that is in force: enabled,
    /// or advertised without IMAP4rev1 (a rev2-only server need not list
    /// what rev2 includes).
    pub fn has_capability(&self, name: &str) -> bool {
        let advertised = |name: &str| self.capabilities.iter().flatten().any(|c| c.is(name));
        if advertised(name) {
            return true;
        }
        let rev2 = self.is_enabled("IMAP4rev2") || (advertised("IMAP4rev2") && !advertised("IMAP4rev1"));
        rev2 && IMAP4REV2_INCLUDES.iter().any(|c| c.eq_ignore_ascii_case(name))
    }

    /// Whether the server said it enabled `name` (ENABLE, RFC 5161;
    /// case-insensitive): `QRESYNC`, `UTF8=ACCEPT`, `IMAP4rev2`, ...
    pub fn is_enabled(&self, name: &str) -> bool {
        self.enabled.iter().any(|e| e.eq_ignore_ascii_case(name))
    }

    /// Whether mailbox names and strings are UTF-8 both ways, once the
    /// server enabled UTF8=ACCEPT (RFC 6855) or IMAP4rev2 (RFC 9051): names
    /// go out as UTF-8 quoted strings, and names that come in are not
    /// decoded as modified UTF-7.
    pub fn utf8_enabled(&self) -> bool {
        self.utf8_accept
    }

    /// Whether the transport is up: TCP connected and, with implicit TLS,
    /// the handshake done (the driver has called
    /// [`Connection::on_connected`]).
    ///
    /// ```
    /// let session = imap_core::session::Session::new();
    /// assert!(!session.is_connected());
    /// ```
    pub fn is_connected(&self) -> bool {
        self.connected
    }

    /// Whether the session is over.
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// Whether a command with this tag is still in flight.
    pub fn is_pending(&self, tag: &Tag) -> bool {
        self.in_flight.iter().any(|c| &c.tag == tag)
    }

    /// The next event, if any.
    pub fn poll_event(&mut self) -> Option<Event> {
        let event = self.events.pop_front();
        if matches!(event, Some(Event::Unsolicited(_))) {
            self.pending_unsolicited -= 1;
        }
        event
    }

    /// Most [`Event::Unsolicited`] kept waiting for [`poll_event`](Session::poll_event)
    /// (default 10,000); beyond it the oldest of them are dropped and counted
    /// ([`unsolicited_dropped`](Session::unsolicited_dropped)). Other events
    /// are never dropped, and the mailbox's state has already taken every
    /// response in. A server can send untagged responses without end, and
    /// parsed ones take about 20 times their wire size.
    pub fn set_max_unsolicited(&mut self, max: usize) {
        self.max_unsolicited = max;
    }

    /// How many [`Event::Unsolicited`] were dropped; see
    /// [`set_max_unsolicited`](Session::set_max_unsolicited).
    pub fn unsolicited_dropped(&self) -> u64 {
        self.unsolicited_dropped
    }

    /// Queues an unsolicited response, within `max_unsolicited`: a flood of
    /// 1,000,000 small untagged responses, read 2 MiB per reactor turn, made
    /// this queue alone take ~100 MiB between two drains (tests/faults.rs).
    fn push_unsolicited(&mut self, response: Response<'static>) {
        self.events.push_back(Event::Unsolicited(response));
        self.pending_unsolicited += 1;
        while self.pending_unsolicited > self.max_unsolicited {
            let Some(i) = self.events.iter().position(|e| matches!(e, Event::Unsolicited(_))) else { break };
            self.events.remove(i);
            self.pending_unsolicited -= 1;
            self.unsolicited_dropped += 1;
        }
    }

    /// Queues a command: checks the state it needs, encodes it and writes it
    /// out as soon as nothing holds it back. Returns its tag.
    pub fn submit(&mut self, command: Command) -> Result<Tag, Error> {
        self.check_submit(&command.spec())?;
        let tag = self.new_tag();
        let encoded = command.encode(tag.as_str(), &self.encode_options())?;
        self.enqueue(&command, tag.clone(), encoded, None);
        Ok(tag)
    }

    /// Starts AUTHENTICATE with a SASL mechanism; the initial response goes
    /// in the command when the server has SASL-IR, else after its `+`.
    pub fn authenticate(&mut self, sasl: Sasl) -> Result<Tag, Error> {
        let with_ir = self.has_capability("SASL-IR");
        let command = Command::Authenticate {
            mechanism: sasl.mechanism().to_owned(),
            initial_response: with_ir.then(|| sasl.initial_response()),
        };
        self.check_submit(&command.spec())?;
        let tag = self.new_tag();
        let encoded = command.encode(tag.as_str(), &self.encode_options())?;
        self.enqueue(&command, tag.clone(), encoded, Some((sasl, !with_ir)));
        Ok(tag)
    }

    /// Ends IDLE: sends `DONE`. The IDLE command then completes.
    pub fn idle_done(&mut self) -> Result<(), Error> {
        if self.idling.take().is_some() {
            self.out.extend_from_slice(b"DONE\r\n");
            return Ok(());
        }
        if self.renewing.take().is_some() {
            // DONE is already on its way for a renewal: let that IDLE just
            // complete, and do not start another.
            return Ok(());
        }
        Err(Error::WrongState { command: "DONE", needs: Requires::Idling, state: self.phase() })
    }

    /// How long an IDLE may run before the session renews it (default
    /// [`IDLE_RENEW`]); the reactor's timer calls [`Connection::on_timer`].
    pub fn set_idle_renew(&mut self, after: Duration) {
        self.idle_renew = after;
    }

    /// Renews a long IDLE: DONE now, IDLE again once it completes.
    fn renew_idle(&mut self, now: Instant) {
        let due = self.idle_since.is_some_and(|since| now >= since + self.idle_renew);
        if let (true, Some(tag)) = (due, self.idling.take()) {
            self.out.extend_from_slice(b"DONE\r\n");
            self.renewing = Some(tag);
        }
    }

    /// Bytes from the server, in order, after TLS and decompression.
    pub fn receive(&mut self, bytes: &[u8]) {
        if self.closed {
            return;
        }
        self.received += bytes.len() as u64;
        self.framer.feed(bytes);
        if self.streaming.is_none() {
            self.process(None);
        }
        if let Some(at) = self.deflate_at.take() {
            // Everything after the OK to COMPRESS came in this chunk (the OK
            // was handled as soon as it was complete): it is compressed.
            let after = usize::try_from(self.received - at).unwrap_or(usize::MAX);
            match bytes.len().checked_sub(after) {
                Some(start) => self.unprocessed = bytes[start..].to_vec(),
                None => self.close(Some(Error::Protocol("compressed data buffered before COMPRESS completed".into()))),
            }
        }
    }

    /// Adds a parser for responses of a server extension imap-core does not
    /// know; its values come in [`Completion::extensions`] or as
    /// [`Event::Extension`].
    pub fn add_extension(&mut self, extension: Box<dyn Extension>) {
        self.extensions.push(extension);
    }

    /// Queues a command whose untagged data is not kept but handed, borrowed
    /// from the read buffer, to the sink of [`process_with`](Session::process_with):
    /// no copy, and memory bounded by what one read brings, however large
    /// the result. While it runs, [`receive`](Session::receive) only buffers:
    /// the owner calls `process_with` after feeding bytes.
    pub fn submit_streaming(&mut self, command: Command) -> Result<Tag, Error> {
        if self.streaming.is_some() {
            return Err(Error::StreamingInProgress { command: command.name() });
        }
        let tag = self.submit(command)?;
        self.streaming = Some(tag.clone());
        Ok(tag)
    }

    /// Like [`submit_streaming`](Session::submit_streaming), and the payload
    /// of each literal of at least `threshold` bytes in its responses is not
    /// buffered either: it goes to the sink of
    /// [`process_streaming`](Session::process_streaming) in
    /// [`Streamed::Literal`] chunks as it arrives, then its response, complete
    /// but with that value empty. Memory stays bounded by what one read
    /// brings, however large the literal (a 100 MB `BODY[]` included; it must
    /// still be within [`Limits::max_literal`]).
    ///
    /// ```
    /// use imap_core::command::{Command, FetchAttr, Section};
    /// use imap_core::session::{Session, Streamed};
    ///
    /// let mut session = Session::new();
    /// session.receive(b"* PREAUTH ready\r\n");
    /// let select = session.submit(Command::Select { mailbox: "INBOX".into(), condstore: false }).unwrap();
    /// session.receive(format!("* 1 EXISTS\r\n{select} OK [READ-WRITE] done\r\n").as_bytes());
    /// let fetch = Command::Fetch {
    ///     set: 1.into(),
    ///     items: vec![FetchAttr::BodySection { section: Section::full(), partial: None, peek: true }].into(),
    ///     changed_since: None,
    ///     uid: false,
    /// };
    /// let tag = session.submit_streaming_literals(fetch, 4).unwrap();
    /// let mut body = Vec::new();
    /// for bytes in [&b"* 1 FETCH (BODY[] {11}\r\nhello"[..], b" world)\r\n", format!("{tag} OK\r\n").as_bytes()] {
    ///     session.receive(bytes);
    ///     session.process_streaming(&mut |s| match s {
    ///         Streamed::Literal(chunk) => body.extend_from_slice(chunk.bytes),
    ///         Streamed::Response { frame, .. } => assert_eq!(frame.literals()[0].streamed, Some(11)),
    ///         _ => {}
    ///     });
    /// }
    /// assert_eq!(body, b"hello world");
    /// ```
    pub fn submit_streaming_literals(&mut self, command: Command, threshold: u64) -> Result<Tag, Error> {
        let tag = self.submit_streaming(command)?;
        self.stream_threshold = Some(threshold);
        self.framer.set_stream_threshold(Some(threshold));
        Ok(tag)
    }

    /// Handles what [`receive`](Session::receive) buffered while a streaming
    /// command runs: its data goes to `sink`, everything else as usual.
    /// Streamed literal chunks (see
    /// [`submit_streaming_literals`](Session::submit_streaming_literals)) are
    /// dropped: use [`process_streaming`](Session::process_streaming).
    pub fn process_with(&mut self, sink: &mut dyn FnMut(&Response<'_>)) {
        self.process_streaming(&mut |streamed| {
            if let Streamed::Response { response, .. } = streamed {
                sink(response);
            }
        });
    }

    /// Handles what [`receive`](Session::receive) buffered while a streaming
    /// command runs: its responses and streamed literal chunks go to `sink`,
    /// in stream order; everything else is handled as usual.
    pub fn process_streaming(&mut self, sink: &mut dyn FnMut(Streamed<'_>)) {
        if self.streaming.is_none() {
            // `receive` has handled every complete response already.
            return;
        }
        self.process(Some(sink));
        // Compressed bytes after the OK to COMPRESS cannot be handed back
        // from here (they may span several reads).
        if self.deflate_at.take().is_some_and(|at| at != self.received) {
            self.close(Some(Error::Protocol("data after COMPRESS completed during a streaming command".into())));
        }
    }

    /// Bytes waiting to be written to the server.
    pub fn pending_output(&self) -> &[u8] {
        &self.out[self.out_pos..]
    }

    /// `n` bytes of [`pending_output`](Session::pending_output) were written.
    pub fn sent(&mut self, n: usize) {
        self.out_pos = (self.out_pos + n).min(self.out.len());
        if self.out_pos == self.out.len() {
            self.out.clear();
            self.out_pos = 0;
        } else if self.out_pos > 64 << 10 && self.out_pos * 2 > self.out.len() {
            self.out.drain(..self.out_pos);
            self.out_pos = 0;
        }
    }

    /// The connection ended: fails every command in flight.
    pub fn close(&mut self, error: Option<Error>) {
        if self.closed {
            return;
        }
        self.closed = true;
        let reason = error.clone().unwrap_or_else(|| Error::Closed("the server closed the connection".into()));
        let clean_logout = error.is_none() && self.state == State::Logout && self.in_flight.is_empty();
        self.streaming = None;
        self.stream_threshold = None;
        for command in self.in_flight.drain(..) {
            self.events.push_back(Event::Completed { tag: command.tag, result: Err(reason.clone()) });
        }
        if self.framer.buffered() > 0 && error.is_none() {
            self.events.push_back(Event::Malformed(Error::Closed("the connection ended inside a response".into())));
        }
        self.state = State::Logout;
        self.events.push_back(Event::Closed(if clean_logout { None } else { Some(reason) }));
    }

    fn encode_options(&self) -> EncodeOptions {
        EncodeOptions {
            literal_plus: self.has_capability("LITERAL+"),
            literal_minus: self.has_capability("LITERAL-"),
            utf8_accept: self.utf8_accept,
        }
    }

    fn new_tag(&mut self) -> Tag {
        let tag = Tag(format!("A{:04}", self.next_tag));
        self.next_tag += 1;
        tag
    }

    /// The phase the session will be in once the commands in flight
    /// complete as hoped: commands are judged against it, so that LOGIN
    /// then SELECT can be pipelined.
    fn projected_phase(&self) -> Phase {
        let mut phase = self.phase();
        for command in &self.in_flight {
            phase = match command.transition {
                Transition::Authenticates => Phase::Authenticated,
                Transition::Selects => Phase::Selected,
                Transition::Deselects => Phase::Authenticated,
                Transition::LogsOut => Phase::Logout,
                Transition::Idles => Phase::Idling,
                _ => phase,
            };
        }
        phase
    }

    /// Refuses a command the session's phase or the server's capabilities
    /// do not allow (see [`Command::spec`]), before anything is sent.
    fn check_submit(&self, spec: &Spec<'_>) -> Result<(), Error> {
        if self.closed {
            return Err(Error::Closed("the session is closed".into()));
        }
        let phase = self.projected_phase();
        if !spec.requires.allows(phase) {
            return Err(Error::WrongState { command: spec.name, needs: spec.requires, state: phase });
        }
        // Only judged when the capabilities are known: before that, the server decides.
        if let (Some(needs), Some(_)) = (spec.needs, &self.capabilities) {
            if !needs.met_by(|name| self.has_capability(name)) {
                return Err(Error::MissingCapability { command: spec.name, capability: needs.name() });
            }
        }
        Ok(())
    }

    fn enqueue(&mut self, command: &Command, tag: Tag, encoded: Encoded, sasl: Option<(Sasl, bool)>) {
        let spec = command.spec();
        let selecting = match command {
            Command::Select { mailbox, .. } | Command::SelectQResync { mailbox, read_only: false, .. } => {
                Some(Mailbox { name: mailbox.clone(), ..Mailbox::default() })
            }
            Command::Examine { mailbox, .. } | Command::SelectQResync { mailbox, read_only: true, .. } => {
                Some(Mailbox { name: mailbox.clone(), read_only: true, ..Mailbox::default() })
            }
            _ => None,
        };
        self.in_flight.push_back(InFlight {
            tag,
            name: spec.name,
            collects: spec.collects,
            transition: spec.transition,
            chunks: encoded.chunks.into(),
            data: Vec::new(),
            extensions: Vec::new(),
            written: false,
            exclusive: spec.exclusive,
            sasl,
            selecting,
            set: match command {
                Command::Fetch { set, uid, .. }
                | Command::Store { set, uid, .. }
                | Command::StoreGmLabels { set, uid, .. } => Some((set.clone(), *uid)),
                _ => None,
            },
        });
        self.pump();
    }

    /// Writes out queued commands until one must wait for the server.
    fn pump(&mut self) {
        while self.awaiting_continuation.is_none() && self.started < self.in_flight.len() {
            // An exclusive command that is running holds back the ones after it.
            if self.in_flight.iter().take(self.started).any(|c| c.exclusive) {
                return;
            }
            let command = &mut self.in_flight[self.started];
            let chunk = command.chunks.pop_front().expect("a command has at least one chunk");
            self.out.extend_from_slice(&chunk);
            command.written = true;
            // More to send after a `+`: a literal's payload, IDLE's DONE, or
            // SASL answers (challenges may come even after SASL-IR).
            if !command.chunks.is_empty() || command.transition == Transition::Idles || command.sasl.is_some() {
                self.awaiting_continuation = Some(command.tag.clone());
            }
            if command.chunks.is_empty() {
                self.started += 1;
            } else {
                return;
            }
        }
    }

    /// Frames and handles everything buffered.
    /// Frames and handles everything buffered. Responses that a streaming
    /// command collects go to `sink`, borrowed; everything else is detached
    /// (`into_static`) where it is kept.
    fn process<'s>(&mut self, mut sink: Option<Sink<'_, 's>>) {
        // The framer is taken out while its frames are borrowed, so that
        // handling a response can change the rest of the session.
        let mut framer = std::mem::replace(&mut self.framer, Framer::new(Limits::default()));
        // Everything one read brought is parsed in runs (one pest call each).
        while let Some(piece) = framer.next_piece() {
            if self.closed {
                break;
            }
            match piece {
                Piece::Run(run) => {
                    crate::parse::parse_frames(run.bytes, run.items, |parsed| self.take(parsed, sink.as_deref_mut()))
                }
                Piece::Literal(chunk) => self.literal_chunk(&chunk, sink.as_deref_mut()),
            }
            if self.transport_request.is_some() {
                break;
            }
        }
        framer.set_stream_threshold(self.stream_threshold);
        if self.transport_request == Some(TransportRequest::StartTls) && framer.buffered() > 0 {
            self.starttls_injected();
        }
        if self.transport_request == Some(TransportRequest::Deflate) {
            // What follows the OK is compressed: dropped here, handed back
            // from the chunk it came in (see `receive`).
            let _ = framer.finish();
        }
        self.framer = framer;
    }

    /// Handles one outcome of parsing.
    fn take<'s>(&mut self, parsed: Parsed<'_>, sink: Option<Sink<'_, 's>>) {
        if self.closed {
            return;
        }
        if self.transport_request == Some(TransportRequest::StartTls) {
            // Nothing may follow the OK to STARTTLS before the handshake:
            // plaintext after it was injected by someone on the path.
            return self.starttls_injected();
        }
        if self.transport_request == Some(TransportRequest::Deflate) {
            // Compressed bytes after the OK to COMPRESS, framed as if plain.
            return;
        }
        match parsed {
            Parsed::Response(frame, response) => {
                self.frame_end = frame.offset() + frame.bytes().len() as u64;
                // Extensions see what the core grammar kept generic.
                if response.has_unknown() {
                    if let Some(value) = self.extensions.iter().find_map(|e| e.parse(frame)) {
                        let tag = match &response {
                            Response::Tagged(t) => Some(t.tag.to_string()),
                            _ => None,
                        };
                        self.extension_value(value, tag);
                    }
                }
                self.handle(frame, response, sink);
            }
            Parsed::Malformed(frame, error) => {
                // ... or refused: an extension may understand it.
                match self.extensions.iter().find_map(|e| e.parse(frame)) {
                    Some(value) => self.extension_value(value, None),
                    None => self.malformed(error.to_string(), tag_of(frame.bytes())),
                }
            }
            // A literal over the limit is not skipped (its size cannot be
            // trusted), so the bytes after its header are payload, not
            // responses: framing them would let the payload complete a
            // command with a short result (found by tests/faults.rs).
            // The stream cannot be resynchronised: close.
            Parsed::Unframed(e) if matches!(e.kind, FrameErrorKind::LiteralTooLarge { .. }) => {
                self.close(Some(Error::Protocol(e.to_string())));
            }
            Parsed::Unframed(e) => self.malformed(e.to_string(), None),
        }
    }

    /// Plaintext came after the server's OK to STARTTLS: refuse it all.
    fn starttls_injected(&mut self) {
        self.transport_request = None;
        // The STARTTLS completion already queued must not read as a success:
        // a caller would go on as if TLS were coming (found by tests/faults.rs).
        for event in self.events.iter_mut() {
            if let Event::Completed { result: result @ Ok(_), .. } = event {
                if matches!(result, Ok(c) if c.command == "STARTTLS") {
                    *result = Err(Error::StartTlsInjection);
                }
            }
        }
        self.close(Some(Error::StartTlsInjection));
    }

    /// Gives an extension value to the command it answers: the one tagged, or
    /// else the oldest one running (IDLE aside); an event when there is none.
    fn extension_value(&mut self, value: ExtensionValue, tag: Option<String>) {
        let owner = match tag {
            Some(tag) => self.in_flight.iter_mut().find(|c| c.tag.0 == tag),
            None => self.in_flight.iter_mut().find(|c| c.written && c.transition != Transition::Idles),
        };
        match owner {
            Some(command) => command.extensions.push(value),
            None => self.events.push_back(Event::Extension(value)),
        }
    }

    /// A response that did not parse: fails its command if it was tagged
    /// with one of ours, else is reported and skipped.
    fn malformed(&mut self, message: String, tag: Option<String>) {
        let position = tag.and_then(|t| self.in_flight.iter().position(|c| c.tag.0 == t));
        match position {
            Some(i) => {
                let command = self.remove_in_flight(i);
                self.events.push_back(Event::Completed { tag: command.tag, result: Err(Error::Protocol(message)) });
                self.pump();
            }
            None => self.events.push_back(Event::Malformed(Error::Protocol(message))),
        }
    }

    fn remove_in_flight(&mut self, i: usize) -> InFlight {
        let command = self.in_flight.remove(i).expect("index in range");
        if self.streaming.as_ref() == Some(&command.tag) {
            self.streaming = None;
            // The framer follows at the end of `process` (it is out meanwhile).
            self.stream_threshold = None;
        }
        if i < self.started {
            self.started -= 1;
        }
        if self.awaiting_continuation.as_ref() == Some(&command.tag) {
            self.awaiting_continuation = None;
        }
        command
    }

    fn handle<'s>(&mut self, frame: &Frame<'_>, response: Response<'_>, sink: Option<Sink<'_, 's>>) {
        match response {
            Response::Continue(cont) => self.continuation(cont.text.into_static()),
            Response::Tagged(tagged) => self.completed(tagged.tag.as_ref(), tagged.condition.into_static()),
            Response::Data(data) => self.untagged(frame, data, sink),
        }
    }

    /// The next bytes of a streamed literal: to the streaming command's sink.
    fn literal_chunk<'s>(&mut self, chunk: &LiteralChunk<'_>, sink: Option<Sink<'_, 's>>) {
        match sink {
            Some(sink) if self.streaming.is_some() => sink(Streamed::Literal(chunk)),
            // Streaming was asked for a command that has completed; only a
            // response after it, in the same read, can get here.
            _ if chunk.left == 0 => self.events.push_back(Event::Malformed(Error::Protocol(format!(
                "a literal of {} bytes at byte {} was streamed with no streaming command to take it",
                chunk.size, chunk.response
            )))),
            _ => {}
        }
    }

    fn continuation(&mut self, text: IString<'static>) {
        let Some(tag) = self.awaiting_continuation.take() else {
            self.events
                .push_back(Event::Malformed(Error::Protocol(format!("unexpected continuation request: {text}"))));
            return;
        };
        let Some(i) = self.in_flight.iter().position(|c| c.tag == tag) else { return };
        let command = &mut self.in_flight[i];
        if let Some(chunk) = command.chunks.pop_front() {
            // The next part of a command after a synchronizing literal.
            self.out.extend_from_slice(&chunk);
            if command.chunks.is_empty() {
                self.started = self.started.max(i + 1);
            } else {
                self.awaiting_continuation = Some(tag);
                return;
            }
        } else if command.transition == Transition::Idles {
            self.idling = Some(tag.clone());
            self.idle_since = Some(Instant::now());
            self.events.push_back(Event::Idling(tag));
            return;
        } else if let Some((sasl, first_pending)) = &mut command.sasl {
            let answer = if *first_pending { sasl.initial_response() } else { sasl.answer_error_challenge() };
            *first_pending = false;
            self.out.extend_from_slice(base64(&answer).as_bytes());
            self.out.extend_from_slice(b"\r\n");
            // Further challenges may come until the tagged completion.
            self.awaiting_continuation = Some(tag);
            return;
        }
        self.pump();
    }

    fn untagged<'s>(&mut self, frame: &Frame<'_>, data: Data<'_>, sink: Option<Sink<'_, 's>>) {
        if let Data::Condition(condition) = &data {
            if self.state == State::Greeting {
                return self.greeted(condition.clone().into_static());
            }
            if condition.status == Status::Bye {
                let logging_out =
                    self.state == State::Logout || self.in_flight.iter().any(|c| c.transition == Transition::LogsOut);
                if !logging_out {
                    let error = Error::Bye {
                        code: condition.code.clone().into_static(),
                        text: condition.text.to_str_lossy().into(),
                    };
                    self.push_unsolicited(Response::Data(data.into_static()));
                    self.close(Some(error));
                } else {
                    self.close_requested = true;
                }
                return;
            }
            if let Some(Code::Capability(caps)) = &condition.code {
                self.capabilities = Some(caps.clone().into_static());
            }
        }
        if let Data::Capability(caps) = &data {
            self.capabilities = Some(caps.clone().into_static());
        }
        // Once UTF8=ACCEPT or IMAP4rev2 is enabled, names are UTF-8 (RFC 6855 3).
        let data = if self.utf8_accept { data.names_as_utf8() } else { data };
        let response = Response::Data(data);
        // The mailbox being selected, or the selected one, follows its data.
        let selecting = self.in_flight.iter_mut().find_map(|c| c.selecting.as_mut());
        match selecting {
            Some(mailbox) => mailbox.apply(&response),
            None => {
                if let State::Selected(mailbox) = &mut self.state {
                    mailbox.apply(&response);
                }
            }
        }
        let Response::Data(data) = &response else { unreachable!() };
        // With several FETCH/STORE in flight, a FETCH response goes to the
        // one whose set names the message, not blindly to the oldest: a
        // server may answer pipelined commands out of order (found by
        // tests/faults.rs). A FETCH of a message no set names is another
        // client's change: unsolicited, not part of a result (module docs).
        // Only when that cannot be told (a UID command, a response without
        // UID) does the oldest command that wants it take it, as before.
        let wants = |c: &InFlight| c.written && c.collects.wants(data);
        let names_it = |c: &InFlight| match (data, &c.set) {
            (Data::Fetch(fetch), Some((set, uid))) => names(set, *uid, fetch),
            _ => false,
        };
        let decides = |c: &InFlight| match (data, &c.set) {
            (Data::Fetch(fetch), Some((_, uid))) => !uid || fetch.uid().is_some(),
            _ => false,
        };
        let owner = self
            .in_flight
            .iter()
            .position(|c| wants(c) && names_it(c))
            .or_else(|| self.in_flight.iter().position(|c| wants(c) && !decides(c)));
        match (owner, sink) {
            // A streaming command's data goes out borrowed, never stored.
            (Some(i), Some(sink)) if self.streaming.as_ref() == Some(&self.in_flight[i].tag) => {
                sink(Streamed::Response { response: &response, frame })
            }
            (Some(i), _) => self.in_flight[i].data.push(response.into_static()),
            (None, _) => self.push_unsolicited(response.into_static()),
        }
    }

    fn greeted(&mut self, condition: Condition<'static>) {
        match condition.status {
            Status::Bye => {
                let error = Error::Bye { code: condition.code.clone(), text: condition.text.to_str_lossy().into() };
                self.close(Some(error));
                return;
            }
            Status::PreAuth => self.state = State::Authenticated,
            _ => self.state = State::NotAuthenticated,
        }
        if let Some(Code::Capability(caps)) = &condition.code {
            self.capabilities = Some(caps.clone());
        }
        self.greeting = Some(condition.clone());
        self.events.push_back(Event::Greeting(condition));
    }

    fn completed(&mut self, tag: &str, condition: Condition<'static>) {
        let Some(i) = self.in_flight.iter().position(|c| c.tag.0 == tag) else {
            self.events.push_back(Event::Malformed(Error::Protocol(format!(
                "completion for unknown tag {tag:?}: {}",
                condition.text
            ))));
            return;
        };
        let mut command = self.remove_in_flight(i);
        if self.idling.as_ref() == Some(&command.tag) {
            self.idling = None;
        }
        if self.renewing.as_ref() == Some(&command.tag) {
            // A renewal: start IDLE again; the caller still sees one IDLE.
            self.renewing = None;
            if condition.status == Status::Ok {
                let tag = self.new_tag();
                let encoded = Command::Idle.encode(tag.as_str(), &self.encode_options()).expect("IDLE encodes");
                self.enqueue(&Command::Idle, tag, encoded, None);
                return;
            }
        }
        let ok = condition.status == Status::Ok;
        if ok {
            self.apply_success(&mut command, &condition);
        } else if command.selecting.is_some() {
            // A failed SELECT leaves no mailbox selected (RFC 3501 6.3.1).
            if matches!(self.state, State::Selected(_)) {
                self.state = State::Authenticated;
            }
        }
        let result = if ok {
            Ok(Completion {
                tag: command.tag.clone(),
                command: command.name,
                code: condition.code,
                text: condition.text,
                data: command.data,
                extensions: command.extensions,
            })
        } else {
            Err(Error::from_status(command.name, condition.status, condition.code, &condition.text))
        };
        self.events.push_back(Event::Completed { tag: command.tag, result });
        self.pump();
    }

    /// State changes of a command that completed with OK.
    fn apply_success(&mut self, command: &mut InFlight, condition: &Condition<'static>) {
        if let Some(Code::Capability(caps)) = &condition.code {
            self.capabilities = Some(caps.clone());
        }
        match command.transition {
            Transition::Authenticates => {
                self.state = State::Authenticated;
                if !matches!(condition.code, Some(Code::Capability(_))) {
                    // Servers may offer more after login: ask again when needed.
                    self.capabilities = None;
                }
            }
            Transition::Selects => {
                let mut mailbox = command.selecting.take().unwrap_or_default();
                match condition.code {
                    Some(Code::ReadOnly) => mailbox.read_only = true,
                    Some(Code::ReadWrite) => mailbox.read_only = false,
                    _ => {}
                }
                self.state = State::Selected(Box::new(mailbox));
            }
            Transition::Deselects => self.state = State::Authenticated,
            Transition::LogsOut => {
                self.state = State::Logout;
                self.close_requested = true;
            }
            Transition::StartsTls => {
                self.capabilities = None;
                self.transport_request = Some(TransportRequest::StartTls);
            }
            Transition::StartsDeflate => {
                self.transport_request = Some(TransportRequest::Deflate);
                self.deflate_at = Some(self.frame_end);
            }
            Transition::Enables => {
                for response in &command.data {
                    let names: Vec<String> = match response {
                        Response::Data(Data::Enabled(caps)) => caps.iter().map(|c| c.to_string()).collect(),
                        Response::Data(Data::Other(values)) => values
                            .iter()
                            .skip(1)
                            .filter_map(|v| match v {
                                Value::Atom(a) => Some(a.to_string()),
                                _ => None,
                            })
                            .collect(),
                        _ => continue,
                    };
                    for name in names {
                        if !self.is_enabled(&name) {
                            self.enabled.push(name);
                        }
                    }
                }
                // IMAP4rev2 names are UTF-8 too (RFC 9051 section 5.1).
                self.utf8_accept = self.is_enabled("UTF8=ACCEPT") || self.is_enabled("IMAP4rev2");
            }
            _ => {}
        }
    }
}

/// Whether a FETCH response is about a message of `set` (UIDs when `uid`);
/// a range with `*` names every message, a UID FETCH response without a
/// UID none.
fn names(set: &SeqSet, uid: bool, fetch: &Fetch<'_>) -> bool {
    let Some(n) = (if uid { fetch.uid() } else { Some(fetch.seq) }) else { return false };
    set.ranges().iter().any(|r| r.bounds().is_none_or(|(lo, hi)| (lo..=hi).contains(&n)))
}

/// The tag of a raw response line, if it starts with one of ours.
fn tag_of(bytes: &[u8]) -> Option<String> {
    let end = bytes.iter().position(|&b| b == b' ')?;
    let tag = std::str::from_utf8(&bytes[..end]).ok()?;
    (tag != "*" && tag != "+").then(|| tag.to_owned())
}

impl Connection for Session {
    fn receive(&mut self, bytes: &[u8]) {
        Session::receive(self, bytes);
    }

    fn pending_output(&self) -> &[u8] {
        Session::pending_output(self)
    }

    fn sent(&mut self, n: usize) {
        Session::sent(self, n);
    }

    fn take_transport_request(&mut self) -> Option<TransportRequest> {
        self.transport_request.take()
    }

    fn take_unprocessed(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.unprocessed)
    }

    fn next_deadline(&self) -> Option<Instant> {
        self.idling.as_ref().and(self.idle_since).map(|since| since + self.idle_renew)
    }

    fn on_timer(&mut self, now: Instant) {
        self.renew_idle(now);
    }

    fn on_connected(&mut self) {
        self.connected = true;
    }

    fn on_closed(&mut self, error: Option<std::io::Error>) {
        use std::io::ErrorKind::*;
        let error = error.map(|e| match e.kind() {
            TimedOut => Error::Timeout,
            // rustls errors (refused certificates, broken handshakes) arrive as InvalidData.
            InvalidData => Error::Tls(e.to_string()),
            ConnectionRefused | HostUnreachable | NetworkUnreachable | AddrNotAvailable | NotFound
                if !self.connected =>
            {
                Error::Connect(e.to_string())
            }
            _ => Error::Closed(e.to_string()),
        });
        self.close(error);
    }

    fn wants_close(&self) -> bool {
        self.close_requested && self.in_flight.is_empty()
    }
}

#[cfg(test)]
mod tests;
