//! The sessions' side of the soak: one [`Sessions`] reactor, and for each
//! session a small state machine the caller's thread runs.
//!
//! A session connects, logs in, then loops: SELECT INBOX; FETCH the first
//! ten messages' `UID FLAGS ENVELOPE` and, pipelined, one random message's
//! `RFC822.SIZE BODY.PEEK[]`; IDLE for a random while; DONE. After a random
//! number of rounds it logs out and connects again. Any failure (an
//! `Err` completion, the connection closing) is counted by its typed kind,
//! the session removed, and a new one connected after a short random
//! backoff.
//!
//! Every step has a deadline: how long the library may take at most with
//! its own timeouts (the read inactivity limit, the IDLE renewal and its
//! answer deadline, the connect limit), plus the longest trickle the proxy
//! makes (a trickle delays without ever going silent, so no inactivity
//! limit fires), plus a slack. A session past it is **stuck**: the library
//! left it waiting where it should have reported an error. It is counted,
//! removed and reconnected so the run goes on.

use super::report::{Stuck, Tally};
use super::Rng;
use imap_core::client::{ClientOptions, SessionId, Sessions, TlsMode};
use imap_core::command::{Command, FetchAttr, Section, SeqSet};
use imap_core::session::{Completion, Error, Event, Tag};
use imap_core::types::{Data, Fetch, Response};
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

/// How long one [`Driver::turn`] waits for the reactor at most; also the
/// resolution of the driver's own timers (end of an IDLE, deadlines).
const POLL: Duration = Duration::from_millis(50);
/// Messages fetched with their envelopes each round.
const HEADERS: u32 = 10;

/// Deadlines of the steps.
#[derive(Debug, Clone, Copy)]
pub struct Deadlines {
    /// From `connect` to the greeting.
    pub connect: Duration,
    /// From submitting a command (or DONE) to its completion, and from
    /// submitting IDLE to the server's `+`.
    pub command: Duration,
}

impl Deadlines {
    /// The deadlines for sessions made with `options`: the library's bound
    /// for the step, plus `trickle` (the longest slow-down the proxy
    /// makes) and `slack`. The library's bounds: a connect takes at most the
    /// connect limit for TCP, again for the TLS handshake, then the read
    /// limit for the greeting; a command at most the read limit without a
    /// byte. `options.timeouts.read` must be set.
    pub fn for_options(options: &ClientOptions, trickle: Duration, slack: Duration) -> Deadlines {
        let read = options.timeouts.read.expect("the soak sets a read timeout");
        Deadlines { connect: options.timeouts.connect * 2 + read + trickle + slack, command: read + trickle + slack }
    }
}

/// What the driver runs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Sessions kept going at once.
    pub sessions: usize,
    /// Where they connect (the proxy), and how.
    pub host: String,
    /// The proxy's port.
    pub port: u16,
    /// TLS or not.
    pub mode: TlsMode,
    /// The library's settings for every session.
    pub options: ClientOptions,
    /// Messages in INBOX (the body fetched is one of the first this many).
    pub messages: u32,
    /// Most sessions between connect and logged in at a time: more would
    /// overflow the server's listen backlog, and lost SYNs cost a second each.
    pub ramp: usize,
    /// Seed of the sessions' choices (how long to idle, how many rounds).
    pub seed: u64,
    /// The steps' deadlines.
    pub deadlines: Deadlines,
    /// How long to IDLE each round, in ms (a random value in this range).
    pub idle_ms: (u64, u64),
    /// Rounds per connection before LOGOUT (a random value in this range).
    pub rounds: (u64, u64),
    /// Backoff before connecting again after a failure, in ms.
    pub backoff_ms: (u64, u64),
}

