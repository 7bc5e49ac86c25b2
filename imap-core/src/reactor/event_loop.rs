//! The event loop: [`Reactor`], its connection table, readiness and timers
//! dispatched to the connections (module `entry` holds what one connection
//! does with them).

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use mio::net::TcpStream;
use mio::{Events, Interest, Poll, Registry, Token};
use rustls::pki_types::ServerName;
use rustls::ClientConfig;

use super::entry::{Closing, Cx, Entry, Phase};
use super::timer::{Timer, TimerKind, Timers};
use super::tls::TlsOptions;
use crate::connection::Connection;

/// Size of the one read buffer shared by all connections.
const READ_BUF_SIZE: usize = 64 * 1024;
/// At most this many bytes are read from one connection per turn before the
/// others get their go; the rest is read on the next turn (without waiting).
pub(super) const READ_BUDGET: usize = 1024 * 1024;
/// Size of the `mio::Events` buffer (events per poll; more simply wait for the next turn).
const EVENTS_CAPACITY: usize = 1024;

/// Names one connection of a [`Reactor`].
///
/// Ids are reused after [`Reactor::remove`], but each reuse bumps a generation
/// counter held in the id, so a stale `ConnId` never reaches the new connection:
/// it just finds nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnId {
    pub(super) index: u32,
    pub(super) generation: u32,
}

/// How the transport of a connection is secured.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Security {
    /// Plain TCP, never upgraded. A [`TransportRequest::StartTls`](crate::connection::TransportRequest::StartTls) from the
    /// connection closes it with an `InvalidInput` error (there is no server name
    /// to verify): use [`Security::StartTls`] for that.
    Plain,
    /// Implicit TLS (port 993): the TLS handshake starts as soon as TCP connects,
    /// and [`Connection::on_connected`] is called once it completes.
    Tls {
        /// The host name the server certificate must be valid for (or an IP address).
        server_name: String,
    },
    /// Starts as plain TCP ([`Connection::on_connected`] is called once TCP is up)
    /// and switches to TLS when the connection returns
    /// [`TransportRequest::StartTls`](crate::connection::TransportRequest::StartTls). See the [module docs](super#starttls) for
    /// exactly which bytes travel in clear and which over TLS.
    StartTls {
        /// The host name the server certificate must be valid for (or an IP address).
        server_name: String,
    },
}

/// Time limits of a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    /// Limit on the TCP connect, and separately on each TLS handshake (the one of
    /// implicit TLS, or the one after STARTTLS). Default 30 s.
    pub connect: Duration,
    /// Inactivity limit once connected: the connection is closed with
    /// `io::ErrorKind::TimedOut` when no byte has been received from the server
    /// and no byte accepted by the socket for this long. Armed whenever it is
    /// `Some`, whatever the protocol is doing: a session that IDLEs must use a
    /// limit longer than its IDLE renewal interval, or `None` (the default).
    pub read: Option<Duration>,
    /// TCP keepalive: after this long without traffic the kernel probes the
    /// peer (every 15 s, 4 times) and a dead one ends the connection with an
    /// error, even while the protocol waits quietly (an IDLE, a long
    /// command). Default 60 s; `None` leaves the system's setting.
    pub keepalive: Option<Duration>,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts { connect: Duration::from_secs(30), read: None, keepalive: Some(Duration::from_secs(60)) }
    }
}

struct Slot<C> {
    generation: u32,
    entry: Option<Entry<C>>,
}

/// Everything but the connection table, so that one entry and this can be
/// borrowed mutably together.
struct Shared {
    timers: Timers,
    buf: Box<[u8]>,
    closed: Vec<ConnId>,
    dirty: Vec<ConnId>,
    /// Entries not in `Phase::Closed`.
    open: usize,
    turn: u64,
    progressed: usize,
}

impl Shared {
    fn mark_progress<C>(&mut self, e: &mut Entry<C>) {
        if e.progress_turn != self.turn {
            e.progress_turn = self.turn;
            self.progressed += 1;
        }
    }
}

