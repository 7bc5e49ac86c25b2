//! Streaming large message data from a real Dovecot: `Client::fetch_body_to`
//! and `Client::fetch_streamed` deliver exactly the bytes appended, and the
//! process's memory does not grow with the message (issue 5, item 4). The
//! client's tests run through both fronts from the same body (`both_fronts!`).

// This file's own Dovecot: its tests assume mailboxes no other file touches.
crate::support::own_dovecot!();

use crate::support::fronts::{both_fronts, fresh_folder};
use imap_core::client::{ClientOptions, FetchPart, TlsMode};
use imap_core::command::{FetchAttr, Section};
use imap_core::reactor::TlsOptions;
use std::time::Duration;
use support::dovecot;

/// A logged-in client over implicit TLS, of the front the test runs on.
macro_rules! alice {
    () => {{
        let options = ClientOptions::default().with_tls(TlsOptions::new().add_ca_file(dovecot().ca()));
        let mut c = w!(F::connect("localhost", dovecot().tls_port, TlsMode::Implicit, &options)).unwrap();
        w!(c.login("alice", "alice-pass")).unwrap();
        c
    }};
}

/// A fresh mailbox holding one message, selected; the message's UID.
macro_rules! mailbox_with {
    ($c:ident, $name:expr, $message:expr) => {{
        let (name, message): (&str, &[u8]) = ($name, $message);
        fresh_folder!($c, name);
        let appended = w!($c.append(name, message, &[], None)).unwrap();
        w!($c.select_folder(name, false)).unwrap();
        appended.map(|a| a.uid).unwrap_or(1)
    }};
}

/// A message of about `size` bytes whose every line is numbered, so that a
/// lost, doubled or reordered chunk shows.
fn big_message(size: usize) -> Vec<u8> {
    let mut m = b"From: Ann <ann@example.com>\r\nTo: bob@example.org\r\nSubject: big\r\n\r\n".to_vec();
    let mut i = 0u64;
    while m.len() < size {
        let x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        m.extend_from_slice(
            format!("{i:010} {x:016x} the quick brown fox jumps over the lazy dog {}\r\n", i % 97).as_bytes(),
        );
        i += 1;
    }
    m
}

both_fronts! {
    fn fetch_body_to_writes_exactly_the_appended_bytes() {
        let mut c = alice!();
        let message = big_message(6 << 20);
        let uid = mailbox_with!(c, "t-stream-body", &message);

        let mut out = Vec::new();
        let written = w!(c.fetch_body_to(uid, Section::full(), &mut out)).unwrap();
        assert_eq!(written, message.len() as u64);
        assert!(out == message, "streamed bytes differ from the appended message");

        // A section: the header, small, still written (streamed or not).
        let mut header = Vec::new();
        w!(c.fetch_body_to(uid, Section::header(), &mut header)).unwrap();
        assert_eq!(header, b"From: Ann <ann@example.com>\r\nTo: bob@example.org\r\nSubject: big\r\n\r\n");

        // The session goes on normally afterwards.
        let fetched = w!(c.fetch(uid, vec![FetchAttr::Rfc822Size])).unwrap();
        assert_eq!(fetched[0].size(), Some(message.len() as u32));
        w!(c.logout()).unwrap();
    }
}

#[test]
fn fetch_body_to_writes_to_a_file() {
    let options = ClientOptions::default().with_tls(TlsOptions::new().add_ca_file(dovecot().ca()));
    let mut c =
        imap_core::client::Client::connect("localhost", dovecot().tls_port, TlsMode::Implicit, &options).unwrap();
    c.login("alice", "alice-pass").unwrap();
    let message = big_message(2 << 20);
    support::fresh_folder(&mut c, "t-stream-file");
    let uid = c.append("t-stream-file", &message, &[], None).unwrap().map(|a| a.uid).unwrap_or(1);
    c.select_folder("t-stream-file", false).unwrap();
    let path = std::env::temp_dir().join(format!("imap-core-stream-{}.eml", std::process::id()));
    {
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        assert_eq!(c.fetch_body_to(uid, Section::full(), &mut file).unwrap(), message.len() as u64);
    }
    assert!(std::fs::read(&path).unwrap() == message, "the file differs from the appended message");
    std::fs::remove_file(&path).unwrap();
    c.logout().unwrap();
}

both_fronts! {
    fn fetch_streamed_gives_chunks_then_the_complete_fetch() {
        let mut c = alice!();
        let message = big_message(3 << 20);
        let uid = mailbox_with!(c, "t-stream-parts", &message);

        let items = vec![
            FetchAttr::Uid,
            FetchAttr::Rfc822Size,
            FetchAttr::BodySection { section: Section::full(), partial: None, peek: true },
        ];
        let (mut body, mut chunks, mut fetches) = (Vec::new(), 0, Vec::new());
        let n = w!(c.fetch_streamed(uid, items, 64 << 10, |part| match part {
                FetchPart::Literal(chunk) => {
                    assert!(fetches.is_empty(), "a chunk after its FETCH");
                    assert_eq!(chunk.size, message.len() as u64);
                    assert_eq!(body.len() as u64 + chunk.bytes.len() as u64 + chunk.left, chunk.size);
                    body.extend_from_slice(chunk.bytes);
                    chunks += 1;
                }
                FetchPart::Fetch { fetch, frame } => {
                    let streamed: Vec<_> = frame.literals().iter().filter_map(|l| l.streamed).collect();
                    fetches.push((fetch.uid(), fetch.size(), fetch.section("").map(<[u8]>::len), streamed));
                }
                _ => {}
            }))
            .unwrap();
        assert_eq!(n, 1);
        assert!(body == message, "streamed bytes differ from the appended message");
        assert!(chunks > 1, "{chunks} chunk(s): nothing was streamed");
        assert_eq!(fetches, [(Some(uid), Some(message.len() as u32), Some(0), vec![message.len() as u64])]);

        // Below the threshold nothing is streamed: the data is in the FETCH.
        let items = vec![FetchAttr::BodySection { section: Section::header(), partial: None, peek: true }];
        let mut header = None;
        w!(c.fetch_streamed(uid, items, 64 << 10, |part| match part {
            FetchPart::Literal(_) => panic!("a small literal was streamed"),
            FetchPart::Fetch { fetch, .. } => header = fetch.section("HEADER").map(<[u8]>::to_vec),
            _ => {}
        }))
        .unwrap();
        assert!(header.unwrap().starts_with(b"From: Ann"));
        w!(c.logout()).unwrap();
    }
}

