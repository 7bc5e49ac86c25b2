//! Client calls of extensions the test Dovecot (2.3.19) does not offer, or
//! whose server side cannot be provoked there, played against a scripted
//! server on 127.0.0.1 with the exchanges of the RFCs' own examples: the
//! QRESYNC resync (RFC 7162 section 3.2.5.2, whose UIDVALIDITY case Dovecot
//! cannot be made to show on request), UTF8=ACCEPT (RFC 6855) and IMAP4rev2
//! (RFC 9051). Also `Client::take_extension_values`, the values of a
//! test-only extension that no command waited for, and their bound.

use crate::support::scripted;

use imap_core::client::{Client, ClientOptions, TlsMode};
use imap_core::command::{QResync, SeqSet};
use imap_core::types::{Flag, UidRange, UidSet};
use scripted::{expect, send, Server, Step};

fn connect(port: u16) -> Client {
    let options = ClientOptions::default().with_allow_plaintext_login(true);
    Client::connect("127.0.0.1", port, TlsMode::None, &options).expect("connect")
}

fn set(ranges: &[(u32, u32)]) -> UidSet {
    UidSet(ranges.iter().map(|&(start, end)| UidRange { start, end }).collect())
}

// ------------------------------------------------------------------ QRESYNC (RFC 7162)

#[test]
fn resync_rfc7162_example() {
    let server = Server::start(vec![
        send("* PREAUTH [CAPABILITY IMAP4rev1 ENABLE CONDSTORE QRESYNC] ready\r\n"),
        expect("ENABLE QRESYNC"),
        send("* ENABLED QRESYNC\r\n{tag} OK QRESYNC enabled\r\n"),
        // RFC 7162 section 3.2.5.2's example, its SELECT line and answer.
        expect("SELECT INBOX (QRESYNC (67890007 20050715194045000 41,43:211,214:541))"),
        send(
            "* OK [CLOSED]\r\n\
             * 100 EXISTS\r\n\
             * 11 RECENT\r\n\
             * OK [UIDVALIDITY 67890007] UIDVALIDITY\r\n\
             * OK [UIDNEXT 600] Predicted next UID\r\n\
             * OK [HIGHESTMODSEQ 20010715194045319] Highest\r\n\
             * OK [UNSEEN 7] There are some unseen messages in the mailbox\r\n\
             * FLAGS (\\Answered \\Flagged \\Draft \\Deleted $MDNSent)\r\n\
             * OK [PERMANENTFLAGS (\\Answered \\Flagged \\Draft \\Deleted $MDNSent \\*)] Permanent flags\r\n\
             * VANISHED (EARLIER) 41,43:116,118,120:211,214:540\r\n\
             * 49 FETCH (UID 117 FLAGS (\\Seen \\Answered) MODSEQ (90060115194045001))\r\n\
             * 50 FETCH (UID 119 FLAGS (\\Draft $MDNSent) MODSEQ (90060115194045308))\r\n\
             * 51 FETCH (UID 541 FLAGS (\\Seen $Forwarded) MODSEQ (90060115194045001))\r\n\
             {tag} OK [READ-WRITE] mailbox selected\r\n",
        ),
        // A second resync: UIDVALIDITY changed, the server ignores QRESYNC.
        expect("SELECT INBOX (QRESYNC (67890007 20010715194045319))"),
        send(
            "* 3 EXISTS\r\n* OK [UIDVALIDITY 1234] new\r\n* OK [HIGHESTMODSEQ 5] Highest\r\n\
             {tag} OK [READ-WRITE] mailbox selected\r\n",
        ),
        expect("LOGOUT"),
        send("* BYE\r\n{tag} OK bye\r\n"),
        Step::Close,
    ]);
    let mut c = connect(server.port);
    let known = QResync {
        uid_validity: 67890007,
        modseq: 20050715194045000,
        known_uids: Some("41,43:211,214:541".parse::<SeqSet>().unwrap()),
        seq_match: None,
    };
    let r = c.resync_folder("INBOX", &known, false).unwrap();
    assert!(c.session().is_enabled("QRESYNC"));
    assert!(!r.uid_validity_changed);
    assert_eq!(r.vanished, set(&[(41, 41), (43, 116), (118, 118), (120, 211), (214, 540)]));
    assert_eq!(r.highest_modseq, Some(20010715194045319));
    assert_eq!((r.mailbox.exists, r.mailbox.uid_next, r.mailbox.read_only), (100, Some(600), false));
    let changed: Vec<_> = r.changed.iter().map(|f| (f.seq, f.uid(), f.modseq(), f.flags().unwrap().to_vec())).collect();
    assert_eq!(
        changed,
        vec![
            (49, Some(117), Some(90060115194045001), vec![Flag::Seen, Flag::Answered]),
            (50, Some(119), Some(90060115194045308), vec![Flag::Draft, Flag::Keyword("$MDNSent".into())]),
            (51, Some(541), Some(90060115194045001), vec![Flag::Seen, Flag::Keyword("$Forwarded".into())]),
        ]
    );
    // Nothing of it leaked to the unsolicited queue.
    assert!(c.take_unsolicited().iter().all(|r| !matches!(r, imap_core::types::Response::Data(_))));

    let known = QResync { uid_validity: 67890007, modseq: 20010715194045319, known_uids: None, seq_match: None };
    let r = c.resync_folder("INBOX", &known, false).unwrap();
    assert!(r.uid_validity_changed);
    assert_eq!((r.vanished.0.len(), r.changed.len(), r.highest_modseq), (0, 0, Some(5)));
    c.logout().unwrap();
    let transcript = server.join();
    assert_eq!(transcript.error, None);
}

