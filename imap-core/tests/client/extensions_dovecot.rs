//! Typed extension data from a real Dovecot (2.3.19): STATUS=SIZE and
//! HIGHESTMODSEQ in STATUS, SEARCH with MODSEQ, BINARY, the QRESYNC resync.
//! Extensions this Dovecot does not offer (OBJECTID, APPENDLIMIT, DELETED,
//! UTF8=ACCEPT, IMAP4rev2) are tested on their RFC's examples instead
//! (tests/extensions.rs, and the session's tests for UTF8=ACCEPT). Each test
//! runs through both fronts from the same body (`both_fronts!`).

// This file's own Dovecot: its tests assume mailboxes no other file touches.
crate::support::own_dovecot!();

use crate::support::fronts::{both_fronts, fresh_folder};
use imap_core::client::{ClientOptions, TlsMode};
use imap_core::command::{FetchAttr, MetadataDepth, Partial, QResync, SearchKey, SeqSet};
use imap_core::reactor::TlsOptions;
use imap_core::session::Error;
use imap_core::types::{Code, ErrorCode, FetchItem, Flag, Search, StatusAtt, StatusValue};

/// A logged-in client over implicit TLS as `$user`, of the front the test
/// runs on.
macro_rules! login {
    ($user:expr) => {{
        let user: &str = $user;
        let options = ClientOptions::default().with_tls(TlsOptions::new().add_ca_file(dovecot().ca()));
        let mut c = w!(F::connect("localhost", dovecot().tls_port, TlsMode::Implicit, &options)).unwrap();
        w!(c.login(user, &format!("{user}-pass"))).unwrap();
        c
    }};
}

fn message(subject: &str, body: &str) -> Vec<u8> {
    format!("From: Ann <ann@example.com>\r\nTo: bob@example.org\r\nSubject: {subject}\r\nMessage-ID: <{subject}@test>\r\n\r\n{body}\r\n")
        .into_bytes()
}

both_fronts! {
    fn status_size_and_highestmodseq() {
        let mut c = login!("alice");
        assert!(w!(c.has_capability("STATUS=SIZE")).unwrap() && w!(c.has_capability("CONDSTORE")).unwrap());
        fresh_folder!(c, "t-status-size");
        let (one, two) = (message("one", "first body"), message("two", "second, longer body"));
        w!(c.append("t-status-size", &one, &[], None)).unwrap();
        w!(c.append("t-status-size", &two, &[], None)).unwrap();
        let items =
            w!(c.folder_status("t-status-size", &[StatusAtt::Messages, StatusAtt::Size, StatusAtt::HighestModSeq])).unwrap();
        assert_eq!(items.len(), 3, "{items:?}");
        // Dovecot answers in its own order.
        let value = |att: StatusAtt| &items.iter().find(|i| i.att == att).expect("asked for").value;
        assert_eq!(value(StatusAtt::Messages), &StatusValue::Number(2));
        // SIZE is the sum of the messages' sizes as stored (RFC 8438).
        assert_eq!(value(StatusAtt::Size), &StatusValue::Number((one.len() + two.len()) as u64));
        assert!(matches!(value(StatusAtt::HighestModSeq), StatusValue::Number(n) if *n >= 2), "{items:?}");
        w!(c.delete_folder("t-status-size")).unwrap();
        w!(c.logout()).unwrap();
    }
}

both_fronts! {
    fn search_returns_the_highest_modseq_of_the_matches() {
        let mut c = login!("alice");
        fresh_folder!(c, "t-search-modseq");
        for subject in ["a", "b", "c"] {
            w!(c.append("t-search-modseq", &message(subject, "body"), &[], None)).unwrap();
        }
        w!(c.select_folder("t-search-modseq", false)).unwrap();
        let uids = w!(c.search(SearchKey::All)).unwrap();
        assert_eq!(uids.len(), 3);
        let before = w!(c.fetch(&uids[..], vec![FetchAttr::ModSeq])).unwrap().iter().filter_map(|f| f.modseq()).max().unwrap();
        // Changing a flag raises that message's mod-sequence above the others'.
        w!(c.add_flags(uids[1], &[Flag::Flagged])).unwrap();
        let found = w!(c.search_with_modseq(SearchKey::ModSeq(before + 1))).unwrap();
        assert_eq!(found.ids, vec![uids[1]]);
        let fetched = w!(c.fetch(uids[1], vec![FetchAttr::ModSeq])).unwrap();
        assert_eq!(found.modseq, fetched[0].modseq(), "MODSEQ of the SEARCH is the message's");
        assert!(found.modseq.unwrap() > before);
        // No match: no MODSEQ.
        let none = w!(c.search_with_modseq(SearchKey::ModSeq(found.modseq.unwrap() + 1))).unwrap();
        assert_eq!((none.ids.len(), none.modseq), (0, None));
        // A search without MODSEQ has no mod-sequence either.
        assert_eq!(w!(c.search_with_modseq(SearchKey::All)).unwrap(), Search { ids: uids, modseq: None });
        w!(c.close_folder()).unwrap();
        w!(c.delete_folder("t-search-modseq")).unwrap();
        w!(c.logout()).unwrap();
    }
}

