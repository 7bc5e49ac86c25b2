//! The session fed bytes by hand: every rule of the module docs.

use super::*;
use crate::command::{Command, FetchAttr, FetchItems, Phase, Requires, SearchKey, SeqSet};
use crate::connection::Connection;
use crate::types::{Code, Data, Fetch, Flag, Search};
use std::time::{Duration, Instant};

/// A greeted session with these capabilities.
fn greeted(capabilities: &str) -> Session {
    let mut s = Session::new();
    s.receive(format!("* OK [CAPABILITY IMAP4rev1 {capabilities}] ready\r\n").as_bytes());
    assert!(matches!(s.poll_event(), Some(Event::Greeting(_))));
    s
}

/// Takes and returns everything written so far.
fn written(s: &mut Session) -> String {
    let out = String::from_utf8(s.pending_output().to_vec()).unwrap();
    let n = out.len();
    s.sent(n);
    out
}

fn events(s: &mut Session) -> Vec<Event> {
    std::iter::from_fn(|| s.poll_event()).collect()
}

fn completion(events: &[Event], tag: &Tag) -> Result<Completion, Error> {
    events
        .iter()
        .find_map(|e| match e {
            Event::Completed { tag: t, result } if t == tag => Some(result.clone()),
            _ => None,
        })
        .expect("the command completed")
}

fn logged_in(capabilities: &str) -> Session {
    let mut s = greeted(capabilities);
    let tag = s.submit(Command::Login { user: b"u".to_vec(), password: b"p".to_vec() }).unwrap();
    written(&mut s);
    s.receive(format!("{tag} OK [CAPABILITY IMAP4rev1 {capabilities}] in\r\n").as_bytes());
    events(&mut s);
    s
}

fn selected() -> Session {
    let mut s = logged_in("IDLE UIDPLUS MOVE");
    let tag = s.submit(Command::Select { mailbox: "INBOX".into(), condstore: false }).unwrap();
    written(&mut s);
    s.receive(
        format!(
            "* 3 EXISTS\r\n* 0 RECENT\r\n* FLAGS (\\Seen \\Deleted)\r\n* OK [UIDVALIDITY 7] v\r\n\
             * OK [UIDNEXT 4] n\r\n{tag} OK [READ-WRITE] selected\r\n"
        )
        .as_bytes(),
    );
    events(&mut s);
    s
}

fn fetch_flags(set: &str) -> Command {
    Command::Fetch {
        set: set.parse::<SeqSet>().unwrap(),
        items: FetchAttr::Flags.into(),
        changed_since: None,
        uid: false,
    }
}

#[test]
fn greeting_sets_state_and_capabilities() {
    let s = greeted("LITERAL+ IDLE");
    assert_eq!(s.state(), &State::NotAuthenticated);
    assert!(s.has_capability("idle") && s.has_capability("LITERAL+") && !s.has_capability("MOVE"));
    let mut pre = Session::new();
    pre.receive(b"* PREAUTH logged in already\r\n");
    assert_eq!(pre.state(), &State::Authenticated);
}

#[test]
fn bye_greeting_closes() {
    let mut s = Session::new();
    s.receive(b"* BYE too busy\r\n");
    assert!(s.is_closed());
    assert!(matches!(events(&mut s).last(), Some(Event::Closed(Some(Error::Bye { .. })))));
}

#[test]
fn commands_in_the_wrong_state_are_refused_with_a_clear_error() {
    let mut s = greeted("");
    let err = s.submit(fetch_flags("1")).unwrap_err();
    assert_eq!(err, Error::WrongState { command: "FETCH", needs: Requires::Selected, state: Phase::NotAuthenticated });
    assert!(err.to_string().contains("FETCH needs the selected state"));
    let mut s = logged_in("");
    assert!(matches!(
        s.submit(Command::Login { user: b"u".to_vec(), password: b"p".to_vec() }),
        Err(Error::WrongState { .. })
    ));
    assert_eq!(s.pending_output(), b"", "nothing is sent for a refused command");
}

