//! Fault injection: the blocking Client (and the sans-IO Session) against a
//! scripted hostile server on 127.0.0.1 that drops connections mid-response,
//! stalls, sends garbage, floods, lies about literal sizes, answers out of
//! order or injects plaintext after STARTTLS.

use crate::support::scripted;

use imap_core::client::{Client, ClientOptions, TlsMode};
use imap_core::command::{Command, FetchAttr, SeqSet};
use imap_core::reactor::Timeouts;
use imap_core::session::{Error, Event, Sasl, Session};
use imap_core::types::{Data, Response};
use scripted::{custom, expect, pieces, selected, send, sleep_ms, Server, Step};
use std::io::Write;
use std::time::{Duration, Instant};

/// Set in the child process that [`in_own_process`] starts.
const ISOLATED: &str = "IMAP_CORE_TEST_ISOLATED";

/// Whether the caller is the test body's own process. A test that measures
/// the process's RSS must not see what the other tests of this binary
/// allocate at the same time, so on the first call it runs itself again,
/// alone, in a child process and checks that child's verdict; the caller
/// returns when this is false.
fn in_own_process(test: &str) -> bool {
    if std::env::var_os(ISOLATED).is_some() {
        return true;
    }
    let exe = std::env::current_exe().expect("the test binary's path");
    let out = std::process::Command::new(exe)
        .args([test, "--exact", "--test-threads=1", "--nocapture"])
        .env(ISOLATED, "1")
        .output()
        .expect("run the test binary again");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("{stderr}");
    assert!(out.status.success(), "{test} failed in its own process:\n{stdout}\n{stderr}");
    // A filter that matched nothing would also succeed.
    assert!(stdout.contains("1 passed"), "{test} did not run in its own process:\n{stdout}");
    false
}

const COMMAND_TIMEOUT: Duration = Duration::from_secs(3);
const READ_TIMEOUT: Duration = Duration::from_secs(2);

fn options() -> ClientOptions {
    ClientOptions::default()
        .with_allow_plaintext_login(true)
        .with_command_timeout(COMMAND_TIMEOUT)
        .with_timeouts(Timeouts::default().with_read(Some(READ_TIMEOUT)))
}

fn connect(port: u16) -> Client {
    Client::connect("127.0.0.1", port, TlsMode::None, &options()).expect("connect")
}

fn connect_selected(port: u16) -> Client {
    let mut c = connect(port);
    c.select_folder("INBOX", false).expect("select");
    c
}

/// Runs `f`, asserting it returns within `bound`.
fn within<T>(bound: Duration, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    assert!(took < bound, "took {took:?}, more than {bound:?}");
    out
}

/// Resident set size of this process, in bytes.
fn rss() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("/proc/self/statm");
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

const MIB: u64 = 1 << 20;

// 1.
#[test]
fn connection_dropped_mid_line_fails_the_fetch() {
    let server = Server::start(selected(3, vec![expect("UID FETCH"), send("* 1 FETCH (FLAGS (\\Se"), Step::Close]));
    let mut c = connect_selected(server.port);
    let result = within(Duration::from_secs(2), || c.fetch(1..=3, FetchAttr::Flags));
    assert!(matches!(result, Err(Error::Closed(_))), "a dropped connection must fail the FETCH: {result:?}");
    // The client knows the session is over.
    assert!(c.session().is_closed());
    assert!(matches!(c.noop(), Err(Error::Closed(_))));
    drop(c);
    let t = server.join();
    assert_eq!(t.error, None);
    // Nothing went out after the FETCH: the NOOP was refused without a write.
    assert_eq!(t.commands(), ["SELECT INBOX", "UID FETCH 1:3 FLAGS"]);
}

