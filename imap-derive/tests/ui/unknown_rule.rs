use imap_core::parse::Rule;
use imap_derive::FromPair;

#[derive(FromPair)]
#[imap(rule = "adress")]
struct Typo {
    n: u32,
}

fn main() {}
