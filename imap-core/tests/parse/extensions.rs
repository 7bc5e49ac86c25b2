//! The typed server extensions of grammar/ext/, each against the examples of
//! its RFC, field by field; and what does not fit a typed form is kept as
//! generic values.

use crate::support::common;

use common::{data, fetch, parse_one};
use imap_core::types::*;

fn code(input: &[u8]) -> Code<'static> {
    match parse_one(input) {
        Response::Data(Data::Condition(c)) => c.code.expect("a code"),
        Response::Tagged(t) => t.condition.code.expect("a code"),
        other => panic!("not a condition: {other:?}"),
    }
}

fn set(ranges: &[(u32, u32)]) -> UidSet {
    UidSet(ranges.iter().map(|&(start, end)| UidRange { start, end }).collect())
}

// ------------------------------------------------------------------ RFC 4315

#[test]
fn uidplus_rfc4315() {
    assert_eq!(
        code(b"A003 OK [APPENDUID 38505 3955] APPEND completed\r\n"),
        Code::AppendUid { uid_validity: 38505, uids: set(&[(3955, 3955)]) }
    );
    assert_eq!(
        code(b"A004 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n"),
        Code::CopyUid { uid_validity: 38505, source: set(&[(304, 304), (319, 320)]), target: set(&[(3956, 3958)]) }
    );
    assert_eq!(code(b"A002 OK [UIDNOTSTICKY] Non-persistent UIDs\r\n"), Code::UidNotSticky);
    // MULTIAPPEND (RFC 4315 section 3): a set of UIDs.
    let Code::AppendUid { uids, .. } = code(b"A005 OK [APPENDUID 38505 3955:3957] done\r\n") else { panic!() };
    assert_eq!((uids.len(), uids.iter().collect::<Vec<_>>()), (3, vec![3955, 3956, 3957]));
    // A descending range is the same range; it displays as sent.
    let Code::CopyUid { source, .. } = code(b"A6 OK [COPYUID 1 5:3 7:9] x\r\n") else { panic!() };
    assert_eq!((source.iter().collect::<Vec<_>>(), source.to_string()), (vec![3, 4, 5], "5:3".into()));
    for line in ["APPENDUID 38505 3955", "COPYUID 38505 304,319:320 3956:3958", "UIDNOTSTICKY"] {
        assert_eq!(code(format!("A1 OK [{line}] x\r\n").as_bytes()).to_string(), line);
    }
}

#[test]
fn uidplus_that_does_not_fit_is_kept() {
    for (line, name, text) in [
        ("A1 OK [APPENDUID 38505] x\r\n", "APPENDUID", Some("38505")),
        ("A1 OK [COPYUID 38505 1:* 2:3] x\r\n", "COPYUID", Some("38505 1:* 2:3")),
        ("A1 OK [UIDNOTSTICKY now] x\r\n", "UIDNOTSTICKY", Some("now")),
        ("A1 OK [APPENDUID 1 0] x\r\n", "APPENDUID", Some("1 0")),
    ] {
        let c = code(line.as_bytes());
        let Code::Other { name: n, text: t } = &c else { panic!("{line}: {c:?}") };
        assert_eq!((&**n, t.as_ref().map(|t| t.to_string())), (name, text.map(String::from)), "{line}");
    }
}

// ------------------------------------------------------------------ RFC 7162

#[test]
fn condstore_qresync_rfc7162() {
    let f = fetch(b"* 1 FETCH (UID 4 MODSEQ (65402) FLAGS (\\Seen))\r\n");
    assert_eq!(f.items, vec![FetchItem::Uid(4), FetchItem::ModSeq(65402), FetchItem::Flags(vec![Flag::Seen])]);
    assert_eq!(f.modseq(), Some(65402));
    let f = fetch(b"* 4 FETCH (MODSEQ (12121231000))\r\n");
    assert_eq!(f.modseq(), Some(12_121_231_000));
    assert_eq!(code(b"* OK [HIGHESTMODSEQ 715194045007] Ok\r\n"), Code::HighestModSeq(715_194_045_007));
    assert_eq!(code(b"* OK [NOMODSEQ] Sorry, this mailbox format doesn't support modsequences\r\n"), Code::NoModSeq);
    assert_eq!(code(b"d105 OK [MODIFIED 7,9] Conditional STORE failed\r\n"), Code::Modified(set(&[(7, 7), (9, 9)])));
    assert_eq!(code(b"* OK [CLOSED]\r\n"), Code::Closed);
    assert_eq!(
        data(b"* VANISHED (EARLIER) 41,43:116,118,120:211,214:540\r\n"),
        Data::Vanished { earlier: true, uids: set(&[(41, 41), (43, 116), (118, 118), (120, 211), (214, 540)]) }
    );
    assert_eq!(
        data(b"* VANISHED 405,407,410,425\r\n"),
        Data::Vanished { earlier: false, uids: set(&[(405, 405), (407, 407), (410, 410), (425, 425)]) }
    );
    for line in ["HIGHESTMODSEQ 715194045007", "NOMODSEQ", "MODIFIED 7,9", "CLOSED"] {
        assert_eq!(code(format!("* OK [{line}] x\r\n").as_bytes()).to_string(), line);
    }
    // Not RFC 7162's shape: kept as generic values.
    assert!(matches!(data(b"* VANISHED (EARLIER)\r\n"), Data::Other(_)));
    assert!(matches!(code(b"* OK [HIGHESTMODSEQ x] x\r\n"), Code::Other { .. }));
    let f = fetch(b"* 1 FETCH (MODSEQ 5)\r\n");
    assert!(matches!(&f.items[0], FetchItem::Other { name, value: Value::Number(5) } if name == "MODSEQ"));
}

// ------------------------------------------------------------------ RFC 4731