// 2.
#[test]
fn connection_dropped_mid_literal_fails_the_fetch() {
    let server = Server::start(selected(
        3,
        vec![expect("UID FETCH"), send("* 1 FETCH (BODY[] {100}\r\n0123456789"), Step::Close],
    ));
    let mut c = connect_selected(server.port);
    let result = within(Duration::from_secs(2), || c.fetch(1, FetchAttr::Rfc822));
    assert!(matches!(result, Err(Error::Closed(_))), "{result:?}");
    drop(c);
    let t = server.join();
    assert_eq!(t.error, None);
    assert_eq!(t.commands(), ["SELECT INBOX", "UID FETCH 1 RFC822"]);
}

// 3.
#[test]
fn a_stalled_server_times_out_within_the_bound() {
    // Over the client's own socket, and over a stream of the caller's.
    for own_stream in [false, true] {
        let server = Server::start(selected(3, vec![expect("NOOP"), Step::HoldOpen(Duration::from_secs(8))]));
        let mut c = if own_stream {
            let stream = std::net::TcpStream::connect(("127.0.0.1", server.port)).unwrap();
            // The read timeout lets the client keep its own limits.
            stream.set_read_timeout(Some(Duration::from_millis(100))).unwrap();
            let mut c = Client::over_stream(stream, "127.0.0.1", server.port, TlsMode::None, &options()).unwrap();
            c.select_folder("INBOX", false).unwrap();
            c
        } else {
            connect_selected(server.port)
        };
        let result = within(COMMAND_TIMEOUT + Duration::from_secs(1), || c.noop());
        assert!(matches!(result, Err(Error::Timeout | Error::Closed(_))), "{result:?}");
        // The read timeout (2 s) fires before the command timeout (3 s) and ends the connection.
        assert!(c.session().is_closed());
        drop(c);
        let t = server.join();
        assert_eq!(t.error, None);
        assert_eq!(t.commands(), ["SELECT INBOX", "NOOP"], "nothing after the NOOP that timed out");
    }
}

#[test]
fn a_server_that_never_greets_times_out_after_the_command_timeout() {
    // TCP connects at once; the greeting then has the command timeout, not
    // the connect timeout (30 s) on top of it. No read timeout here.
    let server = Server::start(vec![Step::HoldOpen(Duration::from_secs(8))]);
    let options = options().with_command_timeout(Duration::from_secs(1));
    let timeouts = options.timeouts.with_read(None);
    let options = options.with_timeouts(timeouts);
    let start = Instant::now();
    let result = Client::connect("127.0.0.1", server.port, TlsMode::None, &options);
    let took = start.elapsed();
    assert!(matches!(result, Err(Error::Timeout)), "{:?}", result.map(|_| ()));
    assert!(took >= Duration::from_millis(900) && took < Duration::from_secs(3), "took {took:?}");
    let t = server.join();
    assert!(t.received.is_empty(), "the client spoke before the greeting: {:?}", t.received);
}

#[test]
fn the_command_timeout_fires_when_the_server_trickles_bytes() {
    // Untagged data every 100 ms keeps the read timeout from firing: only
    // the command timeout bounds the call.
    let mut trickle = vec![expect("NOOP")];
    for _ in 0..60 {
        trickle.push(send("* OK still here\r\n"));
        trickle.push(sleep_ms(100));
    }
    trickle.push(Step::HoldOpen(Duration::from_secs(5)));
    let server = Server::start(selected(3, trickle));
    let mut c = connect_selected(server.port);
    let start = Instant::now();
    let result = c.noop();
    let took = start.elapsed();
    assert!(matches!(result, Err(Error::Timeout)), "{result:?}");
    assert!(took >= COMMAND_TIMEOUT - Duration::from_millis(100) && took < COMMAND_TIMEOUT + Duration::from_secs(1));
    drop(c);
    // (The script's trickle outlives the client: its writes end in EPIPE.)
    let t = server.join();
    assert_eq!(t.commands(), ["SELECT INBOX", "NOOP"], "nothing after the NOOP that timed out");
}

/// Deterministic pseudo-random bytes (xorshift).
fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            // No LF inside: each garbage line ends where the test says.
            match (seed >> 24) as u8 {
                b'\n' => b'.',
                b => b,
            }
        })
        .collect()
}

