use imap_derive::FromPair;

#[derive(FromPair)]
#[imap(grammar = imap_core::grammar::Rule, rule = "adress")]
struct Typo {
    n: u32,
}

fn main() {}