#[test]
fn select_qresync_with_seq_match_data_is_encoded_as_rfc7162_shows() {
    use imap_core::command::{Command, EncodeOptions};
    let qresync = QResync {
        uid_validity: 67890007,
        modseq: 90060115194045000,
        known_uids: Some("1:29997".parse().unwrap()),
        seq_match: Some((
            "5000,7500,9000,9990:9999".parse().unwrap(),
            "15000,22500,27000,29970,29973:29974".parse().unwrap(),
        )),
    };
    let command = Command::SelectQResync { mailbox: "INBOX".into(), read_only: true, qresync };
    let bytes = command.encode("B02", &EncodeOptions::default()).unwrap().to_bytes();
    assert_eq!(
        String::from_utf8(bytes).unwrap(),
        "B02 EXAMINE INBOX (QRESYNC (67890007 90060115194045000 1:29997 \
         (5000,7500,9000,9990:9999 15000,22500,27000,29970,29973:29974)))\r\n"
    );
    assert!(!command.may_pipeline());
}

// ------------------------------------------------------------------ UTF8=ACCEPT (RFC 6855)

#[test]
fn utf8_accept_names_are_utf8_both_ways_once_enabled() {
    let server = Server::start(vec![
        send("* PREAUTH [CAPABILITY IMAP4rev1 ENABLE UTF8=ACCEPT LIST-STATUS] ready\r\n"),
        // Before ENABLE: modified UTF-7, both ways.
        expect("CREATE Tom&-Jerry-Entw&APw-rfe"),
        send("{tag} OK created\r\n"),
        expect("LIST \"\" Tom*"),
        send("* LIST () \"/\" Tom&-Jerry-Entw&APw-rfe\r\n{tag} OK listed\r\n"),
        expect("ENABLE UTF8=ACCEPT"),
        send("* ENABLED UTF8=ACCEPT\r\n{tag} OK enabled\r\n"),
        // After: UTF-8 quoted strings out (RFC 6855 section 3), and names
        // in are UTF-8, `&` included, not modified UTF-7.
        expect("CREATE \"日本語 & more\""),
        send("{tag} OK created\r\n"),
        expect("CREATE Tom&Jerry"),
        send("{tag} OK created\r\n"),
        expect("LIST \"\" *"),
        send(
            "* LIST (\\HasNoChildren) \"/\" \"日本語 & more\"\r\n\
             * LIST () \"/\" Tom&Jerry\r\n\
             * LIST () \"/\" a&AOQ-\r\n\
             * LIST () \"/\" inbox\r\n\
             {tag} OK listed\r\n",
        ),
        expect("STATUS \"Entwürfe\" (MESSAGES)"),
        send("* STATUS \"Entwürfe\" (MESSAGES 3)\r\n{tag} OK status\r\n"),
        expect("SELECT \"Entwürfe\""),
        send("* 3 EXISTS\r\n{tag} OK [READ-WRITE] selected\r\n"),
        expect("LOGOUT"),
        send("* BYE\r\n{tag} OK bye\r\n"),
        Step::Close,
    ]);
    let mut c = connect(server.port);
    c.create_folder("Tom&Jerry-Entwürfe").unwrap();
    let before = c.list_folders("", "Tom*").unwrap();
    assert_eq!(before[0].mailbox.name(), "Tom&Jerry-Entwürfe");
    assert!(!c.session().utf8_enabled());
    assert!(c.enable_utf8_accept().unwrap());
    assert!(c.session().utf8_enabled() && c.session().is_enabled("UTF8=ACCEPT"));
    c.create_folder("日本語 & more").unwrap();
    c.create_folder("Tom&Jerry").unwrap();
    let names: Vec<_> = c.list_folders("", "*").unwrap().iter().map(|e| e.mailbox.name().to_owned()).collect();
    assert_eq!(names, ["日本語 & more", "Tom&Jerry", "a&AOQ-", "INBOX"]);
    let status = c.folder_status("Entwürfe", &[imap_core::types::StatusAtt::Messages]).unwrap();
    assert_eq!(status[0].number(), Some(3));
    assert_eq!(c.select_folder("Entwürfe", false).unwrap().name, "Entwürfe");
    // Already on: no second ENABLE.
    assert!(c.enable_utf8_accept().unwrap());
    c.logout().unwrap();
    let transcript = server.join();
    assert_eq!(transcript.error, None, "{:?}", transcript.received);
}