/// A writer that fails once it has taken more than 1 MiB, as a full disk.
struct Full(usize);

impl Full {
    fn take(&mut self, len: usize) -> std::io::Result<usize> {
        if self.0 > 1 << 20 {
            return Err(std::io::Error::new(std::io::ErrorKind::StorageFull, "disk full"));
        }
        self.0 += len;
        Ok(len)
    }
}

impl std::io::Write for Full {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.take(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl tokio::io::AsyncWrite for Full {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::task::Poll::Ready(self.get_mut().take(buf.len()))
    }
    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }
    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }
}

both_fronts! {
    fn fetch_body_to_reports_a_failing_sink_and_the_session_goes_on() {
        let mut c = alice!();
        let message = big_message(3 << 20);
        let uid = mailbox_with!(c, "t-stream-full", &message);
        let err = w!(c.fetch_body_to(uid, Section::full(), &mut Full(0))).unwrap_err();
        assert!(matches!(err, imap_core::session::Error::Sink(_)), "{err}");
        assert!(err.to_string().contains("disk full"), "{err}");
        // Nothing of the body is left in the stream: the next command works.
        let mut out = Vec::new();
        w!(c.fetch_body_to(uid, Section::full(), &mut out)).unwrap();
        assert!(out == message);
        // A message that does not exist: no FETCH response at all.
        let err = w!(c.fetch_body_to(uid + 1000, Section::full(), &mut Vec::new())).unwrap_err();
        assert!(err.to_string().contains("no FETCH response"), "{err}");
        w!(c.logout()).unwrap();
    }
}

#[test]
fn sessions_stream_literals_of_several_connections_on_one_thread() {
    use imap_core::client::Sessions;
    use imap_core::command::Command;
    use imap_core::session::{Event, Streamed};
    use std::collections::HashMap;

    let options = ClientOptions::default().with_tls(TlsOptions::new().add_ca_file(dovecot().ca()));
    let mut c =
        imap_core::client::Client::connect("localhost", dovecot().tls_port, TlsMode::Implicit, &options).unwrap();
    c.login("alice", "alice-pass").unwrap();
    let message = big_message(2 << 20);
    support::fresh_folder(&mut c, "t-stream-sessions");
    let uid = c.append("t-stream-sessions", &message, &[], None).unwrap().map(|a| a.uid).unwrap_or(1);
    let mut sessions = Sessions::new().unwrap();
    let ids: Vec<_> = (0..3)
        .map(|_| sessions.connect("localhost", dovecot().tls_port, TlsMode::Implicit, &options).unwrap())
        .collect();
    let mut fetch_tags = HashMap::new();
    let mut select_tags = HashMap::new();
    let mut bodies: HashMap<_, Vec<u8>> = HashMap::new();
    let mut done = 0;
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while done < ids.len() {
        assert!(std::time::Instant::now() < deadline, "{done} of {} fetches done", ids.len());
        let events = sessions
            .poll_streaming(Some(Duration::from_millis(50)), &mut |id, streamed| {
                if let Streamed::Literal(chunk) = streamed {
                    bodies.entry(id).or_default().extend_from_slice(chunk.bytes);
                }
            })
            .unwrap();
        for (id, event) in events {
            match event {
                Event::Greeting(_) => {
                    let login = Command::Login { user: b"alice".to_vec(), password: b"alice-pass".to_vec() };
                    sessions.submit(id, login).unwrap();
                    let select = Command::Examine { mailbox: "t-stream-sessions".into(), condstore: false };
                    select_tags.insert(id, sessions.submit(id, select).unwrap());
                }
                Event::Completed { tag, result } if select_tags.get(&id) == Some(&tag) => {
                    result.unwrap();
                    let fetch = Command::Fetch {
                        set: uid.into(),
                        items: vec![FetchAttr::BodySection { section: Section::full(), partial: None, peek: true }]
                            .into(),
                        changed_since: None,
                        uid: true,
                    };
                    let session = sessions.session_mut(id).unwrap();
                    fetch_tags.insert(id, session.submit_streaming_literals(fetch, 64 << 10).unwrap());
                }
                Event::Completed { tag, result } if fetch_tags.get(&id) == Some(&tag) => {
                    result.unwrap();
                    done += 1;
                }
                Event::Completed { result: Err(e), .. } | Event::Closed(Some(e)) => panic!("{e}"),
                _ => {}
            }
        }
    }
    for id in ids {
        assert!(
            bodies[&id] == message,
            "session {id:?} streamed other bytes ({} of {})",
            bodies[&id].len(),
            message.len()
        );
    }
    c.logout().unwrap();
}