fn garbage() -> Vec<u8> {
    let mut g = noise(3000, 0x9E37_79B9_7F4A_7C15);
    g.extend_from_slice(b"\r\n");
    g.extend_from_slice(&[0u8; 512]);
    g.extend_from_slice(b"\r\n");
    g.extend_from_slice(b"\xff\xfe\xfd\xfc\x80\x81 garbage \xc3\x28\r\n");
    g.extend_from_slice(b"* \xff\xfe FETCH\r\n");
    g.extend_from_slice(b"\r\n");
    g
}

// 4.
#[test]
fn garbage_before_the_tagged_ok_is_skipped() {
    let mut tail = garbage();
    tail.extend_from_slice(b"{tag} OK noop done\r\n");
    let server =
        Server::start(selected(3, vec![expect("NOOP"), Step::Send(tail), expect("NOOP"), send("{tag} OK again\r\n")]));
    let mut c = connect_selected(server.port);
    let result = within(Duration::from_secs(2), || c.noop());
    assert!(result.is_ok(), "{result:?}");
    // The session is still usable: it resynchronised on the next response.
    assert!(c.noop().is_ok());
    drop(c);
    let t = server.join();
    assert_eq!(t.error, None);
    assert_eq!(t.commands(), ["SELECT INBOX", "NOOP", "NOOP"]);
}

#[test]
fn garbage_is_reported_as_malformed_by_the_session() {
    let mut s = Session::new();
    s.receive(b"* PREAUTH ready\r\n");
    let tag = s.submit(Command::Noop).unwrap();
    let mut input = garbage();
    input.extend_from_slice(format!("{tag} OK done\r\n").as_bytes());
    // Fed in odd pieces, as a socket would.
    for piece in input.chunks(7) {
        s.receive(piece);
    }
    let events: Vec<Event> = std::iter::from_fn(|| s.poll_event()).collect();
    let malformed = events.iter().filter(|e| matches!(e, Event::Malformed(_))).count();
    assert!(malformed >= 4, "each garbage line is reported: {events:?}");
    assert!(events.iter().any(|e| matches!(e, Event::Completed { tag: t, result: Ok(_) } if *t == tag)));
    assert!(!s.is_closed());
}

// 5.
#[test]
fn a_literal_of_10_to_the_14_bytes_is_a_quick_typed_error() {
    if !in_own_process("faults::a_literal_of_10_to_the_14_bytes_is_a_quick_typed_error") {
        return;
    }
    // After the lying header, bytes that would complete the FETCH if the
    // "payload" were framed as responses.
    let server = Server::start(selected(
        3,
        vec![
            expect("UID FETCH"),
            send("* 1 FETCH (BODY[] {100000000000000}\r\n{tag} OK fetch done\r\n"),
            Step::HoldOpen(Duration::from_secs(5)),
        ],
    ));
    let mut c = connect_selected(server.port);
    let before = rss();
    let result = within(Duration::from_secs(1), || c.fetch(1, FetchAttr::Rfc822));
    let grown = rss().saturating_sub(before);
    assert!(matches!(result, Err(Error::Protocol(_))), "must fail with a protocol error, not {result:?}");
    assert!(grown < 64 * MIB, "RSS grew by {} MiB", grown / MIB);
    drop(c);
    let t = server.join();
    assert_eq!(t.error, None);
    assert_eq!(t.commands(), ["SELECT INBOX", "UID FETCH 1 RFC822"]);
}

// 6.
#[test]
fn eof_after_two_of_three_fetch_responses_is_an_error() {
    let server = Server::start(selected(
        3,
        vec![
            expect("UID FETCH"),
            send("* 1 FETCH (UID 1 FLAGS ())\r\n* 2 FETCH (UID 2 FLAGS (\\Seen))\r\n"),
            Step::Close,
        ],
    ));
    let mut c = connect_selected(server.port);
    let result = within(Duration::from_secs(2), || c.fetch(1..=3, FetchAttr::Flags));
    assert!(matches!(result, Err(Error::Closed(_))), "two of three must not pass for complete: {result:?}");
    drop(c);
    let t = server.join();
    assert_eq!(t.error, None);
    assert_eq!(t.commands(), ["SELECT INBOX", "UID FETCH 1:3 FLAGS"]);
}

