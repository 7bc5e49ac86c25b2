//! The extensions through the ordinary parser, session and Client: the
//! examples of RFC 8970 (PREVIEW), RFC 5255 (LANGUAGE) and RFC 9585
//! (INPROGRESS), then PREVIEW against Dovecot (which offers neither LANGUAGE
//! nor INPROGRESS).

#[path = "../../../imap-core/tests/support/dovecot.rs"]
mod support;

use imap_core::client::{Client, ClientOptions, TlsMode};
use imap_core::command::{Command, FetchAttr, SeqSet};
use imap_core::reactor::TlsOptions;
use imap_core::session::{Event, Extension, Session};
use imap_core::types::IString;
use imap_extension_example::{FetchPreview, InProgress, Language, PreviewLanguage};

fn parse_one(input: &[u8]) -> Option<imap_core::session::ExtensionValue> {
    let frame = imap_core::wire::frames(input, Default::default()).next().unwrap().unwrap();
    PreviewLanguage.parse(&frame)
}

fn language(input: &[u8]) -> Language<'static> {
    parse_one(input).expect("understood").downcast_ref::<Language>().unwrap().clone()
}

fn in_progress(input: &[u8]) -> InProgress<'static> {
    parse_one(input).expect("understood").downcast_ref::<InProgress>().unwrap().clone()
}

