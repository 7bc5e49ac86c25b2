//! What every operation stands on, written once for both fronts: the state
//! a client keeps beside its session (unsolicited responses, completions
//! not yet claimed, IDLE), and waiting for the server over a [`Link`].
//!
//! The operations are `async fn`s of [`Engine`]. The async front awaits
//! them on its runtime; the blocking front runs them on a link that never
//! makes them wait ([`block`](super::link::block)), so they compile down to
//! the loops they were.

use super::link::Link;
use super::span;
use super::ClientOptions;
use crate::command::Command;
use crate::session::{Completion, Error, Event, Extension, ExtensionValue, Session, Streamed, Tag};
use crate::types::Response;
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// A client's state and its link; the operations are its methods (this
/// module and the operation files beside it).
pub(crate) struct Engine<L> {
    pub(crate) link: L,
    pub(crate) options: ClientOptions,
    /// Host name, for OAUTHBEARER.
    pub(crate) host: String,
    pub(crate) port: u16,
    /// Whether the connection is under TLS (implicit, or after STARTTLS).
    pub(crate) tls: bool,
    pub(crate) unsolicited: VecDeque<Response<'static>>,
    /// Unsolicited responses dropped to keep `unsolicited` bounded.
    unsolicited_dropped: u64,
    /// Completions that arrived while waiting for another tag.
    done: Vec<(Tag, Result<Completion, Error>)>,
    /// The command an operation was waiting for when it last stopped; if
    /// the operation was dropped before its completion (an async caller
    /// gave up on it), that completion is discarded when it comes.
    awaiting: Option<Tag>,
    /// Commands whose waiter was dropped: their completions are not kept.
    abandoned: Vec<Tag>,
    /// IDLE in progress: its tag.
    pub(crate) idle_tag: Option<Tag>,
    /// Message numbers are UIDs (see `set_use_uid`).
    pub(crate) use_uid: bool,
    /// Extension values no command was waiting for, at most
    /// `options.max_unsolicited`.
    extension_values: VecDeque<ExtensionValue>,
    /// Extension values dropped to keep `extension_values` bounded.
    extension_values_dropped: u64,
    /// The connection's span (feature `tracing`): the calls' spans are in it.
    pub(crate) span: span::Span,
    /// Why the session closed, from its `Closed` event.
    closed: Option<Error>,
}

impl<L: Link> Engine<L> {
    /// An engine over `link`, whose session has not yet been greeted.
    pub(crate) fn new(link: L, options: &ClientOptions, host: &str, port: u16, tls: bool) -> Engine<L> {
        let span = span::connection(link.session().trace_id(), host, port);
        Engine {
            span,
            closed: None,
            link,
            options: options.clone(),
            host: host.to_owned(),
            port,
            tls,
            unsolicited: VecDeque::new(),
            unsolicited_dropped: 0,
            done: Vec::new(),
            awaiting: None,
            abandoned: Vec::new(),
            idle_tag: None,
            use_uid: true,
            extension_values: VecDeque::new(),
            extension_values_dropped: 0,
        }
    }

    pub(crate) fn session(&self) -> &Session {
        self.link.session()
    }

    pub(crate) fn session_mut(&mut self) -> &mut Session {
        self.link.session_mut()
    }

    pub(crate) fn add_extension(&mut self, extension: Box<dyn Extension>) {
        self.session_mut().add_extension(extension);
    }

    pub(crate) fn take_extension_values(&mut self) -> Vec<ExtensionValue> {
        self.drain_events();
        self.extension_values.drain(..).collect()
    }

    pub(crate) fn extension_values_dropped(&self) -> u64 {
        self.extension_values_dropped
    }

