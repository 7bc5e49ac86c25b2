//! End-to-end benchmark: imap-core's blocking `Client` and its tokio
//! `AsyncClient` against a raw socket drain, the `imap` crate and Python
//! IMAPClient, all fetching from the same private Dovecot on 127.0.0.1
//! (plain TCP).
//!
//! ```sh
//! cargo run --release -p benches --bin e2e                       # everything, 5 rounds
//! cargo run --release -p benches --bin e2e -- --reps 3 --workload envelope
//! cargo run --release -p benches --bin e2e -- --workload envelope --clients imap-core --reps 10   # for perf
//! ```
//!
//! It starts Dovecot with `scripts/dovecot.sh`, seeds INBOX with 20,000
//! messages and a `bodies` folder with 2,000 messages of 3 KB to 1 MB
//! (untimed), then runs every client on every workload in interleaved rounds
//! (the order rotates each round) and prints a table of medians, a caveat,
//! and last the `ratio ...` lines. See `benches/README.md`.
#![forbid(unsafe_code)]

use benches::e2e::clients::{self, ClientKind, Python, Sample, Target, Workload};
use benches::e2e::mailgen;
use benches::e2e::server::{self, Dovecot, PASSWORD, USER};
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Messages seeded into INBOX for `envelope`.
const INBOX_MESSAGES: usize = 20_000;
/// Messages generated into `bodies`.
const BODIES_MESSAGES: usize = 2_000;

struct Args {
    reps: usize,
    workloads: Vec<Workload>,
    clients: Vec<ClientKind>,
}

const USAGE: &str = "usage: e2e [--reps N] [--workload envelope|bodies|all] [--clients raw,imap-core,imap-core-async,imap-core-pipelined,imap-core-each,imap,imapclient]";

fn parse_args() -> Result<Args, String> {
    let mut args = Args { reps: 5, workloads: Workload::ALL.to_vec(), clients: ClientKind::ALL.to_vec() };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{arg} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--reps" => args.reps = value()?.parse().ok().filter(|&n| n > 0).ok_or("--reps: a number > 0")?,
            "--workload" => {
                let v = value()?;
                args.workloads = match v.as_str() {
                    "all" => Workload::ALL.to_vec(),
                    name => vec![*Workload::ALL
                        .iter()
                        .find(|w| w.name() == name)
                        .ok_or_else(|| format!("unknown workload {name}\n{USAGE}"))?],
                };
            }
            "--clients" => {
                args.clients = value()?
                    .split(',')
                    .map(|name| {
                        ClientKind::ALL
                            .iter()
                            .copied()
                            .find(|c| c.name() == name)
                            .ok_or_else(|| format!("unknown client {name}\n{USAGE}"))
                    })
                    .collect::<Result<_, _>>()?;
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    Ok(args)
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("e2e: error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The cargo target directory: this binary is `<target>/<profile>/e2e`.
fn target_dir() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.to_path_buf()))
        .unwrap_or_else(|| server::workspace_root().join("target"))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    let n = v.len();
    if n == 0 {
        Duration::ZERO
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2
    }
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    let python = if args.clients.contains(&ClientKind::ImapClient) {
        let script = server::workspace_root().join("benches/imapclient_fetch.py");
        Some(Python::ensure(&target_dir().join("bench-venv"), &script)?)
    } else {
        None
    };

    let dovecot = Dovecot::start()?;
    eprintln!("e2e: Dovecot on 127.0.0.1:{} in {}", dovecot.port, dovecot.dir.display());
    let mut targets = HashMap::new();
    for &workload in &args.workloads {
        let started = Instant::now();
        let body_bytes = match workload {
            Workload::Envelope => {
                dovecot.seed(USER, INBOX_MESSAGES)?;
                eprintln!(
                    "e2e: seeded INBOX with {INBOX_MESSAGES} messages in {:.1} s",
                    started.elapsed().as_secs_f64()
                );
                None
            }
            Workload::Bodies => {
                let b = mailgen::fill(dovecot.port, USER, PASSWORD, "bodies", BODIES_MESSAGES)?;
                eprintln!(
                    "e2e: appended {} messages to bodies ({:.1} MB, {} to {} bytes) in {:.1} s",
                    b.messages,
                    b.bytes as f64 / 1e6,
                    b.smallest,
                    b.largest,
                    started.elapsed().as_secs_f64()
                );
                Some(b.bytes)
            }
        };
        let messages = if workload == Workload::Envelope { INBOX_MESSAGES } else { BODIES_MESSAGES };
        let target = Target { port: dovecot.port, user: USER.into(), password: PASSWORD.into(), messages, body_bytes };
        targets.insert(workload.name(), target);
    }

    // samples[(workload, client)]
    let mut samples: HashMap<(&str, &str), Vec<Sample>> = HashMap::new();
    let mut wire: HashMap<&str, u64> = HashMap::new();
    for &workload in &args.workloads {
        let target = &targets[workload.name()];
        // Warm-up, untimed: Dovecot builds its index cache on the first FETCH of these items.
        for _ in 0..2 {
            let s = clients::run(ClientKind::Raw, workload, target, None)?;
            wire.insert(workload.name(), s.wire_bytes.unwrap_or(0));
        }
        let clients: Vec<ClientKind> = args.clients.iter().copied().filter(|c| c.runs(workload)).collect();
        for rep in 0..args.reps {
            let mut order = clients.clone();
            let shift = rep % order.len().max(1);
            order.rotate_left(shift);
            for client in order {
                let s = clients::run(client, workload, target, python.as_ref())?;
                eprintln!(
                    "e2e: {} round {}/{} {:<20} {:>9.1} ms wall {:>9.1} ms cpu",
                    workload.name(),
                    rep + 1,
                    args.reps,
                    client.name(),
                    ms(s.wall),
                    ms(s.cpu)
                );
                samples.entry((workload.name(), client.name())).or_default().push(s);
            }
        }
    }

    report(&args, &samples, &wire, &targets, python.as_ref(), &dovecot);
    Ok(())
}

