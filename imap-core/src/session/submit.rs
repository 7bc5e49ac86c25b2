//! Submitting: checking a command against the phase and capabilities,
//! encoding it with a tag, and writing it out as pipelining and
//! continuations allow.

use super::{trace, Error, Event, InFlight, Mechanism, SaslExchange, SelectedMailbox, Session, Tag};
use crate::command::encode::{base64, base64_decode};
use crate::command::{Command, EncodeOptions, Encoded, Phase, Requires, Spec, Transition};
use crate::types::IString;
use std::time::{Duration, Instant};

impl Session {
    /// Queues a command: checks the state it needs, encodes it and writes it
    /// out as soon as nothing holds it back. Returns its tag.
    pub fn submit(&mut self, command: Command) -> Result<Tag, Error> {
        self.check_submit(&command.spec())?;
        let tag = self.new_tag();
        let encoded = command.encode(tag.as_str(), &self.encode_options())?;
        self.enqueue(&command, tag.clone(), encoded, None);
        Ok(tag)
    }

    /// Starts AUTHENTICATE with a SASL mechanism ([`Sasl`](super::Sasl), or any
    /// [`Mechanism`]); the initial response goes in the command when the
    /// server has SASL-IR, else after its `+`.
    pub fn authenticate(&mut self, mechanism: impl Mechanism + 'static) -> Result<Tag, Error> {
        self.authenticate_with(Box::new(mechanism))
    }

    /// [`authenticate`](Session::authenticate) with a boxed mechanism.
    pub fn authenticate_with(&mut self, mut mechanism: Box<dyn Mechanism>) -> Result<Tag, Error> {
        let with_ir = self.has_capability("SASL-IR");
        let command = Command::Authenticate { mechanism: mechanism.name().to_owned(), initial_response: None };
        self.check_submit(&command.spec())?;
        let command = Command::Authenticate {
            mechanism: mechanism.name().to_owned(),
            initial_response: with_ir.then(|| mechanism.initial_response()),
        };
        let tag = self.new_tag();
        let encoded = command.encode(tag.as_str(), &self.encode_options())?;
        let exchange = SaslExchange { mechanism, first_pending: !with_ir, failed: None };
        self.enqueue(&command, tag.clone(), encoded, Some(exchange));
        Ok(tag)
    }

    /// Ends IDLE: sends `DONE`. The IDLE command then completes.
    ///
    /// Also when IDLE is written but the server's `+` has not come yet (a
    /// renewal the session started by itself, see
    /// [`set_idle_renew`](Session::set_idle_renew)): DONE then goes out as
    /// soon as the `+` comes, without an [`Event::Idling`], and the IDLE
    /// completes as usual. [`Error::WrongState`] when no IDLE is running.
    pub fn idle_done(&mut self) -> Result<(), Error> {
        if self.idling.take().is_some() {
            self.out.extend_from_slice(b"DONE\r\n");
            trace::wrote_done(self.trace_id);
            return Ok(());
        }
        if self.renewing.take().is_some() {
            // DONE is already on its way for a renewal: let that IDLE just
            // complete, and do not start another.
            return Ok(());
        }
        let waiting_for_plus = self.awaiting_continuation.as_ref().is_some_and(|tag| {
            self.in_flight.iter().any(|c| &c.tag == tag && c.transition == Transition::Idles && c.written)
        });
        if waiting_for_plus {
            // IDLE is written but the server's `+` is not in yet (the
            // session's own renewal sent it again a moment ago, say): DONE
            // may only follow the `+` (RFC 2177), so it goes out as soon as
            // that comes, and the IDLE then completes.
            self.done_wanted = true;
            return Ok(());
        }
        Err(Error::WrongState { command: "DONE", needs: Requires::Idling, state: self.phase() })
    }

    /// The IDLE command in flight, if any: after [`idle_done`](Session::idle_done),
    /// the one whose completion ends the IDLE (a renewal may have replaced
    /// the IDLE the caller started).
    #[cfg(feature = "net")]
    pub(crate) fn idle_in_flight(&self) -> Option<Tag> {
        self.in_flight.iter().find(|c| c.transition == Transition::Idles).map(|c| c.tag.clone())
    }

    /// How long an IDLE may run before the session renews it (default
    /// [`IDLE_RENEW`](super::IDLE_RENEW)); the reactor's timer calls [`Connection::on_timer`](crate::connection::Connection::on_timer).
    pub fn set_idle_renew(&mut self, after: Duration) {
        self.idle_renew = after;
    }

    /// How long the server has to answer a renewal of IDLE before the
    /// connection is closed with [`Error::Timeout`] (default
    /// [`IDLE_ANSWER`](super::IDLE_ANSWER)).
    pub fn set_idle_answer_timeout(&mut self, within: Duration) {
        self.idle_answer = within;
    }

