//! The derive's contract: what compiles (and converts), and what is refused
//! at compile time with a span pointing at the mistake.

use imap_core::convert::{Cx, FromPair};
use imap_core::parse::{ImapParser, Rule};
use imap_core::types::IString;
use imap_derive::FromPair;
use pest::Parser;

/// A struct declared against an existing rule: `address`.
#[derive(Debug, PartialEq, FromPair)]
#[imap(rule = "address")]
struct MyAddress<'a> {
    name: Option<IString<'a>>,
    adl: Option<IString<'a>>,
    mailbox: Option<IString<'a>>,
    host: Option<IString<'a>>,
}

#[test]
fn a_derived_struct_converts_its_rule() {
    let input = b"* 1 FETCH (ENVELOPE (NIL NIL ((\"Ann\" NIL \"ann\" \"x.org\")) NIL NIL NIL NIL NIL NIL NIL))\r\n";
    let frame = imap_core::wire::frames(input, Default::default()).next().unwrap().unwrap();
    let cx = Cx::new(&frame);
    let pairs = ImapParser::parse(Rule::response, frame.skeleton()).unwrap();
    let address = pairs.flatten().find(|p| p.as_rule() == Rule::address).unwrap();
    let a = MyAddress::from_pair(address, &cx).unwrap();
    assert_eq!(a.name.unwrap(), "Ann");
    assert_eq!((a.adl, a.host.unwrap().as_str()), (None, Some("x.org")));
}

#[test]
fn a_struct_that_does_not_fit_its_rule_is_a_conversion_error() {
    /// One field too few for `address`: the leftover child is reported.
    #[derive(Debug, FromPair)]
    #[imap(rule = "address")]
    #[allow(dead_code)]
    struct Short<'a> {
        name: Option<IString<'a>>,
    }
    let input = b"* 1 FETCH (ENVELOPE (NIL NIL ((\"Ann\" NIL \"ann\" \"x.org\")) NIL NIL NIL NIL NIL NIL NIL))\r\n";
    let frame = imap_core::wire::frames(input, Default::default()).next().unwrap().unwrap();
    let cx = Cx::new(&frame);
    let pairs = ImapParser::parse(Rule::response, frame.skeleton()).unwrap();
    let address = pairs.flatten().find(|p| p.as_rule() == Rule::address).unwrap();
    let err = Short::from_pair(address, &cx).unwrap_err();
    assert!(err.expected.starts_with("Short"), "{err}");
}

#[test]
fn mistakes_are_compile_errors_with_spans() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
