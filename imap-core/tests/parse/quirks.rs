//! The known quirk families of real servers, each accepted without loss.

use crate::support::common;

use common::{data, fetch, parse_all, parse_error, parse_one};
use imap_core::types::*;

fn condition(r: Response<'_>) -> Condition<'_> {
    match r {
        Response::Data(Data::Condition(c)) => c,
        Response::Tagged(t) => t.condition,
        other => panic!("not a condition: {other:?}"),
    }
}

#[test]
fn eight_bit_bytes_in_text_and_quoted_strings() {
    // Latin-1 in text, in a quoted mailbox name, in an envelope subject.
    let c = condition(parse_one(b"* OK Bienvenue au caf\xe9\r\n"));
    assert_eq!(c.text.as_bytes(), b"Bienvenue au caf\xe9");
    let Data::List(l) = data(b"* LIST () \"/\" \"Entw\xfcrfe\"\r\n") else { panic!() };
    assert_eq!(l.mailbox.raw().as_bytes(), b"Entw\xfcrfe");
    let f = fetch(b"* 1 FETCH (ENVELOPE (NIL \"R\xe9union\" NIL NIL NIL NIL NIL NIL NIL NIL))\r\n");
    assert_eq!(f.envelope().unwrap().subject.as_ref().unwrap().as_bytes(), b"R\xe9union");
    // UTF-8 passes through as UTF-8.
    let f = fetch("* 1 FETCH (ENVELOPE (NIL \"Réunion ✓\" NIL NIL NIL NIL NIL NIL NIL NIL))\r\n".as_bytes());
    assert_eq!(f.envelope().unwrap().subject.as_ref().unwrap().as_str(), Some("Réunion ✓"));
    // 8-bit in an atom (a keyword flag).
    let f = fetch(b"* 1 FETCH (FLAGS (\\Seen caf\xe9))\r\n");
    assert_eq!(f.flags().unwrap().len(), 2);
}

#[test]
fn extra_and_missing_spaces() {
    let f = fetch(b"* 1 FETCH ( UID 7  FLAGS ( \\Seen  \\Draft ) )\r\n");
    assert_eq!((f.uid(), f.flags()), (Some(7), Some(&[Flag::Seen, Flag::Draft][..])));
    assert_eq!(data(b"* SEARCH 1 2 \r\n"), Data::Search(Search { ids: vec![1, 2], modseq: None }));
    assert_eq!(data(b"* 4 EXISTS \r\n"), Data::Exists(4));
    let f = fetch(b"* 1 FETCH (FLAGS (\\Seen\\Answered))\r\n");
    assert_eq!(f.flags(), Some(&[Flag::Seen, Flag::Answered][..]));
    let Data::List(l) = data(b"* LIST (\\HasNoChildren ) \"/\" INBOX\r\n") else { panic!() };
    assert_eq!((l.attributes, l.mailbox.is_inbox()), (vec![MailboxAttr::HasNoChildren], true));
    // Addresses with no space between them.
    let f = fetch(
        b"* 1 FETCH (ENVELOPE (NIL NIL ((NIL NIL \"a\" \"x\")(NIL NIL \"b\" \"x\")) NIL NIL NIL NIL NIL NIL NIL))\r\n",
    );
    assert_eq!(f.envelope().unwrap().from.len(), 2);
    // And with spaces around them.
    let f = fetch(
        b"* 1 FETCH (ENVELOPE (NIL NIL ( (NIL NIL \"a\" \"x\")  (NIL NIL \"b\" \"x\") ) NIL NIL NIL NIL NIL NIL NIL))\r\n",
    );
    assert_eq!(f.envelope().unwrap().from.len(), 2);
    let t = parse_one(b"A1 OK done \r\n");
    assert!(matches!(t, Response::Tagged(_)));
}

#[test]
fn missing_text_after_a_response_code() {
    let c = condition(parse_one(b"* OK [READ-WRITE]\r\n"));
    assert_eq!((c.code, c.text.len()), (Some(Code::ReadWrite), 0));
    let c = condition(parse_one(b"A1 OK [READ-ONLY]\r\n"));
    assert_eq!(c.code, Some(Code::ReadOnly));
    let c = condition(parse_one(b"A2 OK\r\n"));
    assert_eq!((c.status, c.code, c.text.len()), (Status::Ok, None, 0));
    let c = condition(parse_one(b"* OK [UIDNEXT 5]Predicted\r\n"));
    assert_eq!((c.code, c.text.as_str()), (Some(Code::UidNext(5)), Some("Predicted")));
}

#[test]
fn response_codes_display_in_wire_form() {
    for line in [
        "* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] x",
        "* OK [UIDVALIDITY 3857529045] x",
        "* OK [APPENDUID 38505 3955] x",
        "* NO [BADCHARSET (UTF-8 US-ASCII)] x",
        "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] x",
        "* OK [READ-ONLY] x",
    ] {
        let c = condition(parse_one(format!("{line}\r\n").as_bytes()));
        let start = line.find('[').unwrap() + 1;
        assert_eq!(c.code.unwrap().to_string(), line[start..line.find(']').unwrap()]);
    }
}

#[test]
fn unknown_response_codes_keep_their_text() {
    let c = condition(parse_one(b"* OK [XHIGHESTMODSEQ 715194045007] Highest\r\n"));
    assert_eq!(c.code, Some(Code::Other { name: "XHIGHESTMODSEQ".into(), text: Some("715194045007".into()) }));
    let c = condition(parse_one(b"A3 OK [X-APPENDED 38505 3955] APPEND completed\r\n"));
    assert_eq!(c.code, Some(Code::Other { name: "X-APPENDED".into(), text: Some("38505 3955".into()) }));
    let c = condition(parse_one(b"* OK [XCLOSED] Previous mailbox closed.\r\n"));
    assert_eq!(c.code, Some(Code::Other { name: "XCLOSED".into(), text: None }));
    // A known code that does not fit its syntax is kept the same way.
    let c = condition(parse_one(b"A3 OK [APPENDUID 38505 *] APPEND completed\r\n"));
    assert_eq!(c.code, Some(Code::Other { name: "APPENDUID".into(), text: Some("38505 *".into()) }));
    // Text that merely starts with "[" is text.
    let c = condition(parse_one(b"* OK [not a code\r\n"));
    assert_eq!((c.code, c.text.as_str()), (None, Some("[not a code")));
}

fn body(input: &[u8]) -> BodyStructure<'static> {
    fetch(input).body_structure().expect("a body structure").clone()
}