/// One `mio::Poll` on one thread driving many [`Connection`]s over plain TCP
/// or TLS, with connect, handshake and inactivity timeouts, the connections'
/// own timers, and write back-pressure.
///
/// The reactor moves bytes; the `C` values decide what they mean. Callers drive
/// it with [`turn`](Reactor::turn) or [`run_until`](Reactor::run_until), reach
/// a connection with [`get`](Reactor::get) / [`get_mut`](Reactor::get_mut)
/// (which makes the next turn look at its pending output, so queued commands are
/// never forgotten), and learn about ended connections from
/// [`take_closed`](Reactor::take_closed) or [`is_closed`](Reactor::is_closed)
/// (each `C` also gets exactly one [`Connection::on_closed`]). A closed
/// connection stays in the table, so its `C` can be inspected, until
/// [`remove`](Reactor::remove) hands it back.
///
/// ```no_run
/// use std::io;
/// use std::time::{Duration, Instant};
/// use imap_core::reactor::{Connection, Reactor, Security, Timeouts, TlsOptions, TransportRequest};
///
/// /// Sends one line, keeps what comes back.
/// #[derive(Default)]
/// struct Hello { out: Vec<u8>, got: Vec<u8>, closed: bool }
///
/// impl Connection for Hello {
///     fn receive(&mut self, bytes: &[u8]) { self.got.extend_from_slice(bytes) }
///     fn pending_output(&self) -> &[u8] { &self.out }
///     fn sent(&mut self, n: usize) { self.out.drain(..n); }
///     fn take_transport_request(&mut self) -> Option<TransportRequest> { None }
///     fn next_deadline(&self) -> Option<Instant> { None }
///     fn on_timer(&mut self, _now: Instant) {}
///     fn on_connected(&mut self) { self.out.extend_from_slice(b"A1 CAPABILITY\r\n") }
///     fn on_closed(&mut self, _error: Option<io::Error>) { self.closed = true }
///     fn wants_close(&self) -> bool { self.got.windows(5).any(|w| w == b"A1 OK") }
/// }
///
/// let tls = TlsOptions::new().client_config()?;
/// let mut reactor = Reactor::new()?;
/// let id = reactor.connect(
///     "127.0.0.1:993".parse().unwrap(),
///     Security::Tls { server_name: "localhost".into() },
///     Some(tls),
///     Timeouts::default().with_read(Some(Duration::from_secs(60))),
///     Hello::default(),
/// )?;
/// let deadline = Instant::now() + Duration::from_secs(10);
/// reactor.run_until(Some(deadline), |r| r.is_closed(id))?;
/// let hello = reactor.remove(id).expect("still in the table");
/// println!("{}", String::from_utf8_lossy(&hello.got));
/// # Ok::<(), io::Error>(())
/// ```
pub struct Reactor<C: Connection> {
    poll: Poll,
    events: Events,
    slots: Vec<Slot<C>>,
    free: Vec<u32>,
    len: usize,
    shared: Shared,
    default_tls: Option<Arc<ClientConfig>>,
    /// Scratch list of due timers (kept for its allocation).
    due: Vec<Timer>,
}

impl<C: Connection> fmt::Debug for Reactor<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reactor")
            .field("len", &self.len)
            .field("open", &self.shared.open)
            .field("timers", &self.shared.timers.len())
            .finish_non_exhaustive()
    }
}

impl<C: Connection> Reactor<C> {
    /// A reactor with no connection.
    pub fn new() -> io::Result<Self> {
        Ok(Reactor {
            poll: Poll::new()?,
            events: Events::with_capacity(EVENTS_CAPACITY),
            slots: Vec::new(),
            free: Vec::new(),
            len: 0,
            shared: Shared {
                timers: Timers::default(),
                buf: vec![0; READ_BUF_SIZE].into_boxed_slice(),
                closed: Vec::new(),
                dirty: Vec::new(),
                open: 0,
                turn: 0,
                progressed: 0,
            },
            default_tls: None,
            due: Vec::new(),
        })
    }

