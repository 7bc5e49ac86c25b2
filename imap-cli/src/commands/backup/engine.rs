//! The backup of one account as a sans-IO state machine: it says which
//! commands to send ([`Engine::poll_commands`]) and is told how each ended
//! ([`Engine::on_complete`]). The blocking `Client` drives one engine; the
//! `Sessions` reactor drives one per account, all on one thread.
//!
//! Per mailbox: EXAMINE (with CONDSTORE when offered), then the flag changes
//! of the messages already copied (`UID FETCH 1:<last> (UID FLAGS)
//! (CHANGEDSINCE <modseq>)`, or every FLAGS without CONDSTORE), then the
//! sizes of the new ones (`UID FETCH <last+1>:* (UID RFC822.SIZE)`), then the
//! new messages in chunks, a few chunks pipelined. After each chunk the files
//! are in `cur/` and fsynced, and the state file is replaced: an interrupted
//! run loses at most the chunks in flight, which the next run fetches again.
//!
//! Messages expunged on the server since the last run are noticed: with
//! QRESYNC, EXAMINE names them (`VANISHED (EARLIER)`) together with the flag
//! changes, and nothing else is asked; otherwise by UID comparison
//! (`UID SEARCH UID 1:<last>`, unless CONDSTORE says nothing changed). Their
//! files move to the mailbox's `expunged/` directory, or with `--prune` are
//! removed, and they leave the state file.

use super::maildir::{self, Entry, Maildir, State, EXPUNGED};
use super::progress::{MailboxProgress, Progress};
use crate::failure::Failure;
use imap_core::command::Section;
use imap_core::command::{Command, FetchAttr, QResync, SearchKey, SeqSet};
use imap_core::session::{Completion, Error, Session};
use imap_core::types::{Data, Fetch, MailboxAttr, Response};
use serde_json::json;
use std::collections::{HashMap, HashSet, VecDeque};
use std::fs;
use std::path::{Path, PathBuf};

/// Most bytes (by RFC822.SIZE) in one FETCH of message bodies.
const CHUNK_BYTES: u64 = 8 << 20;

/// Tuning of an engine.
#[derive(Debug, Clone, Copy)]
pub struct Tuning {
    /// Most messages in one FETCH of bodies.
    pub chunk: usize,
    /// Most body FETCHes in flight at once.
    pub in_flight: usize,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning { chunk: 200, in_flight: 3 }
    }
}

/// What a command in flight was for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purpose {
    /// ENABLE QRESYNC.
    Enable,
    /// LIST of every mailbox.
    List,
    /// EXAMINE of the current mailbox.
    Select,
    /// FLAGS of the messages already copied.
    Flags,
    /// UIDs still on the server, of those backed up.
    Present,
    /// UID and RFC822.SIZE of the new messages.
    Sizes,
    /// Bodies of these UIDs.
    Chunk(Vec<u32>),
}

/// What one account's backup did.
#[derive(Debug, Default, Clone)]
pub struct Report {
    /// Mailboxes backed up.
    pub mailboxes: usize,
    /// New messages written.
    pub messages: u64,
    /// Their bytes.
    pub bytes: u64,
    /// Messages whose flags changed.
    pub flag_updates: u64,
    /// Messages expunged on the server, set aside or pruned.
    pub expunged: u64,
    /// Mailboxes skipped, with why.
    pub skipped: Vec<(String, String)>,
}

#[derive(Debug, PartialEq, Eq)]
enum Phase {
    Start,
    /// LIST every mailbox.
    List,
    /// A command is in flight whose end says what comes next.
    Waiting,
    /// Open the next mailbox of the queue.
    Next,
    /// Body chunks.
    Fetching,
    Done,
}

