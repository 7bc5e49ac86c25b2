//! A crate's own grammar: the checks read the grammar its parser was
//! compiled from (here inline text), not imap-core's.
use imap_derive::FromPair;

imap_core::imap_parser! {
    #[grammar_inline = r#"
        two_numbers = { ^"XTWO" ~ SP ~ number ~ SP ~ number }
        ext_response_data = _{ two_numbers }
        ext_msg_att = _{ !ANY ~ ANY }
        ext_resp_text_code = _{ !ANY ~ ANY }
        ext_mailbox_list = _{ !ANY ~ ANY }
        ext_status_att = _{ !ANY ~ ANY }
    "#]
    pub struct ExtParser;
}

/// Fits: `two_numbers` exists only in this crate's grammar.
#[derive(FromPair)]
#[imap(grammar = crate::Rule, rule = "two_numbers")]
struct Two(u32, u32);

/// Does not fit the inline rule.
#[derive(FromPair)]
#[imap(grammar = crate::Rule, rule = "two_numbers")]
struct Three(u32, u32, u32);

/// imap-core's extension rules are not in this grammar.
#[derive(FromPair)]
#[imap(grammar = crate::Rule, rule = "quota_response")]
struct NotHere(u32);

fn main() {}
