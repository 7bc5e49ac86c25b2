//! The benchmark corpora: server output generated deterministically.
//!
//! Every corpus is a complete, valid RFC 3501 byte stream (CRLF line endings),
//! built from a fixed seed by a small PRNG of this module, so every run, every
//! machine and every parser sees exactly the same bytes.
//!
//! | corpus          | responses | what                                                         |
//! | --------------- | --------- | ------------------------------------------------------------ |
//! | `envelope`      | 10,000    | `FETCH (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE)`        |
//! | `bodystructure` | 5,000     | `FETCH (UID BODYSTRUCTURE)`, nested multiparts, extension data |
//! | `literal`       | 200       | `FETCH (UID BODY[] {50000})`: one 50 KB literal each          |
//! | `tiny`          | 100,000   | `EXISTS`, `EXPUNGE`, `FETCH (FLAGS ...)`, `FETCH (UID FLAGS ())` |

use std::fmt::Write as _;

/// One generated corpus.
#[derive(Debug, Clone)]
pub struct Corpus {
    /// Its name (`envelope`, `bodystructure`, `literal`, `tiny`).
    pub name: &'static str,
    /// The complete server output.
    pub bytes: Vec<u8>,
    /// How many responses `bytes` holds.
    pub responses: usize,
}

/// The names of all corpora, in the order they are run.
pub const NAMES: [&str; 4] = ["envelope", "bodystructure", "literal", "tiny"];

/// Responses in the `envelope` corpus.
pub const ENVELOPE_RESPONSES: usize = 10_000;
/// Responses in the `bodystructure` corpus.
pub const BODYSTRUCTURE_RESPONSES: usize = 5_000;
/// Responses in the `literal` corpus.
pub const LITERAL_RESPONSES: usize = 200;
/// Bytes of the message text in each response of the `literal` corpus.
pub const LITERAL_SIZE: usize = 50_000;
/// Responses in the `tiny` corpus.
pub const TINY_RESPONSES: usize = 100_000;

/// Builds the corpus called `name`, or `None` if there is no such corpus.
pub fn by_name(name: &str) -> Option<Corpus> {
    match name {
        "envelope" => Some(envelope()),
        "bodystructure" => Some(bodystructure()),
        "literal" => Some(literal()),
        "tiny" => Some(tiny()),
        _ => None,
    }
}

/// Builds every corpus, in the order of [`NAMES`].
pub fn all() -> Vec<Corpus> {
    NAMES.iter().filter_map(|name| by_name(name)).collect()
}

/// `* N FETCH (UID N FLAGS (...) INTERNALDATE "..." RFC822.SIZE n ENVELOPE (...))`,
/// [`ENVELOPE_RESPONSES`] times.
///
/// Envelopes have a date, a subject (about 15% RFC 2047 encoded words, 5% with
/// escaped quotes, 2% sent as a literal), one to three From/To addresses
/// (Sender and Reply-To mostly copy From), Cc on about a third, Bcc NIL,
/// In-Reply-To on about 40%, and a Message-ID.
pub fn envelope() -> Corpus {
    let mut rng = Rng::new(0x0e11_7e10_9e00_0001);
    let mut out = String::with_capacity(ENVELOPE_RESPONSES * 800);
    let mut uid = 10_000;
    for seq in 1..=ENVELOPE_RESPONSES {
        uid += 1 + rng.below(3) as u32;
        let date = Date::random(&mut rng);
        let _ = write!(out, "* {seq} FETCH (UID {uid} FLAGS (");
        push_flags(&mut rng, &mut out);
        let _ = write!(
            out,
            ") INTERNALDATE \"{}\" RFC822.SIZE {} ENVELOPE ",
            date.internal(&mut rng),
            1_000 + rng.below(250_000)
        );
        push_envelope(&mut rng, &mut out, &date);
        out.push_str(")\r\n");
    }
    Corpus { name: "envelope", bytes: out.into_bytes(), responses: ENVELOPE_RESPONSES }
}

