//! BODYSTRUCTURE as a typed tree: every body type, extension data, part numbers.

use crate::support::common;

use imap_core::types::*;

const MIXED: &[u8] = b"* 3 FETCH (UID 9 BODYSTRUCTURE (\
((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"UTF-8\") NIL NIL \"QUOTED-PRINTABLE\" 120 4 NIL NIL NIL NIL)\
(\"TEXT\" \"HTML\" (\"CHARSET\" \"UTF-8\") NIL NIL \"7BIT\" 400 10 NIL NIL NIL NIL) \"ALTERNATIVE\" (\"BOUNDARY\" \"b2\") NIL NIL NIL)\
(\"APPLICATION\" \"PDF\" (\"NAME\" \"r.pdf\") \"<id1@x>\" \"Report\" \"BASE64\" 5000 \"md5sum\" (\"ATTACHMENT\" (\"FILENAME\" \"r.pdf\" \"SIZE\" \"3650\")) (\"EN\" \"DE\") \"http://x/r.pdf\" 7 (\"ext\" 1))\
(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 900 \
(\"Mon, 1 Jan 2024 10:00:00 +0000\" \"Fwd\" ((\"A\" NIL \"a\" \"x.org\")) NIL NIL ((NIL NIL \"b\" \"y.org\")) NIL NIL NIL \"<m@x>\") \
((\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 10 1)(\"IMAGE\" \"PNG\" NIL NIL NIL \"BASE64\" 300) \"MIXED\") 30 NIL (\"INLINE\" NIL) NIL NIL) \
\"MIXED\" (\"BOUNDARY\" \"b1\") (\"INLINE\" NIL) \"EN\" \"loc\" 42))\r\n";

fn structure() -> BodyStructure<'static> {
    common::fetch(MIXED).body_structure().unwrap().clone()
}

#[test]
fn multipart_with_extension_data() {
    let BodyStructure::Multipart(root) = structure() else { panic!() };
    assert_eq!(root.parts.len(), 3);
    assert_eq!(root.subtype.as_ref().unwrap(), "MIXED");
    let ext = root.ext.unwrap();
    assert_eq!(
        (ext.params[0].name.as_str(), ext.params[0].value.as_ref().unwrap().as_str()),
        (Some("BOUNDARY"), Some("b1"))
    );
    let dsp = ext.disposition.unwrap();
    assert_eq!((dsp.kind.unwrap().as_str(), dsp.params.len()), (Some("INLINE"), 0));
    assert_eq!(ext.language, vec![IString::from("EN")]);
    assert_eq!(ext.location.unwrap(), "loc");
    assert_eq!(ext.extensions, vec![Value::Number(42)]);
}

#[test]
fn basic_part_with_every_field() {
    let BodyStructure::Multipart(root) = structure() else { panic!() };
    let BodyStructure::Single(SinglePart { kind: SinglePartKind::Basic(pdf), ext: Some(ext) }) = &root.parts[1] else {
        panic!()
    };
    assert_eq!(
        (pdf.media_type.as_ref().unwrap().as_str(), pdf.subtype.as_ref().unwrap().as_str()),
        (Some("APPLICATION"), Some("PDF"))
    );
    assert_eq!(pdf.fields.param("name").unwrap(), "r.pdf");
    assert_eq!(pdf.fields.id.as_ref().unwrap(), "<id1@x>");
    assert_eq!(pdf.fields.description.as_ref().unwrap(), "Report");
    assert_eq!((pdf.fields.encoding.as_ref().unwrap().as_str(), pdf.fields.octets), (Some("BASE64"), 5000));
    assert_eq!(ext.md5.as_ref().unwrap(), "md5sum");
    let dsp = ext.disposition.as_ref().unwrap();
    assert_eq!(dsp.kind.as_ref().unwrap(), "ATTACHMENT");
    assert_eq!(dsp.params.len(), 2);
    assert_eq!(dsp.params[1].value.as_ref().unwrap(), "3650");
    assert_eq!(ext.language, vec![IString::from("EN"), IString::from("DE")]);
    assert_eq!(ext.location.as_ref().unwrap(), "http://x/r.pdf");
    assert_eq!(
        ext.extensions,
        vec![Value::Number(7), Value::List(vec![Value::String("ext".into()), Value::Number(1)])]
    );
}