#[test]
fn pipelined_login_then_select_is_judged_on_the_projected_state() {
    let mut s = greeted("");
    s.submit(Command::Login { user: b"u".to_vec(), password: b"p".to_vec() }).unwrap();
    s.submit(Command::Select { mailbox: "INBOX".into(), condstore: false }).unwrap();
    assert_eq!(written(&mut s), "A0001 LOGIN u p\r\nA0002 SELECT INBOX\r\n");
}

#[test]
fn missing_capabilities_are_named() {
    let mut s = logged_in("");
    let err = s.submit(Command::Namespace).unwrap_err();
    assert_eq!(err, Error::MissingCapability { command: "NAMESPACE", capability: "NAMESPACE" });
}

#[test]
fn pipelined_commands_get_their_own_data_and_unsolicited_stays_out() {
    let mut s = selected();
    let fetch = s.submit(fetch_flags("1:2")).unwrap();
    let search = s.submit(Command::Search { charset: None, criteria: SearchKey::Unseen, uid: false }).unwrap();
    let noop = s.submit(Command::Noop).unwrap();
    assert_eq!(written(&mut s), format!("{fetch} FETCH 1:2 FLAGS\r\n{search} SEARCH UNSEEN\r\n{noop} NOOP\r\n"));
    s.receive(
        format!(
            "* 1 FETCH (FLAGS (\\Seen))\r\n* 2 FETCH (FLAGS ())\r\n{fetch} OK done\r\n* 4 EXISTS\r\n\
             * SEARCH 2\r\n{search} OK done\r\n* 1 EXPUNGE\r\n{noop} OK done\r\n"
        )
        .as_bytes(),
    );
    let events = events(&mut s);
    let fetched = completion(&events, &fetch).unwrap();
    assert_eq!(fetched.data.len(), 2);
    assert_eq!(
        completion(&events, &search).unwrap().data,
        vec![Response::Data(Data::Search(Search { ids: vec![2], modseq: None }))]
    );
    assert!(completion(&events, &noop).unwrap().data.is_empty());
    let unsolicited: Vec<_> = events.iter().filter(|e| matches!(e, Event::Unsolicited(_))).collect();
    assert_eq!(unsolicited.len(), 2, "EXISTS and EXPUNGE: {events:?}");
    assert_eq!(s.mailbox().unwrap().exists, 3, "4 EXISTS then one EXPUNGE");
}

#[test]
fn select_builds_the_mailbox_state() {
    let s = selected();
    let mailbox = s.mailbox().unwrap();
    assert_eq!((mailbox.exists, mailbox.uid_validity, mailbox.uid_next), (3, Some(7), Some(4)));
    assert_eq!(mailbox.flags, vec![Flag::Seen, Flag::Deleted]);
    assert!(!mailbox.read_only);
}

#[test]
fn failed_select_leaves_no_mailbox_selected() {
    let mut s = selected();
    let tag = s.submit(Command::Select { mailbox: "nope".into(), condstore: false }).unwrap();
    written(&mut s);
    s.receive(format!("{tag} NO [NONEXISTENT] no such mailbox\r\n").as_bytes());
    assert_eq!(s.state(), &State::Authenticated);
}

#[test]
fn no_and_bad_carry_text_and_code() {
    let mut s = selected();
    let tag = s.submit(Command::Copy { set: "1".parse().unwrap(), mailbox: "Archive".into(), uid: false }).unwrap();
    written(&mut s);
    s.receive(format!("{tag} NO [TRYCREATE] no such mailbox\r\n").as_bytes());
    let err = completion(&events(&mut s), &tag).unwrap_err();
    assert_eq!(err, Error::No { command: "COPY", code: Some(Code::TryCreate), text: "no such mailbox".into() });
}

#[test]
fn synchronizing_literals_wait_for_the_continuation() {
    let mut s = greeted("");
    let login = s.submit(Command::Login { user: b"u".to_vec(), password: b"p\nq".to_vec() }).unwrap();
    let noop = s.submit(Command::Noop).unwrap();
    assert_eq!(written(&mut s), format!("{login} LOGIN u {{3}}\r\n"), "the rest waits for +");
    s.receive(b"+ go ahead\r\n");
    assert_eq!(written(&mut s), format!("p\nq\r\n{noop} NOOP\r\n"));
}