fn report(
    args: &Args,
    samples: &HashMap<(&str, &str), Vec<Sample>>,
    wire: &HashMap<&str, u64>,
    targets: &HashMap<&str, Target>,
    python: Option<&Python>,
    dovecot: &Dovecot,
) {
    let dovecot_version = std::process::Command::new("dovecot")
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| "?".into());
    println!(
        "# e2e: Dovecot {dovecot_version} on 127.0.0.1:{} (plain TCP); clients: imap-core (workspace), imap 2.4.1, {}",
        dovecot.port,
        python.map_or("no Python", |p| p.version.as_str())
    );
    println!("# {} rounds per client, interleaved (order rotates each round); medians of the fetch only", args.reps);
    for &w in &args.workloads {
        let t = &targets[w.name()];
        println!(
            "# {}: UID FETCH 1:* {} in {} ({} messages, {:.1} MB from the server{})",
            w.name(),
            w.wire_items(),
            w.mailbox(),
            t.messages,
            wire.get(w.name()).copied().unwrap_or(0) as f64 / 1e6,
            t.body_bytes.map_or(String::new(), |b| format!(", {:.1} MB of BODY[]", b as f64 / 1e6)),
        );
    }
    println!();
    println!(
        "{:<9} {:<20} {:>9} {:>10} {:>21} {:>10} {:>6} {:>10} {:>8}",
        "workload", "client", "messages", "wall ms", "min-max ms", "cpu ms", "cpu %", "msg/s", "MB/s"
    );
    let mut walls: HashMap<(&str, &str), Duration> = HashMap::new();
    let mut cpus: HashMap<(&str, &str), Duration> = HashMap::new();
    let mut notes = Vec::new();
    for &w in &args.workloads {
        for &c in args.clients.iter().filter(|c| c.runs(w)) {
            let Some(v) = samples.get(&(w.name(), c.name())) else { continue };
            let wall = median(v.iter().map(|s| s.wall).collect());
            let cpu = median(v.iter().map(|s| s.cpu).collect());
            let min = v.iter().map(|s| s.wall).min().unwrap_or_default();
            let max = v.iter().map(|s| s.wall).max().unwrap_or_default();
            let n = v[0].messages;
            let mb = wire.get(w.name()).copied().unwrap_or(0) as f64 / 1e6;
            println!(
                "{:<9} {:<20} {:>9} {:>10.1} {:>21} {:>10.1} {:>6.0} {:>10.0} {:>8.1}",
                w.name(),
                c.name(),
                n,
                ms(wall),
                format!("{:.1}-{:.1}", ms(min), ms(max)),
                ms(cpu),
                100.0 * cpu.as_secs_f64() / wall.as_secs_f64().max(1e-9),
                n as f64 / wall.as_secs_f64().max(1e-9),
                mb / wall.as_secs_f64().max(1e-9),
            );
            walls.insert((w.name(), c.name()), wall);
            cpus.insert((w.name(), c.name()), cpu);
            if c == ClientKind::ImapClient {
                let pw = median(v.iter().filter_map(|s| s.process_wall).collect());
                let pc = median(v.iter().filter_map(|s| s.process_cpu).collect());
                notes.push(format!(
                    "imapclient {}: whole subprocess (start-up, import, login, fetch, exit) {:.1} ms wall, {:.1} ms cpu \
                     (RUSAGE_CHILDREN-style, 10 ms ticks)",
                    w.name(),
                    ms(pw),
                    ms(pc)
                ));
            }
        }
    }
    println!();
    println!(
        "wall, cpu: medians over the rounds of the fetch alone (connect, LOGIN, SELECT untimed); cpu = user + sys"
    );
    println!("of the client process (CLOCK_PROCESS_CPUTIME_ID; for imapclient the script's time.process_time()).");
    println!("MB/s: bytes the server sent for the one-command fetch (counted by the raw drain) / wall.");
    if args.clients.contains(&ClientKind::ImapCorePipelined) && args.workloads.contains(&Workload::Envelope) {
        println!("imap-core-pipelined: UID FETCH in chunks of 1,000 UIDs, 4 in flight (UIDs from an untimed SEARCH).");
    }
    if args.clients.contains(&ClientKind::ImapCoreEach) {
        println!(
            "imap-core-each: Client::fetch_each, streaming: each result is borrowed and dropped, none kept; imap-core, \
             imap and imapclient keep every result until the fetch returns."
        );
    }
    if args.clients.contains(&ClientKind::ImapCrate) && args.workloads.contains(&Workload::Bodies) {
        println!(
            "imap (2.4.1) bodies: it reads a response a line at a time, a literal's lines too, and after each \
             line parses the response again from its start (Client::read_response_onto; each parse stops at the \
             literal still incomplete): a BODY[] of L lines costs L reads and L parses, so the bodies ratio \
             measures that design as much as imap-core."
        );
    }
    for n in notes {
        println!("{n}");
    }
    println!();
    println!(
        "caveat: a shared 2-core machine (other builds may run meanwhile), and Dovecot runs on the same cores as the \
         clients: absolute times move from run to run; the ratios of one run, from interleaved rounds, are what count."
    );
    for &w in &args.workloads {
        // The like-for-like ratios: Client::fetch keeps every result, as
        // the peers do.
        let Some(&core) = walls.get(&(w.name(), "imap-core")) else { continue };
        for peer in ["raw", "imap", "imapclient"] {
            if let Some(&p) = walls.get(&(w.name(), peer)) {
                let note = if w == Workload::Bodies && peer == "imap" {
                    " (imap 2.4.1 re-parses a response on each line it reads: see above)"
                } else {
                    ""
                };
                println!("ratio {} vs {peer}: {:.2}{note}", w.name(), p.as_secs_f64() / core.as_secs_f64().max(1e-9));
            }
        }
    }
    // CPU of the client process for the same work (Client::fetch keeps every
    // result, as the `imap` crate does): peer / imap-core, higher is better.
    for &w in &args.workloads {
        if let (Some(&core), Some(&peer)) = (cpus.get(&(w.name(), "imap-core")), cpus.get(&(w.name(), "imap"))) {
            println!("ratio {} cpu vs imap: {:.2}", w.name(), peer.as_secs_f64() / core.as_secs_f64().max(1e-9));
        }
    }
    // The async front runs the same operation as the blocking one: its
    // cost over it, async / blocking (lower is better; the aim is 1.10 or less).
    for &w in &args.workloads {
        let (Some(&wall), Some(&cpu)) = (walls.get(&(w.name(), "imap-core")), cpus.get(&(w.name(), "imap-core")))
        else {
            continue;
        };
        if let (Some(&async_wall), Some(&async_cpu)) =
            (walls.get(&(w.name(), "imap-core-async")), cpus.get(&(w.name(), "imap-core-async")))
        {
            println!(
                "ratio {} async/blocking wall: {:.2}, cpu: {:.2} (imap-core-async over imap-core; target <= 1.10)",
                w.name(),
                async_wall.as_secs_f64() / wall.as_secs_f64().max(1e-9),
                async_cpu.as_secs_f64() / cpu.as_secs_f64().max(1e-9)
            );
        }
    }
    // Not like for like (imap-core-each keeps no results, the peers keep
    // all): labelled so, and never to be weighed against a target.
    for &w in &args.workloads {
        let Some(&each) = walls.get(&(w.name(), "imap-core-each")) else { continue };
        for peer in ["raw", "imap", "imapclient"] {
            if let Some(&p) = walls.get(&(w.name(), peer)) {
                println!(
                    "ratio {} streaming, results not kept, vs {peer}: {:.2} (not like for like: no target applies)",
                    w.name(),
                    p.as_secs_f64() / each.as_secs_f64().max(1e-9)
                );
            }
        }
    }
    if let (Some(&one), Some(&piped)) =
        (walls.get(&("envelope", "imap-core")), walls.get(&("envelope", "imap-core-pipelined")))
    {
        println!("ratio pipelining envelope: {:.2}", one.as_secs_f64() / piped.as_secs_f64().max(1e-9));
    }
}
