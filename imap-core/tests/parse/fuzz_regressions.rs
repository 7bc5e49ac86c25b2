//! Inputs found by the fuzz targets in `fuzz/` (see fuzz/README.md), kept
//! as regression tests: each once made imap-core panic or break an
//! invariant the targets check.

use imap_core::parse::parse_buffer;
use imap_core::types::{Capability, IntoStatic};
use imap_core::wire::{frames, Limits};

/// Parses `input` both ways the `parse` target does, checking that nothing
/// panics, that both agree, and that each response serializes and detaches.
fn parse_both_ways(input: &[u8]) -> Vec<String> {
    let mut batched = Vec::new();
    parse_buffer(input, Limits::default(), |r| {
        batched.push(match r {
            Ok(response) => {
                serde_json::to_string(&response).unwrap();
                format!("Ok({:?})", response.into_static())
            }
            Err(e) => format!("Err({e})"),
        })
    });
    let mut single = Vec::new();
    for frame in frames(input, Limits::default()) {
        single.push(match frame {
            Ok(frame) => match imap_core::parse(&frame) {
                Ok(response) => format!("Ok({:?})", response.into_static()),
                Err(e) => format!("Err({e})"),
            },
            Err(e) => format!("Err({e})"),
        });
    }
    assert_eq!(batched, single);
    batched
}

/// fuzz target `parse`: a capability token with a non-UTF-8 byte (remapped
/// by the framer to a 4-byte private-use character) straddling byte 5 made
/// `Capability::from_token` slice inside a character (`token[..5]`).
#[test]
fn capability_with_non_utf8_byte_at_index_3() {
    let results = parse_both_ways(b"* CAPABILITY IMAP4rev1 AUT\xA4=GSSAPI\r\n");
    assert_eq!(results.len(), 1);
    // Directly on the token as the framer remaps it.
    assert!(matches!(Capability::from_token("AUT\u{10FFA4}=GSSAPI"), Capability::Other(_)));
    assert!(matches!(Capability::from_token("AUTH\u{e9}X"), Capability::Other(_)));
    assert_eq!(Capability::from_token("auth=PLAIN"), Capability::Auth("PLAIN".into()));
}

/// fuzz target `parse`: a response that pest accepts in a batch but whose
/// typed conversion fails (a UIDVALIDITY over u32). `parse_buffer` restarted
/// frame-by-frame parsing at the pair's start, which for an untagged response
/// is after "* ": the error came out at the wrong offset with the wrong text.
#[test]
fn batch_error_in_untagged_response_of_a_plain_run() {
    // (A code over u32 is now a malformed code inside a response that
    // parses; the conversion failure of a whole response stays an error.)
    let results = parse_both_ways(b"* 1 EXISTS\r\n* 7715058090 EXISTS\r\nA1 OK done\r\n");
    assert_eq!(results.len(), 3);
    assert!(results[0].starts_with("Ok("));
    assert!(results[1].contains("stream offset 14") && results[1].contains("\"* 7715058090 EXISTS"), "{}", results[1]);
    assert!(results[2].starts_with("Ok("));
}

/// The same in a run of frames with literals: the failed frame was skipped
/// (no result at all for it) instead of being re-parsed for its error.
#[test]
fn batch_error_in_untagged_response_of_a_joined_run() {
    let input =
        b"* 1 FETCH (BODY[] {1}\r\na)\r\n* 99999999999 FETCH (BODY[] {1}\r\nb)\r\n* 3 FETCH (BODY[] {1}\r\nc)\r\n";
    let results = parse_both_ways(input);
    assert_eq!(results.len(), 3, "{results:?}");
    assert!(results[1].starts_with("Err("), "{}", results[1]);
}

/// fuzz target `parse`: a frame whose first line ends with `{0}` (so the
/// framer takes it as a literal header and the next line as part of the same
/// response) was split in two responses by the batched parse of a run of
/// frames with literals, while `parse` of that frame fails.
#[test]
fn batch_does_not_split_a_frame_in_two_responses() {
    let input = b"* 1 FETCH (BODY[] {1}\r\na)\r\nA0 OK text {0}\n* 3 EXPUNGE\r\nA1 OK done\r\n";
    let results = parse_both_ways(input);
    assert_eq!(results.len(), 3, "{results:?}");
    assert!(results[1].starts_with("Err("), "{}", results[1]);
}

/// fuzz target `parse`: in a run of plain frames, a quoted string with a
/// backslash before the LF let the batched parse read two frames (two lines)
/// as one response, while `parse` fails on each of them.
#[test]
fn batch_does_not_join_two_plain_frames() {
    let input = b"* 1 EXISTS\r\n* NAMESPACE ((\"\\\n\\*\" \"/\")) NIL NIL\r\n* 2 EXISTS\r\n";
    let results = parse_both_ways(input);
    assert_eq!(results.len(), 4, "{results:?}");
    assert!(results[1].starts_with("Err(") && results[2].starts_with("Err("), "{results:?}");
}
