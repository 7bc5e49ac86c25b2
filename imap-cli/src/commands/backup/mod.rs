//! `backup` and `restore`: mailboxes to Maildirs with a state file each, and
//! back. The layout is in [`maildir`], the backup itself in [`engine`] (a
//! sans-IO state machine driven by a `Client`, or with `--config` by one
//! reactor for every account: [`multi`]), the restore in [`mod@restore`].

pub mod engine;
pub mod lock;
pub mod maildir;
pub mod multi;
pub mod progress;
pub mod restore;

use super::connect::Server;
use crate::failure::Failure;
use clap::Args;
use engine::{Engine, Tuning};
use imap_core::client::Client;
use imap_core::session::Error;
use progress::Progress;
use serde_json::json;
use std::collections::VecDeque;
use std::path::PathBuf;

/// `imap-cli backup`.
#[derive(Args, Debug)]
pub struct BackupArgs {
    /// The backup directory: one Maildir per mailbox, the hierarchy as
    /// nested directories (with --config: one directory per account).
    #[arg(long, value_name = "DIR")]
    pub to: PathBuf,
    /// A mailbox to back up (repeatable; default: every mailbox).
    #[arg(long = "mailbox", value_name = "MAILBOX", conflicts_with = "all")]
    pub mailboxes: Vec<String>,
    /// Every selectable mailbox (the default).
    #[arg(long)]
    pub all: bool,
    /// Back up every account of this TOML file, concurrently on one thread
    /// (the server options and --mailbox are then taken from the file).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Most messages in one FETCH of message bodies.
    #[arg(long, default_value_t = Tuning::default().chunk, value_name = "N")]
    pub chunk: usize,
    /// Most FETCHes of bodies in flight at once (pipelined).
    #[arg(long, default_value_t = Tuning::default().in_flight, value_name = "N")]
    pub in_flight: usize,
    /// Remove messages expunged on the server from the backup (by default
    /// they move to the mailbox's `expunged/` directory).
    #[arg(long)]
    pub prune: bool,
}

/// `imap-cli restore`.
#[derive(Args, Debug)]
pub struct RestoreArgs {
    /// A directory written by `imap-cli backup`.
    #[arg(long, value_name = "DIR")]
    pub from: PathBuf,
    /// Only this mailbox (repeatable; default: every mailbox of the backup).
    #[arg(long = "mailbox", value_name = "MAILBOX")]
    pub mailboxes: Vec<String>,
}

/// Runs `backup`.
pub fn backup(server: &Server, args: &BackupArgs, json: bool, quiet: bool) -> Result<(), Failure> {
    let progress = Progress::new(json, quiet);
    let tuning = Tuning { chunk: args.chunk.max(1), in_flight: args.in_flight.max(1) };
    // Two backups of one directory would write the same state files.
    let _lock = lock::Lock::take(&args.to)?;
    if let Some(file) = &args.config {
        return multi::run(file, &args.to, tuning, args.prune, &progress);
    }
    let mut client = server.connect()?;
    let wanted = if args.mailboxes.is_empty() { None } else { Some(args.mailboxes.clone()) };
    let mut engine = Engine::new("", &args.to, wanted, progress.clone(), tuning).prune(args.prune);
    drive(&mut client, &mut engine)?;
    client.logout()?;
    let report = engine.report();
    progress.event(json!({
        "event": "finished", "action": "backup", "mailboxes": report.mailboxes, "new_messages": report.messages,
        "new_bytes": report.bytes, "flag_updates": report.flag_updates, "expunged": report.expunged,
        "skipped": report.skipped.iter().map(|(m, _)| m).collect::<Vec<_>>(),
    }));
    Ok(())
}

/// Drives `engine` on a blocking client: sends what it asks for (several
/// commands pipelined when it asks for several) and hands back each
/// completion in order.
pub fn drive(client: &mut Client, engine: &mut Engine) -> Result<(), Failure> {
    let mut pending = VecDeque::new();
    loop {
        for (command, purpose) in engine.poll_commands(client.session())? {
            pending.push_back((client.send(command)?, purpose));
        }
        let Some((tag, purpose)) = pending.pop_front() else {
            if engine.is_done() {
                return Ok(());
            }
            return Err(Failure::Imap(Error::Protocol("the backup has nothing to wait for".into())));
        };
        let result = client.wait(&tag);
        engine.on_complete(purpose, result, client.session())?;
    }
}

/// Runs `restore`.
pub fn restore(server: &Server, args: &RestoreArgs, json: bool, quiet: bool) -> Result<(), Failure> {
    let progress = Progress::new(json, quiet);
    if !args.from.is_dir() {
        return Err(Failure::Usage(format!("{}: not a directory", args.from.display())));
    }
    let mut client = server.connect()?;
    let done = restore::run(&mut client, &args.from, &args.mailboxes, &progress)?;
    client.logout()?;
    progress.event(json!({
        "event": "finished", "action": "restore", "appended": done.appended,
        "already_present": done.present, "missing_files": done.missing,
    }));
    Ok(())
}
