//! `restore`: APPENDs a backup's messages with their flags and internal
//! dates, skipping those the mailbox already holds (same Message-ID and
//! size), so that running it twice appends nothing the second time.

use super::maildir::{self, Entry, State};
use super::progress::Progress;
use crate::failure::Failure;
use imap_core::client::Client;
use imap_core::command::{AppendMessage, FetchAttr, Section};
use imap_core::types::DateTime;
use serde_json::json;
use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Most messages in one APPEND (MULTIAPPEND) or pipelined batch.
const BATCH_MESSAGES: usize = 100;
/// Most bytes in one batch.
const BATCH_BYTES: usize = 8 << 20;

/// What a restore did, over all mailboxes.
#[derive(Debug, Default)]
pub struct Restored {
    /// Messages appended.
    pub appended: u64,
    /// Messages skipped: already there.
    pub present: u64,
    /// Messages in the state whose file is gone.
    pub missing: u64,
}

/// Restores the mailboxes under `from` (only `only`, when not empty).
pub fn run(client: &mut Client, from: &Path, only: &[String], progress: &Progress) -> Result<Restored, Failure> {
    if !from.is_dir() {
        return Err(Failure::Usage(format!("{}: not a directory", from.display())));
    }
    let copies = maildir::discover(from).map_err(|e| Failure::Usage(format!("{}: {e}", from.display())))?;
    let copies: Vec<_> = copies
        .into_iter()
        .filter(|(_, s)| !s.retired)
        .filter(|(_, s)| only.is_empty() || only.iter().any(|m| same_mailbox(m, &s.mailbox)))
        .collect();
    for wanted in only {
        if !copies.iter().any(|(_, s)| same_mailbox(wanted, &s.mailbox)) {
            return Err(Failure::Usage(format!("no backup of mailbox {wanted:?} in {}", from.display())));
        }
    }
    let binary = client.has_capability("BINARY")?;
    let hierarchy = Hierarchy::of(client)?;
    let mut total = Restored::default();
    // A mailbox that fails does not stop the others; the first failure is
    // the command's, once all were tried.
    let mut first_failure = None;
    for (dir, state) in copies {
        let restored = hierarchy
            .name_of(&state.mailbox, state.delimiter)
            .map_err(|why| Failure::Usage(format!("mailbox {:?}: {why}", state.mailbox)))
            .and_then(|name| restore_mailbox(client, &dir, &state, &name, binary, progress, &mut total));
        if let Err(failure) = restored {
            progress.note(&format!("{}: not restored: {failure}", state.mailbox));
            progress.event(json!({"event": "failed", "mailbox": state.mailbox, "error": failure.to_string()}));
            first_failure.get_or_insert(failure);
        }
    }
    match first_failure {
        Some(failure) => Err(failure),
        None => Ok(total),
    }
}

/// How the server being restored to names mailboxes: its hierarchy delimiter and
/// the prefix of its personal namespace (`/` and nothing on Dovecot, `.` and
/// `INBOX.` on Courier). A backup keeps the names of the server it came from.
struct Hierarchy {
    /// `None` when the server did not tell: names are then kept as they are.
    delimiter: Option<char>,
    prefix: String,
}

impl Hierarchy {
    fn of(client: &mut Client) -> Result<Hierarchy, Failure> {
        // LIST "" "" answers with the delimiter (RFC 3501 section 6.3.8);
        // NAMESPACE with the personal prefix, and the delimiter again.
        let mut delimiter = client.list_folders("", "")?.first().and_then(|e| e.delimiter);
        let mut prefix = String::new();
        if client.has_capability("NAMESPACE")? {
            if let Some(personal) = client.namespace()?.personal.first() {
                prefix = personal.prefix_text();
                delimiter = delimiter.or(personal.delimiter);
            }
        }
        Ok(Hierarchy { delimiter, prefix })
    }