#[test]
fn esearch_rfc4731() {
    let esearch = |input: &[u8]| match data(input) {
        Data::ESearch(e) => e,
        other => panic!("not ESEARCH: {other:?}"),
    };
    let tag = |e: &ESearch<'_>| e.tag.as_ref().map(|t| t.to_string());
    let e = esearch(b"* ESEARCH (TAG \"A282\") MIN 2 COUNT 3\r\n");
    assert_eq!(
        (tag(&e), e.uid, e.min, e.max, e.count, &e.all),
        (Some("A282".into()), false, Some(2), None, Some(3), &None)
    );
    let e = esearch(b"* ESEARCH (TAG \"A283\") ALL 2,10:11\r\n");
    assert_eq!((tag(&e), e.all), (Some("A283".into()), Some(set(&[(2, 2), (10, 11)]))));
    let e = esearch(b"* ESEARCH (TAG \"A284\") MIN 4\r\n");
    assert_eq!((e.min, e.max, e.count), (Some(4), None, None));
    let e = esearch(b"* ESEARCH (TAG \"A285\") UID MIN 7 MAX 3800\r\n");
    assert_eq!((tag(&e), e.uid, e.min, e.max), (Some("A285".into()), true, Some(7), Some(3800)));
    let e = esearch(b"* ESEARCH (TAG \"A286\") COUNT 15\r\n");
    assert_eq!((e.count, e.uid), (Some(15), false));
    // No match: only the correlator.
    let e = esearch(b"* ESEARCH (TAG \"A287\")\r\n");
    assert_eq!(e, ESearch { tag: Some("A287".into()), ..ESearch::default() });
    let e = esearch(b"* ESEARCH UID COUNT 17 ALL 4:18,21,28\r\n");
    assert_eq!((e.tag, e.uid, e.count), (None, true, Some(17)));
    assert_eq!(e.all.unwrap().len(), 17);
    // RFC 7162 section 3.1.5: MODSEQ in ESEARCH.
    let e = esearch(b"* ESEARCH (TAG \"a\") ALL 1:3,5 MODSEQ 1236\r\n");
    assert_eq!((e.all, e.modseq), (Some(set(&[(1, 3), (5, 5)])), Some(1236)));
    // Return data of other extensions, and ALL with "*", kept whole.
    let e = esearch(b"* ESEARCH (TAG \"B1\") UID PARTIAL (1:10 42,43) ALL 1:*\r\n");
    assert_eq!(e.other.len(), 2);
    assert_eq!(e.other[0].name, "PARTIAL");
    assert!(matches!(&e.other[0].value, Value::List(v) if v.len() == 2));
    assert_eq!((&*e.other[1].name, &e.other[1].value), ("ALL", &Value::Atom("1:*".into())));
    assert_eq!(e.all, None);
}

// ------------------------------------------------------------------ RFC 2342

#[test]
fn namespace_rfc2342() {
    let namespace = |input: &[u8]| match data(input) {
        Data::Namespace(n) => n,
        other => panic!("not NAMESPACE: {other:?}"),
    };
    let entries = |list: &[NamespaceDescr<'_>]| -> Vec<(String, Option<char>)> {
        list.iter().map(|d| (d.prefix.to_string(), d.delimiter)).collect()
    };
    let e = |p: &str, d: char| (p.to_string(), Some(d));
    // Examples 5.1 to 5.8 of RFC 2342.
    let n = namespace(b"* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n");
    assert_eq!((entries(&n.personal), n.other.len(), n.shared.len()), (vec![e("", '/')], 0, 0));
    let n = namespace(b"* NAMESPACE NIL NIL ((\"\" \".\"))\r\n");
    assert_eq!((n.personal.len(), n.other.len(), entries(&n.shared)), (0, 0, vec![e("", '.')]));
    let n = namespace(b"* NAMESPACE ((\"\" \"/\")) NIL ((\"Public Folders/\" \"/\"))\r\n");
    assert_eq!(entries(&n.shared), vec![e("Public Folders/", '/')]);
    let n = namespace(
        b"* NAMESPACE ((\"\" \"/\")) ((\"~\" \"/\")) ((\"#shared/\" \"/\")(\"#public/\" \"/\")(\"#ftp/\" \"/\")(\"#news.\" \".\"))\r\n",
    );
    assert_eq!(entries(&n.other), vec![e("~", '/')]);
    assert_eq!(entries(&n.shared), vec![e("#shared/", '/'), e("#public/", '/'), e("#ftp/", '/'), e("#news.", '.')]);
    let n = namespace(b"* NAMESPACE ((\"INBOX.\" \".\")) NIL NIL\r\n");
    assert_eq!(entries(&n.personal), vec![e("INBOX.", '.')]);
    let n = namespace(b"* NAMESPACE ((\"\" \"/\")(\"#mh/\" \"/\" \"X-PARAM\" (\"FLAG1\" \"FLAG2\"))) NIL NIL\r\n");
    assert_eq!(entries(&n.personal), vec![e("", '/'), e("#mh/", '/')]);
    let ext = &n.personal[1].extensions[0];
    assert_eq!(ext.name, "X-PARAM");
    assert_eq!(ext.values, vec![IString::from("FLAG1"), IString::from("FLAG2")]);
    let n = namespace(b"* NAMESPACE ((\"\" \"/\")) ((\"Other Users/\" \"/\")) NIL\r\n");
    assert_eq!(entries(&n.other), vec![e("Other Users/", '/')]);
    let n = namespace(b"* NAMESPACE ((\"\" \"/\")) ((\"#Users/\" \"/\")) NIL\r\n");
    assert_eq!(entries(&n.other), vec![e("#Users/", '/')]);
    // A flat namespace (NIL delimiter), and spaces between descriptions.
    let n = namespace(b"* NAMESPACE ((\"\" NIL) (\"x\" \"\\\\\")) NIL NIL\r\n");
    assert_eq!(entries(&n.personal), vec![(String::new(), None), e("x", '\\')]);
}

// ------------------------------------------------------------------ RFC 2971

#[test]
fn id_rfc2971() {
    let Data::Id(params) = data(
        b"* ID (\"name\" \"Cyrus\" \"version\" \"1.5\" \"os\" \"sunos\" \"os-version\" \"5.5\" \"support-url\" \"mailto:cyrus-bugs+@andrew.cmu.edu\")\r\n",
    ) else {
        panic!()
    };
    let pairs: Vec<(String, Option<String>)> =
        params.iter().map(|p| (p.name.to_string(), p.value.as_ref().map(|v| v.to_string()))).collect();
    let s = |a: &str, b: &str| (a.to_string(), Some(b.to_string()));
    assert_eq!(
        pairs,
        vec![
            s("name", "Cyrus"),
            s("version", "1.5"),
            s("os", "sunos"),
            s("os-version", "5.5"),
            s("support-url", "mailto:cyrus-bugs+@andrew.cmu.edu")
        ]
    );
    assert_eq!(data(b"* ID NIL\r\n"), Data::Id(vec![]));
    let Data::Id(params) = data(b"* ID (\"name\" NIL)\r\n") else { panic!() };
    assert_eq!((params[0].name.to_string(), params[0].value.clone()), ("name".into(), None));
}

// ------------------------------------------------------------------ RFC 5161

