//! The session: IMAP's state machine, sans IO.
//!
//! Bytes from the server go in ([`Session::receive`]); bytes for the server
//! come out ([`Session::pending_output`]); what happened comes out as
//! [`Event`]s. No sockets here: a driver above (the reactor, the tokio link, a test)
//! moves the bytes, which is why a session also implements
//! [`Connection`](crate::connection::Connection).
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
//!   the reactor ([`Connection::take_unprocessed`](crate::connection::Connection::take_unprocessed)) to inflate;
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
mod event;
mod extension;
mod receive;
mod route;
mod sasl;
mod state;
mod submit;
mod trace;
mod transport;

pub use error::{Error, IoError};
pub use event::{Completion, Event, Streamed, Tag};
pub use extension::{Extension, ExtensionValue};
#[cfg(feature = "scram")]
pub use sasl::ScramSha256;
pub use sasl::{Mechanism, Sasl};
pub use state::{SelectedMailbox, State};

use event::Sink;

use crate::command::{Collects, FetchItems, Phase, SeqSet, Transition};
use crate::connection::TransportRequest;
use crate::types::{Capability, Condition, Response};
use crate::wire::{Framer, Limits};
use std::collections::VecDeque;
use std::fmt;
use std::time::{Duration, Instant};

/// How long an IDLE runs before the session renews it (DONE, then IDLE
/// again). Servers may drop a client idle for 30 minutes (RFC 2177); a
/// renewal is also when a peer that stopped answering is noticed (see
/// [`IDLE_ANSWER`]), so this plus that is how long a dead connection can go
/// unnoticed during IDLE: under 10 minutes by default.
pub const IDLE_RENEW: Duration = Duration::from_secs(9 * 60);

/// How long the server has to answer a renewal's DONE (and the new IDLE's
/// `+`) before the session takes the connection for dead and closes it with
/// [`Error::Timeout`].
pub const IDLE_ANSWER: Duration = Duration::from_secs(60);

/// How one command in flight goes on.
#[derive(Debug)]
struct InFlight {
    tag: Tag,
    name: &'static str,
    /// What untagged data it collects.
    collects: Collects,
    /// What its success changes.
    transition: Transition,
    /// Its arguments are credentials: never traced.
    secret: bool,
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
    sasl: Option<SaslExchange>,
    /// For SELECT/EXAMINE: the mailbox being selected.
    selecting: Option<SelectedMailbox>,
    /// For FETCH/STORE: the set, and whether it holds UIDs.
    set: Option<(SeqSet, bool)>,
    /// For FETCH: the items asked for (which data items its responses
    /// carry, to tell pipelined FETCHes of one message apart).
    asked: Option<FetchItems>,
}

/// An AUTHENTICATE in flight: its mechanism, whether its first message is
/// still to go (no SASL-IR), and why the client gave up, if it did.
struct SaslExchange {
    mechanism: Box<dyn Mechanism>,
    first_pending: bool,
    failed: Option<String>,
}

impl fmt::Debug for SaslExchange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SaslExchange").field("mechanism", &self.mechanism.name()).finish_non_exhaustive()
    }
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
    /// This session's number in traces (feature `tracing`).
    trace_id: u64,
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
    /// `idle_done` came while IDLE waited for its `+`: DONE follows the `+`.
    done_wanted: bool,
    /// How long the server has to answer a renewal.
    idle_answer: Duration,
    /// When a renewal's answer is due: past it, the peer is taken for dead.
    liveness_deadline: Option<Instant>,
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
            trace_id: trace::next_session_id(),
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
            done_wanted: false,
            idle_answer: IDLE_ANSWER,
            liveness_deadline: None,
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

    /// This session's number in traces: unique in the process.
    #[cfg(feature = "net")]
    pub(crate) fn trace_id(&self) -> u64 {
        self.trace_id
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
    pub fn mailbox(&self) -> Option<&SelectedMailbox> {
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
    /// after STARTTLS and login; ask with [`Command::Capability`](crate::command::Command::Capability)).
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
    /// [`Connection::on_connected`](crate::connection::Connection::on_connected)).
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
    /// this queue alone take ~100 MiB between two drains (tests/faults/faults.rs).
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

    /// Adds a parser for responses of a server extension imap-core does not
    /// know; its values come in [`Completion::extensions`] or as
    /// [`Event::Extension`].
    pub fn add_extension(&mut self, extension: Box<dyn Extension>) {
        self.extensions.push(extension);
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
}

#[cfg(test)]
mod tests;
