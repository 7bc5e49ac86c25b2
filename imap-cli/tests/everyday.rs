//! The everyday verbs (flag, delete, copy, cat, mkdir, rename, rmdir,
//! fetch's latest 20) and decoded text, against the real Dovecot on
//! 127.0.0.1.

mod common;

use common::{cli, client, json_lines, ok};
use imap_core::client::Client;
use imap_core::types::Flag;
use std::process::Output;

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A client of bob's with `name` there and empty.
fn fresh(name: &str) -> Client {
    let mut c = client();
    if c.folder_exists(name).unwrap() {
        c.delete_folder(name).unwrap();
    }
    c.create_folder(name).unwrap();
    c
}

/// A message with CRLF line ends.
fn message(headers: &[&str], body: &str) -> Vec<u8> {
    let mut text = headers.join("\r\n");
    text.push_str("\r\n\r\n");
    text.push_str(&body.replace('\n', "\r\n"));
    text.into_bytes()
}

fn plain(subject: &str) -> Vec<u8> {
    message(
        &["From: Carol <carol@example.org>", &format!("Subject: {subject}"), &format!("Message-ID: <{subject}@cli>")],
        "Hello.\n",
    )
}

fn append(c: &mut Client, mailbox: &str, bytes: &[u8]) -> u32 {
    c.append(mailbox, bytes, &[], None).unwrap().expect("Dovecot reports APPENDUID").uid
}

fn flags_of(c: &mut Client, mailbox: &str, uid: u32) -> Vec<String> {
    c.select_folder(mailbox, true).unwrap();
    let fetched = c.fetch(uid, vec![imap_core::command::FetchAttr::Uid, imap_core::command::FetchAttr::Flags]).unwrap();
    let mut flags: Vec<String> = fetched[0].flags().unwrap().iter().map(Flag::to_string).collect();
    flags.sort();
    flags
}

fn uids(c: &mut Client, mailbox: &str) -> Vec<u32> {
    c.select_folder(mailbox, true).unwrap();
    c.search(imap_core::command::SearchKey::All).unwrap()
}

#[test]
fn koi8_r_gbk_and_iso_2022_jp_subjects_come_back_decoded() {
    let mut c = fresh("cli-charsets");
    for (subject, from) in [
        ("=?KOI8-R?B?8NLJ18XU?= report", "=?koi8-r?Q?=E9=D7=C1=CE?= <ivan@example.ru>"),
        ("=?GBK?B?xOO6ww==?= =?GBK?B?1tDOxA==?=", "=?GBK?B?1tDOxA==?= <li@example.cn>"),
        ("Re: =?ISO-2022-JP?B?GyRCRnxLXBsoQg==?=", "=?ISO-2022-JP?B?GyRCRnxLXBsoQg==?= <taro@example.jp>"),
    ] {
        let raw = message(&[&format!("From: {from}"), &format!("Subject: {subject}")], "x\n");
        append(&mut c, "cli-charsets", &raw);
    }
    c.logout().unwrap();

    let table = ok(&cli(&["fetch", "cli-charsets"]));
    for text in ["Привет report", "你好中文", "Re: 日本", "Иван", "中文", "日本"] {
        assert!(table.contains(text), "{text} missing from\n{table}");
    }
    assert!(!table.contains("=?"), "{table}");

    let json = json_lines(&cli(&["--json", "fetch", "cli-charsets"]));
    let subjects: Vec<(&str, &str)> =
        json.iter().map(|m| (m["subject"].as_str().unwrap(), m["subject_raw"].as_str().unwrap())).collect();
    assert_eq!(
        subjects,
        [
            ("Привет report", "=?KOI8-R?B?8NLJ18XU?= report"),
            ("你好中文", "=?GBK?B?xOO6ww==?= =?GBK?B?1tDOxA==?="),
            ("Re: 日本", "Re: =?ISO-2022-JP?B?GyRCRnxLXBsoQg==?="),
        ]
    );
    assert_eq!(json[0]["from"][0]["name"], "Иван");
    assert_eq!(json[0]["from"][0]["name_raw"], "=?koi8-r?Q?=E9=D7=C1=CE?=");
    assert_eq!(json[0]["from"][0]["email"], "ivan@example.ru");
    assert_eq!(json[1]["from"][0]["name"], "中文");
    assert_eq!(json[2]["from"][0]["name"], "日本");
}