#[test]
fn enable_rfc5161() {
    assert_eq!(data(b"* ENABLED X-GOOD-IDEA\r\n"), Data::Enabled(vec![Capability::Other("X-GOOD-IDEA".into())]));
    assert_eq!(data(b"* ENABLED\r\n"), Data::Enabled(vec![]));
    assert_eq!(
        data(b"* ENABLED CONDSTORE QRESYNC\r\n"),
        Data::Enabled(vec![Capability::Other("CONDSTORE".into()), Capability::Other("QRESYNC".into())])
    );
}

// ------------------------------------------------------------------ RFC 9208

#[test]
fn quota_rfc9208() {
    let r = |name: &str, usage, limit| QuotaResource { name: name.to_string().into(), usage, limit };
    assert_eq!(
        data(b"* QUOTAROOT INBOX \"\"\r\n"),
        Data::QuotaRoot { mailbox: Mailbox::from_raw("INBOX".into()), roots: vec!["".into()] }
    );
    assert_eq!(
        data(b"* QUOTA \"\" (STORAGE 10 512)\r\n"),
        Data::Quota { root: "".into(), resources: vec![r("STORAGE", 10, 512)] }
    );
    assert_eq!(
        data(b"* QUOTAROOT comp.mail.mime\r\n"),
        Data::QuotaRoot { mailbox: Mailbox::from_raw("comp.mail.mime".into()), roots: vec![] }
    );
    let Data::QuotaRoot { roots, .. } = data(b"* QUOTAROOT INBOX \"#user/alice\" \"!partition/sda4\"\r\n") else {
        panic!()
    };
    assert_eq!(roots, vec![IString::from("#user/alice"), IString::from("!partition/sda4")]);
    assert_eq!(
        data(b"* QUOTA \"#user/alice\" (MESSAGE 42 1000 STORAGE 104 10923847)\r\n"),
        Data::Quota {
            root: "#user/alice".into(),
            resources: vec![r("MESSAGE", 42, 1000), r("STORAGE", 104, 10_923_847)],
        }
    );
    // 64-bit numbers (number64).
    let Data::Quota { resources, .. } = data(b"* QUOTA x (STORAGE 9999999999 99999999999)\r\n") else { panic!() };
    assert_eq!((resources[0].usage, resources[0].limit), (9_999_999_999, 99_999_999_999));
    // A root without limits (seen on servers), and an odd triple kept whole.
    assert_eq!(data(b"* QUOTA \"User quota\" ()\r\n"), Data::Quota { root: "User quota".into(), resources: vec![] });
    assert!(matches!(data(b"* QUOTA \"\" (STORAGE 10)\r\n"), Data::Other(_)));
}

// ------------------------------------------------------------------ RFC 4314

#[test]
fn acl_rfc4314() {
    let inbox = || Mailbox::from_raw("INBOX".into());
    let entry = |i: &'static str, r: &'static str| AclEntry { identifier: i.into(), rights: r.into() };
    assert_eq!(
        data(b"* ACL INBOX Fred rwipsldexta\r\n"),
        Data::Acl { mailbox: inbox(), entries: vec![entry("Fred", "rwipsldexta")] }
    );
    assert_eq!(
        data(b"* ACL INBOX Fred rwipslxetad -Fred wetd $team w\r\n"),
        Data::Acl {
            mailbox: inbox(),
            entries: vec![entry("Fred", "rwipslxetad"), entry("-Fred", "wetd"), entry("$team", "w")],
        }
    );
    assert_eq!(
        data(b"* LISTRIGHTS ~/Mail/saved smith la r swicdkxte\r\n"),
        Data::ListRights {
            mailbox: Mailbox::from_raw("~/Mail/saved".into()),
            identifier: "smith".into(),
            required: "la".into(),
            optional: vec!["r".into(), "swicdkxte".into()],
        }
    );
    assert_eq!(
        data(b"* MYRIGHTS INBOX rwiptsldaex\r\n"),
        Data::MyRights { mailbox: inbox(), rights: "rwiptsldaex".into() }
    );
    // Empty rights, quoted; an ACL with no entries.
    let Data::ListRights { required, .. } = data(b"* LISTRIGHTS archive anyone \"\" l r s\r\n") else { panic!() };
    assert!(required.is_empty());
    assert_eq!(data(b"* ACL INBOX\r\n"), Data::Acl { mailbox: inbox(), entries: vec![] });
    // An identifier without rights: not RFC 4314's, kept.
    assert!(matches!(data(b"* ACL INBOX Fred\r\n"), Data::Other(_)));
}

// ------------------------------------------------------------------ RFC 5256

#[test]
fn sort_and_thread_rfc5256() {
    assert_eq!(data(b"* SORT 2 84 882\r\n"), Data::Sort(Sort { ids: vec![2, 84, 882], modseq: None }));
    assert_eq!(data(b"* SORT 5 3 4 1 2\r\n"), Data::Sort(Sort { ids: vec![5, 3, 4, 1, 2], modseq: None }));
    assert_eq!(data(b"* SORT\r\n"), Data::Sort(Sort::default()));
    // RFC 7162 3.1.5.
    assert_eq!(data(b"* SORT 2 3 1 (MODSEQ 12)\r\n"), Data::Sort(Sort { ids: vec![2, 3, 1], modseq: Some(12) }));

    let t = |ids: &[u32], children: Vec<Thread>| Thread { ids: ids.to_vec(), children };
    assert_eq!(
        data(b"* THREAD (2)(3 6 (4 23)(44 7 96))\r\n"),
        Data::Thread(vec![t(&[2], vec![]), t(&[3, 6], vec![t(&[4, 23], vec![]), t(&[44, 7, 96], vec![])])])
    );
    assert_eq!(data(b"* THREAD ((3)(5))\r\n"), Data::Thread(vec![t(&[], vec![t(&[3], vec![]), t(&[5], vec![])])]));
    let Data::Thread(threads) = data(
        b"* THREAD (166)(167)(168)(169)(172)(170)(171)(173)(174 (175)(176)(178)(181)(180))(179)(177 (183)(182)(188)(184)(185)(186)(187)(189))(190)(191)(192)(193)(194 195)(196 (197)(198))(199)(200 202)(201)(203)(204)(205)(206 207)(208)\r\n",
    ) else {
        panic!()
    };
    assert_eq!(threads.len(), 25);
    assert_eq!(threads[8], t(&[174], [175, 176, 178, 181, 180].iter().map(|&n| t(&[n], vec![])).collect()));
    assert_eq!(threads[15], t(&[194, 195], vec![]));
    assert_eq!(data(b"* THREAD\r\n"), Data::Thread(vec![]));
    // A long chain nests nothing: its depth is that of the parentheses.
    let chain: String = (1..=5000).map(|n| n.to_string()).collect::<Vec<_>>().join(" ");
    let Data::Thread(threads) = data(format!("* THREAD ({chain})\r\n").as_bytes()) else { panic!() };
    assert_eq!((threads[0].ids.len(), threads[0].children.len()), (5000, 0));
    // Not RFC 5256's: kept.
    assert!(matches!(data(b"* THREAD (1 x)\r\n"), Data::Other(_)));
    assert!(matches!(data(b"* SORT 1 x\r\n"), Data::Other(_)));
}

