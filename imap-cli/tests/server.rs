//! imap-cli's server commands against a real Dovecot on 127.0.0.1.

mod common;

use common::support::dovecot;
use common::{bare, cli, client, command, json_lines, ok};
use imap_core::types::Flag;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Output, Stdio};
use std::sync::Once;

/// Seeds bob once per test binary: 5 INBOX messages and the seed's folders.
fn seeded() {
    static SEED: Once = Once::new();
    SEED.call_once(|| dovecot().seed("bob", 5));
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn message(subject: &str) -> String {
    format!("From: Carol <carol@example.org>\nSubject: {subject}\nMessage-ID: <{subject}@imap-cli.invalid>\n\nHello.\n")
}

#[test]
fn demo_prints_capabilities_then_the_mailboxes_as_python_does() {
    seeded();
    let text = ok(&cli(&["demo"]));
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("Capabilities: IMAP4rev1"), "{text}");
    assert_eq!(lines[1], "Listing mailboxes:", "{text}");
    assert!(lines.contains(&format!("  {:<30}/ 日本語", "\\HasNoChildren").as_str()), "{text}");
    assert!(lines.contains(&format!("  {:<30}/ Projekte/Köln", "\\HasNoChildren").as_str()), "{text}");
    assert!(lines.contains(&format!("  {:<30}/ Sent", "\\HasNoChildren \\Sent").as_str()), "{text}");
    assert!(lines.iter().any(|l| l.starts_with("INBOX: messages=")), "{text}");
}

#[test]
fn capabilities_as_text_and_json() {
    let text = ok(&cli(&["capabilities"]));
    assert!(text.split_whitespace().any(|c| c == "IDLE"), "{text}");
    let json = json_lines(&cli(&["capabilities", "--json"]));
    assert!(json[0].as_array().unwrap().len() > 3);
}

#[test]
fn list_decodes_names_and_json_keeps_the_raw_form() {
    seeded();
    let text = ok(&cli(&["list"]));
    assert!(text.lines().any(|l| l.ends_with("/ Entwürfe")), "{text}");
    let json = json_lines(&cli(&["--json", "list"]));
    let entry = json.iter().find(|m| m["mailbox"]["name"] == "Entwürfe").expect("Entwürfe listed");
    assert_eq!(entry["mailbox"]["raw"], "Entw&APw-rfe");
    assert!(json.iter().any(|m| m["attributes"].as_array().unwrap().iter().any(|a| a == "\\Sent")));
    let one_level = json_lines(&cli(&["--json", "list", "Projekte/%"]));
    assert_eq!(one_level.len(), 1);
    assert_eq!(one_level[0]["mailbox"]["name"], "Projekte/Köln");
}

#[test]
fn status_and_select() {
    seeded();
    let text = ok(&cli(&["status", "INBOX"]));
    assert!(text.starts_with("INBOX: messages="), "{text}");
    let status = json_lines(&cli(&["--json", "status", "INBOX"]));
    let messages = status[0].as_array().unwrap().iter().find(|i| i["att"] == "messages").unwrap()["value"].clone();
    assert!(messages.as_u64().unwrap() >= 5);

    let text = ok(&cli(&["select", "Archive/2024", "--read-only"]));
    assert!(text.contains("read-only:       yes"), "{text}");
    let selected = json_lines(&cli(&["--json", "select", "日本語"]));
    assert_eq!(selected[0]["name"], "日本語");
    assert!(selected[0]["uid_validity"].as_u64().is_some());
}

