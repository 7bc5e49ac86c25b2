//! Criterion benchmarks: one group per corpus, the three parsers side by side,
//! throughput in bytes of server output.
//!
//! ```text
//! cargo bench -p benches --bench parse                 # everything
//! cargo bench -p benches --bench parse -- envelope     # one corpus
//! cargo bench -p benches --bench parse -- imap-core    # one parser
//! ```
#![forbid(unsafe_code)]

use benches::corpus;
use benches::Parser;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode, Throughput};
use std::hint::black_box;
use std::time::Duration;

fn parse(c: &mut Criterion) {
    for corpus in corpus::all() {
        let mut group = c.benchmark_group(corpus.name);
        group.throughput(Throughput::Bytes(corpus.bytes.len() as u64));
        // An iteration takes milliseconds: flat sampling suits long iterations.
        group.sampling_mode(SamplingMode::Flat);
        for parser in Parser::ALL {
            // A wrong count or a failure would make the numbers meaningless.
            match parser.run(&corpus.bytes) {
                Ok(n) => assert_eq!(n, corpus.responses, "{parser} on {}", corpus.name),
                Err(e) => panic!("{}: {e}", corpus.name),
            }
            group.bench_with_input(BenchmarkId::from_parameter(parser.name()), &corpus.bytes[..], |b, bytes| {
                b.iter(|| parser.run(black_box(bytes)))
            });
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    // Each iteration parses megabytes: few, long samples keep a run to minutes.
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    targets = parse
}
criterion_main!(benches);
