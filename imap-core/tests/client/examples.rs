//! The programs of `examples/`, run as users run them (the binaries cargo
//! built, settings in environment variables) against a private Dovecot of
//! this file's own, and XOAUTH2/OAUTHBEARER against a scripted server
//! (`tests/support/scripted.rs`: the test Dovecot has no OAuth 2 token
//! service).
//!
//! `cargo test` builds the examples before it runs any test; a run of this
//! binary alone (`cargo test --test client`) does not, and then says so
//! instead of running an old build.

// This file's own Dovecot: its tests create mailboxes of their own.
crate::support::own_dovecot!();

use crate::support::scripted::{expect, send, Server, Step};
use imap_core::client::{Client, ClientOptions, TlsMode};
use imap_core::reactor::TlsOptions;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime};
use support::{dovecot, fresh_folder};

/// How long an example may run: generous for a loaded 2-core machine.
const LIMIT: Duration = Duration::from_secs(60);

/// The example's binary, built by cargo next to this test's.
fn binary(name: &str) -> PathBuf {
    // The test binary runs from <profile>/deps/; examples go to <profile>/examples/.
    let exe = std::env::current_exe().unwrap();
    let profile = exe.parent().and_then(Path::parent).expect("the test binary lies in <profile>/deps");
    let path = profile.join("examples").join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    let build = "run `cargo test -p imap-core` (which builds the examples) or `cargo build -p imap-core --examples`";
    let built = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .unwrap_or_else(|_| panic!("example {name} is not built ({}): {build}", path.display()));
    let sources = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    for source in [sources.join(format!("{name}.rs")), sources.join("common/mod.rs")] {
        let changed = std::fs::metadata(&source).and_then(|m| m.modified()).unwrap_or(SystemTime::UNIX_EPOCH);
        assert!(changed <= built, "example {name} is older than {}: {build}", source.display());
    }
    path
}

/// The command for an example, with only the given `IMAP_*` settings.
fn example(name: &str, env: &[(&str, String)]) -> Command {
    let mut command = Command::new(binary(name));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("IMAP_") {
            command.env_remove(key);
        }
    }
    command.envs(env.iter().map(|(k, v)| (k, v))).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    command
}

/// Waits for the child, killing it past [`LIMIT`].
fn finish(mut child: Child, name: &str) -> Output {
    let deadline = Instant::now() + LIMIT;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().ok();
            let output = child.wait_with_output().unwrap();
            panic!("example {name} ran over {LIMIT:?}; stdout:\n{}", String::from_utf8_lossy(&output.stdout));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// Runs an example to its end; its stdout if it succeeded.
fn run(name: &str, env: &[(&str, String)], args: &[&str]) -> String {
    let output = finish(example(name, env).args(args).spawn().unwrap(), name);
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "example {name} failed: {}\nstdout:\n{stdout}\nstderr:\n{stderr}", output.status);
    stdout.into_owned()
}

/// Runs an example that must fail; its stderr.
fn run_failing(name: &str, env: &[(&str, String)]) -> String {
    let output = finish(example(name, env).spawn().unwrap(), name);
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(!output.status.success(), "example {name} should have failed\nstdout:\n{stdout}\nstderr:\n{stderr}");
    stderr.into_owned()
}

/// alice on Dovecot: `mode` is `implicit`, `starttls` or `plain`.
fn alice_env(mode: &str, mailbox: &str) -> Vec<(&'static str, String)> {
    let d = dovecot();
    let port = if mode == "implicit" { d.tls_port } else { d.port };
    vec![
        ("IMAP_HOST", "localhost".to_owned()),
        ("IMAP_PORT", port.to_string()),
        ("IMAP_TLS", mode.to_owned()),
        ("IMAP_USER", "alice".to_owned()),
        ("IMAP_PASSWORD", "alice-pass".to_owned()),
        ("IMAP_CA_FILE", d.ca().display().to_string()),
        ("IMAP_MAILBOX", mailbox.to_owned()),
    ]
}

/// alice's Client (implicit TLS), for setting up and checking.
fn alice() -> Client {
    let options = ClientOptions::default().with_tls(TlsOptions::new().add_ca_file(dovecot().ca()));
    let mut c = Client::connect("localhost", dovecot().tls_port, TlsMode::Implicit, &options).unwrap();
    c.login("alice", "alice-pass").unwrap();
    c
}

fn message(subject: &str, body: &str) -> Vec<u8> {
    format!("From: Ann <ann@example.com>\r\nTo: alice@example.org\r\nSubject: {subject}\r\n\r\n{body}\r\n").into_bytes()
}

/// A fresh mailbox holding messages with these subjects.
fn mailbox_with(name: &str, subjects: &[&str]) {
    let mut c = alice();
    fresh_folder(&mut c, name);
    for subject in subjects {
        c.append(name, &message(subject, "hello"), &[], None).unwrap();
    }
    c.logout().unwrap();
}

