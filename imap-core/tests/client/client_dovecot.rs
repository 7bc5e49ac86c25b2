//! The Client against a real Dovecot on 127.0.0.1: each test runs through
//! both fronts, the blocking `Client` and the tokio `AsyncClient`, from the
//! same body (`both_fronts!`).

// This file's own Dovecot: its tests assume mailboxes no other file touches.
crate::support::own_dovecot!();

use crate::support::fronts::{both_fronts, fresh_folder};
use imap_core::client::{ClientOptions, TlsMode};
use imap_core::command::{FetchAttr, SearchKey, Section, SeqSet};
use imap_core::reactor::TlsOptions;
use imap_core::session::{Error, Sasl};
use imap_core::types::{Capability, Code, Data, ErrorCode, Flag, MailboxAttr, Response, StatusAtt};
use std::time::Duration;
use support::dovecot;

/// Options trusting the CA of the test's server (`dovecot()` where used).
macro_rules! options {
    () => {
        ClientOptions::default().with_tls(TlsOptions::new().add_ca_file(dovecot().ca()))
    };
}

/// A logged-in client over implicit TLS, of the front the test runs on.
macro_rules! alice {
    () => {{
        let mut c = w!(F::connect("localhost", dovecot().tls_port, TlsMode::Implicit, &options!())).unwrap();
        w!(c.login("alice", "alice-pass")).unwrap();
        c
    }};
}

fn message(subject: &str, body: &str) -> Vec<u8> {
    format!("From: Ann <ann@example.com>\r\nTo: bob@example.org\r\nSubject: {subject}\r\nMessage-ID: <{subject}@test>\r\n\r\n{body}\r\n")
        .into_bytes()
}

/// A fresh mailbox for one test, selected.
macro_rules! fresh {
    ($c:ident, $name:expr) => {{
        fresh_folder!($c, $name);
        w!($c.select_folder($name, false)).unwrap();
    }};
}

both_fronts! {
    /// SCRAM-SHA-256: the password does not travel, the server proves it
    /// knows it, and even over a connection without TLS it is allowed.
    fn scram_sha_256_logs_in_and_refuses_a_wrong_password() {
        let plain = ClientOptions::default();
        let mut c = w!(F::connect("127.0.0.1", dovecot().port, TlsMode::None, &plain)).unwrap();
        w!(c.scram_login("alice", "alice-pass")).expect("SCRAM login");
        assert_eq!(c.session().phase(), imap_core::command::Phase::Authenticated);
        w!(c.select_folder("INBOX", true)).unwrap();
        let mut c = w!(F::connect("127.0.0.1", dovecot().port, TlsMode::None, &plain)).unwrap();
        let wrong = w!(c.scram_login("alice", "not-the-password")).unwrap_err();
        assert!(wrong.is_auth_failure() || matches!(wrong, Error::Sasl(_)), "{wrong:?}");
        assert_ne!(c.session().phase(), imap_core::command::Phase::Authenticated);
    }
}

both_fronts! {
    /// A rustls configuration of the caller's own is used as given: one that
    /// trusts the test CA connects; one that trusts nothing is refused.
    fn a_caller_supplied_rustls_config_is_used() {
        let trusting = TlsOptions::new().system_roots(false).add_ca_file(dovecot().ca()).client_config().unwrap();
        let options = ClientOptions::default().with_tls(TlsOptions::new().with_config(trusting));
        let mut c = w!(F::connect("localhost", dovecot().tls_port, TlsMode::Implicit, &options)).unwrap();
        w!(c.login("alice", "alice-pass")).unwrap();
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let empty = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(rustls::RootCertStore::empty())
            .with_no_client_auth();
        let options = ClientOptions::default().with_tls(TlsOptions::new().with_config(std::sync::Arc::new(empty)));
        let refused = w!(F::connect("localhost", dovecot().tls_port, TlsMode::Implicit, &options)).unwrap_err();
        assert!(matches!(refused, Error::Tls(_)), "{refused:?}");
    }
}

both_fronts! {
    fn connect_with_tls_login_and_capabilities() {
        let mut c = alice!();
        let caps = w!(c.capabilities()).unwrap();
        assert!(caps.contains(&Capability::Imap4Rev1));
        assert!(w!(c.has_capability("IDLE")).unwrap() && w!(c.has_capability("UIDPLUS")).unwrap());
        w!(c.logout()).unwrap();
    }
}

both_fronts! {
    fn starttls_then_login() {
        let mut c = w!(F::connect("127.0.0.1", dovecot().port, TlsMode::StartTls, &options!())).unwrap();
        assert!(!w!(c.has_capability("STARTTLS")).unwrap(), "capabilities were asked again over TLS");
        w!(c.login("alice", "alice-pass")).unwrap();
        w!(c.logout()).unwrap();
    }
}

