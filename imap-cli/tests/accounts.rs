//! Where imap-cli finds its server and secret: the accounts file, IMAP_*
//! variables, --password-command against the real Dovecot; --token-command
//! against a scripted server (Dovecot needs an OAuth 2 service for tokens).

mod common;

use common::bare;
use common::support::dovecot;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::Output;

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(out));
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// An XDG_CONFIG_HOME of the test's own, with `config` as imap-cli's accounts file.
fn config_home(test: &str, config: &str) -> PathBuf {
    let home = std::env::temp_dir().join(format!("imap-cli-accounts-{test}-{}", std::process::id()));
    std::fs::create_dir_all(home.join("imap-cli")).unwrap();
    std::fs::write(home.join("imap-cli").join("config.toml"), config).unwrap();
    home
}

/// An account for bob on the test Dovecot over verified TLS.
fn account(name: &str, password_command: &str) -> String {
    let d = dovecot();
    format!(
        "[[account]]\nname = \"{name}\"\nhost = \"localhost\"\nport = {}\nuser = \"bob\"\n\
         password_command = \"{password_command}\"\nca_file = \"{}\"\n",
        d.tls_port,
        d.ca().display()
    )
}

fn run(home: &Path, args: &[&str]) -> Output {
    bare().env("XDG_CONFIG_HOME", home).args(args).output().unwrap()
}

