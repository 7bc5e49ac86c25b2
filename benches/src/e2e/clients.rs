//! The clients and workloads of the end-to-end benchmark.
//!
//! Every client opens its own connection, logs in and SELECTs the mailbox
//! untimed; then the timed part sends the workload's one `UID FETCH 1:* (...)`
//! (or, for [`ClientKind::ImapCorePipelined`], the same items in pipelined
//! chunks) and reads every response, counting the messages that came back
//! with the item asked for (and, for `bodies`, the bytes of their `BODY[]`).
//! The result is kept until the clock stops, and dropped afterwards (as the
//! Python script does). Any shortfall is an error: a client that did not
//! receive everything has no time to report.

use super::cpu::CpuSnapshot;
use imap_core::client::{Client, ClientOptions, TlsMode};
use imap_core::command::{FetchAttr, FetchItems, SearchKey, Section, SeqSet};
use imap_core::tokio::AsyncClient;
use imap_core::types::FetchItem;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What is fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    /// `UID FLAGS RFC822.SIZE ENVELOPE` of every message in INBOX.
    Envelope,
    /// `BODY.PEEK[]` of every message in the `bodies` folder.
    Bodies,
}

impl Workload {
    /// Both workloads.
    pub const ALL: [Workload; 2] = [Workload::Envelope, Workload::Bodies];

    /// `envelope` or `bodies`.
    pub fn name(self) -> &'static str {
        match self {
            Workload::Envelope => "envelope",
            Workload::Bodies => "bodies",
        }
    }

    /// The mailbox the workload reads.
    pub fn mailbox(self) -> &'static str {
        match self {
            Workload::Envelope => "INBOX",
            Workload::Bodies => "bodies",
        }
    }

    /// The FETCH items as they go on the wire.
    pub fn wire_items(self) -> &'static str {
        match self {
            Workload::Envelope => "(UID FLAGS RFC822.SIZE ENVELOPE)",
            Workload::Bodies => "BODY.PEEK[]",
        }
    }

    fn core_items(self) -> FetchItems {
        match self {
            Workload::Envelope => {
                vec![FetchAttr::Uid, FetchAttr::Flags, FetchAttr::Rfc822Size, FetchAttr::Envelope].into()
            }
            Workload::Bodies => FetchAttr::BodySection { section: Section::full(), partial: None, peek: true }.into(),
        }
    }
}

/// The clients compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientKind {
    /// A plain `TcpStream` that reads and drops the bytes, only framing lines
    /// and literals to count the FETCH responses and find the tagged OK.
    Raw,
    /// imap-core's blocking [`Client::fetch`] of `1:*`, one command.
    ImapCore,
    /// imap-core's async front, [`AsyncClient::fetch`] of `1:*` on a
    /// current-thread tokio runtime: the same operation as `ImapCore`.
    ImapCoreAsync,
    /// imap-core's [`Client::fetch_pipelined`]: chunks of 1,000 UIDs, 4 in flight.
    ImapCorePipelined,
    /// imap-core's [`Client::fetch_each`]: the same command, each message
    /// handed over borrowed from the read buffer instead of kept.
    ImapCoreEach,
    /// The `imap` crate (rust-imap 2.4.1): `Session::uid_fetch("1:*", ...)`.
    ImapCrate,
    /// Python IMAPClient in a subprocess (`benches/imapclient_fetch.py`).
    ImapClient,
}

impl ClientKind {
    /// Every client, in table order.
    pub const ALL: [ClientKind; 7] = [
        ClientKind::Raw,
        ClientKind::ImapCore,
        ClientKind::ImapCoreAsync,
        ClientKind::ImapCorePipelined,
        ClientKind::ImapCoreEach,
        ClientKind::ImapCrate,
        ClientKind::ImapClient,
    ];

    /// The name in the table and in `ratio` lines.
    pub fn name(self) -> &'static str {
        match self {
            ClientKind::Raw => "raw",
            ClientKind::ImapCore => "imap-core",
            ClientKind::ImapCoreAsync => "imap-core-async",
            ClientKind::ImapCorePipelined => "imap-core-pipelined",
            ClientKind::ImapCoreEach => "imap-core-each",
            ClientKind::ImapCrate => "imap",
            ClientKind::ImapClient => "imapclient",
        }
    }

    /// Whether the client takes part in `workload` (the pipelined variant is
    /// measured on `envelope` only).
    pub fn runs(self, workload: Workload) -> bool {
        self != ClientKind::ImapCorePipelined || workload == Workload::Envelope
    }
}

