//! Streaming a 100 MB message (`BODY.PEEK[]`) to a file from the harness's
//! Dovecot on 127.0.0.1: peak resident memory of the process, side by side
//! with imap-core's buffered `Client::fetch` and the `imap` crate
//! (issue 5, item 4).
//!
//! ```sh
//! cargo run --release -p benches --bin stream                 # 100 MB, 3 rounds
//! cargo run --release -p benches --bin stream -- --size-mb 20 --reps 1
//! ```
//!
//! Each client runs in a child process of its own (this binary again, with
//! `--child`), so that each peak is its own: the child reads its peak
//! resident set (`VmHWM` of `/proc/self/status`, the kernel's high-water
//! mark that `getrusage`'s `ru_maxrss` reports) after the fetch and prints
//! it. The message is appended by another child, so that its 100 MB never
//! count in a measured process. Every client's file is checked: its length
//! and FNV-1a hash must be those of the generated message.
#![forbid(unsafe_code)]

use benches::e2e::server::{Dovecot, PASSWORD, USER};
use benches::memory::status_kib;
use imap_core::client::{Client, ClientOptions, TlsMode};
use imap_core::command::{FetchAttr, Section};
use imap_core::reactor::TlsOptions;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

/// Folder the message goes in.
const FOLDER: &str = "big";
/// Target of the issue: peak RSS of the streaming process.
const TARGET_PEAK_MIB: f64 = 16.0;

/// The clients measured, each in its own process.
const CLIENTS: [&str; 4] = ["imap-core-stream-tls", "imap-core-stream", "imap-core-fetch", "imap"];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = if args.first().map(String::as_str) == Some("--child") { child(&args[1..]) } else { parent(&args) };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("stream: {e}");
            ExitCode::FAILURE
        }
    }
}

// ------------------------------------------------------------------ the message

/// The message of `size` bytes, generated in pieces (numbered CRLF lines
/// after a header), so that the parent can hash it without holding it.
fn message_pieces(size: usize, mut each: impl FnMut(&[u8])) {
    let header = format!(
        "From: Ann <ann@example.com>\r\nTo: bob@example.org\r\nSubject: a {} MB message\r\n\
         Message-ID: <stream-bench@example.com>\r\nContent-Type: text/plain\r\n\r\n",
        size / 1_000_000
    );
    let mut left = size;
    let mut line = Vec::with_capacity(128);
    let take = |bytes: &[u8], left: &mut usize, each: &mut dyn FnMut(&[u8])| {
        let n = bytes.len().min(*left);
        each(&bytes[..n]);
        *left -= n;
    };
    take(header.as_bytes(), &mut left, &mut each);
    let mut i = 0u64;
    while left > 0 {
        line.clear();
        let x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        write!(line, "{i:010} {x:016x} streaming a large body, line by line, to a file ...\r\n").ok();
        if left < line.len() {
            // End on a line ending whatever the size.
            line.truncate(left.saturating_sub(2));
            line.extend_from_slice(b"\r\n");
            line.truncate(left);
        }
        take(&line, &mut left, &mut each);
        i += 1;
    }
}

/// FNV-1a, 64 bits: enough to tell a lost or reordered chunk.
#[derive(Clone, Copy)]
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn add(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

fn hash_file(path: &Path) -> Result<(u64, u64), String> {
    let mut file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut buf = vec![0; 1 << 20];
    let (mut len, mut hash) = (0u64, Fnv::new());
    loop {
        let n = file.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            return Ok((len, hash.0));
        }
        len += n as u64;
        hash.add(&buf[..n]);
    }
}

// ------------------------------------------------------------------ the parent

struct Row {
    client: &'static str,
    wall_ms: Vec<f64>,
    peak_kib: Vec<u64>,
    base_kib: Vec<u64>,
}

