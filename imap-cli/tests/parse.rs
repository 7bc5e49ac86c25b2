//! `imap-cli parse` as a user runs it: files, stdin, exit statuses, JSON.

use std::io::Write;
use std::process::{Command, Output, Stdio};

const CORE_DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../imap-core/tests/data");

fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_imap-cli"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("imap-cli runs");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8(out.stdout.clone()).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn every_rfc3501_example_parses_from_a_file() {
    for (file, count) in [("rfc3501-server-lines.txt", 138), ("rfc3501-section8.txt", 16), ("rfc3501-select.txt", 8)] {
        let out = run(&["parse", &format!("{CORE_DATA}/{file}")], b"");
        assert_eq!(out.status.code(), Some(0), "{file}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(json_lines(&out).len(), count, "{file}");
    }
}

#[test]
fn section_8_session_as_json() {
    let out = run(&["parse"], &std::fs::read(format!("{CORE_DATA}/rfc3501-section8.txt")).unwrap());
    assert_eq!(out.status.code(), Some(0));
    let lines = json_lines(&out);
    let fetch = &lines[8]["data"];
    assert_eq!(fetch["seq"], 12);
    let items = fetch["items"].as_array().unwrap();
    assert_eq!(items[1]["internal_date"], "1996-07-17T02:44:25-07:00");
    assert_eq!(items[3]["envelope"]["from"][0]["name"], "Terry Gray");
    assert_eq!(items[4]["body"]["single"]["kind"]["text"]["lines"], 92);
    let header = &lines[10]["data"]["items"][0]["body_section"];
    assert_eq!(header["section"]["text"], "header");
    assert!(header["data"].as_str().unwrap().starts_with("Date: Wed, 17 Jul 1996"));
}

#[test]
fn mailbox_names_are_decoded_and_kept_raw() {
    let out = run(&["parse", "-"], b"* LIST (\\HasNoChildren) \"/\" \"Entw&APw-rfe\"\r\n");
    let line = &json_lines(&out)[0];
    assert_eq!(line["data"]["mailbox"]["name"], "Entwürfe");
    assert_eq!(line["data"]["mailbox"]["raw"], "Entw&APw-rfe");
}

#[test]
fn malformed_responses_are_reported_and_parsing_goes_on() {
    let out = run(&["parse"], b"* 1 FETCH (UID (x)\r\n* 2 EXISTS\r\n* 3 FETCH (FLAGS (\\Seen)\r\n");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json_lines(&out).len(), 1);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 2, "{stderr}");
    assert!(stderr.contains("stream offset"), "{stderr}");
}

#[test]
fn hostile_literal_announcements_stay_bounded() {
    let out = run(&["parse"], b"* 1 FETCH (BODY[] {99999999999999}\r\n* 2 EXISTS\r\n");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json_lines(&out).len(), 1, "the response after the refused literal still parses");
}

#[test]
fn usage_and_io_errors_exit_2() {
    assert_eq!(run(&["parse", "/nonexistent/file"], b"").status.code(), Some(2));
    assert_eq!(run(&["frobnicate"], b"").status.code(), Some(2));
    assert_eq!(run(&["--help"], b"").status.code(), Some(0));
}