struct Current {
    name: String,
    maildir: Maildir,
    state: State,
    /// This tool's files in `cur/` for the state's UIDVALIDITY: UID -> name.
    index: HashMap<u32, String>,
    condstore: bool,
    /// EXAMINE went with QRESYNC data: its answer holds the changes.
    resync: bool,
    modseq: Option<u64>,
    uid_next: Option<u32>,
    /// EXISTS as of EXAMINE.
    exists: u32,
    chunks: VecDeque<Vec<u32>>,
    in_flight: usize,
    progress: Option<MailboxProgress>,
    messages: u64,
    bytes: u64,
    flag_updates: u64,
    expunged: u64,
}

/// One account's backup; see the [module docs](self).
pub struct Engine {
    account: String,
    root: PathBuf,
    wanted: Option<Vec<String>>,
    progress: Progress,
    tuning: Tuning,
    phase: Phase,
    queue: VecDeque<(String, Option<char>)>,
    current: Option<Current>,
    outbox: Vec<(Command, Purpose)>,
    report: Report,
    /// Remove the files of expunged messages instead of setting them aside.
    prune: bool,
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> Failure + '_ {
    move |e| Failure::Usage(format!("{}: {e}", path.display()))
}

impl Engine {
    /// A backup of `wanted` mailboxes (all when `None`) into `root`.
    pub fn new(account: &str, root: &Path, wanted: Option<Vec<String>>, progress: Progress, tuning: Tuning) -> Engine {
        Engine {
            account: account.to_owned(),
            root: root.to_path_buf(),
            wanted,
            progress,
            tuning,
            phase: Phase::Start,
            queue: VecDeque::new(),
            current: None,
            outbox: Vec::new(),
            report: Report::default(),
            prune: false,
        }
    }

    /// With `prune`, messages expunged on the server are removed from the
    /// backup; without, their files move to the mailbox's `expunged/`.
    pub fn prune(mut self, prune: bool) -> Engine {
        self.prune = prune;
        self
    }

    /// Whether everything is done (no command is wanted any more).
    pub fn is_done(&self) -> bool {
        self.phase == Phase::Done
    }

    /// What was done so far.
    pub fn report(&self) -> &Report {
        &self.report
    }

    /// The commands to send now (possibly none: wait for a completion).
    pub fn poll_commands(&mut self, session: &Session) -> Result<Vec<(Command, Purpose)>, Failure> {
        loop {
            match self.phase {
                Phase::Start => {
                    fs::create_dir_all(&self.root).map_err(io(&self.root))?;
                    if session.has_capability("QRESYNC") && !session.is_enabled("QRESYNC") {
                        self.send(Command::Enable(vec!["QRESYNC".into()]), Purpose::Enable);
                    } else {
                        self.phase = Phase::List;
                        continue;
                    }
                }
                Phase::List => {
                    self.send(
                        Command::List {
                            reference: String::new(),
                            pattern: "*".into(),
                            select: Vec::new(),
                            returns: Vec::new(),
                        },
                        Purpose::List,
                    );
                }
                Phase::Next => {
                    let Some((name, delimiter)) = self.queue.pop_front() else {
                        self.phase = Phase::Done;
                        break;
                    };
                    self.open(session, name, delimiter)?;
                    continue;
                }
                Phase::Fetching => {
                    let current = self.current.as_mut().expect("a mailbox is open while fetching");
                    while current.in_flight < self.tuning.in_flight.max(1) {
                        let Some(uids) = current.chunks.pop_front() else { break };
                        current.in_flight += 1;
                        let items = vec![
                            FetchAttr::Uid,
                            FetchAttr::Flags,
                            FetchAttr::InternalDate,
                            FetchAttr::peek(Section::full()),
                        ];
                        let set: SeqSet = uids.iter().copied().collect();
                        self.outbox.push((
                            Command::Fetch { set, items: items.into(), changed_since: None, uid: true },
                            Purpose::Chunk(uids),
                        ));
                    }
                    if current.in_flight == 0 {
                        self.finish_mailbox()?;
                        continue;
                    }
                }
                Phase::Waiting | Phase::Done => {}
            }
            break;
        }
        Ok(std::mem::take(&mut self.outbox))
    }

    fn send(&mut self, command: Command, purpose: Purpose) {
        self.outbox.push((command, purpose));
        self.phase = Phase::Waiting;
    }

