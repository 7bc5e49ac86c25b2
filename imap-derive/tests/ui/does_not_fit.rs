use imap_core::types::IString;
use imap_derive::FromPair;

/// `address` always has four children: one field cannot take them.
#[derive(FromPair)]
#[imap(grammar = imap_core::grammar::Rule, rule = "address")]
struct Short<'a> {
    name: Option<IString<'a>>,
}

/// Five required fields are more than `address` ever has.
#[derive(FromPair)]
#[imap(grammar = imap_core::grammar::Rule, rule = "address")]
struct Long<'a> {
    a: IString<'a>,
    b: IString<'a>,
    c: IString<'a>,
    d: IString<'a>,
    e: IString<'a>,
}

fn main() {}
