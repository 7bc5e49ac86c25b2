//! The extension through the ordinary parser, session and Client: RFC 5464
//! and RFC 8970's examples, then METADATA and PREVIEW against Dovecot.

#[path = "../../../imap-core/tests/support/dovecot.rs"]
mod support;

use imap_core::client::{Client, ClientOptions, TlsMode};
use imap_core::command::{Arg, Command, FetchAttr, SeqSet};
use imap_core::reactor::TlsOptions;
use imap_core::session::{Event, Extension, Session};
use imap_extension_example::{FetchPreview, Metadata, MetadataCode, MetadataCodeKind, MetadataPreview};

fn parse_one(input: &[u8]) -> Option<imap_core::session::ExtensionValue> {
    let frame = imap_core::wire::frames(input, Default::default()).next().unwrap().unwrap();
    MetadataPreview.parse(&frame)
}

fn metadata(input: &[u8]) -> Metadata<'static> {
    parse_one(input).expect("understood").downcast_ref::<Metadata>().unwrap().clone()
}

#[test]
fn rfc_5464_examples() {
    let m = metadata(b"* METADATA \"\" (/shared/comment \"Shared comment\")\r\n");
    assert_eq!(m.mailbox.name(), "");
    assert_eq!(
        (m.entries[0].name.0.as_str(), m.entries[0].value.as_ref().unwrap().as_str()),
        (Some("/shared/comment"), Some("Shared comment"))
    );
    let m =
        metadata(b"* METADATA \"INBOX\" (/shared/comment \"Shared comment\" /private/comment \"My own comment\")\r\n");
    assert_eq!(m.entries.len(), 2);
    let m = metadata(b"* METADATA \"INBOX\" (/private/comment NIL)\r\n");
    assert_eq!(m.entries[0].value, None);
    let m = metadata(b"* METADATA \"\" /shared/comment /shared/admin\r\n");
    assert!(m.entries.is_empty());
    assert_eq!(m.changed.len(), 2);
    let code = parse_one(b"a OK [METADATA LONGENTRIES 2199] GETMETADATA complete\r\n").unwrap();
    assert_eq!(code.downcast_ref::<MetadataCode>().unwrap().kind, MetadataCodeKind::LongEntries(2199));
    let code = parse_one(b"a NO [METADATA TOOMANY] too many\r\n").unwrap();
    assert_eq!(code.downcast_ref::<MetadataCode>().unwrap().kind, MetadataCodeKind::TooMany);
}

#[test]
fn rfc_8970_examples() {
    let value = parse_one(b"* 1 FETCH (UID 1 PREVIEW \"Lorem ipsum dolor sit amet\")\r\n").unwrap();
    let preview = value.downcast_ref::<FetchPreview>().unwrap();
    assert_eq!((preview.seq, preview.preview.text.as_ref().unwrap().as_str()), (1, Some("Lorem ipsum dolor sit amet")));
    let value = parse_one(b"* 2 FETCH (PREVIEW NIL)\r\n").unwrap();
    assert_eq!(value.downcast_ref::<FetchPreview>().unwrap().preview.text, None);
}

#[test]
fn the_core_grammar_alone_keeps_these_as_generic_values() {
    // Without the extension, nothing is lost: the core keeps generic values.
    let input = b"* METADATA \"INBOX\" (/private/comment \"x\")\r\n";
    let frame = imap_core::wire::frames(input, Default::default()).next().unwrap().unwrap();
    assert!(imap_core::parse(&frame).unwrap().has_unknown());
}

#[test]
fn the_session_hands_unknown_responses_to_the_extension() {
    let mut s = Session::new();
    s.add_extension(Box::new(MetadataPreview));
    s.receive(b"* OK [CAPABILITY IMAP4rev1 METADATA] hi\r\n");
    s.receive(b"* METADATA \"\" /shared/comment\r\n");
    let events: Vec<Event> = std::iter::from_fn(|| s.poll_event()).collect();
    let values: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Event::Extension(v) => v.downcast_ref::<Metadata>(),
            _ => None,
        })
        .collect();
    assert_eq!(values.len(), 1, "{events:?}");
}

fn client() -> Client {
    let d = support::dovecot();
    let options = ClientOptions { tls: TlsOptions::new().add_ca_file(d.ca()), ..ClientOptions::default() };
    let mut c = Client::connect("localhost", d.tls_port, TlsMode::Implicit, &options).unwrap();
    c.login("alice", "alice-pass").unwrap();
    c.add_extension(Box::new(MetadataPreview));
    c
}

#[test]
fn metadata_against_dovecot() {
    let mut c = client();
    c.run(Command::Other {
        name: "SETMETADATA".into(),
        args: vec![
            Arg::Mailbox("INBOX".into()),
            Arg::List(vec![
                Arg::AString(b"/private/comment".to_vec()),
                Arg::NString(Some("Über \"quotes\"".as_bytes().to_vec())),
            ]),
        ],
    })
    .unwrap();
    let done = c
        .run(Command::Other {
            name: "GETMETADATA".into(),
            args: vec![Arg::Mailbox("INBOX".into()), Arg::AString(b"/private/comment".to_vec())],
        })
        .unwrap();
    let metadata: Vec<&Metadata> = done.extensions.iter().filter_map(|v| v.downcast_ref()).collect();
    assert_eq!(metadata.len(), 1, "{done:?}");
    assert_eq!(metadata[0].mailbox.name(), "INBOX");
    assert_eq!(metadata[0].entries[0].value.as_ref().unwrap().as_bytes(), "Über \"quotes\"".as_bytes());
}

#[test]
fn preview_against_dovecot() {
    let mut c = client();
    let name = "ext-preview";
    let _ = c.delete_folder(name); // set-up: whether it existed does not matter
    c.create_folder(name).unwrap();
    let message = b"From: a@example.com\r\nSubject: p\r\n\r\nThe first words of the body.\r\n";
    c.append(name, message, &[], None).unwrap();
    c.select_folder(name, false).unwrap();
    let done = c
        .run(Command::Fetch {
            set: SeqSet::from(1),
            items: FetchAttr::Other("PREVIEW".into()).into(),
            changed_since: None,
            uid: false,
        })
        .unwrap();
    let previews: Vec<&FetchPreview> = done.extensions.iter().filter_map(|v| v.downcast_ref()).collect();
    assert_eq!(previews.len(), 1, "{done:?}");
    assert_eq!(previews[0].seq, 1);
    assert!(previews[0].preview.text.as_ref().unwrap().to_str_lossy().starts_with("The first words"));
}