#[test]
fn nil_where_a_string_is_due_in_body_fields() {
    let b = body(b"* 1 FETCH (BODYSTRUCTURE (\"TEXT\" NIL NIL NIL NIL NIL 0 0))\r\n");
    let BodyStructure::Single(SinglePart { kind: SinglePartKind::Text(t), .. }) = &b else { panic!("{b:?}") };
    assert_eq!((t.subtype.clone(), t.fields.encoding.clone(), t.fields.params.len()), (None, None, 0));
    let b = body(b"* 1 FETCH (BODYSTRUCTURE (NIL NIL NIL NIL NIL \"BASE64\" 10))\r\n");
    assert_eq!(b.media_type(), (String::new(), String::new()));
    let b = body(b"* 1 FETCH (BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1) NIL))\r\n");
    assert_eq!(b.media_type(), ("MULTIPART".to_owned(), String::new()));
}

#[test]
fn a_string_where_nil_or_a_list_is_due_in_body_fields() {
    // Parameters as a bare string, disposition as a bare string, language as a string.
    let b = body(b"* 1 FETCH (BODYSTRUCTURE (\"APPLICATION\" \"PDF\" \"NAME\" NIL NIL \"BASE64\" 4 NIL \"ATTACHMENT\" \"EN\" NIL))\r\n");
    let BodyStructure::Single(SinglePart { kind: SinglePartKind::Basic(basic), ext: Some(ext) }) = &b else {
        panic!("{b:?}")
    };
    assert_eq!(basic.fields.params[0].name, "NAME");
    assert_eq!(basic.fields.params[0].value, None);
    assert_eq!(ext.disposition.as_ref().unwrap().kind.as_ref().unwrap(), "ATTACHMENT");
    assert_eq!(ext.language, vec![IString::from("EN")]);
    // A parameter list with NIL values.
    let b = body(b"* 1 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\" (\"CHARSET\" NIL) NIL NIL \"7BIT\" 1 1))\r\n");
    assert_eq!(b.fields().unwrap().params[0].value, None);
}