    /// A command sent for `purpose` ended with `result`.
    pub fn on_complete(
        &mut self,
        purpose: Purpose,
        result: Result<Completion, Error>,
        session: &Session,
    ) -> Result<(), Failure> {
        let done = result?;
        match purpose {
            Purpose::Enable => {
                self.phase = Phase::List;
                Ok(())
            }
            Purpose::List => self.listed(done.data),
            Purpose::Select => self.selected(session, done.data),
            Purpose::Flags => self.flags(done.data),
            Purpose::Present => self.present(done.data),
            Purpose::Sizes => self.sizes(done.data),
            Purpose::Chunk(uids) => self.chunk(&uids, done.data),
        }
    }

    fn listed(&mut self, data: Vec<Response<'static>>) -> Result<(), Failure> {
        let entries: Vec<_> = data
            .into_iter()
            .filter_map(|r| match r {
                Response::Data(Data::List(entry)) => Some(entry),
                _ => None,
            })
            .collect();
        let selectable = |e: &imap_core::types::ListEntry<'_>| {
            !e.attributes.iter().any(|a| matches!(a, MailboxAttr::NoSelect | MailboxAttr::NonExistent))
        };
        match &self.wanted {
            None => {
                for e in entries.iter().filter(|e| selectable(e)) {
                    self.queue.push_back((e.mailbox.name().to_owned(), e.delimiter));
                }
            }
            Some(wanted) => {
                for name in wanted {
                    let same = |e: &&imap_core::types::ListEntry<'_>| {
                        e.mailbox.name() == name || (e.mailbox.is_inbox() && name.eq_ignore_ascii_case("INBOX"))
                    };
                    let Some(e) = entries.iter().find(same) else {
                        return Err(Failure::Imap(Error::No {
                            command: "LIST",
                            code: None,
                            text: format!("no mailbox named {name:?}"),
                        }));
                    };
                    self.queue.push_back((e.mailbox.name().to_owned(), e.delimiter));
                }
            }
        }
        self.phase = Phase::Next;
        Ok(())
    }

    /// Prepares the directory and state of the next mailbox and sends EXAMINE.
    fn open(&mut self, session: &Session, name: String, delimiter: Option<char>) -> Result<(), Failure> {
        let dir = match maildir::mailbox_path(&self.root, &name, delimiter) {
            Ok(dir) => dir,
            Err(why) => {
                eprintln!("imap-cli: skipping mailbox {name:?}: {why}");
                self.progress
                    .event(json!({"event": "skipped", "account": self.account, "mailbox": name, "reason": why}));
                self.report.skipped.push((name, why));
                return Ok(());
            }
        };
        let maildir = Maildir::open(dir.clone()).map_err(io(&dir))?;
        let state = State::load(&dir).map_err(io(&dir))?.unwrap_or_else(|| State::new(&name, delimiter, 0));
        let condstore = session.has_capability("CONDSTORE");
        // QRESYNC needs what the last run saw: UIDVALIDITY and HIGHESTMODSEQ.
        let resync = match (session.is_enabled("QRESYNC"), state.highest_modseq) {
            (true, Some(modseq)) if state.uid_validity != 0 && state.last_uid > 0 => Some(QResync {
                uid_validity: state.uid_validity,
                modseq,
                known_uids: Some((1..=state.last_uid).into()),
                seq_match: None,
            }),
            _ => None,
        };
        self.current = Some(Current {
            name: name.clone(),
            maildir,
            state,
            index: HashMap::new(),
            condstore,
            resync: resync.is_some(),
            modseq: None,
            uid_next: None,
            exists: 0,
            chunks: VecDeque::new(),
            in_flight: 0,
            progress: None,
            messages: 0,
            bytes: 0,
            flag_updates: 0,
            expunged: 0,
        });
        let command = match resync {
            Some(qresync) => Command::SelectQResync { mailbox: name, read_only: true, qresync },
            None => Command::Examine { mailbox: name, condstore },
        };
        self.send(command, Purpose::Select);
        Ok(())
    }

    fn selected(&mut self, session: &Session, data: Vec<Response<'static>>) -> Result<(), Failure> {
        let mailbox = session.mailbox().ok_or_else(|| Error::Protocol("EXAMINE completed without a mailbox".into()))?;
        let (exists, uid_next, modseq) = (mailbox.exists, mailbox.uid_next, mailbox.highest_modseq);
        let uid_validity =
            mailbox.uid_validity.ok_or_else(|| Error::Protocol("the server gave no UIDVALIDITY".into()))?;
        let (account, progress) = (self.account.clone(), self.progress.clone());
        let current = self.current.as_mut().expect("a mailbox is open");
        if current.state.uid_validity != uid_validity {
            if current.state.uid_validity != 0 {
                let old = current.state.uid_validity;
                let aside = put_aside(&current.maildir, &current.state).map_err(io(&current.maildir.dir))?;
                progress.note(&format!(
                    "{}: UIDVALIDITY changed from {old} to {uid_validity}; the old copy is now {}",
                    current.name,
                    aside.display()
                ));
                progress.event(json!({
                    "event": "uidvalidity_changed", "account": account, "mailbox": current.name,
                    "old": old, "new": uid_validity, "kept_as": aside,
                }));
                current.maildir = Maildir::open(current.maildir.dir.clone()).map_err(io(&current.maildir.dir))?;
            }
            let delimiter = current.state.delimiter;
            current.state = State::new(&current.name, delimiter, uid_validity);
            // Whatever QRESYNC said was about the old UIDs.
            current.resync = false;
        }
        current.index = current.maildir.index(uid_validity).map_err(io(&current.maildir.dir))?;
        current.uid_next = uid_next;
        current.exists = exists;
        current.modseq = if current.condstore || current.resync { modseq } else { None };
        if current.resync {
            // EXAMINE's answer held the flag changes and, as VANISHED
            // (EARLIER), the expunges since the last run: nothing to ask.
            self.apply_flags(&data)?;
            let current = self.current.as_mut().expect("a mailbox is open");
            // Ranges sorted for a binary search each: a server's VANISHED
            // may list many ranges, the backup many messages.
            let mut ranges: Vec<(u32, u32)> = data
                .iter()
                .filter_map(|r| match r {
                    Response::Data(Data::Vanished { uids, .. }) => Some(uids.ranges()),
                    _ => None,
                })
                .flatten()
                .map(|r| r.bounds())
                .collect();
            ranges.sort_unstable();
            // Merged, so that only the last range starting at or below a UID can hold it.
            let mut merged: Vec<(u32, u32)> = Vec::with_capacity(ranges.len());
            for (lo, hi) in ranges {
                match merged.last_mut() {
                    Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
                    _ => merged.push((lo, hi)),
                }
            }
            let vanished = |uid: u32| {
                let after = merged.partition_point(|&(lo, _)| lo <= uid);
                after > 0 && uid <= merged[after - 1].1
            };
            let vanished: Vec<u32> = current.state.messages.keys().copied().filter(|&uid| vanished(uid)).collect();
            self.remove_gone(&vanished)?;
            return self.ask_sizes(exists);
        }
        if current.state.last_uid > 0 && exists > 0 {
            let changed_since = match (current.condstore, current.state.highest_modseq) {
                (true, Some(m)) => Some(m),
                _ => None,
            };
            if changed_since.is_some() && changed_since == current.modseq {
                // Nothing changed since the last run (an expunge, too,
                // raises HIGHESTMODSEQ: RFC 7162 3.1.1).
                return self.ask_sizes(exists);
            }
            let command = Command::Fetch {
                set: (1..=current.state.last_uid).into(),
                items: vec![FetchAttr::Uid, FetchAttr::Flags].into(),
                changed_since,
                uid: true,
            };
            self.send(command, Purpose::Flags);
            return Ok(());
        }
        if exists == 0 {
            // An empty mailbox: whatever the backup holds was expunged.
            self.expunge_missing(&HashSet::new())?;
        }
        self.ask_sizes(exists)
    }

    /// Asks which of the backed-up UIDs the server still has.
    fn check_present(&mut self) -> Result<(), Failure> {
        let current = self.current.as_mut().expect("a mailbox is open");
        let last = current.state.last_uid;
        if last == 0 || current.state.messages.is_empty() {
            let exists = current.exists;
            return self.ask_sizes(exists);
        }
        let criteria = SearchKey::Uid((1..=last).into());
        self.send(Command::Search { charset: None, criteria, uid: true }, Purpose::Present);
        Ok(())
    }

    fn present(&mut self, data: Vec<Response<'static>>) -> Result<(), Failure> {
        let exists = self.current.as_ref().expect("a mailbox is open").exists;
        // No more UIDs than messages: a few bytes of `1:4294967295` in an
        // ESEARCH must not become 16 GiB of numbers.
        let most = u64::from(exists).max(1 << 20);
        let mut answered = false;
        let mut present = HashSet::new();
        for response in &data {
            match response {
                Response::Data(Data::Search(search)) => {
                    answered = true;
                    present.extend(search.ids.iter().copied());
                }
                Response::Data(Data::ESearch(e)) => {
                    answered = true;
                    match &e.all {
                        Some(all) if all.len() > most => {
                            return Err(Failure::Imap(Error::Protocol(format!("ESEARCH ALL of {} UIDs", all.len()))))
                        }
                        Some(all) => present.extend(all.iter()),
                        None => {}
                    }
                }
                _ => {}
            }
        }
        if !answered {
            // Silence is not "every message is gone".
            return Err(Failure::Imap(Error::Protocol("UID SEARCH completed without a SEARCH response".into())));
        }
        self.expunge_missing(&present)?;
        self.ask_sizes(exists)
    }

    /// Takes the backed-up messages not in `present` out of the backup.
    fn expunge_missing(&mut self, present: &HashSet<u32>) -> Result<(), Failure> {
        let current = self.current.as_mut().expect("a mailbox is open");
        let gone: Vec<u32> = current.state.messages.keys().copied().filter(|uid| !present.contains(uid)).collect();
        self.remove_gone(&gone)
    }

    /// Takes the messages `gone` out of the backup: set aside in
    /// `expunged/`, or removed with `--prune`.
    fn remove_gone(&mut self, gone: &[u32]) -> Result<(), Failure> {
        let prune = self.prune;
        let current = self.current.as_mut().expect("a mailbox is open");
        for uid in gone {
            let Some(entry) = current.state.messages.remove(uid) else { continue };
            let file = current.index.remove(uid).unwrap_or(entry.file);
            let moved = if prune { current.maildir.remove(&file) } else { current.maildir.set_aside(&file) };
            moved.map_err(io(&current.maildir.dir))?;
        }
        if !gone.is_empty() {
            current.expunged += gone.len() as u64;
            current.maildir.sync().map_err(io(&current.maildir.dir))?;
            current.state.save(&current.maildir).map_err(io(&current.maildir.dir))?;
        }
        Ok(())
    }

    fn ask_sizes(&mut self, exists: u32) -> Result<(), Failure> {
        let current = self.current.as_mut().expect("a mailbox is open");
        let last = current.state.last_uid;
        let nothing_new = exists == 0 || current.uid_next.is_some_and(|next| next <= last.saturating_add(1));
        if nothing_new {
            current.chunks.clear();
            self.phase = Phase::Fetching;
            return Ok(());
        }
        let command = Command::Fetch {
            set: (last.saturating_add(1)..).into(),
            items: vec![FetchAttr::Uid, FetchAttr::Rfc822Size].into(),
            changed_since: None,
            uid: true,
        };
        self.send(command, Purpose::Sizes);
        Ok(())
    }

    fn flags(&mut self, data: Vec<Response<'static>>) -> Result<(), Failure> {
        self.apply_flags(&data)?;
        self.check_present()
    }

    /// Renames the files of messages whose flags `data`'s FETCHes changed.
    fn apply_flags(&mut self, data: &[Response<'static>]) -> Result<(), Failure> {
        let current = self.current.as_mut().expect("a mailbox is open");
        for fetch in fetches(data) {
            let (Some(uid), Some(flags)) = (fetch.uid(), fetch.flags()) else { continue };
            let Some(entry) = current.state.messages.get_mut(&uid) else { continue };
            let (letters, keywords) = maildir::split_flags(flags);
            if letters == entry.flags && keywords == entry.keywords {
                continue;
            }
            if letters != entry.flags {
                let base = entry.file.split_once(":2,").map_or(entry.file.as_str(), |(b, _)| b).to_owned();
                let file = maildir::file_name(&base, &letters);
                // The name on disk (a mail reader may have renamed it).
                let on_disk = current.index.get(&uid).cloned().unwrap_or_else(|| entry.file.clone());
                match current.maildir.rename(&on_disk, &file) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(&current.maildir.dir)(e)),
                    _ => {}
                }
                current.index.insert(uid, file.clone());
                entry.file = file;
            }
            entry.flags = letters;
            entry.keywords = keywords;
            current.flag_updates += 1;
        }
        if current.flag_updates > 0 {
            current.maildir.sync().map_err(io(&current.maildir.dir))?;
            current.state.save(&current.maildir).map_err(io(&current.maildir.dir))?;
        }
        Ok(())
    }

    fn sizes(&mut self, data: Vec<Response<'static>>) -> Result<(), Failure> {
        let current = self.current.as_mut().expect("a mailbox is open");
        let last = current.state.last_uid;
        let mut sizes: Vec<(u32, u64)> = fetches(&data)
            .filter_map(|f| Some((f.uid()?, u64::from(f.size().unwrap_or(0)))))
            .filter(|&(uid, _)| uid > last)
            .collect();
        sizes.sort_unstable();
        sizes.dedup_by_key(|s| s.0);
        let total: u64 = sizes.iter().map(|s| s.1).sum();
        let mut chunk = Vec::new();
        let mut chunk_bytes = 0;
        for (uid, size) in &sizes {
            if !chunk.is_empty() && (chunk.len() >= self.tuning.chunk.max(1) || chunk_bytes + size > CHUNK_BYTES) {
                current.chunks.push_back(std::mem::take(&mut chunk));
                chunk_bytes = 0;
            }
            chunk.push(*uid);
            chunk_bytes += size;
        }
        if !chunk.is_empty() {
            current.chunks.push_back(chunk);
        }
        current.progress =
            Some(self.progress.mailbox("backup", &self.account, &current.name, sizes.len() as u64, total));
        self.phase = Phase::Fetching;
        Ok(())
    }

    fn chunk(&mut self, uids: &[u32], data: Vec<Response<'static>>) -> Result<(), Failure> {
        let current = self.current.as_mut().expect("a mailbox is open");
        current.in_flight -= 1;
        let uv = current.state.uid_validity;
        let (mut messages, mut bytes) = (0, 0);
        let mut staged = Vec::new();
        let mut replaced = Vec::new();
        for fetch in fetches(&data) {
            let Some(uid) = fetch.uid() else { continue };
            if !uids.contains(&uid) {
                continue;
            }
            let Some(body) = fetch.section("") else { continue };
            let date = fetch.internal_date();
            let epoch = date.map_or(0, |d| d.unix_timestamp());
            let (letters, keywords) = maildir::split_flags(fetch.flags().unwrap_or(&[]));
            let file = maildir::file_name(&maildir::base_name(epoch, uv, uid), &letters);
            current.maildir.stage(&file, body, epoch).map_err(io(&current.maildir.dir))?;
            staged.push(file.clone());
            if let Some(old) = current.index.insert(uid, file.clone()) {
                if old != file {
                    replaced.push(old);
                }
            }
            let entry = Entry {
                file,
                flags: letters,
                keywords,
                internal_date: date.map(maildir::imap_date).unwrap_or_default(),
                size: body.len() as u64,
            };
            current.state.messages.insert(uid, entry);
            messages += 1;
            bytes += body.len() as u64;
        }
        current.maildir.commit(&staged).map_err(io(&current.maildir.dir))?;
        // A file of the same UID with other flags, left by an interrupted run.
        for old in replaced {
            current.maildir.remove(&old).map_err(io(&current.maildir.dir))?;
        }
        // Chunks complete in order, so every UID up to this chunk's last is done.
        if let Some(&max) = uids.iter().max() {
            current.state.last_uid = current.state.last_uid.max(max);
        }
        current.state.save(&current.maildir).map_err(io(&current.maildir.dir))?;
        current.messages += messages;
        current.bytes += bytes;
        if let Some(p) = current.progress.as_mut() {
            p.advance(messages, bytes);
        }
        Ok(())
    }

    fn finish_mailbox(&mut self) -> Result<(), Failure> {
        let Some(mut current) = self.current.take() else {
            self.phase = Phase::Next;
            return Ok(());
        };
        let state = &mut current.state;
        if let Some(next) = current.uid_next {
            // Every UID below UIDNEXT (as of EXAMINE) was fetched or is gone.
            state.last_uid = state.last_uid.max(next.saturating_sub(1));
        }
        state.uid_next = current.uid_next;
        state.highest_modseq = current.modseq;
        state.save(&current.maildir).map_err(io(&current.maildir.dir))?;
        let summary = json!({
            "new_messages": current.messages, "new_bytes": current.bytes,
            "flag_updates": current.flag_updates, "expunged": current.expunged, "qresync": current.resync,
            "total_messages": state.messages.len(), "dir": current.maildir.dir,
        });
        let expunged = match (current.expunged, self.prune) {
            (0, _) => String::new(),
            (n, true) => format!(", {n} expunged on the server (removed)"),
            (n, false) => format!(", {n} expunged on the server (moved to {EXPUNGED}/)"),
        };
        let text = format!(
            "{}{}: {} new ({} bytes), {} flag changes{expunged}, {} in the backup",
            if self.account.is_empty() { String::new() } else { format!("{}: ", self.account) },
            current.name,
            current.messages,
            current.bytes,
            current.flag_updates,
            state.messages.len()
        );
        match current.progress.take() {
            Some(p) => p.finish(summary, text),
            None => {
                let p = self.progress.mailbox("backup", &self.account, &current.name, 0, 0);
                p.finish(summary, text);
            }
        }
        self.report.mailboxes += 1;
        self.report.messages += current.messages;
        self.report.bytes += current.bytes;
        self.report.flag_updates += current.flag_updates;
        self.report.expunged += current.expunged;
        self.phase = Phase::Next;
        Ok(())
    }
}