#[test]
fn utf8_accept_is_not_enabled_when_not_offered() {
    let server = Server::start(vec![
        send("* PREAUTH [CAPABILITY IMAP4rev1 ENABLE] ready\r\n"),
        expect("CREATE \"Entw&APw-rfe 2\""),
        send("{tag} OK created\r\n"),
        expect("LOGOUT"),
        send("* BYE\r\n{tag} OK bye\r\n"),
        Step::Close,
    ]);
    let mut c = connect(server.port);
    assert!(!c.enable_utf8_accept().unwrap());
    c.create_folder("Entwürfe 2").unwrap();
    c.logout().unwrap();
    assert_eq!(server.join().error, None);
}

// ------------------------------------------------------------------ IMAP4rev2 (RFC 9051)

#[test]
fn imap4rev2_enabled_and_its_differences_handled() {
    use imap_core::command::SearchKey;
    use imap_core::types::{MailboxAttr, StatusAtt, StatusValue};
    let server = Server::start(vec![
        send("* PREAUTH [CAPABILITY IMAP4rev1 IMAP4rev2 ENABLE] ready\r\n"),
        expect("ENABLE IMAP4rev2"),
        send("* ENABLED IMAP4rev2\r\n{tag} OK enabled\r\n"),
        // RFC 9051 section 6.3.2's SELECT answer: no RECENT, a LIST.
        expect("SELECT INBOX"),
        send(
            "* 172 EXISTS\r\n\
             * OK [UIDVALIDITY 3857529045] UIDs valid\r\n\
             * OK [UIDNEXT 4392] Predicted next UID\r\n\
             * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n\
             * OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n\
             * LIST () \"/\" INBOX\r\n\
             {tag} OK [READ-WRITE] SELECT completed\r\n",
        ),
        // Section 6.4.4: a SEARCH is answered with ESEARCH.
        expect("UID SEARCH FLAGGED"),
        send("* ESEARCH (TAG \"{tag}\") UID ALL 2,10:11\r\n{tag} OK SEARCH completed\r\n"),
        expect("UID SEARCH DELETED"),
        send("* ESEARCH (TAG \"{tag}\") UID\r\n{tag} OK SEARCH completed\r\n"),
        // Section 6.3.11: STATUS with DELETED and SIZE; names in UTF-8.
        expect("STATUS \"Brötchen\" (MESSAGES DELETED SIZE)"),
        send("* STATUS \"Brötchen\" (MESSAGES 231 DELETED 3 SIZE 44421)\r\n{tag} OK STATUS completed\r\n"),
        // Section 6.3.9: LIST with \NonExistent and \Subscribed.
        expect("LIST \"\" *"),
        send(
            "* LIST (\\Subscribed \\NonExistent) \"/\" \"Fruit/Peach\"\r\n\
             * LIST (\\Subscribed) \"/\" \"Brötchen\"\r\n\
             {tag} OK LIST completed\r\n",
        ),
        expect("LOGOUT"),
        send("* BYE\r\n{tag} OK bye\r\n"),
        Step::Close,
    ]);
    let mut c = connect(server.port);
    assert!(!c.has_capability("MOVE").unwrap(), "IMAP4rev1 is in force until ENABLE");
    assert!(c.enable_imap4rev2().unwrap());
    assert!(c.session().utf8_enabled(), "rev2 names are UTF-8");
    assert!(c.has_capability("MOVE").unwrap(), "rev2 includes MOVE");
    let mailbox = c.select_folder("INBOX", false).unwrap();
    assert_eq!((mailbox.exists, mailbox.recent, mailbox.uid_next), (172, 0, Some(4392)));
    assert_eq!(c.search(SearchKey::Flagged).unwrap(), vec![2, 10, 11]);
    assert_eq!(c.search(SearchKey::Deleted).unwrap(), Vec::<u32>::new());
    let status = c.folder_status("Brötchen", &[StatusAtt::Messages, StatusAtt::Deleted, StatusAtt::Size]).unwrap();
    let values: Vec<_> = status.iter().map(|i| (i.att.clone(), i.value.clone())).collect();
    assert_eq!(
        values,
        vec![
            (StatusAtt::Messages, StatusValue::Number(231)),
            (StatusAtt::Deleted, StatusValue::Number(3)),
            (StatusAtt::Size, StatusValue::Number(44421))
        ]
    );
    let list = c.list_folders("", "*").unwrap();
    assert_eq!(list[0].attributes, vec![MailboxAttr::Subscribed, MailboxAttr::NonExistent]);
    assert_eq!((list[0].mailbox.name(), list[1].mailbox.name()), ("Fruit/Peach", "Brötchen"));
    c.logout().unwrap();
    let transcript = server.join();
    assert_eq!(transcript.error, None, "{:?}", transcript.received);
}