/// Where to connect and what must come back.
#[derive(Debug, Clone)]
pub struct Target {
    /// Plain IMAP port on 127.0.0.1.
    pub port: u16,
    /// Login name.
    pub user: String,
    /// Password.
    pub password: String,
    /// Messages in the workload's mailbox.
    pub messages: usize,
    /// For `bodies`: the total size of all messages.
    pub body_bytes: Option<u64>,
}

/// One timed run of one client.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sample {
    /// Wall time of the fetch.
    pub wall: Duration,
    /// CPU time (user + system) of the client during the fetch.
    pub cpu: Duration,
    /// Messages received with the item asked for.
    pub messages: usize,
    /// Bytes of `BODY[]` received (0 for `envelope`).
    pub body_bytes: u64,
    /// Raw drain only: bytes read from the socket during the fetch.
    pub wire_bytes: Option<u64>,
    /// Python only: wall time of the whole subprocess (start-up, import, login, fetch, exit).
    pub process_wall: Option<Duration>,
    /// Python only: CPU time of the whole subprocess (`cutime + cstime`).
    pub process_cpu: Option<Duration>,
}

/// Runs `kind` once on `workload`; checks it received everything.
pub fn run(kind: ClientKind, workload: Workload, target: &Target, python: Option<&Python>) -> Result<Sample, String> {
    let sample = match kind {
        ClientKind::Raw => raw(workload, target),
        ClientKind::ImapCore => imap_core(workload, target, false),
        ClientKind::ImapCoreAsync => imap_core_async(workload, target),
        ClientKind::ImapCorePipelined => imap_core(workload, target, true),
        ClientKind::ImapCoreEach => imap_core_each(workload, target),
        ClientKind::ImapCrate => imap_crate(workload, target),
        ClientKind::ImapClient => python.ok_or("Python IMAPClient is not set up")?.run(workload, target),
    }
    .map_err(|e| format!("{} on {}: {e}", kind.name(), workload.name()))?;
    if sample.messages != target.messages {
        return Err(format!(
            "{} on {}: received {} messages, expected {}",
            kind.name(),
            workload.name(),
            sample.messages,
            target.messages
        ));
    }
    if let Some(bytes) = target.body_bytes {
        if sample.body_bytes != bytes {
            return Err(format!(
                "{} on {}: received {} bytes of BODY[], expected {bytes}",
                kind.name(),
                workload.name(),
                sample.body_bytes
            ));
        }
    }
    Ok(sample)
}

/// Starts the clock.
fn start() -> (Instant, CpuSnapshot) {
    (Instant::now(), CpuSnapshot::now())
}

/// Stops the clock.
fn stop(started: (Instant, CpuSnapshot)) -> (Duration, Duration) {
    let wall = started.0.elapsed();
    (wall, CpuSnapshot::now().since(&started.1).process)
}

// ---------------------------------------------------------------- raw drain

/// Reads a server's byte stream, framing it only as far as needed: lines are
/// found with memchr, a line ending in `{N}` is followed by N literal bytes
/// that are skipped unread, and a response's first line is checked for
/// `* <n> FETCH` (counted) or the awaited tag.
struct Drain {
    buf: Vec<u8>,
    filled: usize,
}

/// What [`Drain::until_tagged`] saw.
#[derive(Default)]
struct Drained {
    fetches: usize,
    literal_bytes: u64,
    wire_bytes: u64,
}

impl Drain {
    fn new() -> Drain {
        Drain { buf: vec![0; 256 * 1024], filled: 0 }
    }