/// Where a session is.
#[derive(Debug, Clone)]
enum Step {
    /// No connection: connect again at this instant.
    Waiting(Instant),
    /// Connecting, waiting for the greeting.
    Connecting,
    LoggingIn(Tag),
    Selecting(Tag),
    /// Both FETCHes in flight; each tag taken when it completes.
    Fetching {
        headers: Option<Tag>,
        body: Option<Tag>,
    },
    StartingIdle(Tag),
    /// IDLE accepted: DONE at `until`. `refused` when `idle_done` said no
    /// (see [`Driver::end_idle`]): try again at the next `Idling` event.
    Idling {
        until: Instant,
        refused: bool,
    },
    EndingIdle,
    LoggingOut(Tag),
}

impl Step {
    /// The step's name in the report.
    fn name(&self) -> &'static str {
        match self {
            Step::Waiting(_) => "backoff",
            Step::Connecting => "connect",
            Step::LoggingIn(_) => "login",
            Step::Selecting(_) => "select",
            Step::Fetching { .. } => "fetch",
            Step::StartingIdle(_) => "idle start",
            Step::Idling { .. } => "idle",
            Step::EndingIdle => "done",
            Step::LoggingOut(_) => "logout",
        }
    }

    /// Logged in (LOGIN completed) and connected.
    fn logged_in(&self) -> bool {
        !matches!(self, Step::Waiting(_) | Step::Connecting | Step::LoggingIn(_))
    }

    /// On its way up: connected or connecting, not yet logged in.
    fn coming_up(&self) -> bool {
        matches!(self, Step::Connecting | Step::LoggingIn(_))
    }
}

/// One session's place in the driver.
struct Slot {
    rng: Rng,
    id: Option<SessionId>,
    step: Step,
    /// When the step started, and when it must be over.
    since: Instant,
    deadline: Option<Instant>,
    rounds_left: u64,
    /// The last connection ended in a failure: the next connect is a reconnect.
    failed: bool,
    /// This round's body came in the headers FETCH's data (see `fetched`).
    body_misrouted: bool,
}

/// The sessions and their state machines.
pub struct Driver {
    settings: Settings,
    sessions: Sessions,
    slots: Vec<Slot>,
    by_id: HashMap<SessionId, usize>,
    tally: Tally,
}

impl Driver {
    /// Every session waiting to connect, staggered over the first second.
    pub fn new(settings: Settings) -> Result<Driver, Error> {
        let sessions = Sessions::new()?;
        let seeds = Rng::new(settings.seed);
        let now = Instant::now();
        let slots = (0..settings.sessions)
            .map(|i| {
                let mut rng = seeds.fork(i as u64);
                let start = now + rng.millis(0, 1000);
                Slot {
                    rng,
                    id: None,
                    step: Step::Waiting(start),
                    since: now,
                    deadline: None,
                    rounds_left: 0,
                    failed: false,
                    body_misrouted: false,
                }
            })
            .collect();
        Ok(Driver { settings, sessions, slots, by_id: HashMap::new(), tally: Tally::default() })
    }

    /// What has been counted so far.
    pub fn tally(&self) -> &Tally {
        &self.tally
    }

    /// Sessions logged in now.
    pub fn logged_in(&self) -> usize {
        self.slots.iter().filter(|s| s.step.logged_in()).count()
    }

