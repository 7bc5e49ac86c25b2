//! A peer that stops answering without closing, on both fronts: during
//! IDLE it is found by the renewal's deadline, in the middle of a FETCH by
//! the command timeout; either way a typed timeout within the configured
//! time, and what had arrived is kept. No read limit is set, so that the
//! limits under test are the ones that fire.

use crate::support::scripted;

use imap_core::client::{Client, ClientOptions, TlsMode};
use imap_core::command::FetchAttr;
use imap_core::reactor::Timeouts;
use imap_core::session::Error;
use imap_core::tokio::AsyncClient;
use imap_core::types::{Data, Response};
use scripted::{expect, send, Server, Step};
use std::time::{Duration, Instant};

const RENEW: Duration = Duration::from_secs(1);
const ANSWER: Duration = Duration::from_secs(1);
const COMMAND: Duration = Duration::from_secs(2);

fn options() -> ClientOptions {
    ClientOptions::default()
        .with_command_timeout(COMMAND)
        .with_timeouts(Timeouts::default().with_read(None))
        .with_idle_renew(RENEW)
        .with_idle_answer_timeout(ANSWER)
}

/// A PREAUTH greeting and an answered SELECT, then `rest`.
fn selected(rest: Vec<Step>) -> Server {
    Server::start(scripted::selected(3, rest))
}

/// IDLE is accepted and one new message announced; then nothing, not
/// even an answer to the renewal's DONE.
fn silent_during_idle() -> Server {
    selected(vec![expect("IDLE"), send("+ idling\r\n* 4 EXISTS\r\n"), Step::HoldOpen(Duration::from_secs(10))])
}

/// Two of three FETCH responses, then nothing.
fn silent_mid_fetch() -> Server {
    selected(vec![
        expect("UID FETCH"),
        send("* 1 FETCH (UID 1 FLAGS ())\r\n* 2 FETCH (UID 2 FLAGS (\\Seen))\r\n"),
        Step::HoldOpen(Duration::from_secs(10)),
    ])
}

fn announced(responses: &[Response<'static>]) -> bool {
    responses.iter().any(|r| matches!(r, Response::Data(Data::Exists(4))))
}

/// The renewal is due RENEW after IDLE began, its answer ANSWER later; 3 s
/// of slack for a loaded machine, far below the 30 s the calls would
/// otherwise wait (or the 10 s the server holds the connection).
const IDLE_BOUND: Duration = Duration::from_millis(RENEW.as_millis() as u64 + ANSWER.as_millis() as u64 + 3000);
const FETCH_BOUND: Duration = Duration::from_millis(COMMAND.as_millis() as u64 + 3000);

#[test]
fn a_peer_silent_during_idle_is_a_timeout_on_the_blocking_front() {
    let server = silent_during_idle();
    let mut c = Client::connect("127.0.0.1", server.port, TlsMode::None, &options()).unwrap();
    c.select_folder("INBOX", false).unwrap();
    let started = Instant::now();
    c.idle().unwrap();
    // What arrives before the peer goes silent is handed over.
    assert!(announced(&c.idle_wait(Duration::from_secs(5)).unwrap()));
    let result = c.idle_wait(Duration::from_secs(30));
    assert!(matches!(result, Err(Error::Timeout)), "{result:?}");
    assert!(started.elapsed() < IDLE_BOUND, "took {:?}", started.elapsed());
    drop(c);
    assert!(server.join().saw("DONE"), "the renewal began with DONE");
}

#[test]
fn a_peer_silent_during_idle_is_a_timeout_on_the_async_front() {
    let server = silent_during_idle();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let mut c = AsyncClient::connect("127.0.0.1", server.port, TlsMode::None, &options()).await.unwrap();
        c.select_folder("INBOX", false).await.unwrap();
        let started = Instant::now();
        c.idle().await.unwrap();
        // What arrives before the peer goes silent is handed over.
        assert!(announced(&c.idle_wait(Duration::from_secs(5)).await.unwrap()));
        let result = c.idle_wait(Duration::from_secs(30)).await;
        assert!(matches!(result, Err(Error::Timeout)), "{result:?}");
        assert!(started.elapsed() < IDLE_BOUND, "took {:?}", started.elapsed());
    });
    assert!(server.join().saw("DONE"), "the renewal began with DONE");
}