#[test]
fn fetch_shows_the_latest_20_unless_told() {
    let mut c = fresh("cli-latest");
    let appended: Vec<u32> =
        (1..=23).map(|i| append(&mut c, "cli-latest", &plain(&format!("latest-{i:02}")))).collect();
    c.logout().unwrap();
    let rows = |args: &[&str]| {
        let text = ok(&cli(args));
        text.lines().skip(1).map(|l| l.split_whitespace().next().unwrap().parse::<u32>().unwrap()).collect::<Vec<_>>()
    };
    assert_eq!(rows(&["fetch", "cli-latest"]), appended[3..]);
    assert_eq!(rows(&["fetch", "cli-latest", "--all"]), appended);
    assert_eq!(rows(&["fetch", "cli-latest", "--last", "2"]), appended[21..]);
    assert_eq!(rows(&["fetch", "cli-latest", &appended[0].to_string()]), appended[..1]);
    let json = json_lines(&cli(&["--json", "fetch", "cli-latest", "--last", "1"]));
    assert_eq!(json.len(), 1);
    assert_eq!(json[0]["subject"], "latest-23");
    // Flags as IMAP spells them (\\Recent, for a fresh message on Dovecot).
    let flags = json[0]["flags"].as_array().unwrap();
    assert!(flags.iter().all(|f| f == "\\Recent"), "{flags:?}");
}

