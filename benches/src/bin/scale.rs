//! 1,000 concurrent TLS sessions on one reactor thread against the harness's
//! Dovecot on 127.0.0.1 (issue 5, item 3): each logs in, selects INBOX and
//! IDLEs; then messages appended from another connection must reach every
//! session as an `EXISTS` event.
//!
//! ```sh
//! cargo run --release -p benches --bin scale                    # 1,000 sessions, 3 appends
//! cargo run --release -p benches --bin scale -- --sessions 200 --rounds 1
//! cargo run --release -p benches --bin scale -- --plain     # no TLS: what TLS costs per session
//! ```
//!
//! It prints the time to bring every session up (TCP, verified TLS, greeting,
//! LOGIN, SELECT, IDLE accepted), the resident memory each idle session adds
//! (VmRSS after, minus before, over the count), and for each append the
//! fan-out latency: from sending APPEND to each session's `EXISTS` event
//! (median, 90th percentile, last session).
#![forbid(unsafe_code)]

use benches::e2e::server::{Dovecot, PASSWORD, USER};
use benches::memory::status_kib;
use imap_core::client::{Client, ClientOptions, SessionId, Sessions, TlsMode};
use imap_core::command::Command;
use imap_core::reactor::TlsOptions;
use imap_core::session::{Event, Tag};
use imap_core::types::{Data, Response};
use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Target of the issue: resident memory per idle session.
const TARGET_KIB: f64 = 64.0;
/// Sessions between connecting and idling at any time: more would overflow
/// Dovecot's listen backlog (SYN retries cost a second each).
const RAMP: usize = 64;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("scale: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Where one session is on its way to IDLE.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Phase {
    Connecting,
    LoggingIn { login: Tag, select: Tag },
    Selecting { select: Tag },
    StartingIdle,
    Idling,
}