    /// The name here of the mailbox backed up as `name`, whose levels were
    /// separated by `delimiter` on its server: the same levels, joined with
    /// this server's delimiter, under its personal prefix.
    fn name_of(&self, name: &str, delimiter: Option<char>) -> Result<String, String> {
        if same_mailbox(name, "INBOX") {
            return Ok("INBOX".to_owned());
        }
        let levels: Vec<&str> = match delimiter {
            Some(d) => name.split(d).collect(),
            None => vec![name],
        };
        let joined = match self.delimiter {
            Some(here) if levels.iter().any(|l| l.contains(here)) => {
                return Err(format!("a level of the name holds this server's hierarchy delimiter {here:?}"));
            }
            Some(here) => levels.join(here.encode_utf8(&mut [0; 4])),
            None => name.to_owned(),
        };
        let prefixed = joined.get(..self.prefix.len()).is_some_and(|p| p.eq_ignore_ascii_case(&self.prefix));
        Ok(if prefixed { joined } else { format!("{}{joined}", self.prefix) })
    }
}

fn same_mailbox(a: &str, b: &str) -> bool {
    a == b || (a.eq_ignore_ascii_case("INBOX") && b.eq_ignore_ascii_case("INBOX"))
}

/// Restores one mailbox's backup (`state`, in `dir`) into the mailbox `name`.
fn restore_mailbox(
    client: &mut Client,
    dir: &Path,
    state: &State,
    name: &str,
    binary: bool,
    progress: &Progress,
    total: &mut Restored,
) -> Result<(), Failure> {
    if !client.list_folders("", name)?.iter().any(|e| same_mailbox(e.mailbox.name(), name)) {
        client.create_folder(name)?;
        progress.note(&format!("created mailbox {name}"));
        progress.event(json!({"event": "created", "mailbox": name, "backed_up_as": state.mailbox}));
    }
    let present = present_messages(client, name)?;
    let mut present = present;
    // What to append: the messages not there yet, in UID order.
    let mut todo: Vec<(PathBuf, &Entry)> = Vec::new();
    let (mut skipped, mut missing) = (0u64, 0u64);
    let files = files_by_base(dir);
    for entry in state.messages.values() {
        let Some(path) = locate(dir, entry, &files) else {
            missing += 1;
            continue;
        };
        let size = fs::metadata(&path).map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))?.len();
        let key = (message_id(&read_header(&path)?), size);
        match present.get_mut(&key) {
            Some(n) if *n > 0 => {
                *n -= 1;
                skipped += 1;
            }
            _ => todo.push((path, entry)),
        }
    }
    let bytes: u64 = todo.iter().map(|(_, e)| e.size).sum();
    let mut bar = progress.mailbox("restore", "", name, todo.len() as u64, bytes);
    let mut batch: Vec<AppendMessage> = Vec::new();
    let mut batch_bytes = 0usize;
    let mut appended = 0u64;
    for (i, (path, entry)) in todo.iter().enumerate() {
        let data = fs::read(path).map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))?;
        let letters = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.split_once(":2,"))
            .map_or(entry.flags.as_str(), |(_, l)| l);
        let message = AppendMessage {
            flags: maildir::join_flags(letters, &entry.keywords),
            date: DateTime::parse(&entry.internal_date).ok(),
            binary: binary && data.contains(&0),
            // As before APPEND UTF8 existed: the bytes go as they are.
            utf8: false,
            data,
        };
        batch_bytes += message.data.len();
        batch.push(message);
        if batch.len() >= BATCH_MESSAGES || batch_bytes >= BATCH_BYTES || i + 1 == todo.len() {
            let (n, b) = (batch.len() as u64, batch_bytes as u64);
            client.append_many(name, std::mem::take(&mut batch))?;
            appended += n;
            bar.advance(n, b);
            batch_bytes = 0;
        }
    }
    bar.finish(
        json!({"appended": appended, "already_present": skipped, "missing_files": missing}),
        format!("{name}: {appended} appended, {skipped} already there, {missing} missing files"),
    );
    total.appended += appended;
    total.present += skipped;
    total.missing += missing;
    Ok(())
}

/// (Message-ID, RFC822.SIZE) -> how many such messages `mailbox` holds.
fn present_messages(client: &mut Client, mailbox: &str) -> Result<HashMap<(String, u64), usize>, Failure> {
    let mut present = HashMap::new();
    let selected = client.select_folder(mailbox, true)?;
    if selected.exists > 0 {
        let items =
            vec![FetchAttr::Uid, FetchAttr::Rfc822Size, FetchAttr::peek(Section::header_fields(["MESSAGE-ID"]))];
        client.fetch_each(1.., items, |fetch| {
            let header = fetch.items.iter().find_map(|i| match i {
                imap_core::types::FetchItem::BodySection { data, .. } => {
                    Some(data.as_ref().map_or(&[][..], |d| d.as_bytes()))
                }
                _ => None,
            });
            let key = (message_id(header.unwrap_or(&[])), u64::from(fetch.size().unwrap_or(0)));
            *present.entry(key).or_insert(0) += 1;
        })?;
    }
    client.unselect_folder().or_else(|_| client.close_folder())?;
    Ok(present)
}

