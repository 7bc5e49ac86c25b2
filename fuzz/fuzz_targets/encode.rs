//! Arbitrary user strings and bytes built into commands: encoding either
//! fails or gives bytes with no CR or LF outside literal payloads (a walk
//! over `{N}` / `{N+}` / `~{N}` literals), chunks split exactly after
//! synchronizing literal headers, and the user strings decode back from the
//! emitted atom / quoted string / literal (mailbox names through modified
//! UTF-7). Also `utf7::decode(utf7::encode(s)) == s`.
#![no_main]

use std::borrow::Cow;

use arbitrary::Arbitrary;
use imap_core::command::{AppendMessage, Command, EncodeOptions, SearchKey};
use imap_core::types::{Flag, StatusAtt};
use imap_core::utf7;
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug, Clone)]
enum FlagIn {
    Seen,
    Deleted,
    Recent,
    Keyword(String),
    Extension(String),
}

impl FlagIn {
    fn flag(&self) -> Flag<'static> {
        match self {
            FlagIn::Seen => Flag::Seen,
            FlagIn::Deleted => Flag::Deleted,
            FlagIn::Recent => Flag::Recent,
            FlagIn::Keyword(k) => Flag::Keyword(Cow::Owned(k.clone())),
            FlagIn::Extension(x) => Flag::Extension(Cow::Owned(x.clone())),
        }
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum TextKey {
    Text,
    Body,
    Subject,
    From,
    GmRaw,
}

/// The commands, with the user-controlled parts arbitrary.
#[derive(Arbitrary, Debug, Clone)]
enum Cmd {
    Login { user: Vec<u8>, password: Vec<u8> },
    Select(String),
    Create(String),
    Delete(String),
    Rename(String, String),
    Subscribe(String),
    Status(String, Option<String>),
    List(String, String),
    Lsub(String, String),
    SearchText { charset: Option<String>, key: TextKey, text: Vec<u8> },
    SearchHeader(Vec<u8>, Vec<u8>),
    SearchKeyword(String),
    SearchNot(Vec<u8>, Vec<u8>),
    Store(Vec<FlagIn>),
    Append { mailbox: String, flags: Vec<FlagIn>, data: Vec<u8>, binary: bool, utf8: bool },
    Id(Option<Vec<(String, Option<String>)>>),
    Enable(Vec<String>),
    Authenticate { mechanism: String, initial: Option<Vec<u8>> },
    SetAcl(String, String, String),
    GetQuota(String),
    Copy(String),
}

#[derive(Arbitrary, Debug)]
struct Input {
    tag: Option<String>,
    literal_plus: bool,
    literal_minus: bool,
    utf8_accept: bool,
    cmd: Cmd,
    utf7_probe: String,
}

fn text_key(key: TextKey, text: Vec<u8>) -> (SearchKey, &'static [u8]) {
    match key {
        TextKey::Text => (SearchKey::Text(text), b"TEXT "),
        TextKey::Body => (SearchKey::Body(text), b"BODY "),
        TextKey::Subject => (SearchKey::Subject(text), b"SUBJECT "),
        TextKey::From => (SearchKey::From(text), b"FROM "),
        TextKey::GmRaw => (SearchKey::GmRaw(text), b"X-GM-RAW "),
    }
}

impl Cmd {
    fn command(&self) -> Command {
        match self.clone() {
            Cmd::Login { user, password } => Command::Login { user, password },
            Cmd::Select(m) => Command::Select { mailbox: m, condstore: false },
            Cmd::Create(m) => Command::Create { mailbox: m, special_use: vec![] },
            Cmd::Delete(m) => Command::Delete { mailbox: m },
            Cmd::Rename(a, b) => Command::Rename { from: a, to: b },
            Cmd::Subscribe(m) => Command::Subscribe { mailbox: m },
            Cmd::Status(m, other) => Command::Status {
                mailbox: m,
                atts: match other {
                    None => vec![StatusAtt::Messages, StatusAtt::UidNext],
                    Some(o) => vec![StatusAtt::Other(Cow::Owned(o))],
                },
            },
            Cmd::List(r, p) => Command::List { reference: r, pattern: p, select: vec![], returns: vec![] },
            Cmd::Lsub(r, p) => Command::Lsub { reference: r, pattern: p },
            Cmd::SearchText { charset, key, text } => {
                Command::Search { charset, criteria: text_key(key, text).0, uid: false }
            }
            Cmd::SearchHeader(n, v) => Command::Search { charset: None, criteria: SearchKey::Header(n, v), uid: true },
            Cmd::SearchKeyword(k) => Command::Search { charset: None, criteria: SearchKey::Keyword(k), uid: false },
            Cmd::SearchNot(a, b) => Command::Search {
                charset: None,
                criteria: SearchKey::and([
                    SearchKey::not(SearchKey::From(a)),
                    SearchKey::or(SearchKey::Cc(b), SearchKey::Seen),
                ]),
                uid: false,
            },
            Cmd::Store(flags) => Command::Store {
                set: (1..=3).into(),
                mode: imap_core::command::StoreMode::Replace,
                silent: true,
                flags: flags.iter().map(FlagIn::flag).collect(),
                unchanged_since: None,
                uid: true,
            },
            Cmd::Append { mailbox, flags, data, binary, utf8 } => Command::Append {
                mailbox,
                messages: vec![AppendMessage {
                    flags: flags.iter().map(FlagIn::flag).collect(),
                    date: None,
                    data,
                    binary,
                    utf8,
                }],
            },
            Cmd::Id(p) => Command::Id(p),
            Cmd::Enable(c) => Command::Enable(c),
            Cmd::Authenticate { mechanism, initial } => Command::Authenticate { mechanism, initial_response: initial },
            Cmd::SetAcl(m, i, r) => Command::SetAcl { mailbox: m, identifier: i, rights: r },
            Cmd::GetQuota(r) => Command::GetQuota { root: r },
            Cmd::Copy(m) => Command::Copy { set: (1..=2).into(), mailbox: m, uid: false },
        }
    }
}

/// The decimal number of a literal header ending right before `end`
/// (`{N}`, `{N+}`, `~{N}`), with whether it is synchronizing.
fn header_before(bytes: &[u8], end: usize) -> Option<(usize, bool)> {
    let s = &bytes[..end];
    let s = s.strip_suffix(b"}")?;
    let (s, sync) = match s.strip_suffix(b"+") {
        Some(s) => (s, false),
        None => (s, true),
    };
    let digits = s.iter().rev().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || s.len() == digits || s[s.len() - digits - 1] != b'{' {
        return None;
    }
    let n = std::str::from_utf8(&s[s.len() - digits..]).ok()?.parse().ok()?;
    Some((n, sync))
}

/// Walks the encoded command: every CR or LF must be the CRLF after a
/// literal header (then the payload is skipped) or the final CRLF; every
/// chunk but the last must end right after a synchronizing header, and only
/// there. Returns the joined bytes.
fn check_wire(chunks: &[Vec<u8>], opts: &EncodeOptions) -> Vec<u8> {
    assert!(!chunks.is_empty());
    let wire: Vec<u8> = chunks.concat();
    let mut chunk_ends: Vec<usize> = chunks
        .iter()
        .scan(0, |a, c| {
            *a += c.len();
            Some(*a)
        })
        .collect();
    chunk_ends.pop();
    let mut sync_ends = Vec::new();
    let mut i = 0;
    while i < wire.len() {
        match wire[i] {
            b'\r' | b'\n' => {
                assert!(wire[i..].starts_with(b"\r\n"), "bare CR or LF at {i}: {:?}", String::from_utf8_lossy(&wire));
                if i + 2 == wire.len() {
                    i += 2;
                    continue;
                }
                let (n, sync) = header_before(&wire, i).unwrap_or_else(|| {
                    panic!("CRLF at {i} not after a literal header: {:?}", String::from_utf8_lossy(&wire))
                });
                if !sync {
                    assert!(opts.literal_plus || (opts.literal_minus && n <= 4096), "{{N+}} not allowed here");
                }
                i += 2;
                if sync {
                    sync_ends.push(i);
                }
                assert!(i + n <= wire.len() - 2, "literal payload runs past the end");
                i += n;
            }
            0 => panic!("NUL outside a literal at {i}"),
            _ => i += 1,
        }
    }
    assert!(wire.ends_with(b"\r\n"));
    assert_eq!(chunk_ends, sync_ends, "chunks are not split exactly at synchronizing literals");
    wire
}

/// A tiny reader for the emitted command.
struct Reader<'a> {
    w: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn expect(&mut self, s: &[u8]) {
        assert!(
            self.w[self.pos..].starts_with(s),
            "expected {:?} at {} in {:?}",
            String::from_utf8_lossy(s),
            self.pos,
            String::from_utf8_lossy(self.w)
        );
        self.pos += s.len();
    }

