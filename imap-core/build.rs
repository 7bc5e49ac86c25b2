//! Embeds the core grammar in `imap_parser!`, the macro with which a crate
//! outside imap-core builds a parser for IMAP plus its own extensions
//! (pest resolves `#[grammar]` paths against the crate that uses it, so the
//! text itself has to travel; see "Extending the grammar" in the crate docs).

use std::fmt::Write;
use std::path::Path;

fn main() {
    let grammar = Path::new(env!("CARGO_MANIFEST_DIR")).join("../grammar/imap.pest");
    println!("cargo::rerun-if-changed={}", grammar.display());
    let text = std::fs::read_to_string(&grammar).expect("grammar/imap.pest is readable");
    let mut out = String::new();
    writeln!(
        out,
        r#"/// Declares a pest parser for the core IMAP grammar plus extension rules.
///
/// The grammar attributes given (`#[grammar = "..."]` or
/// `#[grammar_inline = "..."]`) must define the five hooks of
/// `grammar/hooks.pest` (`ext_response_data`, `ext_msg_att`,
/// `ext_resp_text_code`, `ext_mailbox_list`, `ext_status_att`). The crate using it depends on
/// `pest` and `pest_derive` too, as for any pest parser. See "Extending the
/// grammar" in the crate docs.
#[macro_export]
macro_rules! imap_parser {{
    ($(#[$($attr:tt)*])* $vis:vis struct $name:ident;) => {{
        #[derive(::pest_derive::Parser)]
        #[grammar_inline = {text:?}]
        $(#[$($attr)*])*
        $vis struct $name;
    }};
}}"#
    )
    .expect("writing to a String");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("imap_parser_macro.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}