#[test]
fn minus_one_body_sizes() {
    let b = body(b"* 1 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" -1 -1))\r\n");
    assert_eq!(b.fields().unwrap().octets, 0);
}

#[test]
fn short_envelopes() {
    let f = fetch(b"* 1 FETCH (ENVELOPE (\"Mon, 1 Jan 2024 00:00:00 +0000\" \"hi\" NIL NIL NIL NIL NIL NIL))\r\n");
    let e = f.envelope().unwrap();
    assert_eq!(
        (e.subject.as_ref().unwrap().as_str(), e.in_reply_to.clone(), e.message_id.clone()),
        (Some("hi"), None, None)
    );
    let f = fetch(b"* 1 FETCH (ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL \"<a@b>\"))\r\n");
    assert_eq!(f.envelope().unwrap().in_reply_to.as_ref().unwrap(), "<a@b>");
}

#[test]
fn backslash_star_and_bracket_in_flags() {
    let f = fetch(b"* 1 FETCH (FLAGS (\\Seen \\* [Gmail]Label))\r\n");
    assert_eq!(f.flags(), Some(&[Flag::Seen, Flag::MayCreate, Flag::Keyword("[Gmail]Label".into())][..]));
    let Data::Flags(flags) = data(b"* FLAGS (\\Seen foo])\r\n") else { panic!() };
    assert_eq!(flags, vec![Flag::Seen, Flag::Keyword("foo]".into())]);
}

#[test]
fn bare_plus_continuations() {
    let Response::Continue(c) = parse_one(b"+\r\n") else { panic!() };
    assert!(c.text.is_empty());
    let Response::Continue(c) = parse_one(b"+ \r\n") else { panic!() };
    assert!(c.text.is_empty());
    let Response::Continue(c) = parse_one(b"+ [ALERT] go on\r\n") else { panic!() };
    assert_eq!(c.code, Some(Code::Alert));
}

#[test]
fn empty_status_lists() {
    let Data::Status { mailbox, items } = data(b"* STATUS INBOX ()\r\n") else { panic!() };
    assert!(mailbox.is_inbox() && items.is_empty());
    let Data::Status { items, .. } = data(b"* STATUS \"Sent Items\" (MESSAGES 3 HIGHESTMODSEQ 99999999999)\r\n") else {
        panic!()
    };
    assert_eq!(items[1], StatusItem { att: StatusAtt::HighestModSeq, value: StatusValue::Number(99_999_999_999) });
}

#[test]
fn bare_lf_line_endings() {
    let r = parse_all(b"* 2 EXISTS\n* 1 FETCH (BODY[] {3}\nabc)\nA1 OK done\n");
    assert_eq!(r[0], Response::Data(Data::Exists(2)));
    let Response::Data(Data::Fetch(f)) = &r[1] else { panic!() };
    assert_eq!(f.section(""), Some(&b"abc"[..]));
    assert!(matches!(&r[2], Response::Tagged(t) if t.condition.text == "done"));
}

#[test]
fn unknown_fetch_items_are_kept_with_their_values() {
    // (X-GM-LABELS and BINARY, once the examples here, are typed now.)
    let f = fetch(b"* 5 FETCH (UID 9 X-SAVEDATE \"01-Jan-2024 00:00:00 +0000\" X-LABELS (\\Inbox {5}\r\nLab\"l) MODSEQ 123 FLAGS ())\r\n");
    assert_eq!(f.uid(), Some(9));
    assert_eq!(f.flags(), Some(&[][..]));
    let names: Vec<&str> = f
        .items
        .iter()
        .filter_map(|i| match i {
            FetchItem::Other { name, .. } => Some(&**name),
            _ => None,
        })
        .collect();
    // MODSEQ without its parentheses does not fit RFC 7162: kept as is.
    assert_eq!(names, vec!["X-SAVEDATE", "X-LABELS", "MODSEQ"]);
    let FetchItem::Other { value: Value::List(labels), .. } = &f.items[2] else { panic!() };
    assert_eq!(labels, &vec![Value::Atom("\\Inbox".into()), Value::String("Lab\"l".into())]);
    let f = fetch(b"* 1 FETCH (X-BIN[1]<0> {3}\r\n\x00\x01\x02 PREVIEW NIL)\r\n");
    let FetchItem::Other { name, value: Value::String(s) } = &f.items[0] else { panic!("{f:?}") };
    assert_eq!((&**name, s.as_bytes()), ("X-BIN[1]<0>", &[0u8, 1, 2][..]));
    assert!(matches!(&f.items[1], FetchItem::Other { name, value: Value::Nil } if name == "PREVIEW"));
}