// ------------------------------------------------------------------ Gmail X-GM-EXT-1

#[test]
fn gmail_labels_ids_and_raw_search_through_the_client() {
    use imap_core::command::{FetchAttr, SearchKey};
    use imap_core::types::GmLabel;
    let server = Server::start(vec![
        send("* PREAUTH [CAPABILITY IMAP4rev1 UIDPLUS X-GM-EXT-1] ready\r\n"),
        expect("SELECT \"[Gmail]/All Mail\""),
        send("* 4 EXISTS\r\n{tag} OK [READ-WRITE] selected\r\n"),
        expect("UID SEARCH X-GM-RAW \"has:attachment in:unread\""),
        send("* SEARCH 3 4\r\n{tag} OK SEARCH (Success)\r\n"),
        expect("UID FETCH 3:4 (UID X-GM-MSGID X-GM-THRID X-GM-LABELS)"),
        send(
            "* 1 FETCH (UID 3 X-GM-MSGID 1278455344230334865 X-GM-THRID 1278455344230334865 X-GM-LABELS (\\Inbox))\r\n\
             * 2 FETCH (UID 4 X-GM-MSGID 1278455344230334866 X-GM-THRID 1278455344230334865 X-GM-LABELS ())\r\n\
             {tag} OK Success\r\n",
        ),
        expect("UID STORE 3 +X-GM-LABELS (foo \"Muy Importante\" \\Starred)"),
        send(
            "* 1 FETCH (UID 3 X-GM-LABELS (\\Inbox \\Starred foo \"Muy Importante\"))\r\n{tag} OK STORE (Success)\r\n",
        ),
        expect("UID STORE 3 -X-GM-LABELS (\\Inbox)"),
        send("* 1 FETCH (UID 3 X-GM-LABELS (\\Starred foo \"Muy Importante\"))\r\n{tag} OK STORE (Success)\r\n"),
        expect("UID STORE 4 X-GM-LABELS (&AMk-t&AOk-)"),
        send("* 2 FETCH (UID 4 X-GM-LABELS (&AMk-t&AOk-))\r\n{tag} OK STORE (Success)\r\n"),
        expect("LOGOUT"),
        send("* BYE\r\n{tag} OK bye\r\n"),
        Step::Close,
    ]);
    let mut c = connect(server.port);
    c.select_folder("[Gmail]/All Mail", false).unwrap();
    let uids = c.search(SearchKey::GmRaw("has:attachment in:unread".into())).unwrap();
    assert_eq!(uids, vec![3, 4]);
    let attrs = vec![FetchAttr::Uid, FetchAttr::GmMsgId, FetchAttr::GmThrId, FetchAttr::GmLabels];
    let fetched = c.fetch(3..=4, attrs).unwrap();
    assert_eq!(fetched[0].gm_msgid(), Some(1278455344230334865));
    assert_eq!(fetched[0].gm_thrid(), fetched[1].gm_thrid(), "one thread");
    assert_eq!(fetched[1].gm_labels(), Some(&[][..]));
    let names = |f: &imap_core::types::Fetch<'_>| {
        f.gm_labels().unwrap().iter().map(|l| l.name().to_owned()).collect::<Vec<_>>()
    };
    let after = c.add_gm_labels(3, &["foo", "Muy Importante", "\\Starred"]).unwrap();
    assert_eq!(names(&after[0]), ["\\Inbox", "\\Starred", "foo", "Muy Importante"]);
    assert_eq!(after[0].gm_labels().unwrap()[1], GmLabel::System("\\Starred".into()));
    let after = c.remove_gm_labels(3, &["\\Inbox"]).unwrap();
    assert_eq!(names(&after[0]), ["\\Starred", "foo", "Muy Importante"]);
    let after = c.set_gm_labels(4, &["Été"]).unwrap();
    assert_eq!(names(&after[0]), ["Été"]);
    c.logout().unwrap();
    let transcript = server.join();
    assert_eq!(transcript.error, None, "{:?}", transcript.received);
}

