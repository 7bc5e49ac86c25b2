//! Times imap-core against imap-proto and imap-codec on every corpus and
//! prints a table, then one `ratio <corpus> vs <peer>: X.XX` line per corpus
//! and peer (imap-core throughput / peer throughput; above 1 imap-core is
//! faster).
//!
//! ```text
//! cargo run --release -p benches --bin compare [-- --corpus NAME] [--quick]
//! ```
//!
//! It refuses to run as a debug build (exit 1): only `--release` figures
//! are printed.
//!
//! Each parser first parses the whole corpus once, to check it succeeds and
//! that all four (imap-core whole and in 4 KiB reads, and the two peers)
//! count the same responses. Then the parsers are timed in
//! interleaved rounds (one sample of each per round, rotating who goes first),
//! so that a burst of load from elsewhere on the machine hits all of them
//! alike; a sample repeats the corpus until it lasts at least a few tens of
//! milliseconds. The table gives the median of each parser's samples.
//!
//! A ratio line is the median, over the rounds, of the ratio of the two
//! parsers' samples in the same round: the two were timed a few tens of
//! milliseconds apart, so load that comes and goes on a shared machine
//! divides out of each pair, where it does not out of two medians taken
//! separately (on this 2-core machine, over twenty runs of one imap-core, the
//! ratio of the medians of the chunked tiny parse moved between 0.84 and
//! 1.09, the paired ratio between 0.92 and 0.99). The ratios of the medians
//! are printed after, for comparison.
#![forbid(unsafe_code)]

use benches::corpus::{self, Corpus};
use benches::Parser;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// How long and how often to measure.
struct Plan {
    /// A sample repeats the corpus until it lasts at least this long.
    min_sample: Duration,
    /// Rough time budget per corpus and parser.
    budget: Duration,
    /// Fewest rounds (samples per parser).
    min_rounds: usize,
    /// Most rounds.
    max_rounds: usize,
}

const FULL: Plan =
    Plan { min_sample: Duration::from_millis(40), budget: Duration::from_secs(2), min_rounds: 7, max_rounds: 31 };
const QUICK: Plan =
    Plan { min_sample: Duration::from_millis(10), budget: Duration::from_millis(250), min_rounds: 3, max_rounds: 5 };

const USAGE: &str = "usage: compare [--corpus NAME] [--quick]\n  NAME: envelope, bodystructure, literal or tiny";

/// One parser's result on one corpus.
struct Row {
    corpus: &'static str,
    parser: Parser,
    /// Responses counted, or why the parser failed.
    outcome: Result<usize, String>,
    /// Median seconds per pass over the corpus.
    median: f64,
    /// Throughput in MB/s (10^6 bytes).
    mbps: f64,
    /// Samples taken.
    runs: usize,
    /// (max - min) / median of the samples, in percent.
    spread: f64,
    /// Seconds per pass, one sample per round, in round order.
    samples: Vec<f64>,
}

impl Row {
    fn measured(&self) -> bool {
        self.outcome.is_ok() && !self.samples.is_empty()
    }
}

/// How many times faster `this` is than `other`: the median over the rounds
/// of `other`'s sample over `this`'s (see the module docs).
fn paired_ratio(this: &Row, other: &Row) -> f64 {
    let mut ratios: Vec<f64> = other.samples.iter().zip(&this.samples).map(|(o, t)| o / t).collect();
    ratios.sort_by(f64::total_cmp);
    ratios[ratios.len() / 2]
}

fn main() -> ExitCode {
    let mut only: Option<String> = None;
    let mut quick = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => quick = true,
            "--corpus" => match args.next() {
                Some(name) => only = Some(name),
                None => return usage_error("--corpus needs a name"),
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => match other.strip_prefix("--corpus=") {
                Some(name) => only = Some(name.to_owned()),
                None => return usage_error(&format!("unknown argument {other:?}")),
            },
        }
    }
    let names: Vec<&str> = match &only {
        Some(name) => match corpus::NAMES.iter().find(|n| **n == name.as_str()) {
            Some(n) => vec![*n],
            None => return usage_error(&format!("no corpus {name:?}")),
        },
        None => corpus::NAMES.to_vec(),
    };
    let plan = if quick { &QUICK } else { &FULL };
    // A debug build's figures (pest and the peers unoptimised, to different
    // degrees) would be printed in the same table and ratio lines as real
    // ones: refuse instead of warning.
    if cfg!(debug_assertions) {
        eprintln!(
            "compare: refusing to measure a debug build (debug assertions on): its figures mean nothing.\n\
             Run it with --release: cargo run --release -p benches --bin compare"
        );
        return ExitCode::FAILURE;
    }

    let versions: Vec<String> = Parser::ALL.iter().map(|p| format!("{p} {}", p.version())).collect();
    println!("parsers: {}; {} run", versions.join(", "), if quick { "quick" } else { "full" });

    let mut rows = Vec::new();
    let mut ok = true;
    for name in names {
        let started = Instant::now();
        let corpus = corpus::by_name(name).expect("a known corpus");
        eprintln!("{name}: generated {} bytes in {:.0?}; measuring...", corpus.bytes.len(), started.elapsed());
        let corpus_rows = measure(&corpus, plan);
        ok &= report_counts(&corpus, &corpus_rows);
        rows.extend(corpus_rows);
    }

    println!();
    print_table(&rows);
    println!();
    println!(
        "note: shared, noisy 2-core machine (other builds may run at the same time); absolute MB/s vary between runs, \
         the ratios of one run (parsers measured interleaved) are what count."
    );
    // Each comparison: its label, and the two rows (the first measured against the second).
    let mut pairs = Vec::new();
    for row in rows.iter().filter(|r| r.parser == Parser::ImapCoreChunked) {
        if let Some(whole) = rows.iter().find(|r| r.corpus == row.corpus && r.parser == Parser::ImapCore) {
            pairs.push((format!("chunked {} (4 KiB chunks vs whole buffer)", row.corpus), row, whole));
        }
    }
    for row in rows.iter().filter(|r| r.parser.is_peer()) {
        if let Some(core) = rows.iter().find(|r| r.corpus == row.corpus && r.parser == Parser::ImapCore) {
            pairs.push((format!("{} vs {}", row.corpus, row.parser), core, row));
        }
    }
    let mut of_medians = Vec::new();
    for (label, this, other) in &pairs {
        if this.measured() && other.measured() {
            println!("ratio {label}: {:.2}", paired_ratio(this, other));
            of_medians.push(format!("{label} {:.2}", this.mbps / other.mbps));
        } else {
            println!("ratio {label}: n/a");
        }
    }
    if !of_medians.is_empty() {
        println!("ratios of the table's medians, for comparison: {}", of_medians.join("; "));
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("compare: {message}\n{USAGE}");
    ExitCode::from(2)
}