// ------------------------------------------------------------------ RFC 8474

#[test]
fn objectid_rfc8474() {
    let f = fetch(b"* 1 FETCH (EMAILID (M6d99ac3275bb4e) THREADID (T64b478a75b7ea9))\r\n");
    assert_eq!(
        f.items,
        vec![FetchItem::EmailId("M6d99ac3275bb4e".into()), FetchItem::ThreadId(Some("T64b478a75b7ea9".into()))]
    );
    let f = fetch(b"* 2 FETCH (EMAILID (M5fdc09b49ea703) THREADID NIL)\r\n");
    assert_eq!(f.items[1], FetchItem::ThreadId(None));
    // Cyrus 3.6 puts the NIL in parentheses: still no thread.
    let f = fetch(b"* 2 FETCH (THREADID (NIL) UID 4)\r\n");
    assert_eq!(f.items, vec![FetchItem::ThreadId(None), FetchItem::Uid(4)]);
    assert_eq!(
        code(b"3 OK [MAILBOXID (F2212ea87-6097-4256-9d51-71338625)] Completed\r\n"),
        Code::MailboxId("F2212ea87-6097-4256-9d51-71338625".into())
    );
    assert_eq!(code(b"* OK [MAILBOXID (F22)] x\r\n").to_string(), "MAILBOXID (F22)");
    // Characters outside the objectid alphabet: kept as generic values.
    let f = fetch(b"* 3 FETCH (EMAILID (a.b))\r\n");
    assert!(matches!(&f.items[0], FetchItem::Other { name, .. } if name == "EMAILID"));
}

// ------------------------------------------------------------------ RFC 8514

#[test]
fn savedate_rfc8514() {
    let f = fetch(b"* 1 FETCH (UID 1 SAVEDATE \"23-Oct-2018 14:12:24 +0200\")\r\n");
    let FetchItem::SaveDate(Some(d)) = &f.items[1] else { panic!("{f:?}") };
    assert_eq!((d.year, d.month, d.day, d.hour, d.minute, d.second, d.offset_minutes), (2018, 10, 23, 14, 12, 24, 120));
    let f = fetch(b"* 2 FETCH (UID 2 SAVEDATE NIL)\r\n");
    assert_eq!(f.items[1], FetchItem::SaveDate(None));
}

// ------------------------------------------------------------------ RFC 5258

#[test]
fn list_extended_rfc5258() {
    let list = |input: &[u8]| match data(input) {
        Data::List(l) => l,
        other => panic!("not LIST: {other:?}"),
    };
    let l = list(b"* LIST () \"/\" \"Foo\" (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n");
    assert_eq!((l.mailbox.name(), &l.extended[..]), ("Foo", &[ListExtended::ChildInfo(vec!["SUBSCRIBED".into()])][..]));
    let l = list(b"* LIST (\\NonExistent) \"/\" \"Fruit\" (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n");
    assert_eq!(l.attributes, vec![MailboxAttr::NonExistent]);
    assert_eq!(l.extended, vec![ListExtended::ChildInfo(vec!["SUBSCRIBED".into()])]);
    let l = list(b"* LIST (\\Subscribed) \"/\" \"Fruit/Peach\"\r\n");
    assert!(l.extended.is_empty());
    // OLDNAME (RFC 5465 / RFC 9051), and an unknown item kept whole.
    let l = list(b"* LIST () \".\" \"NewMailbox\" (\"OLDNAME\" (\"OldMailbox\") X-EXT (1 2))\r\n");
    assert_eq!(l.extended[0], ListExtended::OldName(Mailbox::from_raw("OldMailbox".into())));
    let ListExtended::Other { tag, value: Value::List(values) } = &l.extended[1] else { panic!("{l:?}") };
    assert_eq!((tag.to_string(), values.len()), ("X-EXT".into(), 2));
}

// ------------------------------------------------------------------ STATUS items (RFC 8438, 8474, 7162, 9051, 7889)

fn status(input: &[u8]) -> Vec<StatusItem<'static>> {
    match data(input) {
        Data::Status { items, .. } => items,
        other => panic!("not a STATUS: {other:?}"),
    }
}

#[test]
fn status_items_of_extensions() {
    use StatusValue::Number;
    // RFC 8438 section 4 (STATUS=SIZE).
    assert_eq!(
        status(b"* STATUS INBOX (MESSAGES 8 SIZE 44421)\r\n"),
        vec![
            StatusItem { att: StatusAtt::Messages, value: Number(8) },
            StatusItem { att: StatusAtt::Size, value: Number(44421) }
        ]
    );
    // number64: beyond 32 bits.
    assert_eq!(status(b"* STATUS x (SIZE 9223372036854775807)\r\n")[0].number(), Some(9_223_372_036_854_775_807));
    // RFC 8474 section 4.1 (OBJECTID).
    assert_eq!(
        status(b"* STATUS foo (MAILBOXID (F2212ea87-6097-4256-9d51-71338625))\r\n"),
        vec![StatusItem {
            att: StatusAtt::MailboxId,
            value: StatusValue::ObjectId("F2212ea87-6097-4256-9d51-71338625".into())
        }]
    );
    // RFC 7162 section 3.1.10 (CONDSTORE).
    assert_eq!(
        status(b"* STATUS blurdybloop (MESSAGES 231 UIDNEXT 7500 HIGHESTMODSEQ 7011231777)\r\n"),
        vec![
            StatusItem { att: StatusAtt::Messages, value: Number(231) },
            StatusItem { att: StatusAtt::UidNext, value: Number(7500) },
            StatusItem { att: StatusAtt::HighestModSeq, value: Number(7_011_231_777) }
        ]
    );
    // RFC 9051 section 6.3.11: DELETED (and no RECENT).
    assert_eq!(
        status(b"* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292 DELETED 3)\r\n")[2],
        StatusItem { att: StatusAtt::Deleted, value: Number(3) }
    );
    // RFC 7889 section 3.2 (APPENDLIMIT): a number, or NIL for no limit.
    assert_eq!(
        status(b"* STATUS INBOX (APPENDLIMIT 257890)\r\n"),
        vec![StatusItem { att: StatusAtt::AppendLimit, value: Number(257890) }]
    );
    assert_eq!(
        status(b"* STATUS Sent (APPENDLIMIT NIL MESSAGES 0)\r\n"),
        vec![
            StatusItem { att: StatusAtt::AppendLimit, value: StatusValue::Nil },
            StatusItem { att: StatusAtt::Messages, value: Number(0) }
        ]
    );
}

