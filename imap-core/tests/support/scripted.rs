//! A scripted, possibly hostile, IMAP server on 127.0.0.1 for tests.
//!
//! [`Server::start`] binds `127.0.0.1:0`, accepts one connection on its own
//! thread and plays a script of [`Step`]s: send bytes (whole, or in pieces
//! with pauses), expect a client line by prefix (capturing its tag), sleep,
//! close, or run arbitrary code on the socket. Text sent may name captured
//! tags: `{tag}` is the last one, `{tag0}`, `{tag1}`, ... the first, second,
//! ... Every line the client sent is recorded in the [`Transcript`], also
//! while the server only holds the connection open.
#![allow(dead_code)]

use std::io::{self, BufRead, BufReader, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

/// Code run on the server's socket; gets the tags captured so far.
pub type Custom = Box<dyn FnOnce(&mut TcpStream, &[String]) -> io::Result<()> + Send>;

/// One step of a script.
pub enum Step {
    /// Writes these bytes in one `write_all`, after tag substitution.
    Send(Vec<u8>),
    /// Writes each piece, pausing after each (tags substituted).
    Pieces(Vec<(Vec<u8>, Duration)>),
    /// Reads one client line; it must start, after its tag, with this prefix
    /// (ASCII case-insensitive), and the tag is captured; or the whole line
    /// must start with it (`DONE`, a SASL answer), and no tag is captured.
    Expect(&'static str),
    /// Pauses.
    Sleep(Duration),
    /// Runs code on the socket (say, a generator writing a flood).
    Custom(Custom),
    /// Closes: FIN, then waits (recording lines) for the client to close.
    Close,
    /// Drops the socket at once, without waiting for anything.
    Abort,
    /// Keeps the connection open, recording client lines, until the client
    /// closes or this long has passed; then closes.
    HoldOpen(Duration),
}

/// Shorthand constructors.
pub fn send(bytes: impl AsRef<[u8]>) -> Step {
    Step::Send(bytes.as_ref().to_vec())
}

pub fn expect(prefix: &'static str) -> Step {
    Step::Expect(prefix)
}

pub fn sleep_ms(ms: u64) -> Step {
    Step::Sleep(Duration::from_millis(ms))
}

pub fn pieces(parts: &[(&[u8], u64)]) -> Step {
    Step::Pieces(parts.iter().map(|(b, ms)| (b.to_vec(), Duration::from_millis(*ms))).collect())
}

pub fn custom(f: impl FnOnce(&mut TcpStream, &[String]) -> io::Result<()> + Send + 'static) -> Step {
    Step::Custom(Box::new(f))
}

/// A PREAUTH greeting (IMAP4rev1, IDLE, LITERAL+) and an answered SELECT
/// of a mailbox of `exists` messages, then `rest`.
#[allow(dead_code)]
pub fn selected(exists: u32, rest: Vec<Step>) -> Vec<Step> {
    let mut steps = vec![
        send("* PREAUTH [CAPABILITY IMAP4rev1 IDLE LITERAL+] ready\r\n"),
        expect("SELECT"),
        send(format!("* {exists} EXISTS\r\n* FLAGS (\\Seen)\r\n{{tag}} OK [READ-WRITE] selected\r\n")),
    ];
    steps.extend(rest);
    steps
}

/// What the server saw.
#[derive(Debug, Default)]
pub struct Transcript {
    /// Every line received from the client, without its line ending.
    pub received: Vec<String>,
    /// The tags captured by `Expect`.
    pub tags: Vec<String>,
    /// Why the script stopped early, if it did (an `Expect` mismatch, EOF, an
    /// I/O error).
    pub error: Option<String>,
}

impl Transcript {
    /// The received lines without their tags (a line with no space, such as
    /// `DONE`, as it is): what the client asked, in order.
    pub fn commands(&self) -> Vec<&str> {
        self.received.iter().map(|l| l.split_once(' ').map_or(l.as_str(), |(_, rest)| rest)).collect()
    }

    /// Whether any received line contains `needle` (case-insensitive).
    pub fn saw(&self, needle: &str) -> bool {
        let needle = needle.to_ascii_lowercase();
        self.received.iter().any(|l| l.to_ascii_lowercase().contains(&needle))
    }
}

/// A running scripted server.
pub struct Server {
    pub port: u16,
    handle: thread::JoinHandle<Transcript>,
}

/// How long the server waits for the client to connect or to send a line.
const PATIENCE: Duration = Duration::from_secs(10);

impl Server {
    /// Binds 127.0.0.1:0 and plays `steps` on the first connection.
    pub fn start(steps: Vec<Step>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let port = listener.local_addr().unwrap().port();
        let handle = thread::spawn(move || {
            let mut transcript = Transcript::default();
            if let Err(e) = run(listener, steps, &mut transcript) {
                transcript.error.get_or_insert_with(|| e.to_string());
            }
            transcript
        });
        Server { port, handle }
    }

    /// Waits for the script to end and returns what the server saw.
    pub fn join(self) -> Transcript {
        self.handle.join().expect("the scripted server panicked")
    }
}

fn accept(listener: &TcpListener) -> io::Result<TcpStream> {
    listener.set_nonblocking(true)?;
    let deadline = Instant::now() + PATIENCE;
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                stream.set_nonblocking(false)?;
                return Ok(stream);
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock && Instant::now() < deadline => {
                thread::sleep(Duration::from_millis(5));
            }
            Err(e) => return Err(e),
        }
    }
}