#[test]
fn literal_plus_sends_at_once() {
    let mut s = greeted("LITERAL+");
    s.submit(Command::Login { user: b"u".to_vec(), password: b"p\nq".to_vec() }).unwrap();
    assert_eq!(written(&mut s), "A0001 LOGIN u {3+}\r\np\nq\r\n");
}

#[test]
fn idle_events_and_done() {
    let mut s = selected();
    let tag = s.submit(Command::Idle).unwrap();
    assert_eq!(written(&mut s), format!("{tag} IDLE\r\n"));
    assert!(matches!(s.submit(Command::Noop), Err(Error::WrongState { .. })), "no command while idling");
    s.receive(b"+ idling\r\n* 5 EXISTS\r\n");
    let e = events(&mut s);
    assert!(matches!(&e[0], Event::Idling(t) if *t == tag));
    assert!(matches!(&e[1], Event::Unsolicited(Response::Data(Data::Exists(5)))));
    s.idle_done().unwrap();
    assert_eq!(written(&mut s), "DONE\r\n");
    s.receive(format!("{tag} OK idle done\r\n").as_bytes());
    assert!(completion(&events(&mut s), &tag).is_ok());
    assert!(s.submit(Command::Noop).is_ok());
}

#[test]
fn authenticate_plain_without_sasl_ir_answers_the_continuation() {
    let mut s = greeted("AUTH=PLAIN");
    let sasl = Sasl::Plain { authzid: String::new(), user: "user".into(), password: "pass".into() };
    let tag = s.authenticate(sasl).unwrap();
    assert_eq!(written(&mut s), format!("{tag} AUTHENTICATE PLAIN\r\n"));
    s.receive(b"+ \r\n");
    assert_eq!(written(&mut s), "AHVzZXIAcGFzcw==\r\n");
    s.receive(format!("{tag} OK authenticated\r\n").as_bytes());
    assert!(completion(&events(&mut s), &tag).is_ok());
    assert_eq!(s.state(), &State::Authenticated);
}

#[test]
fn authenticate_with_sasl_ir_and_an_oauth_error_challenge() {
    let mut s = greeted("SASL-IR AUTH=XOAUTH2");
    let tag = s.authenticate(Sasl::XOAuth2 { user: "a@b".into(), token: "t".into() }).unwrap();
    let line = written(&mut s);
    assert!(line.starts_with(&format!("{tag} AUTHENTICATE XOAUTH2 ")), "{line}");
    s.receive(b"+ eyJzdGF0dXMiOiI0MDEifQ==\r\n");
    assert_eq!(written(&mut s), "\r\n", "an empty answer to the error challenge");
    s.receive(format!("{tag} NO [AUTHENTICATIONFAILED] invalid token\r\n").as_bytes());
    assert!(matches!(completion(&events(&mut s), &tag), Err(Error::No { .. })));
}

#[test]
fn starttls_requests_the_switch_and_forgets_capabilities() {
    let mut s = greeted("STARTTLS LOGINDISABLED");
    let tag = s.submit(Command::StartTls).unwrap();
    written(&mut s);
    s.receive(format!("{tag} OK begin TLS\r\n").as_bytes());
    assert_eq!(Connection::take_transport_request(&mut s), Some(TransportRequest::StartTls));
    assert!(s.capabilities().is_none());
    assert!(!s.is_closed());
}

#[test]
fn plaintext_injected_after_starttls_ok_is_refused() {
    for injected in ["* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] injected\r\n", "* OK partial"] {
        let mut s = greeted("STARTTLS");
        let tag = s.submit(Command::StartTls).unwrap();
        written(&mut s);
        s.receive(format!("{tag} OK begin TLS\r\n{injected}").as_bytes());
        assert_eq!(Connection::take_transport_request(&mut s), None, "no TLS over a tampered stream");
        assert!(s.is_closed());
        assert!(events(&mut s).iter().any(|e| matches!(e, Event::Closed(Some(Error::StartTlsInjection)))));
    }
}

