use imap_core::wire::{frames, Framer, Limits};
use std::hint::black_box;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let corpus = benches::corpus::by_name(args.get(1).map_or("tiny", |s| s)).unwrap();
    let rounds: usize = args.get(2).map_or(100, |s| s.parse().unwrap());
    let input = &corpus.bytes[..];
    let mut tw = Vec::new();
    let mut tr = Vec::new();
    let mut tf = Vec::new();
    for _ in 0..rounds {
        let st = Instant::now();
        let n = frames(input, Limits::default()).filter(|f| black_box(f).is_ok()).count();
        tw.push(st.elapsed().as_secs_f64());
        black_box(n);
        let mut framer = Framer::new(Limits::default());
        framer.feed(input);
        let st = Instant::now();
        let mut m = 0;
        while let Some(run) = framer.next_run() {
            m += run.items.filter(|f| black_box(f).is_ok()).count();
        }
        tr.push(st.elapsed().as_secs_f64());
        assert_eq!(n, m);
        let mut framer = Framer::new(Limits::default());
        framer.feed(input);
        let st = Instant::now();
        let mut m = 0;
        while let Some(f) = framer.next_frame() {
            m += usize::from(black_box(&f).is_ok());
        }
        tf.push(st.elapsed().as_secs_f64());
        assert_eq!(n, m);
    }
    for v in [&mut tw, &mut tr, &mut tf] {
        v.sort_by(f64::total_cmp);
    }
    println!(
        "frames() med {:.3} ms; prefed next_run {:.3}; prefed next_frame {:.3}",
        tw[rounds / 2] * 1e3,
        tr[rounds / 2] * 1e3,
        tf[rounds / 2] * 1e3
    );
}