#[test]
fn unknown_status_items_keep_their_raw_value() {
    let items = status(b"* STATUS INBOX (X-LIST (1 \"a\") MESSAGES 2 X-NAME abc X-STR \"s\" MAILBOXID (a b))\r\n");
    assert_eq!(items.len(), 5);
    assert_eq!(
        items[0],
        StatusItem {
            att: StatusAtt::Other("X-LIST".into()),
            value: StatusValue::Other(Value::List(vec![Value::Number(1), Value::String(IString::from(&b"a"[..]))]))
        }
    );
    assert_eq!(items[1].number(), Some(2));
    assert_eq!(items[2].value, StatusValue::Other(Value::Atom("abc".into())));
    assert_eq!(items[3].value, StatusValue::Other(Value::String(IString::from(&b"s"[..]))));
    // A MAILBOXID that is not one objectid: kept whole, not dropped.
    assert_eq!(
        items[4],
        StatusItem {
            att: StatusAtt::MailboxId,
            value: StatusValue::Other(Value::List(vec![Value::Atom("a".into()), Value::Atom("b".into())]))
        }
    );
    // The names as they go on the wire.
    assert_eq!(StatusAtt::HighestModSeq.as_str(), "HIGHESTMODSEQ");
    assert_eq!(StatusAtt::Other("X-Y".into()).as_str(), "X-Y");
}

// ------------------------------------------------------------------ SEARCH with MODSEQ (RFC 7162 section 3.1.5)

#[test]
fn search_with_modseq_rfc7162() {
    assert_eq!(
        data(b"* SEARCH 2 5 6 7 11 12 18 19 20 23 (MODSEQ 917162500)\r\n"),
        Data::Search(Search { ids: vec![2, 5, 6, 7, 11, 12, 18, 19, 20, 23], modseq: Some(917_162_500) })
    );
    // No match: no MODSEQ (the server must not send one), and the plain form.
    assert_eq!(data(b"* SEARCH\r\n"), Data::Search(Search::default()));
    assert_eq!(data(b"* SEARCH 4 \r\n"), Data::Search(Search { ids: vec![4], modseq: None }));
    // A mod-sequence is 63-bit.
    let Data::Search(s) = data(b"* SEARCH 1 (MODSEQ 9223372036854775807)\r\n") else { panic!() };
    assert_eq!(s.modseq, Some(i64::MAX as u64));
    // SORT carries it the same way.
    let Data::Sort(s) = data(b"* SORT 2 5 6 (MODSEQ 917162500)\r\n") else { panic!() };
    assert_eq!((s.ids, s.modseq), (vec![2, 5, 6], Some(917_162_500)));
    // Malformed: a typed error, not a panic.
    for bad in
        [&b"* SEARCH 1 (MODSEQ 99999999999999999999)\r\n"[..], b"* SEARCH 1 (MODSEQ)\r\n", b"* SEARCH (MODSEQ 1)\r\n"]
    {
        let frame = imap_core::wire::frames(bad, Default::default()).next().unwrap().unwrap();
        assert!(imap_core::parse(&frame).is_err(), "{:?}", String::from_utf8_lossy(bad));
    }
}

// ------------------------------------------------------------------ BINARY (RFC 3516)

#[test]
fn binary_rfc3516() {
    // A literal8 whose payload holds NUL, CR LF and 8-bit bytes.
    let f = fetch(b"* 1 FETCH (UID 7 BINARY[1] ~{6}\r\n\x00\r\n\xff\x01) BINARY.SIZE[1] 6)\r\n");
    assert_eq!(f.uid(), Some(7));
    let FetchItem::Binary { part, origin, data } = &f.items[1] else { panic!("{:?}", f.items) };
    assert_eq!((part, origin), (&Some(SectionPart(vec![1])), &None));
    assert_eq!(data.as_ref().map(|d| d.as_bytes()), Some(&b"\x00\r\n\xff\x01)"[..]));
    assert_eq!(f.items[2], FetchItem::BinarySize { part: Some(SectionPart(vec![1])), size: 6 });
    assert_eq!((f.binary(&[1]), f.binary_size(&[1])), (Some(&b"\x00\r\n\xff\x01)"[..]), Some(6)));
    assert_eq!((f.binary(&[2]), f.binary_size(&[])), (None, None));
    // RFC 3516 section 4.2: BINARY.SIZE of a nested part; the whole message.
    let f = fetch(b"* 2 FETCH (BINARY.SIZE[2.1] 5000 BINARY[] {5}\r\nhello)\r\n");
    assert_eq!(f.binary_size(&[2, 1]), Some(5000));
    assert_eq!(f.binary(&[]), Some(&b"hello"[..]));
    // A partial fetch: `<origin>` (RFC 9051's form), a quoted string, NIL.
    let f = fetch(b"* 3 FETCH (BINARY[1.2]<1024> \"abc\" BINARY[3] NIL)\r\n");
    assert_eq!(
        f.items,
        vec![
            FetchItem::Binary { part: Some(SectionPart(vec![1, 2])), origin: Some(1024), data: Some("abc".into()) },
            FetchItem::Binary { part: Some(SectionPart(vec![3])), origin: None, data: None },
        ]
    );
    // What does not fit BINARY's syntax is kept whole.
    let f = fetch(b"* 4 FETCH (BINARY[1.TEXT] \"x\")\r\n");
    assert!(matches!(&f.items[0], FetchItem::Other { name, .. } if name == "BINARY[1.TEXT]"), "{:?}", f.items);
    let f = fetch(b"* 4 FETCH (BINARY.SIZE[1] NIL)\r\n");
    assert!(matches!(&f.items[0], FetchItem::Other { name, value: Value::Nil } if name == "BINARY.SIZE[1]"));
}

// ------------------------------------------------------------------ IMAP4rev2 (RFC 9051)

