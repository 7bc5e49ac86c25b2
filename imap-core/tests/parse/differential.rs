//! The generated recognizer against pest's parser of the same grammar
//! (`imap_core::grammar::agree`): same accept/reject, same pairs. Over every
//! response the repository holds (RFC examples, fuzz seeds, the responses
//! written in the tests, real-server quirks), every prefix of them, each
//! rule as an entry point, and generated responses.

use imap_core::grammar::{agree, Agreement, ImapParser, Rule, Tree};
use imap_core::wire::{frames, Limits};
use proptest::prelude::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Deep enough for anything the corpora hold.
const DEPTH: u32 = 10_000;

fn check(rule: Rule, input: &str) -> Agreement {
    agree::<ImapParser>(rule, input, DEPTH).unwrap_or_else(|e| panic!("{e}"))
}

/// Every response skeleton of the repository's corpora, deduplicated.
fn skeletons() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut buffers: Vec<Vec<u8>> = Vec::new();
    for dir in ["tests/data", "../fuzz/seeds/parse", "../fuzz/seeds/framer", "../fuzz/seeds/session"] {
        for path in files(&root.join(dir), "") {
            buffers.push(std::fs::read(&path).unwrap());
        }
    }
    for dir in ["tests", "src", "../imap-cli/tests", "../imap-cli/src", "../examples/extension"] {
        for path in files(&root.join(dir), ".rs") {
            buffers.extend(byte_strings(&std::fs::read_to_string(&path).unwrap()));
        }
    }
    assert!(buffers.len() > 300, "the corpora went missing: {} buffers", buffers.len());
    let limits = Limits::default().with_max_depth(100_000);
    let mut out = BTreeSet::new();
    for buffer in &buffers {
        for frame in frames(buffer, limits).flatten() {
            out.insert(frame.skeleton().to_owned());
        }
    }
    out.into_iter().collect()
}

/// The files below `dir` (recursively) whose names end with `ending`.
fn files(dir: &Path, ending: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { panic!("{} is missing", dir.display()) };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path, ending));
        } else if path.to_string_lossy().ends_with(ending) {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// The byte string literals (`b"..."`) of a Rust source file that hold a
/// line break, unescaped.
fn byte_strings(source: &str) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let bytes = source.as_bytes();
    let mut i = 0;
    while i + 1 < bytes.len() {
        let opens = bytes[i] == b'b' && bytes[i + 1] == b'"' && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric());
        if !opens {
            i += 1;
            continue;
        }
        let (literal, end) = unescape(&bytes[i + 2..]);
        i += 2 + end;
        if literal.contains(&b'\n') {
            out.push(literal);
        }
    }
    out
}

