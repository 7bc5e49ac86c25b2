//! Tests of the framer: exact frames, limits, recovery, hostile input, and a
//! property test that streaming equals framing the whole buffer.

use proptest::prelude::*;

use super::*;

/// Everything observable about one frame, owned so that runs can be compared.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Snap {
    offset: u64,
    bytes: Vec<u8>,
    skeleton: String,
    remapped: bool,
    literals: Vec<(usize, Vec<u8>)>,
}

type Out = Result<Snap, FrameError>;

fn snap(frame: &Frame<'_>) -> Snap {
    Snap {
        offset: frame.offset(),
        bytes: frame.bytes().to_vec(),
        skeleton: frame.skeleton().to_owned(),
        remapped: frame.is_remapped(),
        literals: frame.literals().iter().map(|l| (l.header_end, frame.payload(l).to_vec())).collect(),
    }
}

/// `frames()` over the whole input.
fn whole(input: &[u8], limits: Limits) -> Vec<Out> {
    frames(input, limits).map(|r| r.map(|f| snap(&f))).collect()
}

/// `Framer` fed in chunks of the given sizes (cycled), then `finish()`.
/// Alternates between `feed` and `read_buf`/`commit`.
fn streamed(input: &[u8], chunks: &[usize], limits: Limits) -> Vec<Out> {
    let mut framer = Framer::new(limits);
    let mut out = Vec::new();
    let mut rest = input;
    for (i, &size) in chunks.iter().cycle().enumerate() {
        if rest.is_empty() {
            break;
        }
        let (chunk, tail) = rest.split_at(size.clamp(1, rest.len()));
        rest = tail;
        if i % 2 == 0 {
            framer.feed(chunk);
        } else {
            framer.read_buf(chunk.len())[..chunk.len()].copy_from_slice(chunk);
            framer.commit(chunk.len());
        }
        drain(&mut framer, &mut out);
    }
    if let Err(e) = framer.finish() {
        out.push(Err(e));
    }
    out
}

fn drain(framer: &mut Framer, out: &mut Vec<Out>) {
    while let Some(r) = framer.next_frame() {
        out.push(r.map(|f| snap(&f)));
    }
}

fn ok(out: &Out) -> &Snap {
    out.as_ref().expect("a frame")
}

fn kind(out: &Out) -> FrameErrorKind {
    out.as_ref().expect_err("an error").kind
}

/// Runs both drivers (whole, and one byte at a time) and checks they agree.
fn both(input: &[u8], limits: Limits) -> Vec<Out> {
    let all = whole(input, limits);
    assert_eq!(streamed(input, &[1], limits), all);
    all
}

fn small() -> Limits {
    Limits { max_line: 20, max_literal: 10, max_response: 60, max_depth: 3 }
}

#[test]
fn single_line_borrows_the_input() {
    let input = b"* OK IMAP4rev1 ready\r\n";
    let frame = frames(input, Limits::default()).next().unwrap().unwrap();
    assert_eq!(frame.bytes(), input);
    assert_eq!(frame.skeleton(), "* OK IMAP4rev1 ready\r\n");
    assert_eq!(frame.skeleton().as_ptr(), input.as_ptr(), "skeleton copied");
    assert!(frame.literals().is_empty());
    assert!(!frame.is_remapped());
    assert_eq!(frame.offset(), 0);
    assert_eq!(frames(input, Limits::default()).count(), 1);
}

#[test]
fn literals_are_cut_out_of_the_skeleton() {
    let input = b"* 1 FETCH (BODY[1] {3}\r\nabc BODY[2] {2}\r\nde)\r\n";
    let out = both(input, Limits::default());
    assert_eq!(out.len(), 1);
    let f = ok(&out[0]);
    assert_eq!(f.bytes, input);
    assert_eq!(f.skeleton, "* 1 FETCH (BODY[1] {3}\r\n BODY[2] {2}\r\n)\r\n");
    assert_eq!(f.literals, [(24, b"abc".to_vec()), (38, b"de".to_vec())]);
    let frame = frames(input, Limits::default()).next().unwrap().unwrap();
    let ranges: Vec<_> = frame.literals().iter().map(|l| l.payload.clone()).collect();
    assert_eq!(ranges, [24..27, 41..43]);
    assert_eq!(frame.literal_at(24), Some(&b"abc"[..]));
    assert_eq!(frame.literal_at(38), Some(&b"de"[..]));
    assert_eq!(frame.literal_at(25), None);
    let payload = frame.literal_at(24).unwrap();
    assert_eq!(payload.as_ptr(), input[24..].as_ptr(), "payload copied");
}

