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
//! floor). The corpus arrives in 64 KiB reads, the reactor's read size.
#![forbid(unsafe_code)]

use benches::corpus;
use imap_core::command::{Command, FetchAttr, SeqSet};
use imap_core::session::{Event, Session};
use std::time::Instant;

/// The reactor's read size.
const READ: usize = 64 << 10;

fn main() {
    let mut args = std::env::args().skip(1);
    let name = args.next().unwrap_or_else(|| "envelope".to_owned());
    let mode = args.next().unwrap_or_else(|| "kept".to_owned());
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(10);
    let corpus = corpus::by_name(&name).expect("corpus: envelope, bodystructure, literal or tiny");
    let started = Instant::now();
    let mut count = 0;
    for _ in 0..rounds {
        count += match mode.as_str() {
            "kept" => session(&corpus.bytes, false),
            "streaming" => session(&corpus.bytes, true),
            "parse" => {
                let mut n = 0;
                imap_core::parse::parse_buffer(&corpus.bytes, Default::default(), |r| {
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
    for chunk in corpus.chunks(READ) {
        session.receive(chunk);
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
