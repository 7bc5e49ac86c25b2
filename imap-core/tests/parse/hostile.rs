//! Hostile input ends in a typed error within bounded time and memory, and
//! the stream goes on after it.

use crate::support::common;

use imap_core::types::{Data, FetchItem, Response};
use imap_core::wire::{frames, FrameErrorKind, Framer, Limits};

#[test]
fn nesting_200000_deep_is_a_typed_error_not_a_stack_overflow() {
    let mut input = b"* 1 FETCH (BODYSTRUCTURE ".to_vec();
    input.extend(std::iter::repeat_n(b'(', 200_000));
    input.extend(std::iter::repeat_n(b')', 200_000));
    input.extend_from_slice(b")\r\n* 2 EXISTS\r\n");
    let mut all = frames(&input, Limits::default());
    let err = all.next().unwrap().unwrap_err();
    assert!(matches!(err.kind, FrameErrorKind::TooDeep { limit: Limits::DEFAULT_MAX_DEPTH }), "{err}");
    let next = all.next().unwrap().unwrap();
    assert!(matches!(imap_core::parse(&next), Ok(Response::Data(Data::Exists(2)))));
}

/// `levels` multiparts, each holding the next, around one text part.
fn nested_bodystructure(levels: usize) -> Vec<u8> {
    let mut input = b"* 1 FETCH (BODYSTRUCTURE ".to_vec();
    input.extend(std::iter::repeat_n(b'(', levels));
    input.extend_from_slice(b"(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1)");
    input.extend(std::iter::repeat_n(&b" \"MIXED\")"[..], levels).flatten());
    input.extend_from_slice(b")\r\n");
    input
}

/// Runs `f` on a thread with Rust's default stack for spawned threads.
fn on_a_2_mib_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new().stack_size(2 << 20).spawn(f).unwrap().join().expect("no stack overflow")
}

#[test]
fn a_1000_level_bodystructure_parses_on_a_2_mib_stack() {
    let parts = on_a_2_mib_stack(|| {
        let input = nested_bodystructure(1_000);
        let frame = frames(&input, Limits::default()).next().unwrap().unwrap();
        let Ok(Response::Data(Data::Fetch(fetch))) = imap_core::parse(&frame) else { panic!("parses") };
        let body = fetch.body_structure().unwrap();
        let deepest = body.parts().last().unwrap().0.len();
        (body.parts().count(), deepest)
    });
    assert_eq!(parts, (1_001, 1_000));
}

#[test]
fn nesting_200000_deep_is_a_typed_error_from_either_parser_on_a_2_mib_stack() {
    use imap_core::grammar::{ImapParser, Rejected, Rule, Tree};
    use pest::Parser;
    let input = String::from_utf8(nested_bodystructure(200_000)).unwrap();
    let (ours, pests) = on_a_2_mib_stack(move || {
        let ours = Tree::recognize::<ImapParser>(Rule::response, &input, Vec::new(), imap_core::parse::MAX_NESTING)
            .map(|_| ());
        let pests = ImapParser::parse(Rule::response, &input).map(|_| ()).map_err(|e| e.to_string());
        (ours, pests)
    });
    assert_eq!(ours, Err(Rejected::TooDeep));
    assert!(pests.is_err(), "pest refuses it too, without overflowing the stack");
}

#[test]
fn deep_but_allowed_nesting_parses() {
    // 40 nested multiparts: 41 levels of parentheses plus the FETCH list.
    let mut body = b"(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1)".to_vec();
    for _ in 0..40 {
        let mut outer = b"(".to_vec();
        outer.extend_from_slice(&body);
        outer.extend_from_slice(b" \"MIXED\")");
        body = outer;
    }
    let mut input = b"* 1 FETCH (BODYSTRUCTURE ".to_vec();
    input.extend_from_slice(&body);
    input.extend_from_slice(b")\r\n");
    let f = common::fetch(&input);
    assert_eq!(f.body_structure().unwrap().parts().count(), 41);
    assert_eq!(f.body_structure().unwrap().parts().last().unwrap().0, vec![1; 40]);
}