both_fronts! {
    fn binary_parts_decoded_by_the_server() {
        use base64::Engine;
        let mut c = login!("alice");
        assert!(w!(c.has_capability("BINARY")).unwrap());
        fresh_folder!(c, "t-binary");
        // Part 2 is base64 of bytes with NUL, CR, LF and 8-bit values: the
        // server sends it decoded, as a literal8.
        let payload: Vec<u8> = (0u8..=255).chain([0, 13, 10, 0]).collect();
        let encoded = base64::engine::general_purpose::STANDARD.encode(&payload);
        let mail = format!(
            "From: a@example.com\r\nSubject: bin\r\nMIME-Version: 1.0\r\n\
             Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
             --b\r\nContent-Type: text/plain\r\n\r\nhello\r\n\
             --b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n{encoded}\r\n\
             --b--\r\n"
        );
        let uid = w!(c.append("t-binary", mail.as_bytes(), &[], None)).unwrap().expect("APPENDUID").uid;
        w!(c.select_folder("t-binary", false)).unwrap();
        assert_eq!(w!(c.fetch_binary(uid, &[2])).unwrap().as_deref(), Some(&payload[..]));
        let items = vec![
            FetchAttr::BinarySize(vec![2]),
            FetchAttr::BinarySize(vec![1]),
            FetchAttr::Binary { part: vec![2], partial: Some(Partial { origin: 250, length: 8 }), peek: true },
            FetchAttr::Flags,
        ];
        let fetched = w!(c.fetch(uid, items)).unwrap();
        let f = &fetched[0];
        assert_eq!(f.binary_size(&[2]), Some(payload.len() as u64));
        assert_eq!(f.binary_size(&[1]), Some(5));
        let partial = f.items.iter().find_map(|i| match i {
            FetchItem::Binary { origin: Some(origin), data, .. } => Some((*origin, data.as_ref().unwrap().as_bytes())),
            _ => None,
        });
        assert_eq!(partial, Some((250, &payload[250..258])));
        assert!(!f.flags().unwrap().contains(&Flag::Seen), "BINARY.PEEK does not set \\Seen");
        w!(c.close_folder()).unwrap();
        w!(c.delete_folder("t-binary")).unwrap();
        w!(c.logout()).unwrap();
    }
}

both_fronts! {
    fn qresync_resync_after_changes_from_another_connection() {
        let mut c = login!("alice");
        fresh_folder!(c, "t-resync");
        for subject in ["r1", "r2", "r3", "r4", "r5"] {
            w!(c.append("t-resync", &message(subject, "body"), &[], None)).unwrap();
        }
        // The state a client keeps: UIDVALIDITY, HIGHESTMODSEQ, the UIDs.
        w!(c.enable(&["QRESYNC"])).unwrap();
        let selected = w!(c.select_folder("t-resync", false)).unwrap();
        let uids = w!(c.search(SearchKey::All)).unwrap();
        assert_eq!(uids.len(), 5);
        let known = QResync {
            uid_validity: selected.uid_validity.unwrap(),
            modseq: selected.highest_modseq.expect("HIGHESTMODSEQ once QRESYNC is on"),
            known_uids: Some(SeqSet::from(&uids[..])),
            seq_match: None,
        };
        w!(c.logout()).unwrap();

        // Another connection: a flag changed, a message expunged, one appended.
        let mut other = login!("alice");
        w!(other.select_folder("t-resync", false)).unwrap();
        w!(other.add_flags(uids[1], &[Flag::Flagged])).unwrap();
        w!(other.delete_messages(uids[3])).unwrap();
        w!(other.uid_expunge(uids[3])).unwrap();
        let new = w!(other.append("t-resync", &message("r6", "body"), &[Flag::Seen], None)).unwrap().unwrap().uid;
        w!(other.logout()).unwrap();

        // A new session resyncs (resync_folder enables QRESYNC itself).
        let mut c = login!("alice");
        let r = w!(c.resync_folder("t-resync", &known, false)).unwrap();
        assert!(!r.uid_validity_changed);
        assert_eq!(r.vanished.iter().collect::<Vec<_>>(), vec![uids[3]]);
        let mut changed: Vec<_> = r
            .changed
            .iter()
            .map(|f| {
                (f.uid().unwrap(), f.flags().unwrap().iter().filter(|f| **f != Flag::Recent).cloned().collect::<Vec<_>>())
            })
            .collect();
        changed.sort_by_key(|(uid, _)| *uid);
        // Changes are reported among the known UIDs only (RFC 7162 3.2.5); the
        // new message shows in EXISTS and UIDNEXT.
        assert_eq!(changed, vec![(uids[1], vec![Flag::Flagged])]);
        assert!(r.changed[0].modseq().unwrap() > known.modseq);
        let highest = r.highest_modseq.unwrap();
        assert!(highest > r.changed[0].modseq().unwrap(), "the APPEND came after the STORE");
        assert_eq!((r.mailbox.exists, r.mailbox.uid_next), (5, Some(new + 1)));

        // Without known UIDs, the new message is a change too.
        let all = QResync { known_uids: None, ..known.clone() };
        let r = w!(c.resync_folder("t-resync", &all, false)).unwrap();
        let mut changed: Vec<_> = r.changed.iter().map(|f| f.uid().unwrap()).collect();
        changed.sort();
        assert_eq!(changed, vec![uids[1], new]);
        assert_eq!(r.vanished.iter().collect::<Vec<_>>(), vec![uids[3]]);

        // Resynced to the new state: nothing changed since.
        let now = QResync { modseq: highest, ..known.clone() };
        let r = w!(c.resync_folder("t-resync", &now, true)).unwrap();
        assert_eq!((r.vanished.0.len(), r.changed.len(), r.mailbox.read_only), (0, 0, true));

        // A state of another UIDVALIDITY: the caller must start over.
        let stale = QResync { uid_validity: known.uid_validity.wrapping_add(1), ..known };
        let r = w!(c.resync_folder("t-resync", &stale, false)).unwrap();
        assert!(r.uid_validity_changed);
        assert_eq!((r.vanished.0.len(), r.changed.len()), (0, 0));
        w!(c.close_folder()).unwrap();
        w!(c.delete_folder("t-resync")).unwrap();
        w!(c.logout()).unwrap();
    }
}