#[test]
fn message_rfc822_part_with_envelope_and_body() {
    let BodyStructure::Multipart(root) = structure() else { panic!() };
    let BodyStructure::Single(SinglePart { kind: SinglePartKind::Message(msg), ext }) = &root.parts[2] else {
        panic!()
    };
    assert_eq!(msg.subtype.as_ref().unwrap(), "RFC822");
    assert_eq!(msg.fields.octets, 900);
    assert_eq!(msg.envelope.subject.as_ref().unwrap(), "Fwd");
    assert_eq!(msg.envelope.to[0].email().as_deref(), Some("b@y.org"));
    assert_eq!(msg.body.media_type(), ("MULTIPART".to_owned(), "MIXED".to_owned()));
    assert_eq!(msg.lines, 30);
    assert_eq!(ext.as_ref().unwrap().disposition.as_ref().unwrap().kind.as_ref().unwrap(), "INLINE");
}

#[test]
fn part_numbers_follow_rfc3501() {
    let s = structure();
    let numbered: Vec<(String, String)> = s
        .parts()
        .map(|(n, p)| {
            let n: Vec<String> = n.iter().map(u32::to_string).collect();
            let (t, st) = p.media_type();
            (n.join("."), format!("{t}/{st}"))
        })
        .collect();
    let expected = [
        ("", "MULTIPART/MIXED"),
        ("1", "MULTIPART/ALTERNATIVE"),
        ("1.1", "TEXT/PLAIN"),
        ("1.2", "TEXT/HTML"),
        ("2", "APPLICATION/PDF"),
        ("3", "MESSAGE/RFC822"),
        ("3.1", "TEXT/PLAIN"),
        ("3.2", "IMAGE/PNG"),
    ];
    let expected: Vec<(String, String)> = expected.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    assert_eq!(numbered, expected);
}

#[test]
fn body_sections_with_parts_fields_and_origins() {
    let f = common::fetch(b"* 1 FETCH (BODY[1.2.HEADER.FIELDS (SUBJECT \"X-A\")]<10> {3}\r\nabc BODY[2.MIME] NIL BODY[3.TEXT] \"t\" BODY[HEADER.FIELDS.NOT (TO)] \"h\")\r\n");
    let FetchItem::BodySection { section, origin, data } = &f.items[0] else { panic!() };
    assert_eq!(section.part, Some(SectionPart(vec![1, 2])));
    assert_eq!(section.text, Some(SectionText::HeaderFields(vec!["SUBJECT".into(), "X-A".into()])));
    assert_eq!((*origin, data.as_ref().unwrap().as_bytes()), (Some(10), &b"abc"[..]));
    assert_eq!(section.to_string(), "1.2.HEADER.FIELDS (SUBJECT X-A)");
    let FetchItem::BodySection { section, data: None, .. } = &f.items[1] else { panic!() };
    assert_eq!(section.to_string(), "2.MIME");
    assert_eq!(f.section("3.TEXT"), Some(&b"t"[..]));
    assert_eq!(f.section("HEADER.FIELDS.NOT (TO)"), Some(&b"h"[..]));
}

#[test]
fn rfc822_items() {
    let f = common::fetch(b"* 1 FETCH (RFC822 {2}\r\nab RFC822.HEADER \"h\" RFC822.TEXT NIL)\r\n");
    assert_eq!(f.items[0], FetchItem::Rfc822(Some("ab".into())));
    assert_eq!(f.items[1], FetchItem::Rfc822Header(Some("h".into())));
    assert_eq!(f.items[2], FetchItem::Rfc822Text(None));
}

#[test]
fn groups_in_address_lists() {
    let f = common::fetch(b"* 1 FETCH (ENVELOPE (NIL NIL NIL NIL NIL ((NIL NIL \"team\" NIL)(\"A\" NIL \"a\" \"x\")(NIL NIL NIL NIL)) NIL NIL NIL NIL))\r\n");
    let to = &f.envelope().unwrap().to;
    assert!(to[0].is_group_start() && !to[1].is_group_start() && to[2].is_group_end());
    assert_eq!(to[0].mailbox.as_ref().unwrap(), "team");
}