#[test]
fn a_literal_of_10_to_the_14_bytes_is_refused_before_allocating() {
    let input = b"* 1 FETCH (BODY[] {100000000000000}\r\n* 2 EXISTS\r\n";
    let mut all = frames(input, Limits::default());
    let err = all.next().unwrap().unwrap_err();
    assert!(matches!(err.kind, FrameErrorKind::LiteralTooLarge { announced: 100_000_000_000_000, .. }), "{err}");
    let next = all.next().unwrap().unwrap();
    assert!(matches!(imap_core::parse(&next), Ok(Response::Data(Data::Exists(2)))));
}

#[test]
fn a_64_mib_line_without_crlf_is_refused_with_bounded_memory() {
    let limits = Limits::default();
    let mut framer = Framer::new(limits);
    let chunk = vec![b'a'; 64 << 10];
    let mut errors = 0;
    let mut peak = 0;
    for _ in 0..1024 {
        framer.feed(&chunk);
        peak = peak.max(framer.buffered());
        while let Some(frame) = framer.next_frame() {
            let err = frame.unwrap_err();
            assert!(matches!(err.kind, FrameErrorKind::LineTooLong { .. }), "{err}");
            errors += 1;
        }
    }
    assert_eq!(errors, 1);
    assert!(peak <= limits.max_line + chunk.len(), "buffered {peak} bytes");
    framer.feed(b"\r\n* 3 EXISTS\r\n");
    let frame = framer.next_frame().unwrap().unwrap();
    assert!(matches!(imap_core::parse(&frame), Ok(Response::Data(Data::Exists(3)))));
}

#[test]
fn numbers_that_overflow_their_field_are_malformed_items() {
    let f = common::fetch(b"* 1 FETCH (UID 4294967296 FLAGS ())\r\n");
    let FetchItem::Malformed(m) = &f.items[0] else { panic!("{:?}", f.items) };
    assert!(m.reason.contains("u32"), "{m:?}");
    assert_eq!(m.raw.as_bytes(), b"4294967296");
    // Where no item can take the blame, the response is an error.
    let e = common::parse_error(b"* 4294967296 EXISTS\r\n");
    assert!(e.expected.contains("u32"), "{e}");
    assert_eq!(e.position, 2);
}

#[test]
fn impossible_dates_are_malformed_items() {
    let f = common::fetch(b"* 1 FETCH (INTERNALDATE \"31-Feb-2024 00:00:00 +0000\")\r\n");
    let FetchItem::Malformed(m) = &f.items[0] else { panic!("{:?}", f.items) };
    assert!(m.reason.contains("date-time"), "{m:?}");
    assert_eq!((&*m.name, m.raw.as_bytes()), ("INTERNALDATE", &b"\"31-Feb-2024 00:00:00 +0000\""[..]));
}

#[test]
fn garbage_is_a_parse_error_with_a_position() {
    for garbage in [&b"\x00\x01\x02\r\n"[..], b"* 1 FETCH FETCH\r\n", b"+OK\r\n", b"A1 MAYBE\r\n", b")))\r\n"] {
        let e = common::parse_error(garbage);
        assert!(e.position < garbage.len(), "{e}");
        assert!(!e.expected.is_empty());
    }
}

#[test]
fn a_response_cut_short_after_a_literal_says_so_where_it_ends() {
    // (Positions are in wire bytes: they count the literal payloads.)
    // A line break right after a payload, inside an ENVELOPE (Sohu): the
    // response ends there with two parentheses open. The error is at that
    // end, not at the literal header (where pest's last failed rule was).
    let input = b"* 1 FETCH (ENVELOPE (NIL {3}\r\nabc\r\n NIL NIL NIL NIL NIL NIL NIL NIL))\r\n";
    let e = common::parse_error(input);
    assert_eq!(e.position, 33, "{e}");
    assert_eq!(&input[e.position..e.position + 2], b"\r\n");
    assert!(e.expected.contains("2 parentheses open"), "{e}");
    // The same after a BODY[] payload, with one parenthesis open.
    let e = common::parse_error(b"* 9 FETCH (UID 17 BODY[] {4}\r\nTHIS\r\n\r\n)\r\n");
    assert_eq!((e.position, e.offset), (34, 34), "{e}");
    assert!(e.expected.contains("1 parenthesis open"), "{e}");
}
