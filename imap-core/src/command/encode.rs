//! The one writer every command goes through: keywords, numbers, atoms, and
//! user strings as atoms, quoted strings or literals.
//!
//! [`Encoder`] is the only way bytes reach an [`Encoded`] command. It has
//! exactly these entry points:
//!
//! - [`Encoder::keyword`] for protocol text that is part of this crate's
//!   source (`&'static str`, checked to be printable ASCII);
//! - [`Encoder::number`];
//! - [`Encoder::atom`] and [`Encoder::token`], which check every byte and
//!   return an [`EncodeError`] instead of writing anything unusual;
//! - [`Encoder::astring`], [`Encoder::string`], [`Encoder::list_mailbox`],
//!   [`Encoder::literal`] and [`Encoder::literal8`] for user data, all built
//!   on [`choose_form`].
//!
//! None of them writes a CR or LF except inside a literal's payload, after
//! a literal's `{N}` header, and [`Encoder::finish`]'s final CRLF.

use super::EncodeOptions;
use std::fmt;

/// Longest string sent in quoted form; anything longer becomes a literal.
pub const MAX_QUOTED: usize = 1024;

/// Longest non-synchronizing literal allowed by LITERAL- (RFC 7888).
pub const LITERAL_MINUS_MAX: usize = 4096;

/// Why a command could not be encoded. Nothing is sent in that case.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EncodeError {
    /// A NUL byte where only a literal8 (BINARY) could carry it.
    Nul,
    /// A flag that is neither a system flag, `\` + atom, nor a keyword atom
    /// (`\Recent` and `\*` cannot be set by a client); the value as given.
    InvalidFlag(String),
    /// A value that must be an atom (capability, charset, status attribute,
    /// keyword, mechanism, ...) but holds other characters; the value, lossily.
    InvalidAtom(String),
    /// An empty value where an atom is required.
    EmptyAtom,
    /// An empty list where the grammar needs at least one element; names the list.
    Empty(&'static str),
    /// A message sequence number or UID of 0 (they start at 1).
    ZeroNumber,
    /// A date or date-time that cannot be written (month out of range, year
    /// beyond four digits, ...); says which.
    InvalidDate(String),
    /// A MIME section specifier that is not valid (`MIME` without a part
    /// number, part number 0).
    InvalidSection(&'static str),
    /// A literal longer than the protocol's 32-bit length field.
    TooLarge(usize),
    /// A form that needs an extension the session has not enabled; names
    /// the form (e.g. APPEND's `UTF8` data without UTF8=ACCEPT).
    NotEnabled(&'static str),
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::Nul => f.write_str("NUL byte outside a literal8"),
            EncodeError::InvalidFlag(v) => write!(f, "invalid flag {v:?}"),
            EncodeError::InvalidAtom(v) => write!(f, "not an atom: {v:?}"),
            EncodeError::EmptyAtom => f.write_str("empty atom"),
            EncodeError::Empty(what) => write!(f, "empty {what}"),
            EncodeError::ZeroNumber => f.write_str("sequence number or UID 0"),
            EncodeError::InvalidDate(why) => write!(f, "invalid date: {why}"),
            EncodeError::InvalidSection(why) => write!(f, "invalid section: {why}"),
            EncodeError::TooLarge(n) => write!(f, "literal of {n} bytes is too large"),
            EncodeError::NotEnabled(what) => write!(f, "{what} needs an extension that is not enabled"),
        }
    }
}

impl std::error::Error for EncodeError {}

/// A command as bytes, split at each synchronizing literal.
///
/// Every chunk but the last ends with a `{N}\r\n` literal header: after
/// sending it, the session waits for the server's `+` continuation before
/// sending the next chunk. The last chunk ends with CRLF. With LITERAL+
/// (or small literals under LITERAL-) there is one chunk.
///
/// ```
/// use imap_core::command::{Command, EncodeOptions};
///
/// let login = Command::Login { user: "fred".into(), password: "a\nb".into() };
/// let sync = login.encode("a1", &EncodeOptions::default()).unwrap();
/// assert_eq!(sync.chunks, vec![b"a1 LOGIN fred {3}\r\n".to_vec(), b"a\nb\r\n".to_vec()]);
///
/// let plus = EncodeOptions::default().with_literal_plus(true);
/// let one = login.encode("a1", &plus).unwrap();
/// assert_eq!(one.chunks, vec![b"a1 LOGIN fred {3+}\r\na\nb\r\n".to_vec()]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Encoded {
    /// The command's bytes; see the type's documentation.
    pub chunks: Vec<Vec<u8>>,
}