both_fronts! {
    fn tls_is_verified_by_default() {
        // Without the private CA the server's certificate is refused.
        let err = match w!(F::connect("localhost", dovecot().tls_port, TlsMode::Implicit, &ClientOptions::default())) {
            Ok(mut c) => w!(c.capabilities()).map(drop),
            Err(e) => Err(e),
        }
        .unwrap_err();
        assert!(matches!(err, Error::Tls(_)), "{err}");
        assert!(err.to_string().contains("UnknownIssuer"), "{err}");
    }
}

both_fronts! {
    fn plaintext_login_is_refused_unless_allowed() {
        let mut c = w!(F::connect("127.0.0.1", dovecot().port, TlsMode::None, &options!())).unwrap();
        assert_eq!(w!(c.login("alice", "alice-pass")).unwrap_err(), Error::Insecure("LOGIN"));
        let allowed = options!().with_allow_plaintext_login(true);
        let mut c = w!(F::connect("127.0.0.1", dovecot().port, TlsMode::None, &allowed)).unwrap();
        w!(c.login("alice", "alice-pass")).unwrap();
    }
}

both_fronts! {
    fn wrong_password_is_a_no_with_its_text() {
        let mut c = w!(F::connect("localhost", dovecot().tls_port, TlsMode::Implicit, &options!())).unwrap();
        match w!(c.login("alice", "wrong")).unwrap_err() {
            Error::No { command, code, text } => {
                assert_eq!(command, "LOGIN");
                assert_eq!(code, Some(Code::Error(ErrorCode::AuthenticationFailed)));
                assert!(!text.is_empty());
            }
            other => panic!("{other}"),
        }
    }
}

both_fronts! {
    fn authenticate_plain() {
        let mut c = w!(F::connect("localhost", dovecot().tls_port, TlsMode::Implicit, &options!())).unwrap();
        w!(c.authenticate(Sasl::Plain { authzid: String::new(), user: "alice".into(), password: "alice-pass".into() }))
            .unwrap();
        assert!(w!(c.folder_exists("INBOX")).unwrap());
    }
}

both_fronts! {
    fn folders_list_create_rename_delete_subscribe_status() {
        let mut c = alice!();
        let name = "Tëst/Entwürfe";
        for n in [name, "Tëst/Renamed", "Tëst"] {
            if w!(c.folder_exists(n)).unwrap() {
                w!(c.delete_folder(n)).unwrap();
            }
        }
        w!(c.create_folder(name)).unwrap();
        let listed = w!(c.list_folders("", "Tëst/*")).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].mailbox.name(), name, "decoded from modified UTF-7");
        assert_eq!(listed[0].mailbox.raw().as_bytes(), b"T&AOs-st/Entw&APw-rfe");
        assert_eq!(listed[0].delimiter, Some('/'));
        w!(c.subscribe_folder(name)).unwrap();
        assert!(w!(c.list_subscribed_folders("", "Tëst/*")).unwrap().iter().any(|e| e.mailbox.name() == name));
        w!(c.unsubscribe_folder(name)).unwrap();
        w!(c.rename_folder(name, "Tëst/Renamed")).unwrap();
        assert!(!w!(c.folder_exists(name)).unwrap() && w!(c.folder_exists("Tëst/Renamed")).unwrap());
        let status = w!(c.folder_status("Tëst/Renamed", &[StatusAtt::Messages, StatusAtt::UidNext])).unwrap();
        assert_eq!(status[0].att, StatusAtt::Messages);
        assert_eq!(status[0].number(), Some(0));
        w!(c.delete_folder("Tëst/Renamed")).unwrap();
        let err = w!(c.delete_folder("Tëst/Renamed")).unwrap_err();
        assert!(matches!(err, Error::No { command: "DELETE", .. }), "{err}");
    }
}

both_fronts! {
    fn special_folders_are_found() {
        let mut c = alice!();
        assert_eq!(w!(c.find_special_folder(MailboxAttr::Sent)).unwrap().as_deref(), Some("Sent"));
        assert_eq!(w!(c.find_special_folder(MailboxAttr::Trash)).unwrap().as_deref(), Some("Trash"));
    }
}