    fn literal(&mut self) -> Option<Vec<u8>> {
        let start = self.pos;
        if self.w[self.pos..].starts_with(b"~{") {
            self.pos += 1;
        }
        if self.w.get(self.pos) != Some(&b'{') {
            self.pos = start;
            return None;
        }
        let crlf = self.pos + self.w[self.pos..].windows(2).position(|x| x == b"\r\n").expect("header CRLF");
        let (n, _) = header_before(self.w, crlf).expect("a literal header");
        self.pos = crlf + 2;
        let v = self.w[self.pos..self.pos + n].to_vec();
        self.pos += n;
        Some(v)
    }

    /// An astring / string / list-mailbox, decoded.
    fn string(&mut self, bare: fn(u8) -> bool) -> Vec<u8> {
        if let Some(v) = self.literal() {
            return v;
        }
        if self.w[self.pos] == b'"' {
            self.pos += 1;
            let mut v = Vec::new();
            loop {
                match self.w[self.pos] {
                    b'"' => {
                        self.pos += 1;
                        return v;
                    }
                    b'\\' => {
                        let c = self.w[self.pos + 1];
                        assert!(c == b'"' || c == b'\\', "bad escape in quoted string");
                        v.push(c);
                        self.pos += 2;
                    }
                    b'\r' | b'\n' | 0 => panic!("CR, LF or NUL in a quoted string"),
                    c => {
                        v.push(c);
                        self.pos += 1;
                    }
                }
            }
        }
        let start = self.pos;
        while self.pos < self.w.len() && bare(self.w[self.pos]) {
            self.pos += 1;
        }
        assert!(self.pos > start, "empty atom at {start} in {:?}", String::from_utf8_lossy(self.w));
        self.w[start..self.pos].to_vec()
    }

