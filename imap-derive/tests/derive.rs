//! The derive's contract: what compiles (and converts), and what is refused
//! at compile time with a span pointing at the mistake.

use imap_core::convert::{Cx, FromPair, Tree};
use imap_core::parse::{ImapParser, Rule};
use imap_core::types::IString;
use imap_derive::FromPair;
use pest::Parser;

/// A struct declared against an existing rule: `address`.
#[derive(Debug, PartialEq, FromPair)]
#[imap(grammar = imap_core::grammar::Rule, rule = "address")]
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
    let tree = Tree::new(ImapParser::parse(Rule::response, frame.skeleton()).unwrap());
    let address = tree.pairs().flatten().find(|p| p.as_rule() == Rule::address).unwrap();
    let a = MyAddress::from_pair(address, &cx).unwrap();
    assert_eq!(a.name.unwrap(), "Ann");
    assert_eq!((a.adl, a.host.unwrap().as_str()), (None, Some("x.org")));
}

#[test]
fn mistakes_are_compile_errors_with_spans() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
