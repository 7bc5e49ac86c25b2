//! Exact bytes for every command, and property tests for the guarantee that
//! user data cannot break out of its string.

use super::encode::is_list_char;
use super::*;
use proptest::prelude::*;

const SYNC: EncodeOptions = EncodeOptions { literal_plus: false, literal_minus: false, utf8_accept: false };
const PLUS: EncodeOptions = EncodeOptions { literal_plus: true, literal_minus: false, utf8_accept: false };
const MINUS: EncodeOptions = EncodeOptions { literal_plus: false, literal_minus: true, utf8_accept: false };
const UTF8: EncodeOptions = EncodeOptions { literal_plus: false, literal_minus: false, utf8_accept: true };
const ALL_OPTS: [EncodeOptions; 4] = [SYNC, PLUS, MINUS, UTF8];

/// A literal header `{N}`, `{N+}`, `~{N}` or `~{N+}` followed by CRLF at
/// `i`: (N, non-synchronizing, header length).
fn literal_header_at(b: &[u8], i: usize) -> Option<(usize, bool, usize)> {
    let mut j = i;
    if b.get(j) == Some(&b'~') {
        j += 1;
    }
    if b.get(j) != Some(&b'{') {
        return None;
    }
    j += 1;
    let start = j;
    while b.get(j).is_some_and(u8::is_ascii_digit) {
        j += 1;
    }
    let n: usize = std::str::from_utf8(&b[start..j]).ok()?.parse().ok()?;
    let plus = b.get(j) == Some(&b'+');
    if plus {
        j += 1;
    }
    if b.get(j..j + 3) != Some(b"}\r\n") {
        return None;
    }
    Some((n, plus, j + 3 - i))
}

/// Walks an encoded command honouring literals: no CR, LF or NUL outside a
/// literal's payload (NUL only in a literal8), the command ends with CRLF,
/// and chunks split exactly after each synchronizing literal's header.
fn check_wire(enc: &Encoded) -> Result<(), String> {
    let all = enc.to_bytes();
    if !all.ends_with(b"\r\n") {
        return Err("no final CRLF".into());
    }
    let mut sync_ends = Vec::new();
    let mut i = 0;
    while i < all.len() {
        if let Some((n, plus, len)) = literal_header_at(&all, i) {
            let payload = &all[i + len..(i + len + n).min(all.len())];
            if all[i] != b'~' && payload.contains(&0) {
                return Err(format!("NUL in a literal at {i}"));
            }
            if !plus {
                sync_ends.push(i + len);
            }
            i += len + n;
            continue;
        }
        match all[i] {
            b'\r' | b'\n' if i == all.len() - 2 && all[i..] == *b"\r\n" => break,
            b'\r' | b'\n' => {
                return Err(format!("CR/LF outside a literal at {i}: {:?}", all.escape_ascii().to_string()))
            }
            0 => return Err(format!("NUL outside a literal at {i}")),
            _ => i += 1,
        }
    }
    if i != all.len() - 2 {
        return Err("a literal runs past the end".into());
    }
    let mut ends = Vec::new();
    let mut pos = 0;
    for c in &enc.chunks[..enc.chunks.len() - 1] {
        pos += c.len();
        ends.push(pos);
    }
    if ends != sync_ends {
        return Err(format!("chunks end at {ends:?}, synchronizing literals at {sync_ends:?}"));
    }
    Ok(())
}

/// Reads one atom, quoted string or literal at `*i`, as a server would.
fn read_string(b: &[u8], i: &mut usize) -> Vec<u8> {
    if let Some((n, _, len)) = literal_header_at(b, *i) {
        let out = b[*i + len..*i + len + n].to_vec();
        *i += len + n;
        return out;
    }
    if b[*i] == b'"' {
        let mut out = Vec::new();
        *i += 1;
        loop {
            match b[*i] {
                b'"' => break,
                b'\\' => {
                    *i += 1;
                    assert!(matches!(b[*i], b'"' | b'\\'), "bad escape");
                    out.push(b[*i]);
                }
                c => {
                    assert!(c != b'\r' && c != b'\n');
                    out.push(c);
                }
            }
            *i += 1;
        }
        *i += 1;
        return out;
    }
    let start = *i;
    while *i < b.len() && is_list_char(b[*i]) {
        *i += 1;
    }
    assert!(*i > start, "no string at {start}");
    b[start..*i].to_vec()
}

fn expect(b: &[u8], i: &mut usize, lit: &[u8]) {
    assert_eq!(&b[*i..*i + lit.len()], lit, "at {}", *i);
    *i += lit.len();
}

fn bytes(cmd: &Command, opts: &EncodeOptions) -> String {
    let enc = cmd.encode("t1", opts).unwrap();
    check_wire(&enc).unwrap();
    String::from_utf8(enc.to_bytes()).unwrap()
}

fn mbx(name: &str) -> String {
    name.to_owned()
}

