//! The subcommands that talk to a server: capabilities, list, status,
//! search, fetch, idle, and the demo that strings them together.

use super::connect::Server;
use clap::Subcommand;
use imap_core::client::Client;
use imap_core::command::{FetchAttr, SearchKey, SeqSet};
use imap_core::session::Error;
use imap_core::types::{Fetch, StatusAtt};
use serde::Serialize;
use std::time::Duration;

/// A command against a server.
#[derive(Subcommand, Debug)]
pub enum ServerCommand {
    /// Print the server's capabilities.
    Capabilities,
    /// List mailboxes matching a pattern.
    List {
        /// `*` for all, `%` for one level.
        #[arg(default_value = "*")]
        pattern: String,
    },
    /// Print a mailbox's counters.
    Status {
        /// The mailbox.
        mailbox: String,
    },
    /// Search a mailbox; prints matching UIDs.
    Search {
        /// The mailbox.
        mailbox: String,
        /// Only unseen messages.
        #[arg(long)]
        unseen: bool,
        /// Only messages whose From contains this.
        #[arg(long)]
        from: Option<String>,
        /// Only messages whose Subject contains this.
        #[arg(long)]
        subject: Option<String>,
    },
    /// Fetch the envelope, flags, size and date of messages by UID.
    Fetch {
        /// The mailbox.
        mailbox: String,
        /// UIDs: `1:*`, `4,7:9`, ...
        #[arg(default_value = "1:*")]
        uids: String,
    },
    /// Wait in IDLE and print what the server reports.
    Idle {
        /// The mailbox.
        #[arg(default_value = "INBOX")]
        mailbox: String,
        /// How long to wait.
        #[arg(long, default_value_t = 30)]
        seconds: u64,
    },
    /// A tour: capabilities, mailboxes, INBOX's status and its messages.
    Demo,
}

/// Runs `command` on a connection made from `server`.
pub fn run(server: &Server, command: &ServerCommand, json: bool) -> Result<(), Error> {
    let mut client = server.connect()?;
    let out = Out { json };
    match command {
        ServerCommand::Capabilities => capabilities(&mut client, &out)?,
        ServerCommand::List { pattern } => list(&mut client, pattern, &out)?,
        ServerCommand::Status { mailbox } => status(&mut client, mailbox, &out)?,
        ServerCommand::Search { mailbox, unseen, from, subject } => {
            let mut keys = Vec::new();
            if *unseen {
                keys.push(SearchKey::Unseen);
            }
            if let Some(from) = from {
                keys.push(SearchKey::From(from.clone().into_bytes()));
            }
            if let Some(subject) = subject {
                keys.push(SearchKey::Subject(subject.clone().into_bytes()));
            }
            let criteria = if keys.is_empty() { SearchKey::All } else { SearchKey::and(keys) };
            client.select_folder(mailbox, true)?;
            let uids = client.search(criteria)?;
            out.print(&uids, || uids.iter().map(u32::to_string).collect::<Vec<_>>().join(" "));
        }
        ServerCommand::Fetch { mailbox, uids } => {
            let set: SeqSet = uids.parse().map_err(|e| Error::Protocol(format!("bad UID set {uids:?}: {e}")))?;
            client.select_folder(mailbox, true)?;
            fetch(&mut client, set, &out)?;
        }
        ServerCommand::Idle { mailbox, seconds } => {
            client.select_folder(mailbox, true)?;
            client.idle()?;
            let deadline = std::time::Instant::now() + Duration::from_secs(*seconds);
            while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
                for response in client.idle_wait(left)? {
                    out.print(&response, || format!("{response:?}"));
                }
            }
            client.idle_done()?;
        }
        ServerCommand::Demo => {
            capabilities(&mut client, &out)?;
            list(&mut client, "*", &out)?;
            status(&mut client, "INBOX", &out)?;
            let inbox = client.select_folder("INBOX", true)?;
            out.print(&inbox, || {
                format!("INBOX selected: {} messages, UIDVALIDITY {:?}", inbox.exists, inbox.uid_validity)
            });
            fetch(&mut client, SeqSet::from(1..), &out)?;
        }
    }
    client.logout()
}

fn capabilities(client: &mut Client, out: &Out) -> Result<(), Error> {
    let caps = client.capabilities()?;
    out.print(&caps, || format!("capabilities: {}", caps.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(" ")));
    Ok(())
}

fn list(client: &mut Client, pattern: &str, out: &Out) -> Result<(), Error> {
    for entry in client.list_folders("", pattern)? {
        out.print(&entry, || {
            let attrs: Vec<String> = entry.attributes.iter().map(|a| format!("{a:?}")).collect();
            let delimiter = entry.delimiter.map_or("NIL".to_owned(), String::from);
            format!("{:<30} {} {}", attrs.join(" "), delimiter, entry.mailbox.name())
        });
    }
    Ok(())
}

fn status(client: &mut Client, mailbox: &str, out: &Out) -> Result<(), Error> {
    let atts = [StatusAtt::Messages, StatusAtt::Unseen, StatusAtt::UidNext, StatusAtt::UidValidity];
    let items = client.folder_status(mailbox, &atts)?;
    out.print(&items, || {
        let items: Vec<String> = items.iter().map(|i| format!("{:?}={}", i.att, i.value)).collect();
        format!("{mailbox}: {}", items.join(" "))
    });
    Ok(())
}

fn fetch(client: &mut Client, set: SeqSet, out: &Out) -> Result<(), Error> {
    let items =
        vec![FetchAttr::Uid, FetchAttr::Flags, FetchAttr::InternalDate, FetchAttr::Rfc822Size, FetchAttr::Envelope];
    for message in client.fetch(set, items)? {
        out.print(&message, || summary(&message));
    }
    Ok(())
}

/// One line per message: UID, date, size, flags, sender, subject.
fn summary(message: &Fetch<'_>) -> String {
    let envelope = message.envelope();
    let from = envelope
        .and_then(|e| e.from.first())
        .map(|a| a.name.as_ref().map(|n| n.to_string()).or_else(|| a.email()).unwrap_or_default())
        .unwrap_or_default();
    let subject = envelope.and_then(|e| e.subject.as_ref()).map(|s| s.to_string()).unwrap_or_default();
    let flags: Vec<String> = message.flags().unwrap_or_default().iter().map(|f| f.to_string()).collect();
    format!(
        "{:>6} {} {:>7} {:<24} {:<28} {}",
        message.uid().unwrap_or(0),
        message.internal_date().map(|d| d.to_string()).unwrap_or_default(),
        message.size().unwrap_or(0),
        flags.join(" "),
        from,
        subject
    )
}

/// Prints values as JSON lines or as text.
struct Out {
    json: bool,
}

impl Out {
    fn print<T: Serialize>(&self, value: &T, text: impl FnOnce() -> String) {
        if self.json {
            println!("{}", serde_json::to_string(value).expect("typed values serialize"));
        } else {
            println!("{}", text());
        }
    }
}
