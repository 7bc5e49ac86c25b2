//! Framing and parsing do not depend on how the bytes arrive: every split
//! point gives the same responses as the whole buffer.

use imap_core::wire::{frames, Framer, Limits};
use proptest::prelude::*;

/// The corpus: the RFC's sample session and every server line of sections 6
/// to 8, plus literals, Latin-1 and bare LF.
fn corpus() -> Vec<u8> {
    let mut input = include_bytes!("../data/rfc3501-section8.txt").to_vec();
    input.extend_from_slice(include_bytes!("../data/rfc3501-server-lines.txt"));
    input.extend_from_slice(b"* 1 FETCH (BODY[1] {4}\r\n\r\n\r\n BODY[2] ~{2}\r\n{})\n* OK caf\xe9\n");
    input
}

/// Debug renderings of every response parsed from `chunks` fed one after
/// the other into a streaming framer.
fn streamed(chunks: &[&[u8]]) -> Vec<String> {
    let mut framer = Framer::new(Limits::default());
    let mut out = Vec::new();
    for chunk in chunks {
        framer.feed(chunk);
        while let Some(frame) = framer.next_frame() {
            let frame = frame.expect("frames");
            out.push(format!("{:?}", imap_core::parse(&frame).expect("parses")));
        }
    }
    framer.finish().expect("nothing left over");
    out
}

fn whole(input: &[u8]) -> Vec<String> {
    frames(input, Limits::default())
        .map(|f| format!("{:?}", imap_core::parse(&f.expect("frames")).expect("parses")))
        .collect()
}

#[test]
fn every_split_point_gives_the_same_responses() {
    let input = corpus();
    let expected = whole(&input);
    assert_eq!(expected.len(), 16 + 138 + 2);
    for split in 0..=input.len() {
        let (a, b) = input.split_at(split);
        assert_eq!(streamed(&[a, b]), expected, "split at {split}");
    }
}

#[test]
fn one_byte_at_a_time_gives_the_same_responses() {
    let input = corpus();
    let chunks: Vec<&[u8]> = input.chunks(1).collect();
    assert_eq!(streamed(&chunks), whole(&input));
}

proptest! {
    #[test]
    fn random_splits_give_the_same_responses(cuts in proptest::collection::vec(0usize..5000, 0..40)) {
        let input = corpus();
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c % (input.len() + 1)).collect();
        cuts.sort_unstable();
        let mut chunks = Vec::new();
        let mut start = 0;
        for cut in cuts {
            chunks.push(&input[start..cut]);
            start = cut;
        }
        chunks.push(&input[start..]);
        prop_assert_eq!(streamed(&chunks), whole(&input));
    }
}

/// Debug renderings of `parse_buffer`'s output, errors included.
fn buffered(input: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    imap_core::parse::parse_buffer(input, Limits::default(), |r| match r {
        Ok(response) => out.push(format!("{response:?}")),
        Err(e) => out.push(format!("error: {e}")),
    });
    out
}

/// The same, frame by frame with `parse`.
fn frame_by_frame(input: &[u8]) -> Vec<String> {
    frames(input, Limits::default())
        .map(|f| match f {
            Ok(frame) => match imap_core::parse(&frame) {
                Ok(response) => format!("{response:?}"),
                Err(e) => format!("error: {e}"),
            },
            Err(e) => format!("error: {e}"),
        })
        .collect()
}

#[test]
fn parsing_a_buffer_in_runs_equals_parsing_frame_by_frame() {
    let mut input = corpus();
    // Errors in the middle of a run: the grammar refuses one, the typed model another.
    input.extend_from_slice(b"* 1 FETCH (UID (x)\r\n* 2 EXISTS\r\n* 99999999999 EXISTS\r\n* 3 EXISTS\r\n* 4");
    let expected = frame_by_frame(&input);
    assert_eq!(expected.iter().filter(|r| r.starts_with("error")).count(), 3);
    assert_eq!(buffered(&input), expected);
}
