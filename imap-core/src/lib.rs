//! An IMAP client library: every server response as a typed value.
//!
//! ```no_run
//! use imap_core::command::{FetchAttr, SearchKey};
//! use imap_core::{Client, ClientOptions, TlsMode};
//!
//! let mut client = Client::connect("imap.example.com", 993, TlsMode::Implicit, &ClientOptions::default())?;
//! client.login("me@example.com", "app-password")?;
//! client.select_folder("INBOX", true)?;
//! let unseen = client.search(SearchKey::Unseen)?;
//! for message in client.fetch(&unseen[..], vec![FetchAttr::Envelope])? {
//!     let subject = message.envelope().and_then(|e| e.subject_text()).unwrap_or_default();
//!     println!("{:?} {subject}", message.uid());
//! }
//! client.logout()?;
//! # Ok::<(), imap_core::Error>(())
//! ```
//!
//! Every NO or BAD is an [`Error`] with the server's text and response code;
//! [`Error::is_auth_failure`] and [`Error::is_transient`] say what to do next.
//!
//! # Which layer do I use
//!
//! | you want | use |
//! |---|---|
//! | one connection, blocking calls | [`Client`] (`net` feature); over a stream of yours: [`Client::over_stream`] |
//! | one connection, async on tokio | `tokio::AsyncClient` (`tokio` feature): the same methods, awaited |
//! | many connections on one thread (IDLE on hundreds of accounts, backups) | [`client::Sessions`] (`net`) |
//! | your own I/O: another event loop, an async runtime, tests | [`session::Session`], driven through [`connection::Connection`] |
//! | only to read server bytes (a proxy, a log, a recorded session) | [`wire::frames`] and [`parse()`] |
//! | to send commands built by hand | [`command::Command::encode`] |
//!
//! # The layers
//!
//! The layers, bottom up; each imports only those below it (a unit test
//! checks), and each is usable alone:
//! - [`utf7`]: mailbox names in modified UTF-7;
//! - [`text`]: header text for people (RFC 2047 encoded words, RFC 2231
//!   parameters, every charset of encoding_rs), which the typed model's
//!   `*_text` accessors call;
//! - [`wire`]: the framer, which cuts a byte stream into complete responses,
//!   counting `{N}` literals and enforcing [`wire::Limits`];
//! - [`grammar`]: `grammar/*.pest` (RFC 3501 section 9 and one file per
//!   extension) compiled by imap-derive into a recognizer that writes the
//!   parse as a flat tree, with pest's parser of the same text as the
//!   reference;
//! - [`convert`]: the runtime behind `#[derive(FromPair)]`, which builds the
//!   typed model from the grammar's pairs;
//! - [`types`]: the typed model (responses, flags, envelopes, body
//!   structures, dates, mailbox names);
//! - [`dates`]: RFC 5322 dates (an ENVELOPE's `Date:`) as the model's
//!   `DateTime`, and with the `chrono` and `jiff` features, conversions;
//! - [`mod@parse`]: one framed response in, a typed [`Response`] out.
//!
//! The parser alone:
//!
//! ```
//! use imap_core::types::{Data, FetchItem, Response};
//!
//! let input = b"* 12 FETCH (UID 4827 FLAGS (\\Seen) BODY[] {5}\r\nhello)\r\n";
//! for frame in imap_core::wire::frames(input, Default::default()) {
//!     let frame = frame.expect("a complete response");
//!     let response = imap_core::parse(&frame).expect("a valid response");
//!     let Response::Data(Data::Fetch(fetch)) = response else { panic!("not a FETCH") };
//!     assert_eq!(fetch.seq, 12);
//!     assert_eq!(fetch.uid(), Some(4827));
//!     assert!(matches!(&fetch.items[2], FetchItem::BodySection { data: Some(d), .. } if d == "hello"));
//! }
//! ```
//!
//! On top of these: [`command`] (typed commands, one string encoder),
//! [`connection`] (the contract between a sans-IO endpoint and what drives
//! it), [`session`] (the sans-IO state machine: no socket, no clock of its
//! own), [`reactor`] (mio + rustls, many connections on one thread),
//! [`client`] (the blocking `Client`, and the engine its operations are
//! written in once) and `tokio` (`AsyncClient`: the same operations over
//! tokio's sockets).
//!
//! # Features
//!
//! - `net` (default): [`reactor`] and [`client`], with mio, rustls and
//!   flate2. Without it the crate is the parser, the typed model, the
//!   commands and the sans-IO [`session::Session`], with no I/O dependency:
//!   drive a session over any transport through [`connection::Connection`].
//! - `tokio`: `tokio::AsyncClient`, with tokio and tokio-rustls (implies
//!   `net`).
//! - `serde`: `Serialize` for the typed model (off by default).
//! - `tracing`: the wire as `tracing` events (credentials redacted), in
//!   spans per connection and per call.
//! - `platform-verifier`: `reactor::TlsOptions::platform_verifier`, the
//!   operating system's certificate verifier (implies `net`).
//! - `chrono`, `jiff`: conversions of [`types::DateTime`].
//!
//! # Extending the grammar
//!
//! A server extension that imap-core does not type can be added by another
//! crate, without a fork (the workspace's `examples/extension` crate does it
//! for PREVIEW, a FETCH item tested against Dovecot, the LANGUAGE response
//! and the INPROGRESS response code):
//!
//! 1. Write a `.pest` file with the extension's rules and the five hooks the
//!    core grammar tries where extensions add syntax: `ext_response_data`
//!    (after `* `), `ext_msg_att` (a FETCH item), `ext_resp_text_code`
//!    (inside `[...]`), `ext_mailbox_list` (after a LIST name) and
//!    `ext_status_att` (a STATUS item whose value is not a number); a hook
//!    you do not need is `_{ !ANY ~ ANY }`.
//! 2. Declare the parser with [`imap_parser!`], which compiles RFC 3501's
//!    grammar plus your files twice over the same text: imap-derive's
//!    generated recognizer (what runs; see [`grammar`]) and pest's parser
//!    (the reference, which explains rejections). A construct the generator
//!    does not compile (PUSH/PEEK, implicit WHITESPACE) is a compile error
//!    naming the rule. It also declares the grammar's `Rule` enum beside the
//!    parser, with what the leaf conversions and the derive's checks need:
//!    ```
//!    imap_core::imap_parser! {
//!        // Usually `#[grammar = "src/my_extension.pest"]`, a path from the
//!        // crate's root.
//!        #[grammar_inline = r#"
//!            xcount = { ^"XCOUNT" ~ SP ~ number }
//!            ext_response_data = _{ xcount }
//!            ext_msg_att = _{ !ANY ~ ANY }
//!            ext_resp_text_code = _{ !ANY ~ ANY }
//!            ext_mailbox_list = _{ !ANY ~ ANY }
//!            ext_status_att = _{ !ANY ~ ANY }
//!        "#]
//!        pub struct MyParser;
//!    }
//!
//!    # fn main() {
//!    use imap_core::grammar::Tree;
//!    let tree = Tree::recognize::<MyParser>(Rule::response, "* XCOUNT 7\r\n", Vec::new(), 64).unwrap();
//!    assert_eq!(tree.pairs().next().unwrap().as_rule(), Rule::xcount);
//!    # }
//!    ```
//!    The crate depends on `pest`, `pest_derive` and `imap-derive` too.
//!    [`grammar::agree`] runs both parsers on an input: test your grammar
//!    with it, as imap-core's differential tests do.
//! 3. Declare typed values with `#[derive(FromPair)]` on the new rules,
//!    naming your grammar's rule enum (`#[imap(grammar = crate::Rule, rule =
//!    "my_rule")]`; the derive checks them at compile time against the
//!    grammar that enum was compiled from); leaves such as
//!    [`types::IString`], [`types::Mailbox`], numbers and atoms work on the new
//!    grammar's pairs.
//! 4. Implement [`session::Extension`]: the session offers it every response
//!    the core grammar kept as generic values (`Data::Other`,
//!    `FetchItem::Other`, `Code::Other`) or could not parse; parse the frame's
//!    skeleton with [`grammar::Tree::recognize`] and your parser (the
//!    derived conversions walk its pairs), and return an
//!    [`session::ExtensionValue`].
//!    Register it with `Client::add_extension`: values come back in
//!    `Completion::extensions` or `Client::take_extension_values`. Commands of
//!    the extension go out as [`command::Command::Other`] and
//!    [`command::FetchAttr::Other`], still through the one string encoder.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

