//! Any bytes through both parsers of the grammar: the generated recognizer
//! and pest's reference parser must accept the same inputs and give the
//! same pairs (`imap_core::grammar::agree`). The input is framed first, as
//! a session frames server bytes (skeletons with literal payloads cut out,
//! bytes that are not UTF-8 remapped); valid UTF-8 input is also parsed
//! whole, as one response and as a run of responses.
#![no_main]

use imap_core::grammar::{agree, ImapParser, Rule};
use imap_core::wire::{frames, Limits};
use libfuzzer_sys::fuzz_target;

/// Far above what 4 KiB of input can nest.
const DEPTH: u32 = 100_000;

fn same(rule: Rule, text: &str) {
    if let Err(e) = agree::<ImapParser>(rule, text, DEPTH) {
        panic!("{e}");
    }
}

fuzz_target!(|data: &[u8]| {
    for frame in frames(data, Limits::default()).flatten() {
        same(Rule::response, frame.skeleton());
    }
    if let Ok(text) = std::str::from_utf8(data) {
        same(Rule::response, text);
        same(Rule::responses, text);
    }
});
