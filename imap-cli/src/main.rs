//! imap-cli: the command-line tool on imap-core.
//!
//! One module per subcommand under `commands/`; this file only reads the
//! command line and maps outcomes to exit statuses (see [`failure`]).
#![forbid(unsafe_code)]

mod commands;
mod failure;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// What `imap-cli --help` says after the one-line summary.
const LONG_ABOUT: &str = "\
An IMAP client on the command line.

Connects with implicit TLS to port 993 unless told otherwise (--starttls or
--plain: port 143), verifying the server's certificate against the system roots
and --ca-file. With --user it logs in; the password comes from the environment
variable IMAP_PASSWORD or, when that is unset and stdin is a terminal, from a
prompt that does not echo. --json prints one JSON object per line.

Exit status:
  0  success
  1  any other error (protocol error, connection closed, ...)
  2  usage or I/O error (bad arguments, unreadable file, no password, closed output)
  3  the server could not be reached (connection refused, unreachable, no address)
  4  TLS failed (untrusted or wrong certificate, broken handshake)
  5  login failed (LOGIN/AUTHENTICATE refused, or a password would go in clear)
  6  the server refused a command (NO or BAD), e.g. a mailbox that does not exist
  7  timed out waiting for the server

Errors are printed on stderr, starting with \"imap-cli: \".";

/// An IMAP client on the command line.
#[derive(Parser)]
#[command(name = "imap-cli", version, about, long_about = LONG_ABOUT)]
struct Cli {
    /// Print results as JSON lines.
    #[arg(long, global = true)]
    json: bool,
    #[command(flatten)]
    server: commands::connect::Server,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse raw server responses (as on the wire) from FILE or stdin and
    /// print one JSON object per response.
    ///
    /// Exit status: 0 when every response parsed, 1 when any did not,
    /// 2 for usage or I/O errors. Bytes that are not UTF-8 are printed as
    /// {"utf8_lossy": ..., "hex": ...}; dates in ISO 8601; mailbox names
    /// decoded from modified UTF-7 with the raw name beside them.
    Parse {
        /// The file to read; stdin when absent or "-".
        file: Option<std::path::PathBuf>,
    },
    /// Back up mailboxes into Maildirs under DIR, one per mailbox, with a
    /// state file each; a second run fetches only what is new and the flags
    /// that changed. Interrupted, a rerun goes on where it stopped.
    Backup(commands::backup::BackupArgs),
    /// Append the messages of a backup (flags, internal dates) to the
    /// server, creating missing mailboxes and skipping messages already
    /// there (same Message-ID and size): running it twice appends nothing more.
    /// Names follow this server's hierarchy (its delimiter and personal
    /// prefix: Archive/2024 becomes INBOX.Archive.2024 on Courier); a mailbox
    /// that fails does not stop the others.
    Restore(commands::backup::RestoreArgs),
    #[command(flatten)]
    Server(commands::server::ServerCommand),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(failure::USAGE) } else { ExitCode::SUCCESS };
        }
    };
    match &cli.command {
        Command::Parse { file } => commands::parse::run(file.as_deref()),
        Command::Server(command) => finish(commands::server::run(&cli.server, command, cli.json)),
        Command::Backup(args) => finish(commands::backup::backup(&cli.server, args, cli.json)),
        Command::Restore(args) => finish(commands::backup::restore(&cli.server, args, cli.json)),
    }
}

/// The exit status of a server command's outcome (its error on stderr).
fn finish(outcome: Result<(), failure::Failure>) -> ExitCode {
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("imap-cli: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
