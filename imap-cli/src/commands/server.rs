//! The subcommands that talk to a server: capabilities, list, status,
//! select, search, fetch, idle, append, move, the demo, and the extension
//! commands of [`extensions`]: namespace, quota, id, metadata, thread.

use super::connect::Server;
use super::extensions;
use super::messages;
use super::output::{
    describe, entry_json, flags_json, list_line, message_json, response_json, status_line, table, Out,
};
use crate::failure::Failure;
use clap::Subcommand;
use imap_core::client::{Client, IDLE_RENEW};
use imap_core::command::{FetchAttr, SearchKey, SeqSet};
use imap_core::types::{Flag, IntoStatic, StatusAtt};
use serde::Serialize;
use signal_hook::consts::SIGINT;
use std::io::Read;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A command against a server.
#[derive(Subcommand, Debug)]
pub enum ServerCommand {
    /// The seed script's tour: capabilities, every mailbox, then INBOX's
    /// status and its latest messages.
    Demo,
    /// Print the server's capabilities.
    Capabilities,
    /// List mailboxes matching a pattern: attributes, delimiter, decoded name.
    List {
        /// `*` for all, `%` for one level.
        #[arg(default_value = "*")]
        pattern: String,
        /// Ask for special-use attributes (LIST ... RETURN (SPECIAL-USE), RFC 6154).
        #[arg(long)]
        special_use: bool,
        /// Print each mailbox's message and unseen counts, from one
        /// command (LIST ... RETURN (STATUS (MESSAGES UNSEEN)), LIST-STATUS).
        #[arg(long)]
        status: bool,
    },
    /// Print a mailbox's counters (STATUS).
    Status {
        /// The mailbox (UTF-8; encoded to modified UTF-7 on the wire).
        mailbox: String,
    },
    /// Select a mailbox and print its state: counts, UIDVALIDITY, flags.
    Select {
        /// The mailbox.
        mailbox: String,
        /// Open it read-only (EXAMINE): leaves \Recent alone.
        #[arg(long)]
        read_only: bool,
    },
    /// Search a mailbox; prints the matching UIDs.
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
        /// Ask for ESEARCH results (UID SEARCH RETURN (MIN MAX COUNT ALL),
        /// RFC 4731) and print min, max, count and all.
        #[arg(long)]
        esearch: bool,
    },
    /// Print the server's namespaces (NAMESPACE): personal, other users',
    /// shared; prefix and delimiter each.
    Namespace,
    /// Print a mailbox's quota roots and each resource's usage and limit
    /// (GETQUOTAROOT).
    Quota {
        /// The mailbox.
        #[arg(default_value = "INBOX")]
        mailbox: String,
    },
    /// Send the client's ID (name imap-cli, version) and print the server's.
    Id,
    /// Print metadata entries of a mailbox (GETMETADATA, RFC 5464) as the
    /// server's METADATA responses carry them.
    Metadata {
        /// The mailbox; "" for the server's own entries.
        mailbox: String,
        /// Entries such as `/private/comment` or `/shared/comment`.
        #[arg(required = true)]
        entries: Vec<String>,
    },
    /// Print a mailbox's threads (UID THREAD ... ALL): UIDs indented under
    /// the message they reply to, with subjects.
    Thread {
        /// The mailbox.
        mailbox: String,
        /// The threading algorithm.
        #[arg(long, value_enum, default_value_t)]
        algorithm: extensions::Algorithm,
    },
    /// Print messages as a table: UID, date, size, flags, from, subject
    /// (decoded); the latest 20 unless told otherwise. With --json, one
    /// object per message: flags as IMAP spells them, subject and names
    /// decoded and raw (`subject_raw`, `name_raw`).
    Fetch {
        /// The mailbox.
        mailbox: String,
        /// UIDs: `1:*`, `4,7:9`, ... (default: the latest --last messages).
        uids: Option<String>,
        /// Every message (`1:*`).
        #[arg(long, conflicts_with = "uids")]
        all: bool,
        /// How many of the latest messages, without UIDs or --all.
        #[arg(long, default_value_t = 20, value_name = "N")]
        last: u32,
    },
    /// Add, remove or set flags of messages picked by UIDs or a search;
    /// prints each message's flags afterwards.
    Flag {
        /// The mailbox.
        mailbox: String,
        #[command(flatten)]
        which: messages::Selection,
        #[command(flatten)]
        change: messages::FlagChange,
    },
    /// Delete messages picked by UIDs or a search: flag them \Deleted and
    /// expunge them (UID EXPUNGE when the server has UIDPLUS, so that no
    /// other message goes).
    Delete {
        /// The mailbox.
        mailbox: String,
        #[command(flatten)]
        which: messages::Selection,
    },
    /// Copy messages by UID to another mailbox; prints their new UIDs when
    /// the server reports COPYUID.
    Copy {
        /// The mailbox the messages are in.
        mailbox: String,
        /// UIDs: `4`, `4,7:9`, ...
        uids: String,
        /// The mailbox to copy them to.
        target: String,
    },
    /// Write a message's raw bytes to stdout, or with --part one part's
    /// content with its transfer encoding (base64, quoted-printable) undone
    /// and a text part's charset turned into UTF-8; streamed as it arrives,
    /// never held whole in memory. --parts lists the parts instead.
    Cat {
        /// The mailbox.
        mailbox: String,
        /// The message's UID.
        uid: u32,
        /// A part number, as --parts lists them: `1`, `2.1`.
        #[arg(long, value_name = "N[.N...]")]
        part: Option<String>,
        /// List the parts: number, type, size, encoding, file name (decoded).
        #[arg(long, conflicts_with = "part")]
        parts: bool,
        /// A text part as its charset has it (by default it is turned into UTF-8).
        #[arg(long, requires = "part")]
        keep_charset: bool,
    },
    /// Create a mailbox.
    Mkdir {
        /// Its name (UTF-8; the hierarchy with the server's delimiter).
        mailbox: String,
    },
    /// Rename a mailbox.
    Rename {
        /// Its name now.
        from: String,
        /// Its new name.
        to: String,
    },
    /// Delete a mailbox (the server refuses one that has children, on some servers).
    Rmdir {
        /// The mailbox.
        mailbox: String,
    },
    /// Wait in IDLE and print what the server reports (new messages,
    /// expunges, flag changes) for --seconds or until Ctrl-C, which ends
    /// IDLE and logs out (a second Ctrl-C quits at once).
    Idle {
        /// The mailbox.
        #[arg(default_value = "INBOX")]
        mailbox: String,
        /// Stop after this many seconds (default: run until interrupted).
        #[arg(long)]
        seconds: Option<u64>,
    },
    /// Append a message (RFC 5322, from FILE or stdin) to a mailbox; prints
    /// its UID when the server reports APPENDUID. Bare LF line ends are sent
    /// as CRLF.
    Append {
        /// The mailbox.
        mailbox: String,
        /// The message file; stdin when absent or "-".
        file: Option<PathBuf>,
        /// A flag to set, such as `\Seen` or `$Label1` (repeatable).
        #[arg(long = "flag", value_name = "FLAG")]
        flags: Vec<String>,
    },
    /// Move messages by UID to another mailbox; prints their new UIDs when
    /// the server reports COPYUID.
    Move {
        /// The mailbox the messages are in.
        mailbox: String,
        /// UIDs: `4`, `4,7:9`, ...
        uids: String,
        /// The mailbox to move them to.
        target: String,
    },
}