#[test]
fn imap4rev2_responses_rfc9051() {
    // Section 6.4.4: SEARCH answered with ESEARCH.
    let Data::ESearch(e) = data(b"* ESEARCH (TAG \"A283\") ALL 2,10:11\r\n") else { panic!() };
    assert_eq!(
        (e.tag.unwrap().to_string(), e.all.unwrap().iter().collect::<Vec<_>>()),
        ("A283".into(), vec![2, 10, 11])
    );
    let Data::ESearch(e) = data(b"* ESEARCH (TAG \"A282\") MIN 2 COUNT 3\r\n") else { panic!() };
    assert_eq!((e.min, e.count, e.all), (Some(2), Some(3), None));
    // Section 6.3.9: \NonExistent, and OLDNAME after a RENAME.
    let Data::List(l) = data(b"* LIST (\\Subscribed \\NonExistent) \"/\" \"Fruit/Peach\"\r\n") else { panic!() };
    assert_eq!(l.attributes, vec![MailboxAttr::Subscribed, MailboxAttr::NonExistent]);
    let Data::List(l) = data(b"* LIST () \"/\" \"NewMailbox\" (\"OLDNAME\" (\"OldMailbox\"))\r\n") else { panic!() };
    assert!(matches!(&l.extended[..], [ListExtended::OldName(m)] if m.name() == "OldMailbox"));
    // Section 7.1: the response codes RFC 9051 lists (from RFC 5530) are
    // typed (see also response_codes_rfc5530).
    for (name, typed) in [
        ("ALREADYEXISTS", ErrorCode::AlreadyExists),
        ("NONEXISTENT", ErrorCode::NonExistent),
        ("UNAVAILABLE", ErrorCode::Unavailable),
        ("AUTHENTICATIONFAILED", ErrorCode::AuthenticationFailed),
        ("OVERQUOTA", ErrorCode::OverQuota),
        ("HASCHILDREN", ErrorCode::HasChildren),
    ] {
        assert_eq!(code(format!("A1 NO [{name}] x\r\n").as_bytes()), Code::Error(typed));
    }
}

// ------------------------------------------------------------------ METADATA (RFC 5464)

#[test]
fn metadata_rfc5464() {
    fn entry(name: &'static str, value: Option<&'static str>) -> MetadataEntry<'static> {
        MetadataEntry { name: IString::from(name.as_bytes()), value: value.map(|v| IString::from(v.as_bytes())) }
    }
    let inbox = |d: &Data<'_>| matches!(d, Data::Metadata { mailbox, .. } if mailbox.name() == "INBOX");
    // Section 4.2.1-4.2.2: answers to GETMETADATA.
    let d = data(b"* METADATA \"\" (/shared/comment \"Shared comment\")\r\n");
    let Data::Metadata { mailbox, values, changed } = &d else { panic!("{d:?}") };
    assert_eq!(
        (mailbox.name(), values, changed.len()),
        ("", &vec![entry("/shared/comment", Some("Shared comment"))], 0)
    );
    let d = data(b"* METADATA INBOX (/shared/comment \"Shared comment\" /private/comment \"My own comment\")\r\n");
    assert!(inbox(&d));
    let Data::Metadata { values, .. } = d else { panic!() };
    assert_eq!(
        values,
        vec![entry("/shared/comment", Some("Shared comment")), entry("/private/comment", Some("My own comment"))]
    );
    // A literal value across lines; NIL for an entry not set; a literal8.
    let d = data(b"* METADATA INBOX (/private/comment {33}\r\nMy new comment across\r\ntwo lines. /shared/x NIL)\r\n");
    let Data::Metadata { values, .. } = d else { panic!() };
    assert_eq!(
        values,
        vec![entry("/private/comment", Some("My new comment across\r\ntwo lines.")), entry("/shared/x", None)]
    );
    let Data::Metadata { values, .. } = data(b"* METADATA INBOX (/private/bin ~{3}\r\na\x00b)\r\n") else { panic!() };
    assert_eq!(values[0].value.as_ref().unwrap().as_bytes(), b"a\x00b");
    // Section 4.4.2: unsolicited, the entries that changed.
    let d = data(b"* METADATA INBOX /shared/comment /private/comment\r\n");
    let Data::Metadata { values, changed, .. } = d else { panic!() };
    assert!(values.is_empty());
    assert_eq!(changed, vec![IString::from(&b"/shared/comment"[..]), IString::from(&b"/private/comment"[..])]);
    // Response codes (sections 4.2.1, 4.3).
    assert_eq!(
        code(b"a OK [METADATA LONGENTRIES 2199] GETMETADATA complete\r\n"),
        Code::Metadata(MetadataCode::LongEntries(2199))
    );
    assert_eq!(
        code(b"a NO [METADATA MAXSIZE 1024] Annotation too large\r\n"),
        Code::Metadata(MetadataCode::MaxSize(1024))
    );
    assert_eq!(code(b"a NO [METADATA TOOMANY] Too many annotations\r\n"), Code::Metadata(MetadataCode::TooMany));
    assert_eq!(
        code(b"a NO [METADATA NOPRIVATE] Private annotations not supported\r\n"),
        Code::Metadata(MetadataCode::NoPrivate)
    );
    assert_eq!(code(b"a NO [METADATA MAXSIZE 1024] x\r\n").to_string(), "METADATA MAXSIZE 1024");
    // What does not fit is kept whole.
    assert_eq!(
        code(b"a NO [METADATA SOMETHING 1] x\r\n"),
        Code::Other { name: "METADATA".into(), text: Some("SOMETHING 1".into()) }
    );
    assert!(matches!(data(b"* METADATA INBOX (/a)\r\n"), Data::Other(_)));
}