#[test]
fn unknown_untagged_data_is_kept() {
    // NAMESPACE with two namespaces instead of three: not RFC 2342's, kept.
    let Data::Other(v) = data(b"* NAMESPACE ((\"\" \"/\")) NIL\r\n") else { panic!() };
    assert_eq!(v[0], Value::Atom("NAMESPACE".into()));
    assert_eq!(v[2], Value::Nil);
    let Data::Other(v) = data(b"* 3 XFOO bar\r\n") else { panic!() };
    assert_eq!(v.len(), 3);
}

#[test]
fn lowercase_keywords() {
    let f = fetch(b"* 1 fetch (uid 3 flags (\\seen) rfc822.size 10)\r\n");
    assert_eq!((f.uid(), f.size(), f.flags()), (Some(3), Some(10), Some(&[Flag::Seen][..])));
    assert_eq!(data(b"* 3 exists\r\n"), Data::Exists(3));
    assert!(
        matches!(parse_one(b"a1 ok [read-write] done\r\n"), Response::Tagged(t) if t.condition.code == Some(Code::ReadWrite))
    );
}

#[test]
fn escaped_quotes_and_backslashes_in_quoted_strings() {
    let f = fetch(b"* 1 FETCH (ENVELOPE (NIL \"say \\\"hi\\\" \\\\o/\" NIL NIL NIL NIL NIL NIL NIL NIL))\r\n");
    assert_eq!(f.envelope().unwrap().subject.as_ref().unwrap(), "say \"hi\" \\o/");
}

// The quirks below were found by running captures of real servers (from the
// test suites and bug trackers of other IMAP libraries) through `imap-cli
// parse`; each test is the shape of one, cut down.

#[test]
fn multiparts_without_parts() {
    // Gmail: a multipart/alternative whose parts it does not list.
    let b = body(
        b"* 1 FETCH (BODYSTRUCTURE ((\"ALTERNATIVE\" (\"BOUNDARY\" \"b1\") NIL NIL)\
          (\"TEXT\" \"HTML\" NIL NIL NIL \"7BIT\" 5 1) \"ALTERNATIVE\"))\r\n",
    );
    let BodyStructure::Multipart(outer) = &b else { panic!("{b:?}") };
    let BodyStructure::Multipart(empty) = &outer.parts[0] else { panic!("{b:?}") };
    assert!(empty.parts.is_empty());
    assert_eq!(empty.subtype.as_ref().unwrap(), "ALTERNATIVE");
    let ext = empty.ext.as_ref().unwrap();
    assert_eq!((ext.params[0].name.clone(), ext.params[0].value.clone()), ("BOUNDARY".into(), Some("b1".into())));
    assert_eq!(outer.parts.len(), 2);
    // With NIL parameters and a disposition, beside a real part.
    let b = body(
        b"* 1 FETCH (BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1)\
          (\"RELATED\" NIL (\"ATTACHMENT\" NIL) NIL) \"MIXED\"))\r\n",
    );
    let BodyStructure::Multipart(outer) = &b else { panic!("{b:?}") };
    let BodyStructure::Multipart(related) = &outer.parts[1] else { panic!("{b:?}") };
    let disposition = related.ext.as_ref().unwrap().disposition.as_ref().unwrap();
    assert_eq!(disposition.kind.as_ref().unwrap(), "ATTACHMENT");
    // A single part that is broken is not taken for one: it is kept raw.
    let f = fetch(b"* 1 FETCH (BODYSTRUCTURE ( \"X-ZIP\" (\"A\" \"b\") NIL NIL \"base64\" 4096))\r\n");
    assert!(matches!(&f.items[0], FetchItem::Malformed(m) if m.name == "BODYSTRUCTURE"), "{:?}", f.items);
}