#[test]
fn a_connection_ending_mid_fetch_fails_the_fetch() {
    let mut s = selected();
    let tag = s.submit(fetch_flags("1:3")).unwrap();
    written(&mut s);
    s.receive(b"* 1 FETCH (FLAGS (\\Seen))\r\n* 2 FETCH (FLA");
    Connection::on_closed(&mut s, None);
    let e = events(&mut s);
    assert!(matches!(completion(&e, &tag), Err(Error::Closed(_))), "never a short result: {e:?}");
    assert!(matches!(e.last(), Some(Event::Closed(Some(_)))));
}

#[test]
fn bye_in_the_middle_of_a_command_fails_it() {
    let mut s = selected();
    let tag = s.submit(fetch_flags("1")).unwrap();
    written(&mut s);
    s.receive(b"* BYE shutting down\r\n");
    assert!(matches!(completion(&events(&mut s), &tag), Err(Error::Bye { .. })));
    assert!(s.is_closed());
}

#[test]
fn logout_ends_cleanly() {
    let mut s = selected();
    let tag = s.submit(Command::Logout).unwrap();
    written(&mut s);
    s.receive(format!("* BYE logging out\r\n{tag} OK bye\r\n").as_bytes());
    assert!(completion(&events(&mut s), &tag).is_ok());
    assert!(Connection::wants_close(&s));
    Connection::on_closed(&mut s, None);
    assert!(matches!(events(&mut s).last(), Some(Event::Closed(None))));
}

#[test]
fn malformed_responses_are_reported_and_skipped() {
    let mut s = selected();
    let tag = s.submit(Command::Noop).unwrap();
    written(&mut s);
    s.receive(format!("* 1 FETCH (UID (x)\r\n* 9 EXISTS\r\n{tag} OK done\r\n").as_bytes());
    let e = events(&mut s);
    assert!(matches!(&e[0], Event::Malformed(Error::Protocol(_))));
    assert!(matches!(&e[1], Event::Unsolicited(_)));
    assert!(completion(&e, &tag).is_ok());
}

#[test]
fn a_malformed_tagged_response_fails_its_command() {
    let mut s = selected();
    let tag = s.submit(Command::Noop).unwrap();
    written(&mut s);
    s.receive(format!("{tag} MAYBE\r\n").as_bytes());
    assert!(matches!(completion(&events(&mut s), &tag), Err(Error::Protocol(_))));
}

#[test]
fn unknown_tags_are_reported() {
    let mut s = selected();
    s.receive(b"Z999 OK who?\r\n");
    assert!(matches!(events(&mut s)[..], [Event::Malformed(_)]));
}

#[test]
fn tags_are_unique() {
    let mut s = logged_in("");
    let tags: std::collections::HashSet<Tag> = (0..100).map(|_| s.submit(Command::Noop).unwrap()).collect();
    assert_eq!(tags.len(), 100);
}

#[test]
fn a_long_idle_is_renewed_and_still_ends_with_one_done() {
    let mut s = selected();
    s.set_idle_renew(std::time::Duration::ZERO);
    let first = s.submit(Command::Idle).unwrap();
    written(&mut s);
    s.receive(b"+ idling\r\n");
    assert!(matches!(&events(&mut s)[..], [Event::Idling(t)] if *t == first));
    assert!(Connection::next_deadline(&s).is_some(), "a renewal is scheduled");
    Connection::on_timer(&mut s, Instant::now());
    assert_eq!(written(&mut s), "DONE\r\n");
    s.receive(format!("{first} OK idle ended\r\n").as_bytes());
    let second = match written(&mut s).split_once(' ') {
        Some((tag, "IDLE\r\n")) => tag.to_owned(),
        other => panic!("IDLE again: {other:?}"),
    };
    assert!(events(&mut s).is_empty(), "the renewal is invisible: no completion of the first IDLE");
    s.receive(b"+ idling again\r\n* 9 EXISTS\r\n");
    let e = events(&mut s);
    assert!(matches!(&e[0], Event::Idling(t) if t.as_str() == second));
    assert!(matches!(&e[1], Event::Unsolicited(_)));
    s.idle_done().unwrap();
    assert_eq!(written(&mut s), "DONE\r\n");
    s.receive(format!("{second} OK done\r\n").as_bytes());
    assert!(matches!(&events(&mut s)[..], [Event::Completed { result: Ok(_), .. }]));
}