#[test]
fn rfc3501_examples() {
    let opts = EncodeOptions::default();
    let enc = |tag: &str, cmd: Command| String::from_utf8(cmd.encode(tag, &opts).unwrap().to_bytes()).unwrap();
    assert_eq!(enc("abcd", Command::Capability), "abcd CAPABILITY\r\n");
    assert_eq!(enc("a002", Command::Noop), "a002 NOOP\r\n");
    assert_eq!(enc("A023", Command::Logout), "A023 LOGOUT\r\n");
    assert_eq!(enc("a001", Command::StartTls), "a001 STARTTLS\r\n");
    assert_eq!(
        enc("a001", Command::Login { user: "SMITH".into(), password: "SESAME".into() }),
        "a001 LOGIN SMITH SESAME\r\n"
    );
    assert_eq!(enc("A142", Command::Select { mailbox: mbx("INBOX"), condstore: false }), "A142 SELECT INBOX\r\n");
    assert_eq!(
        enc("A932", Command::Examine { mailbox: mbx("blurdybloop"), condstore: false }),
        "A932 EXAMINE blurdybloop\r\n"
    );
    assert_eq!(
        enc("A003", Command::Create { mailbox: mbx("owatagu/"), special_use: vec![] }),
        "A003 CREATE owatagu/\r\n"
    );
    assert_eq!(enc("A683", Command::Delete { mailbox: mbx("blurdybloop") }), "A683 DELETE blurdybloop\r\n");
    assert_eq!(
        enc("A683", Command::Rename { from: mbx("blurdybloop"), to: mbx("sarasoop") }),
        "A683 RENAME blurdybloop sarasoop\r\n"
    );
    assert_eq!(
        enc("A002", Command::Subscribe { mailbox: mbx("#news.comp.mail.mime") }),
        "A002 SUBSCRIBE #news.comp.mail.mime\r\n"
    );
    assert_eq!(
        enc("A002", Command::Unsubscribe { mailbox: mbx("#news.comp.mail.mime") }),
        "A002 UNSUBSCRIBE #news.comp.mail.mime\r\n"
    );
    let list =
        |r: &str, p: &str| Command::List { reference: r.into(), pattern: p.into(), select: vec![], returns: vec![] };
    assert_eq!(enc("A101", list("", "")), "A101 LIST \"\" \"\"\r\n");
    assert_eq!(enc("A102", list("#news.comp.mail.misc", "")), "A102 LIST #news.comp.mail.misc \"\"\r\n");
    assert_eq!(enc("A202", list("~/Mail/", "%")), "A202 LIST ~/Mail/ %\r\n");
    assert_eq!(
        enc("A002", Command::Lsub { reference: "#news.".into(), pattern: "comp.mail.*".into() }),
        "A002 LSUB #news. comp.mail.*\r\n"
    );
    assert_eq!(
        enc(
            "A042",
            Command::Status { mailbox: mbx("blurdybloop"), atts: vec![StatusAtt::UidNext, StatusAtt::Messages] }
        ),
        "A042 STATUS blurdybloop (UIDNEXT MESSAGES)\r\n"
    );
    assert_eq!(enc("FXXZ", Command::Check), "FXXZ CHECK\r\n");
    assert_eq!(enc("A341", Command::Close), "A341 CLOSE\r\n");
    assert_eq!(enc("A202", Command::Expunge), "A202 EXPUNGE\r\n");
    let search = Command::Search {
        charset: None,
        criteria: SearchKey::and([
            SearchKey::Flagged,
            SearchKey::Since(Date::new(1994, 2, 1).unwrap()),
            SearchKey::not(SearchKey::From("Smith".into())),
        ]),
        uid: false,
    };
    assert_eq!(enc("A282", search), "A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM Smith\r\n");
    let search = Command::Search {
        charset: Some("UTF-8".into()),
        criteria: SearchKey::and([SearchKey::Text("XXXXXX".into())]),
        uid: false,
    };
    assert_eq!(enc("A284", search), "A284 SEARCH CHARSET UTF-8 TEXT XXXXXX\r\n");
    let fetch = Command::Fetch {
        set: (2..=4).into(),
        items: vec![FetchAttr::Flags, FetchAttr::body(Section::header_fields(["DATE", "FROM"]))].into(),
        changed_since: None,
        uid: false,
    };
    assert_eq!(enc("A654", fetch), "A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])\r\n");
    let store = Command::Store {
        set: (2..=4).into(),
        mode: StoreMode::Add,
        silent: false,
        flags: vec![Flag::Deleted],
        unchanged_since: None,
        uid: false,
    };
    assert_eq!(enc("A003", store), "A003 STORE 2:4 +FLAGS (\\Deleted)\r\n");
    let copy = Command::Copy { set: "2:4".parse().unwrap(), mailbox: mbx("MEETING"), uid: false };
    assert_eq!(enc("A003", copy), "A003 COPY 2:4 MEETING\r\n");
    let uid_fetch = Command::Fetch {
        set: (4827313..=4828442).into(),
        items: FetchAttr::Flags.into(),
        changed_since: None,
        uid: true,
    };
    assert_eq!(enc("A999", uid_fetch), "A999 UID FETCH 4827313:4828442 FLAGS\r\n");
    let fetch_macro = Command::Fetch { set: 12.into(), items: FetchItems::Full, changed_since: None, uid: false };
    assert_eq!(enc("a003", fetch_macro), "a003 FETCH 12 FULL\r\n");
    let fetch = Command::Fetch {
        set: 12.into(),
        items: FetchAttr::body(Section::header()).into(),
        changed_since: None,
        uid: false,
    };
    assert_eq!(enc("a004", fetch), "a004 FETCH 12 BODY[HEADER]\r\n");
}

