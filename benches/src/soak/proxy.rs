//! A fault-injecting TCP proxy on 127.0.0.1, between the soak's sessions
//! and Dovecot.
//!
//! Every accepted connection gets a [`Plan`] drawn from the seed and its
//! number: most are forwarded cleanly; the others get one [`Fault`], fired
//! either a random time after the accept or after a random number of bytes
//! forwarded (so that faults land anywhere: before the greeting, inside the
//! TLS handshake, in the middle of a FETCH's literal, during IDLE).
//!
//! Std threads, not an event loop: two per connection, one pumping each
//! way, blocking reads and writes with a short socket timeout so that each
//! pump notices the other closing the connection and time-triggered faults
//! fire without data flowing. Stalls and trickles are then plain sleeps.
//! A thread's stack is 64 KiB (`STACK`); its buffer 8 KiB (`BUF`).

use super::Rng;
use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

/// Stack of each pump thread: they only copy bytes (the buffer is on the heap).
const STACK: usize = 64 * 1024;
/// Bytes read at once by a pump.
const BUF: usize = 8 * 1024;
/// Socket read and write timeout: how often a blocked pump looks at the
/// connection's state (closed by the other pump, a fault due by time).
const TICK: Duration = Duration::from_millis(100);
/// How long the proxy tries to reach the upstream server.
const UPSTREAM_CONNECT: Duration = Duration::from_secs(5);
/// A trickle forwards at most this many bytes at a time...
const TRICKLE_BYTES: u64 = 16;
/// ... with a pause between these bounds (ms) after each: some 300 bytes a second.
const TRICKLE_PAUSE_MS: (u64, u64) = (10, 50);

/// Which way a stall or a trickle slows the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Direction {
    /// Server to client (responses).
    ToClient,
    /// Client to server (commands).
    ToServer,
    /// Both ways.
    Both,
}

impl Direction {
    /// Whether a fault in this direction affects the pump that runs `pump`.
    fn covers(self, pump: Direction) -> bool {
        self == Direction::Both || self == pump
    }
}

/// A fault the proxy injects into a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Fault {
    /// Closes both sides (FIN to the client and to the server).
    Drop,
    /// Closes the client's side with `SO_LINGER` 0, which sends RST
    /// (the client reads `ECONNRESET`), and the server's with FIN.
    Reset,
    /// Stops forwarding in the direction(s) for [`ProxyConfig::stall_for`]
    /// (longer than any of the client's deadlines), then closes both sides,
    /// unless the client closed first. Nothing is read from a stalled side,
    /// so its TCP window fills as a dead peer's would.
    Stall(Direction),
    /// Forwards a few bytes at a time with pauses (about 300 bytes/s) in the
    /// direction(s) for a random time up to [`ProxyConfig::trickle_max`],
    /// then at full speed again.
    Trickle(Direction),
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let way = |d: &Direction| match d {
            Direction::ToClient => "to client",
            Direction::ToServer => "to server",
            Direction::Both => "both ways",
        };
        match self {
            Fault::Drop => f.write_str("drop"),
            Fault::Reset => f.write_str("reset"),
            Fault::Stall(d) => write!(f, "stall {}", way(d)),
            Fault::Trickle(d) => write!(f, "trickle {}", way(d)),
        }
    }
}

/// When a planned fault fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// This long after the connection was accepted.
    After(Duration),
    /// Once this many bytes were forwarded, both ways together.
    Bytes(u64),
}

/// What the proxy does to one connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// The fault, or `None` for clean forwarding.
    pub fault: Option<Fault>,
    /// When it fires.
    pub trigger: Trigger,
    /// How long a trickle lasts.
    pub trickle_for: Duration,
}

