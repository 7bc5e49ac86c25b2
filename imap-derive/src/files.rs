//! The one list of imap-core's grammar files, in the order they are joined.
//!
//! Everything that needs imap-core's grammar reads it from here, through
//! `parser!`: the parser imap-core compiles (no `#[grammar]`), the core part
//! of a downstream crate's parser (`imap_core::imap_parser!`), and so the
//! derive's compile-time checks, which ask the rule enum `parser!` wrote.
//! The texts are compiled into this crate, so a crate
//! outside this workspace gets the same grammar, and a file that is missing
//! fails this crate's build.
//!
//! They are read from `imap-derive/grammar/`, a symbolic link to the
//! workspace's `grammar/` (the one source of the grammar): `cargo package`
//! follows the link and puts the files themselves into the package, so the
//! published crate carries its grammar (`scripts/package-check.sh` builds a
//! crate outside the workspace against the packaged crates to prove it).

/// One grammar file: its path below `grammar/` and its text.
pub struct File {
    pub name: &'static str,
    pub text: &'static str,
}

macro_rules! files {
    ($($name:literal),* $(,)?) => {
        &[$(File { name: $name, text: include_str!(concat!("../grammar/", $name)) }),*]
    };
}

/// RFC 3501's grammar: every parser starts with it.
pub const CORE: File = File { name: "imap.pest", text: include_str!("../grammar/imap.pest") };

/// imap-core's hooks and the extension grammars they name (one file per
/// RFC). A downstream crate replaces all of these with its own hooks.
pub const EXTENSIONS: &[File] = files![
    "hooks.pest",
    "ext/uidplus.pest",
    "ext/condstore.pest",
    "ext/esearch.pest",
    "ext/namespace.pest",
    "ext/quota.pest",
    "ext/acl.pest",
    "ext/id.pest",
    "ext/enable.pest",
    "ext/sort.pest",
    "ext/objectid.pest",
    "ext/savedate.pest",
    "ext/list_extended.pest",
    "ext/appendlimit.pest",
    "ext/binary.pest",
    "ext/metadata.pest",
    "ext/gmail.pest",
    "ext/resp_codes.pest",
];

/// imap-core's whole grammar as one text, each file after a comment that
/// names it (for finding a line that pest's grammar errors point at).
pub fn imap_core() -> String {
    let mut text = String::from(CORE.text);
    for file in EXTENSIONS {
        text.push_str("\n// ---- grammar/");
        text.push_str(file.name);
        text.push('\n');
        text.push_str(file.text);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::{CORE, EXTENSIONS};
    use std::collections::BTreeSet;
    use std::path::Path;

    /// A grammar file added to `grammar/ext/` but not to the list would
    /// silently not be compiled. Read through the crate's own `grammar/`
    /// (the link in the workspace, the files themselves in a package).
    #[test]
    fn the_list_names_every_grammar_file() {
        let grammar = Path::new(env!("CARGO_MANIFEST_DIR")).join("grammar");
        let mut on_disk = BTreeSet::new();
        for (dir, prefix) in [(grammar.clone(), ""), (grammar.join("ext"), "ext/")] {
            for entry in std::fs::read_dir(dir).unwrap() {
                let name = entry.unwrap().file_name().into_string().unwrap();
                if name.ends_with(".pest") {
                    on_disk.insert(format!("{prefix}{name}"));
                }
            }
        }
        let listed: BTreeSet<String> = std::iter::once(&CORE).chain(EXTENSIONS).map(|f| f.name.to_owned()).collect();
        assert_eq!(listed, on_disk);
    }
}