    /// Reads until the tagged response for `tag` (e.g. `b"r3 "`); fails unless it is OK.
    fn until_tagged(&mut self, stream: &mut TcpStream, tag: &[u8]) -> Result<Drained, String> {
        let mut out = Drained::default();
        let mut literal_left: u64 = 0;
        let mut response_start = true;
        loop {
            let mut pos = 0;
            while pos < self.filled {
                if literal_left > 0 {
                    let take = literal_left.min((self.filled - pos) as u64);
                    pos += take as usize;
                    literal_left -= take;
                    continue;
                }
                let Some(nl) = memchr::memchr(b'\n', &self.buf[pos..self.filled]) else { break };
                let line = &self.buf[pos..pos + nl + 1];
                if response_start {
                    if line.starts_with(b"* ") && is_fetch(&line[2..]) {
                        out.fetches += 1;
                    } else if line.starts_with(tag) {
                        let status = &line[tag.len()..];
                        if !status.starts_with(b"OK") {
                            return Err(format!("server answered {}", String::from_utf8_lossy(line).trim_end()));
                        }
                        let rest = pos + nl + 1;
                        self.buf.copy_within(rest..self.filled, 0);
                        self.filled -= rest;
                        return Ok(out);
                    }
                }
                match literal_size(line) {
                    Some(n) => {
                        literal_left = n;
                        out.literal_bytes += n;
                        response_start = false;
                    }
                    None => response_start = true,
                }
                pos += nl + 1;
            }
            // Keep the unfinished line; grow if one line fills the buffer.
            self.buf.copy_within(pos..self.filled, 0);
            self.filled -= pos;
            if self.filled == self.buf.len() {
                self.buf.resize(self.buf.len() * 2, 0);
            }
            let n = stream.read(&mut self.buf[self.filled..]).map_err(|e| format!("read: {e}"))?;
            if n == 0 {
                return Err("connection closed before the tagged response".into());
            }
            out.wire_bytes += n as u64;
            self.filled += n;
        }
    }
}

/// Whether `rest` (after `* `) is `<digits> FETCH`.
fn is_fetch(rest: &[u8]) -> bool {
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    digits > 0 && rest[digits..].starts_with(b" FETCH")
}

/// `Some(N)` if the line ends in `{N}\r\n` (or `{N+}`).
fn literal_size(line: &[u8]) -> Option<u64> {
    let line = line.strip_suffix(b"\r\n").or_else(|| line.strip_suffix(b"\n"))?;
    let line = line.strip_suffix(b"}")?;
    let open = memchr::memrchr(b'{', line)?;
    let digits = &line[open + 1..];
    let digits = digits.strip_suffix(b"+").unwrap_or(digits);
    if digits.is_empty() || digits.len() > 19 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

fn raw(workload: Workload, t: &Target) -> Result<Sample, String> {
    let mut stream = TcpStream::connect(("127.0.0.1", t.port)).map_err(|e| format!("connect: {e}"))?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    let mut drain = Drain::new();
    // The greeting is one untagged line: wait for it by sending nothing and
    // draining until LOGIN's tag.
    let login = format!("r1 LOGIN {} {}\r\nr2 SELECT {}\r\n", t.user, t.password, workload.mailbox());
    stream.write_all(login.as_bytes()).map_err(|e| format!("write: {e}"))?;
    drain.until_tagged(&mut stream, b"r1 ")?;
    drain.until_tagged(&mut stream, b"r2 ")?;
    let fetch = format!("r3 UID FETCH 1:* {}\r\n", workload.wire_items());
    let clock = start();
    stream.write_all(fetch.as_bytes()).map_err(|e| format!("write: {e}"))?;
    let got = drain.until_tagged(&mut stream, b"r3 ")?;
    let (wall, cpu) = stop(clock);
    stream.write_all(b"r4 LOGOUT\r\n").ok();
    let body_bytes = if workload == Workload::Bodies { got.literal_bytes } else { 0 };
    Ok(Sample { wall, cpu, messages: got.fetches, body_bytes, wire_bytes: Some(got.wire_bytes), ..Sample::default() })
}

// ---------------------------------------------------------------- imap-core

fn imap_core(workload: Workload, t: &Target, pipelined: bool) -> Result<Sample, String> {
    let options = ClientOptions::default().with_allow_plaintext_login(true);
    let mut client = Client::connect("127.0.0.1", t.port, TlsMode::None, &options).map_err(|e| e.to_string())?;
    client.login(&t.user, &t.password).map_err(|e| format!("LOGIN: {e}"))?;
    client.select_folder(workload.mailbox(), false).map_err(|e| format!("SELECT: {e}"))?;
    // The pipelined variant needs the UIDs; a client would have them from an
    // earlier sync or a SEARCH. Untimed, like LOGIN and SELECT.
    let uids = if pipelined { client.search(SearchKey::All).map_err(|e| format!("SEARCH: {e}"))? } else { Vec::new() };
    let clock = start();
    let fetches = if pipelined {
        client.fetch_pipelined(&uids, workload.core_items(), 1000, 4)
    } else {
        client.fetch(SeqSet::all(), workload.core_items())
    }
    .map_err(|e| format!("FETCH: {e}"))?;
    let mut tally = Tally::default();
    fetches.iter().for_each(|fetch| tally.add(workload, fetch));
    let (wall, cpu) = stop(clock);
    drop(fetches);
    client.logout().ok();
    Ok(Sample { wall, cpu, messages: tally.messages, body_bytes: tally.body_bytes, ..Sample::default() })
}

/// [`AsyncClient::fetch`], the async front's run of the same operation as
/// [`imap_core`]'s; the runtime is built and the session set up untimed.
fn imap_core_async(workload: Workload, t: &Target) -> Result<Sample, String> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let options = ClientOptions::default().with_allow_plaintext_login(true);
        let mut client =
            AsyncClient::connect("127.0.0.1", t.port, TlsMode::None, &options).await.map_err(|e| e.to_string())?;
        client.login(&t.user, &t.password).await.map_err(|e| format!("LOGIN: {e}"))?;
        client.select_folder(workload.mailbox(), false).await.map_err(|e| format!("SELECT: {e}"))?;
        let clock = start();
        let fetches = client.fetch(SeqSet::all(), workload.core_items()).await.map_err(|e| format!("FETCH: {e}"))?;
        let mut tally = Tally::default();
        fetches.iter().for_each(|fetch| tally.add(workload, fetch));
        let (wall, cpu) = stop(clock);
        drop(fetches);
        client.logout().await.ok();
        Ok(Sample { wall, cpu, messages: tally.messages, body_bytes: tally.body_bytes, ..Sample::default() })
    })
}