// 7.
#[test]
fn bye_in_the_middle_of_a_command_fails_it_with_the_text() {
    let server = Server::start(selected(
        3,
        vec![
            expect("UID FETCH"),
            send("* 1 FETCH (UID 1 FLAGS ())\r\n* BYE [ALERT] shutting down for maintenance\r\n"),
            Step::Close,
        ],
    ));
    let mut c = connect_selected(server.port);
    let result = within(Duration::from_secs(2), || c.fetch(1..=3, FetchAttr::Flags));
    match result {
        Err(Error::Bye { text, .. }) => assert_eq!(text, "shutting down for maintenance"),
        other => panic!("expected Error::Bye, got {other:?}"),
    }
    drop(c);
    let t = server.join();
    assert_eq!(t.error, None);
    assert_eq!(t.commands(), ["SELECT INBOX", "UID FETCH 1:3 FLAGS"], "no LOGOUT after the BYE");
}

fn uid_fetch(uid: u32) -> Command {
    Command::Fetch { set: SeqSet::from(uid), items: FetchAttr::Flags.into(), changed_since: None, uid: true }
}

fn uids(done: &imap_core::session::Completion) -> Vec<u32> {
    done.data
        .iter()
        .filter_map(|r| match r {
            Response::Data(Data::Fetch(f)) => f.uid(),
            _ => None,
        })
        .collect()
}

// 8.
#[test]
fn out_of_order_and_unknown_tags_do_not_mix_results() {
    let server = Server::start(selected(
        3,
        vec![
            expect("UID FETCH 1 "),
            expect("UID FETCH 2 "),
            // The second command answered first, then a completion nobody asked
            // for, then the first ({tag0} is SELECT's).
            send(
                "* 2 FETCH (UID 2 FLAGS (\\Seen))\r\n{tag2} OK second done\r\n\
             Z999 OK not yours\r\n\
             * 1 FETCH (UID 1 FLAGS ())\r\n{tag1} OK first done\r\n",
            ),
            Step::HoldOpen(Duration::from_secs(3)),
        ],
    ));
    let mut c = connect_selected(server.port);
    let first = c.send(uid_fetch(1)).unwrap();
    let second = c.send(uid_fetch(2)).unwrap();
    let (a, b) = within(Duration::from_secs(1), || (c.wait(&first), c.wait(&second)));
    let (a, b) = (a.expect("first"), b.expect("second"));
    assert_eq!(a.text.to_string(), "first done");
    assert_eq!(b.text.to_string(), "second done");
    assert_eq!(uids(&a), [1], "the first FETCH's own result");
    assert_eq!(uids(&b), [2], "the second FETCH's own result");
    assert!(!c.session().is_closed());
    drop(c);
    let t = server.join();
    assert_eq!(t.error, None);
    // Both went out before either was answered (the script answers only after both).
    assert_eq!(t.commands(), ["SELECT INBOX", "UID FETCH 1 FLAGS", "UID FETCH 2 FLAGS"]);
}

