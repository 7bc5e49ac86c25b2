//! Many IDLE sessions on one reactor thread against a real Dovecot: a message
//! appended from another connection reaches every one of them as an EXISTS
//! event (the CI-sized version of `cargo run --release -p benches --bin scale`).

/// This file's own Dovecot: its tests assume mailboxes no other file touches.
mod support {
    pub use crate::support::dovecot::*;

    pub fn dovecot() -> &'static Dovecot {
        instance(module_path!())
    }
}

use imap_core::client::{Client, ClientOptions, SessionId, Sessions, TlsMode};
use imap_core::command::Command;
use imap_core::reactor::TlsOptions;
use imap_core::session::{Event, State, Tag};
use imap_core::types::{Data, Response};
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};
use support::{dovecot, fresh_folder};

const SESSIONS: usize = 50;

#[derive(Debug, PartialEq, Eq)]
enum Phase {
    Connecting,
    /// LOGIN and SELECT pipelined: waiting for SELECT's completion.
    Selecting(Tag),
    StartingIdle,
    Idling,
}

#[test]
fn an_append_reaches_every_idle_session() {
    let options = ClientOptions::default().with_tls(TlsOptions::new().add_ca_file(dovecot().ca()));
    let mut c = Client::connect("localhost", dovecot().tls_port, TlsMode::Implicit, &options).unwrap();
    c.login("bob", "bob-pass").unwrap();
    let folder = "t-fanout";
    fresh_folder(&mut c, folder);

    let mut sessions = Sessions::new().unwrap();
    let mut phases: HashMap<SessionId, Phase> = (0..SESSIONS)
        .map(|_| {
            (sessions.connect("localhost", dovecot().tls_port, TlsMode::Implicit, &options).unwrap(), Phase::Connecting)
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(60);
    while phases.values().any(|p| *p != Phase::Idling) {
        assert!(
            Instant::now() < deadline,
            "not all idle: {:?}",
            phases.values().filter(|p| **p != Phase::Idling).count()
        );
        for (id, event) in sessions.poll(Some(Duration::from_millis(50))).unwrap() {
            let phase = phases.get_mut(&id).unwrap();
            match (&*phase, event) {
                (Phase::Connecting, Event::Greeting(_)) => {
                    let login = Command::Login { user: b"bob".to_vec(), password: b"bob-pass".to_vec() };
                    sessions.submit(id, login).unwrap();
                    let select = Command::Select { mailbox: folder.into(), condstore: false };
                    *phase = Phase::Selecting(sessions.submit(id, select).unwrap());
                }
                (_, Event::Completed { result: Err(e), .. }) => panic!("a command failed: {e}"),
                (Phase::Selecting(select), Event::Completed { tag, .. }) if &tag == select => {
                    sessions.submit(id, Command::Idle).unwrap();
                    *phase = Phase::StartingIdle;
                }
                (Phase::StartingIdle, Event::Idling(_)) => *phase = Phase::Idling,
                (_, Event::Closed(e)) => panic!("a session closed: {e:?}"),
                _ => {}
            }
        }
    }
    for id in phases.keys() {
        assert!(matches!(sessions.session(*id).unwrap().state(), State::Selected(m) if m.exists == 0));
    }

    c.append(folder, b"Subject: to all\r\n\r\nhello\r\n", &[], None).unwrap();
    let mut got = HashSet::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while got.len() < SESSIONS {
        assert!(Instant::now() < deadline, "only {} of {SESSIONS} sessions saw the message", got.len());
        for (id, event) in sessions.poll(Some(Duration::from_millis(50))).unwrap() {
            match event {
                Event::Unsolicited(Response::Data(Data::Exists(1))) => {
                    got.insert(id);
                }
                Event::Closed(e) => panic!("a session closed while idle: {e:?}"),
                _ => {}
            }
        }
    }
    for id in phases.keys() {
        assert!(matches!(sessions.session(*id).unwrap().state(), State::Selected(m) if m.exists == 1));
    }
    c.logout().unwrap();
}