fn fetches<'a>(data: &'a [Response<'static>]) -> impl Iterator<Item = &'a Fetch<'static>> {
    data.iter().filter_map(|r| match r {
        Response::Data(Data::Fetch(f)) => Some(f),
        _ => None,
    })
}

/// Moves a copy whose UIDVALIDITY is no longer the server's to
/// `<dir>.uidvalidity-<old>` (its `cur/`, `new/`, `tmp/` and state file; the
/// directories of child mailboxes stay), marking its state retired.
fn put_aside(maildir: &Maildir, state: &State) -> std::io::Result<PathBuf> {
    let dir = &maildir.dir;
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut aside = dir.with_file_name(format!("{name}.uidvalidity-{}", state.uid_validity));
    let mut n = 1;
    while aside.exists() {
        n += 1;
        aside = dir.with_file_name(format!("{name}.uidvalidity-{}.{n}", state.uid_validity));
    }
    fs::create_dir_all(&aside)?;
    for sub in ["cur", "new", "tmp"] {
        fs::rename(dir.join(sub), aside.join(sub))?;
    }
    let old = Maildir { dir: aside.clone() };
    let retired = State { retired: true, ..state.clone() };
    retired.save(&old)?;
    fs::remove_file(dir.join(maildir::STATE_FILE))?;
    Ok(aside)
}
