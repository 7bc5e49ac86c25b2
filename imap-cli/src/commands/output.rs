//! How results are printed: JSON lines, or text lines and tables.

use imap_core::types::{Address, Data, Fetch, Flag, IString, ListEntry, Response, Status, StatusItem, StatusValue};
use serde::Serialize;
use serde_json::{json, Value};
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
    /// No notes on stderr (`--quiet`).
    pub quiet: bool,
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

    /// A note for the person watching, on stderr (`imap-cli: ...`), unless `--quiet`.
    pub fn note(&self, text: impl Display) {
        if !self.quiet {
            let _ = writeln!(std::io::stderr(), "imap-cli: {text}");
        }
    }

    /// Prints a line that only the text output has (a heading).
    pub fn text(&self, text: impl FnOnce() -> String) {
        if !self.json {
            say(text());
        }
    }
}

/// Flags as IMAP spells them (`\\Seen`, `$Label1`), for JSON.
pub fn flags_json(flags: &[Flag<'_>]) -> Vec<String> {
    flags.iter().map(Flag::to_string).collect()
}

/// A LIST entry for `--json`: attributes as IMAP spells them (`\\Noselect`),
/// the mailbox's decoded name and raw form, the delimiter.
pub fn entry_json(entry: &ListEntry<'_>) -> Value {
    let mut value = serde_json::to_value(entry).expect("typed values serialize");
    value["attributes"] = json!(entry.attributes.iter().map(|a| a.to_string()).collect::<Vec<_>>());
    value
}

/// A message for `--json`: UID, flags as IMAP spells them, dates, size, and
/// the envelope's subject and names both decoded (`subject`, `name`) and as
/// the server sent them (`subject_raw`, `name_raw`).
pub fn message_json(message: &Fetch<'_>) -> Value {
    let raw = |s: Option<&IString<'_>>| serde_json::to_value(s).expect("typed values serialize");
    let addresses = |list: &[Address<'_>]| {
        list.iter()
            .map(|a| {
                json!({
                    "name": a.name_text(), "name_raw": raw(a.name.as_ref()), "email": a.email(),
                    "mailbox": raw(a.mailbox.as_ref()), "host": raw(a.host.as_ref()),
                })
            })
            .collect::<Vec<_>>()
    };
    let mut value = json!({
        "seq": message.seq,
        "uid": message.uid(),
        "flags": message.flags().map(flags_json),
        "internal_date": message.internal_date().map(|d| d.to_string()),
        "size": message.size(),
    });
    if let Some(e) = message.envelope() {
        let fields = json!({
            "date": raw(e.date.as_ref()),
            "date_parsed": e.date_time().map(|d| d.to_string()),
            "subject": e.subject_text(),
            "subject_raw": raw(e.subject.as_ref()),
            "from": addresses(&e.from),
            "sender": addresses(&e.sender),
            "reply_to": addresses(&e.reply_to),
            "to": addresses(&e.to),
            "cc": addresses(&e.cc),
            "bcc": addresses(&e.bcc),
            "in_reply_to": raw(e.in_reply_to.as_ref()),
            "message_id": raw(e.message_id.as_ref()),
        });
        if let (Value::Object(all), Value::Object(more)) = (&mut value, fields) {
            all.extend(more);
        }
    }
    value
}

/// Text for one table cell: line breaks and tabs that decoding let through
/// become spaces, so a subject cannot break the table or the terminal's lines.
fn one_line(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
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

/// A response met while idling, for `--json`: what a client acts on in a
/// shape of its own with flags as IMAP spells them; anything else as the
/// library serializes it.
pub fn response_json(response: &Response<'_>) -> Value {
    match response {
        Response::Data(Data::Exists(n)) => json!({ "exists": n }),
        Response::Data(Data::Expunge(n)) => json!({ "expunge": n }),
        Response::Data(Data::Recent(n)) => json!({ "recent": n }),
        Response::Data(Data::Flags(flags)) => json!({ "flags": flags_json(flags) }),
        Response::Data(Data::Fetch(fetch)) => json!({
            "fetch": { "seq": fetch.seq, "uid": fetch.uid(), "flags": fetch.flags().map(flags_json) },
        }),
        Response::Data(Data::Vanished { earlier, uids }) => {
            json!({ "vanished": uids.to_string(), "earlier": earlier })
        }
        other => serde_json::to_value(other).expect("typed values serialize"),
    }
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
        let subject = envelope.and_then(|e| e.subject_text()).map(|s| one_line(&s));
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
    let name = address.name_text().map(|n| one_line(&n)).filter(|n| !n.is_empty());
    let text = name.or_else(|| address.email()).unwrap_or_default();
    if text.chars().count() > 30 {
        text.chars().take(29).chain(['…']).collect()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::{describe, entry_json, message_json, response_json};

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
        let json = |wire: &[u8]| {
            let frame = imap_core::wire::frames(wire, Default::default()).next().unwrap().unwrap();
            response_json(&imap_core::parse(&frame).unwrap())
        };
        assert_eq!(
            json(b"* 2 FETCH (UID 9 FLAGS (\\Seen $Label1))\r\n"),
            serde_json::json!({ "fetch": { "seq": 2, "uid": 9, "flags": ["\\Seen", "$Label1"] } })
        );
        assert_eq!(
            json(b"* FLAGS (\\Answered \\Deleted)\r\n"),
            serde_json::json!({ "flags": ["\\Answered", "\\Deleted"] })
        );
        assert_eq!(json(b"* 4 EXISTS\r\n"), serde_json::json!({ "exists": 4 }));
        let other = line(b"* CAPABILITY IMAP4rev1 IDLE\r\n");
        assert!(other.starts_with('{') && other.contains("IDLE") && !other.contains("Data("), "{other}");
    }

    #[test]
    fn json_spells_flags_and_attributes_as_imap_does() {
        let frame = |wire: &'static [u8]| imap_core::wire::frames(wire, Default::default()).next().unwrap().unwrap();
        let list = frame(b"* LIST (\\Noselect \\HasChildren) \"/\" \"Entw&APw-rfe\"\r\n");
        let Ok(imap_core::Response::Data(imap_core::types::Data::List(entry))) = imap_core::parse(&list) else {
            panic!()
        };
        let json = entry_json(&entry);
        assert_eq!(json["attributes"], serde_json::json!(["\\Noselect", "\\HasChildren"]));
        assert_eq!(json["mailbox"]["name"], "Entwürfe");

        let fetch = frame(
            b"* 1 FETCH (UID 7 FLAGS (\\Seen $Label1) ENVELOPE (\"Mon, 7 Dec 2026 05:00:00 +0100\" \
              \"=?KOI8-R?B?8NLJ18XU?=\" ((\"=?GBK?B?xOO6ww==?=\" NIL \"li\" \"example.cn\")) NIL NIL NIL NIL NIL NIL NIL))\r\n",
        );
        let Ok(imap_core::Response::Data(imap_core::types::Data::Fetch(message))) = imap_core::parse(&fetch) else {
            panic!()
        };
        let json = message_json(&message);
        assert_eq!(json["uid"], 7);
        assert_eq!(json["flags"], serde_json::json!(["\\Seen", "$Label1"]));
        assert_eq!(json["subject"], "Привет");
        assert_eq!(json["subject_raw"], "=?KOI8-R?B?8NLJ18XU?=");
        assert_eq!(json["date_parsed"], "2026-12-07T05:00:00+01:00");
        assert_eq!(json["from"][0]["name"], "你好");
        assert_eq!(json["from"][0]["name_raw"], "=?GBK?B?xOO6ww==?=");
        assert_eq!(json["from"][0]["email"], "li@example.cn");
    }
}