    /// Starts a non-blocking TCP connect to `addr` (with `TCP_NODELAY`) and adds
    /// `conn` to the reactor; returns at once.
    ///
    /// `tls` is the rustls configuration for [`Security::Tls`] and
    /// [`Security::StartTls`]; `None` uses [`TlsOptions::new`]'s (system roots,
    /// verification on), built once per reactor. It is ignored for
    /// [`Security::Plain`].
    ///
    /// From an `Ok` on, the connect's own failure (refused, unreachable, timed
    /// out, TLS refused) is reported through [`Connection::on_closed`], even when
    /// the operating system refuses at once (then `on_closed` is called before
    /// this returns). `Err` means nothing was started and `conn` is dropped
    /// without any call: an invalid server name (`InvalidInput`), a TLS
    /// configuration that cannot be built, or a failed registration with the poll.
    pub fn connect(
        &mut self,
        addr: SocketAddr,
        security: Security,
        tls: Option<Arc<ClientConfig>>,
        timeouts: Timeouts,
        conn: C,
    ) -> io::Result<ConnId> {
        let (tls_setup, implicit_tls) = match security {
            Security::Plain => (None, false),
            Security::Tls { server_name } => (Some(self.tls_setup(&server_name, tls)?), true),
            Security::StartTls { server_name } => (Some(self.tls_setup(&server_name, tls)?), false),
        };
        let index = match self.free.last() {
            Some(&index) => index,
            None => u32::try_from(self.slots.len())
                .map_err(|_| io::Error::new(io::ErrorKind::OutOfMemory, "too many connections"))?,
        };
        let generation = self.slots.get(index as usize).map_or(0, |s| s.generation);
        let id = ConnId { index, generation };
        let now = Instant::now();
        let mut entry = Entry {
            conn,
            stream: None,
            phase: Phase::Connecting,
            tls: None,
            deflate: None,
            tls_setup,
            implicit_tls,
            timeouts,
            interest: None,
            dirty: false,
            read_again: false,
            early_plaintext: false,
            connect_at: None,
            read_at: None,
            conn_at: None,
            last_activity: now,
            progress_turn: 0,
        };
        let mut early_error = None;
        match TcpStream::connect(addr) {
            Ok(mut stream) => {
                // Set again once connected; failing here is not fatal.
                let _ = stream.set_nodelay(true);
                if let Some(idle) = timeouts.keepalive {
                    crate::connection::socket::set_keepalive(socket2::SockRef::from(&stream), idle);
                }
                let interest = Interest::READABLE | Interest::WRITABLE;
                self.poll.registry().register(&mut stream, Token(index as usize), interest)?;
                entry.stream = Some(stream);
                entry.interest = Some(interest);
            }
            Err(e) => early_error = Some(e),
        }
        // The slot is taken only now that nothing can fail any more.
        if self.free.last() == Some(&index) {
            self.free.pop();
        } else {
            self.slots.push(Slot { generation, entry: None });
        }
        let slot = &mut self.slots[index as usize];
        let e = slot.entry.insert(entry);
        self.len += 1;
        self.shared.open += 1;
        match early_error {
            Some(err) => close(&mut self.shared, self.poll.registry(), id, e, Some(err)),
            None => {
                let mut cx = Cx { timers: &mut self.shared.timers, buf: &mut self.shared.buf, id, now };
                e.set_connect_deadline(&mut cx, now.checked_add(timeouts.connect));
                e.schedule_conn(&mut cx);
            }
        }
        Ok(id)
    }