fn s(text: &'static str) -> IString<'static> {
    IString::from(text.as_bytes())
}

#[test]
fn rfc_5255_examples() {
    // Section 3.2: the languages on offer, then the one switched to.
    assert_eq!(language(b"* LANGUAGE (EN DE IT i-default)\r\n").tags, vec![s("EN"), s("DE"), s("IT"), s("i-default")]);
    assert_eq!(language(b"* LANGUAGE (DE)\r\n").tags, vec![s("DE")]);
    // Tags may come quoted.
    assert_eq!(language(b"* LANGUAGE (\"de-CH\" fr)\r\n").tags, vec![s("de-CH"), s("fr")]);
    // Not LANGUAGE's syntax: not understood (and the core keeps it whole).
    assert!(parse_one(b"* LANGUAGE ()\r\n").is_none());
}

#[test]
fn rfc_9585_examples() {
    let p = in_progress(b"* OK [INPROGRESS (\"A001\" 0 500)] Processing...\r\n");
    assert_eq!((p.tag, p.count, p.goal), (Some(s("A001")), Some(0), Some(500)));
    let p = in_progress(b"* OK [INPROGRESS (\"A001\" 200 500)] Processing...\r\n");
    assert_eq!((p.count, p.goal), (Some(200), Some(500)));
    // The goal unknown; nothing known at all; no tag.
    let p = in_progress(b"* OK [INPROGRESS (\"A005\" 37 NIL)] Still working\r\n");
    assert_eq!((p.count, p.goal), (Some(37), None));
    let p = in_progress(b"* OK [INPROGRESS (NIL NIL NIL)] Working\r\n");
    assert_eq!(p, InProgress { tag: None, count: None, goal: None });
    assert_eq!(in_progress(b"* OK [INPROGRESS] Working\r\n"), InProgress { tag: None, count: None, goal: None });
}

#[test]
fn rfc_8970_examples() {
    let value = parse_one(b"* 1 FETCH (UID 1 PREVIEW \"Lorem ipsum dolor sit amet\")\r\n").unwrap();
    let preview = value.downcast_ref::<FetchPreview>().unwrap();
    assert_eq!((preview.seq, preview.preview.text.as_ref().unwrap().as_str()), (1, Some("Lorem ipsum dolor sit amet")));
    let value = parse_one(b"* 2 FETCH (PREVIEW NIL)\r\n").unwrap();
    assert_eq!(value.downcast_ref::<FetchPreview>().unwrap().preview.text, None);
}

/// The extended grammar's two parsers, the generated recognizer and pest's,
/// agree on the examples (and on input that fits none of the rules).
#[test]
fn both_parsers_of_the_extended_grammar_agree() {
    use imap_core::grammar::{agree, Agreement};
    use imap_extension_example::{ExtParser, Rule};
    let examples = [
        ("* LANGUAGE (EN DE IT i-default)\r\n", Agreement::Accepted),
        ("* OK [INPROGRESS (\"A001\" 0 500)] Processing...\r\n", Agreement::Accepted),
        ("* 1 FETCH (UID 1 PREVIEW \"Lorem ipsum\")\r\n", Agreement::Accepted),
        ("* 1 FETCH (UID 1 PREVIEW)\r\n", Agreement::Rejected),
        ("* LANGUAGE ()\r\n", Agreement::Accepted),
    ];
    for (input, expected) in examples {
        assert_eq!(agree::<ExtParser>(Rule::response, input, 64), Ok(expected), "{input:?}");
    }
}

#[test]
fn the_core_grammar_alone_keeps_these_as_generic_values() {
    // Without the extension, nothing is lost: the core keeps generic values.
    for input in
        [&b"* LANGUAGE (EN DE)\r\n"[..], b"* OK [INPROGRESS (\"A1\" 1 2)] x\r\n", b"* 1 FETCH (PREVIEW \"x\")\r\n"]
    {
        let frame = imap_core::wire::frames(input, Default::default()).next().unwrap().unwrap();
        assert!(imap_core::parse(&frame).unwrap().has_unknown(), "{input:?}");
    }
}

#[test]
fn the_session_hands_unknown_responses_to_the_extension() {
    let mut s = Session::new();
    s.add_extension(Box::new(PreviewLanguage));
    s.receive(b"* OK [CAPABILITY IMAP4rev1 LANGUAGE] hi\r\n");
    s.receive(b"* LANGUAGE (EN DE)\r\n* OK [INPROGRESS (\"A7\" 3 9)] moving\r\n");
    let events: Vec<Event> = std::iter::from_fn(|| s.poll_event()).collect();
    fn extension(e: &Event) -> Option<&imap_core::session::ExtensionValue> {
        match e {
            Event::Extension(v) => Some(v),
            _ => None,
        }
    }
    let languages: Vec<_> = events.iter().filter_map(extension).filter_map(|v| v.downcast_ref::<Language>()).collect();
    assert_eq!(languages.len(), 1, "{events:?}");
    let progress: Vec<_> = events.iter().filter_map(extension).filter_map(|v| v.downcast_ref::<InProgress>()).collect();
    assert_eq!(progress.len(), 1, "{events:?}");
    assert_eq!((progress[0].count, progress[0].goal), (Some(3), Some(9)));
}

fn client() -> Client {
    let d = support::dovecot();
    let options = ClientOptions::default().with_tls(TlsOptions::new().add_ca_file(d.ca()));
    let mut c = Client::connect("localhost", d.tls_port, TlsMode::Implicit, &options).unwrap();
    c.login("alice", "alice-pass").unwrap();
    c.add_extension(Box::new(PreviewLanguage));
    c
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

/// A grammar given inline (`#[grammar_inline]`, as pest_derive takes it):
/// here RFC 3501's alone, every hook matching nothing.
mod core_only {
    imap_core::imap_parser! {
        #[grammar_inline = "
            ext_response_data = _{ never }
            ext_msg_att = _{ never }
            ext_resp_text_code = _{ never }
            ext_mailbox_list = _{ never }
            ext_status_att = _{ never }
            never = _{ !ANY ~ ANY }
        "]
        pub struct CoreOnly;
    }
}

#[test]
fn an_inline_grammar_compiles_with_both_parsers() {
    use core_only::{CoreOnly, Rule};
    use imap_core::grammar::{agree, Agreement};
    let fetch = "* 1 FETCH (UID 1 MODSEQ (5))\r\n";
    // MODSEQ is imap-core's extension, not RFC 3501's: a generic item here.
    assert_eq!(agree::<CoreOnly>(Rule::response, fetch, 64), Ok(Agreement::Accepted));
    let tree = imap_core::grammar::Tree::recognize::<CoreOnly>(Rule::response, fetch, Vec::new(), 64).unwrap();
    assert!(tree.pairs().flatten().any(|p| p.as_rule() == Rule::msg_att_other));
}