impl Encoded {
    /// All chunks joined: the bytes that go on the wire (for logging and tests).
    pub fn to_bytes(&self) -> Vec<u8> {
        self.chunks.concat()
    }

    /// Total length in bytes.
    pub fn len(&self) -> usize {
        self.chunks.iter().map(Vec::len).sum()
    }

    /// Whether there are no bytes at all (never true for an encoded command).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Which grammar position a user string fills; it decides which bare forms
/// are allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StringKind {
    /// `astring`: an atom (which may also contain `]`), or a string.
    AString,
    /// `string`: quoted or literal only.
    String,
    /// `list-mailbox`: like `astring`, and `%` and `*` may stay bare.
    ListMailbox,
}

/// The wire form chosen for a user string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// Written as is.
    Atom,
    /// Between double quotes, with `"` and `\` escaped.
    Quoted,
    /// As a literal `{N}` (or `{N+}`) followed by the bytes.
    Literal,
}

/// `ATOM-CHAR`: any CHAR except atom-specials.
pub fn is_atom_char(b: u8) -> bool {
    matches!(b, 0x21..=0x7e) && !matches!(b, b'(' | b')' | b'{' | b'%' | b'*' | b'"' | b'\\' | b']')
}

/// `ASTRING-CHAR`: an ATOM-CHAR or `]`.
pub fn is_astring_char(b: u8) -> bool {
    is_atom_char(b) || b == b']'
}

/// `list-char`: an ATOM-CHAR, `%`, `*` or `]`.
pub fn is_list_char(b: u8) -> bool {
    is_astring_char(b) || b == b'%' || b == b'*'
}

/// Picks the cheapest valid form for `bytes` in a `kind` position.
///
/// An atom when the kind allows bare text, the string is non-empty, and
/// every byte may appear bare there; quoted when every byte is printable
/// 7-bit (or, with UTF8=ACCEPT, the whole is UTF-8 without control
/// characters) and it is at most [`MAX_QUOTED`] bytes long; otherwise a
/// literal. A NUL is an error: only [`Encoder::literal8`] carries one.
///
/// ```
/// use imap_core::command::encode::{choose_form, Form, StringKind};
/// use imap_core::command::EncodeOptions;
///
/// let o = EncodeOptions::default();
/// assert_eq!(choose_form(b"INBOX", StringKind::AString, &o), Ok(Form::Atom));
/// assert_eq!(choose_form(b"INBOX", StringKind::String, &o), Ok(Form::Quoted));
/// assert_eq!(choose_form(b"two words", StringKind::AString, &o), Ok(Form::Quoted));
/// assert_eq!(choose_form(b"a\r\nb", StringKind::AString, &o), Ok(Form::Literal));
/// assert_eq!(choose_form("café".as_bytes(), StringKind::AString, &o), Ok(Form::Literal));
/// assert!(choose_form(b"a\0b", StringKind::AString, &o).is_err());
/// ```
pub fn choose_form(bytes: &[u8], kind: StringKind, opts: &EncodeOptions) -> Result<Form, EncodeError> {
    if bytes.contains(&0) {
        return Err(EncodeError::Nul);
    }
    let bare: fn(u8) -> bool = match kind {
        StringKind::AString => is_astring_char,
        StringKind::ListMailbox => is_list_char,
        StringKind::String => |_| false,
    };
    if !bytes.is_empty() && bytes.iter().all(|&b| bare(b)) {
        return Ok(Form::Atom);
    }
    if bytes.len() <= MAX_QUOTED && quotable(bytes, opts.utf8_accept) {
        return Ok(Form::Quoted);
    }
    Ok(Form::Literal)
}

fn quotable(bytes: &[u8], utf8: bool) -> bool {
    if bytes.iter().all(|&b| matches!(b, 0x20..=0x7e)) {
        return true;
    }
    utf8 && std::str::from_utf8(bytes).is_ok() && bytes.iter().all(|&b| b >= 0x20 && b != 0x7f)
}