/// Checks and times every parser on `corpus`.
fn measure(corpus: &Corpus, plan: &Plan) -> Vec<Row> {
    let bytes = &corpus.bytes[..];
    // A checked pass (which also warms up), then a timed one to size samples.
    let mut parsers = Vec::new();
    let mut rows = Vec::new();
    for parser in Parser::ALL {
        let outcome = parser.run(bytes).map_err(|e| e.to_string());
        let row = Row {
            corpus: corpus.name,
            parser,
            outcome,
            median: f64::NAN,
            mbps: f64::NAN,
            runs: 0,
            spread: 0.0,
            samples: Vec::new(),
        };
        if row.outcome.is_ok() {
            let one = time_passes(parser, bytes, 1);
            let reps = (plan.min_sample.as_secs_f64() / one.max(1e-9)).ceil().max(1.0) as usize;
            parsers.push((rows.len(), reps, one * reps as f64));
        }
        rows.push(row);
    }
    let longest = parsers.iter().map(|p| p.2).fold(0.0, f64::max);
    let rounds = ((plan.budget.as_secs_f64() / longest.max(1e-9)) as usize).clamp(plan.min_rounds, plan.max_rounds);
    let mut samples = vec![Vec::with_capacity(rounds); rows.len()];
    for round in 0..rounds {
        for k in 0..parsers.len() {
            let (row, reps, _) = parsers[(round + k) % parsers.len()];
            samples[row].push(time_passes(rows[row].parser, bytes, reps));
        }
    }
    for (row, samples) in rows.iter_mut().zip(samples) {
        if samples.is_empty() {
            continue;
        }
        let mut sorted = samples.clone();
        sorted.sort_by(f64::total_cmp);
        let median = sorted[sorted.len() / 2];
        row.median = median;
        row.mbps = bytes.len() as f64 / median / 1e6;
        row.runs = sorted.len();
        row.spread = (sorted[sorted.len() - 1] - sorted[0]) / median * 100.0;
        row.samples = samples;
    }
    rows
}

/// Seconds per pass, over `reps` consecutive passes.
fn time_passes(parser: Parser, bytes: &[u8], reps: usize) -> f64 {
    let start = Instant::now();
    for _ in 0..reps {
        let counted = parser.run(std::hint::black_box(bytes));
        std::hint::black_box(counted.ok());
    }
    start.elapsed().as_secs_f64() / reps as f64
}

/// Prints the response counts of one corpus and any failure; false if a
/// parser failed or the counts disagree.
fn report_counts(corpus: &Corpus, rows: &[Row]) -> bool {
    let counts: Vec<String> = rows
        .iter()
        .map(|r| match &r.outcome {
            Ok(n) => format!("{} {n}", r.parser),
            Err(_) => format!("{} FAILED", r.parser),
        })
        .collect();
    let agree = rows.iter().all(|r| r.outcome.as_ref().is_ok_and(|n| *n == corpus.responses));
    println!(
        "{}: {:.2} MB, {} responses expected; counted: {} ({})",
        corpus.name,
        corpus.bytes.len() as f64 / 1e6,
        corpus.responses,
        counts.join(", "),
        if agree { "all agree" } else { "MISMATCH" }
    );
    for row in rows {
        if let Err(e) = &row.outcome {
            println!("  {e}");
        }
    }
    agree
}

fn print_table(rows: &[Row]) {
    println!(
        "{:<14} {:<11} {:>10} {:>9} {:>10} {:>5} {:>8}",
        "corpus", "parser", "responses", "MB/s", "median ms", "runs", "spread"
    );
    println!("{}", "-".repeat(73));
    for row in rows {
        match &row.outcome {
            Ok(n) => println!(
                "{:<14} {:<11} {:>10} {:>9.1} {:>10.2} {:>5} {:>7.0}%",
                row.corpus,
                row.parser.name(),
                n,
                row.mbps,
                row.median * 1e3,
                row.runs,
                row.spread
            ),
            Err(_) => println!("{:<14} {:<11} {:>10}", row.corpus, row.parser.name(), "failed"),
        }
    }
}