#[test]
fn metadata_commands_rfc5464() {
    use imap_core::command::{Command, EncodeOptions, MetadataDepth};
    let encode = |c: Command| {
        let chunks = c.encode("a", &EncodeOptions::default()).unwrap().chunks;
        chunks.iter().map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>()
    };
    let get = |mailbox: &str, entries: &[&str], max_size, depth| Command::GetMetadata {
        mailbox: mailbox.into(),
        entries: entries.iter().map(|e| e.to_string()).collect(),
        max_size,
        depth,
    };
    assert_eq!(
        encode(get("", &["/shared/comment"], None, MetadataDepth::Zero)),
        ["a GETMETADATA \"\" (/shared/comment)\r\n"]
    );
    assert_eq!(
        encode(get("INBOX", &["/shared/comment", "/private/comment"], Some(1024), MetadataDepth::Zero)),
        ["a GETMETADATA (MAXSIZE 1024) INBOX (/shared/comment /private/comment)\r\n"]
    );
    assert_eq!(
        encode(get("INBOX", &["/private/filters/values"], None, MetadataDepth::One)),
        ["a GETMETADATA (DEPTH 1) INBOX (/private/filters/values)\r\n"]
    );
    assert_eq!(
        encode(get("Entwürfe", &["/private/x"], Some(5), MetadataDepth::Infinity)),
        ["a GETMETADATA (MAXSIZE 5 DEPTH infinity) Entw&APw-rfe (/private/x)\r\n"]
    );
    let set = |entries: Vec<(&str, Option<&[u8]>)>| Command::SetMetadata {
        mailbox: "INBOX".into(),
        entries: entries.into_iter().map(|(n, v)| (n.to_string(), v.map(<[u8]>::to_vec))).collect(),
    };
    assert_eq!(
        encode(set(vec![("/private/comment", Some(b"My new comment"))])),
        ["a SETMETADATA INBOX (/private/comment \"My new comment\")\r\n"]
    );
    assert_eq!(encode(set(vec![("/private/comment", None)])), ["a SETMETADATA INBOX (/private/comment NIL)\r\n"]);
    // A CR LF cannot leave a string unencoded: a literal; NUL: a literal8.
    assert_eq!(
        encode(set(vec![("/private/comment", Some(b"My new comment across\r\ntwo lines."))])),
        ["a SETMETADATA INBOX (/private/comment {33}\r\n", "My new comment across\r\ntwo lines.)\r\n"]
    );
    assert_eq!(
        encode(set(vec![("/private/b", Some(b"a\0b"))])),
        ["a SETMETADATA INBOX (/private/b ~{3}\r\n", "a\0b)\r\n"]
    );
    // An entry name with a space or CR LF is quoted or a literal, never bare.
    assert_eq!(encode(set(vec![("/private/a b", None)])), ["a SETMETADATA INBOX (\"/private/a b\" NIL)\r\n"]);
    assert!(set(vec![]).encode("a", &EncodeOptions::default()).is_err());
    assert!(get("INBOX", &[], None, MetadataDepth::Zero).encode("a", &EncodeOptions::default()).is_err());
}

// ------------------------------------------------------------------ Gmail X-GM-EXT-1

#[test]
fn gmail_fetch_items_from_googles_examples() {
    let user = |raw: &'static str| GmLabel::User(Mailbox::from_raw(raw.as_bytes().into()));
    let system = |name: &'static str| GmLabel::System(name.into());
    // The X-GM-LABELS examples of Google's IMAP extensions page.
    let f = fetch(b"* 1 FETCH (X-GM-LABELS (\\Inbox \\Sent Important \"Muy Importante\"))\r\n");
    assert_eq!(
        f.items,
        vec![FetchItem::GmLabels(vec![system("\\Inbox"), system("\\Sent"), user("Important"), user("Muy Importante")])]
    );
    assert_eq!(fetch(b"* 2 FETCH (X-GM-LABELS (foo))\r\n").gm_labels(), Some(&[user("foo")][..]));
    assert_eq!(fetch(b"* 3 FETCH (X-GM-LABELS ())\r\n").gm_labels(), Some(&[][..]));
    assert_eq!(fetch(b"* 4 FETCH (X-GM-LABELS (\\Drafts))\r\n").gm_labels(), Some(&[system("\\Drafts")][..]));
    // Gmail quotes system labels in some responses: still system labels.
    let f = fetch(b"* 6 FETCH (X-GM-LABELS (\"\\\\Inbox\" \"\\\\Important\" \\Sent \"a\\\\b\"))\r\n");
    let labels = f.gm_labels().unwrap();
    assert_eq!(labels[..3], [system("\\Inbox"), system("\\Important"), system("\\Sent")]);
    assert_eq!(labels[3], user("a\\b"));
    // Names are modified UTF-7, like mailbox names; literals work too.
    let f = fetch(b"* 5 FETCH (X-GM-LABELS (\"&AMk-t&AOk-\" {4}\r\na b) [Gmail]/Sent))\r\n");
    let names: Vec<_> =
        f.gm_labels().unwrap_or_else(|| panic!("{:?}", f.items)).iter().map(|l| l.name().to_owned()).collect();
    assert_eq!(names, ["Été", "a b)", "[Gmail]/Sent"]);
    // X-GM-MSGID and X-GM-THRID are 64-bit.
    let f = fetch(b"* 1 FETCH (X-GM-MSGID 1278455344230334865 X-GM-THRID 1266894439832287888 UID 7)\r\n");
    assert_eq!((f.gm_msgid(), f.gm_thrid(), f.uid()), (Some(1278455344230334865), Some(1266894439832287888), Some(7)));
    // What does not fit is kept whole.
    let f = fetch(b"* 1 FETCH (X-GM-MSGID abc X-GM-LABELS NIL)\r\n");
    assert!(matches!(&f.items[..], [FetchItem::Other { .. }, FetchItem::Other { .. }]), "{:?}", f.items);
    // Beyond 64 bits: a malformed item that says why, not a panic.
    let f = fetch(b"* 1 FETCH (X-GM-THRID 99999999999999999999 UID 3)\r\n");
    let FetchItem::Malformed(m) = &f.items[0] else { panic!("{:?}", f.items) };
    assert_eq!((&*m.name, m.raw.as_bytes()), ("X-GM-THRID", &b"99999999999999999999"[..]));
    assert!(m.reason.contains("u64"), "{}", m.reason);
    assert_eq!(f.uid(), Some(3));
}