/// Standard base64 (RFC 4648, with padding), as AUTHENTICATE uses it.
///
/// ```
/// assert_eq!(imap_core::command::encode::base64(b"\0user\0pass"), "AHVzZXIAcGFzcw==");
/// ```
pub fn base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Builds one command's bytes, splitting at synchronizing literals.
///
/// Used by [`Command::encode`](super::Command::encode); public so that
/// extension crates can encode commands this crate does not know with the
/// same guarantees.
///
/// ```
/// use imap_core::command::encode::Encoder;
/// use imap_core::command::EncodeOptions;
///
/// let opts = EncodeOptions::default();
/// let mut e = Encoder::new(&opts);
/// e.keyword("x1 XSEARCH ");
/// e.astring(b"two words").unwrap();
/// assert_eq!(e.finish().chunks, vec![b"x1 XSEARCH \"two words\"\r\n".to_vec()]);
/// ```
#[derive(Debug)]
pub struct Encoder<'o> {
    opts: &'o EncodeOptions,
    chunks: Vec<Vec<u8>>,
    buf: Vec<u8>,
}

impl<'o> Encoder<'o> {
    /// An empty command under these options.
    pub fn new(opts: &'o EncodeOptions) -> Self {
        Encoder { opts, chunks: Vec::new(), buf: Vec::with_capacity(64) }
    }

    /// The options in force.
    pub fn options(&self) -> &EncodeOptions {
        self.opts
    }

    /// Protocol text from this crate's source: keywords, spaces, parentheses.
    ///
    /// # Panics
    ///
    /// If `text` holds anything but printable ASCII: that is a bug in the
    /// caller's source, never a property of user data.
    pub fn keyword(&mut self, text: &'static str) -> &mut Self {
        assert!(text.bytes().all(|b| matches!(b, 0x20..=0x7e)), "keyword {text:?} is not printable ASCII");
        self.buf.extend_from_slice(text.as_bytes());
        self
    }

    /// One space.
    pub fn sp(&mut self) -> &mut Self {
        self.buf.push(b' ');
        self
    }

    /// A decimal number.
    pub fn number(&mut self, n: u64) -> &mut Self {
        self.buf.extend_from_slice(n.to_string().as_bytes());
        self
    }

    /// An atom: non-empty, every byte an ATOM-CHAR.
    pub fn atom(&mut self, s: &str) -> Result<&mut Self, EncodeError> {
        check_atom(s)?;
        self.buf.extend_from_slice(s.as_bytes());
        Ok(self)
    }

    /// Text computed by this crate (a sequence set, a date, a tag) that
    /// must be printable ASCII without spaces; anything else is an
    /// [`EncodeError::InvalidAtom`] rather than bytes on the wire.
    pub fn token(&mut self, s: &str) -> Result<&mut Self, EncodeError> {
        if s.is_empty() {
            return Err(EncodeError::EmptyAtom);
        }
        if !s.bytes().all(|b| matches!(b, 0x21..=0x7e)) {
            return Err(EncodeError::InvalidAtom(s.to_owned()));
        }
        self.buf.extend_from_slice(s.as_bytes());
        Ok(self)
    }

    /// A user string in an `astring` position (atom, quoted or literal).
    pub fn astring(&mut self, bytes: &[u8]) -> Result<&mut Self, EncodeError> {
        self.user_string(bytes, StringKind::AString)
    }

    /// A user string in a `string` position (quoted or literal).
    pub fn string(&mut self, bytes: &[u8]) -> Result<&mut Self, EncodeError> {
        self.user_string(bytes, StringKind::String)
    }

    /// `NIL` or a string.
    pub fn nstring(&mut self, bytes: Option<&[u8]>) -> Result<&mut Self, EncodeError> {
        match bytes {
            None => Ok(self.keyword("NIL")),
            Some(bytes) => self.string(bytes),
        }
    }

    /// A LIST/LSUB pattern, already in its wire encoding (`%` and `*` stay bare).
    pub fn list_mailbox(&mut self, bytes: &[u8]) -> Result<&mut Self, EncodeError> {
        self.user_string(bytes, StringKind::ListMailbox)
    }