#[test]
fn literal8_payload_may_be_binary() {
    let input = b"* 2 FETCH (BINARY[] ~{5}\r\n\0\xFF\r\n\xE9)\r\n";
    let out = both(input, Limits::default());
    let f = ok(&out[0]);
    assert_eq!(f.skeleton, "* 2 FETCH (BINARY[] ~{5}\r\n)\r\n");
    assert!(!f.remapped, "payload bytes must not affect the skeleton");
    assert_eq!(f.literals, [(26, b"\0\xFF\r\n\xE9".to_vec())]);
}

#[test]
fn literal_payload_is_never_scanned() {
    let input = b"* 3 FETCH (BODY[] {13}\r\n((\"\r\n{5}\r\nab\n)\r\nA OK\r\n";
    let out = both(input, small_depth(1));
    assert_eq!(out.len(), 2);
    let f = ok(&out[0]);
    assert_eq!(f.skeleton, "* 3 FETCH (BODY[] {13}\r\n)\r\n");
    assert_eq!(f.literals, [(24, b"((\"\r\n{5}\r\nab\n".to_vec())]);
    assert_eq!(ok(&out[1]).skeleton, "A OK\r\n");
    assert_eq!(ok(&out[1]).offset, 40);
}

fn small_depth(max_depth: u32) -> Limits {
    Limits { max_depth, ..Limits::default() }
}

#[test]
fn empty_literal() {
    let out = both(b"* 4 FETCH (BODY[] {0}\r\n)\r\n", Limits::default());
    let f = ok(&out[0]);
    assert_eq!(f.skeleton, "* 4 FETCH (BODY[] {0}\r\n)\r\n");
    assert_eq!(f.literals, [(23, Vec::new())]);
}

#[test]
fn bare_lf_line_endings_are_kept() {
    let input = b"* 5 FETCH (BODY[] {2}\nhi)\n* OK x\r\n";
    let out = both(input, Limits::default());
    assert_eq!(out.len(), 2);
    assert_eq!(ok(&out[0]).skeleton, "* 5 FETCH (BODY[] {2}\n)\n");
    assert_eq!(ok(&out[0]).literals, [(22, b"hi".to_vec())]);
    assert_eq!(ok(&out[1]).skeleton, "* OK x\r\n");
}

#[test]
fn several_responses_with_offsets() {
    let input = b"* 1 EXISTS\r\n* 0 RECENT\r\nA1 OK done\r\n";
    let out = both(input, Limits::default());
    let offsets: Vec<_> = out.iter().map(|o| ok(o).offset).collect();
    assert_eq!(offsets, [0, 12, 24]);
    assert_eq!(ok(&out[2]).skeleton, "A1 OK done\r\n");
}

#[test]
fn brace_inside_a_line_is_just_a_byte() {
    let out = both(b"* OK {5} text\r\n* OK {x}\r\n* OK {}\r\n", Limits::default());
    assert_eq!(out.len(), 3);
    assert!(out.iter().all(|o| ok(o).literals.is_empty()));
}

#[test]
fn quotes_hide_parens_and_reset_at_line_end() {
    let limits = small_depth(1);
    // Parens in a quoted string, with an escaped quote, do not count.
    let out = both(b"* X (\"((\\\"((\" a)\r\n", limits);
    assert!(out[0].is_ok());
    // An unterminated quote ends with the line: this `(` counts again.
    let out = both(b"* X {1}\r\n\"\r\n(\"(\r\n", limits);
    assert!(out[0].is_ok());
    let out = both(b"* X \"(\r\n* Y ((\r\n", limits);
    assert!(out[0].is_ok());
    assert_eq!(kind(&out[1]), FrameErrorKind::TooDeep { limit: 1 });
    assert_eq!(out[1].as_ref().unwrap_err().offset, 13);
}

#[test]
fn latin1_round_trips() {
    let input = b"* 1 FETCH (ENVELOPE (\"caf\xE9\" {3}\r\n\xFF\xFE\xFD \"\xE9t\xE9\"))\r\n";
    let out = both(input, Limits::default());
    let f = ok(&out[0]);
    assert!(f.remapped);
    let lines = [&input[..33], &input[36..]].concat();
    assert_eq!(&*unmap(&f.skeleton), &lines[..]);
    assert!(f.skeleton.starts_with("* 1 FETCH (ENVELOPE (\"caf\u{10FFE9}\" {3}\r\n"));
    // The header offset is one of the remapped text (the é takes 4 bytes).
    assert_eq!(f.literals, [(36, b"\xFF\xFE\xFD".to_vec())]);
    let frame = frames(input, Limits::default()).next().unwrap().unwrap();
    assert_eq!(frame.literal_at(36), Some(&b"\xFF\xFE\xFD"[..]));
}

