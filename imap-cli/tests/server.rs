//! imap-cli's server commands against a real Dovecot on 127.0.0.1.

#[path = "../../imap-core/tests/support/dovecot.rs"]
mod support;

use std::process::{Command, Output};
use support::dovecot;

fn cli(args: &[&str]) -> Output {
    let d = dovecot();
    Command::new(env!("CARGO_BIN_EXE_imap-cli"))
        .args(["--host", "localhost", "--port", &d.tls_port.to_string(), "--tls", "implicit"])
        .args(["--ca-file", d.ca().to_str().unwrap(), "--user", "bob"])
        .args(args)
        .env("IMAP_PASSWORD", "bob-pass")
        .output()
        .expect("imap-cli runs")
}

fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn list_status_search_fetch_as_json() {
    dovecot().seed("bob", 5);
    let mailboxes = json_lines(&cli(&["--json", "list"]));
    assert!(mailboxes.iter().any(|m| m["mailbox"]["name"] == "INBOX"));
    assert!(mailboxes.iter().any(|m| m["attributes"].as_array().unwrap().iter().any(|a| a == "sent")));
    let status = json_lines(&cli(&["--json", "status", "INBOX"]));
    let messages = status[0].as_array().unwrap().iter().find(|i| i["att"] == "messages").unwrap()["value"].clone();
    assert!(messages.as_u64().unwrap() >= 5);
    let uids = json_lines(&cli(&["--json", "search", "INBOX", "--subject", "message"]));
    assert!(!uids[0].as_array().unwrap().is_empty());
    let fetched = json_lines(&cli(&["--json", "fetch", "INBOX", "1:3"]));
    assert_eq!(fetched.len(), 3);
    assert!(fetched[0]["items"].as_array().unwrap().iter().any(|i| i.get("envelope").is_some()));
}

#[test]
fn wrong_password_fails_with_the_servers_text() {
    let d = dovecot();
    let out = Command::new(env!("CARGO_BIN_EXE_imap-cli"))
        .args(["--host", "localhost", "--port", &d.tls_port.to_string(), "--ca-file", d.ca().to_str().unwrap()])
        .args(["--user", "bob", "capabilities"])
        .env("IMAP_PASSWORD", "nope")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("LOGIN failed (NO"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn an_untrusted_certificate_is_refused() {
    let d = dovecot();
    let out = Command::new(env!("CARGO_BIN_EXE_imap-cli"))
        .args(["--host", "localhost", "--port", &d.tls_port.to_string(), "capabilities"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).to_lowercase().contains("certificate"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
