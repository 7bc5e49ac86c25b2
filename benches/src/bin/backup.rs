//! `imap-cli backup` of a 2,000-message mailbox against the same work done by
//! a plain Python imaplib script (`benches/backup_imaplib.py`), both on the
//! same private Dovecot on 127.0.0.1 (plain TCP).
//!
//! ```sh
//! cargo run --release -p benches --bin backup              # 5 rounds
//! cargo run --release -p benches --bin backup -- --reps 3
//! ```
//!
//! It builds `imap-cli` in release mode (`cargo build --release -p imap-cli`),
//! starts Dovecot, seeds INBOX with 2,000 messages (untimed), then times both
//! in interleaved rounds (who goes first alternates), each into a fresh
//! directory, checking that each wrote 2,000 files. The last line is
//! `ratio backup vs imaplib: X.XX`: imaplib's median wall time divided by
//! imap-cli's (above 1.00, imap-cli is faster).
#![forbid(unsafe_code)]

use benches::e2e::server::{workspace_root, Dovecot, PASSWORD, USER};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// Messages in the mailbox.
const MESSAGES: usize = 2_000;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("backup: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut reps = 5;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--reps" => {
                reps = args.next().and_then(|n| n.parse().ok()).filter(|&n| n > 0).ok_or("--reps: a number > 0")?
            }
            _ => return Err(format!("unknown argument {arg}\nusage: backup [--reps N]")),
        }
    }
    let root = workspace_root();
    let status = Command::new(env!("CARGO"))
        .args(["build", "--release", "--quiet", "-p", "imap-cli"])
        .current_dir(&root)
        .status()
        .map_err(|e| format!("cargo build: {e}"))?;
    if !status.success() {
        return Err("cargo build --release -p imap-cli failed".into());
    }
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let cli = target.join("release/imap-cli");
    let script = root.join("benches/backup_imaplib.py");

    let dovecot = Dovecot::start()?;
    dovecot.seed(USER, MESSAGES)?;
    let port = dovecot.port.to_string();
    let work = std::env::temp_dir().join(format!("imap-backup-bench-{}", std::process::id()));

    let imap_cli = |dir: &Path| {
        Command::new(&cli)
            .args(["--host", "127.0.0.1", "--port", &port, "--plain", "--allow-plaintext-login", "--user", USER])
            .args(["backup", "--mailbox", "INBOX", "--to"])
            .arg(dir)
            .env("IMAP_PASSWORD", PASSWORD)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .status()
    };
    let imaplib = |dir: &Path| {
        Command::new("python3")
            .arg(&script)
            .args(["--port", &port, "--user", USER, "--password", PASSWORD, "--mailbox", "INBOX", "--to"])
            .arg(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .status()
    };
    type Runner<'a> = (&'static str, &'a dyn Fn(&Path) -> std::io::Result<std::process::ExitStatus>);
    let runners: [Runner<'_>; 2] = [("imap-cli", &imap_cli), ("imaplib", &imaplib)];
    let mut times: [Vec<Duration>; 2] = [Vec::new(), Vec::new()];
    for round in 0..reps {
        for k in 0..2 {
            let i = (k + round) % 2;
            let (name, runner) = runners[i];
            let dir = work.join(format!("{name}-{round}"));
            let started = Instant::now();
            let status = runner(&dir).map_err(|e| format!("{name}: {e}"))?;
            let elapsed = started.elapsed();
            if !status.success() {
                return Err(format!("{name} failed: {status}"));
            }
            let files = std::fs::read_dir(dir.join("INBOX/cur")).map_err(|e| format!("{name}: {e}"))?.count();
            if files != MESSAGES {
                return Err(format!("{name} wrote {files} files, not {MESSAGES}"));
            }
            times[i].push(elapsed);
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
    let _ = std::fs::remove_dir_all(&work);
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let (cli_median, py_median) = (median(&mut times[0]), median(&mut times[1]));
    println!("backup of {MESSAGES} messages (INBOX, seeded), median of {reps} rounds, wall time:");
    for (i, (name, _)) in runners.iter().enumerate() {
        let all: Vec<String> = times[i].iter().map(|t| format!("{:.3}", t.as_secs_f64())).collect();
        println!("  {name:<9} {:>8.3} s   (samples: {})", [cli_median, py_median][i].as_secs_f64(), all.join(" "));
    }
    println!("caveat: one machine, loopback, fsync per message on both sides; shared cores skew small differences");
    println!("ratio backup vs imaplib: {:.2}", py_median.as_secs_f64() / cli_median.as_secs_f64());
    Ok(())
}
