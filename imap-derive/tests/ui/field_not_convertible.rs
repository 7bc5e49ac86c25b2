use imap_core::parse::Rule;
use imap_derive::FromPair;

#[derive(FromPair)]
#[imap(rule = "address")]
struct Wrong {
    n: f32,
}

fn main() {}