/// A server that stops answering during IDLE, without closing, is noticed
/// at the next renewal: no answer to DONE within the answer timeout closes
/// the session with a timeout (what came before was delivered as it came).
#[test]
fn a_silent_peer_during_idle_is_a_timeout_after_the_renewal() {
    let mut s = selected();
    s.set_idle_renew(Duration::from_secs(60));
    s.set_idle_answer_timeout(Duration::from_secs(5));
    let idle = s.submit(Command::Idle).unwrap();
    written(&mut s);
    s.receive(b"+ idling\r\n* 4 EXISTS\r\n");
    let start = Instant::now();
    let e = events(&mut s);
    assert!(matches!(&e[..], [Event::Idling(t), Event::Unsolicited(Response::Data(Data::Exists(4)))] if *t == idle));
    let renewal = Connection::next_deadline(&s).expect("a renewal is scheduled");
    assert!(renewal >= start && renewal <= start + Duration::from_secs(61));
    Connection::on_timer(&mut s, renewal);
    assert_eq!(written(&mut s), "DONE\r\n");
    let due = Connection::next_deadline(&s).expect("the answer is due");
    assert_eq!(due, renewal + Duration::from_secs(5));
    Connection::on_timer(&mut s, due - Duration::from_millis(1));
    assert!(!s.is_closed(), "not before the deadline");
    Connection::on_timer(&mut s, due);
    assert!(s.is_closed());
    let e = events(&mut s);
    assert!(
        e.iter().any(|e| matches!(e, Event::Completed { tag, result: Err(Error::Timeout) } if *tag == idle)),
        "{e:?}"
    );
}

/// A live server's answer to the renewal clears the deadline, and the new
/// IDLE's `+` is awaited the same way.
#[test]
fn a_live_peer_answers_the_renewal_and_idles_on() {
    let mut s = selected();
    s.set_idle_renew(Duration::from_secs(60));
    s.set_idle_answer_timeout(Duration::from_secs(5));
    let idle = s.submit(Command::Idle).unwrap();
    written(&mut s);
    s.receive(b"+ idling\r\n");
    events(&mut s);
    let renewal = Connection::next_deadline(&s).unwrap();
    Connection::on_timer(&mut s, renewal);
    written(&mut s);
    s.receive(format!("{idle} OK done\r\n").as_bytes());
    assert!(written(&mut s).ends_with(" IDLE\r\n"));
    assert!(Connection::next_deadline(&s).is_some(), "the new IDLE's + is due");
    s.receive(b"+ idling\r\n");
    let next = Connection::next_deadline(&s).expect("the next renewal");
    assert!(next > Instant::now() + Duration::from_secs(50), "a renewal, not an answer deadline");
    Connection::on_timer(&mut s, next - Duration::from_secs(1));
    assert!(!s.is_closed());
}

#[test]
fn the_unsolicited_backlog_limit_at_the_edge_and_one_past() {
    let mut s = selected();
    s.set_max_unsolicited(3);
    s.receive(b"* 4 EXISTS\r\n* 5 EXISTS\r\n* 6 EXISTS\r\n");
    assert_eq!(s.unsolicited_dropped(), 0, "at the limit nothing is dropped");
    s.receive(b"* 7 EXISTS\r\n");
    assert_eq!(s.unsolicited_dropped(), 1, "one past it, the oldest goes");
    let kept: Vec<_> = events(&mut s)
        .into_iter()
        .filter_map(|e| match e {
            Event::Unsolicited(Response::Data(Data::Exists(n))) => Some(n),
            _ => None,
        })
        .collect();
    assert_eq!(kept, vec![5, 6, 7]);
    assert_eq!(s.mailbox().unwrap().exists, 7, "the mailbox state saw every response");
}