#[test]
fn rfc3501_append_chunks() {
    let lines = [
        "Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)",
        "From: Fred Foobar <foobar@Blurdybloop.COM>",
        "Subject: afternoon meeting",
        "To: mooch@owatagu.siam.edu",
        "Message-Id: <B27397-0100000@Blurdybloop.COM>",
        "MIME-Version: 1.0",
        "Content-Type: TEXT/PLAIN; CHARSET=US-ASCII",
        "",
        "Hello Joe, do you think we can meet at 3:30 tomorrow?",
    ];
    let message: Vec<u8> = lines.iter().flat_map(|l| [l.as_bytes(), b"\r\n"].concat()).collect();
    assert_eq!(message.len(), 310);
    let cmd = Command::Append {
        mailbox: mbx("saved-messages"),
        messages: vec![AppendMessage { flags: vec![Flag::Seen], ..AppendMessage::new(message.clone()) }],
    };
    let enc = cmd.encode("A003", &SYNC).unwrap();
    check_wire(&enc).unwrap();
    assert_eq!(enc.chunks.len(), 2);
    assert_eq!(enc.chunks[0], b"A003 APPEND saved-messages (\\Seen) {310}\r\n");
    assert_eq!(enc.chunks[1], [&message[..], b"\r\n"].concat());

    let enc = cmd.encode("A003", &PLUS).unwrap();
    assert_eq!(enc.chunks, vec![[&b"A003 APPEND saved-messages (\\Seen) {310+}\r\n"[..], &message, b"\r\n"].concat()]);
    let enc = cmd.encode("A003", &MINUS).unwrap();
    assert_eq!(enc.chunks.len(), 1);
}

#[test]
fn append_variants() {
    let date = DateTime::parse("7-Feb-1994 21:52:25 -0800").unwrap();
    let cmd = Command::Append {
        mailbox: mbx("Sent"),
        messages: vec![
            AppendMessage {
                flags: vec![Flag::Seen, Flag::Keyword("$Sent".into())],
                date: Some(date),
                ..AppendMessage::new("a")
            },
            AppendMessage::new("bc"),
            AppendMessage { binary: true, ..AppendMessage::new(&b"\0\r"[..]) },
        ],
    };
    let enc = cmd.encode("m1", &SYNC).unwrap();
    check_wire(&enc).unwrap();
    assert_eq!(
        enc.chunks,
        vec![
            b"m1 APPEND Sent (\\Seen $Sent) \" 7-Feb-1994 21:52:25 -0800\" {1}\r\n".to_vec(),
            b"a {2}\r\n".to_vec(),
            b"bc ~{2}\r\n".to_vec(),
            b"\0\r\r\n".to_vec(),
        ]
    );
    let plus = cmd.encode("m1", &PLUS).unwrap();
    assert_eq!(plus.chunks.len(), 1);
    assert!(plus.chunks[0].ends_with(b"{2+}\r\nbc ~{2+}\r\n\0\r\r\n"));

    let nul = Command::Append { mailbox: mbx("x"), messages: vec![AppendMessage::new(&b"a\0"[..])] };
    assert_eq!(nul.encode("t", &SYNC), Err(EncodeError::Nul));
    let none = Command::Append { mailbox: mbx("x"), messages: vec![] };
    assert_eq!(none.encode("t", &SYNC), Err(EncodeError::Empty("append message list")));
    let recent = Command::Append {
        mailbox: mbx("x"),
        messages: vec![AppendMessage { flags: vec![Flag::Recent], ..AppendMessage::new("a") }],
    };
    assert_eq!(recent.encode("t", &SYNC), Err(EncodeError::InvalidFlag("\\Recent".into())));
}

#[test]
fn append_utf8_data_once_utf8_accept_is_enabled() {
    // RFC 6855 section 4: append-data =/ "UTF8" SP "(" literal8 ")".
    let message = "Subject: caf\u{e9}\r\n\r\nol\u{e1}\r\n".as_bytes().to_vec();
    let cmd = Command::Append {
        mailbox: mbx("INBOX"),
        messages: vec![AppendMessage { utf8: true, ..AppendMessage::new(message.clone()) }],
    };
    let enc = cmd.encode("u1", &UTF8).unwrap();
    check_wire(&enc).unwrap();
    let header = format!("u1 APPEND INBOX UTF8 (~{{{}}}\r\n", message.len());
    let mut rest = message.clone();
    rest.extend_from_slice(b")\r\n");
    assert_eq!(enc.chunks, vec![header.into_bytes(), rest]);
    // Without UTF8=ACCEPT the form is refused, not sent.
    for opts in [SYNC, PLUS, MINUS] {
        assert_eq!(cmd.encode("u1", &opts).unwrap_err(), EncodeError::NotEnabled("APPEND UTF8 data"));
    }
}