#[test]
fn search_and_fetch_as_table_and_json() {
    seeded();
    let uids = json_lines(&cli(&["--json", "search", "INBOX", "--subject", "message"]));
    assert!(!uids[0].as_array().unwrap().is_empty());
    let text = ok(&cli(&["search", "INBOX", "--subject", "Grüße"]));
    assert!(text.split_whitespace().all(|u| u.parse::<u32>().is_ok()) && !text.trim().is_empty(), "{text}");

    let table = ok(&cli(&["fetch", "INBOX", "1:5"]));
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 6, "{table}");
    let header = lines[0];
    assert!(header.trim_start().starts_with("UID") && header.ends_with("SUBJECT"), "{table}");
    for column in ["DATE", "SIZE", "FLAGS", "FROM"] {
        assert!(header.contains(column), "{table}");
    }
    // Aligned: every row's date starts under DATE, its subject under SUBJECT (in characters).
    let column = |name: &str| header[..header.find(name).unwrap()].chars().count();
    for line in &lines[1..] {
        let date: String = line.chars().skip(column("DATE")).take(5).collect();
        assert_eq!(date, "2024-", "{table}");
        let before_subject: String = line.chars().take(column("SUBJECT")).collect();
        assert!(before_subject.ends_with("  "), "{table}");
    }
    assert!(table.contains("Alternative message 1"), "{table}");
    assert!(table.contains("Grüße aus Köln – Nachricht 4"), "RFC 2047 subjects decode: {table}");
    assert!(table.contains("Zoë Ünïcode"), "{table}");

    let fetched = json_lines(&cli(&["--json", "fetch", "INBOX", "1:3"]));
    assert_eq!(fetched.len(), 3);
    assert!(fetched.iter().all(|m| m["uid"].as_u64().is_some() && m["subject_raw"].is_string()), "{fetched:?}");

    let large = ok(&cli(&["fetch", "Archive/2024"]));
    assert!(large.contains("A large message (about 1 MB)"), "{large}");
}