#[test]
fn gmail_commands_encode_without_injection() {
    use imap_core::command::{Command, EncodeOptions, FetchAttr, SearchKey, StoreMode};
    let encode = |c: Command| {
        let chunks = c.encode("a", &EncodeOptions::default()).unwrap().chunks;
        chunks.iter().map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().concat()
    };
    let store = |mode, labels: &[&str]| Command::StoreGmLabels {
        set: 1.into(),
        mode,
        silent: false,
        labels: labels.iter().map(|l| l.to_string()).collect(),
        uid: false,
    };
    // Google's page: `a012 STORE 1 +X-GM-LABELS (foo)`, and removing.
    assert_eq!(encode(store(StoreMode::Add, &["foo"])), "a STORE 1 +X-GM-LABELS (foo)\r\n");
    assert_eq!(
        encode(store(StoreMode::Remove, &["\\Inbox", "Muy Importante"])),
        "a STORE 1 -X-GM-LABELS (\\Inbox \"Muy Importante\")\r\n"
    );
    assert_eq!(encode(store(StoreMode::Replace, &[])), "a STORE 1 X-GM-LABELS ()\r\n");
    // Names go in modified UTF-7; what is not a system label is a string.
    assert_eq!(encode(store(StoreMode::Add, &["Été"])), "a STORE 1 +X-GM-LABELS (&AMk-t&AOk-)\r\n");
    assert_eq!(encode(store(StoreMode::Add, &["\\not one"])), "a STORE 1 +X-GM-LABELS (\"\\\\not one\")\r\n");
    // CR LF never travels bare (here as modified UTF-7, as in names).
    let injected = encode(store(StoreMode::Add, &["x\r\nA2 DELETE INBOX"]));
    assert_eq!(injected, "a STORE 1 +X-GM-LABELS (\"x&AA0ACg-A2 DELETE INBOX\")\r\n");
    let uid = Command::StoreGmLabels {
        set: 5.into(),
        mode: StoreMode::Add,
        silent: true,
        labels: vec!["a".into()],
        uid: true,
    };
    assert_eq!(encode(uid), "a UID STORE 5 +X-GM-LABELS.SILENT (a)\r\n");
    // FETCH items and X-GM-RAW (quoted; a CR LF in it goes as a literal).
    let fetch = Command::Fetch {
        set: 1.into(),
        items: vec![FetchAttr::GmLabels, FetchAttr::GmMsgId, FetchAttr::GmThrId].into(),
        changed_since: None,
        uid: false,
    };
    assert_eq!(encode(fetch), "a FETCH 1 (X-GM-LABELS X-GM-MSGID X-GM-THRID)\r\n");
    let search = |raw: &str| Command::Search { charset: None, criteria: SearchKey::GmRaw(raw.into()), uid: false };
    assert_eq!(encode(search("has:attachment in:unread")), "a SEARCH X-GM-RAW \"has:attachment in:unread\"\r\n");
    assert_eq!(encode(search("a\" OR ALL")), "a SEARCH X-GM-RAW \"a\\\" OR ALL\"\r\n");
    assert_eq!(encode(search("x\r\nA2 LOGOUT")), "a SEARCH X-GM-RAW {12}\r\nx\r\nA2 LOGOUT\r\n");
}

#[test]
fn astrings_sent_as_literals() {
    // A literal where an astring is due (a mailbox name, a label, an ACL
    // identifier): its `{n}` header is not an atom.
    let Data::List(l) = data(b"* LIST () \"/\" {5}\r\nhello\r\n") else { panic!() };
    assert_eq!(l.mailbox.name(), "hello");
    let Data::Status { mailbox, items } = data(b"* STATUS {3}\r\na b (MESSAGES 1)\r\n") else { panic!() };
    assert_eq!((mailbox.name(), items[0].number()), ("a b", Some(1)));
    let Data::MyRights { rights, .. } = data(b"* MYRIGHTS INBOX {4}\r\nlrsw\r\n") else { panic!() };
    assert_eq!(rights, "lrsw");
}

// ------------------------------------------------- response codes (RFC 5530)

#[test]
fn response_codes_rfc5530() {
    // Section 3's codes, each in the kind of completion its example shows.
    let examples: [(&[u8], ErrorCode); 17] = [
        (b"a NO [UNAVAILABLE] User's backend down for maintenance\r\n", ErrorCode::Unavailable),
        (b"b NO [AUTHENTICATIONFAILED] Authentication failed\r\n", ErrorCode::AuthenticationFailed),
        (b"c NO [AUTHORIZATIONFAILED] No such authorization-ID\r\n", ErrorCode::AuthorizationFailed),
        (b"d NO [EXPIRED] That password isn't valid any more\r\n", ErrorCode::Expired),
        (b"e NO [PRIVACYREQUIRED] Connection offers no privacy\r\n", ErrorCode::PrivacyRequired),
        (b"f NO [CONTACTADMIN] You need to contact the administrator\r\n", ErrorCode::ContactAdmin),
        (b"g NO [NOPERM] Access denied\r\n", ErrorCode::NoPerm),
        (b"h NO [INUSE] Mailbox in use\r\n", ErrorCode::InUse),
        (b"i OK [EXPUNGEISSUED] Search completed\r\n", ErrorCode::ExpungeIssued),
        (b"j NO [CORRUPTION] Cannot open mailbox\r\n", ErrorCode::Corruption),
        (b"k NO [SERVERBUG] Internal error\r\n", ErrorCode::ServerBug),
        (b"l OK [CLIENTBUG] Done\r\n", ErrorCode::ClientBug),
        (b"m NO [CANNOT] Cannot delete INBOX\r\n", ErrorCode::Cannot),
        (b"n NO [LIMIT] At maximum allowed number of mailboxes\r\n", ErrorCode::Limit),
        (b"o NO [OVERQUOTA] Sorry, over quota\r\n", ErrorCode::OverQuota),
        (b"p NO [ALREADYEXISTS] Mailbox already exists\r\n", ErrorCode::AlreadyExists),
        (b"q NO [NONEXISTENT] No such mailbox\r\n", ErrorCode::NonExistent),
    ];
    for (line, typed) in examples {
        let c = code(line);
        assert_eq!(c, Code::Error(typed), "{}", String::from_utf8_lossy(line));
        // Display gives the code back as sent.
        assert!(String::from_utf8_lossy(line).contains(&format!("[{c}]")));
    }
    // Codes RFC 9051 and others add, untagged too, any case.
    assert_eq!(code(b"* NO [hasChildren] Mailbox has children\r\n"), Code::Error(ErrorCode::HasChildren));
    assert_eq!(code(b"A1 NO [UNKNOWN-CTE] Can't decode\r\n"), Code::Error(ErrorCode::UnknownCte));
    assert_eq!(code(b"A1 NO [USEATTR] \\All not supported\r\n"), Code::Error(ErrorCode::UseAttr));
    assert_eq!(code(b"A1 NO [COMPRESSIONACTIVE] DEFLATE active\r\n"), Code::Error(ErrorCode::CompressionActive));
    assert_eq!(code(b"A1 OK [NOTSAVED] Done\r\n"), Code::Error(ErrorCode::NotSaved));
    // A name that only starts like a code, or a code with arguments these
    // codes do not have, is kept whole.
    assert_eq!(code(b"A1 NO [LIMITED] x\r\n"), Code::Other { name: "LIMITED".into(), text: None });
    assert_eq!(
        code(b"A1 NO [LIMIT 5] x\r\n"),
        Code::Other { name: "LIMIT".into(), text: Some(IString::from(&b"5"[..])) }
    );
}
