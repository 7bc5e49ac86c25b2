//! Soak under faults (issue 17, item 7): 1,000 sessions on one `Sessions`
//! reactor for 5 minutes against the harness's Dovecot on 127.0.0.1, through
//! a local proxy that drops, resets, stalls and trickles connections. Each
//! session logs in, then loops SELECT, FETCH, IDLE, DONE, and reconnects
//! after any failure.
//!
//! ```sh
//! cargo run --release -p benches --bin soak                          # 1,000 sessions, 300 s, TLS
//! cargo run --release -p benches --bin soak -- --sessions 100 --duration 60 --plain
//! ```
//!
//! Flags: `--sessions N` (1000), `--duration SECS` (300), `--seed N` (17),
//! `--faults PERCENT` of connections faulted (40), `--messages N` in INBOX
//! (50), `--every SECS` between progress lines (30), `--plain` (no TLS).
//!
//! Prints a progress line on stderr every 30 s and the report on stdout:
//! sessions, operations by kind, reconnects, faults injected by kind,
//! errors by typed kind, stuck sessions, anomalies, peak RSS and RSS over
//! time. Exits non-zero if a session got stuck past a deadline, anything
//! panicked, or the driver saw an anomaly.
//! Not a timed test: nothing here is compared against a time target.
#![forbid(unsafe_code)]

use benches::e2e::cpu::CpuSnapshot;
use benches::e2e::server::Dovecot;
use benches::memory::{raise_fd_limit, status_kib};
use benches::soak::driver::{Deadlines, Driver, Settings};
use benches::soak::proxy::{Proxy, ProxyConfig};
use benches::soak::report::{final_report, progress_line, RunInfo, Sample};
use imap_core::client::{ClientOptions, TlsMode};
use imap_core::reactor::{Timeouts, TlsOptions};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Panics anywhere in the process (the proxy's threads included).
static PANICS: AtomicUsize = AtomicUsize::new(0);

/// The library's limits for every session: short, so that a stalled
/// connection is noticed within seconds, many times over in a run.
const CONNECT: Duration = Duration::from_secs(5);
const READ: Duration = Duration::from_secs(10);
const KEEPALIVE: Duration = Duration::from_secs(5);
/// IDLE is renewed this often, the renewal's answer due within
/// `IDLE_ANSWER`: a dead peer during IDLE is noticed within 7 s. The read
/// limit must be longer than the renewal interval (it is armed during IDLE
/// too), which 10 s is.
const IDLE_RENEW: Duration = Duration::from_secs(4);
const IDLE_ANSWER: Duration = Duration::from_secs(3);
/// The proxy's longest trickle, and the slack the driver adds to the
/// library's bound for each step's deadline.
const TRICKLE_MAX: Duration = Duration::from_secs(15);
const SLACK: Duration = Duration::from_secs(30);

struct Args {
    sessions: usize,
    duration: Duration,
    seed: u64,
    faults: u64,
    messages: u32,
    every: Duration,
    plain: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        sessions: 1000,
        duration: Duration::from_secs(300),
        seed: 17,
        faults: 40,
        messages: 50,
        every: Duration::from_secs(30),
        plain: false,
    };
    let usage = "usage: soak [--sessions N] [--duration SECS] [--seed N] [--faults PERCENT] [--messages N] [--every SECS] [--plain]";
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = |what: &str| {
            args.next().and_then(|n| n.parse::<u64>().ok()).ok_or_else(|| format!("{what}: a number\n{usage}"))
        };
        match arg.as_str() {
            "--sessions" => a.sessions = number("--sessions")?.max(1) as usize,
            "--duration" => a.duration = Duration::from_secs(number("--duration")?),
            "--seed" => a.seed = number("--seed")?,
            "--faults" => a.faults = number("--faults")?.min(100),
            "--messages" => a.messages = number("--messages")?.clamp(1, 100_000) as u32,
            "--every" => a.every = Duration::from_secs(number("--every")?.max(1)),
            "--plain" => a.plain = true,
            _ => return Err(format!("unknown argument {arg}\n{usage}")),
        }
    }
    Ok(a)
}

fn main() -> ExitCode {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICS.fetch_add(1, Ordering::Relaxed);
        default_hook(info);
    }));
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("soak: {e}");
            ExitCode::from(2)
        }
    }
}