#[test]
fn private_use_chars_round_trip_when_remapped() {
    // U+10FFE9 sent as valid UTF-8 next to an invalid byte.
    let input = "* OK \u{10FFE9} \u{10FF00} é ".as_bytes().to_vec();
    let input = [&input[..], b"\x80\r\n"].concat();
    let out = both(&input, Limits::default());
    let f = ok(&out[0]);
    assert!(f.remapped);
    assert_eq!(&*unmap(&f.skeleton), &input[..]);
    // Only the reserved range is escaped: U+10FF00 and é stay as they are.
    assert!(f.skeleton.contains(" \u{10FF00} é "));
    assert!(!f.skeleton.contains('\u{10FFE9}'));
}

#[test]
fn valid_utf8_is_not_remapped() {
    let input = "* OK \u{10FFE9} é\r\n".as_bytes();
    let frame = frames(input, Limits::default()).next().unwrap().unwrap();
    assert!(!frame.is_remapped());
    assert_eq!(frame.skeleton().as_bytes(), input);
    assert!(matches!(unmap("plain é"), std::borrow::Cow::Borrowed(_)));
}

#[test]
fn line_limit_edge_and_recovery() {
    let limits = small();
    let at_limit = b"* OK 67890123456\r\n\n"; // 18 + 2 bytes: 20
    let out = both(&[&at_limit[..18], b"78\r\n"].concat(), limits);
    assert!(out[0].is_ok(), "{out:?}");
    let input = b"* OK 678901234567890\r\n* OK next\r\n";
    let out = both(input, limits);
    let e = out[0].as_ref().unwrap_err();
    assert_eq!(e.kind, FrameErrorKind::LineTooLong { limit: 20 });
    assert_eq!(e.offset, 20);
    assert_eq!(ok(&out[1]).skeleton, "* OK next\r\n");
    assert_eq!(ok(&out[1]).offset, 22);
    assert_eq!(out.len(), 2);
}

#[test]
fn too_long_line_ending_in_a_literal_skips_its_payload() {
    let input = b"* 1 FETCH (BODY[] xxxxxxxxxx {4}\r\n\r\n)\n)\r\n* OK\r\n";
    let out = both(input, small());
    assert_eq!(kind(&out[0]), FrameErrorKind::LineTooLong { limit: 20 });
    assert_eq!(out.len(), 2, "{out:?}");
    assert_eq!(ok(&out[1]).skeleton, "* OK\r\n");
}

#[test]
fn literal_limit_edge_and_recovery() {
    let limits = small();
    let out = both(b"* X {10}\r\n0123456789)\r\n", limits);
    assert_eq!(ok(&out[0]).literals[0].1, b"0123456789");
    let out = both(b"* X {11}\r\n* OK\r\n", limits);
    let e = out[0].as_ref().unwrap_err();
    assert_eq!(e.kind, FrameErrorKind::LiteralTooLarge { announced: 11, limit: 10 });
    assert_eq!(e.offset, 4);
    assert_eq!(ok(&out[1]).skeleton, "* OK\r\n");
}

#[test]
fn response_limit_edge_and_recovery() {
    let limits = small();
    // 15 + 10 + 9 + 10 + 16 = 60 bytes: exactly at the limit.
    let at = b"* 1 X (A {10}\r\n0123456789 B {10}\r\n0123456789 C 1234567890)\r\n";
    assert_eq!(at.len(), 60);
    let out = both(at, limits);
    assert!(out[0].is_ok(), "{out:?}");
    // One more byte on the last line.
    let past = b"* 1 X (A {10}\r\n0123456789 B {10}\r\n0123456789 C 12345678901)\r\n* OK\r\n";
    let out = both(past, limits);
    let e = out[0].as_ref().unwrap_err();
    assert_eq!(e.kind, FrameErrorKind::ResponseTooLarge { limit: 60 });
    assert_eq!(e.offset, 60);
    assert_eq!(ok(&out[1]).skeleton, "* OK\r\n");
    // Detected at a literal header: the payload, within max_literal, is skipped.
    let past = b"* 1 X (A {10}\r\n0123456789 B {10}\r\n0123456789 C {10}\r\n\r\n* BAD\r\nx)\r\n* OK\r\n";
    let out = both(past, limits);
    let e = out[0].as_ref().unwrap_err();
    assert_eq!(e.kind, FrameErrorKind::ResponseTooLarge { limit: 60 });
    assert_eq!(e.offset, 47);
    assert_eq!(out.len(), 2, "{out:?}");
    assert_eq!(ok(&out[1]).skeleton, "* OK\r\n");
}