    /// A mailbox name: modified UTF-7 (RFC 3501 5.1.3) as an astring, or
    /// UTF-8 as is once UTF8=ACCEPT is enabled.
    pub fn mailbox(&mut self, name: &str) -> Result<&mut Self, EncodeError> {
        if self.opts.utf8_accept {
            self.astring(name.as_bytes())
        } else {
            self.astring(crate::utf7::encode(name).as_bytes())
        }
    }

    /// A LIST/LSUB pattern given as a mailbox name with wildcards; encoded
    /// like [`Encoder::mailbox`] (the wildcards are ASCII and survive UTF-7).
    pub fn mailbox_pattern(&mut self, pattern: &str) -> Result<&mut Self, EncodeError> {
        if self.opts.utf8_accept {
            self.list_mailbox(pattern.as_bytes())
        } else {
            self.list_mailbox(crate::utf7::encode(pattern).as_bytes())
        }
    }

    /// The single entry point for user strings: writes `bytes` in the form
    /// [`choose_form`] picks.
    pub fn user_string(&mut self, bytes: &[u8], kind: StringKind) -> Result<&mut Self, EncodeError> {
        match choose_form(bytes, kind, self.opts)? {
            Form::Atom => self.buf.extend_from_slice(bytes),
            Form::Quoted => {
                self.buf.reserve(bytes.len() + 2);
                self.buf.push(b'"');
                for &b in bytes {
                    if b == b'"' || b == b'\\' {
                        self.buf.push(b'\\');
                    }
                    self.buf.push(b);
                }
                self.buf.push(b'"');
            }
            Form::Literal => return self.literal(bytes),
        }
        Ok(self)
    }

    /// A literal whatever the content (APPEND's message): `{N}` and a new
    /// chunk, or `{N+}` under LITERAL+ (or LITERAL- when N <= 4096).
    /// A NUL is an [`EncodeError::Nul`].
    pub fn literal(&mut self, bytes: &[u8]) -> Result<&mut Self, EncodeError> {
        if bytes.contains(&0) {
            return Err(EncodeError::Nul);
        }
        self.literal_header("{", bytes)
    }

    /// A literal8 (`~{N}`, RFC 3516 BINARY), which may hold any byte, NUL included.
    pub fn literal8(&mut self, bytes: &[u8]) -> Result<&mut Self, EncodeError> {
        self.literal_header("~{", bytes)
    }

    fn literal_header(&mut self, open: &'static str, bytes: &[u8]) -> Result<&mut Self, EncodeError> {
        if u32::try_from(bytes.len()).is_err() {
            return Err(EncodeError::TooLarge(bytes.len()));
        }
        let non_sync = self.opts.literal_plus || (self.opts.literal_minus && bytes.len() <= LITERAL_MINUS_MAX);
        self.keyword(open).number(bytes.len() as u64);
        self.keyword(if non_sync { "+}" } else { "}" });
        self.buf.extend_from_slice(b"\r\n");
        if !non_sync {
            self.chunks.push(std::mem::take(&mut self.buf));
        }
        self.buf.extend_from_slice(bytes);
        Ok(self)
    }

    /// Ends the command with CRLF and returns its chunks.
    pub fn finish(mut self) -> Encoded {
        self.buf.extend_from_slice(b"\r\n");
        self.chunks.push(self.buf);
        Encoded { chunks: self.chunks }
    }
}