/// `* N FETCH (UID N BODYSTRUCTURE (...))`, [`BODYSTRUCTURE_RESPONSES`] times.
///
/// The shapes, by weight: text/plain alone; multipart/alternative (text/plain
/// and text/html); multipart/mixed with an alternative and one to three
/// attachments (disposition and parameters); mixed > alternative > related >
/// inline images (four levels); a forwarded message/rfc822 with its envelope
/// and its own nested body; multipart/signed. Every part carries extension
/// data (md5 NIL, disposition, language, location).
pub fn bodystructure() -> Corpus {
    let mut rng = Rng::new(0xb0d7_57a0_c7a2_0002);
    let mut out = String::with_capacity(BODYSTRUCTURE_RESPONSES * 1_200);
    let mut uid = 50_000;
    for seq in 1..=BODYSTRUCTURE_RESPONSES {
        uid += 1 + rng.below(3) as u32;
        let _ = write!(out, "* {seq} FETCH (UID {uid} BODYSTRUCTURE ");
        push_message_body(&mut rng, &mut out, 0);
        out.push_str(")\r\n");
    }
    Corpus { name: "bodystructure", bytes: out.into_bytes(), responses: BODYSTRUCTURE_RESPONSES }
}

/// `* N FETCH (UID N BODY[] {50000}\r\n...)`, [`LITERAL_RESPONSES`] times,
/// each literal a plausible 50 KB message (headers, then wrapped text).
pub fn literal() -> Corpus {
    let mut rng = Rng::new(0x11e2_a100_0000_0003);
    let mut out = Vec::with_capacity(LITERAL_RESPONSES * (LITERAL_SIZE + 64));
    let mut uid = 90_000;
    for seq in 1..=LITERAL_RESPONSES {
        uid += 1 + rng.below(3) as u32;
        let message = message_text(&mut rng, LITERAL_SIZE);
        out.extend_from_slice(format!("* {seq} FETCH (UID {uid} BODY[] {{{}}}\r\n", message.len()).as_bytes());
        out.extend_from_slice(&message);
        out.extend_from_slice(b")\r\n");
    }
    Corpus { name: "literal", bytes: out, responses: LITERAL_RESPONSES }
}

/// [`TINY_RESPONSES`] short responses, mixed evenly at random: `* N EXISTS`,
/// `* N EXPUNGE`, `* N FETCH (FLAGS (\Seen))`, `* N FETCH (UID n FLAGS ())`.
pub fn tiny() -> Corpus {
    let mut rng = Rng::new(0x7142_0000_0000_0004);
    let mut out = String::with_capacity(TINY_RESPONSES * 32);
    for _ in 0..TINY_RESPONSES {
        let seq = 1 + rng.below(5_000);
        let _ = match rng.below(4) {
            0 => write!(out, "* {seq} EXISTS\r\n"),
            1 => write!(out, "* {seq} EXPUNGE\r\n"),
            2 => write!(out, "* {seq} FETCH (FLAGS (\\Seen))\r\n"),
            _ => write!(out, "* {seq} FETCH (UID {} FLAGS ())\r\n", 100_000 + rng.below(900_000)),
        };
    }
    Corpus { name: "tiny", bytes: out.into_bytes(), responses: TINY_RESPONSES }
}

