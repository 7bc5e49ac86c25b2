//! A corpus fed through a `Session` as a FETCH's answer, the way `Client`
//! receives it, without sockets or Dovecot: for a profiler to see the
//! client-side costs around the parser (framing, routing, `into_static`,
//! the result vectors).
//!
//! ```sh
//! cargo build --release -p benches --bin session_profile
//! valgrind --tool=callgrind target/release/session_profile envelope kept 2
//! perf record -g target/release/session_profile envelope streaming 20
//! ```
//!
//! Modes: `kept` (the responses collected in the completion, as
//! `Client::fetch` does), `streaming` (`submit_streaming` + `process_with`, as
//! `Client::fetch_each` does), `parse` (`parse::parse_buffer` alone, the
//! floor). The corpus arrives in 64 KiB reads, 1 MiB per turn, as the
//! reactor reads it. Corpora: those of `src/corpus.rs`, and `bodies` (300
//! messages of the e2e `bodies` mailbox, about 50 MB).
#![forbid(unsafe_code)]

use benches::corpus;
use imap_core::command::{Command, FetchAttr, SeqSet};
use imap_core::session::{Event, Session};
use std::time::Instant;

/// The reactor's read size.
const READ: usize = 64 << 10;
/// What the reactor reads from one connection per turn at most.
const TURN: usize = 1 << 20;

fn main() {
    let mut args = std::env::args().skip(1);
    let name = args.next().unwrap_or_else(|| "envelope".to_owned());
    let mode = args.next().unwrap_or_else(|| "kept".to_owned());
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(10);
    let bytes = match name.as_str() {
        "bodies" => bodies(),
        _ => corpus::by_name(&name).expect("corpus: envelope, bodystructure, literal, tiny or bodies").bytes,
    };
    let started = Instant::now();
    let mut count = 0;
    for _ in 0..rounds {
        count += match mode.as_str() {
            "kept" => session(&bytes, false),
            "streaming" => session(&bytes, true),
            "parse" => {
                let mut n = 0;
                imap_core::parse::parse_buffer(&bytes, Default::default(), |r| {
                    std::hint::black_box(r.expect("parses"));
                    n += 1;
                });
                n
            }
            other => panic!("mode: kept, streaming or parse, not {other}"),
        };
    }
    let per_round = started.elapsed().as_secs_f64() * 1e3 / rounds as f64;
    println!("{count} responses, {per_round:.2} ms per round ({name}, {mode})");
}

/// `BODY[]` of the first 300 messages of the e2e `bodies` mailbox (about
/// 50 MB, 3 KB to 1 MB each), as Dovecot sends them.
fn bodies() -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..300 {
        let message = benches::e2e::mailgen::message(i);
        out.extend_from_slice(format!("* {} FETCH (UID {} BODY[] {{{}}}\r\n", i + 1, i + 1, message.len()).as_bytes());
        out.extend_from_slice(&message);
        out.extend_from_slice(b")\r\n");
    }
    out
}

/// One FETCH answered by the corpus; returns how many responses it got.
fn session(corpus: &[u8], streaming: bool) -> usize {
    let mut session = Session::new();
    session.receive(b"* PREAUTH ready\r\n");
    let select = session.submit(Command::Select { mailbox: "INBOX".into(), condstore: false }).expect("SELECT");
    session.receive(format!("* 100000 EXISTS\r\n{select} OK [READ-WRITE] done\r\n").as_bytes());
    let fetch =
        Command::Fetch { set: SeqSet::all(), items: vec![FetchAttr::Uid].into(), changed_since: None, uid: true };
    let tag = if streaming { session.submit_streaming(fetch) } else { session.submit(fetch) }.expect("FETCH");
    let n = session.pending_output().len();
    session.sent(n);
    let mut count = 0;
    let mut sink = |response: &imap_core::types::Response<'_>| {
        std::hint::black_box(response);
        count += 1;
    };
    // As the reactor does: 64 KiB reads, up to 1 MiB of them per turn, then
    // the client handles what they brought.
    for turn in corpus.chunks(TURN) {
        for chunk in turn.chunks(READ) {
            session.receive(chunk);
        }
        session.process_with(&mut sink);
    }
    session.receive(format!("{tag} OK done\r\n").as_bytes());
    session.process_with(&mut sink);
    while let Some(event) = session.poll_event() {
        if let Event::Completed { tag: t, result } = event {
            if t == tag {
                count += std::hint::black_box(result.expect("FETCH completes")).data.len();
            }
        }
    }
    count
}