/// Messages that carried what the workload fetched, and body bytes received.
#[derive(Default)]
struct Tally {
    messages: usize,
    body_bytes: u64,
}

impl Tally {
    fn add(&mut self, workload: Workload, fetch: &imap_core::types::Fetch<'_>) {
        let mut has = false;
        for item in &fetch.items {
            match item {
                FetchItem::Envelope(_) if workload == Workload::Envelope => has = true,
                FetchItem::BodySection { data, .. } if workload == Workload::Bodies => {
                    has = true;
                    self.body_bytes += data.as_ref().map_or(0, |d| d.as_bytes().len() as u64);
                }
                _ => {}
            }
        }
        self.messages += usize::from(has);
    }
}

/// [`Client::fetch_each`]: counts and sizes are taken in the callback, while
/// each message is still borrowed from the read buffer.
fn imap_core_each(workload: Workload, t: &Target) -> Result<Sample, String> {
    let options = ClientOptions::default().with_allow_plaintext_login(true);
    let mut client = Client::connect("127.0.0.1", t.port, TlsMode::None, &options).map_err(|e| e.to_string())?;
    client.login(&t.user, &t.password).map_err(|e| format!("LOGIN: {e}"))?;
    client.select_folder(workload.mailbox(), false).map_err(|e| format!("SELECT: {e}"))?;
    let clock = start();
    let mut tally = Tally::default();
    client
        .fetch_each(SeqSet::all(), workload.core_items(), |fetch| tally.add(workload, fetch))
        .map_err(|e| format!("FETCH: {e}"))?;
    let (wall, cpu) = stop(clock);
    client.logout().ok();
    Ok(Sample { wall, cpu, messages: tally.messages, body_bytes: tally.body_bytes, ..Sample::default() })
}

// ---------------------------------------------------------------- imap crate

fn imap_crate(workload: Workload, t: &Target) -> Result<Sample, String> {
    let stream = TcpStream::connect(("127.0.0.1", t.port)).map_err(|e| format!("connect: {e}"))?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    let mut client = imap::Client::new(stream);
    client.read_greeting().map_err(|e| format!("greeting: {e}"))?;
    let mut session = client.login(&t.user, &t.password).map_err(|(e, _)| format!("LOGIN: {e}"))?;
    session.select(workload.mailbox()).map_err(|e| format!("SELECT: {e}"))?;
    let clock = start();
    let fetches = session.uid_fetch("1:*", workload.wire_items()).map_err(|e| format!("UID FETCH: {e}"))?;
    let mut messages = 0;
    let mut body_bytes = 0u64;
    for fetch in fetches.iter() {
        match workload {
            Workload::Envelope => messages += usize::from(fetch.envelope().is_some()),
            Workload::Bodies => {
                if let Some(body) = fetch.body() {
                    messages += 1;
                    body_bytes += body.len() as u64;
                }
            }
        }
    }
    let (wall, cpu) = stop(clock);
    drop(fetches);
    session.logout().ok();
    Ok(Sample { wall, cpu, messages, body_bytes, ..Sample::default() })
}

// ---------------------------------------------------------------- Python IMAPClient

