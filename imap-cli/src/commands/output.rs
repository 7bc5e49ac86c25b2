//! How results are printed: JSON lines, or text lines and tables.

use imap_core::types::{Address, Data, Fetch, ListEntry, Response, Status, StatusItem, StatusValue};
use serde::Serialize;
use std::fmt::Display;
use std::io::Write;

/// Prints one line on stdout. `println!` would panic when stdout is gone (a
/// closed pipe: `imap-cli list | head -1`); this ends the program as `parse`
/// does on any output error: the error on stderr, exit status 2.
pub fn say(line: impl Display) {
    if let Err(e) = writeln!(std::io::stdout().lock(), "{line}") {
        let _ = writeln!(std::io::stderr(), "imap-cli: cannot write the output: {e}");
        std::process::exit(i32::from(crate::failure::USAGE));
    }
}

/// Prints values as JSON lines or as text.
pub struct Out {
    /// JSON lines instead of text.
    pub json: bool,
}

impl Out {
    /// Prints `value` as one JSON line, or the text `text` makes.
    pub fn print<T: Serialize + ?Sized>(&self, value: &T, text: impl FnOnce() -> String) {
        if self.json {
            say(serde_json::to_string(value).expect("typed values serialize"));
        } else {
            say(text());
        }
    }

    /// Prints a line that only the text output has (a heading).
    pub fn text(&self, text: impl FnOnce() -> String) {
        if !self.json {
            say(text());
        }
    }
}

/// A LIST entry as Python's IMAPClient example prints it:
/// `'%-30s%s %s' % (' '.join(flags), delimiter, folder_name)`.
pub fn list_line(entry: &ListEntry<'_>) -> String {
    let attrs: Vec<String> = entry.attributes.iter().map(|a| a.to_string()).collect();
    let delimiter = entry.delimiter.map_or("NIL".to_owned(), String::from);
    format!("{:<30}{} {}", attrs.join(" "), delimiter, entry.mailbox.name())
}