#[test]
fn extension_commands() {
    use Command::*;
    let d = EncodeOptions::default();
    let cases: Vec<(Command, &str)> = vec![
        (Authenticate { mechanism: "PLAIN".into(), initial_response: None }, "AUTHENTICATE PLAIN"),
        (
            Authenticate { mechanism: "PLAIN".into(), initial_response: Some(b"\0user\0pass".to_vec()) },
            "AUTHENTICATE PLAIN AHVzZXIAcGFzcw==",
        ),
        (Authenticate { mechanism: "EXTERNAL".into(), initial_response: Some(vec![]) }, "AUTHENTICATE EXTERNAL ="),
        (Login { user: "fred@example.com".into(), password: "p a\"ss".into() }, "LOGIN fred@example.com \"p a\\\"ss\""),
        (Select { mailbox: mbx("INBOX"), condstore: true }, "SELECT INBOX (CONDSTORE)"),
        (Examine { mailbox: mbx("Entwürfe"), condstore: false }, "EXAMINE Entw&APw-rfe"),
        (Select { mailbox: mbx("two words"), condstore: false }, "SELECT \"two words\""),
        (
            Create { mailbox: mbx("Drafts"), special_use: vec!["\\Drafts".into(), "\\Sent".into()] },
            "CREATE Drafts (USE (\\Drafts \\Sent))",
        ),
        (
            List {
                reference: "".into(),
                pattern: "*".into(),
                select: vec![ListSelect::SpecialUse, ListSelect::Subscribed],
                returns: vec![],
            },
            "LIST (SPECIAL-USE SUBSCRIBED) \"\" *",
        ),
        (
            List {
                reference: "".into(),
                pattern: "%".into(),
                select: vec![ListSelect::RecursiveMatch, ListSelect::Remote],
                returns: vec![
                    ListReturn::SpecialUse,
                    ListReturn::Children,
                    ListReturn::Subscribed,
                    ListReturn::Status(vec![StatusAtt::Messages, StatusAtt::Other("HIGHESTMODSEQ".into())]),
                ],
            },
            "LIST (RECURSIVEMATCH REMOTE) \"\" % RETURN (SPECIAL-USE CHILDREN SUBSCRIBED STATUS (MESSAGES HIGHESTMODSEQ))",
        ),
        (
            List { reference: "".into(), pattern: "Entwürfe/*".into(), select: vec![], returns: vec![] },
            "LIST \"\" Entw&APw-rfe/*",
        ),
        (
            Status {
                mailbox: mbx("INBOX"),
                atts: vec![
                    StatusAtt::Messages,
                    StatusAtt::Recent,
                    StatusAtt::UidNext,
                    StatusAtt::UidValidity,
                    StatusAtt::Unseen,
                ],
            },
            "STATUS INBOX (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN)",
        ),
        (Unselect, "UNSELECT"),
        (UidExpunge("3000:3002".parse().unwrap()), "UID EXPUNGE 3000:3002"),
        (Move { set: (1..=3).into(), mailbox: mbx("Archive"), uid: false }, "MOVE 1:3 Archive"),
        (Move { set: 42.into(), mailbox: mbx("Trash"), uid: true }, "UID MOVE 42 Trash"),
        (Copy { set: 42.into(), mailbox: mbx("Trash"), uid: true }, "UID COPY 42 Trash"),
        (Idle, "IDLE"),
        (Namespace, "NAMESPACE"),
        (Id(None), "ID NIL"),
        (
            Id(Some(vec![("name".into(), Some("imap-core".into())), ("os".into(), None)])),
            "ID (\"name\" \"imap-core\" \"os\" NIL)",
        ),
        (Enable(vec!["CONDSTORE".into(), "UTF8=ACCEPT".into()]), "ENABLE CONDSTORE UTF8=ACCEPT"),
        (GetQuota { root: "".into() }, "GETQUOTA \"\""),
        (GetQuota { root: "User quota".into() }, "GETQUOTA \"User quota\""),
        (GetQuotaRoot { mailbox: mbx("INBOX") }, "GETQUOTAROOT INBOX"),
        (
            SetQuota { root: "".into(), limits: vec![("STORAGE".into(), 512), ("MESSAGE".into(), 1000)] },
            "SETQUOTA \"\" (STORAGE 512 MESSAGE 1000)",
        ),
        (SetQuota { root: "r".into(), limits: vec![] }, "SETQUOTA r ()"),
        (GetAcl { mailbox: mbx("INBOX") }, "GETACL INBOX"),
        (
            SetAcl { mailbox: mbx("INBOX"), identifier: "Fred".into(), rights: "+rwipslxetad".into() },
            "SETACL INBOX Fred +rwipslxetad",
        ),
        (DeleteAcl { mailbox: mbx("INBOX"), identifier: "-Fred".into() }, "DELETEACL INBOX -Fred"),
        (ListRights { mailbox: mbx("~/Mail/saved"), identifier: "smith".into() }, "LISTRIGHTS ~/Mail/saved smith"),
        (MyRights { mailbox: mbx("INBOX") }, "MYRIGHTS INBOX"),
        (
            Sort {
                criteria: vec![SortKey::Subject.into(), SortCriterion { reverse: true, key: SortKey::Date }],
                charset: None,
                search: SearchKey::All,
                uid: false,
            },
            "SORT (SUBJECT REVERSE DATE) UTF-8 ALL",
        ),
        (
            Sort {
                criteria: vec![SortKey::Arrival.into()],
                charset: Some("US-ASCII".into()),
                search: SearchKey::and([SearchKey::Undeleted, SearchKey::Since(Date::new(1994, 2, 1).unwrap())]),
                uid: true,
            },
            "UID SORT (ARRIVAL) US-ASCII UNDELETED SINCE 1-Feb-1994",
        ),
        (
            Thread {
                algorithm: ThreadAlgorithm::OrderedSubject,
                charset: None,
                search: SearchKey::Unseen,
                uid: false,
            },
            "THREAD ORDEREDSUBJECT UTF-8 UNSEEN",
        ),
        (
            Thread {
                algorithm: ThreadAlgorithm::References,
                charset: Some("US-ASCII".into()),
                search: SearchKey::All,
                uid: true,
            },
            "UID THREAD REFERENCES US-ASCII ALL",
        ),
        (
            Thread { algorithm: ThreadAlgorithm::Other("REFS".into()), charset: None, search: SearchKey::All, uid: false },
            "THREAD REFS UTF-8 ALL",
        ),
        (Compress, "COMPRESS DEFLATE"),
        (
            Fetch {
                set: SeqSet::all(),
                items: vec![FetchAttr::Uid, FetchAttr::Flags, FetchAttr::ModSeq].into(),
                changed_since: Some(12345),
                uid: true,
            },
            "UID FETCH 1:* (UID FLAGS MODSEQ) (CHANGEDSINCE 12345)",
        ),
        (Fetch { set: SeqSet::last(), items: FetchItems::All, changed_since: None, uid: false }, "FETCH * ALL"),
        (Fetch { set: 1.into(), items: FetchItems::Fast, changed_since: None, uid: false }, "FETCH 1 FAST"),
        (
            Store {
                set: "1:3,5".parse().unwrap(),
                mode: StoreMode::Replace,
                silent: true,
                flags: vec![Flag::Seen, Flag::Extension("\\Important".into())],
                unchanged_since: Some(320162338),
                uid: true,
            },
            "UID STORE 1:3,5 (UNCHANGEDSINCE 320162338) FLAGS.SILENT (\\Seen \\Important)",
        ),
        (
            Store {
                set: 7.into(),
                mode: StoreMode::Remove,
                silent: false,
                flags: vec![],
                unchanged_since: None,
                uid: false,
            },
            "STORE 7 -FLAGS ()",
        ),
        (
            Store {
                set: 7.into(),
                mode: StoreMode::Add,
                silent: false,
                flags: vec![Flag::Answered, Flag::Flagged, Flag::Draft, Flag::Keyword("$Forwarded".into())],
                unchanged_since: None,
                uid: false,
            },
            "STORE 7 +FLAGS (\\Answered \\Flagged \\Draft $Forwarded)",
        ),
        (
            Search { charset: None, criteria: SearchKey::Body("café".into()), uid: true },
            "UID SEARCH CHARSET UTF-8 BODY {5}\r\ncafé",
        ),
        (
            Search { charset: None, criteria: SearchKey::Uid((5..).into()), uid: false },
            "SEARCH UID 5:*",
        ),
    ];
    for (cmd, want) in cases {
        let got = bytes(&cmd, &d);
        assert_eq!(got, format!("t1 {want}\r\n"), "{cmd:?}");
    }
}