/// The IMAPClient version installed into the venv.
pub const IMAPCLIENT_VERSION: &str = "4.1.0";

/// Python IMAPClient in a venv, and the script that runs a workload.
#[derive(Debug, Clone)]
pub struct Python {
    /// The venv's interpreter.
    pub exe: PathBuf,
    /// `benches/imapclient_fetch.py`.
    pub script: PathBuf,
    /// `python --version` and the IMAPClient version, for the report.
    pub version: String,
}

impl Python {
    /// Uses `venv` (e.g. `target/bench-venv`), creating it with `python3 -m
    /// venv` and installing IMAPClient with pip if it is not there yet.
    pub fn ensure(venv: &Path, script: &Path) -> Result<Python, String> {
        let exe = venv.join("bin/python");
        let probe = |exe: &Path| -> Option<String> {
            let out = Command::new(exe)
                .args(["-c", "import sys, imapclient; print(sys.version.split()[0], imapclient.__version__)"])
                .stderr(Stdio::null())
                .output()
                .ok()?;
            out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        };
        let wanted = |v: &str| v.ends_with(&format!(" {IMAPCLIENT_VERSION}"));
        let version = match probe(&exe) {
            Some(v) if wanted(&v) => v,
            _ => {
                eprintln!("e2e: creating {} and installing imapclient=={IMAPCLIENT_VERSION} (once)", venv.display());
                if !exe.exists() {
                    sh(Command::new("python3").arg("-m").arg("venv").arg(venv), "python3 -m venv")?;
                }
                sh(
                    Command::new(venv.join("bin/pip")).args([
                        "install",
                        "--quiet",
                        "--disable-pip-version-check",
                        &format!("imapclient=={IMAPCLIENT_VERSION}"),
                    ]),
                    "pip install imapclient",
                )?;
                probe(&exe).filter(|v| wanted(v)).ok_or("imapclient does not import after pip install")?
            }
        };
        let (py, ic) = version.split_once(' ').unwrap_or((&version, "?"));
        Ok(Python { exe, script: script.to_path_buf(), version: format!("Python {py}, IMAPClient {ic}") })
    }

    fn run(&self, workload: Workload, t: &Target) -> Result<Sample, String> {
        let before = CpuSnapshot::now();
        let started = Instant::now();
        let out = Command::new(&self.exe)
            .arg(&self.script)
            .args(["--port", &t.port.to_string(), "--user", &t.user, "--password", &t.password])
            .args(["--workload", workload.name(), "--mailbox", workload.mailbox()])
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run {}: {e}", self.exe.display()))?;
        let process_wall = started.elapsed();
        let process_cpu = CpuSnapshot::now().since(&before).children;
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            return Err(format!(
                "the script failed ({}):\n{stdout}{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        // One line: `count=N bytes=N wall=SECONDS cpu=SECONDS`.
        let field = |name: &str| -> Result<&str, String> {
            stdout
                .split_ascii_whitespace()
                .find_map(|w| w.strip_prefix(name).and_then(|w| w.strip_prefix('=')))
                .ok_or_else(|| format!("no {name}= in the script's output: {stdout:?}"))
        };
        let secs = |name: &str| -> Result<Duration, String> {
            let s: f64 = field(name)?.parse().map_err(|e| format!("{name}: {e}"))?;
            Ok(Duration::from_secs_f64(s.max(0.0)))
        };
        Ok(Sample {
            wall: secs("wall")?,
            cpu: secs("cpu")?,
            messages: field("count")?.parse().map_err(|e| format!("count: {e}"))?,
            body_bytes: field("bytes")?.parse().map_err(|e| format!("bytes: {e}"))?,
            wire_bytes: None,
            process_wall: Some(process_wall),
            process_cpu: Some(process_cpu),
        })
    }
}

/// Runs a setup command, failing with its output.
fn sh(command: &mut Command, what: &str) -> Result<(), String> {
    let out = command.stdin(Stdio::null()).output().map_err(|e| format!("{what}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_sizes() {
        assert_eq!(literal_size(b"* 1 FETCH (BODY[] {123}\r\n"), Some(123));
        assert_eq!(literal_size(b"a {5+}\r\n"), Some(5));
        assert_eq!(literal_size(b"* 1 FETCH (FLAGS ())\r\n"), None);
        assert_eq!(literal_size(b"x {}\r\n"), None);
        assert!(is_fetch(b"12 FETCH (UID 3)"));
        assert!(!is_fetch(b"12 EXISTS"));
    }
}