#[test]
fn a_fetch_of_another_message_is_not_mixed_into_the_result() {
    let server = Server::start(selected(
        3,
        vec![
            expect("UID FETCH 1 "),
            // Another client flagged UID 99 meanwhile.
            send("* 3 FETCH (UID 99 FLAGS (\\Deleted))\r\n* 1 FETCH (UID 1 FLAGS ())\r\n{tag} OK done\r\n"),
            Step::HoldOpen(Duration::from_secs(3)),
        ],
    ));
    let mut c = connect_selected(server.port);
    let fetched = c.fetch(1, FetchAttr::Flags).unwrap();
    assert_eq!(fetched.iter().map(|f| f.uid()).collect::<Vec<_>>(), [Some(1)]);
    let unsolicited = c.take_unsolicited();
    assert!(
        unsolicited.iter().any(|r| matches!(r, Response::Data(Data::Fetch(f)) if f.uid() == Some(99))),
        "{unsolicited:?}"
    );
    drop(c);
    let t = server.join();
    assert_eq!(t.error, None);
    assert_eq!(t.commands(), ["SELECT INBOX", "UID FETCH 1 FLAGS"]);
}

#[test]
fn an_unknown_tag_is_reported_as_malformed() {
    let mut s = Session::new();
    s.receive(b"* PREAUTH ready\r\n");
    let first = s.submit(Command::Noop).unwrap();
    let second = s.submit(Command::Capability).unwrap();
    s.receive(
        format!("* CAPABILITY IMAP4rev1\r\n{second} OK caps\r\nZ999 OK not yours\r\n{first} OK noop\r\n").as_bytes(),
    );
    let events: Vec<Event> = std::iter::from_fn(|| s.poll_event()).collect();
    let completed: Vec<&imap_core::session::Tag> = events
        .iter()
        .filter_map(|e| match e {
            Event::Completed { tag, result: Ok(_) } => Some(tag),
            _ => None,
        })
        .collect();
    assert_eq!(completed, [&second, &first]);
    assert_eq!(events.iter().filter(|e| matches!(e, Event::Malformed(_))).count(), 1, "{events:?}");
}

/// Writes `count` copies of `line` in chunks of about 1 MiB.
fn flood(stream: &mut std::net::TcpStream, line: &[u8], count: usize) -> std::io::Result<()> {
    let per_chunk = (MIB as usize / line.len()).max(1);
    let chunk = line.repeat(per_chunk);
    let mut left = count;
    while left > 0 {
        let n = left.min(per_chunk);
        stream.write_all(&chunk[..n * line.len()])?;
        left -= n;
    }
    Ok(())
}

const FLOOD: usize = 1_000_000;

// 9.
#[test]
fn a_flood_of_untagged_responses_keeps_memory_bounded() {
    if !in_own_process("faults::a_flood_of_untagged_responses_keeps_memory_bounded") {
        return;
    }
    let server = Server::start(selected(
        3,
        vec![
            expect("NOOP"),
            custom(|s, _| flood(s, b"* 5 FETCH (FLAGS (\\Seen))\r\n", FLOOD / 2)),
            custom(|s, _| flood(s, b"* 4 EXISTS\r\n", FLOOD / 2)),
            send("{tag} OK noop done\r\n"),
            Step::HoldOpen(Duration::from_secs(60)),
        ],
    ));
    let mut options = options();
    options.command_timeout = Duration::from_secs(60);
    let mut c = Client::connect("127.0.0.1", server.port, TlsMode::None, &options).unwrap();
    c.select_folder("INBOX", false).unwrap();
    let before = rss();
    let start = Instant::now();
    let result = c.run(Command::Noop);
    let took = start.elapsed();
    let grown = rss().saturating_sub(before);
    eprintln!("flood: {FLOOD} responses in {took:?}, RSS +{} MiB", grown / MIB);
    assert!(result.is_ok(), "{result:?}");
    assert!(grown < 64 * MIB, "RSS grew by {} MiB", grown / MIB);
    let kept = c.take_unsolicited();
    assert!(kept.len() <= 10_000, "kept {}", kept.len());
    // Every response is either kept or counted as dropped.
    assert_eq!(kept.len() as u64 + c.unsolicited_dropped(), FLOOD as u64);
    // The latest state is not lost.
    assert!(kept.iter().any(|r| matches!(r, Response::Data(Data::Exists(4)))));
    assert_eq!(c.session().mailbox().map(|m| m.exists), Some(4));
    drop(c);
    let t = server.join();
    assert_eq!(t.error, None);
    assert_eq!(t.commands(), ["SELECT INBOX", "NOOP"]);
}

