use imap_derive::FromPair;

#[derive(FromPair)]
#[imap(grammar = imap_core::grammar::Rule)]
struct NoRule {
    n: u32,
}

fn main() {}