#[test]
fn utf8_accept_changes_mailboxes_and_charset() {
    let select = Command::Select { mailbox: mbx("Entwürfe"), condstore: false };
    assert_eq!(bytes(&select, &UTF8), "t1 SELECT \"Entwürfe\"\r\n");
    let search = Command::Search { charset: None, criteria: SearchKey::Subject("grüße".into()), uid: false };
    assert_eq!(bytes(&search, &UTF8), "t1 SEARCH SUBJECT \"grüße\"\r\n");
    assert_eq!(bytes(&search, &PLUS), "t1 SEARCH CHARSET UTF-8 SUBJECT {7+}\r\ngrüße\r\n");
    let list = Command::List { reference: "".into(), pattern: "Entwürfe/%".into(), select: vec![], returns: vec![] };
    assert_eq!(bytes(&list, &UTF8), "t1 LIST \"\" \"Entwürfe/%\"\r\n");
}

#[test]
fn invalid_values_are_errors_naming_the_value() {
    use Command::*;
    let store = |f: Flag<'static>| Store {
        set: 1.into(),
        mode: StoreMode::Add,
        silent: false,
        flags: vec![f],
        unchanged_since: None,
        uid: false,
    };
    let cases: Vec<(Command, EncodeError)> = vec![
        (store(Flag::Keyword("two words".into())), EncodeError::InvalidFlag("two words".into())),
        (store(Flag::Keyword("".into())), EncodeError::InvalidFlag("".into())),
        (store(Flag::Keyword("x\r\nA2 DELETE INBOX".into())), EncodeError::InvalidFlag("x\r\nA2 DELETE INBOX".into())),
        (store(Flag::Keyword("\\Seen".into())), EncodeError::InvalidFlag("\\Seen".into())),
        (store(Flag::Extension("Seen".into())), EncodeError::InvalidFlag("Seen".into())),
        (store(Flag::Extension("\\".into())), EncodeError::InvalidFlag("\\".into())),
        (store(Flag::Extension("\\a(b".into())), EncodeError::InvalidFlag("\\a(b".into())),
        (store(Flag::Recent), EncodeError::InvalidFlag("\\Recent".into())),
        (store(Flag::MayCreate), EncodeError::InvalidFlag("\\*".into())),
        (
            Status { mailbox: mbx("x"), atts: vec![StatusAtt::Other("SIZE )".into())] },
            EncodeError::InvalidAtom("SIZE )".into()),
        ),
        (Status { mailbox: mbx("x"), atts: vec![] }, EncodeError::Empty("status attribute list")),
        (Enable(vec![]), EncodeError::Empty("capability list")),
        (Enable(vec!["A B".into()]), EncodeError::InvalidAtom("A B".into())),
        (
            Search { charset: Some("UTF-8\r\n".into()), criteria: SearchKey::All, uid: false },
            EncodeError::InvalidAtom("UTF-8\r\n".into()),
        ),
        (Authenticate { mechanism: "".into(), initial_response: None }, EncodeError::EmptyAtom),
        (Login { user: "a\0".into(), password: "b".into() }, EncodeError::Nul),
        (Create { mailbox: mbx("x"), special_use: vec!["Drafts".into()] }, EncodeError::InvalidAtom("Drafts".into())),
        (
            Fetch { set: SeqSet::new(), items: FetchItems::All, changed_since: None, uid: false },
            EncodeError::Empty("sequence set"),
        ),
        (
            Fetch { set: 1.into(), items: FetchItems::Attrs(vec![]), changed_since: None, uid: false },
            EncodeError::Empty("fetch attribute list"),
        ),
        (Copy { set: 0.into(), mailbox: mbx("x"), uid: false }, EncodeError::ZeroNumber),
        (
            Sort { criteria: vec![], charset: None, search: SearchKey::All, uid: false },
            EncodeError::Empty("sort criteria"),
        ),
        (
            SetQuota { root: "".into(), limits: vec![("STOR AGE".into(), 1)] },
            EncodeError::InvalidAtom("STOR AGE".into()),
        ),
    ];
    for (cmd, err) in cases {
        assert_eq!(cmd.encode("t1", &SYNC), Err(err.clone()), "{cmd:?}");
        assert!(!err.to_string().is_empty());
    }
    assert!(matches!(Command::Noop.encode("", &SYNC), Err(EncodeError::InvalidAtom(_))));
    assert!(matches!(Command::Noop.encode("+1", &SYNC), Err(EncodeError::InvalidAtom(_))));
    assert!(matches!(Command::Noop.encode("a b", &SYNC), Err(EncodeError::InvalidAtom(_))));
    assert!(matches!(Command::Noop.encode("a\r\n", &SYNC), Err(EncodeError::InvalidAtom(_))));
}