    fn tls_setup(
        &mut self,
        server_name: &str,
        tls: Option<Arc<ClientConfig>>,
    ) -> io::Result<(ServerName<'static>, Arc<ClientConfig>)> {
        let name = ServerName::try_from(server_name)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, format!("server name {server_name:?}: {e}")))?
            .to_owned();
        let config = match tls {
            Some(config) => config,
            None => match &self.default_tls {
                Some(config) => config.clone(),
                None => self.default_tls.insert(TlsOptions::new().client_config()?).clone(),
            },
        };
        Ok((name, config))
    }

    /// The connection `id`, open or closed, while it is in the table.
    pub fn get(&self, id: ConnId) -> Option<&C> {
        self.entry(id).map(|e| &e.conn)
    }

    /// The connection `id`, to change it (queue a command, ...). The next
    /// [`turn`](Reactor::turn) looks at it before polling: writes its pending
    /// output, takes its transport request, honours
    /// [`wants_close`](Connection::wants_close) and rereads its
    /// [`next_deadline`](Connection::next_deadline), so nothing done here is
    /// missed.
    pub fn get_mut(&mut self, id: ConnId) -> Option<&mut C> {
        let slot = self.slots.get_mut(id.index as usize).filter(|s| s.generation == id.generation)?;
        let e = slot.entry.as_mut()?;
        if !e.dirty && e.phase != Phase::Closed {
            e.dirty = true;
            self.shared.dirty.push(id);
        }
        Some(&mut e.conn)
    }

    /// Whether `id` is in the table and closed (its `on_closed` was called).
    pub fn is_closed(&self, id: ConnId) -> bool {
        self.entry(id).is_some_and(|e| e.phase == Phase::Closed)
    }

    /// The connections closed since the last call, in the order they closed
    /// (only those still in the table). They stay in the table until
    /// [`remove`](Reactor::remove)d.
    pub fn take_closed(&mut self) -> Vec<ConnId> {
        let mut closed = std::mem::take(&mut self.shared.closed);
        closed.retain(|&id| self.entry(id).is_some_and(|e| e.phase == Phase::Closed));
        closed
    }

    /// Takes the connection `id` out of the reactor, closing its socket if it is
    /// still open (without calling [`Connection::on_closed`]: the caller has the
    /// `C` back). The id is dead from then on.
    pub fn remove(&mut self, id: ConnId) -> Option<C> {
        let slot = self.slots.get_mut(id.index as usize).filter(|s| s.generation == id.generation)?;
        let mut e = slot.entry.take()?;
        slot.generation = slot.generation.wrapping_add(1);
        self.free.push(id.index);
        self.len -= 1;
        if e.phase != Phase::Closed {
            self.shared.open -= 1;
        }
        if let Some(mut stream) = e.stream.take() {
            let _ = self.poll.registry().deregister(&mut stream);
        }
        Some(e.conn)
    }

    /// Number of connections in the table, open or closed-but-not-removed.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Number of connections not yet closed.
    pub fn open_count(&self) -> usize {
        self.shared.open
    }

    /// One round: first the connections touched through
    /// [`get_mut`](Reactor::get_mut) (and those with unread input left from the
    /// last turn); then one poll, for at most `timeout` (`None`: no limit of the
    /// caller's) and never past the next timer, or not at all if the first step
    /// made progress; then reads, writes, handshakes and transport changes of
    /// the ready connections; then every due timer.
    ///
    /// Returns how many connections made progress (moved bytes, changed
    /// state, fired a timer, or closed). It blocks only on the poll and only
    /// while nothing is to be done: a socket asks for writability only while
    /// output is pending or the TLS handshake has something to send. With no
    /// connection, no timer and `timeout == None` it blocks forever.
    pub fn turn(&mut self, timeout: Option<Duration>) -> io::Result<usize> {
        self.shared.turn += 1;
        self.shared.progressed = 0;
        let now = Instant::now();

        let mut dirty = std::mem::take(&mut self.shared.dirty);
        for &id in &dirty {
            let Some(e) = entry_mut(&mut self.slots, id) else { continue };
            e.dirty = false;
            let readable = std::mem::take(&mut e.read_again);
            drive(&mut self.shared, self.poll.registry(), id, e, readable, false, now);
        }
        dirty.clear();
        if self.shared.dirty.is_empty() {
            self.shared.dirty = dirty; // keep the allocation
        }

        let mut poll_timeout =
            if self.shared.progressed > 0 || !self.shared.dirty.is_empty() { Some(Duration::ZERO) } else { timeout };
        if let Some(at) = self.next_timer() {
            let until = at.saturating_duration_since(now);
            poll_timeout = Some(poll_timeout.map_or(until, |t| t.min(until)));
        }
        match self.poll.poll(&mut self.events, poll_timeout) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => self.events.clear(),
            Err(e) => return Err(e),
        }

        let now = Instant::now();
        for event in self.events.iter() {
            let index = event.token().0;
            let Some(slot) = self.slots.get_mut(index) else { continue };
            let id = ConnId { index: index as u32, generation: slot.generation };
            let Some(e) = slot.entry.as_mut() else { continue };
            let readable = event.is_readable() || event.is_read_closed() || event.is_error();
            let writable = event.is_writable() || event.is_write_closed() || event.is_error();
            drive(&mut self.shared, self.poll.registry(), id, e, readable, writable, now);
        }

        self.fire_timers(now);
        Ok(self.shared.progressed)
    }

    /// Calls [`turn`](Reactor::turn) until `done` returns true (checked first,
    /// and after every turn) or `deadline` passes. Returns whether `done` was
    /// satisfied. Also returns `Ok(false)` when there is no deadline and no open
    /// connection left, since nothing could change any more.
    pub fn run_until(
        &mut self,
        deadline: Option<Instant>,
        mut done: impl FnMut(&mut Self) -> bool,
    ) -> io::Result<bool> {
        loop {
            if done(self) {
                return Ok(true);
            }
            let timeout = match deadline {
                Some(deadline) => {
                    let now = Instant::now();
                    if now >= deadline {
                        return Ok(false);
                    }
                    Some(deadline - now)
                }
                None if self.shared.open == 0 && self.shared.dirty.is_empty() => return Ok(false),
                None => None,
            };
            self.turn(timeout)?;
        }
    }

    /// The keepalive idle time set on a connection's socket, for tests.
    #[cfg(test)]
    pub(crate) fn keepalive_time(&self, id: ConnId) -> Option<Duration> {
        let stream = self.entry(id)?.stream.as_ref()?;
        let socket = socket2::SockRef::from(stream);
        socket.keepalive().ok()?.then(|| socket.tcp_keepalive_time().ok()).flatten()
    }

    fn entry(&self, id: ConnId) -> Option<&Entry<C>> {
        self.slots.get(id.index as usize).filter(|s| s.generation == id.generation)?.entry.as_ref()
    }

    fn timer_is_live(&self, t: &Timer) -> bool {
        let Some(slot) = self.slots.get(t.slot as usize).filter(|s| s.generation == t.generation) else {
            return false;
        };
        let Some(e) = slot.entry.as_ref() else { return false };
        let field = match t.kind {
            TimerKind::Connect => e.connect_at,
            TimerKind::Read => e.read_at,
            TimerKind::Conn => e.conn_at,
        };
        e.phase != Phase::Closed && field == Some(t.at)
    }

    /// The earliest live timer, dropping stale ones from the top.
    fn next_timer(&mut self) -> Option<Instant> {
        loop {
            let t = self.shared.timers.peek()?;
            if self.timer_is_live(&t) {
                return Some(t.at);
            }
            self.shared.timers.pop();
        }
    }

    fn fire_timers(&mut self, now: Instant) {
        // Due entries are taken first, so that a deadline rescheduled at or
        // before `now` (by a connection that did not move it on) fires on the
        // next turn instead of looping here.
        let mut due = std::mem::take(&mut self.due);
        while let Some(t) = self.shared.timers.pop_due(now) {
            due.push(t);
        }
        for t in due.drain(..) {
            if !self.timer_is_live(&t) {
                continue;
            }
            let id = ConnId { index: t.slot, generation: t.generation };
            let Some(e) = entry_mut(&mut self.slots, id) else { continue };
            let registry = self.poll.registry();
            match t.kind {
                TimerKind::Connect => {
                    let what = if e.phase == Phase::Connecting { "connect" } else { "TLS handshake" };
                    let limit = e.timeouts.connect;
                    let err = io::Error::new(io::ErrorKind::TimedOut, format!("{what} timed out after {limit:?}"));
                    close(&mut self.shared, registry, id, e, Some(err));
                }
                TimerKind::Read => {
                    e.read_at = None;
                    let Some(limit) = e.timeouts.read else { continue };
                    // A limit too large for an Instant never fires.
                    let Some(due) = e.last_activity.checked_add(limit) else { continue };
                    if due <= now {
                        let err = io::Error::new(
                            io::ErrorKind::TimedOut,
                            format!("no data from the server for {limit:?} (read timeout)"),
                        );
                        close(&mut self.shared, registry, id, e, Some(err));
                    } else {
                        e.read_at = Some(due);
                        self.shared.timers.push(Timer {
                            at: due,
                            slot: id.index,
                            generation: id.generation,
                            kind: t.kind,
                        });
                    }
                }
                TimerKind::Conn => {
                    e.conn_at = None;
                    if e.conn.next_deadline().is_some_and(|d| d <= now) {
                        e.conn.on_timer(now);
                        self.shared.mark_progress(e);
                    }
                    // Writes what on_timer queued, honours wants_close, reschedules.
                    drive(&mut self.shared, registry, id, e, false, false, now);
                }
            }
        }
        self.due = due;
        // Stale entries (removed connections, superseded deadlines) are dropped
        // as they reach the top; compact when they dominate.
        let live_bound = 3 * self.shared.open + 64;
        if self.shared.timers.len() > 2 * live_bound {
            let mut timers = std::mem::take(&mut self.shared.timers);
            timers.retain(|t| self.timer_is_live(t));
            self.shared.timers = timers;
        }
    }
}

