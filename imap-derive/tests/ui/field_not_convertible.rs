use imap_core::types::IString;
use imap_derive::FromPair;

#[derive(FromPair)]
#[imap(grammar = imap_core::grammar::Rule, rule = "address")]
struct Wrong<'a> {
    name: Option<IString<'a>>,
    adl: Option<IString<'a>>,
    mailbox: Option<IString<'a>>,
    host: f32,
}

fn main() {}