fn run(listener: TcpListener, steps: Vec<Step>, t: &mut Transcript) -> io::Result<()> {
    let mut out = accept(&listener)?;
    out.set_nodelay(true)?;
    out.set_read_timeout(Some(PATIENCE))?;
    let mut reader = BufReader::new(out.try_clone()?);
    for step in steps {
        match step {
            Step::Send(bytes) => out.write_all(&substitute(&bytes, &t.tags))?,
            Step::Pieces(parts) => {
                for (bytes, pause) in parts {
                    out.write_all(&substitute(&bytes, &t.tags))?;
                    out.flush()?;
                    thread::sleep(pause);
                }
            }
            Step::Expect(prefix) => {
                let Some(line) = read_line(&mut reader, t)? else {
                    t.error = Some(format!("EOF while expecting {prefix:?}"));
                    return Ok(());
                };
                let (tag, rest) = line.split_once(' ').unwrap_or((&line, ""));
                let starts = |s: &str| s.to_ascii_lowercase().starts_with(&prefix.to_ascii_lowercase());
                if starts(rest) {
                    t.tags.push(tag.to_owned());
                } else if !starts(&line) {
                    // (An untagged client line, such as IDLE's DONE, matches whole.)
                    t.error = Some(format!("expected {prefix:?}, got {line:?}"));
                    return Ok(());
                }
            }
            Step::Sleep(pause) => thread::sleep(pause),
            Step::Custom(f) => f(&mut out, &t.tags)?,
            Step::Close => {
                out.shutdown(Shutdown::Write)?;
                drain(&mut reader, t, PATIENCE)?;
                return Ok(());
            }
            Step::Abort => return Ok(()),
            Step::HoldOpen(limit) => {
                drain(&mut reader, t, limit)?;
                return Ok(());
            }
        }
    }
    Ok(())
}

/// One client line, recorded; `None` at EOF.
fn read_line(reader: &mut BufReader<TcpStream>, t: &mut Transcript) -> io::Result<Option<String>> {
    let mut raw = Vec::new();
    if reader.read_until(b'\n', &mut raw)? == 0 {
        return Ok(None);
    }
    let line = String::from_utf8_lossy(&raw).trim_end_matches(['\r', '\n']).to_owned();
    t.received.push(line.clone());
    Ok(Some(line))
}

/// Records client lines until EOF, an error (a reset counts as the end) or `limit`.
fn drain(reader: &mut BufReader<TcpStream>, t: &mut Transcript, limit: Duration) -> io::Result<()> {
    let deadline = Instant::now() + limit;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(());
        }
        reader.get_ref().set_read_timeout(Some(left.min(Duration::from_millis(200))))?;
        match read_line(reader, t) {
            Ok(Some(_)) => {}
            Ok(None) => return Ok(()),
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {}
            Err(_) => return Ok(()),
        }
    }
}

/// Replaces `{tag}` (the last captured tag) and `{tagN}` (the N-th, from 0).
fn substitute(bytes: &[u8], tags: &[String]) -> Vec<u8> {
    if !bytes.windows(4).any(|w| w == b"{tag") {
        return bytes.to_vec();
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"{tag") {
            if let Some(close) = bytes[i..].iter().position(|&b| b == b'}') {
                let index = &bytes[i + 4..i + close];
                let tag = if index.is_empty() {
                    tags.last()
                } else {
                    std::str::from_utf8(index).ok().and_then(|s| s.parse::<usize>().ok()).and_then(|n| tags.get(n))
                };
                if let Some(tag) = tag {
                    out.extend_from_slice(tag.as_bytes());
                    i += close + 1;
                    continue;
                }
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}