#[test]
fn an_imap4rev2_only_server_has_what_rev2_includes() {
    let server = Server::start(vec![
        // RFC 9051 section 6.1.1's capability list: no MOVE, UIDPLUS,
        // NAMESPACE, UNSELECT named, yet all are there.
        send("* PREAUTH [CAPABILITY IMAP4rev2 AUTH=PLAIN] ready\r\n"),
        expect("NAMESPACE"),
        send("* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n{tag} OK done\r\n"),
        expect("SELECT INBOX"),
        send("* 2 EXISTS\r\n{tag} OK [READ-WRITE] selected\r\n"),
        expect("UID MOVE 1 Archive"),
        send("* OK [COPYUID 7 1 9] moved\r\n* 1 EXPUNGE\r\n{tag} OK done\r\n"),
        expect("UID EXPUNGE 2"),
        send("{tag} OK done\r\n"),
        expect("UNSELECT"),
        send("{tag} OK done\r\n"),
        expect("LOGOUT"),
        send("* BYE\r\n{tag} OK bye\r\n"),
        Step::Close,
    ]);
    let mut c = connect(server.port);
    assert!(c.has_capability("MOVE").unwrap() && c.has_capability("uidplus").unwrap());
    assert!(!c.has_capability("QRESYNC").unwrap(), "only what rev2 includes");
    assert_eq!(c.namespace().unwrap().personal.len(), 1);
    c.select_folder("INBOX", false).unwrap();
    let moved = c.move_messages(1, "Archive").unwrap().expect("COPYUID");
    assert_eq!(moved.uid_validity, 7);
    c.uid_expunge(2).unwrap();
    c.unselect_folder().unwrap();
    c.logout().unwrap();
    let transcript = server.join();
    assert_eq!(transcript.error, None, "{:?}", transcript.received);
}

// ------------------------------------------------- Client::take_extension_values