#[test]
fn a_peer_silent_mid_fetch_is_a_timeout_on_the_blocking_front() {
    let server = silent_mid_fetch();
    let mut c = Client::connect("127.0.0.1", server.port, TlsMode::None, &options()).unwrap();
    c.select_folder("INBOX", false).unwrap();
    let (started, mut got) = (Instant::now(), Vec::new());
    let result = c.fetch_each(1..=3, FetchAttr::Flags, |f| got.push(f.uid()));
    assert!(matches!(result, Err(Error::Timeout)), "{result:?}");
    assert!(started.elapsed() < FETCH_BOUND, "took {:?}", started.elapsed());
    assert_eq!(got, [Some(1), Some(2)], "the two that came were handed over");
    drop(c);
    server.join();
}

#[test]
fn a_peer_silent_mid_fetch_is_a_timeout_on_the_async_front() {
    let server = silent_mid_fetch();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let mut c = AsyncClient::connect("127.0.0.1", server.port, TlsMode::None, &options()).await.unwrap();
        c.select_folder("INBOX", false).await.unwrap();
        let (started, mut got) = (Instant::now(), Vec::new());
        let result = c.fetch_each(1..=3, FetchAttr::Flags, |f| got.push(f.uid())).await;
        assert!(matches!(result, Err(Error::Timeout)), "{result:?}");
        assert!(started.elapsed() < FETCH_BOUND, "took {:?}", started.elapsed());
        assert_eq!(got, [Some(1), Some(2)], "the two that came were handed over");
    });
    server.join();
}

/// The client's IDLE is renewed (DONE, OK, IDLE again) and the server is
/// slow with the new IDLE's `+`; `idle_done` comes in between.
fn slow_plus_after_a_renewal() -> Server {
    selected(vec![
        expect("IDLE"),
        send("+ idling\r\n"),
        expect("DONE"),
        send("{tag} OK renewed\r\n"),
        expect("IDLE"),
        Step::Sleep(Duration::from_millis(700)),
        send("+ idling again\r\n"),
        expect("DONE"),
        send("{tag} OK idle done\r\n"),
        expect("NOOP"),
        send("{tag} OK noop\r\n"),
        Step::HoldOpen(Duration::from_secs(5)),
    ])
}

fn renewing_soon() -> ClientOptions {
    options().with_idle_renew(Duration::from_millis(300)).with_idle_answer_timeout(Duration::from_secs(3))
}

#[test]
fn idle_done_between_a_renewal_and_its_plus_ends_the_idle_on_the_blocking_front() {
    let server = slow_plus_after_a_renewal();
    let mut c = Client::connect("127.0.0.1", server.port, TlsMode::None, &renewing_soon()).unwrap();
    c.select_folder("INBOX", false).unwrap();
    c.idle().unwrap();
    // The renewal runs during this wait; its `+` comes after it.
    assert!(c.idle_wait(Duration::from_millis(600)).unwrap().is_empty());
    c.idle_done().expect("the renewed IDLE ends");
    c.noop().expect("the session goes on");
    drop(c);
    let t = server.join();
    assert_eq!(t.error, None);
}

#[test]
fn idle_done_between_a_renewal_and_its_plus_ends_the_idle_on_the_async_front() {
    let server = slow_plus_after_a_renewal();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let mut c = AsyncClient::connect("127.0.0.1", server.port, TlsMode::None, &renewing_soon()).await.unwrap();
        c.select_folder("INBOX", false).await.unwrap();
        c.idle().await.unwrap();
        assert!(c.idle_wait(Duration::from_millis(600)).await.unwrap().is_empty());
        c.idle_done().await.expect("the renewed IDLE ends");
        c.noop().await.expect("the session goes on");
    });
    let t = server.join();
    assert_eq!(t.error, None);
}