    /// Sessions by step now.
    pub fn steps(&self) -> BTreeMap<&'static str, usize> {
        let mut steps = BTreeMap::new();
        for slot in &self.slots {
            *steps.entry(slot.step.name()).or_default() += 1;
        }
        steps
    }

    /// One round: connect the sessions whose backoff is over, drive the
    /// reactor once, act on its events, then on the driver's own timers.
    /// An `Err` is the reactor itself failing (its poll), not a session.
    pub fn turn(&mut self) -> Result<(), Error> {
        self.connect_due(Instant::now());
        for (id, event) in self.sessions.poll(Some(POLL))? {
            // Events of a session already removed (the rest of a failure's
            // burst: its other commands' errors, then Closed) are dropped.
            if let Some(&i) = self.by_id.get(&id) {
                self.handle(i, event);
            }
        }
        self.timers(Instant::now());
        self.tally.peak_logged_in = self.tally.peak_logged_in.max(self.logged_in());
        Ok(())
    }

    /// Counts every session past its deadline now: called at the end so
    /// that no session stuck in the last minute goes unseen.
    pub fn finish(&mut self) {
        self.timers(Instant::now());
    }

    fn connect_due(&mut self, now: Instant) {
        let mut coming_up = self.slots.iter().filter(|s| s.step.coming_up()).count();
        for i in 0..self.slots.len() {
            if coming_up >= self.settings.ramp {
                break;
            }
            if matches!(self.slots[i].step, Step::Waiting(at) if at <= now) {
                self.connect(i, now);
                coming_up += 1;
            }
        }
    }

    fn connect(&mut self, i: usize, now: Instant) {
        let s = &self.settings;
        match self.sessions.connect(&s.host, s.port, s.mode, &s.options) {
            Ok(id) => {
                self.by_id.insert(id, i);
                let slot = &mut self.slots[i];
                slot.id = Some(id);
                slot.rounds_left = slot.rng.between(s.rounds.0, s.rounds.1);
                self.tally.connects += 1;
                if std::mem::take(&mut slot.failed) {
                    self.tally.reconnects += 1;
                }
                let deadline = s.deadlines.connect;
                self.enter(i, Step::Connecting, Some(now + deadline));
            }
            Err(e) => {
                self.tally.error("connect", &e);
                let slot = &mut self.slots[i];
                slot.failed = true;
                let (lo, hi) = s.backoff_ms;
                slot.step = Step::Waiting(now + slot.rng.millis(lo, hi));
            }
        }
    }

    /// Moves slot `i` to `step`, with a deadline.
    fn enter(&mut self, i: usize, step: Step, deadline: Option<Instant>) {
        let slot = &mut self.slots[i];
        slot.step = step;
        slot.since = Instant::now();
        slot.deadline = deadline;
    }

    /// Submits `command` on slot `i`'s session; a refusal fails the session.
    fn submit(&mut self, i: usize, command: Command) -> Option<Tag> {
        let id = self.slots[i].id?;
        match self.sessions.submit(id, command) {
            Ok(tag) => Some(tag),
            Err(e) => {
                self.fail(i, &e);
                None
            }
        }
    }

    /// Submits `command` and moves to the step made from its tag.
    fn next(&mut self, i: usize, command: Command, step: impl FnOnce(Tag) -> Step) {
        if let Some(tag) = self.submit(i, command) {
            let deadline = Instant::now() + self.settings.deadlines.command;
            self.enter(i, step(tag), Some(deadline));
        }
    }

    /// The session failed: count why, remove it, connect again after a backoff.
    fn fail(&mut self, i: usize, error: &Error) {
        let step = self.slots[i].step.name();
        self.tally.error(step, error);
        self.drop_session(i, true);
    }

    /// Removes slot `i`'s session (closing its connection) and schedules
    /// the next connect.
    fn drop_session(&mut self, i: usize, failed: bool) {
        let slot = &mut self.slots[i];
        if let Some(id) = slot.id.take() {
            self.by_id.remove(&id);
            self.sessions.remove(id);
        }
        slot.failed |= failed;
        slot.body_misrouted = false;
        let (lo, hi) = if failed { self.settings.backoff_ms } else { (0, 100) };
        let at = Instant::now() + slot.rng.millis(lo, hi);
        self.enter(i, Step::Waiting(at), None);
    }

    fn select(&mut self, i: usize) {
        self.next(i, Command::Select { mailbox: "INBOX".into(), condstore: false }, Step::Selecting);
    }

    fn handle(&mut self, i: usize, event: Event) {
        let step = self.slots[i].step.clone();
        match (step, event) {
            (_, Event::Unsolicited(_)) => self.tally.unsolicited += 1,
            (_, Event::Extension(_)) => {}
            (_, Event::Malformed(e)) => *self.tally.malformed.entry(super::report::error_kind(&e)).or_default() += 1,
            (_, Event::Completed { result: Err(e), .. }) | (_, Event::Closed(Some(e))) => self.fail(i, &e),
            (Step::LoggingOut(_), Event::Closed(None)) => {
                self.tally.op("logout");
                self.drop_session(i, false);
            }
            (Step::Connecting, Event::Greeting(_)) => {
                self.tally.op("connect");
                let login = Command::Login {
                    user: crate::e2e::server::USER.as_bytes().to_vec(),
                    password: crate::e2e::server::PASSWORD.as_bytes().to_vec(),
                };
                self.next(i, login, Step::LoggingIn);
            }
            (Step::LoggingIn(tag), Event::Completed { tag: t, result: Ok(_) }) if t == tag => {
                self.tally.op("login");
                self.select(i);
            }
            (Step::Selecting(tag), Event::Completed { tag: t, result: Ok(_) }) if t == tag => {
                self.tally.op("select");
                self.fetch(i);
            }
            (Step::Fetching { headers, body }, Event::Completed { tag, result: Ok(done) }) => {
                self.fetched(i, headers, body, &tag, &done);
            }
            (Step::StartingIdle(tag), Event::Idling(t)) if t == tag => {
                self.tally.op("idle");
                let (lo, hi) = self.settings.idle_ms;
                let until = Instant::now() + self.slots[i].rng.millis(lo, hi);
                let deadline = until + self.settings.deadlines.command;
                self.enter(i, Step::Idling { until, refused: false }, Some(deadline));
            }
            (Step::Idling { refused, .. }, Event::Idling(_)) => {
                // The session renewed its IDLE by itself (DONE, IDLE again).
                self.tally.op("idle renewal");
                if refused {
                    self.end_idle(i);
                }
            }
            (Step::EndingIdle, Event::Completed { result: Ok(done), .. }) if done.command == "IDLE" => {
                self.tally.op("done");
                let slot = &mut self.slots[i];
                slot.rounds_left = slot.rounds_left.saturating_sub(1);
                if slot.rounds_left == 0 {
                    self.next(i, Command::Logout, Step::LoggingOut);
                } else {
                    self.select(i);
                }
            }
            (Step::LoggingOut(tag), Event::Completed { tag: t, result: Ok(_) }) if t == tag => {
                // Closed(None) follows once the server has closed.
            }
            (step, event) => {
                let what = match event {
                    Event::Greeting(_) => "Greeting",
                    Event::Completed { .. } => "Completed (OK)",
                    Event::Idling(_) => "Idling",
                    Event::Closed(None) => "Closed(None) without LOGOUT",
                    _ => "another event",
                };
                self.tally.anomaly(format!("{what} in step {}", step.name()));
                if matches!(event, Event::Closed(_)) {
                    // Closed cleanly without LOGOUT: not a typed error, but
                    // the session is over all the same.
                    self.drop_session(i, true);
                }
            }
        }
    }

    /// SELECT completed: both FETCHes go out pipelined.
    fn fetch(&mut self, i: usize) {
        let headers = Command::Fetch {
            set: SeqSet::from(1..=HEADERS.min(self.settings.messages)),
            items: vec![FetchAttr::Uid, FetchAttr::Flags, FetchAttr::Envelope].into(),
            changed_since: None,
            uid: false,
        };
        let n = self.slots[i].rng.between(1, u64::from(self.settings.messages)) as u32;
        let body = Command::Fetch {
            set: SeqSet::from(n),
            items: vec![
                FetchAttr::Rfc822Size,
                FetchAttr::BodySection { section: Section::full(), partial: None, peek: true },
            ]
            .into(),
            changed_since: None,
            uid: false,
        };
        let Some(headers) = self.submit(i, headers) else { return };
        let Some(body) = self.submit(i, body) else { return };
        let deadline = Instant::now() + self.settings.deadlines.command;
        self.enter(i, Step::Fetching { headers: Some(headers), body: Some(body) }, Some(deadline));
    }

    /// One FETCH completed: check what it brought; IDLE once both are in.
    fn fetched(&mut self, i: usize, mut headers: Option<Tag>, mut body: Option<Tag>, tag: &Tag, done: &Completion) {
        let fetches = || {
            done.data.iter().filter_map(|r| match r {
                Response::Data(Data::Fetch(f)) => Some(f),
                _ => None,
            })
        };
        let whole_body =
            |f: &&Fetch<'_>| f.size().is_some_and(|size| f.section("").map(<[u8]>::len) == Some(size as usize));
        if headers.as_ref() == Some(tag) {
            headers = None;
            self.tally.op("fetch headers");
            let complete = fetches().filter(|f| f.envelope().is_some() && f.uid().is_some()).count();
            if complete < HEADERS.min(self.settings.messages) as usize {
                self.tally.anomaly(format!("FETCH of {HEADERS} envelopes completed OK with {complete}"));
            }
            // Dovecot answers the pipelined body FETCH before this one's OK;
            // its message is often among these. The session must give the
            // body to the FETCH that asked for it (imap-core once gave it to
            // this one: session::tests::pipelined_fetch_response_goes_to_the_command_that_asked).
            if fetches().any(|f| whole_body(&f)) {
                self.slots[i].body_misrouted = true;
                self.tally.anomaly(
                    "BODY[] response given to the pipelined FETCH 1:10 instead of the FETCH that asked".into(),
                );
            }
        } else if body.as_ref() == Some(tag) {
            body = None;
            self.tally.op("fetch body");
            // A body cut short by a fault must never come out as complete.
            let misrouted = std::mem::take(&mut self.slots[i].body_misrouted);
            if !fetches().any(|f| whole_body(&f)) && !misrouted {
                self.tally.anomaly("FETCH BODY[] completed OK without a body of RFC822.SIZE bytes".into());
            }
        } else {
            self.tally.anomaly("Completed (OK) of an unknown tag in step fetch".into());
        }
        if headers.is_none() && body.is_none() {
            self.next(i, Command::Idle, Step::StartingIdle);
        } else {
            self.slots[i].step = Step::Fetching { headers, body };
        }
    }

    /// Sends DONE. `idle_done` must accept it at any moment of the IDLE,
    /// the session's own renewal included (imap-core once refused it while
    /// the renewed IDLE waited for its `+`:
    /// session::tests::idle_done_right_after_a_renewal). A refusal is
    /// counted as an anomaly and tried again at the next `Idling` event.
    fn end_idle(&mut self, i: usize) {
        let Some(id) = self.slots[i].id else { return };
        let Some(session) = self.sessions.session_mut(id) else { return };
        match session.idle_done() {
            Ok(()) => {
                let deadline = Instant::now() + self.settings.deadlines.command;
                self.enter(i, Step::EndingIdle, Some(deadline));
            }
            Err(e) => {
                self.tally.anomaly(format!("idle_done refused while idling: {e}"));
                if let Step::Idling { refused, .. } = &mut self.slots[i].step {
                    *refused = true;
                }
            }
        }
    }

    fn timers(&mut self, now: Instant) {
        for i in 0..self.slots.len() {
            let slot = &self.slots[i];
            if slot.deadline.is_some_and(|d| now >= d) {
                let waited = now.saturating_duration_since(slot.since);
                self.tally.stuck.push(Stuck { slot: i, step: slot.step.name(), waited });
                self.drop_session(i, true);
                continue;
            }
            if let Step::Idling { until, refused: false } = slot.step {
                if now >= until {
                    self.end_idle(i);
                }
            }
        }
    }
}