impl Plan {
    /// Draws a plan from `rng` as `config` says.
    pub fn choose(config: &ProxyConfig, rng: &mut Rng) -> Plan {
        let fault = rng.percent(config.fault_percent).then(|| {
            let direction = [Direction::ToClient, Direction::ToServer, Direction::Both][rng.between(0, 2) as usize];
            match rng.between(0, 3) {
                0 => Fault::Drop,
                1 => Fault::Reset,
                2 => Fault::Stall(direction),
                _ => Fault::Trickle(direction),
            }
        });
        let trigger = if rng.percent(50) {
            Trigger::After(rng.millis(0, config.fault_after_max.as_millis() as u64))
        } else {
            Trigger::Bytes(rng.between(0, config.fault_bytes_max))
        };
        let trickle_for = rng.millis(1000, config.trickle_max.as_millis() as u64);
        Plan { fault, trigger, trickle_for }
    }
}

/// How the proxy behaves.
#[derive(Debug, Clone)]
pub struct ProxyConfig {
    /// The server to forward to.
    pub upstream: SocketAddr,
    /// Seed of the fault plans (connection `n` gets the plan of `fork(n)`).
    pub seed: u64,
    /// Share of connections, in percent, that get a fault.
    pub fault_percent: u64,
    /// A time-triggered fault fires at most this long after the accept.
    pub fault_after_max: Duration,
    /// A byte-triggered fault fires after at most this many bytes.
    pub fault_bytes_max: u64,
    /// How long a stall holds the connection before the proxy closes it.
    pub stall_for: Duration,
    /// The longest trickle.
    pub trickle_max: Duration,
}

/// The proxy's counters, shared by its threads.
#[derive(Debug, Default)]
struct Stats {
    accepted: AtomicU64,
    upstream_failures: AtomicU64,
    spawn_failures: AtomicU64,
    open: AtomicU64,
    bytes_to_client: AtomicU64,
    bytes_to_server: AtomicU64,
    planned: Mutex<BTreeMap<Fault, u64>>,
    injected: Mutex<BTreeMap<Fault, u64>>,
}

impl Stats {
    fn count(map: &Mutex<BTreeMap<Fault, u64>>, fault: Fault) {
        // A pump that panicked while holding the lock (it never does) must
        // not take the counting down with it.
        *map.lock().unwrap_or_else(|e| e.into_inner()).entry(fault).or_default() += 1;
    }
}

/// A snapshot of the proxy's counters.
#[derive(Debug, Clone, Default)]
pub struct ProxyCounts {
    /// Connections accepted.
    pub accepted: u64,
    /// Connections whose upstream connect failed (closed at once, no fault).
    pub upstream_failures: u64,
    /// Connections dropped because no thread could be started for them.
    pub spawn_failures: u64,
    /// Connections open now (their threads alive).
    pub open: u64,
    /// Bytes forwarded from the server to the clients.
    pub bytes_to_client: u64,
    /// Bytes forwarded from the clients to the server.
    pub bytes_to_server: u64,
    /// Faults planned, by kind (a connection may end before its fault fires).
    pub planned: BTreeMap<Fault, u64>,
    /// Faults injected (fired), by kind.
    pub injected: BTreeMap<Fault, u64>,
}

impl ProxyCounts {
    /// Faults injected, all kinds together.
    pub fn injected_total(&self) -> u64 {
        self.injected.values().sum()
    }
}

/// A running proxy. Its threads run until the process exits.
#[derive(Debug)]
pub struct Proxy {
    /// Where clients connect: 127.0.0.1 and a port the kernel chose.
    pub addr: SocketAddr,
    stats: Arc<Stats>,
}

impl Proxy {
    /// Listens on 127.0.0.1 and starts accepting in a thread of its own.
    pub fn start(config: ProxyConfig) -> io::Result<Proxy> {
        let listener = TcpListener::bind(("127.0.0.1", 0))?;
        let addr = listener.local_addr()?;
        let stats = Arc::new(Stats::default());
        let shared = stats.clone();
        thread::Builder::new().name("proxy-accept".into()).spawn(move || accept_loop(listener, config, shared))?;
        Ok(Proxy { addr, stats })
    }

