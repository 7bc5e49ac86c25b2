//! Every server response example of RFC 3501 sections 6 to 8, checked field by field.

use crate::support::common;

use common::{data, fetch, parse_all, parse_one};
use imap_core::types::*;

#[test]
fn every_server_line_of_sections_6_to_8_parses() {
    let input = include_bytes!("../data/rfc3501-server-lines.txt");
    let responses = parse_all(input);
    assert_eq!(responses.len(), 138);
}

fn condition(r: Response<'_>) -> Condition<'_> {
    match r {
        Response::Data(Data::Condition(c)) => c,
        other => panic!("not an untagged condition: {other:?}"),
    }
}

fn tagged(r: Response<'_>) -> Tagged<'_> {
    match r {
        Response::Tagged(t) => t,
        other => panic!("not tagged: {other:?}"),
    }
}

#[test]
fn capability_6_1_1() {
    let Data::Capability(caps) = data(b"* CAPABILITY IMAP4rev1 STARTTLS AUTH=GSSAPI\r\n") else { panic!() };
    assert_eq!(
        caps,
        vec![Capability::Imap4Rev1, Capability::Other("STARTTLS".into()), Capability::Auth("GSSAPI".into())]
    );
    let t = tagged(parse_one(b"abcd OK CAPABILITY completed\r\n"));
    assert_eq!(t.tag, "abcd");
    assert_eq!(t.condition.status, Status::Ok);
    assert_eq!(t.condition.code, None);
    assert_eq!(t.condition.text, "CAPABILITY completed");
}

#[test]
fn noop_6_1_2() {
    let r = parse_all(b"* 22 EXPUNGE\r\n* 23 EXISTS\r\n* 3 RECENT\r\n* 14 FETCH (FLAGS (\\Seen \\Deleted))\r\na047 OK NOOP completed\r\n");
    assert_eq!(r[0], Response::Data(Data::Expunge(22)));
    assert_eq!(r[1], Response::Data(Data::Exists(23)));
    assert_eq!(r[2], Response::Data(Data::Recent(3)));
    let Response::Data(Data::Fetch(f)) = &r[3] else { panic!() };
    assert_eq!(f.seq, 14);
    assert_eq!(f.flags(), Some(&[Flag::Seen, Flag::Deleted][..]));
    assert_eq!(tagged(r[4].clone()).tag, "a047");
}

#[test]
fn logout_bye_6_1_3() {
    let r = parse_one(b"* BYE IMAP4rev1 Server logging out\r\n");
    assert!(r.is_bye());
    let c = condition(r);
    assert_eq!(c.status, Status::Bye);
    assert_eq!(c.text, "IMAP4rev1 Server logging out");
}

#[test]
fn starttls_capabilities_6_2_1() {
    let Data::Capability(caps) = data(b"* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\n") else { panic!() };
    assert!(caps.iter().any(|c| c.is("LOGINDISABLED")));
    assert_eq!(caps.len(), 3);
}

#[test]
fn authenticate_continuations_6_2_2() {
    let Response::Continue(c) = parse_one(b"+\r\n") else { panic!() };
    assert_eq!((c.code, c.text.len()), (None, 0));
    let Response::Continue(c) = parse_one(b"+ YGgGCSqGSIb3EgECAgIAb1kwV6ADAgEFoQMCAQ+iSzBJoAMC\r\n") else { panic!() };
    assert_eq!(c.text, "YGgGCSqGSIb3EgECAgIAb1kwV6ADAgEFoQMCAQ+iSzBJoAMC");
    let Response::Continue(c) = parse_one(b"+ Ready for literal data\r\n") else { panic!() };
    assert_eq!(c.text, "Ready for literal data");
}

#[test]
fn select_6_3_1() {
    let r = parse_all(include_bytes!("../data/rfc3501-select.txt"));
    assert_eq!(r[0], Response::Data(Data::Exists(172)));
    assert_eq!(r[1], Response::Data(Data::Recent(1)));
    let c = condition(r[2].clone());
    assert_eq!((c.status, c.code), (Status::Ok, Some(Code::Unseen(12))));
    assert_eq!(c.text, "Message 12 is first unseen");
    assert_eq!(condition(r[3].clone()).code, Some(Code::UidValidity(3857529045)));
    assert_eq!(condition(r[4].clone()).code, Some(Code::UidNext(4392)));
    assert_eq!(
        r[5],
        Response::Data(Data::Flags(vec![Flag::Answered, Flag::Flagged, Flag::Deleted, Flag::Seen, Flag::Draft]))
    );
    assert_eq!(
        condition(r[6].clone()).code,
        Some(Code::PermanentFlags(vec![Flag::Deleted, Flag::Seen, Flag::MayCreate]))
    );
    let t = tagged(r[7].clone());
    assert_eq!((&*t.tag, t.condition.code), ("A142", Some(Code::ReadWrite)));
}

#[test]
fn examine_6_3_2() {
    let c = condition(parse_one(b"* OK [PERMANENTFLAGS ()] No permanent flags permitted\r\n"));
    assert_eq!(c.code, Some(Code::PermanentFlags(vec![])));
    let t = tagged(parse_one(b"A932 OK [READ-ONLY] EXAMINE completed\r\n"));
    assert_eq!(t.condition.code, Some(Code::ReadOnly));
}

#[test]
fn delete_no_6_3_4() {
    let t = tagged(parse_one(b"A684 NO Name \"foo\" has inferior hierarchical names\r\n"));
    assert_eq!(t.condition.status, Status::No);
    assert_eq!(t.condition.text, "Name \"foo\" has inferior hierarchical names");
}

fn list(input: &[u8]) -> ListEntry<'static> {
    match data(input) {
        Data::List(l) | Data::Lsub(l) => l,
        other => panic!("not LIST: {other:?}"),
    }
}

#[test]
fn list_6_3_8() {
    let l = list(b"* LIST (\\Noselect) \"/\" foo\r\n");
    assert_eq!(l.attributes, vec![MailboxAttr::NoSelect]);
    assert_eq!(l.delimiter, Some('/'));
    assert_eq!(l.mailbox.name(), "foo");
    let l = list(b"* LIST () \".\" foo.bar\r\n");
    assert_eq!((l.attributes.len(), l.delimiter, l.mailbox.name()), (0, Some('.'), "foo.bar"));
    let l = list(b"* LIST (\\Noselect) \"/\" \"\"\r\n");
    assert_eq!(l.mailbox.name(), "");
    let l = list(b"* LIST (\\Noselect) \".\" #news.\r\n");
    assert_eq!(l.mailbox.name(), "#news.");
    let l = list(b"* LIST (\\Noselect) \"/\" ~/Mail/foo\r\n");
    assert_eq!(l.mailbox.name(), "~/Mail/foo");
    let l = list(b"* LIST () \".\" INBOX.bar\r\n");
    assert_eq!(l.mailbox.name(), "INBOX.bar");
}

#[test]
fn lsub_6_3_9() {
    let d = data(b"* LSUB (\\NoSelect) \".\" #news.comp.mail\r\n");
    let Data::Lsub(l) = d else { panic!("LSUB is not LIST: {d:?}") };
    assert_eq!(l.attributes, vec![MailboxAttr::NoSelect]);
    assert_eq!(l.mailbox.name(), "#news.comp.mail");
}

#[test]
fn status_6_3_10() {
    let Data::Status { mailbox, items } = data(b"* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)\r\n") else {
        panic!()
    };
    assert_eq!(mailbox.name(), "blurdybloop");
    assert_eq!(
        items,
        vec![
            StatusItem { att: StatusAtt::Messages, value: StatusValue::Number(231) },
            StatusItem { att: StatusAtt::UidNext, value: StatusValue::Number(44292) }
        ]
    );
}

#[test]
fn expunge_6_4_3() {
    let r = parse_all(b"* 3 EXPUNGE\r\n* 3 EXPUNGE\r\n* 5 EXPUNGE\r\n* 8 EXPUNGE\r\nA202 OK EXPUNGE completed\r\n");
    let seqs: Vec<u32> = r
        .iter()
        .filter_map(|r| match r {
            Response::Data(Data::Expunge(n)) => Some(*n),
            _ => None,
        })
        .collect();
    assert_eq!(seqs, vec![3, 3, 5, 8]);
}

#[test]
fn search_6_4_4() {
    assert_eq!(data(b"* SEARCH 2 84 882\r\n"), Data::Search(Search { ids: vec![2, 84, 882], modseq: None }));
    assert_eq!(data(b"* SEARCH\r\n"), Data::Search(Search::default()));
    assert_eq!(data(b"* SEARCH 43\r\n"), Data::Search(Search { ids: vec![43], modseq: None }));
}

#[test]
fn store_6_4_6() {
    let f = fetch(b"* 4 FETCH (FLAGS (\\Deleted \\Flagged \\Seen))\r\n");
    assert_eq!(f.flags(), Some(&[Flag::Deleted, Flag::Flagged, Flag::Seen][..]));
}

#[test]
fn uid_fetch_6_4_8() {
    let f = fetch(b"* 23 FETCH (FLAGS (\\Seen) UID 4827313)\r\n");
    assert_eq!((f.seq, f.uid(), f.flags()), (23, Some(4827313), Some(&[Flag::Seen][..])));
}

#[test]
fn experimental_response_6_5_1() {
    let Data::Other(values) = data(b"* XPIG-LATIN ow-nay eaking-spay ig-pay atin-lay\r\n") else { panic!() };
    assert_eq!(
        values,
        vec![
            Value::Atom("XPIG-LATIN".into()),
            Value::Atom("ow-nay".into()),
            Value::Atom("eaking-spay".into()),
            Value::Atom("ig-pay".into()),
            Value::Atom("atin-lay".into())
        ]
    );
    let t = tagged(parse_one(b"A442 OK XPIG-LATIN ompleted-cay\r\n"));
    assert_eq!(t.condition.text, "XPIG-LATIN ompleted-cay");
}

#[test]
fn ok_alert_7_1_1() {
    let c = condition(parse_one(b"* OK [ALERT] System shutdown in 10 minutes\r\n"));
    assert_eq!((c.status, c.code), (Status::Ok, Some(Code::Alert)));
    assert_eq!(c.text, "System shutdown in 10 minutes");
}

#[test]
fn no_and_bad_7_1_2_and_7_1_3() {
    let c = condition(parse_one(b"* NO Disk is 98% full, please delete unnecessary data\r\n"));
    assert_eq!(c.status, Status::No);
    let t = tagged(parse_one(b"A223 NO COPY failed: disk is full\r\n"));
    assert_eq!((&*t.tag, t.condition.status), ("A223", Status::No));
    let c = condition(parse_one(b"* BAD Disk crash, attempting salvage to a new disk!\r\n"));
    assert_eq!((c.status, c.text.as_str()), (Status::Bad, Some("Disk crash, attempting salvage to a new disk!")));
    let t = tagged(parse_one(b"A044 BAD No such command as \"BLURDYBLOOP\"\r\n"));
    assert_eq!(t.condition.status, Status::Bad);
}

#[test]
fn preauth_and_bye_greetings_7_1_4_and_7_1_5() {
    let c = condition(parse_one(b"* PREAUTH IMAP4rev1 server logged in as Smith\r\n"));
    assert_eq!((c.status, c.text.as_str()), (Status::PreAuth, Some("IMAP4rev1 server logged in as Smith")));
    assert!(parse_one(b"* BYE Autologout; idle for too long\r\n").is_bye());
}

#[test]
fn capability_with_experimental_7_2_1() {
    let Data::Capability(caps) = data(b"* CAPABILITY IMAP4rev1 STARTTLS AUTH=GSSAPI XPIG-LATIN\r\n") else { panic!() };
    assert_eq!(caps[3], Capability::Other("XPIG-LATIN".into()));
}

#[test]
fn mailbox_data_7_2_and_7_3() {
    assert_eq!(data(b"* SEARCH 2 3 6\r\n"), Data::Search(Search { ids: vec![2, 3, 6], modseq: None }));
    assert_eq!(data(b"* 23 EXISTS\r\n"), Data::Exists(23));
    assert_eq!(data(b"* 5 RECENT\r\n"), Data::Recent(5));
    let l = list(b"* LSUB () \".\" #news.comp.mail.misc\r\n");
    assert_eq!(l.mailbox.name(), "#news.comp.mail.misc");
}

#[test]
fn message_data_7_4() {
    assert_eq!(data(b"* 44 EXPUNGE\r\n"), Data::Expunge(44));
    let f = fetch(b"* 23 FETCH (FLAGS (\\Seen) RFC822.SIZE 44827)\r\n");
    assert_eq!((f.seq, f.size(), f.flags()), (23, Some(44827), Some(&[Flag::Seen][..])));
}

#[test]
fn sample_connection_section_8() {
    let r = parse_all(include_bytes!("../data/rfc3501-section8.txt"));
    assert_eq!(r.len(), 16);
    let greeting = condition(r[0].clone());
    assert_eq!((greeting.status, greeting.text.as_str()), (Status::Ok, Some("IMAP4rev1 Service Ready")));
    assert_eq!(tagged(r[1].clone()).tag, "a001");
    assert_eq!(r[2], Response::Data(Data::Exists(18)));
    assert_eq!(condition(r[5].clone()).code, Some(Code::Unseen(17)));
    assert_eq!(tagged(r[7].clone()).condition.code, Some(Code::ReadWrite));

    let Response::Data(Data::Fetch(full)) = &r[8] else { panic!() };
    assert_eq!(full.seq, 12);
    assert_eq!(full.flags(), Some(&[Flag::Seen][..]));
    assert_eq!(full.internal_date().unwrap().to_string(), "1996-07-17T02:44:25-07:00");
    assert_eq!(full.size(), Some(4286));
    let env = full.envelope().unwrap();
    assert_eq!(env.date.as_ref().unwrap(), "Wed, 17 Jul 1996 02:23:25 -0700 (PDT)");
    assert_eq!(env.subject.as_ref().unwrap(), "IMAP4rev1 WG mtg summary and minutes");
    let gray = Address {
        name: Some("Terry Gray".into()),
        adl: None,
        mailbox: Some("gray".into()),
        host: Some("cac.washington.edu".into()),
    };
    assert_eq!(env.from, vec![gray.clone()]);
    assert_eq!(env.sender, vec![gray.clone()]);
    assert_eq!(env.reply_to, vec![gray]);
    assert_eq!(env.to[0].email().as_deref(), Some("imap@cac.washington.edu"));
    assert_eq!(env.to[0].name, None);
    assert_eq!(env.cc.len(), 2);
    assert_eq!(env.cc[1].name.as_ref().unwrap(), "John Klensin");
    assert_eq!(env.cc[1].email().as_deref(), Some("KLENSIN@MIT.EDU"));
    assert!(env.bcc.is_empty());
    assert_eq!(env.in_reply_to, None);
    assert_eq!(env.message_id.as_ref().unwrap(), "<B27397-0100000@cac.washington.edu>");
    let body = full.body_structure().unwrap();
    assert!(matches!(full.items[4], FetchItem::Body(_)), "BODY, not BODYSTRUCTURE");
    assert_eq!(body.media_type(), ("TEXT".to_owned(), "PLAIN".to_owned()));
    let fields = body.fields().unwrap();
    assert_eq!(fields.param("charset").unwrap(), "US-ASCII");
    assert_eq!((fields.id.clone(), fields.description.clone()), (None, None));
    assert_eq!(fields.encoding.as_ref().unwrap(), "7BIT");
    assert_eq!(fields.octets, 3028);
    let BodyStructure::Single(SinglePart { kind: SinglePartKind::Text(text), ext: None }) = body else { panic!() };
    assert_eq!(text.lines, 92);

    let Response::Data(Data::Fetch(header)) = &r[10] else { panic!() };
    let FetchItem::BodySection { section, origin, data } = &header.items[0] else { panic!() };
    assert_eq!((section.part.clone(), section.text.clone(), *origin), (None, Some(SectionText::Header), None));
    let data = data.as_ref().unwrap();
    assert_eq!(data.len(), 342);
    assert!(data.as_bytes().starts_with(b"Date: Wed, 17 Jul 1996"));
    assert!(data.as_bytes().ends_with(b"US-ASCII\r\n\r\n"));
    assert!(data.as_borrowed().is_some(), "literal payloads are borrowed, not copied");
    assert_eq!(header.section("HEADER").map(<[u8]>::len), Some(342));

    let Response::Data(Data::Fetch(store)) = &r[12] else { panic!() };
    assert_eq!(store.flags(), Some(&[Flag::Seen, Flag::Deleted][..]));
    assert!(r[14].is_bye());
    assert_eq!(tagged(r[15].clone()).condition.text, "LOGOUT completed");
}
