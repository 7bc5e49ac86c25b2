//! imap-cli: the command-line tool on imap-core.
//!
//! One module per subcommand under `commands/`; this file only reads the
//! command line and maps outcomes to exit statuses (see [`failure`]).
#![forbid(unsafe_code)]

mod commands;
mod failure;
mod trace;

use clap::{CommandFactory, Parser, Subcommand};
use std::process::ExitCode;

/// What `imap-cli --help` says after the one-line summary.
const LONG_ABOUT: &str = "\
An IMAP client on the command line.

The server: --host, else $IMAP_HOST, else the account (--account NAME, or the
default one) of the accounts file $XDG_CONFIG_HOME/imap-cli/config.toml
(~/.config/imap-cli/config.toml). There is no built-in server. Likewise
--port/$IMAP_PORT and --user/$IMAP_USER. For example:

  default_account = \"work\"

  [[account]]
  name = \"work\"
  host = \"imap.example.com\"
  user = \"me@example.com\"
  password_command = \"pass show mail/work\"   # first line of its output

  [[account]]
  name = \"gmail\"
  host = \"imap.gmail.com\"
  user = \"me@gmail.com\"
  token_command = \"oauth2-token gmail\"       # an OAuth2 access token
  # also: port, security = \"tls\" | \"starttls\" | \"plain\", ca_file

Connects with implicit TLS to port 993 unless told otherwise (--starttls or
--plain: port 143), verifying the server's certificate against the system roots
and --ca-file. With a user it logs in: with an OAuth2 token from
--token-command (AUTHENTICATE OAUTHBEARER or XOAUTH2, whichever the server
offers), or a password from --password-command, $IMAP_PASSWORD, the account's
token_command or password_command, or, when stdin is a terminal, a prompt that
does not echo. --json prints one JSON object per line.

A day's use:
  imap-cli list
  imap-cli fetch INBOX                      # the latest 20 messages
  imap-cli cat INBOX 4182 | less            # one message, raw
  imap-cli cat INBOX 4182 --parts           # its parts; then --part 2 > file.pdf
  imap-cli flag INBOX 4182 --add '\\Seen'
  imap-cli delete INBOX --from newsletter@example.com

Progress goes to stderr, only when it is a terminal (not with --quiet or
TERM=dumb; no colours with NO_COLOR). `imap-cli completions bash` prints shell
completions, `imap-cli man` a man page.

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
    /// No progress bars or notes on stderr (errors still go there).
    #[arg(long, short, global = true)]
    quiet: bool,
    /// Print the conversation with the server on stderr: each command and
    /// response, with passwords, tokens and SASL answers redacted and
    /// literal payloads summarised by their size.
    #[arg(long, global = true)]
    trace: bool,
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
    /// Print shell completions for SHELL (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): `imap-cli man > imap-cli.1`.
    Man,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(failure::USAGE) } else { ExitCode::SUCCESS };
        }
    };
    if cli.trace {
        trace::install();
    }
    match &cli.command {
        Command::Parse { file } => commands::parse::run(file.as_deref()),
        Command::Server(command) => finish(commands::server::run(&cli.server, command, cli.json, cli.quiet)),
        Command::Backup(args) => finish(commands::backup::backup(&cli.server, args, cli.json, cli.quiet)),
        Command::Restore(args) => finish(commands::backup::restore(&cli.server, args, cli.json, cli.quiet)),
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "imap-cli", &mut out);
            write_out(&out)
        }
        Command::Man => {
            let mut out = Vec::new();
            match clap_mangen::Man::new(Cli::command()).render(&mut out) {
                Ok(()) => write_out(&out),
                Err(e) => finish(Err(failure::Failure::Usage(format!("cannot render the man page: {e}")))),
            }
        }
    }
}

/// Writes generated text to stdout (status 2 if that fails, as for any output).
fn write_out(bytes: &[u8]) -> ExitCode {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => finish(Err(failure::Failure::Usage(format!("cannot write the output: {e}")))),
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
