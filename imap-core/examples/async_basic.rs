//! The everyday path on tokio: connect, log in, select a mailbox and print
//! the subjects of its latest messages, with `AsyncClient` (feature
//! `tokio`): the blocking `Client`'s methods, awaited.
//!
//! ```sh
//! IMAP_HOST=imap.example.com IMAP_USER=me IMAP_PASSWORD=... cargo run --example async_basic --features tokio
//! ```
//!
//! Settings come from the environment (`examples/common/mod.rs`);
//! `IMAP_COUNT` is how many messages to show (default 5).

mod common;

use imap_core::command::{FetchAttr, SearchKey};
use imap_core::tokio::AsyncClient;
use std::error::Error;
use std::process::ExitCode;

fn main() -> ExitCode {
    // One thread is plenty for one connection; the futures are Send, so a
    // multi-threaded runtime works as well.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
    common::report(runtime.block_on(run()))
}

async fn run() -> Result<(), Box<dyn Error>> {
    let settings = common::Settings::from_env()?;
    let count: usize = common::optional("IMAP_COUNT").map_or(Ok(5), |n| n.parse())?;

    let mut client = AsyncClient::connect(&settings.host, settings.port, settings.tls, &settings.options()).await?;
    println!("connected to {}:{}", settings.host, settings.port);
    client.login(&settings.user, &settings.password()?).await?;

    let mailbox = client.select_folder(&settings.mailbox, true).await?;
    println!("{}: {} messages", settings.mailbox, mailbox.exists);

    let mut uids = client.search(SearchKey::All).await?;
    uids.sort_unstable();
    let latest = &uids[uids.len().saturating_sub(count)..];
    if !latest.is_empty() {
        for message in client.fetch(latest, vec![FetchAttr::Envelope]).await? {
            // Decoded for people (RFC 2047 encoded words, any charset).
            let subject = message.envelope().and_then(|e| e.subject_text()).unwrap_or_default();
            println!("UID {} | {subject}", message.uid().unwrap_or(0));
        }
    }

    client.logout().await?;
    Ok(())
}