both_fronts! {
    fn append_search_fetch_store_copy_move_expunge() {
        let mut c = alice!();
        fresh!(c, "t-messages");
        let date = imap_core::types::DateTime::parse("17-Jul-1996 02:44:25 -0700").unwrap();
        let first = w!(c.append("t-messages", &message("first", "hello"), &[Flag::Seen], Some(date))).unwrap().unwrap();
        let second = w!(c.append("t-messages", &message("second", "world"), &[], None)).unwrap().unwrap();
        assert_eq!(second.uid, first.uid + 1);
        w!(c.noop()).unwrap();
        assert_eq!(c.session().mailbox().unwrap().exists, 2, "EXISTS updated the mailbox state");

        assert_eq!(w!(c.search(SearchKey::Unseen)).unwrap(), vec![second.uid]);
        assert_eq!(w!(c.search(SearchKey::Subject(b"first".to_vec()))).unwrap(), vec![first.uid]);

        let items = vec![
            FetchAttr::Uid,
            FetchAttr::Flags,
            FetchAttr::InternalDate,
            FetchAttr::Rfc822Size,
            FetchAttr::Envelope,
            FetchAttr::BodyStructure,
            FetchAttr::peek(Section::full()),
        ];
        let fetched = w!(c.fetch(SeqSet::from(first.uid..=second.uid), items)).unwrap();
        assert_eq!(fetched.len(), 2);
        let f = &fetched[0];
        assert_eq!(f.uid(), Some(first.uid));
        assert!(f.flags().unwrap().contains(&Flag::Seen));
        assert_eq!(f.internal_date().unwrap().unix_timestamp(), date.unix_timestamp(), "the same instant");
        assert_eq!(f.size(), Some(message("first", "hello").len() as u32));
        let envelope = f.envelope().unwrap();
        assert_eq!(envelope.subject.as_ref().unwrap(), "first");
        assert_eq!(envelope.from[0].email().as_deref(), Some("ann@example.com"));
        assert_eq!(f.body_structure().unwrap().media_type(), ("TEXT".to_owned(), "PLAIN".to_owned()));
        assert_eq!(f.section("").unwrap(), &message("first", "hello")[..]);

        let after = w!(c.add_flags(second.uid, &[Flag::Flagged, Flag::Keyword("$Label1".into())])).unwrap();
        assert!(after[0].flags().unwrap().contains(&Flag::Flagged));
        let after = w!(c.remove_flags(second.uid, &[Flag::Flagged])).unwrap();
        assert!(!after[0].flags().unwrap().contains(&Flag::Flagged));
        let set = w!(c.set_flags(second.uid, &[Flag::Answered])).unwrap();
        let reported: Vec<_> = set.iter().map(|f| (f.uid(), flags_but_recent(f))).collect();
        assert_eq!(reported, vec![(Some(second.uid), vec![Flag::Answered])], "STORE FLAGS replaced \\Seen and $Label1");

        fresh_folder!(c, "t-messages-copy");
        let copied = w!(c.copy(first.uid, "t-messages-copy")).unwrap().unwrap();
        assert_eq!(copied.source.to_string(), first.uid.to_string());
        let moved = w!(c.move_messages(second.uid, "t-messages-copy")).unwrap();
        assert!(moved.is_some(), "COPYUID of the MOVE");
        assert_eq!(w!(c.search(SearchKey::All)).unwrap(), vec![first.uid]);
        w!(c.delete_messages(first.uid)).unwrap();
        assert_eq!(w!(c.expunge()).unwrap(), vec![1]);
        assert_eq!(c.session().mailbox().unwrap().exists, 0);
        let status = w!(c.folder_status("t-messages-copy", &[StatusAtt::Messages])).unwrap();
        assert_eq!(status[0].number(), Some(2));
    }
}