#[test]
fn flag_adds_removes_and_sets_by_uid_or_search() {
    let mut c = fresh("cli-flag");
    let one = append(&mut c, "cli-flag", &plain("flag-one"));
    let two = append(&mut c, "cli-flag", &plain("flag-two"));

    let text = ok(&cli(&["flag", "cli-flag", &one.to_string(), "--add", "\\Flagged", "--add", "$Work"]));
    assert!(text.starts_with(&format!("{one} ")) && text.contains("\\Flagged") && text.contains("$Work"), "{text}");
    assert_eq!(flags_of(&mut c, "cli-flag", one), ["$Work", "\\Flagged"]);
    assert_eq!(flags_of(&mut c, "cli-flag", two), Vec::<String>::new());

    let json = json_lines(&cli(&["--json", "flag", "cli-flag", &one.to_string(), "--remove", "\\Flagged"]));
    assert_eq!(json, [serde_json::json!({ "uid": one, "flags": ["$Work"] })]);

    let json = json_lines(&cli(&["--json", "flag", "cli-flag", &one.to_string(), "--set", "\\Seen"]));
    assert_eq!(json[0]["flags"], serde_json::json!(["\\Seen"]));
    assert_eq!(flags_of(&mut c, "cli-flag", one), ["\\Seen"]);
    // `--set ''` clears them.
    ok(&cli(&["flag", "cli-flag", &one.to_string(), "--set", ""]));
    assert_eq!(flags_of(&mut c, "cli-flag", one), Vec::<String>::new());
    ok(&cli(&["flag", "cli-flag", &one.to_string(), "--set", "\\Seen"]));

    // By search: only the message whose subject matches.
    ok(&cli(&["flag", "cli-flag", "--subject", "flag-two", "--add", "\\Answered"]));
    assert_eq!(flags_of(&mut c, "cli-flag", two), ["\\Answered"]);
    assert_eq!(flags_of(&mut c, "cli-flag", one), ["\\Seen"]);

    // A flag with a line break never reaches the wire as a command.
    let out = cli(&["flag", "cli-flag", &one.to_string(), "--add", "x\r\nA1 DELETE cli-flag"]);
    assert_ne!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("invalid flag"), "{}", stderr(&out));
    assert!(c.folder_exists("cli-flag").unwrap());
    assert_eq!(flags_of(&mut c, "cli-flag", one), ["\\Seen"]);

    // Neither UIDs nor a search, or both: usage errors before connecting.
    let out = cli(&["flag", "cli-flag", "--add", "\\Seen"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = cli(&["flag", "cli-flag", "1", "--unseen", "--add", "\\Seen"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = cli(&["flag", "cli-flag", "1"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    c.logout().unwrap();
}

#[test]
fn delete_expunges_only_the_messages_named() {
    let mut c = fresh("cli-delete");
    let keep = append(&mut c, "cli-delete", &plain("delete-keep"));
    let gone = append(&mut c, "cli-delete", &plain("delete-gone"));
    let by_search = append(&mut c, "cli-delete", &plain("delete-by-search"));
    // Another client's \Deleted message: UID EXPUNGE must leave it alone.
    let marked = append(&mut c, "cli-delete", &plain("delete-marked-elsewhere"));
    c.select_folder("cli-delete", false).unwrap();
    c.add_flags(marked, &[Flag::Deleted]).unwrap();

    let json = json_lines(&cli(&["--json", "delete", "cli-delete", &gone.to_string()]));
    assert_eq!(json[0]["deleted"], gone.to_string());
    assert_eq!(json[0]["expunged"], 1);
    assert_eq!(uids(&mut c, "cli-delete"), [keep, by_search, marked]);

    let text = ok(&cli(&["delete", "cli-delete", "--subject", "delete-by-search"]));
    assert_eq!(text.trim_end(), format!("deleted from cli-delete: UIDs {by_search} (1 expunged)"));
    assert_eq!(uids(&mut c, "cli-delete"), [keep, marked]);

    // UIDs that are not there: nothing happens, and it says so.
    let out = cli(&["delete", "cli-delete", "9999"]);
    assert!(ok(&out).is_empty());
    assert!(stderr(&out).contains("no message deleted"), "{}", stderr(&out));
    assert_eq!(uids(&mut c, "cli-delete"), [keep, marked]);
    c.logout().unwrap();
}

#[test]
fn copy_keeps_the_original() {
    let mut c = fresh("cli-copy-from");
    fresh("cli-copy-to").logout().unwrap();
    let uid = append(&mut c, "cli-copy-from", &plain("copied"));
    let json = json_lines(&cli(&["--json", "copy", "cli-copy-from", &uid.to_string(), "cli-copy-to"]));
    assert_eq!(json[0]["source"], uid.to_string());
    let target: u32 = json[0]["target"].as_str().unwrap().parse().unwrap();
    assert_eq!(uids(&mut c, "cli-copy-to"), [target]);
    assert_eq!(uids(&mut c, "cli-copy-from"), [uid]);
    let out = cli(&["copy", "cli-copy-from", &uid.to_string(), "no-such-mailbox"]);
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    c.logout().unwrap();
}

#[test]
fn mkdir_rename_rmdir() {
    let mut c = client();
    for name in ["cli-dir-Köln", "cli-dir-Kölner"] {
        if c.folder_exists(name).unwrap() {
            c.delete_folder(name).unwrap();
        }
    }
    assert_eq!(ok(&cli(&["mkdir", "cli-dir-Köln"])), "created cli-dir-Köln\n");
    assert!(c.folder_exists("cli-dir-Köln").unwrap());
    let listed = json_lines(&cli(&["--json", "list", "cli-dir-*"]));
    assert_eq!(listed[0]["mailbox"]["name"], "cli-dir-Köln");
    assert_eq!(listed[0]["mailbox"]["raw"], "cli-dir-K&APY-ln");

    let json = json_lines(&cli(&["--json", "rename", "cli-dir-Köln", "cli-dir-Kölner"]));
    assert_eq!(json[0], serde_json::json!({ "renamed": "cli-dir-Köln", "to": "cli-dir-Kölner" }));
    assert!(!c.folder_exists("cli-dir-Köln").unwrap() && c.folder_exists("cli-dir-Kölner").unwrap());

    let json = json_lines(&cli(&["--json", "rmdir", "cli-dir-Kölner"]));
    assert_eq!(json[0], serde_json::json!({ "deleted": "cli-dir-Kölner" }));
    assert!(!c.folder_exists("cli-dir-Kölner").unwrap());
    let out = cli(&["rmdir", "cli-dir-Kölner"]);
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    c.logout().unwrap();
}

/// A multipart message: quoted-printable text, and a base64 attachment
/// whose file name is RFC 2231 encoded and continued.
fn with_attachment(payload: &[u8]) -> Vec<u8> {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(payload);
    let lines: Vec<&str> = encoded.as_bytes().chunks(76).map(|l| std::str::from_utf8(l).unwrap()).collect();
    let body = format!(
        "--XYZ\n\
         Content-Type: text/plain; charset=utf-8\n\
         Content-Transfer-Encoding: quoted-printable\n\
         \n\
         Gr=C3=BC=C3=9Fe aus K=C3=B6ln, a soft=\n \
         break.\n\
         --XYZ\n\
         Content-Type: application/octet-stream; name=\"fallback.bin\"\n\
         Content-Disposition: attachment;\n filename*0*=utf-8''%D0%9E%D1%82%D1%87%D1%91%D1%82;\n filename*1=\".bin\"\n\
         Content-Transfer-Encoding: base64\n\
         \n\
         {}\n\
         --XYZ--\n",
        lines.join("\n")
    );
    message(
        &[
            "From: Carol <carol@example.org>",
            "Subject: with an attachment",
            "MIME-Version: 1.0",
            "Content-Type: multipart/mixed; boundary=\"XYZ\"",
        ],
        &body,
    )
}

#[test]
fn cat_prints_the_message_or_one_part_decoded() {
    let mut c = fresh("cli-cat");
    let payload: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
    let raw = with_attachment(&payload);
    let uid = append(&mut c, "cli-cat", &raw);
    c.logout().unwrap();

    let whole = cli(&["cat", "cli-cat", &uid.to_string()]);
    assert_eq!(whole.status.code(), Some(0), "{}", stderr(&whole));
    assert_eq!(whole.stdout, raw);

    let attachment = cli(&["cat", "cli-cat", &uid.to_string(), "--part", "2"]);
    assert_eq!(attachment.status.code(), Some(0), "{}", stderr(&attachment));
    assert_eq!(attachment.stdout, payload);

    let text = cli(&["cat", "cli-cat", &uid.to_string(), "--part", "1"]);
    assert!(ok(&text).starts_with("Grüße aus Köln, a soft break."), "{}", ok(&text));

    let parts = json_lines(&cli(&["--json", "cat", "cli-cat", &uid.to_string(), "--parts"]));
    assert_eq!(parts.len(), 3, "{parts:?}");
    assert_eq!(parts[0]["type"], "multipart/mixed");
    assert_eq!(parts[1]["part"], "1");
    assert_eq!(parts[1]["charset"], "utf-8");
    assert_eq!(parts[2]["type"], "application/octet-stream");
    assert_eq!(parts[2]["encoding"], "base64");
    assert_eq!(parts[2]["filename"], "Отчёт.bin");
    let listed = ok(&cli(&["cat", "cli-cat", &uid.to_string(), "--parts"]));
    assert!(listed.lines().any(|l| l.starts_with("2 ") && l.ends_with("Отчёт.bin")), "{listed}");

    let out = cli(&["cat", "cli-cat", &uid.to_string(), "--part", "3"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("no part 3 (its parts: 1, 2)"), "{}", stderr(&out));
    let out = cli(&["cat", "cli-cat", "999999"]);
    assert_ne!(out.status.code(), Some(0));
    let out = cli(&["cat", "cli-cat", &uid.to_string(), "--part", "1.x"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn cat_turns_a_text_part_into_utf8_unless_told() {
    let mut c = fresh("cli-cat-charset");
    let body = "--B\n\
                Content-Type: text/plain; charset=koi8-r\n\
                Content-Transfer-Encoding: quoted-printable\n\
                \n\
                =F0=D2=C9=D7=C5=D4, =CD=C9=D2\n\
                --B\n\
                Content-Type: text/plain; charset=x-unknown\n\
                \n\
                as is\n\
                --B--\n";
    let raw = message(&["Subject: koi8", "MIME-Version: 1.0", "Content-Type: multipart/mixed; boundary=B"], body);
    let uid = append(&mut c, "cli-cat-charset", &raw).to_string();
    c.logout().unwrap();
    let text = cli(&["cat", "cli-cat-charset", &uid, "--part", "1"]);
    assert_eq!(ok(&text), "Привет, мир");
    let bytes = cli(&["cat", "cli-cat-charset", &uid, "--part", "1", "--keep-charset"]);
    assert_eq!(bytes.stdout, b"\xf0\xd2\xc9\xd7\xc5\xd4, \xcd\xc9\xd2");
    let unknown = cli(&["cat", "cli-cat-charset", &uid, "--part", "2"]);
    assert_eq!(ok(&unknown), "as is");
    assert!(stderr(&unknown).contains("unknown charset \"x-unknown\""), "{}", stderr(&unknown));
}

/// `--trace` shows the conversation on stderr, the password never.
#[test]
fn trace_shows_the_wire_without_the_password() {
    let mut c = fresh("Traced");
    append(&mut c, "Traced", &plain("traced message"));
    let out = cli(&["--trace", "fetch", "Traced"]);
    ok(&out);
    let trace = stderr(&out);
    assert!(trace.contains("C: A0002 LOGIN <redacted>") || trace.contains("LOGIN <redacted>"), "{trace}");
    assert!(trace.contains("S: * OK"), "the greeting: {trace}");
    assert!(trace.contains("SELECT Traced") || trace.contains("EXAMINE Traced"), "{trace}");
    assert!(trace.contains("traced message"), "the envelope in a response: {trace}");
    assert!(trace.contains("state=authenticated"), "{trace}");
    assert!(!trace.contains("bob-pass"), "the password leaked: {trace}");
    // Without the flag, nothing of the wire.
    let quiet = cli(&["fetch", "Traced"]);
    assert!(!stderr(&quiet).contains("C: "), "{}", stderr(&quiet));
}