both_fronts! {
    fn metadata_set_get_remove_and_codes() {
        let mut c = login!("bob");
        assert!(w!(c.has_capability("METADATA")).unwrap());
        fresh_folder!(c, "t-metadata");
        w!(c.set_metadata(
            "t-metadata",
            &[("/private/comment", Some(b"my own\r\ncomment")), ("/shared/comment", Some(b"shared \"one\""))],
        ))
        .unwrap();
        let values = w!(c.get_metadata("t-metadata", &["/private/comment", "/shared/comment", "/private/unset"])).unwrap();
        let mut values = values;
        values.sort();
        assert_eq!(
            values,
            vec![
                ("/private/comment".to_owned(), Some(b"my own\r\ncomment".to_vec())),
                ("/private/unset".to_owned(), None),
                ("/shared/comment".to_owned(), Some(b"shared \"one\"".to_vec())),
            ]
        );
        // MAXSIZE leaves the longer values out and says how long the longest is.
        let asked = ["/private/comment", "/shared/comment"];
        let (values, long) = w!(c.get_metadata_with("t-metadata", &asked, Some(13), MetadataDepth::Zero)).unwrap();
        assert_eq!((values, long), (vec![("/shared/comment".to_owned(), Some(b"shared \"one\"".to_vec()))], Some(15)));
        // DEPTH 1 takes the children of /private.
        let (values, _) = w!(c.get_metadata_with("t-metadata", &["/private"], None, MetadataDepth::One)).unwrap();
        assert!(values.contains(&("/private/comment".to_owned(), Some(b"my own\r\ncomment".to_vec()))), "{values:?}");
        // NIL removes.
        w!(c.set_metadata("t-metadata", &[("/private/comment", None)])).unwrap();
        assert_eq!(
            w!(c.get_metadata("t-metadata", &["/private/comment"])).unwrap(),
            vec![("/private/comment".to_owned(), None)]
        );
        // Server entries: mailbox "".
        w!(c.set_metadata("", &[("/private/vendor/imap-core/test", Some(b"server"))])).unwrap();
        assert_eq!(
            w!(c.get_metadata("", &["/private/vendor/imap-core/test"])).unwrap(),
            vec![("/private/vendor/imap-core/test".to_owned(), Some(b"server".to_vec()))]
        );
        w!(c.set_metadata("", &[("/private/vendor/imap-core/test", None)])).unwrap();
        // A NUL goes as a literal8; Dovecot refuses it with a typed NO, whose
        // text says the NUL arrived (the literal8 carried it whole).
        let err = w!(c.set_metadata("t-metadata", &[("/private/bin", Some(b"a\0b"))])).unwrap_err();
        match &err {
            Error::No { command: "SETMETADATA", code: Some(Code::Error(ErrorCode::Cannot)), text } => {
                assert!(text.starts_with("Attribute string value has NULs"), "{err}")
            }
            other => panic!("not SETMETADATA's NO [CANNOT]: {other:?}"),
        }
        w!(c.delete_folder("t-metadata")).unwrap();
        w!(c.logout()).unwrap();
    }
}
