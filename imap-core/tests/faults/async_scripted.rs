//! The tokio `AsyncClient` against scripted servers, for what only a
//! scripted server does on request: answer late (to drop a future in the
//! middle of a command) or not at all.

use crate::support::scripted;

use imap_core::client::{ClientOptions, TlsMode};
use imap_core::command::FetchAttr;
use imap_core::reactor::Timeouts;
use imap_core::session::Error;
use imap_core::tokio::AsyncClient;
use scripted::{expect, pieces, selected, send, Server, Step};
use std::time::{Duration, Instant};

fn options() -> ClientOptions {
    ClientOptions::default()
        .with_command_timeout(Duration::from_secs(3))
        .with_timeouts(Timeouts::default().with_read(Some(Duration::from_secs(2))))
}

/// Runs `body` on a current-thread runtime with a client selected on the
/// scripted server at `port`.
fn on_runtime<T>(port: u16, body: impl AsyncFnOnce(&mut AsyncClient) -> T) -> T {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let mut c = AsyncClient::connect("127.0.0.1", port, TlsMode::None, &options()).await.expect("connect");
        c.select_folder("INBOX", false).await.expect("select");
        body(&mut c).await
    })
}

#[test]
fn a_future_dropped_mid_response_leaves_the_client_usable() {
    let server = Server::start(selected(
        3,
        vec![
            expect("UID FETCH"),
            // Half a response, then the rest well after the caller gave up.
            pieces(&[(b"* 1 FETCH (UID 1 FLAGS (\\Seen)", 400), (b")\r\n{tag} OK fetch done\r\n", 0)]),
            expect("NOOP"),
            send("* 2 FETCH (UID 2 FLAGS ())\r\n{tag} OK noop done\r\n"),
            expect("UID FETCH"),
            send("* 1 FETCH (UID 1 FLAGS (\\Seen \\Flagged))\r\n{tag} OK fetch done\r\n"),
            Step::HoldOpen(Duration::from_secs(5)),
        ],
    ));
    on_runtime(server.port, async |c| {
        let gave_up = tokio::time::timeout(Duration::from_millis(100), c.fetch(1, FetchAttr::Flags)).await;
        assert!(gave_up.is_err(), "the FETCH finished before the server answered: {gave_up:?}");
        // The dropped FETCH's completion arrives during the NOOP and is
        // discarded; the NOOP gets its own.
        c.noop().await.expect("NOOP after a dropped FETCH");
        // The next FETCH gets its own answer, not the dropped one's.
        let fetched = c.fetch(1, FetchAttr::Flags).await.expect("FETCH after a dropped FETCH");
        assert_eq!(fetched.len(), 1, "{fetched:?}");
        assert_eq!(fetched[0].flags().map(|f| f.len()), Some(2), "{fetched:?}");
    });
    let t = server.join();
    assert_eq!(t.error, None);
    assert_eq!(&t.commands()[..4], ["SELECT INBOX", "UID FETCH 1 FLAGS", "NOOP", "UID FETCH 1 FLAGS"]);
}

#[test]
fn a_future_dropped_before_its_first_poll_ends_sends_whole_commands() {
    let server = Server::start(selected(
        3,
        vec![
            expect("UID FETCH"),
            send("* 1 FETCH (UID 1 FLAGS (\\Seen))\r\n{tag} OK fetch done\r\n"),
            expect("NOOP"),
            send("{tag} OK noop done\r\n"),
            Step::HoldOpen(Duration::from_secs(5)),
        ],
    ));
    on_runtime(server.port, async |c| {
        // A limit of zero: the call is cut at its first wait, whatever it
        // had written by then.
        let _ = tokio::time::timeout(Duration::ZERO, c.fetch(1, FetchAttr::Flags)).await;
        c.noop().await.expect("NOOP after a FETCH cut at once");
    });
    let t = server.join();
    assert_eq!(t.error, None);
    // Every line the server read was a whole command, in order.
    assert_eq!(&t.commands()[..3], ["SELECT INBOX", "UID FETCH 1 FLAGS", "NOOP"]);
}

#[test]
fn a_stalled_server_times_out_within_the_bound_on_the_async_front() {
    let server = Server::start(selected(
        3,
        vec![expect("UID FETCH"), send("* 1 FETCH (UID 1 FLAGS (\\Seen))\r\n"), Step::HoldOpen(Duration::from_secs(8))],
    ));
    let (result, took) = on_runtime(server.port, async |c| {
        let start = Instant::now();
        let result = c.fetch(1, FetchAttr::Flags).await;
        (result, start.elapsed())
    });
    assert!(matches!(result, Err(Error::Timeout | Error::Closed(_))), "{result:?}");
    // The read limit (2 s) or the command timeout (3 s), with slack for a loaded machine.
    assert!(took < Duration::from_secs(6), "took {took:?}");
    let t = server.join();
    assert_eq!(t.error, None);
}