    fn astring(&mut self) -> Vec<u8> {
        self.string(imap_core::command::encode::is_astring_char)
    }

    fn list_mailbox(&mut self) -> Vec<u8> {
        self.string(imap_core::command::encode::is_list_char)
    }

    fn quoted_or_literal(&mut self) -> Vec<u8> {
        self.string(|_| false)
    }

    fn nstring(&mut self) -> Option<Vec<u8>> {
        if self.w[self.pos..].starts_with(b"NIL") {
            self.pos += 3;
            return None;
        }
        Some(self.quoted_or_literal())
    }

    fn mailbox(&mut self, opts: &EncodeOptions, bare: bool) -> String {
        let raw = if bare { self.list_mailbox() } else { self.astring() };
        if opts.utf8_accept {
            String::from_utf8(raw).expect("UTF-8 mailbox under UTF8=ACCEPT")
        } else {
            utf7::decode(&raw).expect("emitted mailbox is valid modified UTF-7")
        }
    }

    fn end(&mut self) {
        self.expect(b"\r\n");
        assert_eq!(self.pos, self.w.len(), "trailing bytes");
    }
}

fuzz_target!(|input: Input| {
    // utf7 round trip on its own.
    let encoded = utf7::encode(&input.utf7_probe);
    assert!(encoded.bytes().all(|b| matches!(b, 0x20..=0x7e)), "utf7::encode gave non-printable-ASCII");
    assert_eq!(utf7::decode(encoded.as_bytes()).as_deref(), Ok(input.utf7_probe.as_str()));

    let opts = EncodeOptions::default()
        .with_literal_plus(input.literal_plus)
        .with_literal_minus(input.literal_minus)
        .with_utf8_accept(input.utf8_accept);
    let tag = input.tag.as_deref().unwrap_or("A1");
    let command = input.cmd.command();
    let Ok(enc) = command.encode(tag, &opts) else { return };
    let wire = check_wire(&enc.chunks, &opts);

    let mut r = Reader { w: &wire, pos: 0 };
    r.expect(tag.as_bytes());
    r.expect(b" ");
    match &input.cmd {
        Cmd::Login { user, password } => {
            r.expect(b"LOGIN ");
            assert_eq!(&r.astring(), user);
            r.expect(b" ");
            assert_eq!(&r.astring(), password);
        }
        Cmd::Select(m) | Cmd::Create(m) | Cmd::Delete(m) | Cmd::Subscribe(m) => {
            let kw: &[u8] = match &input.cmd {
                Cmd::Select(_) => b"SELECT ",
                Cmd::Create(_) => b"CREATE ",
                Cmd::Delete(_) => b"DELETE ",
                _ => b"SUBSCRIBE ",
            };
            r.expect(kw);
            assert_eq!(&r.mailbox(&opts, false), m);
        }
        Cmd::Rename(a, b) => {
            r.expect(b"RENAME ");
            assert_eq!(&r.mailbox(&opts, false), a);
            r.expect(b" ");
            assert_eq!(&r.mailbox(&opts, false), b);
        }
        Cmd::Status(m, other) => {
            r.expect(b"STATUS ");
            assert_eq!(&r.mailbox(&opts, false), m);
            r.expect(b" (");
            match other {
                None => r.expect(b"MESSAGES UIDNEXT"),
                Some(o) => r.expect(o.as_bytes()),
            }
            r.expect(b")");
        }
        Cmd::List(reference, pattern) | Cmd::Lsub(reference, pattern) => {
            r.expect(if matches!(input.cmd, Cmd::List(..)) { b"LIST " } else { b"LSUB " });
            assert_eq!(&r.mailbox(&opts, false), reference);
            r.expect(b" ");
            assert_eq!(&r.mailbox(&opts, true), pattern);
        }
        Cmd::SearchText { charset, key, text } => {
            r.expect(b"SEARCH ");
            let non_ascii = !text.is_ascii();
            match charset {
                Some(c) => {
                    r.expect(b"CHARSET ");
                    r.expect(c.as_bytes());
                    r.expect(b" ");
                }
                None if non_ascii && !opts.utf8_accept => r.expect(b"CHARSET UTF-8 "),
                None => {}
            }
            r.expect(text_key(*key, Vec::new()).1);
            assert_eq!(&r.astring(), text);
        }
        Cmd::SearchHeader(n, v) => {
            r.expect(b"UID SEARCH ");
            if (!n.is_ascii() || !v.is_ascii()) && !opts.utf8_accept {
                r.expect(b"CHARSET UTF-8 ");
            }
            r.expect(b"HEADER ");
            assert_eq!(&r.astring(), n);
            r.expect(b" ");
            assert_eq!(&r.astring(), v);
        }
        Cmd::SearchKeyword(k) => {
            r.expect(b"SEARCH ");
            if !k.is_ascii() && !opts.utf8_accept {
                r.expect(b"CHARSET UTF-8 ");
            }
            r.expect(b"KEYWORD ");
            r.expect(k.as_bytes());
        }
        Cmd::SearchNot(a, b) => {
            r.expect(b"SEARCH ");
            if (!a.is_ascii() || !b.is_ascii()) && !opts.utf8_accept {
                r.expect(b"CHARSET UTF-8 ");
            }
            r.expect(b"NOT FROM ");
            assert_eq!(&r.astring(), a);
            r.expect(b" OR CC ");
            assert_eq!(&r.astring(), b);
            r.expect(b" SEEN");
        }
        Cmd::Store(_) => {
            // Flags are atoms (checked by the encoder); the walk above is the check.
            r.pos = wire.len() - 2;
        }
        Cmd::Append { mailbox, flags, data, binary, utf8 } => {
            r.expect(b"APPEND ");
            assert_eq!(&r.mailbox(&opts, false), mailbox);
            if !flags.is_empty() {
                r.expect(b" (");
                let close = r.pos + wire[r.pos..].iter().position(|&b| b == b')').expect("flag list end");
                r.pos = close + 1;
            }
            r.expect(b" ");
            if *utf8 {
                // RFC 6855: "UTF8" SP "(" literal8 ")", only under UTF8=ACCEPT.
                assert!(opts.utf8_accept, "UTF8 APPEND data encoded without UTF8=ACCEPT");
                r.expect(b"UTF8 (");
                assert!(wire[r.pos..].starts_with(b"~{"));
                assert_eq!(r.literal().as_ref(), Some(data));
                r.expect(b")");
            } else {
                if *binary {
                    assert!(wire[r.pos..].starts_with(b"~{"));
                }
                assert_eq!(r.literal().as_ref(), Some(data));
            }
        }
        Cmd::Id(None) => r.expect(b"ID NIL"),
        Cmd::Id(Some(params)) => {
            r.expect(b"ID (");
            for (i, (k, v)) in params.iter().enumerate() {
                if i > 0 {
                    r.expect(b" ");
                }
                assert_eq!(r.quoted_or_literal(), k.as_bytes());
                r.expect(b" ");
                assert_eq!(r.nstring().as_deref(), v.as_deref().map(str::as_bytes));
            }
            r.expect(b")");
        }
        Cmd::Enable(caps) => {
            r.expect(b"ENABLE");
            for c in caps {
                r.expect(b" ");
                r.expect(c.as_bytes());
            }
        }
        Cmd::Authenticate { mechanism, .. } => {
            r.expect(b"AUTHENTICATE ");
            r.expect(mechanism.as_bytes());
            r.pos = wire.len() - 2;
        }
        Cmd::SetAcl(m, i, rights) => {
            r.expect(b"SETACL ");
            assert_eq!(&r.mailbox(&opts, false), m);
            r.expect(b" ");
            assert_eq!(r.astring(), i.as_bytes());
            r.expect(b" ");
            assert_eq!(r.astring(), rights.as_bytes());
        }
        Cmd::GetQuota(root) => {
            r.expect(b"GETQUOTA ");
            assert_eq!(r.astring(), root.as_bytes());
        }
        Cmd::Copy(m) => {
            r.expect(b"COPY 1:2 ");
            assert_eq!(&r.mailbox(&opts, false), m);
        }
    }
    r.end();
});
