//! The client and sessions against a real Dovecot on 127.0.0.1 (each former test file with its own instance, since their tests assume mailboxes no other file touches).

#[path = "../support/mod.rs"]
mod support;

mod client_dovecot;
mod examples;
mod extensions_dovecot;
mod fanout;
mod streaming;