#[test]
fn spaces_before_the_end_of_a_body() {
    // Yahoo Japan: `NIL )` at the end of a multipart's extension data.
    let b = body(
        b"* 2 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1) \"alternative\" \
          (\"boundary\" \"b\") NIL ))\r\n",
    );
    let BodyStructure::Multipart(m) = &b else { panic!("{b:?}") };
    assert_eq!(m.ext.as_ref().unwrap().params[0].value.as_ref().unwrap(), "b");
    let b = body(b"* 2 FETCH (BODYSTRUCTURE (\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1  ))\r\n");
    assert_eq!(b.fields().unwrap().octets, 1);
}

#[test]
fn nil_body_sizes() {
    // migadu: NIL lines. Without it the part would fall back to a basic
    // part with its fields shifted into the extension data.
    let b = body(b"* 1 FETCH (BODYSTRUCTURE (\"text\" \"plain\" NIL NIL NIL \"7bit\" 1234 NIL NIL NIL NIL))\r\n");
    let BodyStructure::Single(SinglePart { kind: SinglePartKind::Text(t), ext: Some(ext) }) = &b else {
        panic!("{b:?}")
    };
    assert_eq!((t.fields.octets, t.lines), (1234, 0));
    assert_eq!((ext.md5.clone(), ext.disposition.clone(), ext.language.len()), (None, None, 0));
    let b = body(b"* 1 FETCH (BODYSTRUCTURE (\"image\" \"png\" NIL NIL NIL \"base64\" NIL))\r\n");
    assert_eq!(b.fields().unwrap().octets, 0);
}

#[test]
fn a_body_section_without_its_value() {
    // Yandex: `BODY[2] )`, the data left out; read as NIL, the rest kept.
    let f = fetch(b"* 1 FETCH (UID 3016 BODY[2.MIME] {2}\r\nhi BODY[2] )\r\n");
    assert_eq!(f.uid(), Some(3016));
    assert_eq!(f.section("2.MIME"), Some(&b"hi"[..]));
    assert!(matches!(
        &f.items[2],
        FetchItem::BodySection { section, data: None, .. } if section.to_string() == "2"
    ));
}

#[test]
fn extra_spaces_before_a_payload() {
    // DavMail: `RFC822.HEADER  {n}`.
    let f = fetch(b"* 4 FETCH (UID 71372 RFC822.HEADER  {4}\r\nA: b)\r\n");
    assert!(matches!(&f.items[1], FetchItem::Rfc822Header(Some(h)) if *h == "A: b"), "{:?}", f.items);
    let f = fetch(b"* 4 FETCH (BODY[TEXT]   \"x\")\r\n");
    assert_eq!(f.section("TEXT"), Some(&b"x"[..]));
}

#[test]
fn nil_inside_an_address_list() {
    // `(NIL ("n" NIL "m" "h"))`: the NIL holds nothing and is dropped.
    let f = fetch(b"* 1 FETCH (ENVELOPE (NIL NIL (NIL (\"n\" NIL \"m\" \"h\")) NIL NIL NIL NIL NIL NIL NIL))\r\n");
    let from = &f.envelope().unwrap().from;
    assert_eq!(from.len(), 1, "{from:?}");
    assert_eq!(from[0].mailbox.as_ref().unwrap(), "m");
}

#[test]
fn xlist_entries_read_as_list_entries() {
    // Yandex still answers XLIST, the LIST of Gmail's older clients.
    let Data::List(entry) = data(b"* XLIST (\\HasNoChildren \\Inbox) \"|\" \"INBOX\"\r\n") else { panic!() };
    assert_eq!((entry.mailbox.name(), entry.delimiter), ("INBOX", Some('|')));
    assert_eq!(entry.attributes.len(), 2);
    let Data::List(entry) = data(b"* XLIST (\\HasNoChildren \\Spam) \"|\" \"&BCEEPwQwBDw-\"\r\n") else { panic!() };
    assert_eq!(entry.mailbox.name(), "Спам");
}

// Families found checking real-server responses that are not in this
// repository (the grammar-compiler issue).