    /// Renews a long IDLE: DONE now, IDLE again once it completes.
    pub(super) fn renew_idle(&mut self, now: Instant) {
        let due = self.idle_since.is_some_and(|since| now >= since + self.idle_renew);
        if let (true, Some(tag)) = (due, self.idling.take()) {
            self.out.extend_from_slice(b"DONE\r\n");
            trace::wrote_done(self.trace_id);
            self.renewing = Some(tag);
            self.liveness_deadline = now.checked_add(self.idle_answer);
        }
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
    /// [`Streamed::Literal`](super::Streamed::Literal) chunks as it arrives, then its response, complete
    /// but with that value empty. Memory stays bounded by what one read
    /// brings, however large the literal (a 100 MB `BODY[]` included; it must
    /// still be within [`Limits::max_literal`](crate::wire::Limits::max_literal)).
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

    pub(super) fn encode_options(&self) -> EncodeOptions {
        EncodeOptions {
            literal_plus: self.has_capability("LITERAL+"),
            literal_minus: self.has_capability("LITERAL-"),
            utf8_accept: self.utf8_accept,
        }
    }

    pub(super) fn new_tag(&mut self) -> Tag {
        let tag = Tag(format!("A{:04}", self.next_tag));
        self.next_tag += 1;
        tag
    }

    /// The phase the session will be in once the commands in flight
    /// complete as hoped: commands are judged against it, so that LOGIN
    /// then SELECT can be pipelined.
    pub(super) fn projected_phase(&self) -> Phase {
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
    pub(super) fn check_submit(&self, spec: &Spec<'_>) -> Result<(), Error> {
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

    pub(super) fn enqueue(&mut self, command: &Command, tag: Tag, encoded: Encoded, sasl: Option<SaslExchange>) {
        let spec = command.spec();
        let selecting = match command {
            Command::Select { mailbox, .. } | Command::SelectQResync { mailbox, read_only: false, .. } => {
                Some(SelectedMailbox { name: mailbox.clone(), ..SelectedMailbox::default() })
            }
            Command::Examine { mailbox, .. } | Command::SelectQResync { mailbox, read_only: true, .. } => {
                Some(SelectedMailbox { name: mailbox.clone(), read_only: true, ..SelectedMailbox::default() })
            }
            _ => None,
        };
        self.in_flight.push_back(InFlight {
            tag,
            name: spec.name,
            collects: spec.collects,
            transition: spec.transition,
            secret: spec.secret,
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
            asked: match command {
                Command::Fetch { items, .. } => Some(items.clone()),
                _ => None,
            },
        });
        self.pump();
    }

    /// Writes out queued commands until one must wait for the server.
    pub(super) fn pump(&mut self) {
        while self.awaiting_continuation.is_none() && self.started < self.in_flight.len() {
            // An exclusive command that is running holds back the ones after it.
            if self.in_flight.iter().take(self.started).any(|c| c.exclusive) {
                return;
            }
            let command = &mut self.in_flight[self.started];
            let chunk = command.chunks.pop_front().expect("a command has at least one chunk");
            self.out.extend_from_slice(&chunk);
            trace::wrote(self.trace_id, command.tag.as_str(), &chunk, command.secret, !command.written);
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

    pub(super) fn continuation(&mut self, text: IString<'static>) {
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
            trace::wrote(self.trace_id, tag.as_str(), &chunk, command.secret, false);
            if command.chunks.is_empty() {
                self.started = self.started.max(i + 1);
            } else {
                self.awaiting_continuation = Some(tag);
                return;
            }
        } else if command.transition == Transition::Idles {
            // The server answered the renewal: it is alive.
            self.liveness_deadline = None;
            if std::mem::take(&mut self.done_wanted) {
                // `idle_done` came before this `+`: end the IDLE now; it
                // completes with the server's answer to DONE.
                self.out.extend_from_slice(b"DONE\r\n");
                trace::wrote_done(self.trace_id);
                return;
            }
            self.idling = Some(tag.clone());
            self.idle_since = Some(Instant::now());
            self.events.push_back(Event::Idling(tag));
            return;
        } else if let Some(exchange) = &mut command.sasl {
            let answer = if exchange.first_pending {
                exchange.first_pending = false;
                Ok(exchange.mechanism.initial_response())
            } else {
                base64_decode(text.as_bytes())
                    .ok_or_else(|| "the server's challenge is not base64".to_owned())
                    .and_then(|challenge| exchange.mechanism.respond(&challenge))
            };
            match answer {
                Ok(answer) => {
                    let answer = base64(&answer);
                    self.out.extend_from_slice(answer.as_bytes());
                    self.out.extend_from_slice(b"\r\n");
                    trace::wrote_sasl(self.trace_id, tag.as_str(), answer.len());
                }
                Err(reason) => {
                    // Give up (RFC 3501 6.2.2): the server answers BAD, and
                    // the command fails with this reason instead.
                    exchange.failed = Some(reason);
                    self.out.extend_from_slice(b"*\r\n");
                    trace::wrote_sasl(self.trace_id, tag.as_str(), 1);
                }
            }
            // Further challenges may come until the tagged completion.
            self.awaiting_continuation = Some(tag);
            return;
        }
        self.pump();
    }
}