/// The header of a message file (up to the first empty line).
fn read_header(path: &Path) -> Result<Vec<u8>, Failure> {
    use std::io::{BufRead, BufReader};
    let file = fs::File::open(path).map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))?;
    let mut reader = BufReader::new(file);
    let mut header = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line).map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))?;
        if n == 0 || line == b"\r\n" || line == b"\n" {
            return Ok(header);
        }
        header.extend_from_slice(&line);
    }
}

/// The Message-ID field of a header, unfolded and trimmed; empty when none.
pub fn message_id(header: &[u8]) -> String {
    let text = String::from_utf8_lossy(header);
    let mut value: Option<String> = None;
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if let Some(v) = value.as_mut() {
            if line.starts_with([' ', '\t']) {
                v.push(' ');
                v.push_str(line.trim());
                continue;
            }
            break;
        }
        if let Some((name, rest)) = line.split_once(':') {
            if name.trim_end().eq_ignore_ascii_case("Message-ID") {
                value = Some(rest.trim().to_owned());
            }
        }
    }
    value.map(|v| v.split_whitespace().collect::<Vec<_>>().join(" ")).unwrap_or_default()
}

/// This tool's files in `cur/` and `new/` by base name (without `:2,...`):
/// a mail reader may have renamed a file since (other flags).
fn files_by_base(dir: &Path) -> HashMap<String, PathBuf> {
    let mut out = HashMap::new();
    for sub in ["new", "cur"] {
        let Ok(entries) = fs::read_dir(dir.join(sub)) else { continue };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let base = name.split_once(":2,").map_or(name.as_str(), |(b, _)| b).to_owned();
            out.insert(base, entry.path());
        }
    }
    out
}

fn locate(dir: &Path, entry: &Entry, files: &HashMap<String, PathBuf>) -> Option<PathBuf> {
    let exact = dir.join("cur").join(&entry.file);
    if exact.is_file() {
        return Some(exact);
    }
    let base = entry.file.split_once(":2,").map_or(entry.file.as_str(), |(b, _)| b);
    files.get(base).cloned()
}

#[cfg(test)]
mod tests {
    use super::{message_id, Hierarchy};

    #[test]
    fn names_follow_the_target_hierarchy() {
        let courier = Hierarchy { delimiter: Some('.'), prefix: "INBOX.".into() };
        assert_eq!(courier.name_of("Archive/2024", Some('/')).unwrap(), "INBOX.Archive.2024");
        assert_eq!(courier.name_of("inbox", Some('/')).unwrap(), "INBOX");
        assert_eq!(courier.name_of("INBOX/Sub", Some('/')).unwrap(), "INBOX.Sub", "already under the prefix");
        assert_eq!(courier.name_of("inbox.x", Some('.')).unwrap(), "inbox.x", "the prefix in another case");
        assert!(courier.name_of("v1.2/notes", Some('/')).is_err(), "a level with the delimiter");
        let dovecot = Hierarchy { delimiter: Some('/'), prefix: String::new() };
        assert_eq!(dovecot.name_of("INBOX.Archive.2024", Some('.')).unwrap(), "INBOX/Archive/2024");
        assert_eq!(dovecot.name_of("Flat", None).unwrap(), "Flat");
        let unknown = Hierarchy { delimiter: None, prefix: String::new() };
        assert_eq!(unknown.name_of("a/b", Some('/')).unwrap(), "a/b", "kept as it is");
    }

    #[test]
    fn message_ids_unfolded() {
        assert_eq!(message_id(b"Subject: x\r\nMessage-ID: <a@b>\r\n\r\n"), "<a@b>");
        assert_eq!(message_id(b"message-id:\r\n  <a@b>\r\nX: y\r\n"), "<a@b>");
        assert_eq!(message_id(b"Subject: x\r\n"), "");
    }
}