#[test]
fn the_session_keeps_a_bounded_number_of_unsolicited_events() {
    let mut s = Session::new();
    s.set_max_unsolicited(1000);
    s.receive(b"* PREAUTH ready\r\n");
    s.submit(Command::Select { mailbox: "INBOX".into(), condstore: false }).unwrap();
    s.receive(b"* 1 EXISTS\r\nA0001 OK [READ-WRITE] done\r\n");
    let noop = s.submit(Command::Noop).unwrap();
    // Nobody polls while 50,000 responses arrive; then the NOOP completes.
    let mut flood = Vec::new();
    for n in 1..=50_000u32 {
        flood.extend_from_slice(format!("* {n} EXISTS\r\n").as_bytes());
    }
    s.receive(&flood);
    s.receive(format!("{noop} OK done\r\n").as_bytes());
    let events: Vec<Event> = std::iter::from_fn(|| s.poll_event()).collect();
    let unsolicited: Vec<&Event> = events.iter().filter(|e| matches!(e, Event::Unsolicited(_))).collect();
    assert_eq!(unsolicited.len(), 1000);
    assert_eq!(s.unsolicited_dropped(), 49_000);
    // The newest are kept, in order; no other event is dropped.
    assert_eq!(unsolicited.last(), Some(&&Event::Unsolicited(Response::Data(Data::Exists(50_000)))));
    assert!(events.iter().any(|e| matches!(e, Event::Completed { tag, result: Ok(_) } if *tag == noop)));
    assert_eq!(s.mailbox().map(|m| m.exists), Some(50_000));
}

// 10.
#[test]
fn idle_returns_an_untagged_line_only_once_its_crlf_arrives() {
    let server = Server::start(selected(
        3,
        vec![
            expect("IDLE"),
            send("+ idling\r\n"),
            sleep_ms(50),
            pieces(&[(b"* 3 EXIS", 400), (b"TS\r\n", 0)]),
            expect("DONE"),
            send("{tag} OK idle done\r\n"),
            Step::HoldOpen(Duration::from_secs(3)),
        ],
    ));
    let mut c = connect_selected(server.port);
    c.idle().unwrap();
    // The half line is there by now: nothing must come of it yet.
    let early = c.idle_wait(Duration::from_millis(250)).unwrap();
    assert!(early.is_empty(), "returned before the CRLF: {early:?}");
    let start = Instant::now();
    let got = c.idle_wait(Duration::from_secs(2)).unwrap();
    assert!(start.elapsed() < Duration::from_secs(1));
    assert_eq!(got, [Response::Data(Data::Exists(3))]);
    c.idle_done().unwrap();
    drop(c);
    let t = server.join();
    assert_eq!(t.error, None);
    assert_eq!(t.commands(), ["SELECT INBOX", "IDLE", "DONE"]);
}

// 11.
#[test]
fn plaintext_injected_after_starttls_ok_is_refused() {
    let server = Server::start(vec![
        send("* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n"),
        expect("STARTTLS"),
        send("{tag} OK begin TLS\r\n* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] injected\r\n"),
        Step::HoldOpen(Duration::from_secs(3)),
    ]);
    let result =
        within(Duration::from_secs(2), || Client::connect("127.0.0.1", server.port, TlsMode::StartTls, &options()));
    assert!(matches!(result, Err(Error::StartTlsInjection)), "{:?}", result.map(|_| ()));
    let t = server.join();
    assert_eq!(t.received, ["A0001 STARTTLS"], "nothing but STARTTLS went out in clear");
    assert!(!t.saw("LOGIN"));
}