#[test]
fn the_only_account_is_the_default() {
    let home = config_home("only", &account("dove", "printf bob-pass"));
    assert!(stdout(&run(&home, &["capabilities"])).contains("IMAP4rev1"));
    assert!(stdout(&run(&home, &["--account", "dove", "list", "INBOX"])).contains("INBOX"));
    let out = run(&home, &["--account", "nope", "capabilities"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("no account named \"nope\" (there are: dove)"), "{}", stderr(&out));
}

#[test]
fn default_account_and_account_flag() {
    let config = format!(
        "default_account = \"wrong\"\n{}{}",
        account("wrong", "printf not-the-password-123"),
        account("right", "printf bob-pass")
    );
    let home = config_home("default", &config);
    let out = run(&home, &["capabilities"]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    // The secret itself never shows in an error.
    assert!(!stderr(&out).contains("not-the-password-123"), "{}", stderr(&out));
    assert!(stdout(&run(&home, &["--account", "right", "capabilities"])).contains("IMAP4rev1"));
    // A flag overrides the account's setting.
    let out = run(&home, &["--account", "right", "--password-command", "printf nope", "capabilities"]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    // So does $IMAP_PASSWORD.
    let out =
        bare().env("XDG_CONFIG_HOME", &home).env("IMAP_PASSWORD", "bob-pass").args(["capabilities"]).output().unwrap();
    assert!(stdout(&out).contains("IMAP4rev1"));
}

#[test]
fn a_bad_accounts_file_is_a_usage_error_naming_it() {
    let home = config_home("bad", "[[account]]\nname = \"x\"\nhostname = \"typo\"\n");
    let out = run(&home, &["capabilities"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("config.toml"), "{}", stderr(&out));
    let home = config_home("bad-default", &format!("default_account = \"zz\"\n{}", account("a", "true")));
    let out = run(&home, &["capabilities"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("default_account \"zz\" is not an account"), "{}", stderr(&out));
}

#[test]
fn no_host_anywhere_says_where_to_put_one() {
    let home = std::env::temp_dir().join("imap-cli-accounts-none");
    let out = run(&home, &["list"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let why = stderr(&out);
    assert!(why.contains("--host") && why.contains("IMAP_HOST"), "{why}");
    assert!(why.contains(&home.join("imap-cli").join("config.toml").display().to_string()), "{why}");
    let out = run(&home, &["--account", "x", "list"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn environment_variables_and_password_command() {
    let d = dovecot();
    let out = bare()
        .env("IMAP_HOST", "localhost")
        .env("IMAP_PORT", d.tls_port.to_string())
        .env("IMAP_USER", "bob")
        .args(["--ca-file", d.ca().to_str().unwrap(), "--password-command", "echo bob-pass", "status", "INBOX"])
        .output()
        .unwrap();
    assert!(stdout(&out).starts_with("INBOX: messages="));
    // A --host beats $IMAP_HOST.
    let out = bare()
        .env("IMAP_HOST", "no-such-host.invalid")
        .env("IMAP_PORT", d.tls_port.to_string())
        .env("IMAP_USER", "bob")
        .env("IMAP_PASSWORD", "bob-pass")
        .args(["--host", "localhost", "--ca-file", d.ca().to_str().unwrap(), "capabilities"])
        .output()
        .unwrap();
    assert!(stdout(&out).contains("IMAP4rev1"));
    let out = bare().env("IMAP_HOST", "localhost").env("IMAP_PORT", "99999").args(["capabilities"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    // A failing password command: its status, not its output.
    let out = bare()
        .args(["--host", "localhost", "--port", &d.tls_port.to_string(), "--user", "bob"])
        .args(["--password-command", "echo leaked-secret; exit 4", "capabilities"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--password-command failed") && !stderr(&out).contains("leaked-secret"));
}

/// A server that offers `capabilities`, accepts AUTHENTICATE when the
/// decoded initial response holds `auth=Bearer good-token`, answers LIST
/// with INBOX; the mechanisms it was asked for come back.
fn token_server(capabilities: &'static str) -> (u16, std::thread::JoinHandle<Vec<String>>) {
    scripted_server(capabilities, true)
}

/// [`token_server`], whose greeting leaves out its capabilities unless `in_greeting`.
fn scripted_server(capabilities: &'static str, in_greeting: bool) -> (u16, std::thread::JoinHandle<Vec<String>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let mut asked = Vec::new();
        let Ok((stream, _)) = listener.accept() else { return asked };
        let mut out = stream.try_clone().unwrap();
        let greeting = if in_greeting {
            format!("* OK [CAPABILITY {capabilities}] scripted\r\n")
        } else {
            "* OK scripted\r\n".into()
        };
        out.write_all(greeting.as_bytes()).unwrap();
        let mut lines = BufReader::new(stream).lines();
        while let Some(Ok(line)) = lines.next() {
            let words: Vec<&str> = line.split(' ').collect();
            let (tag, verb) = (words[0], words.get(1).map_or(String::new(), |v| v.to_ascii_uppercase()));
            let reply = match verb.as_str() {
                "CAPABILITY" => format!("* CAPABILITY {capabilities}\r\n{tag} OK done\r\n"),
                "AUTHENTICATE" => {
                    asked.push(words.get(2).unwrap_or(&"").to_string());
                    use base64::Engine;
                    // Without SASL-IR the response follows a `+`.
                    let response = match words.get(3) {
                        Some(w) => w.to_string(),
                        None => {
                            out.write_all(b"+ \r\n").unwrap();
                            lines.next().and_then(Result::ok).unwrap_or_default()
                        }
                    };
                    let initial = base64::engine::general_purpose::STANDARD.decode(response.trim()).ok();
                    let text = String::from_utf8_lossy(&initial.unwrap_or_default()).into_owned();
                    if text.contains("auth=Bearer good-token\u{1}") && text.contains("me@example.com") {
                        format!("{tag} OK authenticated\r\n")
                    } else {
                        format!("{tag} NO [AUTHENTICATIONFAILED] invalid token\r\n")
                    }
                }
                "LIST" => format!("* LIST () \"/\" INBOX\r\n{tag} OK done\r\n"),
                "LOGOUT" => format!("* BYE bye\r\n{tag} OK done\r\n"),
                _ => format!("{tag} BAD unexpected\r\n"),
            };
            if out.write_all(reply.as_bytes()).is_err() || verb == "LOGOUT" {
                break;
            }
        }
        asked
    });
    (port, server)
}

fn with_token(port: u16, token_command: &str, args: &[&str]) -> Output {
    bare()
        .args(["--host", "127.0.0.1", "--port", &port.to_string(), "--plain", "--allow-plaintext-login"])
        .args(["--user", "me@example.com", "--token-command", token_command])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn token_command_uses_oauthbearer_when_offered() {
    let (port, server) = token_server("IMAP4rev1 SASL-IR AUTH=XOAUTH2 AUTH=OAUTHBEARER");
    let out = with_token(port, "echo good-token", &["list"]);
    assert!(stdout(&out).contains("INBOX"));
    assert_eq!(server.join().unwrap(), ["OAUTHBEARER"]);
}

#[test]
fn token_command_falls_back_to_xoauth2() {
    let (port, server) = token_server("IMAP4rev1 SASL-IR AUTH=XOAUTH2");
    let out = with_token(port, "printf 'good-token\\n'", &["list"]);
    assert!(stdout(&out).contains("INBOX"));
    assert_eq!(server.join().unwrap(), ["XOAUTH2"]);
}

#[test]
fn a_refused_token_is_a_login_failure_without_the_token() {
    let (port, server) = token_server("IMAP4rev1 SASL-IR AUTH=XOAUTH2");
    let out = with_token(port, "echo expired-token-42", &["list"]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(!stderr(&out).contains("expired-token-42"), "{}", stderr(&out));
    assert_eq!(server.join().unwrap(), ["XOAUTH2"]);
}

#[test]
fn no_oauth_mechanism_is_a_login_failure() {
    let (port, server) = token_server("IMAP4rev1 AUTH=PLAIN");
    let out = with_token(port, "echo good-token", &["list"]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(stderr(&out).contains("AUTH=OAUTHBEARER or AUTH=XOAUTH2"), "{}", stderr(&out));
    assert!(server.join().unwrap().is_empty());
}

#[test]
fn a_token_is_not_sent_in_clear_unless_allowed() {
    let (port, server) = token_server("IMAP4rev1 SASL-IR AUTH=XOAUTH2");
    let out = bare()
        .args(["--host", "127.0.0.1", "--port", &port.to_string(), "--plain", "--user", "me"])
        .args(["--token-command", "echo good-token", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(stderr(&out).contains("not encrypted"), "{}", stderr(&out));
    assert!(server.join().unwrap().is_empty());
}

#[test]
fn an_account_token_command_is_used() {
    let (port, server) = token_server("IMAP4rev1 SASL-IR AUTH=OAUTHBEARER");
    let home = config_home(
        "token",
        &format!(
            "[[account]]\nname = \"oauth\"\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"plain\"\n\
             allow_plaintext_login = true\nuser = \"me@example.com\"\ntoken_command = \"echo good-token\"\n"
        ),
    );
    assert!(stdout(&run(&home, &["list"])).contains("INBOX"));
    assert_eq!(server.join().unwrap(), ["OAUTHBEARER"]);
}

/// `backup --config` with an account that has a token_command: each
/// account's backup runs on one reactor, which logs in with AUTHENTICATE.
fn token_backup(test: &str, port: u16) -> Output {
    let dir = std::env::temp_dir().join(format!("imap-cli-token-backup-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("accounts.toml");
    std::fs::write(
        &config,
        format!(
            "[[account]]\nname = \"oauth\"\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"plain\"\n\
             allow_plaintext_login = true\nuser = \"me@example.com\"\ntoken_command = \"echo good-token\"\nmailboxes = []\n"
        ),
    )
    .unwrap();
    let out = bare()
        .args(["backup", "--config", config.to_str().unwrap(), "--to", dir.join("out").to_str().unwrap(), "--json"])
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    out
}

#[test]
fn backup_config_logs_in_with_a_token_command() {
    let (port, server) = token_server("IMAP4rev1 SASL-IR AUTH=XOAUTH2 AUTH=OAUTHBEARER");
    let out = token_backup("greeting", port);
    let finished = stdout(&out);
    assert!(finished.contains("\"event\":\"finished\"") && finished.contains("\"ok\":true"), "{finished}");
    assert_eq!(server.join().unwrap(), ["OAUTHBEARER"]);

    // Capabilities not in the greeting: asked for first.
    let (port, server) = scripted_server("IMAP4rev1 AUTH=XOAUTH2", false);
    let out = token_backup("no-greeting-caps", port);
    assert!(stdout(&out).contains("\"ok\":true"));
    assert_eq!(server.join().unwrap(), ["XOAUTH2"]);
}