/// A server that says OK to SCRAM without proving it knows the password is
/// an impostor: the command fails and nothing more goes to it.
#[cfg(feature = "scram")]
#[test]
fn scram_without_the_servers_proof_fails_and_closes() {
    let mut s = greeted("AUTH=SCRAM-SHA-256 SASL-IR");
    let mechanism = super::ScramSha256::with_nonce("user", "pencil", "rOprNGfwEbeRWgbNEkqO");
    let tag = s.authenticate(mechanism).unwrap();
    assert!(written(&mut s).starts_with(&format!("{tag} AUTHENTICATE SCRAM-SHA-256 ")));
    let server_first = crate::command::encode::base64(
        b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
    );
    s.receive(format!("+ {server_first}\r\n").as_bytes());
    assert!(!written(&mut s).is_empty(), "the proof went out");
    s.receive(format!("{tag} OK welcome\r\n").as_bytes());
    let e = events(&mut s);
    assert!(matches!(&e[0], Event::Completed { result: Err(Error::Sasl(_)), .. }), "{e:?}");
    assert!(s.is_closed());
    assert_ne!(s.phase(), Phase::Authenticated);
}

/// A wrong server signature: the client cancels with `*`.
#[cfg(feature = "scram")]
#[test]
fn scram_with_a_wrong_server_signature_is_cancelled() {
    let mut s = greeted("AUTH=SCRAM-SHA-256 SASL-IR");
    let tag = s.authenticate(super::ScramSha256::with_nonce("user", "pencil", "rOprNGfwEbeRWgbNEkqO")).unwrap();
    written(&mut s);
    let server_first = crate::command::encode::base64(b"r=rOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
    s.receive(format!("+ {server_first}\r\n").as_bytes());
    written(&mut s);
    let forged = crate::command::encode::base64(b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
    s.receive(format!("+ {forged}\r\n").as_bytes());
    assert_eq!(written(&mut s), "*\r\n");
    s.receive(format!("{tag} BAD cancelled\r\n").as_bytes());
    let e = events(&mut s);
    assert!(matches!(&e[0], Event::Completed { result: Err(Error::Sasl(why)), .. } if why.contains("verify")), "{e:?}");
}

/// Dovecot answers a pipelined `FETCH 3 (RFC822.SIZE BODY.PEEK[])` before
/// the tagged OK of an earlier `FETCH 1:10 (FLAGS)` (found by the soak,
/// benches/src/soak): the body goes to the FETCH that asked for it, not to
/// the older one whose set also names message 3; FLAGS alone still go to
/// the oldest FETCH that names the message.
#[test]
fn pipelined_fetch_response_goes_to_the_command_that_asked() {
    let mut s = selected();
    let flags = s.submit(fetch_flags("1:10")).unwrap();
    let body = Command::Fetch {
        set: SeqSet::from(3),
        items: vec![FetchAttr::Rfc822Size, FetchAttr::peek(crate::types::Section::full())].into(),
        changed_since: None,
        uid: false,
    };
    let body = s.submit(body).unwrap();
    written(&mut s);
    let mut wire = String::new();
    for n in 1..=10 {
        wire.push_str(&format!("* {n} FETCH (FLAGS ())\r\n"));
    }
    wire.push_str(&format!("* 3 FETCH (RFC822.SIZE 5 BODY[] {{5}}\r\nhello)\r\n{flags} OK done\r\n{body} OK done\r\n"));
    s.receive(wire.as_bytes());
    let e = events(&mut s);
    let fetches = |tag: &Tag| -> Vec<Fetch<'static>> {
        completion(&e, tag)
            .unwrap()
            .data
            .into_iter()
            .filter_map(|r| match r {
                Response::Data(Data::Fetch(f)) => Some(f),
                _ => None,
            })
            .collect()
    };
    let (flags, body) = (fetches(&flags), fetches(&body));
    assert_eq!(flags.len(), 10, "FETCH 1:10 (FLAGS) keeps its ten FLAGS");
    assert!(flags.iter().all(|f| f.section("").is_none()), "FETCH 1:10 (FLAGS) got the other FETCH's BODY[]");
    assert_eq!(body.len(), 1, "FETCH 3 completed OK without its body");
    assert_eq!(body[0].section(""), Some(&b"hello"[..]));
    assert_eq!(body[0].size(), Some(5));
}

/// What tells pipelined FETCHes apart: the data items asked for; FLAGS,
/// UID and MODSEQ alone do not (any FETCH may bring them).
#[test]
fn fetch_responses_are_told_apart_by_the_items_asked_for() {
    let mut s = selected();
    let envelope = Command::Fetch {
        set: "1:3".parse().unwrap(),
        items: vec![FetchAttr::Uid, FetchAttr::Envelope].into(),
        changed_since: None,
        uid: false,
    };
    let envelope = s.submit(envelope).unwrap();
    let fast = s
        .submit(Command::Fetch { set: "2".parse().unwrap(), items: FetchItems::Fast, changed_since: None, uid: false })
        .unwrap();
    written(&mut s);
    s.receive(
        format!(
            "* 2 FETCH (FLAGS (\\Seen) INTERNALDATE \"01-Jan-2024 00:00:00 +0000\" RFC822.SIZE 9)\r\n\
             * 2 FETCH (UID 8 FLAGS (\\Seen))\r\n\
             {envelope} OK done\r\n{fast} OK done\r\n"
        )
        .as_bytes(),
    );
    let e = events(&mut s);
    let sizes = |tag: &Tag| {
        completion(&e, tag).unwrap().data.iter().filter(|r| matches!(r, Response::Data(Data::Fetch(_)))).count()
    };
    // FAST's answer goes to FAST; the UID FLAGS one to the oldest that names 2.
    assert_eq!((sizes(&envelope), sizes(&fast)), (1, 1));
    let fast_data = completion(&e, &fast).unwrap().data;
    assert!(matches!(&fast_data[0], Response::Data(Data::Fetch(f)) if f.size() == Some(9)));
}

/// `idle_done` right after the session's own renewal of IDLE (DONE sent,
/// OK received, IDLE sent again, its `+` not in yet) is accepted: DONE
/// follows the `+` (RFC 2177), no new `Idling`, and the IDLE completes.
#[test]
fn idle_done_right_after_a_renewal() {
    let mut s = selected();
    s.set_idle_renew(Duration::ZERO);
    let idle = s.submit(Command::Idle).unwrap();
    written(&mut s);
    s.receive(b"+ idling\r\n");
    assert!(matches!(&events(&mut s)[..], [Event::Idling(t)] if *t == idle));
    // The renewal is due: the session writes DONE by itself ...
    Connection::on_timer(&mut s, Instant::now());
    assert_eq!(written(&mut s), "DONE\r\n");
    // ... the server completes that IDLE, and the session sends IDLE again.
    s.receive(format!("{idle} OK idle done\r\n").as_bytes());
    let again = match written(&mut s).split_once(' ') {
        Some((tag, "IDLE\r\n")) => tag.to_owned(),
        other => panic!("IDLE again: {other:?}"),
    };
    // The user ends IDLE now, before the server's `+` to the new one.
    s.idle_done().unwrap();
    assert_eq!(written(&mut s), "", "no DONE before the `+`");
    assert!(matches!(s.submit(Command::Noop), Err(Error::WrongState { .. })), "still idling");
    s.receive(b"+ idling\r\n");
    assert_eq!(written(&mut s), "DONE\r\n");
    assert!(events(&mut s).is_empty(), "no Idling for an IDLE already ended");
    s.receive(format!("{again} OK idle done\r\n").as_bytes());
    assert!(matches!(&events(&mut s)[..], [Event::Completed { tag, result: Ok(_) }] if tag.as_str() == again));
    assert!(Connection::next_deadline(&s).is_none(), "no renewal and no liveness deadline left");
    assert!(s.submit(Command::Noop).is_ok());
}

/// `idle_done` before the `+` of an IDLE the server then refuses: the
/// refusal is the IDLE's completion, and no DONE is left to send.
#[test]
fn idle_done_before_a_refused_idle() {
    let mut s = selected();
    let idle = s.submit(Command::Idle).unwrap();
    written(&mut s);
    s.idle_done().unwrap();
    s.receive(format!("{idle} NO not now\r\n").as_bytes());
    assert!(completion(&events(&mut s), &idle).is_err());
    let noop = s.submit(Command::Noop).unwrap();
    assert_eq!(written(&mut s), format!("{noop} NOOP\r\n"));
    assert!(matches!(s.idle_done(), Err(Error::WrongState { .. })));
}
