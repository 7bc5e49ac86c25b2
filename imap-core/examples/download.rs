//! Download one message to a file as it arrives, never holding it whole in
//! memory: a 100 MB message takes a few MiB.
//!
//! ```sh
//! IMAP_USER=me IMAP_PASSWORD=... cargo run --example download -- message.eml
//! ```
//!
//! Settings come from the environment (`examples/common/mod.rs`), and:
//! - the first argument: the file to write (default `message.eml`);
//! - `IMAP_UID`: the message's UID (default: the newest message).

mod common;

use imap_core::command::{SearchKey, Section};
use imap_core::Client;
use std::error::Error;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    common::report(run())
}

fn run() -> Result<(), Box<dyn Error>> {
    let settings = common::Settings::from_env()?;
    let path = PathBuf::from(std::env::args_os().nth(1).unwrap_or_else(|| "message.eml".into()));

    let mut client = Client::connect(&settings.host, settings.port, settings.tls, &settings.options())?;
    client.login(&settings.user, &settings.password()?)?;
    client.select_folder(&settings.mailbox, true)?;

    let uid = match common::optional("IMAP_UID") {
        Some(uid) => uid.parse()?,
        None => client.search(SearchKey::All)?.into_iter().max().ok_or("the mailbox is empty")?,
    };

    // BODY.PEEK[] (the whole message, without setting \Seen), written to the
    // file chunk by chunk as the literal arrives from the server.
    let mut file = BufWriter::new(File::create(&path)?);
    let written = client.fetch_body_to(uid, Section::full(), &mut file)?;
    file.flush()?;
    println!("UID {uid}: {written} bytes written to {}", path.display());

    client.logout()?;
    Ok(())
}