/// SplitMix64: tiny, fast, and good enough to vary test data.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// Uniform in [0, 1).
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with the given probability in percent.
    fn percent(&mut self, p: u64) -> bool {
        self.below(100) < p
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

const FIRST: &[&str] = &[
    "Alice", "Bob", "Carol", "David", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy", "Mallory", "Niaj", "Olivia",
    "Peggy", "Rupert", "Sybil", "Trent", "Victor", "Walter", "Yvonne", "Zoe", "Priya", "Chen", "Fatima", "Lars",
];
const LAST: &[&str] = &[
    "Anderson", "Baker", "Clarke", "Dubois", "Evans", "Fischer", "Garcia", "Hughes", "Ivanova", "Jensen", "Kowalski",
    "Lopez", "Martin", "Nakamura", "O'Brien", "Patel", "Quinn", "Rossi", "Schmidt", "Tanaka", "Urban", "Weber",
];
/// Names that real mail sends as RFC 2047 encoded words.
const INTL_NAMES: &[&str] =
    &["Jörg Müller", "Zoë Brontë", "François Lefèvre", "Åsa Ångström", "山田 太郎", "Παύλος Νικολάου", "Łukasz Żak"];
const DOMAINS: &[&str] = &[
    "example.com",
    "example.org",
    "mail.example.net",
    "corp.example.com",
    "lists.example.org",
    "university.example.edu",
    "startup.example.io",
    "example.co.uk",
];
const WORDS: &[&str] = &[
    "quarterly",
    "report",
    "meeting",
    "notes",
    "draft",
    "review",
    "budget",
    "release",
    "plan",
    "update",
    "invoice",
    "project",
    "status",
    "agenda",
    "follow-up",
    "schedule",
    "deadline",
    "proposal",
    "feedback",
    "summary",
    "question",
    "build",
    "failure",
    "server",
    "migration",
    "roadmap",
    "team",
    "offsite",
    "lunch",
    "contract",
    "design",
    "launch",
];
const INTL_SUBJECTS: &[&str] = &[
    "Grüße aus München",
    "Réunion de l'équipe à 14h",
    "Café & croissants ☕",
    "Résumé: Überprüfung der Ergebnisse",
    "会議の議事録",
    "Ñandú – informe anual",
    "Prośba o akceptację",
];
const LIST_TAGS: &[&str] = &["[dev]", "[announce]", "[ops]", "[rust-users]", "[JIRA]"];
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const ZONES: &[&str] = &["+0000", "+0100", "+0200", "-0500", "-0800", "+0530", "+0900"];

/// A calendar date and time, for Date: headers and INTERNALDATE.
struct Date {
    year: u32,
    month: usize,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    zone: &'static str,
}

impl Date {
    fn random(rng: &mut Rng) -> Self {
        let month = rng.below(12) as usize;
        let days = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month];
        Date {
            year: 2019 + rng.below(7) as u32,
            month,
            day: 1 + rng.below(days) as u32,
            hour: rng.below(24) as u32,
            minute: rng.below(60) as u32,
            second: rng.below(60) as u32,
            zone: rng.pick(ZONES),
        }
    }

    /// Sakamoto's day of the week, 0 = Sunday.
    fn weekday(&self) -> usize {
        const T: [u32; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
        let y = if self.month < 2 { self.year - 1 } else { self.year };
        ((y + y / 4 - y / 100 + y / 400 + T[self.month] + self.day) % 7) as usize
    }

    /// An RFC 5322 Date: header value.
    fn header(&self) -> String {
        format!(
            "{}, {} {} {} {:02}:{:02}:{:02} {}",
            WEEKDAYS[self.weekday()],
            self.day,
            MONTHS[self.month],
            self.year,
            self.hour,
            self.minute,
            self.second,
            self.zone
        )
    }

    /// An INTERNALDATE a few seconds after the Date: header (same zone).
    fn internal(&self, rng: &mut Rng) -> String {
        let second = (self.second + 1 + rng.below(50) as u32).min(59);
        format!(
            "{:02}-{}-{} {:02}:{:02}:{:02} {}",
            self.day, MONTHS[self.month], self.year, self.hour, self.minute, second, self.zone
        )
    }
}

fn push_flags(rng: &mut Rng, out: &mut String) {
    let mut flags: Vec<&str> = Vec::new();
    if rng.percent(70) {
        flags.push("\\Seen");
    }
    if rng.percent(15) {
        flags.push("\\Answered");
    }
    if rng.percent(8) {
        flags.push("\\Flagged");
    }
    if rng.percent(3) {
        flags.push("\\Draft");
    }
    if rng.percent(10) {
        flags.push("$Forwarded");
    }
    if rng.percent(10) {
        flags.push(if rng.percent(50) { "$Junk" } else { "$NotJunk" });
    }
    out.push_str(&flags.join(" "));
}

/// An RFC 3501 quoted string, escaping `"` and `\`.
fn push_quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
}