fn entry_mut<C>(slots: &mut [Slot<C>], id: ConnId) -> Option<&mut Entry<C>> {
    slots.get_mut(id.index as usize).filter(|s| s.generation == id.generation)?.entry.as_mut()
}

/// Drives one connection: the step, then interest and timers, or the close.
fn drive<C: Connection>(
    sh: &mut Shared,
    registry: &Registry,
    id: ConnId,
    e: &mut Entry<C>,
    readable: bool,
    writable: bool,
    now: Instant,
) {
    if e.phase == Phase::Closed {
        return;
    }
    let mut cx = Cx { timers: &mut sh.timers, buf: &mut sh.buf, id, now };
    let result = e.step(&mut cx, readable, writable).and_then(|progress| {
        e.update_interest(registry, id).map_err(Closing::err)?;
        e.schedule_conn(&mut cx);
        Ok(progress)
    });
    if e.read_again && !e.dirty {
        e.dirty = true;
        sh.dirty.push(id);
    }
    match result {
        Ok(false) => {}
        Ok(true) => sh.mark_progress(e),
        Err(Closing(error)) => close(sh, registry, id, e, error),
    }
}

/// Deregisters and drops the socket, then tells the connection.
fn close<C: Connection>(sh: &mut Shared, registry: &Registry, id: ConnId, e: &mut Entry<C>, error: Option<io::Error>) {
    if e.phase == Phase::Closed {
        return;
    }
    if let Some(mut stream) = e.stream.take() {
        let _ = registry.deregister(&mut stream);
    }
    e.tls = None;
    e.deflate = None;
    e.tls_setup = None;
    e.phase = Phase::Closed;
    e.interest = None;
    e.read_again = false;
    e.connect_at = None;
    e.read_at = None;
    e.conn_at = None;
    sh.open -= 1;
    sh.closed.push(id);
    sh.mark_progress(e);
    e.conn.on_closed(error);
}

with_setters!(Timeouts {
    connect: Duration => with_connect,
    read: Option<Duration> => with_read,
    keepalive: Option<Duration> => with_keepalive,
});