/// How many of INBOX's latest messages the demo shows.
const DEMO_MESSAGES: usize = 10;

/// Runs `command` on a connection made from `server`.
pub fn run(server: &Server, command: &ServerCommand, json: bool, quiet: bool) -> Result<(), Failure> {
    // Check what needs no server before connecting.
    let set = match command {
        ServerCommand::Fetch { uids: Some(uids), .. }
        | ServerCommand::Move { uids, .. }
        | ServerCommand::Copy { uids, .. } => Some(parse_set(uids)?),
        ServerCommand::Fetch { all: true, .. } => Some(SeqSet::all()),
        ServerCommand::Flag { which, .. } | ServerCommand::Delete { which, .. } => {
            which.check()?;
            None
        }
        _ => None,
    };
    let part = match command {
        ServerCommand::Cat { part: Some(part), .. } => Some(messages::parse_part(part)?),
        ServerCommand::Cat { parts: false, .. } if json => {
            return Err(Failure::Usage("cat writes the message's bytes: --json goes with --parts".into()))
        }
        _ => None,
    };
    let message = match command {
        ServerCommand::Append { file, .. } => Some(read_message(file.as_deref())?),
        _ => None,
    };
    let mut client = server.connect()?;
    let out = Out { json, quiet };
    match command {
        ServerCommand::Demo => demo(&mut client, &out)?,
        ServerCommand::Capabilities => {
            let caps = client.capabilities()?;
            out.print(&caps, || caps.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(" "));
        }
        ServerCommand::List { pattern, special_use, status } if *special_use || *status => {
            extensions::list_extended(&mut client, pattern, *special_use, *status, &out)?;
        }
        ServerCommand::List { pattern, .. } => {
            for entry in client.list_folders("", pattern)? {
                out.print(&entry_json(&entry), || list_line(&entry));
            }
        }
        ServerCommand::Status { mailbox } => status(&mut client, mailbox, &out)?,
        ServerCommand::Select { mailbox, read_only } => {
            let state = client.select_folder(mailbox, *read_only)?;
            let mut value = serde_json::to_value(&state).expect("typed values serialize");
            value["flags"] = serde_json::json!(flags_json(&state.flags));
            value["permanent_flags"] = serde_json::json!(flags_json(&state.permanent_flags));
            out.print(&value, || {
                let flags = |flags: &[Flag<'_>]| flags.iter().map(Flag::to_string).collect::<Vec<_>>().join(" ");
                let number = |n: Option<u32>| n.map_or("-".to_owned(), |n| n.to_string());
                [
                    format!("mailbox:         {}", state.name),
                    format!("read-only:       {}", if state.read_only { "yes" } else { "no" }),
                    format!("exists:          {}", state.exists),
                    format!("recent:          {}", state.recent),
                    format!("first unseen:    {}", number(state.unseen)),
                    format!("uidvalidity:     {}", number(state.uid_validity)),
                    format!("uidnext:         {}", number(state.uid_next)),
                    format!("flags:           {}", flags(&state.flags)),
                    format!("permanent flags: {}", flags(&state.permanent_flags)),
                ]
                .join("\n")
            });
        }
        ServerCommand::Search { mailbox, unseen, from, subject, esearch } => {
            let criteria = extensions::Criteria::new(*unseen, from.as_deref(), subject.as_deref());
            client.select_folder(mailbox, true)?;
            extensions::search(&mut client, criteria, *esearch, &out)?;
        }
        ServerCommand::Namespace => extensions::namespace(&mut client, &out)?,
        ServerCommand::Quota { mailbox } => extensions::quota(&mut client, mailbox, &out)?,
        ServerCommand::Id => extensions::id(&mut client, &out)?,
        ServerCommand::Metadata { mailbox, entries } => extensions::metadata(&mut client, mailbox, entries, &out)?,
        ServerCommand::Thread { mailbox, algorithm } => {
            client.select_folder(mailbox, true)?;
            extensions::thread(&mut client, *algorithm, &out)?;
        }
        ServerCommand::Fetch { mailbox, last, .. } => {
            let exists = client.select_folder(mailbox, true)?.exists;
            match set {
                Some(set) => fetch(&mut client, set, &out)?,
                // The latest by sequence number: no SEARCH of every UID first.
                None if exists > 0 && *last > 0 => {
                    let first = exists.saturating_sub(*last - 1).max(1);
                    client.set_use_uid(false);
                    let latest: SeqSet = format!("{first}:{exists}").parse().expect("a valid range");
                    let result = fetch(&mut client, latest, &out);
                    client.set_use_uid(true);
                    result?;
                }
                None => {}
            }
        }
        ServerCommand::Flag { mailbox, which, change } => messages::flag(&mut client, mailbox, which, change, &out)?,
        ServerCommand::Delete { mailbox, which } => messages::delete(&mut client, mailbox, which, &out)?,
        ServerCommand::Copy { mailbox, target, .. } => {
            messages::copy(&mut client, mailbox, set.expect("parsed above"), target, &out)?
        }
        ServerCommand::Cat { mailbox, uid, parts: true, .. } => messages::parts(&mut client, mailbox, *uid, &out)?,
        ServerCommand::Cat { mailbox, uid, keep_charset, .. } => {
            messages::cat(&mut client, mailbox, *uid, part.as_deref(), *keep_charset)?
        }
        ServerCommand::Mkdir { mailbox } => {
            client.create_folder(mailbox)?;
            out.print(&serde_json::json!({ "created": mailbox }), || format!("created {mailbox}"));
        }
        ServerCommand::Rename { from, to } => {
            client.rename_folder(from, to)?;
            out.print(&serde_json::json!({ "renamed": from, "to": to }), || format!("renamed {from} to {to}"));
        }
        ServerCommand::Rmdir { mailbox } => {
            client.delete_folder(mailbox)?;
            out.print(&serde_json::json!({ "deleted": mailbox }), || format!("deleted mailbox {mailbox}"));
        }
        ServerCommand::Idle { mailbox, seconds } => {
            client.select_folder(mailbox, true)?;
            idle(&mut client, mailbox, seconds.map(Duration::from_secs), &out)?;
        }
        ServerCommand::Append { mailbox, flags, .. } => {
            let flags: Vec<Flag<'static>> = flags.iter().map(|f| Flag::from_token(f).into_static()).collect();
            let appended = client.append(mailbox, &message.expect("read above"), &flags, None)?;
            let value = appended.map(|a| AppendedUid { uid_validity: a.uid_validity, uid: a.uid });
            out.print(&value, || match value {
                Some(a) => format!("appended to {mailbox}: UID {} (UIDVALIDITY {})", a.uid, a.uid_validity),
                None => format!("appended to {mailbox} (the server gave no APPENDUID)"),
            });
        }
        ServerCommand::Move { mailbox, target, .. } => {
            let before = client.select_folder(mailbox, false)?.exists;
            let moved = client.move_messages(set.expect("parsed above"), target)?;
            // A server says OK to a MOVE of UIDs that are not there: with no
            // COPYUID and no EXPUNGE, nothing left the mailbox.
            let left = client.session().mailbox().map_or(before, |m| m.exists) < before;
            let value = moved.map(|c| MovedUids {
                uid_validity: c.uid_validity,
                source: c.source.to_string(),
                target: c.target.to_string(),
            });
            out.print(&value, || match &value {
                Some(m) => format!(
                    "moved {mailbox} UIDs {} to {target} as UIDs {} (UIDVALIDITY {})",
                    m.source, m.target, m.uid_validity
                ),
                None if left => format!("moved to {target} (the server gave no COPYUID)"),
                None => format!("no message moved: none of these UIDs is in {mailbox}"),
            });
        }
    }
    Ok(client.logout()?)
}

/// APPENDUID, as `append` prints it with `--json`.
#[derive(Serialize, Clone, Copy)]
struct AppendedUid {
    uid_validity: u32,
    uid: u32,
}

/// COPYUID, as `move` prints it with `--json`.
#[derive(Serialize)]
struct MovedUids {
    uid_validity: u32,
    source: String,
    target: String,
}

pub fn parse_set(uids: &str) -> Result<SeqSet, Failure> {
    uids.parse().map_err(|e| Failure::Usage(format!("bad UID set {uids:?}: {e}")))
}

/// The message for `append`: the file's bytes (stdin for none or `-`),
/// with bare LF line ends turned into CRLF as IMAP requires.
fn read_message(file: Option<&std::path::Path>) -> Result<Vec<u8>, Failure> {
    let mut raw = Vec::new();
    match file {
        Some(path) if path.as_os_str() != "-" => {
            raw = std::fs::read(path).map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))?;
        }
        _ => {
            std::io::stdin().read_to_end(&mut raw).map_err(|e| Failure::Usage(format!("stdin: {e}")))?;
        }
    }
    if raw.is_empty() {
        return Err(Failure::Usage("the message is empty".into()));
    }
    let mut message = Vec::with_capacity(raw.len() + raw.len() / 32);
    for (i, &byte) in raw.iter().enumerate() {
        if byte == b'\n' && (i == 0 || raw[i - 1] != b'\r') {
            message.push(b'\r');
        }
        message.push(byte);
    }
    Ok(message)
}

