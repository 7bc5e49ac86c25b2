use imap_core::parse::Rule;
use imap_core::types::IString;
use imap_derive::FromPair;

#[derive(FromPair)]
#[imap(rule = "address")]
struct Wrong<'a> {
    name: Option<IString<'a>>,
    adl: Option<IString<'a>>,
    mailbox: Option<IString<'a>>,
    host: f32,
}

fn main() {}