/// The flags a FETCH reports, `\Recent` (the server's, not settable) left out.
fn flags_but_recent(f: &imap_core::types::Fetch<'_>) -> Vec<Flag<'static>> {
    f.flags()
        .unwrap()
        .iter()
        .filter(|f| **f != Flag::Recent)
        .map(|f| imap_core::types::IntoStatic::into_static(f.clone()))
        .collect()
}

both_fronts! {
    fn refusals_carry_their_typed_reason() {
        let mut c = alice!();
        fresh!(c, "t-reasons");
        let reason = |e: Error| match e {
            Error::No { code: Some(Code::Error(code)), .. } => code,
            other => panic!("not a NO with a reason: {other}"),
        };
        assert_eq!(reason(w!(c.create_folder("t-reasons")).unwrap_err()), ErrorCode::AlreadyExists);
        assert_eq!(reason(w!(c.delete_folder("t-reasons-missing")).unwrap_err()), ErrorCode::NonExistent);
        assert_eq!(reason(w!(c.rename_folder("t-reasons-missing", "t-reasons-2")).unwrap_err()), ErrorCode::NonExistent);
        w!(c.delete_folder("t-reasons")).unwrap();
    }
}

both_fronts! {
    fn select_reports_mailbox_state_and_examine_is_read_only() {
        let mut c = alice!();
        fresh!(c, "t-select");
        w!(c.append("t-select", &message("s", "x"), &[], None)).unwrap();
        let selected = w!(c.select_folder("t-select", false)).unwrap();
        assert_eq!(selected.exists, 1);
        assert!(selected.uid_validity.is_some() && selected.uid_next.is_some());
        assert!(selected.flags.contains(&Flag::Seen));
        assert!(!selected.read_only);
        let examined = w!(c.select_folder("t-select", true)).unwrap();
        assert!(examined.read_only);
        w!(c.unselect_folder()).unwrap();
        assert!(c.session().mailbox().is_none());
    }
}

both_fronts! {
    fn sort_and_thread() {
        let mut c = alice!();
        fresh!(c, "t-sort");
        let mut uids = Vec::new();
        for subject in ["b", "a", "Re: a"] {
            uids.push(w!(c.append("t-sort", &message(subject, "x"), &[], None)).unwrap().unwrap().uid);
        }
        let (b, a, re_a) = (uids[0], uids[1], uids[2]);
        // RFC 5256: sorted by base subject ("Re: a" is "a"), ties in message order.
        let by_subject = w!(c.sort(vec![imap_core::command::SortKey::Subject.into()], SearchKey::All)).unwrap();
        assert_eq!(by_subject, vec![a, re_a, b]);
        let reverse = vec![imap_core::command::SortCriterion { reverse: true, key: imap_core::command::SortKey::Subject }];
        let by_subject = w!(c.sort(reverse, SearchKey::All)).unwrap();
        assert_eq!(by_subject, vec![b, a, re_a], "REVERSE turns the subjects round, not the ties");
        // ORDEREDSUBJECT: one thread per base subject, ordered by their first
        // message's date; "Re: a" is a child of "a".
        let threads = w!(c.thread(imap_core::command::ThreadAlgorithm::OrderedSubject, SearchKey::All)).unwrap();
        let node = |id, children| imap_core::client::ThreadNode { id, children };
        assert_eq!(threads, vec![node(b, vec![]), node(a, vec![node(re_a, vec![])])]);
    }
}

both_fronts! {
    fn idle_receives_a_message_appended_by_another_connection() {
        let mut c = alice!();
        fresh!(c, "t-idle");
        w!(c.idle()).unwrap();
        let mut other = alice!();
        w!(other.append("t-idle", &message("new", "x"), &[], None)).unwrap();
        let mut seen = Vec::new();
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while !seen.iter().any(|r| matches!(r, Response::Data(Data::Exists(1)))) && std::time::Instant::now() < deadline {
            seen.extend(w!(c.idle_wait(Duration::from_secs(5))).unwrap());
        }
        assert!(seen.iter().any(|r| matches!(r, Response::Data(Data::Exists(1)))), "{seen:?}");
        w!(c.idle_done()).unwrap();
        w!(c.noop()).unwrap();
    }
}

both_fronts! {
    fn namespace_id_enable_quota_acl() {
        let mut c = alice!();
        let ns = w!(c.namespace()).unwrap();
        assert_eq!(ns.personal[0].delimiter, Some('/'));
        let id = w!(c.id(Some(vec![("name".into(), Some("imap-core tests".into()))]))).unwrap();
        assert!(id.iter().any(|(k, _)| k.eq_ignore_ascii_case("name")), "{id:?}");
        let enabled = w!(c.enable(&["CONDSTORE"])).unwrap();
        assert_eq!(enabled, vec!["CONDSTORE".to_owned()]);
        // scripts/dovecot.sh: one root, "User quota", of 1 GiB storage.
        let (roots, quotas) = w!(c.get_quota_root("INBOX")).unwrap();
        assert_eq!(roots, vec!["User quota".to_owned()]);
        assert_eq!(quotas.len(), 1, "{quotas:?}");
        assert_eq!(quotas[0].root, "User quota");
        let limits: Vec<_> = quotas[0].resources.iter().map(|r| (r.name.as_ref(), r.limit)).collect();
        assert_eq!(limits, vec![("STORAGE", 1 << 20)], "1 GiB in KiB");
        let rights = w!(c.my_rights("INBOX")).unwrap();
        assert!(rights.contains('l') && rights.contains('r'), "{rights}");
    }
}

both_fronts! {
    fn pipelined_fetches_match_one_at_a_time() {
        let mut c = alice!();
        fresh!(c, "t-pipeline");
        let messages = (0..30).map(|i| imap_core::command::AppendMessage::new(message(&format!("m{i}"), "x"))).collect();
        w!(c.append_many("t-pipeline", messages)).unwrap();
        w!(c.noop()).unwrap();
        let uids = w!(c.search(SearchKey::All)).unwrap();
        assert_eq!(uids.len(), 30);
        let one = w!(c.fetch(SeqSet::from(&uids[..]), vec![FetchAttr::Uid, FetchAttr::Envelope])).unwrap();
        let many = w!(c.fetch_pipelined(&uids, vec![FetchAttr::Uid, FetchAttr::Envelope].into(), 4, 3)).unwrap();
        assert_eq!(one, many);
    }
}

both_fronts! {
    fn commands_in_the_wrong_state_or_without_capability_say_so() {
        let mut c = alice!();
        w!(c.unselect_folder()).ok();
        let err = w!(c.fetch(1, FetchAttr::Flags)).unwrap_err();
        assert!(
            matches!(err, Error::WrongState { command: "UID FETCH", needs: imap_core::command::Requires::Selected, .. }),
            "{err}"
        );
    }
}

both_fronts! {
    fn a_refused_connection_is_a_connect_error() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let err = w!(F::connect("127.0.0.1", port, TlsMode::None, &options!())).unwrap_err();
        assert!(matches!(err, Error::Connect(_)), "{err}");
    }
}