/// Python IMAPClient's example, then INBOX's status and latest messages.
fn demo(client: &mut Client, out: &Out) -> Result<(), Failure> {
    let caps = client.capabilities()?;
    out.print(&caps, || format!("Capabilities: {}", caps.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(" ")));
    out.text(|| "Listing mailboxes:".to_owned());
    for entry in client.list_folders("", "*")? {
        out.print(&entry_json(&entry), || format!("  {}", list_line(&entry)));
    }
    status(client, "INBOX", out)?;
    client.select_folder("INBOX", true)?;
    let uids = client.search(SearchKey::All)?;
    let latest = &uids[uids.len().saturating_sub(DEMO_MESSAGES)..];
    if !latest.is_empty() {
        out.text(|| format!("Latest {} messages in INBOX:", latest.len()));
        fetch(client, SeqSet::from(latest), out)?;
    }
    Ok(())
}

fn status(client: &mut Client, mailbox: &str, out: &Out) -> Result<(), Failure> {
    let atts = [StatusAtt::Messages, StatusAtt::Recent, StatusAtt::Unseen, StatusAtt::UidNext, StatusAtt::UidValidity];
    let items = client.folder_status(mailbox, &atts)?;
    out.print(&items, || status_line(mailbox, &items));
    Ok(())
}