#[test]
fn parentheses_in_quoted_strings_do_not_count_toward_depth() {
    // More `(` than the limit, all but one inside quoted strings: the count
    // that bounds the depth is over the limit, the real depth is not.
    let input = b"* 1 FETCH (ENVELOPE \"((((\" \"(\\\"((\")\r\n* 2 FETCH ((((x))))\r\n";
    let out = both(input, small_depth(2));
    assert_eq!(ok(&out[0]).skeleton, "* 1 FETCH (ENVELOPE \"((((\" \"(\\\"((\")\r\n");
    let e = out[1].as_ref().unwrap_err();
    assert_eq!(e.kind, FrameErrorKind::TooDeep { limit: 2 });
    assert_eq!(e.offset, 37 + 12, "the third `(` of the second response");
}

#[test]
fn depth_limit_edge_and_recovery() {
    let limits = small();
    let out = both(b"* X ((({0}\r\n)))\r\n", limits);
    assert!(out[0].is_ok());
    let out = both(b"* X ((({1}\r\n(((((\r\n* OK\r\n", limits);
    let e = out[0].as_ref().unwrap_err();
    assert_eq!(e.kind, FrameErrorKind::TooDeep { limit: 3 });
    assert_eq!(e.offset, 13);
    assert_eq!(out.len(), 2, "{out:?}");
    assert_eq!(ok(&out[1]).skeleton, "* OK\r\n");
}

#[test]
fn hostile_literal_sizes() {
    let input = b"* 1 FETCH (BODY[] {99999999999999}\r\n* 2 EXISTS\r\n";
    let mut framer = Framer::new(Limits::default());
    framer.feed(input);
    let e = framer.next_frame().unwrap().unwrap_err();
    let limit = Limits::default().max_literal;
    let announced = 99_999_999_999_999;
    assert_eq!(e.kind, FrameErrorKind::LiteralTooLarge { announced, limit });
    assert_eq!(e.offset, 18);
    assert_eq!(framer.next_frame().unwrap().unwrap().skeleton(), "* 2 EXISTS\r\n");
    assert!(framer.next_frame().is_none());
    assert_eq!(framer.buffered(), 0);

    let input = b"* 1 FETCH (BODY[] {123456789012345678901234567890}\r\n* 2 EXISTS\r\n";
    let out = both(input, Limits::default());
    assert_eq!(kind(&out[0]), FrameErrorKind::LiteralTooLarge { announced: u64::MAX, limit });
    assert_eq!(ok(&out[1]).skeleton, "* 2 EXISTS\r\n");
}

#[test]
fn endless_line_is_cut_with_bounded_buffering() {
    let limits = Limits::default();
    let mut framer = Framer::new(limits);
    let chunk = vec![b'a'; 64 << 10];
    let mut errors = Vec::new();
    let mut peak = 0;
    for _ in 0..(64 << 20) / chunk.len() {
        framer.feed(&chunk);
        peak = peak.max(framer.buffered());
        while let Some(r) = framer.next_frame() {
            errors.push(r.map(|_| ()).unwrap_err());
        }
    }
    assert_eq!(errors.len(), 1);
    let limit = limits.max_line;
    assert_eq!(errors[0].kind, FrameErrorKind::LineTooLong { limit });
    assert_eq!(errors[0].offset, limit as u64);
    assert!(peak <= limit + chunk.len(), "buffered {peak}");
    assert_eq!(framer.buffered(), 0, "discarded bytes are not kept");
    framer.feed(b"xyz\r\n* OK\r\n");
    assert_eq!(framer.next_frame().unwrap().unwrap().skeleton(), "* OK\r\n");
    assert!(framer.finish().is_ok());
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let mut input = vec![b'('; 200_000];
    input.extend_from_slice(b"\r\n* OK\r\n");
    let out = whole(&input, Limits::default());
    let e = out[0].as_ref().unwrap_err();
    let limit = Limits::DEFAULT_MAX_DEPTH;
    assert_eq!(e.kind, FrameErrorKind::TooDeep { limit });
    assert_eq!(e.offset, u64::from(limit));
    assert_eq!(ok(&out[1]).skeleton, "* OK\r\n");
}