// The derive writes `::imap_core::...` paths; this makes them resolve here too.
extern crate self as imap_core;

/// `with_<field>` setters for an options struct that is `#[non_exhaustive]`
/// (so that a field can be added without breaking anyone): other crates
/// cannot write it as a literal, and build it from its default instead,
/// `ClientOptions::default().with_command_timeout(..)`.
macro_rules! with_setters {
    ($ty:ty { $($field:ident: $fty:ty => $setter:ident),* $(,)? }) => {
        impl $ty {
            $(
                #[doc = concat!("The same, with [`", stringify!($field), "`](Self::", stringify!($field), ") set to `value`.")]
                #[must_use]
                pub fn $setter(mut self, value: $fty) -> Self {
                    self.$field = value;
                    self
                }
            )*
        }
    };
}

#[cfg(feature = "net")]
pub mod client;
pub mod command;
pub mod connection;
pub mod convert;
pub mod dates;
pub mod grammar;
pub mod parse;
#[cfg(feature = "net")]
pub mod reactor;
pub mod session;
pub mod text;
#[cfg(feature = "tokio")]
pub mod tokio;
pub mod types;
pub mod utf7;
pub mod wire;

// The curated root: what most programs name.
#[cfg(feature = "net")]
pub use client::{Client, ClientOptions, TlsMode};
pub use command::Command;
pub use parse::{parse, ParseError};
pub use session::{Error, Session};

