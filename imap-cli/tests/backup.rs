//! `imap-cli backup` and `restore` against a real Dovecot on 127.0.0.1.
//!
//! Every test works in mailboxes of its own (alice's), or in bob's account,
//! which only the round trip writes to.

#[path = "../../imap-core/tests/support/dovecot.rs"]
mod support;

use imap_core::client::{Client, ClientOptions, TlsMode};
use imap_core::command::{AppendMessage, FetchAttr, Section};
use imap_core::reactor::TlsOptions;
use imap_core::types::{DateTime, Flag};
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use support::dovecot;

fn password(user: &str) -> String {
    format!("{user}-pass")
}

/// imap-cli with the connection options for `user` over verified TLS.
fn command(user: &str, args: &[&str]) -> Command {
    let d = dovecot();
    let mut command = Command::new(env!("CARGO_BIN_EXE_imap-cli"));
    command
        .args(["--host", "localhost", "--port", &d.tls_port.to_string(), "--tls"])
        .args(["--ca-file", d.ca().to_str().unwrap(), "--user", user])
        .args(args)
        .env("IMAP_PASSWORD", password(user))
        .stdin(Stdio::null());
    command
}

fn cli(user: &str, args: &[&str]) -> Output {
    command(user, args).output().expect("imap-cli runs")
}

fn ok(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).expect("UTF-8 output")
}

fn events(out: &Output) -> Vec<Value> {
    ok(out).lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect()
}

/// The `done` event of `mailbox`.
fn done<'a>(events: &'a [Value], mailbox: &str) -> &'a Value {
    events
        .iter()
        .find(|e| e["event"] == "done" && e["mailbox"] == mailbox)
        .unwrap_or_else(|| panic!("no done event for {mailbox}: {events:?}"))
}

fn client(user: &str) -> Client {
    let d = dovecot();
    let options = ClientOptions::default().with_tls(TlsOptions::new().add_ca_file(d.ca()));
    let mut client = Client::connect("localhost", d.tls_port, TlsMode::Implicit, &options).unwrap();
    client.login(user, &password(user)).unwrap();
    client
}

/// A fresh directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(what: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "imap-cli-backup-{}-{}-{what}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn str(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn message(mailbox: &str, i: usize) -> Vec<u8> {
    format!(
        "From: Carol <carol@example.org>\r\nSubject: {mailbox} {i}\r\nMessage-ID: <{mailbox}-{i}@backup.invalid>\r\n\r\nBody {i}\r\n{}\r\n",
        "x".repeat(i * 7 % 300)
    )
    .into_bytes()
}

/// Creates `mailbox` unless it is there. CREATE and ALREADYEXISTS, not LIST
/// first: with several first logins at once, Dovecot's LIST can miss a
/// mailbox that CREATE then finds.
fn ensure_mailbox(c: &mut Client, mailbox: &str) {
    use imap_core::session::Error;
    use imap_core::types::{Code, ErrorCode};
    match c.create_folder(mailbox) {
        Ok(()) | Err(Error::No { code: Some(Code::Error(ErrorCode::AlreadyExists)), .. }) => {}
        Err(e) => panic!("CREATE {mailbox}: {e}"),
    }
}

/// Creates `mailbox` in alice's account with `n` messages (flags and dates varied).
fn fill(mailbox: &str, n: usize) -> Client {
    let mut c = client("alice");
    ensure_mailbox(&mut c, mailbox);
    let messages = (1..=n)
        .map(|i| {
            let mut flags = Vec::new();
            if i % 2 == 0 {
                flags.push(Flag::Seen);
            }
            if i % 5 == 0 {
                flags.push(Flag::Keyword("$Label1".into()));
            }
            let date = DateTime::parse(&format!("{:02}-Mar-2021 10:{:02}:00 +0130", i % 28 + 1, i % 60)).unwrap();
            AppendMessage { flags, date: Some(date), ..AppendMessage::new(message(mailbox, i)) }
        })
        .collect::<Vec<_>>();
    for batch in messages.chunks(100) {
        c.append_many(mailbox, batch.to_vec()).unwrap();
    }
    c
}

