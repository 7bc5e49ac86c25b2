//! The backup's layout on disk: where a mailbox goes, how a message file is
//! named, how flags are written, the state file, and writes that are never
//! seen half done.
//!
//! Layout (also in imap-cli/README.md):
//!
//! ```text
//! DIR/INBOX/cur/1700000000.1712345678_42.imapcli:2,RS   one file per message
//! DIR/INBOX/tmp/                                        writes in progress
//! DIR/INBOX/new/                                        (empty; Maildir wants it)
//! DIR/INBOX/imapcli-state.json                          the state file
//! DIR/Projekte/Köln/cur/...                             the hierarchy as nested dirs
//! DIR/INBOX.uidvalidity-1712345678/                     an old copy after UIDVALIDITY changed
//! ```

use imap_core::types::{DateTime, Flag, IntoStatic};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The state file's name inside a mailbox's directory.
pub const STATE_FILE: &str = "imapcli-state.json";
/// How many threads fsync a chunk's files.
const SYNC_THREADS: usize = 16;
/// What every message file name of this tool has before `:2,`.
const NAME_TAG: &str = ".imapcli";

/// Where a mailbox's Maildir keeps the messages expunged on the server since
/// they were backed up (not a Maildir of its own: restore leaves them alone).
pub const EXPUNGED: &str = "expunged";

/// The directory of mailbox `name` below `root`, or why a server-supplied
/// mailbox name gets no directory.
pub fn mailbox_path(root: &Path, name: &str, delimiter: Option<char>) -> Result<PathBuf, String> {
    if name.contains('\0') {
        return Err("the name holds a NUL byte".into());
    }
    let parts: Vec<&str> = match delimiter {
        Some(d) => name.split(d).collect(),
        None => vec![name],
    };
    let mut path = root.to_path_buf();
    for part in parts {
        path.push(encode_component(part)?);
    }
    // Belt and braces: only plain components below root.
    let rel = path.strip_prefix(root).map_err(|_| "outside the backup directory".to_string())?;
    if rel.as_os_str().is_empty() || !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return Err("not a plain relative path".into());
    }
    Ok(path)
}