#[test]
fn no_space_between_an_items_name_and_its_parenthesised_value() {
    let f = fetch(
        b"* 1 FETCH (UID 5 FLAGS(\\Seen) BODYSTRUCTURE(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 10 1) \
          ENVELOPE(NIL \"hi\" NIL NIL NIL NIL NIL NIL NIL NIL) BODY(\"TEXT\" \"HTML\" NIL NIL NIL \"7BIT\" 3 1) \
          X-SCORE(1 2))\r\n",
    );
    assert_eq!(f.flags(), Some(&[Flag::Seen][..]));
    assert_eq!(f.envelope().unwrap().subject.as_ref().unwrap(), "hi");
    assert!(matches!(&f.items[2], FetchItem::BodyStructure(b) if b.parts().count() == 1));
    assert!(matches!(&f.items[4], FetchItem::Body(_)), "{:?}", f.items[4]);
    assert!(
        matches!(&f.items[5], FetchItem::Other { name, value: Value::List(l) } if name == "X-SCORE" && l.len() == 2)
    );
}

#[test]
fn a_space_after_an_envelopes_or_an_addresss_opening_parenthesis() {
    let f = fetch(
        b"* 1 FETCH (ENVELOPE ( \"Mon, 7 Dec 2026 10:00:00 +0000\" \"subject\" (( \"Ann\" NIL \"ann\" \"x.org\")) \
          NIL NIL (( NIL NIL \"bob\" \"y.org\")) NIL NIL NIL \"<id@x>\"))\r\n",
    );
    let e = f.envelope().unwrap();
    assert_eq!(e.subject.as_ref().unwrap(), "subject");
    assert_eq!(e.from[0].name.as_ref().unwrap(), "Ann");
    assert_eq!(e.to[0].mailbox.as_ref().unwrap(), "bob");
    assert_eq!(e.message_id.as_ref().unwrap(), "<id@x>");
}

/// One broken item never costs the whole response: for each kind of FETCH
/// item, a corrupted value becomes a `Malformed` item holding its raw bytes,
/// and the items around it are read as usual.
#[test]
fn a_broken_fetch_item_is_kept_raw_and_the_others_survive() {
    let broken: &[(&str, &str)] = &[
        ("INTERNALDATE", "\"not a date at all\""),
        ("INTERNALDATE", "17-Jul-1996"),
        ("UID", "99999999999999"),
        ("UID", "abc"),
        ("RFC822.SIZE", "-5"),
        ("FLAGS", "(\\Seen \"quoted\")"),
        // A field too many: the encoding lands where the size is due.
        ("BODYSTRUCTURE", "(\"TEXT\" \"PLAIN\" NIL NIL NIL NIL \"7BIT\" 1 1)"),
        ("BODYSTRUCTURE", "(\"TEXT\")"),
        ("BODY", "((\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1) 42)"),
        ("ENVELOPE", "(\"date\" \"subject\" garbled)"),
        ("ENVELOPE", "(NIL NIL ((\"only\" \"two\")) NIL NIL NIL NIL NIL NIL NIL)"),
    ];
    // Extension items: a value that fits no form is kept too, as a
    // malformed item or (when it is one generic value) as `Other`.
    let broken_extensions: &[(&str, &str)] = &[
        ("MODSEQ", "(abc)"),
        ("EMAILID", "(has space)"),
        ("SAVEDATE", "tomorrow"),
        ("X-GM-MSGID", "(1)"),
        ("BINARY.SIZE[1]", "x"),
    ];
    for (name, value) in broken_extensions {
        let input = format!("* 9 FETCH (UID 7 {name} {value} FLAGS (\\Seen))\r\n");
        let f = fetch(input.as_bytes());
        assert!(
            matches!(&f.items[1], FetchItem::Malformed(m) if m.name == *name)
                || matches!(&f.items[1], FetchItem::Other { name: n, .. } if n == name),
            "{name} {value}: {:?}",
            f.items
        );
        assert_eq!((f.uid(), f.flags()), (Some(7), Some(&[Flag::Seen][..])), "{name} {value}");
    }
    for (name, value) in broken {
        let input = format!("* 9 FETCH (UID 7 {name} {value} FLAGS (\\Seen) BODY[1] {{5}}\r\nhello)\r\n");
        let f = fetch(input.as_bytes());
        let kept = f.items.iter().find_map(|i| match i {
            FetchItem::Malformed(m) => Some(m),
            _ => None,
        });
        let Some(kept) = kept else { panic!("{name} {value}: no malformed item in {:?}", f.items) };
        assert_eq!((&*kept.name, kept.raw.as_bytes()), (*name, value.as_bytes()), "{name} {value}");
        assert!(!kept.reason.is_empty());
        // The items around it, intact. (A broken UID is the first item.)
        if *name != "UID" {
            assert_eq!(f.uid(), Some(7), "{name} {value}");
        }
        if *name != "FLAGS" {
            assert_eq!(f.flags(), Some(&[Flag::Seen][..]), "{name} {value}");
        }
        assert_eq!(f.section("1"), Some(&b"hello"[..]), "{name} {value}");
        assert_eq!(f.items.len(), 4, "{name} {value}: {:?}", f.items);
    }
}

