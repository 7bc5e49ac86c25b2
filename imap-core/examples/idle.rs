//! IDLE (RFC 2177) until a new message arrives or a timeout passes, then
//! print the new message's envelope.
//!
//! ```sh
//! IMAP_USER=me IMAP_PASSWORD=... IMAP_IDLE_SECONDS=600 cargo run --example idle
//! ```
//!
//! Settings come from the environment (`examples/common/mod.rs`);
//! `IMAP_IDLE_SECONDS` is how long to wait (default 300). The session renews
//! an IDLE by itself before servers drop it (every 29 minutes), so any
//! timeout works.

mod common;

use imap_core::command::FetchAttr;
use imap_core::types::{Data, Response};
use imap_core::Client;
use std::error::Error;
use std::process::ExitCode;
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    common::report(run())
}

fn run() -> Result<(), Box<dyn Error>> {
    let settings = common::Settings::from_env()?;
    let seconds: u64 = common::optional("IMAP_IDLE_SECONDS").map_or(Ok(300), |s| s.parse())?;

    let mut client = Client::connect(&settings.host, settings.port, settings.tls, &settings.options())?;
    client.login(&settings.user, &settings.password()?)?;
    let exists = client.select_folder(&settings.mailbox, true)?.exists;

    // Returns once the server accepted IDLE (`+ idling`).
    client.idle()?;
    println!("{}: {exists} messages; idling for up to {seconds} s", settings.mailbox);

    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut newest = None;
    while newest.is_none() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        // Whatever the server said within the wait (possibly nothing).
        for response in client.idle_wait(left)? {
            match response {
                Response::Data(Data::Exists(n)) if n > exists => newest = Some(n),
                other => println!("server: {other:?}"),
            }
        }
    }
    // DONE: the IDLE command completes, and other commands may follow.
    client.idle_done()?;

    match newest {
        Some(n) => {
            // EXISTS counts messages: fetch the newest by sequence number.
            client.set_use_uid(false);
            let fetched = client.fetch(n, vec![FetchAttr::Uid, FetchAttr::Envelope])?;
            let subject = fetched
                .first()
                .and_then(|m| m.envelope())
                .and_then(|e| e.subject.as_ref())
                .map(ToString::to_string)
                .unwrap_or_default();
            println!("new message: {} now has {n} messages; the newest: {subject}", settings.mailbox);
        }
        None => println!("no new message in {seconds} s"),
    }
    client.logout()?;
    Ok(())
}