#[test]
fn append_from_stdin_then_fetch_it_back() {
    with_mailbox("cli-append").logout().unwrap();
    let mut child = command(&["append", "cli-append", "-", "--flag", "\\Seen", "--flag", "$Label2"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(message("appended-from-stdin").as_bytes()).unwrap();
    let text = ok(&child.wait_with_output().unwrap());
    let uid: u32 = text
        .split("UID ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|uid| uid.parse().ok())
        .unwrap_or_else(|| panic!("no APPENDUID in {text:?}"));
    let table = ok(&cli(&["fetch", "cli-append", &uid.to_string()]));
    let row = table.lines().nth(1).unwrap_or_else(|| panic!("{table}"));
    assert!(row.trim_start().starts_with(&uid.to_string()), "{table}");
    assert!(
        row.contains("\\Seen")
            && row.contains("$Label2")
            && row.contains("Carol")
            && row.ends_with("appended-from-stdin"),
        "{table}"
    );

    let path = std::env::temp_dir().join(format!("imap-cli-append-{}.eml", std::process::id()));
    std::fs::write(&path, message("appended-from-a-file")).unwrap();
    let json = json_lines(&cli(&["--json", "append", "cli-append", path.to_str().unwrap()]));
    std::fs::remove_file(&path).ok();
    assert!(json[0]["uid"].as_u64().unwrap() > u64::from(uid));
}

#[test]
fn move_to_another_mailbox() {
    with_mailbox("cli-move-to").logout().unwrap();
    let mut c = with_mailbox("cli-move-from");
    let appended = c.append("cli-move-from", message("to-be-moved").as_bytes(), &[], None).unwrap().unwrap();
    c.logout().unwrap();

    let text = ok(&cli(&["move", "cli-move-from", &appended.uid.to_string(), "cli-move-to"]));
    assert!(text.starts_with(&format!("moved cli-move-from UIDs {} to cli-move-to as UIDs ", appended.uid)), "{text}");
    let moved = ok(&cli(&["fetch", "cli-move-to"]));
    assert!(moved.contains("to-be-moved"), "{moved}");
    let left = ok(&cli(&["fetch", "cli-move-from", &appended.uid.to_string()]));
    assert!(!left.contains("to-be-moved"), "{left}");
    // Moving it again: the server says OK, and nothing moved (seen with Courier).
    let again = ok(&cli(&["move", "cli-move-from", &appended.uid.to_string(), "cli-move-to"]));
    assert_eq!(again, "no message moved: none of these UIDs is in cli-move-from\n");
}

/// A client of bob's with `name` created if it was not there. CREATE and
/// ALREADYEXISTS, not LIST first: the seeding of bob's account in another
/// test may be under way, and a LIST then can miss a mailbox that is there.
fn with_mailbox(name: &str) -> imap_core::client::Client {
    use imap_core::session::Error;
    use imap_core::types::{Code, ErrorCode};
    let mut c = client();
    match c.create_folder(name) {
        Ok(()) | Err(Error::No { code: Some(Code::Error(ErrorCode::AlreadyExists)), .. }) => c,
        Err(e) => panic!("CREATE {name}: {e}"),
    }
}

/// imap-cli started with `args` (an `idle` command), once it says it idles;
/// its stderr, past that line.
fn idle(args: &[&str]) -> (std::process::Child, BufReader<std::process::ChildStderr>) {
    let mut child = command(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut errors = BufReader::new(child.stderr.take().unwrap());
    let mut ready = String::new();
    errors.read_line(&mut ready).unwrap();
    assert!(ready.starts_with(&format!("imap-cli: idling in {}", args[1])), "{ready}");
    (child, errors)
}

#[test]
fn idle_shows_a_message_appended_meanwhile() {
    let mut c = with_mailbox("cli-idle");
    let (child, mut errors) = idle(&["idle", "cli-idle", "--seconds", "2"]);
    c.append("cli-idle", message("while-idling").as_bytes(), &[], None).unwrap();
    c.logout().unwrap();
    let started = std::time::Instant::now();
    let out = child.wait_with_output().unwrap();
    let mut rest = String::new();
    errors.read_to_string(&mut rest).unwrap();
    assert_eq!(out.status.code(), Some(0), "{rest}");
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().any(|l| l.starts_with("* ") && l.ends_with(" EXISTS")), "{text}");
}

#[test]
fn ctrl_c_ends_idle_and_logs_out() {
    // Ctrl-C used to kill the process in IDLE (no DONE, no LOGOUT); now IDLE
    // ends and the command finishes: exit status 0, not death by SIGINT.
    with_mailbox("cli-idle-int").logout().unwrap();
    let (child, mut errors) = idle(&["idle", "cli-idle-int"]);
    let started = std::time::Instant::now();
    let kill = Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill(1) runs");
    assert!(kill.success());
    let out = child.wait_with_output().unwrap();
    let mut rest = String::new();
    errors.read_to_string(&mut rest).unwrap();
    assert_eq!(out.status.code(), Some(0), "{:?} {rest}", out.status);
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
}

#[test]
fn exit_status_3_when_nothing_listens() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let out = bare().args(["--host", "127.0.0.1", "--port", &port.to_string(), "capabilities"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).starts_with("imap-cli: cannot connect: "), "{}", stderr(&out));
    assert!(stderr(&out).contains(&format!(":{port}")), "{}", stderr(&out));
}

#[test]
fn exit_status_4_for_an_untrusted_certificate() {
    let d = dovecot();
    let out = bare().args(["--host", "localhost", "--port", &d.tls_port.to_string(), "capabilities"]).output().unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stderr(&out).starts_with("imap-cli: TLS failed"), "{}", stderr(&out));
    // The same over STARTTLS.
    let out = bare()
        .args(["--host", "localhost", "--port", &d.port.to_string(), "--starttls", "capabilities"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
}

#[test]
fn starttls_with_the_ca_works() {
    let d = dovecot();
    let out = bare()
        .args(["--host", "localhost", "--port", &d.port.to_string(), "--starttls", "--user", "bob"])
        .args(["--ca-file", d.ca().to_str().unwrap(), "capabilities"])
        .env("IMAP_PASSWORD", "bob-pass")
        .output()
        .unwrap();
    assert!(ok(&out).contains("IMAP4rev1"));
}

#[test]
fn exit_status_5_for_a_wrong_password_or_a_plaintext_login() {
    let out = command(&["capabilities"]).env("IMAP_PASSWORD", "nope").output().unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(stderr(&out).starts_with("imap-cli: LOGIN failed (NO"), "{}", stderr(&out));

    let d = dovecot();
    let out = bare()
        .args(["--host", "localhost", "--port", &d.port.to_string(), "--plain", "--user", "bob", "capabilities"])
        .env("IMAP_PASSWORD", "bob-pass")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(stderr(&out).contains("not encrypted"), "{}", stderr(&out));
}

#[test]
fn exit_status_6_when_the_server_refuses_a_command() {
    let out = cli(&["select", "no-such-mailbox"]);
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(stderr(&out).starts_with("imap-cli: SELECT failed (NO"), "{}", stderr(&out));
}

#[test]
fn exit_status_2_for_usage_errors() {
    let out = cli(&["fetch", "INBOX", "not-a-set"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).starts_with("imap-cli: bad UID set"), "{}", stderr(&out));
    // No password: stdin is not a terminal, so no prompt.
    let out = command(&["capabilities"]).env_remove("IMAP_PASSWORD").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("IMAP_PASSWORD"), "{}", stderr(&out));
    let out = cli(&["--plain", "--starttls", "capabilities"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = cli(&["append", "INBOX", "/nonexistent/message.eml"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn help_documents_the_exit_statuses() {
    let out = bare().arg("--help").output().unwrap();
    let text = ok(&out);
    for line in ["  3  the server could not be reached", "  5  login failed", "  7  timed out"] {
        assert!(text.contains(line), "{text}");
    }
}

#[test]
fn a_closed_stdout_ends_the_command_without_a_panic() {
    // `imap-cli list | head -0`: the reader is gone before anything is written.
    let mut child = command(&["list"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    drop(child.stdout.take());
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(2), "{err}");
    assert!(err.contains("cannot write the output") && !err.contains("panicked"), "{err}");
}

#[test]
fn help_shows_a_config_example_and_a_days_use() {
    let text = ok(&bare().arg("--help").output().unwrap());
    for line in ["[[account]]", "password_command = ", "token_command = ", "imap-cli fetch INBOX", "NO_COLOR"] {
        assert!(text.contains(line), "{line} missing from {text}");
    }
}

#[test]
fn completions_and_man_page_come_from_the_command_line_definition() {
    let bash = ok(&bare().args(["completions", "bash"]).output().unwrap());
    assert!(bash.contains("_imap__cli()") && bash.contains("--token-command") && bash.contains("rmdir"), "{bash}");
    let zsh = ok(&bare().args(["completions", "zsh"]).output().unwrap());
    assert!(zsh.starts_with("#compdef imap-cli"), "{zsh}");
    let man = ok(&bare().arg("man").output().unwrap());
    assert!(man.starts_with(".ie") || man.contains(".TH imap-cli"), "{man}");
    assert!(man.contains("password\\-command"), "{man}");
    let out = bare().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn quiet_drops_notes_from_stderr() {
    with_mailbox("cli-quiet").logout().unwrap();
    let out = cli(&["delete", "cli-quiet", "99999"]);
    assert!(stderr(&out).contains("no message deleted"), "{}", stderr(&out));
    let out = cli(&["--quiet", "delete", "cli-quiet", "99999"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn idle_json_spells_what_happened_as_imap_does() {
    let mut c = with_mailbox("cli-idle-json");
    let (child, _errors) = idle(&["idle", "cli-idle-json", "--seconds", "2", "--json"]);
    c.append("cli-idle-json", message("while-idling-json").as_bytes(), &[Flag::Seen], None).unwrap();
    c.logout().unwrap();
    let out = child.wait_with_output().unwrap();
    let lines: Vec<serde_json::Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(lines.iter().any(|l| l["exists"].as_u64().is_some()), "{lines:?}");
}
