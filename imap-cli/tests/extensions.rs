//! imap-cli's extension commands against a real Dovecot on 127.0.0.1:
//! namespace, quota, id, metadata, list --special-use / --status,
//! search --esearch, thread. Each test uses folders of its own.

mod common;

use common::support::dovecot;
use common::{cli, client, json_lines, ok};
use imap_core::types::Flag;

const SEEN: &[Flag<'static>] = &[Flag::Seen];
const NONE: &[Flag<'static>] = &[];

/// Creates `folder` (afresh) with `messages`, each with its flags.
fn folder_with(folder: &str, messages: &[(String, &[Flag<'static>])]) {
    let mut c = client();
    if c.folder_exists(folder).unwrap() {
        c.delete_folder(folder).unwrap();
    }
    // Sessions logging in at once (the tests run in parallel) may race
    // Dovecot's own mailbox setup: one retry.
    if let Err(first) = c.create_folder(folder) {
        std::thread::sleep(std::time::Duration::from_millis(200));
        if !c.folder_exists(folder).unwrap() {
            c.create_folder(folder).unwrap_or_else(|e| panic!("CREATE {folder}: {first}; then {e}"));
        }
    }
    for (message, flags) in messages {
        c.append(folder, message.replace('\n', "\r\n").as_bytes(), flags, None).unwrap();
    }
    c.logout().unwrap();
}

fn message(id: &str, subject: &str, date: &str, reply_to: Option<&str>) -> String {
    let refs = reply_to.map_or(String::new(), |r| format!("In-Reply-To: <{r}>\nReferences: <{r}>\n"));
    format!("From: Carol <carol@example.org>\nDate: {date}\nSubject: {subject}\nMessage-ID: <{id}>\n{refs}\nHello.\n")
}

#[test]
fn namespace_prints_the_personal_namespace() {
    let text = ok(&cli(&["namespace"]));
    assert!(text.lines().any(|l| l == "personal:    prefix \"\" delimiter '/'"), "{text}");
    assert!(text.lines().any(|l| l == "shared:      (none)"), "{text}");
    let json = json_lines(&cli(&["--json", "namespace"]));
    assert_eq!(json.len(), 1);
    assert_eq!(json[0]["personal"][0]["prefix"], "");
    assert_eq!(json[0]["personal"][0]["delimiter"], "/");
    assert_eq!(json[0]["other_users"], serde_json::json!([]));
}

#[test]
fn quota_prints_roots_and_storage() {
    let text = ok(&cli(&["quota"]));
    assert!(text.starts_with("INBOX: quota root \"User quota\""), "{text}");
    assert!(text.lines().any(|l| l.trim_start().starts_with("STORAGE") && l.contains("of 1048576 KiB")), "{text}");
    let json = json_lines(&cli(&["--json", "quota", "INBOX"]));
    assert_eq!(json[0]["mailbox"], "INBOX");
    assert_eq!(json[0]["roots"], serde_json::json!(["User quota"]));
    let storage = &json[0]["quotas"][0]["resources"][0];
    assert_eq!((storage["name"].as_str(), storage["limit"].as_u64()), (Some("STORAGE"), Some(1048576)));
    assert!(storage["usage"].as_u64().is_some());
}

#[test]
fn id_prints_the_servers_fields() {
    let text = ok(&cli(&["id"]));
    assert!(text.lines().any(|l| l.starts_with("name:") && l.contains("Dovecot")), "{text}");
    let json = json_lines(&cli(&["--json", "id"]));
    let fields = json[0]["fields"].as_array().unwrap();
    assert!(fields.iter().any(|f| f["name"] == "name" && f["value"] == "Dovecot"), "{json:?}");
}

#[test]
fn metadata_prints_the_values_set() {
    folder_with("cli-ext-metadata", &[]);
    let mut c = client();
    c.set_metadata("cli-ext-metadata", &[("/private/comment", Some(b"hello \"cli\""))]).unwrap();
    c.logout().unwrap();

    let text = ok(&cli(&["metadata", "cli-ext-metadata", "/private/comment", "/shared/comment"]));
    assert!(text.lines().any(|l| l == "cli-ext-metadata /private/comment: hello \"cli\""), "{text}");
    assert!(text.lines().any(|l| l == "cli-ext-metadata /shared/comment: NIL"), "{text}");
    let json = json_lines(&cli(&["--json", "metadata", "cli-ext-metadata", "/private/comment", "/shared/comment"]));
    assert_eq!(json.len(), 2, "{json:?}");
    let private = json.iter().find(|l| l["entry"] == "/private/comment").unwrap();
    assert_eq!((&private["mailbox"], &private["value"]), (&"cli-ext-metadata".into(), &"hello \"cli\"".into()));
    let shared = json.iter().find(|l| l["entry"] == "/shared/comment").unwrap();
    assert!(shared["value"].is_null(), "{json:?}");

    let missing = cli(&["metadata", "cli-ext-no-such-folder", "/private/comment"]);
    assert_eq!(missing.status.code(), Some(6), "{}", String::from_utf8_lossy(&missing.stderr));
}

#[test]
fn list_with_special_use_and_status() {
    folder_with(
        "cli-ext-status",
        &[
            (message("s1@cli", "one", "Mon, 1 Jan 2024 10:00:00 +0000", None), SEEN),
            (message("s2@cli", "two", "Mon, 1 Jan 2024 11:00:00 +0000", None), NONE),
        ],
    );
    let text = ok(&cli(&["list", "--status"]));
    assert!(text.lines().any(|l| l.ends_with("/ cli-ext-status  messages=2 unseen=1")), "{text}");
    let json = json_lines(&cli(&["--json", "list", "--status", "cli-ext-stat*"]));
    assert_eq!(json.len(), 1, "{json:?}");
    assert_eq!(json[0]["mailbox"]["name"], "cli-ext-status");
    let status = json[0]["status"].as_array().unwrap();
    assert!(status.iter().any(|i| i["att"] == "messages" && i["value"] == 2), "{json:?}");
    assert!(status.iter().any(|i| i["att"] == "unseen" && i["value"] == 1), "{json:?}");

    let text = ok(&cli(&["list", "--special-use"]));
    assert!(text.lines().any(|l| l == format!("{:<30}/ Sent", "\\Sent")), "{text}");
    assert!(text.lines().any(|l| l == format!("{:<30}/ Trash", "\\Trash")), "{text}");
    let json = json_lines(&cli(&["--json", "list", "--special-use", "--status", "Drafts"]));
    assert_eq!(json[0]["attributes"], serde_json::json!(["\\Drafts"]), "{json:?}");
    assert!(json[0]["status"].is_array(), "{json:?}");
    let text = ok(&cli(&["list", "--special-use", "--status", "Junk"]));
    assert_eq!(text.trim_end(), format!("{:<30}/ Junk  messages=0 unseen=0", "\\Junk"));
}

#[test]
fn search_prints_esearch_results() {
    folder_with(
        "cli-ext-search",
        &[
            (message("e1@cli", "alpha", "Mon, 1 Jan 2024 10:00:00 +0000", None), SEEN),
            (message("e2@cli", "beta Grüße", "Mon, 1 Jan 2024 11:00:00 +0000", None), NONE),
            (message("e3@cli", "alpha again", "Mon, 1 Jan 2024 12:00:00 +0000", None), NONE),
        ],
    );
    assert_eq!(ok(&cli(&["search", "cli-ext-search", "--esearch"])).trim_end(), "min=1 max=3 count=3 all=1:3");
    let alpha = ok(&cli(&["search", "cli-ext-search", "--esearch", "--subject", "alpha"]));
    assert_eq!(alpha.trim_end(), "min=1 max=3 count=2 all=1,3");
    let unseen = ok(&cli(&["search", "cli-ext-search", "--esearch", "--unseen", "--subject", "Grüße"]));
    assert_eq!(unseen.trim_end(), "min=2 max=2 count=1 all=2");
    assert_eq!(ok(&cli(&["search", "cli-ext-search", "--esearch", "--from", "nobody"])).trim_end(), "count=0");

    let json = json_lines(&cli(&["--json", "search", "cli-ext-search", "--esearch", "--subject", "alpha"]));
    assert_eq!(json.len(), 1);
    assert_eq!(
        (json[0]["min"].as_u64(), json[0]["max"].as_u64(), json[0]["count"].as_u64()),
        (Some(1), Some(3), Some(2))
    );
    assert_eq!(json[0]["uid"], true);
    assert_eq!(json[0]["all"], serde_json::json!([{"start": 1, "end": 1}, {"start": 3, "end": 3}]));
    // Without --esearch: plain SEARCH, UIDs.
    assert_eq!(ok(&cli(&["search", "cli-ext-search", "--subject", "alpha"])).trim_end(), "1 3");
}

#[test]
fn thread_prints_the_tree_with_subjects() {
    folder_with(
        "cli-ext-thread",
        &[
            (message("t1@cli", "Plans", "Mon, 1 Jan 2024 10:00:00 +0000", None), NONE),
            (message("t2@cli", "Lunch", "Mon, 1 Jan 2024 11:00:00 +0000", None), NONE),
            (message("t3@cli", "Re: Plans", "Mon, 1 Jan 2024 12:00:00 +0000", Some("t1@cli")), NONE),
            (message("t4@cli", "Re: Re: Plans", "Mon, 1 Jan 2024 13:00:00 +0000", Some("t3@cli")), NONE),
        ],
    );
    let text = ok(&cli(&["thread", "cli-ext-thread"]));
    assert_eq!(text, "1 Plans\n  3 Re: Plans\n    4 Re: Re: Plans\n2 Lunch\n", "{text}");
    let json = json_lines(&cli(&["--json", "thread", "cli-ext-thread", "--algorithm", "references"]));
    assert_eq!(json.len(), 2, "{json:?}");
    assert_eq!(json[0]["uid"], 1);
    assert_eq!(json[0]["subject"], "Plans");
    assert_eq!(json[0]["children"][0]["uid"], 3);
    assert_eq!(json[0]["children"][0]["children"][0]["subject"], "Re: Re: Plans");
    assert_eq!(json[1], serde_json::json!({"uid": 2, "subject": "Lunch", "subject_raw": "Lunch", "children": []}));

    // ORDEREDSUBJECT: by base subject, each reply under the first message.
    let text = ok(&cli(&["thread", "cli-ext-thread", "--algorithm", "orderedsubject"]));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "1 Plans", "{text}");
    assert!(lines.contains(&"2 Lunch") && lines.iter().any(|l| l.trim_start() == "4 Re: Re: Plans"), "{text}");
    // No grandchildren (RFC 5256 section 3): both replies one level down.
    let indented: Vec<&&str> = lines.iter().filter(|l| l.starts_with(' ')).collect();
    assert_eq!(indented.len(), 2, "{text}");
    assert!(indented.iter().all(|l| l.starts_with("  ") && !l.starts_with("   ")), "{text}");
}

#[test]
fn compress_works_with_any_command() {
    let d = dovecot();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_imap-cli"))
        .args(["--host", "localhost", "--port", &d.tls_port.to_string(), "--ca-file", d.ca().to_str().unwrap()])
        .args(["--user", "bob", "--compress", "--json", "list"])
        .env("IMAP_PASSWORD", "bob-pass")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"INBOX\""));
}
