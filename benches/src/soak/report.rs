//! What the soak counts, and how it prints it: a progress line every so
//! often on stderr, the full report at the end on stdout.

use super::proxy::ProxyCounts;
use imap_core::session::Error;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

/// Error messages kept per kind, to show what the kind stands for.
const SAMPLES: usize = 2;

/// Everything the driver counts.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    /// Operations completed, by kind (`login`, `fetch body`, ...).
    pub ops: BTreeMap<&'static str, u64>,
    /// Failures, by typed kind (see [`error_kind`]).
    pub errors: BTreeMap<String, ErrorCount>,
    /// Connections started (`Sessions::connect` calls that returned a session).
    pub connects: u64,
    /// Of those, the ones started after a failure.
    pub reconnects: u64,
    /// Steps that ran past their deadline: each one a session the library
    /// left waiting longer than its own timeouts allow.
    pub stuck: Vec<Stuck>,
    /// Things that are not errors of the connection but should not happen:
    /// an event the step did not expect, a short FETCH, a refused DONE.
    pub anomalies: BTreeMap<String, u64>,
    /// `Event::Malformed`: responses that did not parse, by kind.
    pub malformed: BTreeMap<String, u64>,
    /// `Event::Unsolicited` received.
    pub unsolicited: u64,
    /// Most sessions logged in at the same time.
    pub peak_logged_in: usize,
}

/// How often one kind of error happened, and where.
#[derive(Debug, Default, Clone)]
pub struct ErrorCount {
    /// Times.
    pub count: u64,
    /// Times by the step the session was in.
    pub by_step: BTreeMap<&'static str, u64>,
    /// The first few messages (`Display` of the error).
    pub samples: Vec<String>,
}

/// A session past its step's deadline.
#[derive(Debug, Clone)]
pub struct Stuck {
    /// The driver's slot (session number).
    pub slot: usize,
    /// The step it was in.
    pub step: &'static str,
    /// How long it had been in it.
    pub waited: Duration,
}

impl Tally {
    /// Counts one operation of `kind`.
    pub fn op(&mut self, kind: &'static str) {
        *self.ops.entry(kind).or_default() += 1;
    }

    /// Counts a failure in `step`.
    pub fn error(&mut self, step: &'static str, error: &Error) {
        let entry = self.errors.entry(error_kind(error)).or_default();
        entry.count += 1;
        *entry.by_step.entry(step).or_default() += 1;
        if entry.samples.len() < SAMPLES {
            let text = error.to_string();
            if !entry.samples.contains(&text) {
                entry.samples.push(text);
            }
        }
    }

    /// Counts an anomaly.
    pub fn anomaly(&mut self, what: String) {
        *self.anomalies.entry(what).or_default() += 1;
    }

    /// Operations, all kinds together.
    pub fn ops_total(&self) -> u64 {
        self.ops.values().sum()
    }

    /// Failures, all kinds together.
    pub fn errors_total(&self) -> u64 {
        self.errors.values().map(|e| e.count).sum()
    }
}

/// The typed kind of an error: its [`Error`] variant, with the
/// [`io::ErrorKind`](std::io::ErrorKind) for I/O failures and the command
/// for NO and BAD (`Io(ConnectionReset)`, `Timeout`, `No(LOGIN)`).
pub fn error_kind(error: &Error) -> String {
    match error {
        Error::No { command, .. } => format!("No({command})"),
        Error::Bad { command, .. } => format!("Bad({command})"),
        Error::WrongState { command, .. } => format!("WrongState({command})"),
        Error::Connect(e) => format!("Connect({:?})", e.kind()),
        Error::Tls(e) => format!("Tls({:?})", e.kind()),
        Error::Io(e) => format!("Io({:?})", e.kind()),
        Error::Bye { .. } => "Bye".into(),
        Error::Closed(_) => "Closed".into(),
        Error::Timeout => "Timeout".into(),
        Error::Protocol(_) => "Protocol".into(),
        // The rest (Sasl, Encode, Insecure, ...) by their variant name.
        other => {
            let debug = format!("{other:?}");
            debug.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("?").to_owned()
        }
    }
}

/// One sample of the run over time.
#[derive(Debug, Clone)]
pub struct Sample {
    /// Time since the run started.
    pub at: Duration,
    /// Resident memory (VmRSS), KiB.
    pub rss_kib: u64,
    /// Sessions logged in at that moment.
    pub logged_in: usize,
    /// Operations so far.
    pub ops: u64,
    /// Failures so far.
    pub errors: u64,
    /// Faults injected so far.
    pub faults: u64,
    /// Proxied connections open.
    pub proxied: u64,
}