fn fetch(client: &mut Client, set: SeqSet, out: &Out) -> Result<(), Failure> {
    let items =
        vec![FetchAttr::Uid, FetchAttr::Flags, FetchAttr::InternalDate, FetchAttr::Rfc822Size, FetchAttr::Envelope];
    let messages = client.fetch(set, items)?;
    if out.json {
        messages.iter().for_each(|m| out.print(&message_json(m), String::new));
    } else if !messages.is_empty() {
        super::output::say(table(&messages));
    }
    Ok(())
}

/// IDLE until `limit` (forever when `None`) or Ctrl-C, renewing it before
/// servers drop an idle client, and prints each response as it arrives.
/// Ctrl-C ends IDLE (DONE) so that the session logs out as after any other
/// command; a second Ctrl-C ends the program at once.
fn idle(client: &mut Client, mailbox: &str, limit: Option<Duration>, out: &Out) -> Result<(), Failure> {
    let interrupted = Arc::new(AtomicBool::new(false));
    let io = |e: std::io::Error| Failure::Usage(format!("cannot catch Ctrl-C: {e}"));
    signal_hook::flag::register_conditional_shutdown(SIGINT, 130, Arc::clone(&interrupted)).map_err(io)?;
    signal_hook::flag::register(SIGINT, Arc::clone(&interrupted)).map_err(io)?;
    let deadline = limit.map(|limit| Instant::now() + limit);
    let mut announced = false;
    loop {
        client.idle()?;
        if !announced {
            let until = limit.map_or("until interrupted".to_owned(), |l| format!("for {} s", l.as_secs()));
            out.note(format_args!("idling in {mailbox} {until}"));
            announced = true;
        }
        let renew = Instant::now() + IDLE_RENEW;
        let stop = deadline.map_or(renew, |d| d.min(renew));
        while let Some(left) = stop.checked_duration_since(Instant::now()).filter(|d| !d.is_zero()) {
            if interrupted.load(Ordering::Relaxed) {
                break;
            }
            // Short waits: the flag is looked at between them.
            for response in client.idle_wait(left.min(CTRL_C_CHECK))? {
                out.print(&response_json(&response), || describe(&response));
            }
        }
        for response in client.idle_done()? {
            out.print(&response_json(&response), || describe(&response));
        }
        if interrupted.load(Ordering::Relaxed) || deadline.is_some_and(|d| Instant::now() >= d) {
            return Ok(());
        }
    }
}

/// How often `idle` looks whether Ctrl-C was pressed.
const CTRL_C_CHECK: Duration = Duration::from_millis(200);