/// One level of a mailbox name as one directory name. `..`, `.` and empty
/// levels (a leading delimiter: an absolute name) are refused; `%` and `/`
/// (possible when the delimiter is not `/`) are percent-encoded, and so is the
/// first letter of a level named `cur`, `new`, `tmp` or `expunged`, which
/// would collide with the Maildir's own directories.
fn encode_component(part: &str) -> Result<String, String> {
    if part.is_empty() {
        return Err("an empty level (absolute name or doubled delimiter)".into());
    }
    if part == "." || part == ".." {
        return Err(format!("a level named {part:?}"));
    }
    let mut out = String::with_capacity(part.len());
    for (i, c) in part.chars().enumerate() {
        match c {
            '%' => out.push_str("%25"),
            '/' => out.push_str("%2F"),
            '\\' => out.push_str("%5C"),
            c if c.is_control() => out.push_str(&format!("%{:02X}", c as u32)),
            c if i == 0 && matches!(part, "cur" | "new" | "tmp" | EXPUNGED) => {
                out.push_str(&format!("%{:02X}", c as u32))
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

/// The Maildir letters of a message's flags (ASCII order) and the keywords
/// that have no letter. `\Recent` is neither.
pub fn split_flags(flags: &[Flag<'_>]) -> (String, Vec<String>) {
    let mut letters = Vec::new();
    let mut keywords = Vec::new();
    for flag in flags {
        match flag {
            Flag::Draft => letters.push('D'),
            Flag::Flagged => letters.push('F'),
            Flag::Keyword(k) if k.eq_ignore_ascii_case("$Forwarded") => letters.push('P'),
            Flag::Answered => letters.push('R'),
            Flag::Seen => letters.push('S'),
            Flag::Deleted => letters.push('T'),
            Flag::Recent | Flag::MayCreate => {}
            other => keywords.push(other.to_string()),
        }
    }
    letters.sort_unstable();
    letters.dedup();
    keywords.sort();
    keywords.dedup();
    (letters.into_iter().collect(), keywords)
}

/// The IMAP flags of Maildir letters and kept keywords.
pub fn join_flags(letters: &str, keywords: &[String]) -> Vec<Flag<'static>> {
    let mut flags: Vec<Flag<'static>> = letters
        .chars()
        .filter_map(|c| match c {
            'D' => Some(Flag::Draft),
            'F' => Some(Flag::Flagged),
            'P' => Some(Flag::Keyword("$Forwarded".into())),
            'R' => Some(Flag::Answered),
            'S' => Some(Flag::Seen),
            'T' => Some(Flag::Deleted),
            _ => None,
        })
        .collect();
    flags.extend(keywords.iter().map(|k| Flag::from_token(k).into_static()));
    flags
}

/// `<internaldate-epoch>.<uidvalidity>_<uid>.imapcli`: unique and stable.
pub fn base_name(epoch: i64, uid_validity: u32, uid: u32) -> String {
    format!("{epoch}.{uid_validity}_{uid}{NAME_TAG}")
}

/// The whole file name: base, `:2,` and the letters.
pub fn file_name(base: &str, letters: &str) -> String {
    format!("{base}:2,{letters}")
}

/// The UIDVALIDITY and UID in a file name of this tool, and its letters.
pub fn parse_file_name(name: &str) -> Option<(u32, u32, &str)> {
    let (base, letters) = name.split_once(":2,")?;
    let base = base.strip_suffix(NAME_TAG)?;
    let (_, ids) = base.split_once('.')?;
    let (uv, uid) = ids.split_once('_')?;
    Some((uv.parse().ok()?, uid.parse().ok()?, letters))
}

/// INTERNALDATE as IMAP writes it: `17-Jul-1996 02:44:25 -0700`.
pub fn imap_date(d: &DateTime) -> String {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let sign = if d.offset_minutes < 0 { '-' } else { '+' };
    let off = d.offset_minutes.unsigned_abs();
    format!(
        "{:02}-{}-{:04} {:02}:{:02}:{:02} {sign}{:02}{:02}",
        d.day,
        MONTHS[(d.month.clamp(1, 12) - 1) as usize],
        d.year,
        d.hour,
        d.minute,
        d.second,
        off / 60,
        off % 60
    )
}

/// One message of the state file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The file name in `cur/`.
    pub file: String,
    /// The Maildir letters (also in the file name).
    pub flags: String,
    /// Flags without a Maildir letter (`$Label1`, `Junk`, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    /// INTERNALDATE as IMAP writes it, with its zone.
    pub internal_date: String,
    /// RFC822.SIZE: the file's size.
    pub size: u64,
}

/// A mailbox's state file (`imapcli-state.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// Format version (1).
    pub version: u32,
    /// The mailbox name, decoded (what `restore` creates).
    pub mailbox: String,
    /// The hierarchy delimiter the server gave.
    pub delimiter: Option<char>,
    /// UIDVALIDITY of the copy.
    pub uid_validity: u32,
    /// Every UID up to this one has been fetched (or was gone).
    pub last_uid: u32,
    /// UIDNEXT at the last complete run.
    #[serde(default)]
    pub uid_next: Option<u32>,
    /// HIGHESTMODSEQ at the last complete run (CONDSTORE servers only).
    #[serde(default)]
    pub highest_modseq: Option<u64>,
    /// Set on an old copy put aside after UIDVALIDITY changed: restore skips it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retired: bool,
    /// UID -> message.
    pub messages: BTreeMap<u32, Entry>,
}

impl State {
    /// A fresh state.
    pub fn new(mailbox: &str, delimiter: Option<char>, uid_validity: u32) -> State {
        State {
            version: 1,
            mailbox: mailbox.to_owned(),
            delimiter,
            uid_validity,
            last_uid: 0,
            uid_next: None,
            highest_modseq: None,
            retired: false,
            messages: BTreeMap::new(),
        }
    }

    /// Reads `dir`'s state file, if there is one.
    pub fn load(dir: &Path) -> io::Result<Option<State>> {
        match fs::read(dir.join(STATE_FILE)) {
            Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
                io::Error::new(io::ErrorKind::InvalidData, format!("{}: {e}", dir.join(STATE_FILE).display()))
            }),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Writes the state file atomically (tmp/, fsync, rename, fsync dir).
    pub fn save(&self, maildir: &Maildir) -> io::Result<()> {
        let bytes = serde_json::to_vec_pretty(self).map_err(io::Error::other)?;
        maildir.write_atomic(STATE_FILE, &maildir.dir.join(STATE_FILE), &bytes, None)
    }
}

/// A Maildir of the backup.
#[derive(Debug, Clone)]
pub struct Maildir {
    /// Its directory (holding `cur/`, `new/`, `tmp/` and the state file).
    pub dir: PathBuf,
}

impl Maildir {
    /// Creates `cur/`, `new/`, `tmp/` as needed and empties `tmp/` (what an
    /// interrupted run left there was never renamed into `cur/`).
    pub fn open(dir: PathBuf) -> io::Result<Maildir> {
        for sub in ["cur", "new", "tmp"] {
            fs::create_dir_all(dir.join(sub))?;
        }
        for entry in fs::read_dir(dir.join("tmp"))? {
            let entry = entry?;
            if entry.file_type()?.is_file() {
                fs::remove_file(entry.path())?;
            }
        }
        Ok(Maildir { dir })
    }

    /// The files of this tool in `cur/` for `uid_validity`: UID -> file name.
    pub fn index(&self, uid_validity: u32) -> io::Result<HashMap<u32, String>> {
        let mut out = HashMap::new();
        for entry in fs::read_dir(self.dir.join("cur"))? {
            let name = entry?.file_name();
            let Some(name) = name.to_str() else { continue };
            if let Some((uv, uid, _)) = parse_file_name(name) {
                if uv == uid_validity {
                    out.insert(uid, name.to_owned());
                }
            }
        }
        Ok(out)
    }

    /// Writes `bytes` to `tmp/<name>`, fsyncs, sets the mtime, and renames
    /// it to `target`: a reader sees the whole file or none.
    pub fn write_atomic(&self, name: &str, target: &Path, bytes: &[u8], mtime: Option<SystemTime>) -> io::Result<()> {
        let tmp = self.dir.join("tmp").join(name);
        let mut file = File::create(&tmp)?;
        file.write_all(bytes)?;
        if let Some(mtime) = mtime {
            file.set_modified(mtime)?;
        }
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, target)?;
        if let Some(parent) = target.parent() {
            sync_dir(parent)?;
        }
        Ok(())
    }

    /// Writes a message to `tmp/<file>` with its mtime, not yet fsynced: a
    /// chunk's files are staged first, then [`Maildir::commit`]ted together
    /// (the first fsync commits the file system's journal for all of them,
    /// which makes the others cheap).
    pub fn stage(&self, file: &str, bytes: &[u8], epoch: i64) -> io::Result<()> {
        let tmp = self.dir.join("tmp").join(file);
        let mut out = File::create(&tmp)?;
        out.write_all(bytes)?;
        let mtime = if epoch >= 0 {
            UNIX_EPOCH + Duration::from_secs(epoch as u64)
        } else {
            UNIX_EPOCH - Duration::from_secs(epoch.unsigned_abs())
        };
        out.set_modified(mtime)
    }

    /// fsyncs every staged file, then renames each from `tmp/` into `cur/`
    /// and fsyncs `cur/`: no file is ever in `cur/` before its bytes are on disk.
    pub fn commit(&self, staged: &[String]) -> io::Result<()> {
        // fsyncs in parallel: the file system commits its journal for
        // several at once (one at a time, each waits for its own commit).
        let threads = staged.len().clamp(1, SYNC_THREADS);
        let per = staged.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let handles: Vec<_> = staged
                .chunks(per.max(1))
                .map(|names| {
                    scope.spawn(move || {
                        names.iter().try_for_each(|name| File::open(self.dir.join("tmp").join(name))?.sync_all())
                    })
                })
                .collect();
            handles.into_iter().try_for_each(|h| h.join().unwrap_or_else(|_| Err(io::Error::other("fsync panicked"))))
        })?;
        for name in staged {
            fs::rename(self.dir.join("tmp").join(name), self.dir.join("cur").join(name))?;
        }
        self.sync()
    }

    /// Renames a message in `cur/` (its flags changed).
    pub fn rename(&self, from: &str, to: &str) -> io::Result<()> {
        if from == to {
            return Ok(());
        }
        fs::rename(self.dir.join("cur").join(from), self.dir.join("cur").join(to))
    }

    /// Moves a file of `cur/` to `expunged/` (the message is gone from the
    /// server; the backup keeps it aside), if there.
    pub fn set_aside(&self, file: &str) -> io::Result<()> {
        let aside = self.dir.join(EXPUNGED);
        fs::create_dir_all(&aside)?;
        match fs::rename(self.dir.join("cur").join(file), aside.join(file)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Removes a file of `cur/`, if there.
    pub fn remove(&self, file: &str) -> io::Result<()> {
        match fs::remove_file(self.dir.join("cur").join(file)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// fsyncs `cur/`: the renames into it are durable.
    pub fn sync(&self) -> io::Result<()> {
        sync_dir(&self.dir.join("cur"))
    }
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Every mailbox copy under `root`: (directory, state), sorted by mailbox name.
pub fn discover(root: &Path) -> io::Result<Vec<(PathBuf, State)>> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        if let Some(state) = State::load(&dir)? {
            out.push((dir.clone(), state));
        }
        for entry in fs::read_dir(&dir)? {
            let entry = entry?;
            let name = entry.file_name();
            if entry.file_type()?.is_dir() && !matches!(name.to_str(), Some("cur" | "new" | "tmp" | EXPUNGED)) {
                stack.push(entry.path());
            }
        }
    }
    out.sort_by(|a, b| a.1.mailbox.cmp(&b.1.mailbox).then(a.0.cmp(&b.0)));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_stay_below_the_root() {
        let root = Path::new("/backup");
        assert_eq!(mailbox_path(root, "INBOX", Some('/')).unwrap(), Path::new("/backup/INBOX"));
        assert_eq!(mailbox_path(root, "Projekte/Köln", Some('/')).unwrap(), Path::new("/backup/Projekte/Köln"));
        // A mailbox named like the directory of expunged messages.
        assert_eq!(mailbox_path(root, "a/expunged", Some('/')).unwrap(), Path::new("/backup/a/%65xpunged"));
        for bad in ["../evil", "a/../../evil", "/etc", "a//b", "..", ".", "a/.", "x\0y", ""] {
            assert!(mailbox_path(root, bad, Some('/')).is_err(), "{bad:?}");
        }
        // With `.` as the delimiter, `/` is data, not a directory.
        assert_eq!(mailbox_path(root, "a/b.c", Some('.')).unwrap(), Path::new("/backup/a%2Fb/c"));
        assert!(mailbox_path(root, "a..b", Some('.')).is_err());
        assert_eq!(mailbox_path(root, "../x", None).unwrap(), Path::new("/backup/..%2Fx"));
        assert_eq!(mailbox_path(root, "cur/new", Some('/')).unwrap(), Path::new("/backup/%63ur/%6Eew"));
        assert_eq!(mailbox_path(root, "100%", Some('/')).unwrap(), Path::new("/backup/100%25"));
    }

    #[test]
    fn flags_to_letters_and_back() {
        let flags = [
            Flag::Seen,
            Flag::Deleted,
            Flag::Answered,
            Flag::Keyword("$Forwarded".into()),
            Flag::Flagged,
            Flag::Draft,
            Flag::Recent,
            Flag::Keyword("$Label1".into()),
        ];
        let (letters, keywords) = split_flags(&flags);
        assert_eq!(letters, "DFPRST");
        assert_eq!(keywords, vec!["$Label1".to_string()]);
        let back = join_flags(&letters, &keywords);
        assert_eq!(back.len(), 7);
        assert!(back.contains(&Flag::Keyword("$Label1".into())));
    }

    #[test]
    fn file_names_round_trip() {
        let name = file_name(&base_name(1_700_000_000, 77, 42), "RS");
        assert_eq!(name, "1700000000.77_42.imapcli:2,RS");
        assert_eq!(parse_file_name(&name), Some((77, 42, "RS")));
        assert_eq!(parse_file_name("1700000000.M1P2.host:2,S"), None);
    }

    #[test]
    fn dates_as_imap_writes_them() {
        let d = DateTime::parse("7-Jul-1996 02:44:25 -0730").unwrap();
        assert_eq!(imap_date(&d), "07-Jul-1996 02:44:25 -0730");
        assert_eq!(DateTime::parse(&imap_date(&d)).unwrap(), d);
    }
}