both_fronts! {
    fn close_uid_expunge_and_non_ascii_selection() {
        let mut c = alice!();
        fresh!(c, "t-日本語");
        for subject in ["keep", "drop1", "drop2"] {
            w!(c.append("t-日本語", &message(subject, "x"), &[], None)).unwrap();
        }
        let selected = w!(c.select_folder("t-日本語", false)).unwrap();
        assert_eq!(selected.exists, 3);
        let uids = w!(c.search(SearchKey::All)).unwrap();
        w!(c.delete_messages(SeqSet::from(&uids[..]))).unwrap();
        // Only the last one goes: UID EXPUNGE leaves the other \Deleted messages.
        assert_eq!(w!(c.uid_expunge(uids[2])).unwrap(), vec![3]);
        assert_eq!(c.session().mailbox().unwrap().exists, 2);
        w!(c.remove_flags(uids[0], &[Flag::Deleted])).unwrap();
        w!(c.close_folder()).unwrap();
        assert!(c.session().mailbox().is_none());
        let status = w!(c.folder_status("t-日本語", &[StatusAtt::Messages])).unwrap();
        assert_eq!(status[0].number(), Some(1), "CLOSE expunged the \\Deleted one");
        w!(c.delete_folder("t-日本語")).unwrap();
    }
}

both_fronts! {
    fn unsolicited_responses_are_kept_apart() {
        let mut c = alice!();
        fresh!(c, "t-unsolicited");
        let mut other = alice!();
        w!(other.append("t-unsolicited", &message("u", "x"), &[], None)).unwrap();
        w!(c.noop()).unwrap();
        let unsolicited = c.take_unsolicited();
        assert!(unsolicited.iter().any(|r| matches!(r, Response::Data(Data::Exists(1)))), "{unsolicited:?}");
        assert!(c.take_unsolicited().is_empty(), "taken once");
    }
}

both_fronts! {
    fn pipelined_batch_api_returns_results_in_order() {
        use imap_core::command::Command;
        let mut c = alice!();
        let results = w!(c.pipeline(vec![
            Command::Noop,
            Command::Status { mailbox: "INBOX".into(), atts: vec![StatusAtt::Messages] },
            Command::Select { mailbox: "does-not-exist".into(), condstore: false },
            Command::Capability,
        ]));
        assert_eq!(results.len(), 4);
        assert!(results[0].is_ok());
        assert_eq!(results[1].as_ref().unwrap().data.len(), 1, "the STATUS response went to STATUS");
        assert!(matches!(results[2], Err(Error::No { command: "SELECT", .. })));
        assert!(results[3].is_ok());
    }
}