#[test]
fn basic_prints_the_latest_envelopes() {
    mailbox_with("ex-basic", &["first", "second", "third"]);
    let mut env = alice_env("starttls", "ex-basic");
    env.push(("IMAP_COUNT", "2".to_owned()));
    let out = run("basic", &env, &[]);
    assert!(out.contains("ex-basic: 3 messages"), "{out}");
    let lines: Vec<&str> = out.lines().filter(|l| l.starts_with("UID ")).collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[0].contains("| Ann <ann@example.com> | second |"), "{out}");
    assert!(lines[1].contains("| Ann <ann@example.com> | third |"), "{out}");
}

#[test]
fn async_basic_prints_the_latest_subjects() {
    mailbox_with("ex-async", &["first", "second", "third"]);
    let mut env = alice_env("implicit", "ex-async");
    env.push(("IMAP_COUNT", "2".to_owned()));
    let out = run("async_basic", &env, &[]);
    assert!(out.contains("ex-async: 3 messages"), "{out}");
    let lines: Vec<&str> = out.lines().filter(|l| l.starts_with("UID ")).collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[0].ends_with("| second") && lines[1].ends_with("| third"), "{out}");
}

#[test]
fn the_examples_send_no_password_in_clear_to_another_host() {
    let env = [
        ("IMAP_HOST", "imap.example.com".to_owned()),
        ("IMAP_TLS", "plain".to_owned()),
        ("IMAP_USER", "alice".to_owned()),
        ("IMAP_PASSWORD", "alice-pass".to_owned()),
    ];
    let err = run_failing("basic", &env);
    assert!(err.contains("IMAP_TLS=plain only to this machine"), "{err}");
    // And without settings, an example says what to set.
    let err = run_failing("basic", &[]);
    assert!(err.contains("set IMAP_USER"), "{err}");
}

