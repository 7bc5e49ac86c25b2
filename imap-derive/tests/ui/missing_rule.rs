use imap_core::parse::Rule;
use imap_derive::FromPair;

#[derive(FromPair)]
struct NoRule {
    n: u32,
}

fn main() {}