    pub(crate) fn take_unsolicited(&mut self) -> Vec<Response<'static>> {
        self.drain_events();
        self.unsolicited.drain(..).collect()
    }

    pub(crate) fn unsolicited_dropped(&self) -> u64 {
        self.unsolicited_dropped + self.session().unsolicited_dropped()
    }

    /// Waits for the greeting: `timeouts.connect` bounds reaching the
    /// server (TCP and TLS); once the connection is up, the greeting has
    /// `command_timeout`, as any answer does.
    pub(crate) async fn wait_greeting(&mut self) -> Result<(), Error> {
        let connecting = deadline_after(self.options.timeouts.connect.saturating_add(self.options.command_timeout));
        let mut greeting = None;
        loop {
            if self.session().greeting().is_some() {
                self.drain_events();
                return Ok(());
            }
            if let Some(error) = self.closed_error() {
                return Err(error);
            }
            if greeting.is_none() && self.session().is_connected() {
                greeting = Some(deadline_after(self.options.command_timeout));
            }
            self.turn(greeting.unwrap_or(connecting)).await?;
        }
    }

    /// Why the session closed, if it did: the typed reason the first time
    /// (a timeout, an I/O error...), then `Closed` with its text.
    pub(crate) fn closed_error(&mut self) -> Option<Error> {
        if !self.session().is_closed() {
            return None;
        }
        self.drain_events();
        let error = self.closed.take().unwrap_or_else(|| Error::Closed("connection closed".into()));
        self.closed = Some(Error::Closed(format!("connection closed: {error}")));
        Some(error)
    }

    /// One round of I/O, bounded by `deadline`: [`Error::Timeout`] once it
    /// has passed.
    pub(crate) async fn turn(&mut self, deadline: Instant) -> Result<(), Error> {
        if Instant::now() >= deadline {
            return Err(Error::Timeout);
        }
        self.link.turn(deadline).await
    }

    pub(crate) fn keep(&mut self, event: Event) {
        match event {
            Event::Completed { tag, result } => {
                if let Some(i) = self.abandoned.iter().position(|t| *t == tag) {
                    // Nobody waits for it any more.
                    self.abandoned.swap_remove(i);
                } else {
                    self.done.push((tag, result));
                }
            }
            Event::Unsolicited(response) => {
                // Bounded: a flood of 1,000,000 untagged responses during one
                // NOOP took 821 MiB here (tests/faults/faults.rs); drop the oldest.
                self.unsolicited.push_back(response);
                while self.unsolicited.len() > self.options.max_unsolicited {
                    self.unsolicited.pop_front();
                    self.unsolicited_dropped += 1;
                }
            }
            Event::Extension(value) => {
                // Bounded as the unsolicited responses are.
                self.extension_values.push_back(value);
                while self.extension_values.len() > self.options.max_unsolicited {
                    self.extension_values.pop_front();
                    self.extension_values_dropped += 1;
                }
            }
            // A renewed IDLE (see Session::set_idle_renew) has a new tag.
            Event::Idling(tag) if self.idle_tag.is_some() => self.idle_tag = Some(tag),
            // Kept for closed_error, whoever drains the events first.
            Event::Closed(error) => self.closed = error.or_else(|| Some(Error::Closed("connection closed".into()))),
            Event::Greeting(_) | Event::Idling(_) | Event::Malformed(_) => {}
        }
    }

    pub(crate) fn drain_events(&mut self) {
        while let Some(event) = self.session_mut().poll_event() {
            self.keep(event);
        }
    }

    /// Marks `tag` as the command now waited for. A wait that did not
    /// finish (its future was dropped) left its own tag here: that command
    /// is abandoned, and its completion will be dropped on arrival.
    pub(crate) fn begin_wait(&mut self, tag: &Tag) {
        if let Some(stale) = self.awaiting.replace(tag.clone()) {
            if stale != *tag {
                self.abandon(stale);
            }
        }
    }

    fn abandon(&mut self, tag: Tag) {
        if let Some(i) = self.done.iter().position(|(t, _)| *t == tag) {
            drop(self.done.swap_remove(i));
        } else if self.session().is_pending(&tag) {
            self.abandoned.push(tag);
        }
    }

    pub(crate) async fn send(&mut self, command: Command) -> Result<Tag, Error> {
        self.learn_capabilities_for(&command).await?;
        self.session_mut().submit(command)
    }

    /// The session judges a command's capability ([`Command::spec`]) only
    /// once the server's capabilities are known: ask for them first, so
    /// that a command the server lacks is refused before it goes out.
    pub(crate) async fn learn_capabilities_for(&mut self, command: &Command) -> Result<(), Error> {
        if command.spec().needs.is_some() && self.session().capabilities().is_none() {
            self.capabilities().await?;
        }
        Ok(())
    }

    pub(crate) async fn wait(&mut self, tag: &Tag) -> Result<Completion, Error> {
        // Without a streaming command the session has handled every byte on
        // arrival: the sink never runs.
        self.wait_streaming(tag, &mut |_| {}).await
    }

    /// Waits for a command (sent with `Session::submit_streaming`, or not),
    /// handing a streaming command's data to `sink` as it arrives.
    /// A streaming command may run as long as its data keeps coming: each
    /// time some reaches `sink`, it has `command_timeout` again.
    pub(crate) async fn wait_streaming(
        &mut self,
        tag: &Tag,
        sink: &mut impl FnMut(Streamed<'_>),
    ) -> Result<Completion, Error> {
        self.begin_wait(tag);
        let mut deadline = deadline_after(self.options.command_timeout);
        loop {
            if let Some(result) = self.stream_round(tag, sink, &mut deadline) {
                return result;
            }
            self.turn(deadline).await?;
        }
    }

    /// What a streaming wait does between two turns, without I/O: hands
    /// the data received so far to `sink` (moving `deadline` on if there
    /// was some), and returns the command's result once it completed or the
    /// connection closed.
    pub(crate) fn stream_round(
        &mut self,
        tag: &Tag,
        sink: &mut impl FnMut(Streamed<'_>),
        deadline: &mut Instant,
    ) -> Option<Result<Completion, Error>> {
        let mut progressed = false;
        self.session_mut().process_streaming(&mut |streamed| {
            progressed = true;
            sink(streamed);
        });
        if progressed {
            *deadline = deadline_after(self.options.command_timeout);
        }
        self.drain_events();
        if let Some(result) = self.claim(tag) {
            return Some(result);
        }
        let error = self.closed_error()?;
        Some(self.claim(tag).unwrap_or(Err(error)))
    }

    /// The completion of `tag`, if it came.
    fn claim(&mut self, tag: &Tag) -> Option<Result<Completion, Error>> {
        let i = self.done.iter().position(|(t, _)| t == tag)?;
        if self.awaiting.as_ref() == Some(tag) {
            self.awaiting = None;
        }
        Some(self.done.swap_remove(i).1)
    }

    pub(crate) async fn run(&mut self, command: Command) -> Result<Completion, Error> {
        let tag = self.send(command).await?;
        self.wait(&tag).await
    }

    pub(crate) async fn pipeline(&mut self, commands: Vec<Command>) -> Vec<Result<Completion, Error>> {
        let mut tags = Vec::with_capacity(commands.len());
        for command in commands {
            tags.push(self.send(command).await);
        }
        let mut results = Vec::with_capacity(tags.len());
        for tag in tags {
            results.push(match tag {
                Ok(tag) => self.wait(&tag).await,
                Err(e) => Err(e),
            });
        }
        results
    }

    /// LOGOUT, then waits (a few seconds at most) for the server to close.
    pub(crate) async fn logout(&mut self) -> Result<(), Error> {
        let result = self.run(Command::Logout).await.map(|_| ());
        let deadline = Instant::now() + Duration::from_secs(5);
        while !self.link.is_closed() && Instant::now() < deadline {
            let step = (Instant::now() + Duration::from_millis(100)).min(deadline);
            if self.link.turn(step).await.is_err() {
                break;
            }
        }
        result
    }
}

/// `now + after`, or a century away when that does not fit (a caller's
/// `Duration::MAX` means "no limit", not a panic).
pub(crate) fn deadline_after(after: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(after).unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 24 * 3600))
}