fn run() -> Result<(), String> {
    let (mut count, mut rounds, mut plain) = (1000usize, 3usize, false);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = || args.next().and_then(|n| n.parse().ok()).filter(|&n: &usize| n > 0);
        match arg.as_str() {
            "--sessions" => count = number().ok_or("--sessions: a number > 0")?,
            "--rounds" => rounds = number().ok_or("--rounds: a number > 0")?,
            "--plain" => plain = true,
            _ => return Err(format!("unknown argument {arg}\nusage: scale [--sessions N] [--rounds N] [--plain]")),
        }
    }
    benches::memory::raise_fd_limit(count as u64 + 64)?;
    let dovecot = Dovecot::start()?;
    let options = ClientOptions::default()
        .with_tls(TlsOptions::new().add_ca_file(dovecot.ca()))
        .with_allow_plaintext_login(plain);
    let (mode, session_port, how) = if plain {
        (TlsMode::None, dovecot.port, "plain TCP (no TLS)")
    } else {
        (TlsMode::Implicit, dovecot.tls_port, "verified TLS (implicit, private CA)")
    };

    // The appender: its own thread and connection, logged in before the
    // measurements; it appends when told and reports when it sent APPEND.
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let (sent_tx, sent_rx) = mpsc::channel::<Result<(Instant, Instant), String>>();
    let port = dovecot.port;
    let appender = std::thread::spawn(move || {
        let options = ClientOptions::default().with_allow_plaintext_login(true);
        let mut c = match Client::connect("127.0.0.1", port, TlsMode::None, &options) {
            Ok(c) => c,
            Err(e) => return sent_tx.send(Err(format!("appender: {e}"))).unwrap_or(()),
        };
        if let Err(e) = c.login(USER, PASSWORD) {
            return sent_tx.send(Err(format!("appender LOGIN: {e}"))).unwrap_or(());
        }
        let message = b"From: a@example.com\r\nTo: b@example.com\r\nSubject: fan-out\r\n\r\nhello\r\n";
        while go_rx.recv().is_ok() {
            let sent = Instant::now();
            let result = c.append("INBOX", message, &[], None).map_err(|e| format!("APPEND: {e}"));
            if sent_tx.send(result.map(|_| (sent, Instant::now()))).is_err() {
                break;
            }
        }
        c.logout().ok();
    });

    let base_kib = status_kib("VmRSS")?;
    let mut sessions = Sessions::new().map_err(|e| e.to_string())?;
    let started = Instant::now();
    let mut phases: HashMap<SessionId, Phase> = HashMap::new();
    let mut connected = 0;
    let mut idling = 0;
    let deadline = started + Duration::from_secs(600);
    while idling < count {
        if Instant::now() > deadline {
            return Err(format!("only {idling} of {count} sessions idle after 10 minutes"));
        }
        while connected < count && connected - idling < RAMP {
            let id = sessions.connect("localhost", session_port, mode, &options).map_err(|e| e.to_string())?;
            phases.insert(id, Phase::Connecting);
            connected += 1;
        }
        for (id, event) in sessions.poll(Some(Duration::from_millis(50))).map_err(|e| e.to_string())? {
            let phase = phases.get_mut(&id).ok_or("an event of an unknown session")?;
            match (&*phase, event) {
                (Phase::Connecting, Event::Greeting(_)) => {
                    let login =
                        Command::Login { user: USER.as_bytes().to_vec(), password: PASSWORD.as_bytes().to_vec() };
                    let login = sessions.submit(id, login).map_err(|e| e.to_string())?;
                    let select = Command::Select { mailbox: "INBOX".into(), condstore: false };
                    let select = sessions.submit(id, select).map_err(|e| e.to_string())?;
                    *phase = Phase::LoggingIn { login, select };
                }
                (Phase::LoggingIn { login, select }, Event::Completed { tag, result }) if &tag == login => {
                    result.map_err(|e| format!("LOGIN: {e}"))?;
                    *phase = Phase::Selecting { select: select.clone() };
                }
                (Phase::Selecting { select }, Event::Completed { tag, result }) if &tag == select => {
                    result.map_err(|e| format!("SELECT: {e}"))?;
                    sessions.submit(id, Command::Idle).map_err(|e| e.to_string())?;
                    *phase = Phase::StartingIdle;
                }
                (Phase::StartingIdle, Event::Idling(_)) => {
                    *phase = Phase::Idling;
                    idling += 1;
                }
                (_, Event::Closed(e)) => return Err(format!("a session closed while coming up: {e:?}")),
                (_, Event::Completed { result: Err(e), .. }) => return Err(format!("a command failed: {e}")),
                _ => {}
            }
        }
    }
    let bring_up = started.elapsed();
    // Let the last reads and writes settle, then measure.
    for _ in 0..5 {
        sessions.poll(Some(Duration::from_millis(100))).map_err(|e| e.to_string())?;
    }
    let idle_kib = status_kib("VmRSS")?;
    let per_session = (idle_kib.saturating_sub(base_kib)) as f64 / count as f64;

    let mut fanouts = Vec::new();
    for _ in 0..rounds {
        go_tx.send(()).map_err(|_| "the appender stopped")?;
        let mut got: HashMap<SessionId, Instant> = HashMap::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut append = None;
        while got.len() < count || append.is_none() {
            if Instant::now() > deadline {
                return Err(format!("only {} of {count} sessions saw the new message within 60 s", got.len()));
            }
            if append.is_none() {
                if let Ok(result) = sent_rx.try_recv() {
                    append = Some(result?);
                }
            }
            for (id, event) in sessions.poll(Some(Duration::from_millis(5))).map_err(|e| e.to_string())? {
                match event {
                    Event::Unsolicited(Response::Data(Data::Exists(_))) => {
                        got.entry(id).or_insert_with(Instant::now);
                    }
                    Event::Closed(e) => return Err(format!("a session closed while idle: {e:?}")),
                    _ => {}
                }
            }
        }
        let (sent, acked) = append.expect("the loop waits for it");
        let mut latencies: Vec<f64> =
            got.values().map(|t| t.saturating_duration_since(sent).as_secs_f64() * 1e3).collect();
        latencies.sort_by(|a, b| a.total_cmp(b));
        fanouts.push((latencies, acked.saturating_duration_since(sent).as_secs_f64() * 1e3));
    }
    drop(go_tx);
    appender.join().map_err(|_| "the appender panicked")?;

    println!("# scale: {count} sessions over {how} on one reactor thread (imap_core::client::Sessions),");
    println!("# Dovecot 2.3 on 127.0.0.1 (scripts/dovecot.sh config: process_limit 5000, client_limit 20000,");
    println!("# mail_max_userip_connections 5000); at most {RAMP} sessions coming up at a time; each: LOGIN, SELECT INBOX, IDLE");
    println!();
    println!(
        "bring-up: {count} sessions idle after {:.2} s ({:.1} sessions/s)",
        bring_up.as_secs_f64(),
        count as f64 / bring_up.as_secs_f64()
    );
    println!(
        "memory: VmRSS {:.1} MiB before, {:.1} MiB with {count} idle sessions: {per_session:.1} KiB per idle session (target at most {TARGET_KIB:.0} KiB: {})",
        base_kib as f64 / 1024.0,
        idle_kib as f64 / 1024.0,
        if per_session <= TARGET_KIB { "met" } else { "NOT met" }
    );
    println!();
    println!(
        "{:<8} {:>12} {:>12} {:>12} {:>12} {:>14}",
        "append", "APPEND ms", "first ms", "median ms", "p90 ms", "last ms"
    );
    for (i, (latencies, append_ms)) in fanouts.iter().enumerate() {
        let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize];
        println!(
            "{:<8} {:>12.1} {:>12.1} {:>12.1} {:>12.1} {:>14.1}",
            i + 1,
            append_ms,
            at(0.0),
            at(0.5),
            at(0.9),
            at(1.0)
        );
    }
    println!();
    println!("fan-out: from sending APPEND (another connection, another thread) to each session's EXISTS event; APPEND ms: until its OK.");
    println!("Dovecot wakes IDLE sessions by inotify while the mail uid has inotify instances left (fs.inotify.max_user_instances,");
    println!(
        "{} here), the rest by polling every mailbox_idle_check_interval (1 s in the harness config).",
        std::fs::read_to_string("/proc/sys/fs/inotify/max_user_instances")
            .map(|s| s.trim().to_owned())
            .unwrap_or_else(|_| "?".into())
    );
    println!("caveat: a shared 2-core machine, Dovecot (one imap process per session) on the same cores.");
    let lasts: Vec<f64> = fanouts.iter().map(|(l, _)| *l.last().expect("every session")).collect();
    let medians: Vec<f64> = fanouts.iter().map(|(l, _)| l[l.len() / 2]).collect();
    println!("result bring-up s: {:.2}", bring_up.as_secs_f64());
    println!("result KiB per idle session: {per_session:.1}");
    println!("result fan-out median ms: {:.1}", median(&medians));
    println!("result fan-out last session ms: {:.1}", median(&lasts));
    Ok(())
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}