#[test]
fn many_sessions_on_one_thread() {
    use imap_core::client::Sessions;
    use imap_core::command::Command;
    use imap_core::session::Event;
    let mut sessions = Sessions::new().unwrap();
    let ids: Vec<_> = (0..20)
        .map(|_| sessions.connect("localhost", dovecot().tls_port, TlsMode::Implicit, &options!()).unwrap())
        .collect();
    let mut logged_in = std::collections::HashSet::new();
    let mut login_tags = std::collections::HashMap::new();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while logged_in.len() < ids.len() && std::time::Instant::now() < deadline {
        for (id, event) in sessions.poll(Some(Duration::from_millis(200))).unwrap() {
            match event {
                Event::Greeting(_) => {
                    let command = Command::Login { user: b"alice".to_vec(), password: b"alice-pass".to_vec() };
                    login_tags.insert(id, sessions.submit(id, command).unwrap());
                }
                Event::Completed { tag, result } if login_tags.get(&id) == Some(&tag) => {
                    result.unwrap();
                    logged_in.insert(id);
                }
                _ => {}
            }
        }
    }
    assert_eq!(logged_in.len(), 20);
    for id in ids {
        assert_eq!(sessions.session(id).unwrap().state(), &imap_core::session::State::Authenticated);
    }
}

both_fronts! {
    fn sequence_numbers_when_use_uid_is_off() {
        let mut c = alice!();
        fresh!(c, "t-seq");
        for subject in ["one", "two"] {
            w!(c.append("t-seq", &message(subject, "x"), &[], None)).unwrap();
        }
        w!(c.noop()).unwrap();
        c.set_use_uid(false);
        assert_eq!(w!(c.search(SearchKey::All)).unwrap(), vec![1, 2]);
        let fetched = w!(c.fetch(2, FetchAttr::Envelope)).unwrap();
        assert_eq!((fetched[0].seq, fetched[0].envelope().unwrap().subject.as_ref().unwrap().as_str()), (2, Some("two")));
        let flagged = w!(c.add_flags(1, &[Flag::Flagged])).unwrap();
        assert_eq!(flagged[0].seq, 1);
        assert!(matches!(w!(c.move_by_copy(1, "INBOX")), Err(Error::MissingCapability { .. })), "needs UIDs");
    }
}

both_fronts! {
    fn move_by_copy_without_the_move_extension() {
        let mut c = alice!();
        fresh_folder!(c, "t-moved-to");
        fresh!(c, "t-move-from");
        let kept = w!(c.append("t-move-from", &message("kept", "x"), &[Flag::Deleted], None)).unwrap().unwrap();
        let moved = w!(c.append("t-move-from", &message("moved", "x"), &[], None)).unwrap().unwrap();
        w!(c.noop()).unwrap();
        let copy = w!(c.move_by_copy(moved.uid, "t-moved-to")).unwrap().unwrap();
        assert_eq!(copy.source.to_string(), moved.uid.to_string());
        assert_eq!(w!(c.search(SearchKey::All)).unwrap(), vec![kept.uid], "the other \\Deleted message stays");
        assert_eq!(w!(c.folder_status("t-moved-to", &[StatusAtt::Messages])).unwrap()[0].number(), Some(1));
    }
}

both_fronts! {
    fn quota_and_acl_calls() {
        let mut c = alice!();
        let (roots, quotas) = w!(c.get_quota_root("INBOX")).unwrap();
        assert_eq!(roots, vec!["User quota".to_owned()], "scripts/dovecot.sh's quota root");
        for root in &roots {
            let by_root = w!(c.get_quota(root)).unwrap();
            assert_eq!(by_root.iter().map(|q| &q.root).collect::<Vec<_>>(), vec![root]);
        }
        assert_eq!(quotas.len(), roots.len());
        fresh_folder!(c, "t-acl");
        w!(c.set_acl("t-acl", "bob", "lr")).unwrap();
        let acl = w!(c.get_acl("t-acl")).unwrap();
        assert!(acl.iter().any(|(who, rights)| who == "bob" && rights == "lr"), "{acl:?}");
        let rights = w!(c.list_rights("t-acl", "bob")).unwrap();
        // RFC 4314: the rights always granted (none), then each that may be
        // granted: Dovecot 2.3 lists RFC 4314's eleven and RFC 2086's c and d.
        assert_eq!(rights.first().map(String::as_str), Some(""), "{rights:?}");
        assert_eq!(rights[1..].concat(), "lrwstpiekxacd", "{rights:?}");
        w!(c.delete_acl("t-acl", "bob")).unwrap();
        assert!(!w!(c.get_acl("t-acl")).unwrap().iter().any(|(who, _)| who == "bob"));
    }
}