    /// The counters now.
    pub fn counts(&self) -> ProxyCounts {
        let s = &self.stats;
        let map = |m: &Mutex<BTreeMap<Fault, u64>>| m.lock().unwrap_or_else(|e| e.into_inner()).clone();
        ProxyCounts {
            accepted: s.accepted.load(Ordering::Relaxed),
            upstream_failures: s.upstream_failures.load(Ordering::Relaxed),
            spawn_failures: s.spawn_failures.load(Ordering::Relaxed),
            open: s.open.load(Ordering::Relaxed),
            bytes_to_client: s.bytes_to_client.load(Ordering::Relaxed),
            bytes_to_server: s.bytes_to_server.load(Ordering::Relaxed),
            planned: map(&s.planned),
            injected: map(&s.injected),
        }
    }
}

fn accept_loop(listener: TcpListener, config: ProxyConfig, stats: Arc<Stats>) {
    let config = Arc::new(config);
    let seeds = Rng::new(config.seed);
    let mut n = 0u64;
    for incoming in listener.incoming() {
        let client = match incoming {
            Ok(client) => client,
            Err(_) => {
                // Out of file descriptors, say: the client's connect then
                // waits in the backlog; try again shortly.
                thread::sleep(Duration::from_millis(10));
                continue;
            }
        };
        n += 1;
        stats.accepted.fetch_add(1, Ordering::Relaxed);
        let mut rng = seeds.fork(n);
        let plan = Plan::choose(&config, &mut rng);
        if let Some(fault) = plan.fault {
            Stats::count(&stats.planned, fault);
        }
        let (config, shared) = (config.clone(), stats.clone());
        let spawned = thread::Builder::new()
            .name(format!("proxy-{n}"))
            .stack_size(STACK)
            .spawn(move || serve(client, plan, rng, &config, shared));
        if spawned.is_err() {
            stats.spawn_failures.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// One proxied connection: both sockets, its plan and its state.
struct Conn {
    client: TcpStream,
    server: TcpStream,
    plan: Plan,
    stall_for: Duration,
    accepted: Instant,
    /// When the fault fired, once it has.
    fired: OnceLock<Instant>,
    /// Bytes forwarded, both ways together (for [`Trigger::Bytes`]).
    bytes: AtomicU64,
    closed: AtomicBool,
    stats: Arc<Stats>,
}

/// What a pump does with its direction now.
enum Mode {
    Forward,
    Trickle,
    Stalled { until: Instant },
}

impl Conn {
    /// Fires the fault, once per connection (either pump may get there first).
    fn fire(&self, now: Instant) {
        let Some(fault) = self.plan.fault else { return };
        if self.fired.set(now).is_err() {
            return;
        }
        Stats::count(&self.stats.injected, fault);
        match fault {
            Fault::Drop => self.close(false),
            Fault::Reset => self.close(true),
            Fault::Stall(_) | Fault::Trickle(_) => {}
        }
    }

    /// Fires a time-triggered fault that is due.
    fn check_time(&self, now: Instant) {
        if let (Some(_), Trigger::After(after), None) = (self.plan.fault, self.plan.trigger, self.fired.get()) {
            if now >= self.accepted + after {
                self.fire(now);
            }
        }
    }

    /// How many more bytes may pass before a byte-triggered fault fires.
    fn bytes_before_fault(&self) -> u64 {
        match (self.plan.fault, self.plan.trigger, self.fired.get()) {
            (Some(_), Trigger::Bytes(at), None) => at.saturating_sub(self.bytes.load(Ordering::Relaxed)),
            _ => u64::MAX,
        }
    }

    fn mode(&self, pump: Direction, now: Instant) -> Mode {
        let Some(&at) = self.fired.get() else { return Mode::Forward };
        match self.plan.fault {
            Some(Fault::Stall(d)) if d.covers(pump) => Mode::Stalled { until: at + self.stall_for },
            Some(Fault::Trickle(d)) if d.covers(pump) && now < at + self.plan.trickle_for => Mode::Trickle,
            _ => Mode::Forward,
        }
    }

    /// Ends the connection, once. With `reset`, the client's side gets RST
    /// when the last pump lets go of the socket (closing it with `SO_LINGER`
    /// 0); otherwise FIN both ways right away.
    fn close(&self, reset: bool) {
        if self.closed.swap(true, Ordering::AcqRel) {
            return;
        }
        if reset {
            let _ = rustix::net::sockopt::set_socket_linger(&self.client, Some(Duration::ZERO));
        } else {
            let _ = self.client.shutdown(Shutdown::Both);
        }
        let _ = self.server.shutdown(Shutdown::Both);
    }

    fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }
}

fn serve(client: TcpStream, plan: Plan, rng: Rng, config: &ProxyConfig, stats: Arc<Stats>) {
    let server = match TcpStream::connect_timeout(&config.upstream, UPSTREAM_CONNECT) {
        Ok(server) => server,
        Err(_) => {
            // Dropping the client's socket closes it: its session sees the
            // connection end before the greeting.
            stats.upstream_failures.fetch_add(1, Ordering::Relaxed);
            return;
        }
    };
    for socket in [&client, &server] {
        // Small writes must leave at once, or a trickle would be coalesced
        // by Nagle; the timeouts let blocked pumps look around (see TICK).
        let _ = socket.set_nodelay(true);
        let _ = socket.set_read_timeout(Some(TICK));
        let _ = socket.set_write_timeout(Some(TICK));
    }
    stats.open.fetch_add(1, Ordering::Relaxed);
    let conn = Arc::new(Conn {
        client,
        server,
        plan,
        stall_for: config.stall_for,
        accepted: Instant::now(),
        fired: OnceLock::new(),
        bytes: AtomicU64::new(0),
        closed: AtomicBool::new(false),
        stats: stats.clone(),
    });
    let other = conn.clone();
    let other_rng = rng.fork(1);
    let spawned = thread::Builder::new().stack_size(STACK).spawn(move || pump(&other, Direction::ToServer, other_rng));
    match spawned {
        Ok(handle) => {
            pump(&conn, Direction::ToClient, rng.fork(2));
            let _ = handle.join();
        }
        Err(_) => {
            stats.spawn_failures.fetch_add(1, Ordering::Relaxed);
            conn.close(false);
        }
    }
    stats.open.fetch_sub(1, Ordering::Relaxed);
}

/// Whether an I/O error is only the socket timeout expiring.
fn timed_out(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted)
}

/// Copies one direction of `conn` until it ends, applying the fault.
fn pump(conn: &Conn, way: Direction, mut rng: Rng) {
    let (mut from, mut to) = match way {
        Direction::ToClient => (&conn.server, &conn.client),
        _ => (&conn.client, &conn.server),
    };
    let counter = match way {
        Direction::ToClient => &conn.stats.bytes_to_client,
        _ => &conn.stats.bytes_to_server,
    };
    let mut buf = vec![0u8; BUF];
    let (mut start, mut end) = (0, 0);
    while !conn.is_closed() {
        let now = Instant::now();
        conn.check_time(now);
        let trickle = match conn.mode(way, now) {
            Mode::Stalled { until } if now >= until => return conn.close(false),
            Mode::Stalled { .. } => {
                thread::sleep(TICK);
                continue;
            }
            Mode::Trickle => true,
            Mode::Forward => false,
        };
        if start == end {
            match from.read(&mut buf) {
                // The peer closed (or failed): pass it on to the other side.
                Ok(0) => return conn.close(false),
                Ok(n) => (start, end) = (0, n),
                Err(e) if timed_out(&e) => continue,
                Err(_) => return conn.close(false),
            }
            // Look at the fault again before sending what just came in.
            continue;
        }
        let mut take = ((end - start) as u64).min(conn.bytes_before_fault());
        if trickle {
            take = take.min(rng.between(1, TRICKLE_BYTES));
        }
        if take == 0 {
            // The byte trigger is reached exactly here.
            conn.fire(now);
            continue;
        }
        match to.write(&buf[start..start + take as usize]) {
            Ok(0) => return conn.close(false),
            Ok(n) => {
                start += n;
                counter.fetch_add(n as u64, Ordering::Relaxed);
                let total = conn.bytes.fetch_add(n as u64, Ordering::Relaxed) + n as u64;
                if let (Some(_), Trigger::Bytes(at)) = (conn.plan.fault, conn.plan.trigger) {
                    if total >= at {
                        conn.fire(Instant::now());
                    }
                }
            }
            Err(e) if timed_out(&e) => continue,
            Err(_) => return conn.close(false),
        }
        if trickle {
            let (lo, hi) = TRICKLE_PAUSE_MS;
            thread::sleep(rng.millis(lo, hi));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(upstream: SocketAddr, fault_percent: u64) -> ProxyConfig {
        ProxyConfig {
            upstream,
            seed: 1,
            fault_percent,
            fault_after_max: Duration::from_millis(1),
            fault_bytes_max: 0,
            stall_for: Duration::from_secs(1),
            trickle_max: Duration::from_secs(1),
        }
    }

    /// An upstream that answers every connection with a greeting, then echoes.
    fn echo_server() -> SocketAddr {
        let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let addr = listener.local_addr().unwrap();
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                thread::spawn(move || {
                    let mut stream = stream;
                    let _ = stream.write_all(b"hello\r\n");
                    let mut buf = [0u8; 256];
                    while let Ok(n) = stream.read(&mut buf) {
                        if n == 0 || stream.write_all(&buf[..n]).is_err() {
                            break;
                        }
                    }
                });
            }
        });
        addr
    }

    #[test]
    fn clean_forwarding_both_ways() {
        let proxy = Proxy::start(config(echo_server(), 0)).unwrap();
        let mut c = TcpStream::connect(proxy.addr).unwrap();
        c.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut got = [0u8; 7];
        c.read_exact(&mut got).unwrap();
        assert_eq!(&got, b"hello\r\n");
        c.write_all(b"ping").unwrap();
        let mut echo = [0u8; 4];
        c.read_exact(&mut echo).unwrap();
        assert_eq!(&echo, b"ping");
        assert!(proxy.counts().injected.is_empty());
    }

    #[test]
    fn every_connection_faulted_is_counted_and_ends() {
        let proxy = Proxy::start(config(echo_server(), 100)).unwrap();
        let addr = proxy.addr;
        let clients: Vec<_> = (0..20)
            .map(|_| {
                thread::spawn(move || {
                    let mut c = TcpStream::connect(addr).unwrap();
                    c.set_read_timeout(Some(Duration::from_millis(500))).unwrap();
                    let mut buf = [0u8; 64];
                    // Drop, reset and stall end the connection (a stall after
                    // 1 s); a trickle delivers slowly for 1 s. Read for 2 s.
                    let _ = c.write_all(b"x");
                    let started = Instant::now();
                    while started.elapsed() < Duration::from_secs(2) {
                        match c.read(&mut buf) {
                            Ok(0) => break,
                            Err(e) if !timed_out(&e) => break,
                            _ => {}
                        }
                    }
                })
            })
            .collect();
        for c in clients {
            c.join().unwrap();
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while proxy.counts().injected_total() < 20 && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(50));
        }
        let counts = proxy.counts();
        assert_eq!(counts.accepted, 20);
        assert_eq!(counts.injected_total(), 20, "{counts:?}");
        assert_eq!(counts.planned, counts.injected);
    }
}