#[test]
fn a_malformed_items_raw_value_keeps_its_literal_payloads() {
    let f = fetch(b"* 1 FETCH (ENVELOPE (NIL {3}\r\nabc oops) UID 2)\r\n");
    let FetchItem::Malformed(m) = &f.items[0] else { panic!("{:?}", f.items) };
    assert_eq!(m.raw.as_bytes(), b"(NIL {3}\r\nabc oops)");
    assert_eq!(f.uid(), Some(2));
}

#[test]
fn a_response_whose_structure_is_broken_is_still_refused() {
    // Unbalanced parentheses, an unclosed quote, a bad literal: no item
    // boundary can be trusted, so the response is an error.
    for input in [
        &b"* 1 FETCH (UID 1 BODYSTRUCTURE ((\"TEXT\" \"PLAIN\")\r\n"[..],
        b"* 1 FETCH (UID 1 ENVELOPE (\"unclosed NIL))\r\n",
        b"* 1 FETCH (UID 1 X-THING {abc}\r\n)\r\n",
    ] {
        parse_error(input);
    }
}

#[test]
fn a_response_code_or_status_value_that_cannot_be_read_is_kept_raw() {
    let c = condition(parse_one(b"* OK [UIDNEXT 99999999999] Predicted next UID\r\n"));
    let Some(Code::Malformed(m)) = &c.code else { panic!("{c:?}") };
    assert_eq!((&*m.name, m.raw.as_bytes()), ("UIDNEXT", &b"99999999999"[..]));
    assert!(m.reason.contains("u32"), "{m:?}");
    assert_eq!(c.text, "Predicted next UID");
    // A tagged response still completes its command.
    let Response::Tagged(t) = parse_one(b"A1 OK [APPENDUID 99999999999 5] done\r\n") else { panic!() };
    assert_eq!((t.tag.as_ref(), t.condition.status), ("A1", Status::Ok));
    assert!(matches!(&t.condition.code, Some(Code::Malformed(m)) if m.name == "APPENDUID"), "{t:?}");
    // One STATUS value beyond 64 bits; the others are read.
    let Data::Status { items, .. } = data(b"* STATUS INBOX (MESSAGES 99999999999999999999 UNSEEN 3)\r\n") else {
        panic!()
    };
    let StatusValue::Malformed(m) = &items[0].value else { panic!("{items:?}") };
    assert_eq!((&*m.name, m.raw.as_bytes()), ("MESSAGES", &b"99999999999999999999"[..]));
    assert_eq!(items[1].number(), Some(3));
}

#[test]
fn a_list_attribute_that_is_no_atom_is_kept_and_the_entry_survives() {
    let Data::List(entry) = data(b"* LIST (\\HasNoChildren \"odd\" \\ \\Marked) \"/\" INBOX\r\n") else { panic!() };
    assert_eq!(entry.mailbox.name(), "INBOX");
    assert_eq!(entry.attributes.len(), 4, "{:?}", entry.attributes);
    assert_eq!(entry.attributes[1], MailboxAttr::Other("\"odd\"".into()));
    assert_eq!(entry.attributes[2], MailboxAttr::Other("\\".into()));
    assert_eq!(entry.attributes[3], MailboxAttr::Marked);
}