#[test]
fn names_uid_and_pipelining() {
    let fetch = |uid| Command::Fetch { set: 1.into(), items: FetchItems::Fast, changed_since: None, uid };
    assert_eq!(fetch(true).name(), "UID FETCH");
    assert_eq!(fetch(false).name(), "FETCH");
    assert!(fetch(true).is_uid());
    assert!(!fetch(false).is_uid());
    assert!(fetch(true).may_pipeline());
    assert!(!fetch(false).may_pipeline());
    assert!(Command::UidExpunge(1.into()).is_uid());
    assert_eq!(Command::UidExpunge(1.into()).name(), "UID EXPUNGE");
    assert!(Command::Noop.may_pipeline());
    assert!(Command::Status { mailbox: mbx("x"), atts: vec![StatusAtt::Messages] }.may_pipeline());
    for cmd in [
        Command::Select { mailbox: mbx("x"), condstore: false },
        Command::Login { user: vec![], password: vec![] },
        Command::Idle,
        Command::Logout,
        Command::StartTls,
        Command::Compress,
        Command::Close,
    ] {
        assert!(!cmd.may_pipeline(), "{cmd:?}");
        assert!(!cmd.is_uid());
    }
    // Every name is what the encoding starts with.
    let cmds = [
        Command::Compress,
        Command::Idle,
        Command::Sort { criteria: vec![SortKey::Size.into()], charset: None, search: SearchKey::All, uid: true },
        Command::Move { set: 1.into(), mailbox: mbx("x"), uid: true },
        Command::GetQuotaRoot { mailbox: mbx("x") },
    ];
    for cmd in cmds {
        let b = bytes(&cmd, &SYNC);
        assert!(b["t1 ".len()..].starts_with(cmd.name()), "{b}");
    }
}

#[test]
fn literal_modes_split_chunks() {
    let login = |n: usize| Command::Login { user: "u".into(), password: vec![b'\n'; n] };
    let sync = login(10).encode("a", &SYNC).unwrap();
    assert_eq!(sync.chunks.len(), 2);
    assert!(sync.chunks[0].ends_with(b"{10}\r\n"));
    let plus = login(5000).encode("a", &PLUS).unwrap();
    assert_eq!(plus.chunks.len(), 1);
    assert!(plus.chunks[0].starts_with(b"a LOGIN u {5000+}\r\n"));
    let minus_small = login(4096).encode("a", &MINUS).unwrap();
    assert_eq!(minus_small.chunks.len(), 1);
    assert!(minus_small.chunks[0].starts_with(b"a LOGIN u {4096+}\r\n"));
    let minus_big = login(4097).encode("a", &MINUS).unwrap();
    assert_eq!(minus_big.chunks.len(), 2);
    assert_eq!(minus_big.chunks[0], b"a LOGIN u {4097}\r\n");
    // Two synchronizing literals: three chunks.
    let two = Command::Login { user: "\n".into(), password: "\r".into() }.encode("a", &SYNC).unwrap();
    assert_eq!(two.chunks, vec![b"a LOGIN {1}\r\n".to_vec(), b"\n {1}\r\n".to_vec(), b"\r\r\n".to_vec()]);
    for c in [sync, plus, minus_small, minus_big, two] {
        check_wire(&c).unwrap();
    }
}

#[test]
fn checker_catches_breakouts() {
    let bad = Encoded { chunks: vec![b"a NOOP\r\nb NOOP\r\n".to_vec()] };
    assert!(check_wire(&bad).is_err());
    let split_wrong = Encoded { chunks: vec![b"a X {1+}\r\n".to_vec(), b"x\r\n".to_vec()] };
    assert!(check_wire(&split_wrong).is_err());
    let unsplit_sync = Encoded { chunks: vec![b"a X {1}\r\nx\r\n".to_vec()] };
    assert!(check_wire(&unsplit_sync).is_err());
    let good = Encoded { chunks: vec![b"a X {1}\r\n".to_vec(), b"\n\r\n".to_vec()] };
    assert!(check_wire(&good).is_ok());
}

fn opts() -> impl Strategy<Value = EncodeOptions> {
    prop::sample::select(ALL_OPTS.to_vec())
}

/// Bytes with many of the interesting characters.
fn nasty_bytes() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![
        4 => prop::sample::select(b"\r\n\0\"\\{}()[]%* +~aZ09&-".to_vec()),
        2 => 0x20u8..0x7f,
        1 => any::<u8>(),
    ];
    prop::collection::vec(byte, 0..40)
}