/// The progress line printed on stderr.
pub fn progress_line(sample: &Sample, tally: &Tally, sessions: usize) -> String {
    format!(
        "soak: {:>4} s  logged in {:>4}/{sessions}  ops {:>8}  connects {:>6}  faults {:>6}  errors {:>6}  stuck {}  proxied {:>5}  RSS {:.1} MiB",
        sample.at.as_secs(),
        sample.logged_in,
        sample.ops,
        tally.connects,
        sample.faults,
        sample.errors,
        tally.stuck.len(),
        sample.proxied,
        mib(sample.rss_kib),
    )
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// What the final report says about the run besides the tallies.
#[derive(Debug, Clone)]
pub struct RunInfo {
    /// The first lines (`# ...`): what ran against what.
    pub header: Vec<String>,
    /// Sessions configured.
    pub sessions: usize,
    /// How long the run lasted.
    pub elapsed: Duration,
    /// Where sessions were when the run ended, by step.
    pub steps_at_end: BTreeMap<&'static str, usize>,
    /// Panics seen (any thread).
    pub panics: usize,
    /// VmHWM at the end: the peak resident set, KiB.
    pub peak_rss_kib: u64,
    /// This process's CPU time.
    pub cpu: Duration,
}

/// The full report.
pub fn final_report(info: &RunInfo, tally: &Tally, proxy: &ProxyCounts, samples: &[Sample]) -> String {
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    for h in &info.header {
        line(format!("# {h}"));
    }
    line(String::new());
    line(format!(
        "sessions: {} on one reactor thread for {:.0} s; peak logged in at once: {}; connections: {} ({} after a failure)",
        info.sessions,
        info.elapsed.as_secs_f64(),
        tally.peak_logged_in,
        tally.connects,
        tally.reconnects
    ));
    line(format!(
        "operations: {} in all: {}",
        tally.ops_total(),
        tally.ops.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ")
    ));
    let planned: u64 = proxy.planned.values().sum();
    line(format!(
        "faults injected: {} of {planned} planned ({} connections proxied, {} with no fault planned): {}",
        proxy.injected_total(),
        proxy.accepted,
        proxy.accepted.saturating_sub(planned),
        proxy
            .planned
            .iter()
            .map(|(k, v)| format!("{k} {}/{v}", proxy.injected.get(k).copied().unwrap_or(0)))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    line(format!(
        "proxy: {} upstream connects failed, {} thread spawns failed, {:.1} MB to clients, {:.1} MB to server, {} connections open at the end",
        proxy.upstream_failures,
        proxy.spawn_failures,
        proxy.bytes_to_client as f64 / 1e6,
        proxy.bytes_to_server as f64 / 1e6,
        proxy.open
    ));
    line(format!("errors by kind: {} in all (each ended its session, which reconnected)", tally.errors_total()));
    let mut kinds: Vec<_> = tally.errors.iter().collect();
    kinds.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(b.0)));
    for (kind, count) in kinds {
        let steps = count.by_step.iter().map(|(s, n)| format!("{s} {n}")).collect::<Vec<_>>().join(", ");
        line(format!("  {kind:<28} {:>7}   in: {steps}", count.count));
        for sample in &count.samples {
            line(format!("  {:<28} {:>7}   e.g. {sample}", "", ""));
        }
    }
    line(format!(
        "stuck (a step past its deadline): {}{}",
        tally.stuck.len(),
        tally
            .stuck
            .iter()
            .take(10)
            .map(|s| format!("\n  session {} in {} for {:.1} s", s.slot, s.step, s.waited.as_secs_f64()))
            .collect::<String>()
    ));
    line(format!("panics: {}", info.panics));
    line(format!(
        "malformed responses: {}{}",
        tally.malformed.values().sum::<u64>(),
        tally.malformed.iter().map(|(k, v)| format!("\n  {k} {v}")).collect::<String>()
    ));
    line(format!(
        "anomalies: {}{}",
        tally.anomalies.values().sum::<u64>(),
        tally.anomalies.iter().map(|(k, v)| format!("\n  {k}: {v}")).collect::<String>()
    ));
    line(format!("unsolicited responses: {}", tally.unsolicited));
    line(format!(
        "sessions at the end, by step: {}",
        info.steps_at_end.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ")
    ));
    line(format!(
        "memory: peak RSS (VmHWM) {:.1} MiB; CPU time of this process {:.1} s",
        mib(info.peak_rss_kib),
        info.cpu.as_secs_f64()
    ));
    line(format!(
        "  {:>6} {:>9} {:>10} {:>9} {:>8} {:>8} {:>8}",
        "time", "RSS MiB", "logged in", "ops", "errors", "faults", "proxied"
    ));
    for s in samples {
        let mut row = String::new();
        let secs = s.at.as_secs();
        let _ = write!(row, "  {:>3}:{:02}", secs / 60, secs % 60);
        line(format!(
            "{row} {:>9.1} {:>10} {:>9} {:>8} {:>8} {:>8}",
            mib(s.rss_kib),
            s.logged_in,
            s.ops,
            s.errors,
            s.faults,
            s.proxied
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_name_the_variant_and_the_io_kind() {
        let reset = Error::Io(std::io::Error::from(std::io::ErrorKind::ConnectionReset).into());
        assert_eq!(error_kind(&reset), "Io(ConnectionReset)");
        assert_eq!(error_kind(&Error::Timeout), "Timeout");
        assert_eq!(error_kind(&Error::No { command: "LOGIN", code: None, text: "no".into() }), "No(LOGIN)");
        assert_eq!(error_kind(&Error::Sasl("x".into())), "Sasl");
        assert_eq!(error_kind(&Error::StartTlsInjection), "StartTlsInjection");
    }
}