both_fronts! {
    fn fetch_each_streams_the_same_messages_without_keeping_them() {
        use imap_core::types::IntoStatic;
        let mut c = alice!();
        fresh!(c, "t-stream");
        let big = "x".repeat(300_000);
        let messages = (0..12)
            .map(|i| {
                imap_core::command::AppendMessage::new(message(&format!("s{i}"), if i % 4 == 0 { &big } else { "small" }))
            })
            .collect();
        w!(c.append_many("t-stream", messages)).unwrap();
        w!(c.noop()).unwrap();
        let items = vec![FetchAttr::Uid, FetchAttr::Envelope, FetchAttr::peek(Section::full())];
        let kept = w!(c.fetch(SeqSet::from(1..), items.clone())).unwrap();
        let mut streamed = Vec::new();
        let n = w!(c.fetch_each(SeqSet::from(1..), items, |f| streamed.push(f.clone().into_static()))).unwrap();
        assert_eq!(n, 12);
        assert_eq!(streamed, kept);
        // Unsolicited data during a streaming fetch still arrives, apart.
        let mut other = alice!();
        w!(other.append("t-stream", &message("late", "x"), &[], None)).unwrap();
        w!(c.fetch_each(1, FetchAttr::Uid, |_| {})).unwrap();
        w!(c.noop()).unwrap();
        assert!(c.take_unsolicited().iter().any(|r| matches!(r, Response::Data(Data::Exists(13)))));
    }
}

both_fronts! {
    fn compress_deflate_over_tls() {
        let mut c = alice!();
        assert!(w!(c.has_capability("COMPRESS=DEFLATE")).unwrap(), "imap_zlib offers COMPRESS=DEFLATE after login");
        w!(c.compress()).unwrap();
        // Everything from here on is compressed inside TLS.
        let folders = w!(c.list_folders("", "*")).unwrap();
        assert!(folders.iter().any(|f| f.mailbox.name().eq_ignore_ascii_case("INBOX")));
        fresh!(c, "t-compress");
        // A large, partly incompressible body: several sync-flushed batches and
        // many compressed reads.
        let mut x = 0x9e37_79b9u32;
        let noise: String = (0..200_000)
            .map(|i| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                if i % 77 == 76 {
                    '\n'
                } else {
                    char::from(b'!' + (x % 90) as u8)
                }
            })
            .collect::<String>()
            .replace('\n', "\r\n");
        let body = format!("{}{noise}", "compressible line\r\n".repeat(2000));
        let sent = message("compressed", &body);
        let uid = w!(c.append("t-compress", &sent, &[], None)).unwrap().unwrap().uid;
        w!(c.noop()).unwrap();
        assert_eq!(c.session().mailbox().unwrap().exists, 1);
        let fetched = w!(c.fetch(uid, vec![FetchAttr::Uid, FetchAttr::peek(Section::full())])).unwrap();
        assert_eq!(fetched.len(), 1);
        assert!(fetched[0].section("").unwrap() == &sent[..], "the message came back byte-identical");
        w!(c.idle()).unwrap();
        let seen = w!(c.idle_wait(Duration::from_millis(300))).unwrap();
        assert!(seen.iter().all(|r| !matches!(r, Response::Data(Data::Exists(0)))));
        w!(c.idle_done()).unwrap();
        // A second COMPRESS is refused by the server, and the link still works.
        let err = w!(c.compress()).unwrap_err();
        assert!(
            matches!(err, Error::No { command: "COMPRESS", code: Some(Code::Error(ErrorCode::CompressionActive)), .. }),
            "{err}"
        );
        w!(c.noop()).unwrap();
        // (Dovecot disconnects when the selected mailbox is deleted.)
        w!(c.select_folder("INBOX", true)).unwrap();
        w!(c.delete_folder("t-compress")).unwrap();
        w!(c.logout()).unwrap();
    }
}

/// Fails to compile unless `T` is `Send`.
fn is_send<T: Send>(value: T) -> T {
    value
}

/// The async client's futures are `Send` (checked when this compiles), so
/// clients run as tasks of a multi-threaded runtime and move between its
/// threads; four of them at once, each with its own mailbox.
#[test]
fn async_clients_run_as_tasks_of_a_multi_threaded_runtime() {
    use imap_core::tokio::AsyncClient;
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let tasks: Vec<_> = (0..4)
        .map(|n| {
            runtime.spawn(async move {
                let options = options!();
                let mut c =
                    is_send(AsyncClient::connect("localhost", dovecot().tls_port, TlsMode::Implicit, &options)).await?;
                is_send(c.login("alice", "alice-pass")).await?;
                // A name of this run's own: Dovecot may refuse to create a
                // name again right after its DELETE.
                let name = format!("t-tasks-{n}-{}", std::process::id());
                is_send(c.create_folder(&name)).await?;
                is_send(c.append(&name, &message(&format!("task {n}"), "body"), &[], None)).await?;
                is_send(c.select_folder(&name, false)).await?;
                let uids = is_send(c.search(SearchKey::All)).await?;
                let fetched = is_send(c.fetch(&uids[..], vec![FetchAttr::Envelope])).await?;
                let mut body = Vec::new();
                is_send(c.fetch_body_to(uids[0], Section::full(), &mut body)).await?;
                is_send(c.close_folder()).await?;
                c.delete_folder(&name).await?;
                is_send(c.logout()).await?;
                let subject = fetched[0].envelope().and_then(|e| e.subject_text()).map(|s| s.into_owned());
                Ok::<_, Error>((subject, body))
            })
        })
        .collect();
    for (n, task) in tasks.into_iter().enumerate() {
        let (subject, body) = runtime.block_on(task).expect("the task ran").expect("the session's calls");
        assert_eq!(subject, Some(format!("task {n}")));
        assert_eq!(body, message(&format!("task {n}"), "body"));
    }
}

