use imap_derive::FromPair;

#[derive(FromPair)]
#[imap(grammar = imap_core::grammar::Rule, rule = "address", flatten)]
struct Unknown {
    n: u32,
}

#[derive(FromPair)]
#[imap(grammar = imap_core::grammar::Rule)]
enum TwoFields {
    Both(u32, u32),
}

#[derive(FromPair)]
#[imap(grammar = imap_core::grammar::Rule, rule = "address")]
struct ListNotVec {
    #[imap(list)]
    n: u32,
}

fn main() {}