// 12.
#[test]
fn starttls_not_offered_sends_nothing_but_capability() {
    let server = Server::start(vec![
        send("* OK ready\r\n"),
        expect("CAPABILITY"),
        send("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n{tag} OK done\r\n"),
        Step::HoldOpen(Duration::from_secs(3)),
    ]);
    let result =
        within(Duration::from_secs(2), || Client::connect("127.0.0.1", server.port, TlsMode::StartTls, &options()));
    assert!(matches!(result, Err(Error::MissingCapability { capability: "STARTTLS", .. })), "{:?}", result.map(|_| ()));
    let t = server.join();
    assert_eq!(t.received.len(), 1, "{:?}", t.received);
    assert!(t.received[0].ends_with(" CAPABILITY"));
}

#[test]
fn logindisabled_is_honoured_even_when_plaintext_is_allowed() {
    let server = Server::start(vec![
        send("* OK ready\r\n"),
        expect("CAPABILITY"),
        send("* CAPABILITY IMAP4rev1 LOGINDISABLED AUTH=PLAIN\r\n{tag} OK done\r\n"),
        Step::HoldOpen(Duration::from_secs(3)),
    ]);
    let mut c = connect(server.port);
    let login = c.login("alice", "s3cret-password");
    assert!(matches!(login, Err(Error::MissingCapability { command: "LOGIN", .. })), "{login:?}");
    let auth = c.authenticate(Sasl::Plain {
        authzid: String::new(),
        user: "alice".into(),
        password: "s3cret-password".into(),
    });
    assert!(matches!(auth, Err(Error::MissingCapability { .. })), "{auth:?}");
    drop(c);
    let t = server.join();
    assert!(!t.saw("LOGIN ") && !t.saw("AUTHENTICATE") && !t.saw("s3cret"), "{:?}", t.received);
}

#[test]
fn logindisabled_in_the_greeting_is_honoured() {
    let server = Server::start(vec![
        send("* OK [CAPABILITY IMAP4rev1 LOGINDISABLED] ready\r\n"),
        Step::HoldOpen(Duration::from_secs(3)),
    ]);
    let mut c = connect(server.port);
    assert!(matches!(c.login("alice", "s3cret-password"), Err(Error::MissingCapability { .. })));
    drop(c);
    let t = server.join();
    assert!(t.received.is_empty(), "{:?}", t.received);
}

#[test]
fn extension_commands_are_not_sent_to_a_server_without_the_capability() {
    // Courier advertises neither ID nor SORT, ...: sent anyway, each got a NO
    // that did not say why. Now each is refused before anything is sent.
    use imap_core::command::{SearchKey, SortCriterion, SortKey, ThreadAlgorithm};
    let server = Server::start(selected(3, vec![expect("NOOP"), send("{tag} OK done\r\n")]));
    let mut c = connect_selected(server.port);
    let missing = |result: Result<(), Error>, wanted: &str| match result {
        Err(Error::MissingCapability { capability, .. }) => assert_eq!(capability, wanted),
        other => panic!("{wanted}: {other:?}"),
    };
    missing(c.id(None).map(drop), "ID");
    missing(c.namespace().map(drop), "NAMESPACE");
    missing(c.enable(&["CONDSTORE"]).map(drop), "ENABLE");
    missing(c.get_quota_root("INBOX").map(drop), "QUOTA");
    missing(c.my_rights("INBOX").map(drop), "ACL");
    missing(c.sort(vec![SortCriterion::from(SortKey::Date)], SearchKey::All).map(drop), "SORT");
    missing(c.thread(ThreadAlgorithm::References, SearchKey::All).map(drop), "THREAD=REFERENCES");
    missing(c.uid_expunge(1).map(drop), "UIDPLUS");
    missing(c.unselect_folder(), "UNSELECT");
    // IDLE is advertised: no refusal there (see the IDLE tests); the
    // connection still works after the refusals.
    c.noop().expect("noop");
    drop(c);
    let t = server.join();
    assert_eq!(t.error, None);
    let commands: Vec<&str> = t.received.iter().filter_map(|line| line.split(' ').nth(1)).collect();
    assert_eq!(commands, ["SELECT", "NOOP"], "{:?}", t.received);
}