/// A stream of the caller's: a TCP socket behind a wrapper that counts
/// what it reads, so the client cannot treat it as a socket it knows.
struct Counted {
    inner: std::net::TcpStream,
    read: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl Counted {
    /// A connection to `port` with the read timeout the client needs to
    /// keep its own limits.
    fn to(port: u16) -> Counted {
        let inner = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        inner.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
        Counted { inner, read: Default::default() }
    }
}

impl std::io::Read for Counted {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

impl std::io::Write for Counted {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.inner.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// `Client::over_stream`: implicit TLS, COMPRESS inside it, IDLE, a body
/// fetched whole; STARTTLS; and a certificate for another name refused.
#[test]
fn the_blocking_client_runs_over_a_stream_of_the_callers() {
    use imap_core::client::Client;
    let stream = Counted::to(dovecot().tls_port);
    let read = stream.read.clone();
    let mut c = Client::over_stream(stream, "localhost", dovecot().tls_port, TlsMode::Implicit, &options!()).unwrap();
    c.login("alice", "alice-pass").unwrap();
    c.compress().unwrap();
    support::fresh_folder(&mut c, "t-own-stream");
    let sent = message("own stream", &"a line of the body\r\n".repeat(20_000));
    let uid = c.append("t-own-stream", &sent, &[], None).unwrap().unwrap().uid;
    c.select_folder("t-own-stream", false).unwrap();
    let fetched = c.fetch(uid, vec![FetchAttr::peek(Section::full())]).unwrap();
    assert!(fetched[0].section("").unwrap() == &sent[..], "the message came back byte-identical");
    c.idle().unwrap();
    let started = std::time::Instant::now();
    c.idle_wait(Duration::from_millis(500)).unwrap();
    assert!(started.elapsed() < Duration::from_secs(2), "idle_wait kept its time: {:?}", started.elapsed());
    c.idle_done().unwrap();
    c.select_folder("INBOX", true).unwrap();
    c.delete_folder("t-own-stream").unwrap();
    c.logout().unwrap();
    // Compressed, the body is far smaller on the wire than its 400 KB.
    let wire = read.load(std::sync::atomic::Ordering::Relaxed);
    assert!(wire > 0 && wire < 200_000, "{wire} bytes read");

    let stream = Counted::to(dovecot().port);
    let mut c = Client::over_stream(stream, "localhost", dovecot().port, TlsMode::StartTls, &options!()).unwrap();
    c.login("alice", "alice-pass").unwrap();
    assert!(c.has_capability("IMAP4rev1").unwrap());
    c.logout().unwrap();

    let stream = Counted::to(dovecot().tls_port);
    let refused = Client::over_stream(stream, "other.example", dovecot().tls_port, TlsMode::Implicit, &options!());
    assert!(matches!(refused, Err(Error::Tls(_))), "{:?}", refused.map(|_| ()));
}

/// The operating system's verifier (rustls-platform-verifier), trusting the
/// test CA as an added root: the server's certificate passes for its name
/// and fails for another.
#[test]
fn the_platform_verifier_checks_the_certificate() {
    use imap_core::client::Client;
    let tls = TlsOptions::new().platform_verifier(true).add_ca_file(dovecot().ca());
    let options = ClientOptions::default().with_tls(tls);
    let mut c = Client::connect("localhost", dovecot().tls_port, TlsMode::Implicit, &options).unwrap();
    c.login("alice", "alice-pass").unwrap();
    c.logout().unwrap();
    // The certificate names localhost and 127.0.0.1: another name, over a
    // stream of our own to the same server, is refused.
    let stream = Counted::to(dovecot().tls_port);
    let refused = Client::over_stream(stream, "other.example", dovecot().tls_port, TlsMode::Implicit, &options);
    assert!(matches!(refused, Err(Error::Tls(_))), "{:?}", refused.map(|_| ()));
}
