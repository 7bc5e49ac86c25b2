//! Streaming fetches against a scripted hostile server: a slow but steady
//! body is not cut off by the command timeout, a stalled one is; lies and
//! garbage around a streamed literal fail the call instead of passing a
//! short or foreign body off as the message.

use crate::support::scripted;

use imap_core::client::{Client, ClientOptions, TlsMode};
use imap_core::command::Section;
use imap_core::session::Error;
use imap_core::wire::Limits;
use scripted::{expect, selected, send, Server, Step};
use std::time::{Duration, Instant};

const COMMAND_TIMEOUT: Duration = Duration::from_millis(1500);

fn options() -> ClientOptions {
    ClientOptions::default()
        .with_allow_plaintext_login(true)
        .with_command_timeout(COMMAND_TIMEOUT)
        .with_limits(Limits::default().with_max_literal(1 << 20))
}

fn connect_selected(port: u16) -> Client {
    let mut c = Client::connect("127.0.0.1", port, TlsMode::None, &options()).expect("connect");
    c.select_folder("INBOX", false).expect("select");
    c
}

#[test]
fn a_slow_steady_body_outlives_the_command_timeout() {
    // 40 KiB in 1 KiB pieces every 100 ms: 4 s, against a 1.5 s timeout.
    let body: Vec<u8> = (0..40 << 10).map(|i| b"abcdefghij\r\n"[i % 12]).collect();
    let mut parts = vec![(format!("* 1 FETCH (UID 7 BODY[] {{{}}}\r\n", body.len()).into_bytes(), Duration::ZERO)];
    parts.extend(body.chunks(1 << 10).map(|c| (c.to_vec(), Duration::from_millis(100))));
    parts.push((b")\r\n{tag} OK done\r\n".to_vec(), Duration::ZERO));
    let server = Server::start(selected(
        1,
        vec![expect("UID FETCH"), Step::Pieces(parts), Step::HoldOpen(Duration::from_secs(2))],
    ));
    let mut c = connect_selected(server.port);
    let start = Instant::now();
    let mut out = Vec::new();
    let written = c.fetch_body_to(7, Section::full(), &mut out).unwrap();
    assert!(start.elapsed() > COMMAND_TIMEOUT * 2, "the body came too fast to test anything");
    assert_eq!(written, body.len() as u64);
    assert!(out == body);
    drop(c);
    let t = server.join();
    assert_eq!(t.error, None);
    // BODY.PEEK: streaming a message to a file does not mark it \Seen.
    assert_eq!(t.commands(), ["SELECT INBOX", "UID FETCH 7 (UID BODY.PEEK[])"]);
}

#[test]
fn a_body_that_stalls_times_out() {
    let steps = vec![
        expect("UID FETCH"),
        send("* 1 FETCH (UID 7 BODY[] {100}\r\n0123456789"),
        Step::HoldOpen(Duration::from_secs(5)),
    ];
    let server = Server::start(selected(1, steps));
    let mut c = connect_selected(server.port);
    let start = Instant::now();
    let result = c.fetch_body_to(7, Section::full(), &mut Vec::new());
    assert!(matches!(result, Err(Error::Timeout)), "{result:?}");
    assert!(start.elapsed() < COMMAND_TIMEOUT + Duration::from_secs(1), "{:?}", start.elapsed());
    drop(c);
    let t = server.join();
    assert_eq!(t.error, None);
    assert_eq!(
        t.commands(),
        ["SELECT INBOX", "UID FETCH 7 (UID BODY.PEEK[])"],
        "nothing after the FETCH that timed out"
    );
}

#[test]
fn a_literal_over_the_limit_closes_before_anything_is_written() {
    let steps = vec![
        expect("UID FETCH"),
        send("* 1 FETCH (UID 7 BODY[] {2000000}\r\nxxxx"),
        Step::HoldOpen(Duration::from_secs(2)),
    ];
    let server = Server::start(selected(1, steps));
    let mut c = connect_selected(server.port);
    let mut out = Vec::new();
    let result = c.fetch_body_to(7, Section::full(), &mut out);
    assert!(matches!(result, Err(Error::Protocol(_))), "{result:?}");
    assert!(out.is_empty(), "{} bytes written", out.len());
    assert!(c.session().is_closed(), "the stream cannot be trusted after a literal over the limit");
    drop(c);
    let t = server.join();
    assert_eq!(t.error, None);
    assert_eq!(t.commands(), ["SELECT INBOX", "UID FETCH 7 (UID BODY.PEEK[])"], "closed without another word");
}

#[test]
fn a_streamed_literal_whose_response_does_not_parse_fails_the_call() {
    // The body streams out, then its response turns out to be garbage: the
    // bytes written cannot be called the message.
    let steps = vec![
        expect("UID FETCH"),
        send("* 1 FETCH (UID 7 BODY[] {10}\r\n0123456789 ((garbage\r\n{tag} OK done\r\n"),
        expect("NOOP"),
        send("{tag} OK noop\r\n"),
        Step::HoldOpen(Duration::from_secs(2)),
    ];
    let server = Server::start(selected(1, steps));
    let mut c = connect_selected(server.port);
    let result = c.fetch_body_to(7, Section::full(), &mut Vec::new());
    assert!(matches!(result, Err(Error::Protocol(_))), "{result:?}");
    // The session goes on.
    assert!(!c.session().is_closed());
    c.noop().expect("the next command is answered");
    drop(c);
    let t = server.join();
    assert_eq!(t.error, None);
    assert_eq!(t.commands(), ["SELECT INBOX", "UID FETCH 7 (UID BODY.PEEK[])", "NOOP"]);
}

#[test]
fn two_streamed_literals_for_one_message_fail_the_call() {
    let steps = vec![
        expect("UID FETCH"),
        send("* 1 FETCH (UID 7 BODY[] {3}\r\nabc BODY[] {3}\r\ndef)\r\n{tag} OK done\r\n"),
        Step::HoldOpen(Duration::from_secs(2)),
    ];
    let server = Server::start(selected(1, steps));
    let mut c = connect_selected(server.port);
    let result = c.fetch_body_to(7, Section::full(), &mut Vec::new());
    assert!(matches!(result, Err(Error::Protocol(ref m)) if m.contains("2 literals")), "{result:?}");
    drop(c);
    let t = server.join();
    assert_eq!(t.error, None);
    assert_eq!(t.commands(), ["SELECT INBOX", "UID FETCH 7 (UID BODY.PEEK[])"]);
}