/// A server extension imap-core does not know: `* XTEST <n>`, typed as `n`.
struct XTest;

impl imap_core::session::Extension for XTest {
    fn parse(&self, frame: &imap_core::wire::Frame<'_>) -> Option<imap_core::session::ExtensionValue> {
        let rest = frame.bytes().strip_prefix(b"* XTEST ")?.strip_suffix(b"\r\n")?;
        let n: u32 = std::str::from_utf8(rest).ok()?.parse().ok()?;
        Some(imap_core::session::ExtensionValue::new(n))
    }
}

fn numbers(values: &[imap_core::session::ExtensionValue]) -> Vec<u32> {
    values.iter().map(|v| *v.downcast_ref::<u32>().expect("an XTEST value")).collect()
}

/// IDLEs until `want` extension values have come (or 5 s have passed) and
/// ends the IDLE; returns what `take_extension_values` gave.
fn extension_values_during_idle(c: &mut Client, want: usize) -> Vec<u32> {
    c.idle().unwrap();
    let mut taken = Vec::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while taken.len() < want && std::time::Instant::now() < deadline {
        c.idle_wait(std::time::Duration::from_millis(100)).unwrap();
        taken.extend(numbers(&c.take_extension_values()));
    }
    c.idle_done().unwrap();
    taken.extend(numbers(&c.take_extension_values()));
    taken
}

#[test]
fn extension_values_no_command_waited_for_are_taken_in_order_once() {
    let server = Server::start(vec![
        send("* PREAUTH [CAPABILITY IMAP4rev1 IDLE] ready\r\n"),
        // While a command runs, its value is the command's.
        expect("NOOP"),
        send("* XTEST 1\r\n{tag} OK done\r\n"),
        // During IDLE no command waits for anything.
        expect("IDLE"),
        send("+ idling\r\n* XTEST 2\r\n* XTEST 3\r\n"),
        expect("DONE"),
        send("{tag} OK idle done\r\n"),
        expect("LOGOUT"),
        send("* BYE\r\n{tag} OK bye\r\n"),
        Step::Close,
    ]);
    let mut c = connect(server.port);
    c.add_extension(Box::new(XTest));
    let done = c.run(imap_core::command::Command::Noop).unwrap();
    assert_eq!(numbers(&done.extensions), [1], "the NOOP's own value");
    assert!(c.take_extension_values().is_empty(), "the NOOP's value is not also left over");
    assert_eq!(extension_values_during_idle(&mut c, 2), [2, 3]);
    assert!(c.take_extension_values().is_empty(), "taken once");
    assert_eq!(c.extension_values_dropped(), 0);
    c.logout().unwrap();
    let t = server.join();
    assert_eq!(t.error, None, "{:?}", t.received);
}

#[test]
fn extension_values_nobody_takes_are_bounded_like_unsolicited_responses() {
    let flood: String = (1..=50).map(|n| format!("* XTEST {n}\r\n")).collect();
    let server = Server::start(vec![
        send("* PREAUTH [CAPABILITY IMAP4rev1 IDLE] ready\r\n"),
        expect("IDLE"),
        send(format!("+ idling\r\n{flood}")),
        expect("DONE"),
        send("{tag} OK idle done\r\n"),
        Step::HoldOpen(std::time::Duration::from_secs(3)),
    ]);
    let options = ClientOptions::default().with_allow_plaintext_login(true).with_max_unsolicited(8);
    let mut c = Client::connect("127.0.0.1", server.port, TlsMode::None, &options).expect("connect");
    c.add_extension(Box::new(XTest));
    c.idle().unwrap();
    // Nobody takes them until all 50 have come: the newest 8 are kept.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while c.extension_values_dropped() < 42 && std::time::Instant::now() < deadline {
        c.idle_wait(std::time::Duration::from_millis(100)).unwrap();
    }
    c.idle_done().unwrap();
    assert_eq!(numbers(&c.take_extension_values()), (43..=50).collect::<Vec<_>>());
    assert_eq!(c.extension_values_dropped(), 42);
    drop(c);
    let t = server.join();
    assert_eq!(t.error, None, "{:?}", t.received);
}