/// An RFC 2047 encoded word: Q encoding or B (base64), at random.
fn encoded_word(rng: &mut Rng, text: &str) -> String {
    if rng.percent(50) {
        let mut word = String::from("=?UTF-8?Q?");
        for &b in text.as_bytes() {
            match b {
                b' ' => word.push('_'),
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b',' | b'-' | b'!' => word.push(b as char),
                _ => {
                    let _ = write!(word, "={b:02X}");
                }
            }
        }
        word.push_str("?=");
        word
    } else {
        format!("=?utf-8?B?{}?=", base64(text.as_bytes()))
    }
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A subject as the server sends it: quoted (plain, encoded words or escaped
/// quotes) or, now and then, as a literal.
fn push_subject(rng: &mut Rng, out: &mut String) {
    let roll = rng.below(100);
    let prefix = match rng.below(10) {
        0..=2 => "Re: ",
        3 => "Fwd: ",
        4 => "RE: AW: ",
        _ => "",
    };
    if roll < 2 {
        // A literal: what servers do for 8-bit text or awkward characters.
        let subject = format!("{prefix}{} \"{}\" \\ {}", rng.pick(INTL_SUBJECTS), rng.pick(WORDS), rng.pick(WORDS));
        let _ = write!(out, "{{{}}}\r\n{subject}", subject.len());
    } else if roll < 17 {
        let text = rng.pick(INTL_SUBJECTS);
        let subject = format!("{prefix}{}", encoded_word(rng, text));
        push_quoted(out, &subject);
    } else if roll < 22 {
        let subject = format!("{prefix}\"{}\" {} {}", capitalized(rng.pick(WORDS)), rng.pick(WORDS), rng.pick(WORDS));
        push_quoted(out, &subject);
    } else {
        let mut subject = String::from(prefix);
        if rng.percent(15) {
            subject.push_str(rng.pick(LIST_TAGS));
            subject.push(' ');
        }
        subject.push_str(&capitalized(rng.pick(WORDS)));
        for _ in 0..1 + rng.below(6) {
            subject.push(' ');
            subject.push_str(rng.pick(WORDS));
        }
        if rng.percent(20) {
            let _ = write!(subject, " #{}", rng.below(10_000));
        }
        push_quoted(out, &subject);
    }
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
}

/// One address: `(name NIL mailbox host)`.
fn push_address(rng: &mut Rng, out: &mut String) {
    let first = rng.pick(FIRST);
    let last = rng.pick(LAST);
    out.push('(');
    match rng.below(10) {
        0 => out.push_str("NIL"),
        1 => {
            let text = rng.pick(INTL_NAMES);
            let name = encoded_word(rng, text);
            push_quoted(out, &name);
        }
        2 => push_quoted(out, &format!("{last}, {first}")),
        _ => push_quoted(out, &format!("{first} {last}")),
    }
    out.push_str(" NIL ");
    let mailbox = match rng.below(4) {
        0 => format!("{}.{}", first.to_lowercase(), last.to_lowercase().replace('\'', "")),
        1 => format!("{}{}", &first[..1].to_lowercase(), last.to_lowercase().replace('\'', "")),
        2 => format!("{}+{}", first.to_lowercase(), rng.pick(WORDS)),
        _ => first.to_lowercase(),
    };
    push_quoted(out, &mailbox);
    out.push(' ');
    push_quoted(out, rng.pick(DOMAINS));
    out.push(')');
}

/// An address list of `1..=max` addresses, kept as text so it can be repeated.
fn address_list(rng: &mut Rng, max: u64) -> String {
    let mut list = String::from("(");
    for _ in 0..1 + rng.below(max) {
        push_address(rng, &mut list);
    }
    list.push(')');
    list
}

fn message_id(rng: &mut Rng) -> String {
    format!("<{:016x}.{}@{}>", rng.next_u64(), rng.below(100_000), rng.pick(DOMAINS))
}

/// `(date subject from sender reply-to to cc bcc in-reply-to message-id)`.
fn push_envelope(rng: &mut Rng, out: &mut String, date: &Date) {
    out.push('(');
    push_quoted(out, &date.header());
    out.push(' ');
    push_subject(rng, out);
    let max_from = if rng.percent(90) { 1 } else { 3 };
    let from = address_list(rng, max_from);
    let sender = if rng.percent(85) { from.clone() } else { address_list(rng, 1) };
    let reply_to = if rng.percent(80) { from.clone() } else { address_list(rng, 2) };
    let to = address_list(rng, 3);
    let _ = write!(out, " {from} {sender} {reply_to} {to} ");
    if rng.percent(33) {
        out.push_str(&address_list(rng, 3));
    } else {
        out.push_str("NIL");
    }
    out.push_str(" NIL ");
    if rng.percent(40) {
        push_quoted(out, &message_id(rng));
    } else {
        out.push_str("NIL");
    }
    out.push(' ');
    push_quoted(out, &message_id(rng));
    out.push(')');
}

/// The body of a whole message: one of the shapes of [`bodystructure`].
/// `depth` is how deep this message is already nested (a forwarded message's
/// body gets simpler shapes, so the whole stays within about four levels).
fn push_message_body(rng: &mut Rng, out: &mut String, depth: u32) {
    let roll = rng.below(100);
    if depth > 0 {
        match roll {
            0..=39 => push_text(rng, out, "PLAIN"),
            40..=79 => push_alternative(rng, out),
            _ => push_mixed(rng, out, push_alternative, 1),
        }
        return;
    }
    match roll {
        0..=11 => push_text(rng, out, "PLAIN"),
        12..=31 => push_alternative(rng, out),
        32..=56 => {
            let attachments = 1 + rng.below(3);
            push_mixed(rng, out, push_alternative, attachments);
        }
        57..=71 => {
            let attachments = rng.below(2);
            push_mixed(
                rng,
                out,
                |rng, out| {
                    // alternative(plain, related(html, inline images)): four levels.
                    out.push('(');
                    push_text(rng, out, "PLAIN");
                    out.push('(');
                    push_text(rng, out, "HTML");
                    for _ in 0..1 + rng.below(2) {
                        push_attachment(rng, out, true);
                    }
                    push_multipart_ext(rng, out, "RELATED");
                    out.push(')');
                    push_multipart_ext(rng, out, "ALTERNATIVE");
                    out.push(')');
                },
                attachments,
            );
        }
        72..=89 => {
            // mixed(plain, message/rfc822(envelope, body, lines)).
            out.push('(');
            push_text(rng, out, "PLAIN");
            push_rfc822(rng, out, depth + 1);
            if rng.percent(30) {
                push_attachment(rng, out, false);
            }
            push_multipart_ext(rng, out, "MIXED");
            out.push(')');
        }
        _ => {
            // multipart/signed(alternative, application/pgp-signature).
            out.push('(');
            push_alternative(rng, out);
            out.push_str(
                "(\"APPLICATION\" \"PGP-SIGNATURE\" (\"NAME\" \"signature.asc\") NIL \"OpenPGP digital signature\" \
                 \"7BIT\" 833 NIL (\"ATTACHMENT\" (\"FILENAME\" \"signature.asc\")) NIL NIL)",
            );
            let _ = write!(
                out,
                " \"SIGNED\" (\"MICALG\" \"pgp-sha256\" \"PROTOCOL\" \"application/pgp-signature\" \"BOUNDARY\" \
                 \"{}\") NIL NIL NIL",
                boundary(rng)
            );
            out.push(')');
        }
    }
}

fn boundary(rng: &mut Rng) -> String {
    match rng.below(3) {
        0 => format!("----=_Part_{}_{}.{}", rng.below(1_000_000), rng.below(1_000_000_000), rng.below(10_000_000)),
        1 => format!("{:028x}", u128::from(rng.next_u64()) << 48 | u128::from(rng.next_u64() >> 16)),
        _ => format!("Apple-Mail={:08X}-{:04X}", rng.next_u64() as u32, rng.below(0x10000)),
    }
}

/// `"SUBTYPE" (params) dsp lang loc`: the tail of a multipart.
fn push_multipart_ext(rng: &mut Rng, out: &mut String, subtype: &str) {
    let _ = write!(out, " \"{subtype}\" (\"BOUNDARY\" \"{}\")", boundary(rng));
    out.push_str(if rng.percent(10) { " (\"INLINE\" NIL)" } else { " NIL" });
    out.push_str(if rng.percent(20) { " \"EN\"" } else { " NIL" });
    out.push_str(" NIL");
}

/// `md5 dsp lang loc` of a single part, with the given disposition.
fn push_single_ext(rng: &mut Rng, out: &mut String, disposition: &str) {
    out.push_str(" NIL ");
    out.push_str(disposition);
    out.push_str(match rng.below(10) {
        0..=5 => " NIL",
        6..=7 => " \"en\"",
        8 => " (\"en\" \"de\")",
        _ => " \"fr-CA\"",
    });
    if rng.percent(5) {
        let _ = write!(out, " \"http://{}/msg/{}\"", rng.pick(DOMAINS), rng.below(100_000));
    } else {
        out.push_str(" NIL");
    }
}

/// A text part, `subtype` `PLAIN` or `HTML`.
fn push_text(rng: &mut Rng, out: &mut String, subtype: &str) {
    let charset = rng.pick(&["UTF-8", "utf-8", "ISO-8859-1", "US-ASCII", "windows-1252"]);
    let _ = write!(out, "(\"TEXT\" \"{subtype}\" (\"CHARSET\" \"{charset}\"");
    if subtype == "PLAIN" && rng.percent(30) {
        out.push_str(" \"FORMAT\" \"flowed\"");
    }
    out.push_str(") NIL NIL ");
    out.push_str(rng.pick(&["\"7BIT\"", "\"QUOTED-PRINTABLE\"", "\"8BIT\"", "\"BASE64\""]));
    let size = 200 + rng.below(if subtype == "HTML" { 60_000 } else { 12_000 });
    let _ = write!(out, " {size} {}", size / 60 + 1);
    let disposition = if rng.percent(15) { "(\"INLINE\" NIL)" } else { "NIL" };
    push_single_ext(rng, out, disposition);
    out.push(')');
}

/// multipart/alternative(text/plain, text/html).
fn push_alternative(rng: &mut Rng, out: &mut String) {
    out.push('(');
    push_text(rng, out, "PLAIN");
    push_text(rng, out, "HTML");
    push_multipart_ext(rng, out, "ALTERNATIVE");
    out.push(')');
}

/// multipart/mixed(first, `attachments` attachments).
fn push_mixed(rng: &mut Rng, out: &mut String, first: impl FnOnce(&mut Rng, &mut String), attachments: u64) {
    out.push('(');
    first(rng, out);
    for _ in 0..attachments {
        push_attachment(rng, out, false);
    }
    if attachments == 0 {
        push_text(rng, out, "PLAIN");
    }
    push_multipart_ext(rng, out, "MIXED");
    out.push(')');
}

const ATTACHMENTS: &[(&str, &str, &str)] = &[
    ("APPLICATION", "PDF", "pdf"),
    ("APPLICATION", "VND.OPENXMLFORMATS-OFFICEDOCUMENT.SPREADSHEETML.SHEET", "xlsx"),
    ("APPLICATION", "ZIP", "zip"),
    ("APPLICATION", "OCTET-STREAM", "bin"),
    ("IMAGE", "JPEG", "jpg"),
    ("IMAGE", "PNG", "png"),
    ("TEXT", "CALENDAR", "ics"),
    ("AUDIO", "MPEG", "mp3"),
];

/// An attachment (or, `inline`, an image referenced from HTML by its Content-ID).
fn push_attachment(rng: &mut Rng, out: &mut String, inline: bool) {
    let (ty, subtype, ext) = if inline {
        rng.pick(&[("IMAGE", "PNG", "png"), ("IMAGE", "JPEG", "jpg"), ("IMAGE", "GIF", "gif")])
    } else {
        rng.pick(ATTACHMENTS)
    };
    let name = format!("{}-{}.{ext}", rng.pick(WORDS), rng.below(1_000));
    let _ = write!(out, "(\"{ty}\" \"{subtype}\" (\"NAME\" \"{name}\") ");
    if inline {
        let _ = write!(out, "\"<part{}.{:08x}@{}>\" NIL", rng.below(10), rng.next_u64() as u32, rng.pick(DOMAINS));
    } else if rng.percent(20) {
        out.push_str("NIL \"Attached file\"");
    } else {
        out.push_str("NIL NIL");
    }
    let size = 1_000 + rng.below(2_000_000);
    if ty == "TEXT" {
        let _ = write!(out, " \"7BIT\" {size} {}", size / 70 + 1);
    } else {
        let _ = write!(out, " \"BASE64\" {size}");
    }
    let disposition = format!(
        "(\"{}\" (\"FILENAME\" \"{name}\" \"SIZE\" \"{}\"))",
        if inline { "INLINE" } else { "ATTACHMENT" },
        size * 3 / 4
    );
    push_single_ext(rng, out, &disposition);
    out.push(')');
}

/// message/rfc822: body fields, the inner envelope, the inner body, lines.
fn push_rfc822(rng: &mut Rng, out: &mut String, depth: u32) {
    let size = 5_000 + rng.below(200_000);
    let _ = write!(out, "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" {size} ");
    let date = Date::random(rng);
    push_envelope(rng, out, &date);
    out.push(' ');
    push_message_body(rng, out, depth);
    let _ = write!(out, " {}", size / 70 + 1);
    let name = format!("{}.eml", rng.pick(WORDS));
    let disposition = if rng.percent(50) {
        format!("(\"ATTACHMENT\" (\"FILENAME\" \"{name}\"))")
    } else {
        "(\"INLINE\" NIL)".to_owned()
    };
    push_single_ext(rng, out, &disposition);
    out.push(')');
}

/// A plausible message of exactly `size` bytes: headers, then text wrapped at
/// about 72 columns.
fn message_text(rng: &mut Rng, size: usize) -> Vec<u8> {
    let date = Date::random(rng);
    let mut text = String::with_capacity(size + 200);
    let from = format!("{} {}", rng.pick(FIRST), rng.pick(LAST));
    for hop in 0..3 {
        let _ = write!(
            text,
            "Received: from mx{hop}.{} (mx{hop}.{} [192.0.2.{}])\r\n\tby imap.example.com with ESMTPS id {:x}\r\n\t\
             for <user@example.com>; {}\r\n",
            rng.pick(DOMAINS),
            rng.pick(DOMAINS),
            rng.below(255),
            rng.next_u64(),
            date.header()
        );
    }
    let _ = write!(
        text,
        "From: {from} <{}@{}>\r\nTo: user@example.com\r\nSubject: {} {}\r\nDate: {}\r\nMessage-ID: {}\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n",
        rng.pick(FIRST).to_lowercase(),
        rng.pick(DOMAINS),
        capitalized(rng.pick(WORDS)),
        rng.pick(WORDS),
        date.header(),
        message_id(rng)
    );
    let mut column = 0;
    while text.len() < size {
        let word = rng.pick(WORDS);
        if column + word.len() > 72 {
            text.push_str("\r\n");
            column = 0;
            if rng.percent(10) {
                text.push_str("\r\n");
            }
        } else if column > 0 {
            text.push(' ');
            column += 1;
        }
        text.push_str(word);
        column += word.len();
    }
    let mut bytes = text.into_bytes();
    bytes.truncate(size);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use imap_core::types::{Data, FetchItem, Response};

    /// Parses a corpus with imap-core, checking every response with `check`;
    /// returns how many responses there were.
    fn parse_all(corpus: &Corpus, mut check: impl FnMut(&Response<'_>)) -> usize {
        let mut count = 0;
        for frame in imap_core::wire::frames(&corpus.bytes, imap_core::wire::Limits::default()) {
            let frame = frame.unwrap_or_else(|e| panic!("{}: framing response {count}: {e}", corpus.name));
            let response = imap_core::parse(&frame).unwrap_or_else(|e| {
                let text = String::from_utf8_lossy(&frame.bytes()[..frame.bytes().len().min(2_000)]);
                panic!("{}: parsing response {count}: {e}\n{text}", corpus.name)
            });
            check(&response);
            count += 1;
        }
        count
    }

    fn fetch_items<'r, 'a>(response: &'r Response<'a>) -> &'r [FetchItem<'a>] {
        match response {
            Response::Data(Data::Fetch(fetch)) => &fetch.items,
            other => panic!("not a FETCH: {other:?}"),
        }
    }

    #[test]
    fn imap_core_parses_every_corpus() {
        let envelope = envelope();
        let n = parse_all(&envelope, |r| {
            let items = fetch_items(r);
            assert_eq!(items.len(), 5);
            assert!(matches!(items[4], FetchItem::Envelope(_)));
        });
        assert_eq!(n, ENVELOPE_RESPONSES);

        let bodystructure = bodystructure();
        let n = parse_all(&bodystructure, |r| {
            assert!(matches!(fetch_items(r), [FetchItem::Uid(_), FetchItem::BodyStructure(_)]));
        });
        assert_eq!(n, BODYSTRUCTURE_RESPONSES);

        let literal = literal();
        let n = parse_all(&literal, |r| match fetch_items(r) {
            [FetchItem::Uid(_), FetchItem::BodySection { data: Some(data), .. }] => {
                assert_eq!(data.len(), LITERAL_SIZE);
                assert!(data.as_borrowed().is_some(), "the literal was copied");
            }
            other => panic!("unexpected items {other:?}"),
        });
        assert_eq!(n, LITERAL_RESPONSES);

        let tiny = tiny();
        let n = parse_all(&tiny, |r| {
            assert!(matches!(r, Response::Data(Data::Exists(_) | Data::Expunge(_) | Data::Fetch(_))));
        });
        assert_eq!(n, TINY_RESPONSES);
    }

    #[test]
    fn corpora_are_deterministic_and_varied() {
        let a = envelope();
        assert_eq!(a.bytes, envelope().bytes);
        let text = String::from_utf8(a.bytes).expect("UTF-8");
        assert!(text.contains("=?UTF-8?Q?"), "Q encoded words");
        assert!(text.contains("=?utf-8?B?"), "B encoded words");
        assert!(text.contains("\\\""), "escaped quotes");
        assert!(text.contains("}\r\n"), "literal subjects");
        assert!(text.ends_with(")\r\n"));
        let b = String::from_utf8(bodystructure().bytes).expect("UTF-8");
        for needle in ["\"MESSAGE\" \"RFC822\"", "\"RELATED\"", "\"SIGNED\"", "\"ATTACHMENT\"", "(\"en\" \"de\")"] {
            assert!(b.contains(needle), "{needle}");
        }
        assert_eq!(base64(b"Man"), "TWFu");
        assert_eq!(base64(b"Ma"), "TWE=");
        assert_eq!(base64(b"M"), "TQ==");
    }

    #[test]
    fn peers_parse_every_corpus() {
        for corpus in all() {
            for parser in crate::Parser::ALL {
                let count = parser.run(&corpus.bytes).unwrap_or_else(|e| panic!("{}: {e}", corpus.name));
                assert_eq!(count, corpus.responses, "{} on {}", parser.name(), corpus.name);
            }
        }
    }
}