/// The mailbox dir's `cur/` file names.
fn cur(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir.join("cur")).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    names
}

fn state(dir: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join("imapcli-state.json")).unwrap()).unwrap()
}

fn write_state(dir: &Path, state: &Value) {
    std::fs::write(dir.join("imapcli-state.json"), serde_json::to_vec_pretty(state).unwrap()).unwrap();
}

/// What must survive a round trip: bytes, flags (without \Recent), internal date.
type Snapshot = Vec<(Vec<u8>, Vec<String>, i64)>;

fn snapshot(c: &mut Client, mailbox: &str) -> Snapshot {
    let selected = c.select_folder(mailbox, true).unwrap();
    if selected.exists == 0 {
        return Vec::new();
    }
    let items = vec![FetchAttr::Uid, FetchAttr::Flags, FetchAttr::InternalDate, FetchAttr::peek(Section::full())];
    let mut out: Snapshot = c
        .fetch(1.., items)
        .unwrap()
        .iter()
        .map(|f| {
            let mut flags: Vec<String> =
                f.flags().unwrap().iter().filter(|f| **f != Flag::Recent).map(|f| f.to_string()).collect();
            flags.sort();
            (f.section("").unwrap().to_vec(), flags, f.internal_date().unwrap().unix_timestamp())
        })
        .collect();
    out.sort();
    out
}