fn nasty_string() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[\r\n\"\\\\{}()%* a-z&\u{e9}\u{4e2d}\u{1f600}\u{7f}\u{1}]{0,20}",
        1 => any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn login_credentials_round_trip(user in nasty_bytes(), password in nasty_bytes(), o in opts()) {
        let cmd = Command::Login { user: user.clone(), password: password.clone() };
        match cmd.encode("a1", &o) {
            Err(e) => {
                prop_assert_eq!(e, EncodeError::Nul);
                prop_assert!(user.contains(&0) || password.contains(&0));
            }
            Ok(enc) => {
                prop_assert!(!user.contains(&0) && !password.contains(&0));
                check_wire(&enc).map_err(TestCaseError::fail)?;
                let b = enc.to_bytes();
                let mut i = 0;
                expect(&b, &mut i, b"a1 LOGIN ");
                prop_assert_eq!(read_string(&b, &mut i), user);
                expect(&b, &mut i, b" ");
                prop_assert_eq!(read_string(&b, &mut i), password);
                prop_assert_eq!(&b[i..], b"\r\n");
            }
        }
    }

    #[test]
    fn mailbox_names_round_trip(name in nasty_string(), o in opts()) {
        let cmd = Command::Rename { from: name.clone(), to: "x".into() };
        let enc = match cmd.encode("a1", &o) {
            Ok(enc) => enc,
            Err(e) => {
                prop_assert!(o.utf8_accept && name.contains('\0'));
                prop_assert_eq!(e, EncodeError::Nul);
                return Ok(());
            }
        };
        check_wire(&enc).map_err(TestCaseError::fail)?;
        let b = enc.to_bytes();
        let mut i = 0;
        expect(&b, &mut i, b"a1 RENAME ");
        let sent = read_string(&b, &mut i);
        if o.utf8_accept {
            prop_assert_eq!(sent, name.as_bytes());
        } else {
            prop_assert!(sent.iter().all(|&c| (0x20..0x7f).contains(&c)), "modified UTF-7 is printable ASCII");
            prop_assert_eq!(crate::utf7::decode(&sent).unwrap(), name);
        }
        prop_assert_eq!(&b[i..], b" x\r\n");
    }

    #[test]
    fn list_patterns_round_trip(pattern in nasty_string(), o in opts()) {
        let cmd = Command::List { reference: "".into(), pattern: pattern.clone(), select: vec![], returns: vec![] };
        let enc = match cmd.encode("a1", &o) {
            Ok(enc) => enc,
            Err(e) => {
                prop_assert!(o.utf8_accept && pattern.contains('\0'));
                prop_assert_eq!(e, EncodeError::Nul);
                return Ok(());
            }
        };
        check_wire(&enc).map_err(TestCaseError::fail)?;
        let b = enc.to_bytes();
        let mut i = 0;
        expect(&b, &mut i, b"a1 LIST \"\" ");
        let sent = read_string(&b, &mut i);
        if o.utf8_accept {
            prop_assert_eq!(sent, pattern.as_bytes());
        } else {
            prop_assert_eq!(crate::utf7::decode(&sent).unwrap(), pattern);
        }
        prop_assert_eq!(&b[i..], b"\r\n");
    }

    #[test]
    fn search_text_round_trips(text in nasty_bytes(), header in nasty_bytes(), o in opts()) {
        let key = SearchKey::and([SearchKey::Text(text.clone()), SearchKey::Header(header.clone(), b"v".to_vec())]);
        let cmd = Command::Search { charset: None, criteria: key, uid: true };
        match cmd.encode("a1", &o) {
            Err(e) => {
                prop_assert_eq!(e, EncodeError::Nul);
                prop_assert!(text.contains(&0) || header.contains(&0));
            }
            Ok(enc) => {
                check_wire(&enc).map_err(TestCaseError::fail)?;
                let b = enc.to_bytes();
                let mut i = 0;
                expect(&b, &mut i, b"a1 UID SEARCH ");
                if !o.utf8_accept && (!text.is_ascii() || !header.is_ascii()) {
                    expect(&b, &mut i, b"CHARSET UTF-8 ");
                }
                expect(&b, &mut i, b"TEXT ");
                prop_assert_eq!(read_string(&b, &mut i), text);
                expect(&b, &mut i, b" HEADER ");
                prop_assert_eq!(read_string(&b, &mut i), header);
                prop_assert_eq!(&b[i..], b" v\r\n");
            }
        }
    }

    #[test]
    fn keyword_flags_accepted_only_as_atoms(keyword in nasty_string(), o in opts()) {
        let cmd = Command::Store {
            set: 1.into(),
            mode: StoreMode::Add,
            silent: true,
            flags: vec![Flag::Seen, Flag::Keyword(keyword.clone().into())],
            unchanged_since: None,
            uid: true,
        };
        let is_atom = !keyword.is_empty() && keyword.bytes().all(encode::is_atom_char);
        match cmd.encode("a1", &o) {
            Ok(enc) => {
                prop_assert!(is_atom);
                check_wire(&enc).map_err(TestCaseError::fail)?;
                prop_assert_eq!(enc.to_bytes(), format!("a1 UID STORE 1 +FLAGS.SILENT (\\Seen {keyword})\r\n").into_bytes());
            }
            Err(e) => {
                prop_assert!(!is_atom);
                prop_assert_eq!(e, EncodeError::InvalidFlag(keyword));
            }
        }
    }

    #[test]
    fn extension_flags_accepted_only_as_backslash_atoms(name in nasty_string(), o in opts()) {
        let flag = Flag::Extension(format!("\\{name}").into());
        let cmd = Command::Append {
            mailbox: "INBOX".into(),
            messages: vec![AppendMessage { flags: vec![flag], ..AppendMessage::new("m") }],
        };
        let is_atom = !name.is_empty() && name.bytes().all(encode::is_atom_char);
        match cmd.encode("a1", &o) {
            Ok(enc) => {
                prop_assert!(is_atom);
                check_wire(&enc).map_err(TestCaseError::fail)?;
            }
            Err(e) => {
                prop_assert!(!is_atom);
                prop_assert_eq!(e, EncodeError::InvalidFlag(format!("\\{name}")));
            }
        }
    }

    #[test]
    fn id_parameters_round_trip(params in prop::collection::vec((nasty_string(), prop::option::of(nasty_string())), 0..4), o in opts()) {
        let cmd = Command::Id(Some(params.clone()));
        let has_nul = params.iter().any(|(k, v)| k.contains('\0') || v.as_deref().is_some_and(|v| v.contains('\0')));
        match cmd.encode("a1", &o) {
            Err(e) => {
                prop_assert!(has_nul);
                prop_assert_eq!(e, EncodeError::Nul);
            }
            Ok(enc) => {
                check_wire(&enc).map_err(TestCaseError::fail)?;
                let b = enc.to_bytes();
                let mut i = 0;
                expect(&b, &mut i, b"a1 ID (");
                for (n, (k, v)) in params.iter().enumerate() {
                    if n > 0 {
                        expect(&b, &mut i, b" ");
                    }
                    prop_assert!(b[i] == b'"' || b[i] == b'{', "a string, never an atom");
                    prop_assert_eq!(read_string(&b, &mut i), k.as_bytes());
                    expect(&b, &mut i, b" ");
                    match v {
                        None => expect(&b, &mut i, b"NIL"),
                        Some(v) => prop_assert_eq!(read_string(&b, &mut i), v.as_bytes()),
                    }
                }
                prop_assert_eq!(&b[i..], b")\r\n");
            }
        }
    }

    #[test]
    fn append_messages_are_literals(data in nasty_bytes(), binary in any::<bool>(), count in 1usize..4, o in opts()) {
        let msg = AppendMessage { binary, ..AppendMessage::new(data.clone()) };
        let cmd = Command::Append { mailbox: "Sent".into(), messages: vec![msg; count] };
        match cmd.encode("a1", &o) {
            Err(e) => {
                prop_assert!(!binary && data.contains(&0));
                prop_assert_eq!(e, EncodeError::Nul);
            }
            Ok(enc) => {
                check_wire(&enc).map_err(TestCaseError::fail)?;
                let sync = !(o.literal_plus || o.literal_minus);
                prop_assert_eq!(enc.chunks.len(), if sync { count + 1 } else { 1 });
                let b = enc.to_bytes();
                let mut i = 0;
                expect(&b, &mut i, b"a1 APPEND Sent");
                for _ in 0..count {
                    expect(&b, &mut i, b" ");
                    prop_assert_eq!(b[i], if binary { b'~' } else { b'{' });
                    prop_assert_eq!(read_string(&b, &mut i), data.clone());
                }
                prop_assert_eq!(&b[i..], b"\r\n");
            }
        }
    }

    #[test]
    fn every_string_position_is_safe(s in nasty_string(), o in opts()) {
        use Command::*;
        let cmds = vec![
            Select { mailbox: s.clone(), condstore: true },
            Create { mailbox: s.clone(), special_use: vec![] },
            Status { mailbox: s.clone(), atts: vec![StatusAtt::Messages] },
            Copy { set: 1.into(), mailbox: s.clone(), uid: true },
            GetQuota { root: s.clone() },
            SetAcl { mailbox: s.clone(), identifier: s.clone(), rights: s.clone() },
            Lsub { reference: s.clone(), pattern: s.clone() },
            Fetch { set: 1.into(), items: FetchAttr::peek(Section::header_fields([s.clone()])).into(), changed_since: None, uid: false },
            Sort { criteria: vec![SortKey::Date.into()], charset: None, search: SearchKey::GmRaw(s.clone().into_bytes()), uid: true },
            GetMetadata { mailbox: s.clone(), entries: vec![s.clone()], max_size: Some(1), depth: super::MetadataDepth::One },
            SetMetadata { mailbox: s.clone(), entries: vec![(s.clone(), Some(s.clone().into_bytes())), (s.clone(), None)] },
            StoreGmLabels { set: 1.into(), mode: StoreMode::Add, silent: false, labels: vec![s.clone(), format!("\\{s}")], uid: true },
            SelectQResync { mailbox: s.clone(), read_only: false, qresync: super::QResync { uid_validity: 1, modseq: 2, known_uids: None, seq_match: None } },
        ];
        for cmd in cmds {
            match cmd.encode("a1", &o) {
                Ok(enc) => check_wire(&enc).map_err(TestCaseError::fail)?,
                Err(e) => prop_assert_eq!(e, EncodeError::Nul),
            }
        }
    }
}

#[test]
fn other_commands_encode_every_argument_safely() {
    use super::Arg;
    let cmd = Command::Other {
        name: "SETMETADATA".into(),
        args: vec![
            Arg::Mailbox("Entwürfe".into()),
            Arg::List(vec![Arg::AString(b"/private/comment".to_vec()), Arg::NString(Some(b"a\r\nA2 LOGOUT".to_vec()))]),
        ],
    };
    let encoded = cmd.encode("A1", &EncodeOptions::default()).unwrap();
    assert_eq!(encoded.chunks[0], b"A1 SETMETADATA Entw&APw-rfe (/private/comment {12}\r\n");
    assert_eq!(encoded.chunks[1], b"a\r\nA2 LOGOUT)\r\n");
    let bad = Command::Other { name: "X\r\nY".into(), args: vec![] };
    assert!(bad.encode("A1", &EncodeOptions::default()).is_err());
}