/// `INBOX: messages=5 recent=0 unseen=3 uidnext=6 uidvalidity=1700000000`.
pub fn status_line(mailbox: &str, items: &[StatusItem<'_>]) -> String {
    let items: Vec<String> = items
        .iter()
        .map(|i| {
            let name = i.att.as_str().to_ascii_lowercase();
            let value = match &i.value {
                StatusValue::Number(n) => n.to_string(),
                StatusValue::Nil => "NIL".to_owned(),
                StatusValue::ObjectId(id) => id.to_string(),
                StatusValue::Other(v) => format!("{v:?}"),
                StatusValue::Malformed(m) => format!("(unreadable: {})", m.raw),
                other => format!("{other:?}"),
            };
            format!("{name}={value}")
        })
        .collect();
    format!("{mailbox}: {}", items.join(" "))
}

/// A response met while idling, in a line a person reads.
pub fn describe(response: &Response<'_>) -> String {
    match response {
        Response::Data(Data::Exists(n)) => format!("* {n} EXISTS"),
        Response::Data(Data::Expunge(n)) => format!("* {n} EXPUNGE"),
        Response::Data(Data::Recent(n)) => format!("* {n} RECENT"),
        Response::Data(Data::Fetch(fetch)) => {
            let mut line = format!("* {} FETCH", fetch.seq);
            if let Some(uid) = fetch.uid() {
                line += &format!(" UID {uid}");
            }
            if let Some(flags) = fetch.flags() {
                line += &format!(" FLAGS ({})", flag_words(flags));
            }
            line
        }
        Response::Data(Data::Condition(c)) => {
            let word = match c.status {
                Status::Ok => "OK",
                Status::No => "NO",
                Status::Bad => "BAD",
                Status::PreAuth => "PREAUTH",
                Status::Bye => "BYE",
            };
            match &c.code {
                Some(code) => format!("* {word} [{code}] {}", c.text),
                None => format!("* {word} {}", c.text),
            }
        }
        Response::Data(Data::Flags(flags)) => format!("* FLAGS ({})", flag_words(flags)),
        Response::Data(Data::Vanished { earlier: true, uids }) => format!("* VANISHED (EARLIER) {uids}"),
        Response::Data(Data::Vanished { earlier: false, uids }) => format!("* VANISHED {uids}"),
        // Anything else the server may say unasked: its JSON form, which
        // names every field (a Rust debug dump is not for users).
        other => serde_json::to_string(other).expect("typed values serialize"),
    }
}

fn flag_words(flags: &[imap_core::types::Flag<'_>]) -> String {
    flags.iter().map(|f| f.to_string()).collect::<Vec<_>>().join(" ")
}

/// Messages as an aligned table: UID, date, size, flags, from, subject.
pub fn table(messages: &[Fetch<'_>]) -> String {
    let mut rows = vec![["UID", "DATE", "SIZE", "FLAGS", "FROM", "SUBJECT"].map(String::from)];
    rows.extend(messages.iter().map(|message| {
        let envelope = message.envelope();
        let from = envelope.and_then(|e| e.from.first()).map(sender).unwrap_or_default();
        let subject = envelope.and_then(|e| e.subject.as_ref()).map(|s| decode_words(&s.to_str_lossy()));
        let flags: Vec<String> = message.flags().unwrap_or_default().iter().map(|f| f.to_string()).collect();
        let date = message.internal_date().map(|d| {
            let sign = if d.offset_minutes < 0 { '-' } else { '+' };
            let offset = d.offset_minutes.unsigned_abs();
            format!(
                "{:04}-{:02}-{:02} {:02}:{:02} {sign}{:02}{:02}",
                d.year,
                d.month,
                d.day,
                d.hour,
                d.minute,
                offset / 60,
                offset % 60
            )
        });
        [
            message.uid().map(|u| u.to_string()).unwrap_or_default(),
            date.unwrap_or_default(),
            message.size().map(|s| s.to_string()).unwrap_or_default(),
            flags.join(" "),
            from,
            subject.unwrap_or_default(),
        ]
    }));
    let width = |column: usize| rows.iter().map(|r| r[column].chars().count()).max().unwrap_or(0);
    let widths: Vec<usize> = (0..6).map(width).collect();
    let lines: Vec<String> = rows
        .iter()
        .map(|row| {
            let line = format!(
                "{:>w0$}  {:<w1$}  {:>w2$}  {:<w3$}  {:<w4$}  {}",
                row[0],
                row[1],
                row[2],
                row[3],
                row[4],
                row[5],
                w0 = widths[0],
                w1 = widths[1],
                w2 = widths[2],
                w3 = widths[3],
                w4 = widths[4],
            );
            line.trim_end().to_owned()
        })
        .collect();
    lines.join("\n")
}

/// The From column: the display name, else the address; at most 30 characters.
fn sender(address: &Address<'_>) -> String {
    let name = address.name.as_ref().map(|n| decode_words(&n.to_str_lossy())).filter(|n| !n.is_empty());
    let text = name.or_else(|| address.email()).unwrap_or_default();
    if text.chars().count() > 30 {
        text.chars().take(29).chain(['…']).collect()
    } else {
        text
    }
}

/// Decodes RFC 2047 encoded words (`=?utf-8?q?...?=`) in UTF-8, US-ASCII
/// and ISO-8859-1; words in other charsets, or malformed, stay as they are.
/// White space between two encoded words is dropped, as the RFC says.
pub fn decode_words(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    let mut after_word = false;
    while let Some(start) = rest.find("=?") {
        let decoded = rest[start..].split_once("?=").and_then(|(word, _)| {
            let word_end = start + word.len() + 2;
            decode_word(&word[2..]).map(|d| (d, word_end))
        });
        match decoded {
            Some((word, end)) => {
                let gap = &rest[..start];
                if !(after_word && gap.chars().all(char::is_whitespace)) {
                    out.push_str(gap);
                }
                out.push_str(&word);
                rest = &rest[end..];
                after_word = true;
            }
            None => {
                out.push_str(&rest[..start + 2]);
                rest = &rest[start + 2..];
                after_word = false;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `charset?encoding?text` (without `=?` and `?=`) decoded.
fn decode_word(word: &str) -> Option<String> {
    let mut parts = word.splitn(3, '?');
    let (charset, encoding, text) = (parts.next()?, parts.next()?, parts.next()?);
    let charset = charset.split('*').next()?.to_ascii_lowercase(); // RFC 2231 language suffix
    let bytes = match encoding {
        "q" | "Q" => quoted_printable(text)?,
        "b" | "B" => base64(text)?,
        _ => return None,
    };
    match charset.as_str() {
        "utf-8" | "us-ascii" => String::from_utf8(bytes).ok(),
        "iso-8859-1" | "latin1" => Some(bytes.iter().map(|&b| char::from(b)).collect()),
        _ => None,
    }
}

fn quoted_printable(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut bytes = text.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'_' => out.push(b' '),
            b'=' => {
                let hex = [bytes.next()?, bytes.next()?];
                out.push(u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?);
            }
            _ => out.push(b),
        }
    }
    Some(out)
}

fn base64(text: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    // Encoded words may drop the padding.
    base64::engine::general_purpose::STANDARD_NO_PAD.decode(text.trim_end_matches('=')).ok()
}

#[cfg(test)]
mod tests {
    use super::{decode_words, describe};

    /// What IDLE prints for the responses Cyrus sent when another client
    /// changed flags: no Rust debug dumps, and the response code kept.
    #[test]
    fn unsolicited_responses_print_as_imap_lines() {
        let line = |wire: &[u8]| {
            let frame = imap_core::wire::frames(wire, Default::default()).next().unwrap().unwrap();
            describe(&imap_core::parse(&frame).unwrap())
        };
        assert_eq!(line(b"* FLAGS (\\Answered \\Seen $Proxy1)\r\n"), "* FLAGS (\\Answered \\Seen $Proxy1)");
        assert_eq!(line(b"* OK [PERMANENTFLAGS ()] Ok\r\n"), "* OK [PERMANENTFLAGS ()] Ok");
        assert_eq!(line(b"* VANISHED 3:5\r\n"), "* VANISHED 3:5");
        assert_eq!(line(b"* 2 FETCH (UID 9 FLAGS (\\Seen))\r\n"), "* 2 FETCH UID 9 FLAGS (\\Seen)");
        let other = line(b"* CAPABILITY IMAP4rev1 IDLE\r\n");
        assert!(other.starts_with('{') && other.contains("IDLE") && !other.contains("Data("), "{other}");
    }

    #[test]
    fn encoded_words_decode() {
        assert_eq!(decode_words("=?utf-8?q?Zo=C3=AB_=C3=9Cn=C3=AFcode?="), "Zoë Ünïcode");
        assert_eq!(decode_words("=?UTF-8?B?R3LDvMOfZQ==?= =?utf-8?b?IGF1cw==?= x"), "Grüße aus x");
        assert_eq!(decode_words("=?iso-8859-1?q?K=F6ln?="), "Köln");
        assert_eq!(decode_words("plain =? text"), "plain =? text");
        assert_eq!(decode_words("=?koi8-r?q?x?= y"), "=?koi8-r?q?x?= y");
    }
}