#[test]
fn backup_then_restore_into_another_user_gives_identical_messages() {
    dovecot().seed("alice", 40);
    // A nested mailbox with a non-ASCII name and every flag with a letter.
    let mut alice = fill("Projekte/Köln", 6);
    let all = [
        Flag::Draft,
        Flag::Flagged,
        Flag::Keyword("$Forwarded".into()),
        Flag::Answered,
        Flag::Seen,
        Flag::Deleted,
        Flag::Keyword("Junk".into()),
    ];
    let koeln_count = alice.select_folder("Projekte/Köln", false).unwrap().exists;
    let first_uid = *alice.search(imap_core::command::SearchKey::All).unwrap().first().unwrap();
    alice.add_flags(first_uid, &all).unwrap();

    let dir = TempDir::new("roundtrip");
    let out =
        cli("alice", &["backup", "--to", dir.str(), "--mailbox", "INBOX", "--mailbox", "Projekte/Köln", "--json"]);
    let ev = events(&out);
    assert_eq!(done(&ev, "INBOX")["new_messages"], 40, "{ev:?}");
    assert_eq!(done(&ev, "Projekte/Köln")["new_messages"], koeln_count, "{ev:?}");

    // The layout: nested directories, names with the flags' letters.
    let koeln = dir.path().join("Projekte").join("Köln");
    let names = cur(&koeln);
    assert_eq!(names.len(), koeln_count as usize);
    let s = state(&koeln);
    assert_eq!(s["mailbox"], "Projekte/Köln");
    let first = &s["messages"][first_uid.to_string()];
    assert!(first["file"].as_str().unwrap().ends_with(".imapcli:2,DFPRST"), "{first}");
    assert_eq!(first["keywords"], serde_json::json!(["Junk"]));
    assert!(first["internal_date"].as_str().unwrap().len() == 26, "{first}");
    assert!(s["uid_validity"].as_u64().unwrap() > 0 && s["highest_modseq"].as_u64().is_some(), "{s}");
    assert!(names.iter().all(|n| n.contains(&format!(".{}_", s["uid_validity"]))), "{names:?}");
    assert_eq!(cur(&dir.path().join("INBOX")).len(), 40);

    // Restore into bob: new mailboxes are created, everything is identical.
    let out = cli("bob", &["restore", "--from", dir.str(), "--json"]);
    let ev = events(&out);
    assert_eq!(done(&ev, "INBOX")["appended"], 40, "{ev:?}");
    assert!(ev.iter().any(|e| e["event"] == "created" && e["mailbox"] == "Projekte/Köln"), "{ev:?}");
    let mut bob = client("bob");
    for mailbox in ["INBOX", "Projekte/Köln"] {
        let original = snapshot(&mut alice, mailbox);
        let restored = snapshot(&mut bob, mailbox);
        assert_eq!(original.len(), restored.len(), "{mailbox}");
        assert!(original == restored, "{mailbox}: the restored messages differ");
    }

    // Restoring again appends nothing.
    let out = cli("bob", &["restore", "--from", dir.str(), "--json"]);
    let ev = events(&out);
    assert_eq!(done(&ev, "INBOX")["appended"], 0, "{ev:?}");
    assert_eq!(done(&ev, "INBOX")["already_present"], 40, "{ev:?}");
    assert_eq!(snapshot(&mut bob, "INBOX").len(), 40);

    // Only one mailbox, by name; a name the backup lacks is a usage error.
    let out = cli("bob", &["restore", "--from", dir.str(), "--mailbox", "Projekte/Köln", "--json"]);
    let ev = events(&out);
    assert!(ev.iter().all(|e| e["mailbox"] != "INBOX"), "{ev:?}");
    let out = cli("bob", &["restore", "--from", dir.str(), "--mailbox", "Nope"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_restore_follows_the_hierarchy_of_the_server_it_restores_to() {
    // alice's names use `/` and no prefix; carol's account has Courier's
    // hierarchy: `.` and `INBOX.` (scripts/dovecot.sh). Seen against a real
    // Courier: the restore sent CREATE Archive/2024, which it refused.
    let mut alice = fill("bk-hier/sub", 3);
    fill("bk-hier2", 2);
    let dir = TempDir::new("hierarchy");
    let out =
        cli("alice", &["backup", "--to", dir.str(), "--mailbox", "bk-hier/sub", "--mailbox", "bk-hier2", "--json"]);
    assert_eq!(done(&events(&out), "bk-hier/sub")["new_messages"], 3);
    // As if the second came from a server that allows `.` in names.
    let mut renamed = state(&dir.path().join("bk-hier2"));
    renamed["mailbox"] = "bk.dot".into();
    write_state(&dir.path().join("bk-hier2"), &renamed);

    let out = cli("carol", &["restore", "--from", dir.str(), "--json"]);
    // `bk.dot` has no name on carol's server (`.` is a level separator
    // there): it fails, after the other mailbox was restored.
    assert_eq!(out.status.code(), Some(2), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let ev: Vec<Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(
        ev.iter().any(|e| e["event"] == "created"
            && e["mailbox"] == "INBOX.bk-hier.sub"
            && e["backed_up_as"] == "bk-hier/sub"),
        "{ev:?}"
    );
    assert!(ev.iter().any(|e| e["event"] == "failed" && e["mailbox"] == "bk.dot"), "{ev:?}");
    let mut carol = client("carol");
    assert!(snapshot(&mut alice, "bk-hier/sub") == snapshot(&mut carol, "INBOX.bk-hier.sub"));
    assert!(!carol.folder_exists("INBOX.bk").unwrap());
}

#[test]
fn an_incremental_run_fetches_new_messages_and_changed_flags() {
    let mut c = fill("bk-incr", 5);
    let dir = TempDir::new("incr");
    let ev = events(&cli("alice", &["backup", "--to", dir.str(), "--mailbox", "bk-incr", "--json"]));
    assert_eq!(done(&ev, "bk-incr")["new_messages"], 5);
    let mbox = dir.path().join("bk-incr");

    // Nothing changed: nothing fetched.
    let ev = events(&cli("alice", &["backup", "--to", dir.str(), "--mailbox", "bk-incr", "--json"]));
    assert_eq!(
        (done(&ev, "bk-incr")["new_messages"].as_u64(), done(&ev, "bk-incr")["flag_updates"].as_u64()),
        (Some(0), Some(0))
    );

    // A new message, a flag with a letter, a keyword (CONDSTORE: CHANGEDSINCE).
    c.append("bk-incr", &message("bk-incr", 6), &[], None).unwrap();
    c.select_folder("bk-incr", false).unwrap();
    c.add_flags(2, &[Flag::Flagged]).unwrap();
    c.add_flags(3, &[Flag::Keyword("$Important".into())]).unwrap();
    let ev = events(&cli("alice", &["backup", "--to", dir.str(), "--mailbox", "bk-incr", "--json"]));
    assert_eq!(done(&ev, "bk-incr")["new_messages"], 1, "{ev:?}");
    assert_eq!(done(&ev, "bk-incr")["flag_updates"], 2, "{ev:?}");
    let s = state(&mbox);
    assert!(s["messages"]["2"]["file"].as_str().unwrap().ends_with(":2,FS"), "{s}");
    assert_eq!(s["messages"]["3"]["keywords"], serde_json::json!(["$Important"]));
    assert_eq!(s["last_uid"], 6);
    let names = cur(&mbox);
    assert_eq!(names.len(), 6, "{names:?}");
    assert!(names.contains(&s["messages"]["2"]["file"].as_str().unwrap().to_owned()));

    // Without a HIGHESTMODSEQ in the state, every FLAGS is fetched again.
    let mut s = state(&mbox);
    s["highest_modseq"] = Value::Null;
    write_state(&mbox, &s);
    c.remove_flags(2, &[Flag::Seen]).unwrap();
    let ev = events(&cli("alice", &["backup", "--to", dir.str(), "--mailbox", "bk-incr", "--json"]));
    assert_eq!(done(&ev, "bk-incr")["flag_updates"], 1, "{ev:?}");
    assert!(state(&mbox)["messages"]["2"]["file"].as_str().unwrap().ends_with(":2,F"));
    assert_eq!(cur(&mbox).len(), 6);
}

/// Every UID in `cur/` once, and the count.
fn unique_uids(dir: &Path) -> HashSet<u32> {
    let names = cur(dir);
    let uids: HashSet<u32> =
        names.iter().map(|n| n.split_once('_').unwrap().1.split_once('.').unwrap().0.parse().unwrap()).collect();
    assert_eq!(uids.len(), names.len(), "a UID with two files: {names:?}");
    uids
}

#[test]
fn an_interrupted_backup_goes_on_where_it_stopped() {
    let c = fill("bk-resume", 30);
    let dir = TempDir::new("resume");
    let mbox = dir.path().join("bk-resume");
    ok(&cli("alice", &["backup", "--to", dir.str(), "--mailbox", "bk-resume", "--chunk", "7"]));
    let complete: BTreeMap<String, Vec<u8>> =
        cur(&mbox).into_iter().map(|n| (n.clone(), std::fs::read(mbox.join("cur").join(&n)).unwrap())).collect();

    // As a run stopped after UID 10 leaves it: later files partly written to
    // tmp/ or renamed into cur/ without the state knowing (the state is
    // written after the messages), and the state of the last finished chunk.
    let mut s = state(&mbox);
    let messages = s["messages"].as_object_mut().unwrap();
    let later: Vec<String> = messages.keys().filter(|k| k.parse::<u32>().unwrap() > 10).cloned().collect();
    for (i, uid) in later.iter().enumerate() {
        let file = messages[uid]["file"].as_str().unwrap().to_owned();
        if i % 3 != 0 {
            std::fs::remove_file(mbox.join("cur").join(&file)).unwrap();
        }
        messages.remove(uid);
    }
    std::fs::write(mbox.join("tmp").join("half-written"), b"From: x\r\n").unwrap();
    s["last_uid"] = 10.into();
    s["highest_modseq"] = Value::Null;
    s["uid_next"] = Value::Null;
    write_state(&mbox, &s);

    let ev = events(&cli("alice", &["backup", "--to", dir.str(), "--mailbox", "bk-resume", "--json"]));
    assert_eq!(done(&ev, "bk-resume")["new_messages"], 20, "{ev:?}");
    let again: BTreeMap<String, Vec<u8>> =
        cur(&mbox).into_iter().map(|n| (n.clone(), std::fs::read(mbox.join("cur").join(&n)).unwrap())).collect();
    assert!(again == complete, "the resumed copy differs from the complete one");
    assert_eq!(std::fs::read_dir(mbox.join("tmp")).unwrap().count(), 0);
    assert_eq!(state(&mbox)["messages"].as_object().unwrap().len(), 30);
    assert_eq!(unique_uids(&mbox).len(), 30);
    drop(c.logout());
}

/// The server's copy of `mailbox`: UID -> `BODY[]`.
fn bodies(c: &mut Client, mailbox: &str) -> BTreeMap<u32, Vec<u8>> {
    c.select_folder(mailbox, true).unwrap();
    let items = vec![FetchAttr::Uid, FetchAttr::peek(Section::full())];
    c.fetch(1.., items).unwrap().iter().map(|f| (f.uid().unwrap(), f.section("").unwrap().to_vec())).collect()
}

/// The backup's copy in `dir`'s `cur/`: UID -> file contents.
fn backed_up(dir: &Path) -> BTreeMap<u32, Vec<u8>> {
    let uids = unique_uids(dir);
    let mut out = BTreeMap::new();
    for name in cur(dir) {
        let uid = name.split_once('_').unwrap().1.split_once('.').unwrap().0.parse().unwrap();
        out.insert(uid, std::fs::read(dir.join("cur").join(&name)).unwrap());
    }
    assert_eq!(out.len(), uids.len());
    out
}

#[test]
fn a_killed_backup_resumes_without_duplicates() {
    use std::os::unix::process::ExitStatusExt;
    let n = 400;
    let mut c = fill("bk-kill", n);
    let server = bodies(&mut c, "bk-kill");
    assert_eq!(server.len(), n);
    let dir = TempDir::new("kill");
    let mbox = dir.path().join("bk-kill");
    // Killed once the first chunk is on disk, which leaves 79 more chunks of
    // 5, one at a time: the kill must land before the backup finished, or
    // nothing is resumed. Should the run have finished first anyway (a very
    // slow kill), start over in an empty directory, a few times.
    let mut attempts = 0;
    let (partial, in_state) = loop {
        attempts += 1;
        let _ = std::fs::remove_dir_all(&mbox);
        let mut child = command(
            "alice",
            &["backup", "--to", dir.str(), "--mailbox", "bk-kill", "--chunk", "5", "--in-flight", "1", "--json"],
        )
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
        let stdout = child.stdout.take().unwrap();
        for line in BufReader::new(stdout).lines() {
            if line.unwrap().contains("\"progress\"") {
                break;
            }
        }
        child.kill().unwrap();
        let status = child.wait().unwrap();
        let partial = unique_uids(&mbox).len();
        let in_state = state(&mbox)["messages"].as_object().unwrap().len();
        if status.signal() == Some(9) && partial < n {
            break (partial, in_state);
        }
        assert!(attempts < 3, "the backup finished before the kill {attempts} times ({status}, {partial} files)");
    };
    // The state names only whole chunks, each of whose files is in cur/
    // (written first); cur/ may hold more, renamed after the state was saved.
    assert!(in_state >= 5 && in_state % 5 == 0 && in_state <= partial, "{in_state} in the state, {partial} files");
    assert!(partial < n, "{partial} files: the kill came after the end");

    let ev = events(&cli("alice", &["backup", "--to", dir.str(), "--mailbox", "bk-kill", "--json"]));
    let finished = done(&ev, "bk-kill");
    // A resume: only what the state did not have is fetched again.
    assert_eq!(finished["new_messages"], n - in_state, "{finished}");
    assert_eq!(finished["total_messages"], n, "{finished}");
    assert_eq!(state(&mbox)["messages"].as_object().unwrap().len(), n);
    // Every message once, byte for byte the server's.
    let copy = backed_up(&mbox);
    assert_eq!(copy.keys().collect::<Vec<_>>(), server.keys().collect::<Vec<_>>());
    for (uid, bytes) in &copy {
        assert!(bytes == &server[uid], "UID {uid}: the backed-up file differs from the server's message");
    }
    drop(c.logout());
}

#[test]
fn a_changed_uidvalidity_starts_the_mailbox_over_and_keeps_the_old_copy() {
    let _ = fill("bk-uv", 3);
    let dir = TempDir::new("uv");
    let mbox = dir.path().join("bk-uv");
    ok(&cli("alice", &["backup", "--to", dir.str(), "--mailbox", "bk-uv"]));
    let real = state(&mbox)["uid_validity"].clone();
    let mut s = state(&mbox);
    s["uid_validity"] = 12345.into();
    write_state(&mbox, &s);

    let ev = events(&cli("alice", &["backup", "--to", dir.str(), "--mailbox", "bk-uv", "--json"]));
    let changed = ev.iter().find(|e| e["event"] == "uidvalidity_changed").expect("an event");
    assert_eq!((changed["old"].as_u64(), &changed["new"]), (Some(12345), &real));
    assert_eq!(done(&ev, "bk-uv")["new_messages"], 3);
    let aside = dir.path().join("bk-uv.uidvalidity-12345");
    assert_eq!(cur(&aside).len(), 3);
    assert_eq!(state(&aside)["retired"], true);
    assert_eq!(cur(&mbox).len(), 3);
    assert_eq!(state(&mbox)["uid_validity"], real);

    // Restore leaves the old copy alone.
    let ev = events(&cli("alice", &["restore", "--from", dir.str(), "--json"]));
    let starts: Vec<_> = ev.iter().filter(|e| e["event"] == "start").collect();
    assert_eq!(starts.len(), 1, "{ev:?}");
    assert_eq!(done(&ev, "bk-uv")["already_present"], 3);
}

/// A scripted server whose LIST names try to leave the backup directory
/// (Dovecot refuses to create such names, so it cannot play this part).
fn hostile_server() -> u16 {
    use std::io::Write;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut out = stream.try_clone().unwrap();
        out.write_all(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hostile\r\n").unwrap();
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { return };
            let mut words = line.split(' ');
            let (tag, verb) = (words.next().unwrap_or("*"), words.next().unwrap_or("").to_ascii_uppercase());
            let reply = match verb.as_str() {
                "CAPABILITY" => format!("* CAPABILITY IMAP4rev1\r\n{tag} OK done\r\n"),
                "LOGIN" => format!("{tag} OK logged in\r\n"),
                "LIST" => format!(
                    "* LIST () \"/\" \"../evil\"\r\n* LIST () \"/\" \"/tmp/evil\"\r\n\
                     * LIST () \"/\" \"a/../../evil\"\r\n* LIST () NIL \"..\"\r\n\
                     * LIST () \".\" \"x..y\"\r\n{tag} OK done\r\n"
                ),
                "LOGOUT" => format!("* BYE bye\r\n{tag} OK done\r\n"),
                _ => format!("{tag} BAD what\r\n"),
            };
            if out.write_all(reply.as_bytes()).is_err() || verb == "LOGOUT" {
                return;
            }
        }
    });
    port
}

#[test]
fn a_mailbox_name_cannot_leave_the_backup_directory() {
    let parent = TempDir::new("escape");
    let dir = parent.path().join("backup");
    let port = hostile_server();
    let out = Command::new(env!("CARGO_BIN_EXE_imap-cli"))
        .args(["--host", "127.0.0.1", "--port", &port.to_string(), "--plain", "--allow-plaintext-login"])
        .args(["--user", "alice", "backup", "--to", dir.to_str().unwrap(), "--all"])
        .env("IMAP_PASSWORD", "x")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    ok(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("skipping mailbox").count(), 5, "{stderr}");
    let entries: Vec<_> = std::fs::read_dir(parent.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(entries, vec![std::ffi::OsString::from("backup")]);
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
    assert!(!std::env::temp_dir().join("evil").exists());
}

#[test]
fn config_backs_up_several_accounts_at_once() {
    let _ = fill("bk-multi", 12);
    let mut bob = client("bob");
    ensure_mailbox(&mut bob, "bk-multi-bob");
    bob.append("bk-multi-bob", &message("bk-multi-bob", 1), &[Flag::Seen], None).unwrap();
    let d = dovecot();
    let dir = TempDir::new("multi");
    let config = dir.path().join("accounts.toml");
    std::fs::write(
        &config,
        format!(
            r#"
[[account]]
name = "alice"
host = "localhost"
port = {tls}
security = "tls"
user = "alice"
password_command = "echo alice-pass"
ca_file = "{ca}"
mailboxes = ["bk-multi"]

[[account]]
name = "bob"
host = "localhost"
port = {plain}
security = "starttls"
user = "bob"
password_command = "printf bob-pass"
ca_file = "{ca}"
mailboxes = ["bk-multi-bob"]
"#,
            tls = d.tls_port,
            plain = d.port,
            ca = d.ca().display()
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    let ev = events(
        &Command::new(env!("CARGO_BIN_EXE_imap-cli"))
            .args(["backup", "--config", config.to_str().unwrap(), "--to", out.to_str().unwrap(), "--json"])
            .stdin(Stdio::null())
            .output()
            .unwrap(),
    );
    let finished: Vec<_> = ev.iter().filter(|e| e["event"] == "finished").collect();
    assert_eq!(finished.len(), 2, "{ev:?}");
    assert!(finished.iter().all(|e| e["ok"] == true), "{ev:?}");
    assert_eq!(cur(&out.join("alice").join("bk-multi")).len(), 12);
    assert_eq!(cur(&out.join("bob").join("bk-multi-bob")).len(), 1);

    // A wrong password fails that account only, with the login status.
    std::fs::write(&config, std::fs::read_to_string(&config).unwrap().replace("printf bob-pass", "echo wrong"))
        .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_imap-cli"))
        .args(["backup", "--config", config.to_str().unwrap(), "--to", dir.path().join("out2").to_str().unwrap()])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5), "{out:?}");
    assert_eq!(cur(&dir.path().join("out2").join("alice").join("bk-multi")).len(), 12);
}

/// The file names in `dir`'s `expunged/`.
fn expunged(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir.join("expunged")) else { return Vec::new() };
    let mut names: Vec<String> = entries.map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    names
}

#[test]
fn messages_expunged_on_the_server_move_aside_or_are_pruned() {
    let mut c = fill("bk-expunge", 4);
    let dir = TempDir::new("expunge");
    let mbox = dir.path().join("bk-expunge");
    let backup = |extra: &[&str]| {
        let mut args = vec!["backup", "--to", dir.str(), "--mailbox", "bk-expunge", "--json"];
        args.extend_from_slice(extra);
        events(&cli("alice", &args))
    };
    assert_eq!(done(&backup(&[]), "bk-expunge")["new_messages"], 4);
    c.select_folder("bk-expunge", false).unwrap();
    let uids = c.search(imap_core::command::SearchKey::All).unwrap();
    let expunge = |c: &mut Client, uid: u32| {
        c.add_flags(uid, &[Flag::Deleted]).unwrap();
        c.uid_expunge(uid).unwrap();
    };

    // One gone: its file moves to expunged/, the others stay.
    expunge(&mut c, uids[0]);
    let ev = backup(&[]);
    assert_eq!(done(&ev, "bk-expunge")["expunged"], 1, "{ev:?}");
    // Dovecot offers QRESYNC: EXAMINE itself named the expunged UID.
    assert_eq!(done(&ev, "bk-expunge")["qresync"], true, "{ev:?}");
    assert_eq!(done(&ev, "bk-expunge")["total_messages"], 3, "{ev:?}");
    let aside = expunged(&mbox);
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert!(aside[0].contains(&format!("_{}.imapcli", uids[0])), "{aside:?}");
    assert_eq!(cur(&mbox).len(), 3);
    assert!(state(&mbox)["messages"].get(uids[0].to_string()).is_none());
    // Nothing more gone: nothing more moves.
    assert_eq!(done(&backup(&[]), "bk-expunge")["expunged"], 0);

    // With --prune the file goes for good.
    expunge(&mut c, uids[1]);
    let ev = backup(&["--prune"]);
    assert_eq!(done(&ev, "bk-expunge")["expunged"], 1, "{ev:?}");
    assert_eq!(expunged(&mbox).len(), 1);
    assert_eq!(cur(&mbox).len(), 2);

    // Without HIGHESTMODSEQ in the state: no QRESYNC and no CONDSTORE
    // shortcut, the UID comparison (UID SEARCH) finds it.
    let mut s = state(&mbox);
    s["highest_modseq"] = Value::Null;
    write_state(&mbox, &s);
    expunge(&mut c, uids[2]);
    let ev = backup(&[]);
    assert_eq!(done(&ev, "bk-expunge")["expunged"], 1, "{ev:?}");
    assert_eq!(done(&ev, "bk-expunge")["qresync"], false, "{ev:?}");
    assert_eq!(expunged(&mbox).len(), 2);
    assert_eq!(cur(&mbox).len(), 1);

    // The mailbox emptied: the last copy is set aside too.
    expunge(&mut c, uids[3]);
    let ev = backup(&[]);
    assert_eq!(done(&ev, "bk-expunge")["expunged"], 1, "{ev:?}");
    assert_eq!(expunged(&mbox).len(), 3);
    assert!(cur(&mbox).is_empty());
    let text = ok(&cli("alice", &["backup", "--to", dir.str(), "--mailbox", "bk-expunge"]));
    assert!(text.contains("0 in the backup"), "{text}");
}

#[test]
fn two_backups_of_one_directory_do_not_run_at_once() {
    let _ = fill("bk-lock", 1);
    let dir = TempDir::new("lock");
    let lock = dir.path().join(".imap-cli-backup.lock");
    // A live process holds it: this test's own.
    std::fs::write(&lock, format!("{}\n", std::process::id())).unwrap();
    let out = cli("alice", &["backup", "--to", dir.str(), "--mailbox", "bk-lock"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let why = String::from_utf8_lossy(&out.stderr);
    assert!(why.contains(&format!("another backup is running there (process {}", std::process::id())), "{why}");
    assert!(!dir.path().join("bk-lock").exists());

    // A lock whose process is gone is taken over, and removed at the end.
    let mut gone = Command::new("true").spawn().unwrap();
    let pid = gone.id();
    gone.wait().unwrap();
    std::fs::write(&lock, format!("{pid}\n")).unwrap();
    let out = cli("alice", &["backup", "--to", dir.str(), "--mailbox", "bk-lock"]);
    ok(&out);
    assert!(String::from_utf8_lossy(&out.stderr).contains("taking over a lock"), "{out:?}");
    assert_eq!(cur(&dir.path().join("bk-lock")).len(), 1);
    assert!(!lock.exists());
}

/// `imap-cli ARGS > out` run by script(1), whose pseudo-terminal is then its
/// stderr only; what reached the terminal and what reached stdout.
fn on_a_terminal(env: &str, args: &[&str], dir: &TempDir) -> (String, String) {
    let d = dovecot();
    let out = dir.path().join("stdout.txt");
    let tty = dir.path().join("tty.txt");
    let command = format!(
        "{env} IMAP_PASSWORD=alice-pass {} --host localhost --port {} --ca-file {} --user alice {} > {}",
        env!("CARGO_BIN_EXE_imap-cli"),
        d.tls_port,
        d.ca().display(),
        args.join(" "),
        out.display()
    );
    let status = Command::new("script").args(["-q", "-e", "-c", &command]).arg(&tty).stdout(Stdio::null()).status();
    assert!(status.expect("script(1) from util-linux runs").success());
    let read = |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap()).into_owned();
    (read(&tty), read(&out))
}

#[test]
fn progress_goes_to_a_terminal_on_stderr_only() {
    let _ = fill("bk-progress", 3);
    let dir = TempDir::new("progress");
    let to = dir.path().join("b");
    let args = ["backup", "--to", to.to_str().unwrap(), "--mailbox", "bk-progress"];
    let (tty, stdout) = on_a_terminal("", &args, &dir);
    assert!(tty.contains("msgs") && tty.contains("\x1b[36m"), "bars in colour on the terminal: {tty:?}");
    assert!(stdout.starts_with("bk-progress: 3 new") && !stdout.contains('\x1b'), "{stdout:?}");

    let (tty, _) = on_a_terminal("NO_COLOR=1", &args, &dir);
    assert!(tty.contains("msgs") && !tty.contains("\x1b[36m"), "bars without colour: {tty:?}");
    for (env, extra) in [("TERM=dumb", None), ("", Some("--quiet"))] {
        let mut quiet = args.to_vec();
        quiet.extend(extra);
        let (tty, stdout) = on_a_terminal(env, &quiet, &dir);
        assert!(!tty.contains("msgs"), "{env} {extra:?}: {tty:?}");
        assert!(stdout.starts_with("bk-progress: 0 new"), "{stdout:?}");
    }
}
