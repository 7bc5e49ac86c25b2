//! What imap-cli's server tests share: the private Dovecot, imap-cli run as
//! bob over verified TLS, and a client of the test's own.
#![allow(dead_code)] // each test binary uses its own subset

#[path = "../../../imap-core/tests/support/dovecot.rs"]
pub mod support;

use imap_core::client::{Client, ClientOptions, TlsMode};
use imap_core::reactor::TlsOptions;
use std::process::{Command, Output, Stdio};
use support::dovecot;

/// imap-cli with an environment of its own: no accounts file (an
/// XDG_CONFIG_HOME with nothing in it) and none of the IMAP_* variables of
/// whoever runs the tests.
pub fn bare() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_imap-cli"));
    command
        .env("XDG_CONFIG_HOME", std::env::temp_dir().join("imap-cli-tests-no-config"))
        .env("HOME", std::env::temp_dir().join("imap-cli-tests-no-home"))
        .env_remove("IMAP_HOST")
        .env_remove("IMAP_PORT")
        .env_remove("IMAP_USER")
        .env_remove("IMAP_PASSWORD")
        .env_remove("NO_COLOR")
        .stdin(Stdio::null());
    command
}

/// imap-cli with the connection options for bob over verified TLS.
pub fn command(args: &[&str]) -> Command {
    let d = dovecot();
    let mut command = bare();
    command
        .args(["--host", "localhost", "--port", &d.tls_port.to_string(), "--tls"])
        .args(["--ca-file", d.ca().to_str().unwrap(), "--user", "bob"])
        .args(args)
        .env("IMAP_PASSWORD", "bob-pass")
        .stdin(Stdio::null());
    command
}

/// Runs [`command`] to the end.
pub fn cli(args: &[&str]) -> Output {
    command(args).output().expect("imap-cli runs")
}

/// stdout of a run that must have succeeded.
pub fn ok(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).expect("UTF-8 output")
}

/// The JSON lines of a run that must have succeeded.
pub fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    ok(out).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// A client of the test's own, to set up what the CLI must observe.
pub fn client() -> Client {
    let d = dovecot();
    let options = ClientOptions::default().with_tls(TlsOptions::new().add_ca_file(d.ca()));
    let mut client = Client::connect("localhost", d.tls_port, TlsMode::Implicit, &options).unwrap();
    client.login("bob", "bob-pass").unwrap();
    client
}