/// Declares a parser for the core IMAP grammar plus extension rules: the
/// generated recognizer ([`grammar::Grammar`]) and pest's reference parser
/// ([`pest::Parser`]) over the same text.
///
/// The grammar files given (`#[grammar = "src/x.pest"]`, relative to the
/// crate's root) are joined to RFC 3501's grammar and must define the five
/// hooks of `grammar/hooks.pest` (`ext_response_data`, `ext_msg_att`,
/// `ext_resp_text_code`, `ext_mailbox_list`, `ext_status_att`). The crate
/// using it depends on `pest` and `pest_derive` too, which the reference
/// parser's code names. See "Extending the grammar" in the crate docs.
#[macro_export]
macro_rules! imap_parser {
    ($($input:tt)*) => {
        $crate::__private::parser! { crate = $crate; $($input)* }
    };
}

#[doc(hidden)]
pub mod __private {
    pub use imap_derive::parser;
}
pub use types::Response;

#[cfg(test)]
mod layers {
    /// The modules from the bottom layer up: each may import only those
    /// before it (and itself).
    const ORDER: &[&str] = &[
        "utf7",
        "text",
        "wire",
        "grammar",
        "convert",
        "types",
        "dates",
        "parse",
        "command",
        "connection",
        "session",
        "reactor",
        "client",
        "tokio",
    ];

    /// Every `crate::x` a module's code names (comments aside) is below it,
    /// so each layer builds and makes sense without those above.
    #[test]
    fn imports_run_down_the_layers_only() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut upward = Vec::new();
        for (level, module) in ORDER.iter().enumerate() {
            let mut files = vec![src.join(format!("{module}.rs"))];
            let dir = src.join(module);
            let mut dirs = vec![dir];
            while let Some(dir) = dirs.pop() {
                for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                    let path = entry.path();
                    if path.is_dir() {
                        dirs.push(path);
                    } else if path.extension().is_some_and(|e| e == "rs") {
                        files.push(path);
                    }
                }
            }
            for file in files.iter().filter(|f| f.exists()) {
                let text = std::fs::read_to_string(file).unwrap();
                for (n, line) in text.lines().enumerate() {
                    let code = line.split("//").next().unwrap_or("");
                    for (i, _) in code.match_indices("crate::") {
                        let name: String =
                            code[i + 7..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                        let Some(target) = ORDER.iter().position(|m| *m == name) else { continue };
                        if target > level {
                            upward.push(format!("{}:{}: {module} imports {name}", file.display(), n + 1));
                        }
                    }
                }
            }
        }
        assert!(upward.is_empty(), "imports up the layers:\n{}", upward.join("\n"));
        let listed: std::collections::BTreeSet<&str> = ORDER.iter().copied().collect();
        for entry in std::fs::read_dir(&src).unwrap().flatten() {
            let name = entry.file_name().into_string().unwrap();
            let module = name.trim_end_matches(".rs");
            assert!(module == "lib" || listed.contains(module), "module `{module}` has no place in ORDER");
        }
    }
}
