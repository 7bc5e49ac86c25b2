//! Parses one corpus with imap-core in a loop, for a profiler to watch:
//! `cargo build --release -p benches --bin profile && perf record -g target/release/profile tiny 20`.
#![forbid(unsafe_code)]

use benches::corpus;

fn main() {
    let mut args = std::env::args().skip(1);
    let name = args.next().unwrap_or_else(|| "envelope".to_owned());
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(10);
    let corpus = corpus::by_name(&name).expect("corpus: envelope, bodystructure, literal or tiny");
    let mut count = 0;
    for _ in 0..rounds {
        imap_core::parse::parse_buffer(&corpus.bytes, Default::default(), |r| {
            std::hint::black_box(r.expect("parses"));
            count += 1;
        });
    }
    println!("{count} responses");
}
