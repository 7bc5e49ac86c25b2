//! Parses one corpus in a loop, for a profiler to watch:
//! `cargo build --release -p benches --bin profile && perf record -g target/release/profile tiny 20`.
//!
//! `profile CORPUS ROUNDS [WHAT]`, WHAT being:
//! - `imap-core` (the default): framing, the recognizer and the typed model
//!   over the whole buffer (`parse::parse_buffer`), each response kept inline;
//! - `imap-core-whole` and `imap-core-4k`: the same, exactly as `compare`
//!   runs it (each outcome handed to the harness's tally), over the whole
//!   buffer and through the streaming framer fed 4 KiB at a time: the pair
//!   to compare with each other;
//! - `frames`: the framer alone (cutting responses, building their skeletons);
//! - `pest`: pest alone, over the corpus's skeletons joined into one text
//!   beforehand (as a batch joins them), building no typed value: what the
//!   grammar costs, which nothing outside pest can make cheaper;
//! - `imap-proto` or `imap-codec`: a peer, as `compare` measures it.
//!
//! Under `valgrind --tool=callgrind`, ROUNDS 0 counts the corpus generation
//! (and the joining), to subtract: `benches/experiments/README.md` does so.
#![forbid(unsafe_code)]

use benches::{corpus, Parser as Peer};
use imap_core::parse::{ImapParser, Rule};
use pest::Parser;

fn main() {
    let mut args = std::env::args().skip(1);
    let name = args.next().unwrap_or_else(|| "envelope".to_owned());
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(10);
    let what = args.next().unwrap_or_else(|| "imap-core".to_owned());
    let corpus = corpus::by_name(&name).expect("corpus: envelope, bodystructure, literal or tiny");
    let count: usize = match what.as_str() {
        "imap-core" => (0..rounds).map(|_| imap_core_pass(&corpus.bytes)).sum(),
        "pest" => {
            let text = skeletons(&corpus.bytes);
            (0..rounds).map(|_| pest_pass(&text)).sum()
        }
        "frames" => (0..rounds).map(|_| frames_pass(&corpus.bytes)).sum(),
        "imap-core-whole" => (0..rounds).map(|_| Peer::ImapCore.run(&corpus.bytes).expect("parses")).sum(),
        "imap-core-4k" => (0..rounds).map(|_| Peer::ImapCoreChunked.run(&corpus.bytes).expect("parses")).sum(),
        "imap-proto" => (0..rounds).map(|_| Peer::ImapProto.run(&corpus.bytes).expect("parses")).sum(),
        "imap-codec" => (0..rounds).map(|_| Peer::ImapCodec.run(&corpus.bytes).expect("parses")).sum(),
        _ => panic!("WHAT: imap-core, imap-core-whole, imap-core-4k, frames, pest, imap-proto or imap-codec"),
    };
    println!("{count} responses");
}

fn imap_core_pass(bytes: &[u8]) -> usize {
    let mut count = 0;
    imap_core::parse::parse_buffer(bytes, Default::default(), |r| {
        std::hint::black_box(r.expect("parses"));
        count += 1;
    });
    count
}

fn frames_pass(bytes: &[u8]) -> usize {
    let mut count = 0;
    for frame in imap_core::wire::frames(bytes, Default::default()) {
        std::hint::black_box(frame.expect("frames"));
        count += 1;
    }
    count
}

/// Every response's skeleton, one after the other.
fn skeletons(bytes: &[u8]) -> String {
    imap_core::wire::frames(bytes, Default::default()).map(|f| f.expect("frames").skeleton().to_owned()).collect()
}

/// The top-level pairs of one pest parse of `text` (one per response).
fn pest_pass(text: &str) -> usize {
    let pairs = ImapParser::parse(Rule::responses, std::hint::black_box(text)).expect("parses");
    pairs.filter(|p| p.as_rule() != Rule::EOI).count()
}