#[test]
fn truncated_input() {
    let input = b"* OK a\r\n* 1 FETCH (BODY[] {10}\r\nabc";
    let out = both(input, Limits::default());
    assert_eq!(out.len(), 2);
    let e = out[1].as_ref().unwrap_err();
    assert_eq!(e.kind, FrameErrorKind::Truncated { frame_start: 8 });
    assert_eq!(e.offset, input.len() as u64);
    assert!(e.to_string().contains("byte 8"), "{e}");
    let out = both(b"* OK no line end", Limits::default());
    assert_eq!(kind(&out[0]), FrameErrorKind::Truncated { frame_start: 0 });
    let mut framer = Framer::new(Limits::default());
    framer.feed(b"* partial");
    assert!(framer.next_frame().is_none());
    assert!(framer.finish().is_err());
    assert!(framer.finish().is_ok(), "reported once");
    // The iterator too: after its Truncated error, only None.
    let mut all = frames(input, Limits::default());
    assert!(all.next().unwrap().is_ok());
    assert!(all.next().unwrap().is_err());
    assert!(all.next().is_none());
    assert!(all.next().is_none(), "still none");
}

#[test]
fn errors_display_what_and_where() {
    let e = FrameError { kind: FrameErrorKind::LineTooLong { limit: 20 }, offset: 42 };
    assert_eq!(e.to_string(), "response line longer than 20 bytes (at byte 42)");
}

#[test]
fn framer_releases_consumed_bytes() {
    let mut framer = Framer::new(Limits::default());
    let mut seen = 0;
    for i in 0..10_000 {
        framer.feed(format!("* {i} EXISTS\r\n* ").as_bytes());
        framer.feed(b"OK\r\n");
        while let Some(f) = framer.next_frame() {
            f.unwrap();
            seen += 1;
        }
        assert_eq!(framer.buffered(), 0);
    }
    assert_eq!(seen, 20_000);
}

/// Pieces of generated input: structure, quotes, escapes, non-UTF-8, limits.
fn piece() -> impl Strategy<Value = Vec<u8>> {
    let fixed: Vec<&'static [u8]> = vec![
        b"* 1 FETCH ",
        b"A1 OK ",
        b"(",
        b"((",
        b")",
        b"\"",
        b"\\",
        b"\"q(\\\"x)\"",
        b"\xE9",
        "\u{10FFE9}".as_bytes(),
        "é".as_bytes(),
        b"\r\n",
        b"\r\n",
        b"\n",
        b"\r",
        b"{",
        b"}",
        b"{0}\r\n",
        b"{99}\r\n",
        b"{123456789012345678901234567890}\n",
        b"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    ];
    let literal = (
        any::<bool>(),
        any::<bool>(),
        proptest::collection::vec(prop::sample::select(vec![b'a', b'\r', b'\n', b'{', b'}', b'(', b'"', 0xFF]), 0..14),
    )
        .prop_map(|(tilde, crlf, payload)| {
            let mut v = Vec::new();
            if tilde {
                v.push(b'~');
            }
            v.extend_from_slice(format!("{{{}}}", payload.len()).as_bytes());
            v.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
            v.extend_from_slice(&payload);
            v
        });
    prop_oneof![
        3 => prop::sample::select(fixed).prop_map(<[u8]>::to_vec),
        1 => literal,
    ]
}