#[test]
fn idle_reports_a_message_appended_meanwhile() {
    mailbox_with("ex-idle", &[]);
    let mut env = alice_env("implicit", "ex-idle");
    env.push(("IMAP_IDLE_SECONDS", "50".to_owned()));
    let mut child = example("idle", &env).spawn().unwrap();
    // Once it says it idles, another connection appends.
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    if !first.contains("ex-idle: 0 messages; idling") {
        let output = finish(child, "idle");
        panic!("idle did not start: {first:?}\n{}", String::from_utf8_lossy(&output.stderr));
    }
    let mut c = alice();
    c.append("ex-idle", &message("news", "x"), &[], None).unwrap();
    c.logout().unwrap();
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    let output = finish(child, "idle");
    assert!(output.status.success(), "{rest}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(rest.contains("new message: ex-idle now has 1 messages; the newest: news"), "{rest}");
}

#[test]
fn idle_gives_up_after_its_timeout() {
    mailbox_with("ex-idle-quiet", &[]);
    let mut env = alice_env("implicit", "ex-idle-quiet");
    env.push(("IMAP_IDLE_SECONDS", "1".to_owned()));
    let out = run("idle", &env, &[]);
    assert!(out.contains("no new message in 1 s"), "{out}");
}

#[test]
fn download_writes_the_message_as_the_server_has_it() {
    // A message of 3 MiB, more than one read of the reactor.
    let line = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ\r\n";
    let body = line.repeat((3 << 20) / line.len());
    let original = message("large", &body);
    let mut c = alice();
    fresh_folder(&mut c, "ex-download");
    c.append("ex-download", &message("small", "x"), &[], None).unwrap();
    c.append("ex-download", &original, &[], None).unwrap();
    c.logout().unwrap();

    let dir = std::env::temp_dir().join(format!("imap-core-example-download-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("large.eml");
    let out = run("download", &alice_env("implicit", "ex-download"), &[file.to_str().unwrap()]);
    let written = std::fs::read(&file).unwrap();
    std::fs::remove_dir_all(&dir).ok();
    assert!(out.contains(&format!("{} bytes written to", original.len())), "{out}");
    assert!(written == original, "the file differs from the message ({} bytes, not {})", written.len(), original.len());
}

#[test]
fn private_ca_verifies_the_server_against_the_given_ca() {
    let out = run("private_ca", &alice_env("implicit", "INBOX"), &[]);
    assert!(out.contains("TLS verified against"), "{out}");
    assert!(out.contains("logged in as alice; capabilities: IMAP4rev1"), "{out}");
    // STARTTLS too.
    let out = run("private_ca", &alice_env("starttls", "INBOX"), &[]);
    assert!(out.contains("logged in as alice"), "{out}");

    // Another CA, which did not sign Dovecot's certificate: refused before login.
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let other = std::env::temp_dir().join(format!("imap-core-example-other-ca-{}.pem", std::process::id()));
    std::fs::write(&other, params.self_signed(&key).unwrap().pem()).unwrap();
    let mut env = alice_env("implicit", "INBOX");
    env.retain(|(k, _)| *k != "IMAP_CA_FILE");
    env.push(("IMAP_CA_FILE", other.display().to_string()));
    let err = run_failing("private_ca", &env);
    std::fs::remove_file(&other).ok();
    assert!(err.contains("UnknownIssuer"), "{err}");
}

#[test]
fn sans_io_drives_a_session_over_a_std_socket() {
    mailbox_with("ex-sans-io", &["one", "two", "three", "four"]);
    let out = run("sans_io", &alice_env("plain", "ex-sans-io"), &[]);
    assert!(out.starts_with("greeting: "), "{out}");
    assert!(out.contains("logged in as alice\nex-sans-io: 4 messages\n"), "{out}");
    let fetched: Vec<&str> = out.lines().filter(|l| l.starts_with('#')).collect();
    assert_eq!(fetched.len(), 3, "{out}");
    assert!(fetched[0].starts_with("#2 UID ") && fetched[0].ends_with(" two"), "{out}");
    assert!(fetched[2].starts_with("#4 UID ") && fetched[2].ends_with(" four"), "{out}");
    assert!(out.ends_with("logged out\n"), "{out}");
    // It refuses anything but plain TCP.
    let err = run_failing("sans_io", &alice_env("implicit", "ex-sans-io"));
    assert!(err.contains("set IMAP_TLS=plain or leave it unset"), "{err}");
}

/// The script of a server that offers XOAUTH2 and OAUTHBEARER with
/// SASL-IR, accepts the AUTHENTICATE `mechanism`, has 2 messages in INBOX,
/// and logs out: the example must send exactly these commands.
fn oauth_script(mechanism: &'static str) -> Vec<Step> {
    let capabilities = "IMAP4rev1 SASL-IR AUTH=XOAUTH2 AUTH=OAUTHBEARER";
    vec![
        send(format!("* OK [CAPABILITY {capabilities}] ready\r\n")),
        expect(mechanism),
        send(format!("{{tag}} OK [CAPABILITY {capabilities}] authenticated\r\n")),
        expect("EXAMINE INBOX"),
        send("* 2 EXISTS\r\n* FLAGS (\\Seen)\r\n{tag} OK [READ-ONLY] done\r\n"),
        expect("LOGOUT"),
        send("* BYE bye\r\n{tag} OK done\r\n"),
        Step::Close,
    ]
}

/// The decoded initial response of the AUTHENTICATE the server got.
fn initial_response(server: Server) -> String {
    let transcript = server.join();
    assert!(transcript.error.is_none(), "{transcript:?}");
    let initial = transcript.received[0].split(' ').nth(3).expect("an initial response (SASL-IR)");
    use base64::Engine;
    String::from_utf8(base64::engine::general_purpose::STANDARD.decode(initial).unwrap()).unwrap()
}

#[test]
fn oauth2_sends_the_token_of_a_command_or_the_environment() {
    let server = Server::start(oauth_script("AUTHENTICATE XOAUTH2 "));
    let env = [
        ("IMAP_PORT", server.port.to_string()),
        ("IMAP_TLS", "plain".to_owned()),
        ("IMAP_USER", "a@example.com".to_owned()),
        ("IMAP_OAUTH_TOKEN_COMMAND", "echo tok-from-command".to_owned()),
    ];
    let out = run("oauth2", &env, &[]);
    assert_eq!(out, "authenticated as a@example.com\nINBOX: 2 messages\n");
    assert_eq!(initial_response(server), "user=a@example.com\x01auth=Bearer tok-from-command\x01\x01");

    let server = Server::start(oauth_script("AUTHENTICATE OAUTHBEARER "));
    let port = server.port;
    let env = [
        ("IMAP_PORT", port.to_string()),
        ("IMAP_TLS", "plain".to_owned()),
        ("IMAP_USER", "a@example.com".to_owned()),
        ("IMAP_OAUTH_TOKEN", "tok-from-env".to_owned()),
        ("IMAP_OAUTH_MECHANISM", "oauthbearer".to_owned()),
    ];
    let out = run("oauth2", &env, &[]);
    assert!(out.starts_with("authenticated as a@example.com\n"), "{out}");
    let expected = format!("n,a=a@example.com,\x01host=127.0.0.1\x01port={port}\x01auth=Bearer tok-from-env\x01\x01");
    assert_eq!(initial_response(server), expected);

    // A token command that fails stops before connecting.
    let env = [("IMAP_USER", "a@example.com".to_owned()), ("IMAP_OAUTH_TOKEN_COMMAND", "exit 3".to_owned())];
    let err = run_failing("oauth2", &env);
    assert!(err.contains("\"exit 3\" failed"), "{err}");
}
