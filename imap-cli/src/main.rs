//! imap-cli: the command-line tool on imap-core.
//!
//! One module per subcommand under `commands/`; this file only reads the
//! command line and maps outcomes to exit statuses.
#![forbid(unsafe_code)]

mod commands;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// An IMAP client on the command line.
#[derive(Parser)]
#[command(name = "imap-cli", version, about)]
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
    #[command(flatten)]
    Server(commands::server::ServerCommand),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    match &cli.command {
        Command::Parse { file } => commands::parse::run(file.as_deref()),
        Command::Server(command) => match commands::server::run(&cli.server, command, cli.json) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("imap-cli: {e}");
                ExitCode::from(1)
            }
        },
    }
}