/// Runs the soak; `Ok(false)` if a session got stuck, anything panicked, or
/// the driver saw an anomaly (a short result presented as complete, a
/// refused DONE, an event out of place).
fn run() -> Result<bool, String> {
    let args = parse_args()?;
    // The sessions' sockets, the proxy's two per connection (stalled ones
    // linger up to a minute after the client gave up), and some room.
    raise_fd_limit(args.sessions as u64 * 4 + 512)?;
    let dovecot = Dovecot::start()?;
    dovecot.seed(benches::e2e::server::USER, args.messages as usize)?;

    let fault_config = ProxyConfig {
        upstream: ([127, 0, 0, 1], if args.plain { dovecot.port } else { dovecot.tls_port }).into(),
        seed: args.seed,
        fault_percent: args.faults,
        fault_after_max: Duration::from_secs(40),
        fault_bytes_max: 64 * 1024,
        stall_for: Duration::from_secs(60),
        trickle_max: TRICKLE_MAX,
    };
    let proxy = Proxy::start(fault_config.clone()).map_err(|e| format!("proxy: {e}"))?;

    let options = ClientOptions::default()
        .with_tls(TlsOptions::new().add_ca_file(dovecot.ca()))
        .with_allow_plaintext_login(args.plain)
        .with_timeouts(Timeouts::default().with_connect(CONNECT).with_read(Some(READ)).with_keepalive(Some(KEEPALIVE)))
        .with_idle_renew(IDLE_RENEW)
        .with_idle_answer_timeout(IDLE_ANSWER);
    let deadlines = Deadlines::for_options(&options, TRICKLE_MAX, SLACK);
    let settings = Settings {
        sessions: args.sessions,
        // The server certificate names 127.0.0.1 too: verified TLS, and no
        // resolver that might answer ::1 where the proxy does not listen.
        host: "127.0.0.1".into(),
        port: proxy.addr.port(),
        mode: if args.plain { TlsMode::None } else { TlsMode::Implicit },
        options,
        messages: args.messages,
        ramp: 64,
        seed: args.seed,
        deadlines,
        idle_ms: (500, 12_000),
        rounds: (2, 8),
        backoff_ms: (100, 2_000),
    };
    let header = vec![
        format!(
            "soak: {} sessions on one imap_core::client::Sessions reactor, {} s, {} through a fault-injecting proxy on {} to Dovecot on 127.0.0.1",
            args.sessions,
            args.duration.as_secs(),
            if args.plain { "plain TCP" } else { "verified TLS (implicit)" },
            proxy.addr
        ),
        format!(
            "each session: LOGIN, then rounds of SELECT INBOX, FETCH 1:{} (UID FLAGS ENVELOPE) + FETCH n (RFC822.SIZE BODY.PEEK[]), IDLE {:.1}-{:.0} s, DONE; LOGOUT after {}-{} rounds",
            settings.messages.min(10),
            settings.idle_ms.0 as f64 / 1e3,
            settings.idle_ms.1 as f64 / 1e3,
            settings.rounds.0,
            settings.rounds.1
        ),
        format!(
            "faults: seed {}, {}% of connections, one each: drop, reset (RST), stall (one way or both, {} s), trickle (1-16 bytes per 10-50 ms, up to {} s); fired after 0-{} s or 0-{} KiB",
            fault_config.seed,
            fault_config.fault_percent,
            fault_config.stall_for.as_secs(),
            TRICKLE_MAX.as_secs(),
            fault_config.fault_after_max.as_secs(),
            fault_config.fault_bytes_max / 1024
        ),
        format!(
            "library limits: connect {} s, read {} s, keepalive {} s, idle_renew {} s, idle_answer_timeout {} s; step deadlines (bound + {} s trickle + {} s slack): connect {} s, command {} s",
            CONNECT.as_secs(),
            READ.as_secs(),
            KEEPALIVE.as_secs(),
            IDLE_RENEW.as_secs(),
            IDLE_ANSWER.as_secs(),
            TRICKLE_MAX.as_secs(),
            SLACK.as_secs(),
            deadlines.connect.as_secs(),
            deadlines.command.as_secs()
        ),
        "RSS is the whole process: the sessions and the proxy's threads (two per proxied connection, 64 KiB stacks, 8 KiB buffers)".into(),
    ];
    for h in &header {
        eprintln!("# {h}");
    }

    let cpu = CpuSnapshot::now();
    let mut driver = Driver::new(settings).map_err(|e| format!("cannot start the reactor: {e}"))?;
    let started = Instant::now();
    let mut samples = Vec::new();
    let mut next_sample = started + args.every;
    let sample = |driver: &Driver, started: Instant| -> Result<Sample, String> {
        let counts = proxy.counts();
        Ok(Sample {
            at: started.elapsed(),
            rss_kib: status_kib("VmRSS")?,
            logged_in: driver.logged_in(),
            ops: driver.tally().ops_total(),
            errors: driver.tally().errors_total(),
            faults: counts.injected_total(),
            proxied: counts.open,
        })
    };
    while started.elapsed() < args.duration {
        driver.turn().map_err(|e| format!("the reactor failed: {e}"))?;
        if Instant::now() >= next_sample {
            let s = sample(&driver, started)?;
            eprintln!("{}", progress_line(&s, driver.tally(), args.sessions));
            samples.push(s);
            next_sample += args.every;
        }
    }
    driver.finish();
    let elapsed = started.elapsed();
    if samples.last().is_none_or(|s| elapsed - s.at > Duration::from_secs(1)) {
        samples.push(sample(&driver, started)?);
    }
    let panics = PANICS.load(Ordering::Relaxed);
    let info = RunInfo {
        header,
        sessions: args.sessions,
        elapsed,
        steps_at_end: driver.steps(),
        panics,
        peak_rss_kib: status_kib("VmHWM")?,
        cpu: CpuSnapshot::now().since(&cpu).process,
    };
    let tally = driver.tally();
    print!("{}", final_report(&info, tally, &proxy.counts(), &samples));
    let anomalies: u64 = tally.anomalies.values().sum();
    let ok = tally.stuck.is_empty() && panics == 0 && anomalies == 0;
    println!(
        "result: {} ({} stuck, {panics} panics, {anomalies} anomalies)",
        if ok { "PASS" } else { "FAIL" },
        tally.stuck.len()
    );
    Ok(ok)
}
