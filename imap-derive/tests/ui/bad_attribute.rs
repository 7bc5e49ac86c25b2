use imap_core::parse::Rule;
use imap_derive::FromPair;

#[derive(FromPair)]
#[imap(rule = "address", flatten)]
struct Unknown {
    n: u32,
}

#[derive(FromPair)]
enum TwoFields {
    Both(u32, u32),
}

#[derive(FromPair)]
#[imap(rule = "address")]
struct ListNotVec {
    #[imap(list)]
    n: u32,
}

fn main() {}