/// A byte string's content up to its closing quote, and how many source
/// bytes that took.
fn unescape(s: &[u8]) -> (Vec<u8>, usize) {
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'"' => return (out, i + 1),
            b'\\' if i + 1 < s.len() => {
                let (byte, used) = match s[i + 1] {
                    b'r' => (Some(b'\r'), 2),
                    b'n' => (Some(b'\n'), 2),
                    b't' => (Some(b'\t'), 2),
                    b'0' => (Some(0), 2),
                    b'x' if i + 3 < s.len() => {
                        let hex = std::str::from_utf8(&s[i + 2..i + 4]).ok();
                        (hex.and_then(|h| u8::from_str_radix(h, 16).ok()), 4)
                    }
                    b'\n' => {
                        // A line continuation: the next line's indent goes too.
                        let mut j = i + 2;
                        while j < s.len() && s[j].is_ascii_whitespace() {
                            j += 1;
                        }
                        (None, j - i)
                    }
                    other => (Some(other), 2),
                };
                out.extend(byte);
                i += used;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    (out, i)
}

#[test]
fn every_response_of_the_corpora_gets_the_same_pairs() {
    let all = skeletons();
    let (mut accepted, mut rejected) = (0, 0);
    for skeleton in &all {
        match check(Rule::response, skeleton) {
            Agreement::Accepted => accepted += 1,
            Agreement::Rejected => rejected += 1,
            Agreement::TooDeep => panic!("{skeleton:?} is too deep"),
        }
    }
    // The corpora hold mostly valid responses and some deliberate garbage.
    assert!(accepted > 500 && rejected > 10, "accepted {accepted}, rejected {rejected} of {}", all.len());
}

#[test]
fn every_prefix_of_every_response_gets_the_same_answer() {
    let mut outcomes = [0usize; 2];
    for skeleton in skeletons().iter().filter(|s| s.len() <= 2_000) {
        for (cut, _) in skeleton.char_indices() {
            let prefix = &skeleton[..cut];
            for input in [prefix.to_owned(), format!("{prefix}\r\n"), format!("{prefix})\r\n")] {
                outcomes[usize::from(check(Rule::response, &input) == Agreement::Accepted)] += 1;
            }
        }
    }
    assert!(outcomes[0] > 10_000 && outcomes[1] > 500, "rejected {}, accepted {}", outcomes[0], outcomes[1]);
}

#[test]
fn each_rule_as_an_entry_point_gets_the_same_pairs() {
    let mut rules = BTreeSet::new();
    for skeleton in skeletons() {
        let Ok(tree) = Tree::recognize::<ImapParser>(Rule::response, &skeleton, Vec::new(), DEPTH) else { continue };
        for pair in tree.pairs().flatten() {
            let rest = &skeleton[pair.start()..];
            assert_ne!(check(pair.as_rule(), rest), Agreement::TooDeep);
            rules.insert(format!("{:?}", pair.as_rule()));
        }
    }
    assert!(rules.len() > 150, "only {} rules were entry points", rules.len());
}

#[test]
fn several_responses_at_once_get_the_same_pairs() {
    let all = skeletons();
    let valid: Vec<&String> = all.iter().filter(|s| check(Rule::response, s) == Agreement::Accepted).collect();
    for window in valid.chunks(7) {
        let joined: String = window.iter().map(|s| s.as_str()).collect();
        assert_eq!(check(Rule::responses, &joined), Agreement::Accepted);
    }
}

#[test]
fn deep_nesting_gets_the_same_pairs() {
    for levels in [1, 10, 100, 1_000] {
        let mut input = String::from("* 1 FETCH (BODYSTRUCTURE ");
        input.push_str(&"(".repeat(levels));
        input.push_str("(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1)");
        input.push_str(&" \"MIXED\")".repeat(levels));
        input.push_str(")\r\n");
        assert_eq!(check(Rule::response, &input), Agreement::Accepted, "{levels} levels");
        let value = format!("* X {}{}\r\n", "(".repeat(levels), ")".repeat(levels));
        assert_eq!(check(Rule::response, &value), Agreement::Accepted, "{levels} levels of generic values");
    }
}

/// Pieces of real responses, for generating new ones.
fn fragments() -> Vec<String> {
    let mut out = BTreeSet::new();
    for skeleton in skeletons() {
        for piece in skeleton.split_inclusive([' ', '(', ')']) {
            out.insert(piece.to_owned());
        }
    }
    out.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3_000, ..ProptestConfig::default() })]

    #[test]
    fn generated_responses_get_the_same_answer(
        start in prop::sample::select(vec!["* ", "* 1 FETCH (", "A1 ", "+ ", "* OK [", "* 3 FETCH (BODYSTRUCTURE ("]),
        pieces in prop::collection::vec(prop::sample::select(fragments()), 0..40),
        end in prop::sample::select(vec!["\r\n", ")\r\n", "))\r\n", "\n", ""]),
    ) {
        let input = format!("{start}{}{end}", pieces.concat());
        prop_assert_ne!(check(Rule::response, &input), Agreement::TooDeep);
    }
}
