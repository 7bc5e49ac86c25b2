use imap_derive::FromPair;

#[derive(FromPair)]
#[imap(rule = "address")]
struct NoGrammar {
    n: u32,
}

fn main() {}
