//! Connect, log in, select a mailbox and print the envelopes of its latest
//! messages: the Client's everyday path.
//!
//! ```sh
//! IMAP_HOST=imap.example.com IMAP_USER=me IMAP_PASSWORD=... cargo run --example basic
//! ```
//!
//! Settings come from the environment (`examples/common/mod.rs`);
//! `IMAP_COUNT` is how many messages to show (default 5).

mod common;

use imap_core::command::{FetchAttr, SearchKey};
use imap_core::types::Address;
use imap_core::Client;
use std::error::Error;
use std::process::ExitCode;

fn main() -> ExitCode {
    common::report(run())
}

fn run() -> Result<(), Box<dyn Error>> {
    let settings = common::Settings::from_env()?;
    let count: usize = common::optional("IMAP_COUNT").map_or(Ok(5), |n| n.parse())?;

    // Connects and waits for the greeting (and STARTTLS, if asked for).
    let mut client = Client::connect(&settings.host, settings.port, settings.tls, &settings.options())?;
    println!("connected to {}:{}", settings.host, settings.port);
    client.login(&settings.user, &settings.password()?)?;

    // Read-only (EXAMINE): looking does not mark anything \Seen.
    let mailbox = client.select_folder(&settings.mailbox, true)?;
    println!("{}: {} messages", settings.mailbox, mailbox.exists);

    // UIDs (the Client speaks UIDs by default); the newest are the highest.
    let mut uids = client.search(SearchKey::All)?;
    uids.sort_unstable();
    let latest = &uids[uids.len().saturating_sub(count)..];
    if !latest.is_empty() {
        for message in client.fetch(latest, vec![FetchAttr::Envelope, FetchAttr::Flags])? {
            let Some(envelope) = message.envelope() else { continue };
            // Strings are bytes as the server sent them (RFC 2047 encoded
            // words not decoded); Display shows them as lossy UTF-8.
            let subject = envelope.subject.as_ref().map(ToString::to_string).unwrap_or_default();
            let from = envelope.from.first().map(address).unwrap_or_default();
            let flags: Vec<String> = message.flags().unwrap_or_default().iter().map(ToString::to_string).collect();
            println!("UID {} | {} | {} | {}", message.uid().unwrap_or(0), from, subject, flags.join(" "));
        }
    }

    client.logout()?;
    Ok(())
}

/// `Name <mailbox@host>`, or the bare address.
fn address(a: &Address<'_>) -> String {
    let mailbox = a.mailbox.as_ref().map(ToString::to_string).unwrap_or_default();
    let host = a.host.as_ref().map(ToString::to_string).unwrap_or_default();
    match &a.name {
        Some(name) => format!("{name} <{mailbox}@{host}>"),
        None => format!("{mailbox}@{host}"),
    }
}