/// Checks that `s` is an atom.
pub(crate) fn check_atom(s: &str) -> Result<(), EncodeError> {
    if s.is_empty() {
        return Err(EncodeError::EmptyAtom);
    }
    if !s.bytes().all(is_atom_char) {
        return Err(EncodeError::InvalidAtom(s.to_owned()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(bytes: &[u8], kind: StringKind, opts: &EncodeOptions) -> Vec<u8> {
        let mut e = Encoder::new(opts);
        e.user_string(bytes, kind).unwrap();
        e.finish().to_bytes()
    }

    #[test]
    fn forms() {
        let o = EncodeOptions::default();
        assert_eq!(one(b"INBOX", StringKind::AString, &o), b"INBOX\r\n");
        assert_eq!(one(b"a]b", StringKind::AString, &o), b"a]b\r\n");
        assert_eq!(one(b"a*b", StringKind::AString, &o), b"\"a*b\"\r\n");
        assert_eq!(one(b"a*b%", StringKind::ListMailbox, &o), b"a*b%\r\n");
        assert_eq!(one(b"", StringKind::AString, &o), b"\"\"\r\n");
        assert_eq!(one(b"x", StringKind::String, &o), b"\"x\"\r\n");
        assert_eq!(one(b"a\"b\\c", StringKind::AString, &o), b"\"a\\\"b\\\\c\"\r\n");
        assert_eq!(one(b"tab\there", StringKind::AString, &o), b"{8}\r\ntab\there\r\n");
    }

    #[test]
    fn quoted_limit_is_1024() {
        let o = EncodeOptions::default();
        let mut s = vec![b' '; MAX_QUOTED];
        assert_eq!(choose_form(&s, StringKind::AString, &o), Ok(Form::Quoted));
        s.push(b' ');
        assert_eq!(choose_form(&s, StringKind::AString, &o), Ok(Form::Literal));
    }

    #[test]
    fn utf8_accept_quotes_utf8_but_not_controls_or_invalid() {
        let u = EncodeOptions { utf8_accept: true, ..Default::default() };
        assert_eq!(one("Entwürfe".as_bytes(), StringKind::AString, &u), "\"Entwürfe\"\r\n".as_bytes());
        assert_eq!(choose_form(b"caf\xe9", StringKind::AString, &u), Ok(Form::Literal));
        assert_eq!(choose_form("a\u{7f}b".as_bytes(), StringKind::AString, &u), Ok(Form::Literal));
        assert_eq!(choose_form("ü\r".as_bytes(), StringKind::AString, &u), Ok(Form::Literal));
    }

    #[test]
    fn literal_modes() {
        let sync = EncodeOptions::default();
        let plus = EncodeOptions { literal_plus: true, ..Default::default() };
        let minus = EncodeOptions { literal_minus: true, ..Default::default() };
        let small = vec![b'\n'; LITERAL_MINUS_MAX];
        let big = vec![b'\n'; LITERAL_MINUS_MAX + 1];
        let lit = |data: &[u8], o: &EncodeOptions| {
            let mut e = Encoder::new(o);
            e.keyword("t X ").literal(data).unwrap();
            e.finish().chunks
        };
        let c = lit(&small, &sync);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0], b"t X {4096}\r\n");
        assert_eq!(c[1].len(), LITERAL_MINUS_MAX + 2);
        let c = lit(&big, &plus);
        assert_eq!(c.len(), 1);
        assert!(c[0].starts_with(b"t X {4097+}\r\n\n"));
        let c = lit(&small, &minus);
        assert_eq!(c.len(), 1);
        assert!(c[0].starts_with(b"t X {4096+}\r\n"));
        let c = lit(&big, &minus);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0], b"t X {4097}\r\n");
    }

    #[test]
    fn nul_only_in_literal8() {
        let o = EncodeOptions::default();
        let mut e = Encoder::new(&o);
        assert_eq!(e.astring(b"a\0").unwrap_err(), EncodeError::Nul);
        assert_eq!(e.literal(b"a\0").unwrap_err(), EncodeError::Nul);
        e.keyword("t X ").literal8(b"a\0").unwrap();
        assert_eq!(e.finish().chunks, vec![b"t X ~{2}\r\n".to_vec(), b"a\0\r\n".to_vec()]);
    }

    #[test]
    fn atoms_and_tokens_are_checked() {
        let o = EncodeOptions::default();
        let mut e = Encoder::new(&o);
        assert_eq!(e.atom("").unwrap_err(), EncodeError::EmptyAtom);
        assert!(matches!(e.atom("a b"), Err(EncodeError::InvalidAtom(_))));
        assert!(matches!(e.atom("a\r\n"), Err(EncodeError::InvalidAtom(_))));
        assert!(matches!(e.token("1\n"), Err(EncodeError::InvalidAtom(_))));
        e.atom("UTF-8").unwrap();
        assert_eq!(e.finish().to_bytes(), b"UTF-8\r\n");
    }

    #[test]
    fn base64_vectors() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64(&[0xff, 0xfe]), "//4=");
    }
}