fn limits() -> impl Strategy<Value = Limits> {
    prop_oneof![
        Just(Limits::default()),
        (8usize..48, 4u64..16, 16u64..160, 1u32..5).prop_map(|(l, lit, r, d)| Limits {
            max_line: l,
            max_literal: lit,
            max_response: r,
            max_depth: d,
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn streaming_equals_whole(
        pieces in proptest::collection::vec(piece(), 0..40),
        chunks in proptest::collection::vec(1usize..24, 1..8),
        limits in limits(),
    ) {
        let input = pieces.concat();
        let all = whole(&input, limits);
        prop_assert_eq!(&streamed(&input, &chunks, limits), &all);
        prop_assert_eq!(&streamed(&input, &[1], limits), &all);
        for out in all.iter().filter_map(|o| o.as_ref().ok()) {
            check_frame(out, &input);
        }
    }
}

/// A frame is its input bytes, and skeleton plus payloads rebuild it.
fn check_frame(f: &Snap, input: &[u8]) {
    let start = f.offset as usize;
    assert_eq!(&input[start..start + f.bytes.len()], &f.bytes[..]);
    let lines: Vec<u8> = if f.remapped { unmap(&f.skeleton).into_owned() } else { f.skeleton.as_bytes().to_vec() };
    let mut rebuilt = Vec::new();
    let mut at = 0;
    for (header_end, payload) in &f.literals {
        let end = if f.remapped { unmap(&f.skeleton[..*header_end]).len() } else { *header_end };
        rebuilt.extend_from_slice(&lines[at..end]);
        rebuilt.extend_from_slice(payload);
        at = end;
    }
    rebuilt.extend_from_slice(&lines[at..]);
    assert_eq!(rebuilt, f.bytes);
    assert!(f.bytes.ends_with(b"\n"));
}

// Streaming literals (`Framer::set_stream_threshold`, `Framer::next_piece`).

/// The payload bytes of one streamed literal, concatenated from its chunks.
#[derive(Debug, Clone, PartialEq, Eq)]
struct StreamedLiteral {
    response: u64,
    size: u64,
    bytes: Vec<u8>,
}

/// What the streaming framer should give: `frames()` over the whole input,
/// with the payload of every literal of at least `threshold` bytes taken out
/// of its frame (bytes and literal) and listed on its own, in order.
fn expected_streaming(input: &[u8], threshold: u64) -> (Vec<Out>, Vec<StreamedLiteral>) {
    let mut literals = Vec::new();
    let outs = frames(input, Limits::default())
        .map(|r| {
            r.map(|frame| {
                let mut snap = snap(&frame);
                let mut bytes = Vec::new();
                let mut at = 0;
                for (l, (_, payload)) in frame.literals().iter().zip(snap.literals.iter_mut()) {
                    if (l.payload.len() as u64) < threshold {
                        continue;
                    }
                    bytes.extend_from_slice(&frame.bytes()[at..l.payload.start]);
                    at = l.payload.end;
                    let size = payload.len() as u64;
                    literals.push(StreamedLiteral { response: frame.offset(), size, bytes: std::mem::take(payload) });
                }
                bytes.extend_from_slice(&frame.bytes()[at..]);
                snap.bytes = bytes;
                snap
            })
        })
        .collect();
    (outs, literals)
}

/// The streaming framer fed in chunks of the given sizes (cycled), drained
/// with `next_piece` after each; every chunk is checked against the input.
fn streamed_pieces(input: &[u8], chunks: &[usize], threshold: u64) -> (Vec<Out>, Vec<StreamedLiteral>) {
    let mut framer = Framer::new(Limits::default());
    framer.set_stream_threshold(Some(threshold));
    let (mut outs, mut literals) = (Vec::new(), Vec::<StreamedLiteral>::new());
    let mut open = false; // the last literal expects more chunks
    let mut rest = input;
    let mut sizes = chunks.iter().cycle();
    while !rest.is_empty() {
        let (chunk, tail) = rest.split_at((*sizes.next().unwrap()).clamp(1, rest.len()));
        rest = tail;
        framer.feed(chunk);
        while let Some(piece) = framer.next_piece() {
            match piece {
                Piece::Literal(c) => {
                    assert!(!c.bytes.is_empty());
                    let at = c.offset as usize;
                    assert_eq!(&input[at..at + c.bytes.len()], c.bytes, "chunk bytes are not the input at its offset");
                    if !open {
                        literals.push(StreamedLiteral { response: c.response, size: c.size, bytes: Vec::new() });
                    }
                    let last = literals.last_mut().unwrap();
                    assert_eq!((last.response, last.size), (c.response, c.size));
                    last.bytes.extend_from_slice(c.bytes);
                    assert_eq!(last.bytes.len() as u64 + c.left, c.size);
                    open = c.left > 0;
                }
                Piece::Run(run) => {
                    assert!(!open, "a response came out inside a streamed literal");
                    for item in run.items {
                        outs.push(item.map(|f| {
                            for l in f.literals().iter().filter(|l| l.streamed.is_some()) {
                                assert!(l.payload.is_empty() && l.streamed >= Some(threshold));
                            }
                            snap(&f)
                        }));
                    }
                }
            }
        }
        // Memory: never more than the response's lines and one read.
        assert!(framer.buffered() <= input.len());
    }
    if let Err(e) = framer.finish() {
        outs.push(Err(e));
    }
    (outs, literals)
}

#[test]
fn streamed_literal_goes_out_in_chunks_and_its_response_comes_complete() {
    let input = b"* 1 EXISTS\r\n* 2 FETCH (UID 9 BODY[] {12}\r\nhello\r\nworld FLAGS (\\Seen))\r\nA1 OK done\r\n";
    let (outs, literals) = streamed_pieces(input, &[input.len()], 5);
    assert_eq!(literals, [StreamedLiteral { response: 12, size: 12, bytes: b"hello\r\nworld".to_vec() }]);
    assert_eq!(ok(&outs[1]).skeleton, "* 2 FETCH (UID 9 BODY[] {12}\r\n FLAGS (\\Seen))\r\n");
    assert_eq!(ok(&outs[1]).bytes, b"* 2 FETCH (UID 9 BODY[] {12}\r\n FLAGS (\\Seen))\r\n");
    assert_eq!(ok(&outs[1]).literals, [(30, vec![])]);
    assert_eq!(ok(&outs[2]).offset, input.len() as u64 - 12);
    assert_eq!((outs.clone(), literals.clone()), expected_streaming(input, 5));
    // A smaller literal stays in its frame.
    let (outs, literals) = streamed_pieces(input, &[3], 13);
    assert!(literals.is_empty());
    assert_eq!(outs, whole(input, Limits::default()));
}

#[test]
fn streaming_every_split_point_gives_the_same_chunks_and_frames() {
    let input: &[u8] =
        b"* 1 FETCH (BODY[1] {6}\r\nab\r\ncd BODY[2] ~{3}\r\n\x00\xff) x)\r\n* 2 FETCH (RFC822 {0}\r\n)\r\n\
                         * 3 FETCH (BODY[] {20}\r\n01234567890123456789)\r\nA1 OK {2}\r\nok\r\n";
    for threshold in [1, 3, 7, 20, 21] {
        let expected = expected_streaming(input, threshold);
        assert_eq!(streamed_pieces(input, &[1], threshold), expected, "one byte at a time");
        for split in 1..input.len() {
            assert_eq!(streamed_pieces(input, &[split, input.len()], threshold), expected, "split at {split}");
            for second in [1, 2, 5] {
                let chunks = [split, second, input.len()];
                assert_eq!(streamed_pieces(input, &chunks, threshold), expected, "splits {chunks:?}");
            }
        }
    }
}

#[test]
fn streamed_payload_is_never_buffered_and_does_not_count_toward_max_response() {
    let limits = Limits { max_response: 1000, ..Limits::default() };
    let mut framer = Framer::new(limits);
    framer.set_stream_threshold(Some(1024));
    framer.feed(b"* 1 FETCH (BODY[] {10000000}\r\n");
    let mut total = 0u64;
    let block = [b'x'; 4096];
    while total < 10_000_000 {
        let n = block.len().min((10_000_000 - total) as usize);
        framer.feed(&block[..n]);
        while let Some(piece) = framer.next_piece() {
            let Piece::Literal(chunk) = piece else { panic!("a run inside the literal") };
            total += chunk.bytes.len() as u64;
        }
        assert!(framer.buffered() < 64, "{} bytes buffered", framer.buffered());
    }
    framer.feed(b")\r\n");
    let Some(Piece::Run(mut run)) = framer.next_piece() else { panic!("no frame") };
    let frame = run.items.next().unwrap().unwrap();
    assert_eq!(frame.literals()[0].streamed, Some(10_000_000));
    assert_eq!(frame.offset(), 0);
    assert_eq!(total, 10_000_000);
    // A literal over max_literal is still refused before anything streams.
    let mut framer = Framer::new(Limits { max_literal: 100, ..Limits::default() });
    framer.set_stream_threshold(Some(10));
    framer.feed(b"* 1 FETCH (BODY[] {101}\r\nabc");
    let Some(Piece::Run(mut run)) = framer.next_piece() else { panic!("no error") };
    assert!(matches!(run.items.next(), Some(Err(FrameError { kind: FrameErrorKind::LiteralTooLarge { .. }, .. }))));
}

#[test]
fn next_frame_and_next_run_drop_streamed_payloads() {
    let input = b"* 1 FETCH (BODY[] {5}\r\nhello)\r\nA1 OK done\r\n";
    for per_frame in [true, false] {
        let mut framer = Framer::new(Limits::default());
        framer.set_stream_threshold(Some(1));
        let mut skeletons = Vec::new();
        for byte in input.chunks(3) {
            framer.feed(byte);
            if per_frame {
                while let Some(f) = framer.next_frame() {
                    skeletons.push(f.unwrap().skeleton().to_owned());
                }
            } else {
                while let Some(run) = framer.next_run() {
                    skeletons.extend(run.items.map(|f| f.unwrap().skeleton().to_owned()));
                }
            }
        }
        assert_eq!(skeletons, ["* 1 FETCH (BODY[] {5}\r\n)\r\n", "A1 OK done\r\n"]);
        framer.finish().unwrap();
    }
}

#[test]
fn input_ending_inside_a_streamed_literal_is_truncated_at_its_response() {
    let mut framer = Framer::new(Limits::default());
    framer.set_stream_threshold(Some(1));
    framer.feed(b"* 1 EXISTS\r\n* 2 FETCH (BODY[] {50}\r\nabc");
    while framer.next_piece().is_some() {}
    let e = framer.finish().unwrap_err();
    assert_eq!(e.kind, FrameErrorKind::Truncated { frame_start: 12 });
    assert_eq!(e.offset, 12 + 24 + 3);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn streaming_literals_equals_whole_minus_payloads(
        pieces in proptest::collection::vec(piece(), 0..40),
        chunks in proptest::collection::vec(1usize..24, 1..8),
        threshold in 1u64..16,
    ) {
        let input = pieces.concat();
        let expected = expected_streaming(&input, threshold);
        // The payload of a response that then failed (a limit, or the input
        // ended inside it) went out too, before the framer could know: set
        // aside, it was checked against the input like every chunk.
        let framed: Vec<u64> = expected.0.iter().filter_map(|o| o.as_ref().ok().map(|f| f.offset)).collect();
        for split in [&chunks[..], &[1]] {
            let (outs, mut literals) = streamed_pieces(&input, split, threshold);
            literals.retain(|l| framed.contains(&l.response));
            prop_assert_eq!(&(outs, literals), &expected);
        }
    }
}

#[test]
fn a_large_literal_is_buffered_in_about_its_size_and_freed_after() {
    let size = 10_000_000;
    let mut framer = Framer::new(Limits::default());
    framer.feed(format!("* 1 FETCH (BODY[] {{{size}}}\r\n").as_bytes());
    assert!(framer.next_frame().is_none());
    let block = vec![b'x'; 64 << 10];
    let mut sent = 0;
    while sent < size {
        let n = block.len().min(size - sent);
        framer.feed(&block[..n]);
        sent += n;
        assert!(framer.next_frame().is_none());
    }
    framer.feed(b")\r\n");
    {
        let frame = framer.next_frame().unwrap().unwrap();
        assert_eq!(frame.payload(&frame.literals()[0]).len(), size);
    }
    // Grown close to the literal's size, not doubled past it (16.8 MB).
    assert!(framer.capacity() <= size / 4 * 5, "{} bytes allocated", framer.capacity());
    // Once it is consumed, the large buffer goes.
    assert!(framer.next_frame().is_none());
    assert_eq!(framer.capacity(), 0);
    framer.feed(b"* 2 EXISTS\r\n");
    assert_eq!(framer.next_frame().unwrap().unwrap().skeleton(), "* 2 EXISTS\r\n");
    assert!(framer.capacity() <= 64 << 10);
}

#[test]
fn finish_drops_a_chunk_found_behind_a_run() {
    let mut framer = Framer::new(Limits::default());
    framer.set_stream_threshold(Some(1));
    framer.feed(b"* 1 EXISTS\r\n* 2 FETCH (BODY[] {5}\r\nab");
    let Some(Piece::Run(run)) = framer.next_piece() else { panic!("no run") };
    assert_eq!(run.items.count(), 1);
    // The chunk "ab" waits behind the run; the stream ends here.
    let e = framer.finish().unwrap_err();
    assert_eq!(e.kind, FrameErrorKind::Truncated { frame_start: 12 });
    assert_eq!(e.offset, 37, "the end of the input");
    assert_eq!(framer.buffered(), 0);
    // Afresh: nothing of the old stream comes out.
    framer.feed(b"* 1 EXISTS\r\n* 2 FETCH (BODY[] {5}\r\nab");
    let Some(Piece::Run(_)) = framer.next_piece() else { panic!("no run") };
    // next_frame after next_piece drops the waiting chunk, like any streamed payload.
    assert!(framer.next_frame().is_none());
    framer.feed(b"cde)\r\n");
    assert_eq!(framer.next_frame().unwrap().unwrap().skeleton(), "* 2 FETCH (BODY[] {5}\r\n)\r\n");
    framer.finish().unwrap();
    framer.feed(b"* 3 EXISTS\r\n");
    let Some(Piece::Run(mut run)) = framer.next_piece() else { panic!("no run") };
    assert_eq!(run.items.next().unwrap().unwrap().bytes(), b"* 3 EXISTS\r\n");
    assert!(framer.next_piece().is_none());
}

#[test]
fn what_a_run_leaves_untaken_comes_in_the_next_run() {
    let mut framer = Framer::new(Limits::default());
    framer.feed(b"* 1 EXISTS\r\n* 2 EXISTS\r\n* 3 EXI");
    let mut run = framer.next_run().expect("a run");
    assert_eq!(run.offset, 0);
    assert_eq!(run.items.next().unwrap().unwrap().bytes(), b"* 1 EXISTS\r\n");
    // The second is scanned only when taken: here it is not, so it stays.
    assert_eq!(framer.buffered(), 19);
    framer.feed(b"STS\r\n");
    let run = framer.next_run().expect("a run");
    assert_eq!(run.offset, 12);
    let rest: Vec<_> = run.items.map(|f| f.unwrap().bytes().to_vec()).collect();
    assert_eq!(rest, [b"* 2 EXISTS\r\n".to_vec(), b"* 3 EXISTS\r\n".to_vec()]);
    assert!(framer.next_run().is_none());
    assert_eq!(framer.buffered(), 0);
}