fn parent(args: &[String]) -> Result<(), String> {
    let (mut size_mb, mut reps) = (100usize, 3usize);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut number = || it.next().and_then(|n| n.parse().ok()).filter(|&n: &usize| n > 0);
        match arg.as_str() {
            "--size-mb" => size_mb = number().ok_or("--size-mb: a number > 0")?,
            "--reps" => reps = number().ok_or("--reps: a number > 0")?,
            _ => return Err(format!("unknown argument {arg}\nusage: stream [--size-mb N] [--reps N]")),
        }
    }
    let size = size_mb * 1_000_000;
    let dovecot = Dovecot::start()?;
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let port = dovecot.port.to_string();
    let tls_port = dovecot.tls_port.to_string();
    let ca = dovecot.ca();
    let run_child = |what: &str, extra: &[&str]| -> Result<String, String> {
        let out = Command::new(&exe)
            .args(["--child", what, "--port", &port, "--tls-port", &tls_port, "--size", &size.to_string()])
            .arg("--ca")
            .arg(&ca)
            .args(extra)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
        if !out.status.success() {
            return Err(format!("child {what} failed: {}", String::from_utf8_lossy(&out.stderr).trim()));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };

    let started = Instant::now();
    run_child("append", &[])?;
    let append_s = started.elapsed().as_secs_f64();
    let (mut expected_len, mut expected) = (0u64, Fnv::new());
    message_pieces(size, |piece| {
        expected_len += piece.len() as u64;
        expected.add(piece);
    });

    let dir = std::env::temp_dir().join(format!("imap-stream-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let mut rows: Vec<Row> = CLIENTS
        .iter()
        .map(|&client| Row { client, wall_ms: Vec::new(), peak_kib: Vec::new(), base_kib: Vec::new() })
        .collect();
    for round in 0..reps {
        for k in 0..rows.len() {
            // The order rotates each round.
            let row = &mut rows[(k + round) % CLIENTS.len()];
            let file = dir.join(format!("{}.eml", row.client));
            let out = run_child(row.client, &["--out", file.to_str().ok_or("temp dir is not UTF-8")?])?;
            let field = |name: &str| -> Result<f64, String> {
                out.split_whitespace()
                    .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('=')?.parse().ok())
                    .ok_or_else(|| format!("no {name}= in the output of {}: {out:?}", row.client))
            };
            let (len, hash) = hash_file(&file)?;
            if (len, hash) != (expected_len, expected.0) {
                return Err(format!("{} wrote {len} bytes (hash {hash:x}), expected {expected_len}", row.client));
            }
            std::fs::remove_file(&file).ok();
            row.wall_ms.push(field("wall_ms")?);
            row.peak_kib.push(field("peak_kib")? as u64);
            row.base_kib.push(field("base_kib")? as u64);
        }
    }
    std::fs::remove_dir_all(&dir).ok();
    report(&rows, size, reps, append_s);
    Ok(())
}

fn median<T: Copy + PartialOrd>(v: &[T]) -> T {
    let mut v = v.to_vec();
    v.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
    v[v.len() / 2]
}

fn report(rows: &[Row], size: usize, reps: usize, append_s: f64) {
    let mib = |kib: u64| kib as f64 / 1024.0;
    println!(
        "# stream: BODY.PEEK[] of one {:.1} MB message from Dovecot on 127.0.0.1 to a file; {reps} round(s), \
         each client in its own process (order rotates); medians",
        size as f64 / 1e6
    );
    println!("# (appended untimed by another process in {append_s:.1} s)");
    println!();
    println!(
        "{:<22} {:>10} {:>9} {:>14} {:>14} {:>12}",
        "client", "wall ms", "MB/s", "peak RSS MiB", "before MiB", "max peak MiB"
    );
    for row in rows {
        let wall = median(&row.wall_ms);
        println!(
            "{:<22} {:>10.1} {:>9.1} {:>14.1} {:>14.1} {:>12.1}",
            row.client,
            wall,
            size as f64 / 1e6 / (wall / 1e3),
            mib(median(&row.peak_kib)),
            mib(median(&row.base_kib)),
            mib(*row.peak_kib.iter().max().expect("at least one round")),
        );
    }
    println!();
    println!("peak RSS: VmHWM of the client's own process (what getrusage's ru_maxrss reports), read after the fetch;");
    println!("before: its RSS (VmRSS) after connect, LOGIN and SELECT, just before the fetch.");
    println!(
        "imap-core-stream*: Client::fetch_body_to(uid, Section::full(), BufWriter<File>); -tls over verified TLS."
    );
    println!("imap-core-fetch: Client::fetch (the whole message in memory), then written; imap: imap 2.4.1 uid_fetch, then written.");
    println!(
        "caveat: a shared 2-core machine (other builds may run meanwhile), Dovecot on the same cores: \
         times move from run to run; the memory figures do not."
    );
    let peak = |name: &str| rows.iter().find(|r| r.client == name).map(|r| median(&r.peak_kib) as f64);
    let stream_peak = peak("imap-core-stream").unwrap_or(f64::NAN);
    let tls_peak = peak("imap-core-stream-tls").unwrap_or(f64::NAN);
    let worst = stream_peak.max(tls_peak) / 1024.0;
    println!(
        "target: peak RSS of the streaming client at most {TARGET_PEAK_MIB:.0} MiB: {worst:.1} MiB, {}",
        if worst <= TARGET_PEAK_MIB { "met" } else { "NOT met" }
    );
    for peer in ["imap-core-fetch", "imap"] {
        if let Some(p) = peak(peer) {
            println!("ratio stream peak RSS {peer} vs imap-core-stream: {:.2}", p / stream_peak);
        }
    }
    let wall = |name: &str| rows.iter().find(|r| r.client == name).map(|r| median(&r.wall_ms));
    if let (Some(s), Some(i)) = (wall("imap-core-stream"), wall("imap")) {
        println!("ratio stream wall imap vs imap-core-stream: {:.2}", i / s);
    }
}

// ------------------------------------------------------------------ the children

fn child(args: &[String]) -> Result<(), String> {
    let what = args.first().ok_or("--child needs a client")?.clone();
    let value = |name: &str| -> Result<&str, String> {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map(String::as_str)
            .ok_or_else(|| format!("--child {what}: missing {name}"))
    };
    let port: u16 = value("--port")?.parse().map_err(|_| "--port")?;
    let tls_port: u16 = value("--tls-port")?.parse().map_err(|_| "--tls-port")?;
    let size: usize = value("--size")?.parse().map_err(|_| "--size")?;
    let ca = PathBuf::from(value("--ca")?);
    if what == "append" {
        return append(port, size);
    }
    let out = PathBuf::from(value("--out")?);
    let (wall, base) = match what.as_str() {
        "imap-core-stream-tls" => core_stream(TlsMode::Implicit, tls_port, &ca, &out)?,
        "imap-core-stream" => core_stream(TlsMode::None, port, &ca, &out)?,
        "imap-core-fetch" => core_fetch(port, &out)?,
        "imap" => imap_crate(port, &out)?,
        other => return Err(format!("unknown client {other}")),
    };
    let peak = status_kib("VmHWM")?;
    println!("wall_ms={:.3} peak_kib={peak} base_kib={base}", wall * 1e3);
    Ok(())
}

fn options(ca: Option<&Path>) -> ClientOptions {
    let tls = match ca {
        Some(ca) => TlsOptions::new().add_ca_file(ca),
        None => TlsOptions::new(),
    };
    ClientOptions::default().with_tls(tls).with_allow_plaintext_login(true)
}

fn append(port: u16, size: usize) -> Result<(), String> {
    let mut message = Vec::with_capacity(size);
    message_pieces(size, |piece| message.extend_from_slice(piece));
    let mut c = Client::connect("127.0.0.1", port, TlsMode::None, &options(None)).map_err(|e| e.to_string())?;
    c.login(USER, PASSWORD).map_err(|e| format!("LOGIN: {e}"))?;
    let _ = c.delete_folder(FOLDER);
    c.create_folder(FOLDER).map_err(|e| format!("CREATE: {e}"))?;
    c.append(FOLDER, &message, &[], None).map_err(|e| format!("APPEND: {e}"))?;
    c.logout().ok();
    Ok(())
}

/// Logged in, `FOLDER` selected; returns the client and its RSS (KiB).
fn core_client(mode: TlsMode, port: u16, ca: &Path) -> Result<(Client, u64), String> {
    let host = if mode == TlsMode::None { "127.0.0.1" } else { "localhost" };
    let mut c = Client::connect(host, port, mode, &options(Some(ca))).map_err(|e| e.to_string())?;
    c.login(USER, PASSWORD).map_err(|e| format!("LOGIN: {e}"))?;
    c.select_folder(FOLDER, true).map_err(|e| format!("SELECT: {e}"))?;
    let base = status_kib("VmRSS")?;
    Ok((c, base))
}

fn core_stream(mode: TlsMode, port: u16, ca: &Path, out: &Path) -> Result<(f64, u64), String> {
    let (mut c, base) = core_client(mode, port, ca)?;
    let started = Instant::now();
    let mut file = BufWriter::new(std::fs::File::create(out).map_err(|e| e.to_string())?);
    c.fetch_body_to(1, Section::full(), &mut file).map_err(|e| format!("FETCH: {e}"))?;
    drop(file);
    let wall = started.elapsed().as_secs_f64();
    c.logout().ok();
    Ok((wall, base))
}

fn core_fetch(port: u16, out: &Path) -> Result<(f64, u64), String> {
    let (mut c, base) = core_client(TlsMode::None, port, Path::new("/nonexistent"))?;
    let started = Instant::now();
    let items = vec![FetchAttr::BodySection { section: Section::full(), partial: None, peek: true }];
    let fetches = c.fetch(1, items).map_err(|e| format!("FETCH: {e}"))?;
    let body = fetches.first().and_then(|f| f.section("")).ok_or("no BODY[] in the FETCH")?;
    std::fs::write(out, body).map_err(|e| e.to_string())?;
    let wall = started.elapsed().as_secs_f64();
    drop(fetches);
    c.logout().ok();
    Ok((wall, base))
}

fn imap_crate(port: u16, out: &Path) -> Result<(f64, u64), String> {
    let stream = std::net::TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("connect: {e}"))?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    let mut client = imap::Client::new(stream);
    client.read_greeting().map_err(|e| format!("greeting: {e}"))?;
    let mut session = client.login(USER, PASSWORD).map_err(|(e, _)| format!("LOGIN: {e}"))?;
    session.examine(FOLDER).map_err(|e| format!("EXAMINE: {e}"))?;
    let base = status_kib("VmRSS")?;
    let started = Instant::now();
    let fetches = session.uid_fetch("1", "BODY.PEEK[]").map_err(|e| format!("UID FETCH: {e}"))?;
    let body = fetches.iter().find_map(|f| f.body()).ok_or("no BODY[] in the FETCH")?;
    std::fs::write(out, body).map_err(|e| e.to_string())?;
    let wall = started.elapsed().as_secs_f64();
    drop(fetches);
    session.logout().ok();
    Ok((wall, base))
}
