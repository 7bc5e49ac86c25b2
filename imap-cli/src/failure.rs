//! Why a server command failed, and the exit status that says so.

use imap_core::session::Error;
use std::fmt;

/// Exit status: any error without a more specific status.
pub const OTHER: u8 = 1;
/// Exit status: bad arguments, an unreadable file, no password.
pub const USAGE: u8 = 2;
/// Exit status: the server could not be reached.
pub const CONNECT: u8 = 3;
/// Exit status: TLS failed.
pub const TLS: u8 = 4;
/// Exit status: the login was refused, or would have sent the password in clear.
pub const LOGIN: u8 = 5;
/// Exit status: the server answered NO or BAD to a command other than a login.
pub const REFUSED: u8 = 6;
/// Exit status: the server did not answer in time.
pub const TIMEOUT: u8 = 7;

/// A failed server command.
#[derive(Debug)]
pub enum Failure {
    /// The library reported an error.
    Imap(Error),
    /// The command line or a local file was at fault (exit status 2).
    Usage(String),
}

impl Failure {
    /// The exit status for this failure (the table in `imap-cli --help`).
    pub fn exit_code(&self) -> u8 {
        let error = match self {
            Failure::Usage(_) => return USAGE,
            Failure::Imap(error) => error,
        };
        match error {
            Error::Connect(_) => CONNECT,
            Error::Tls(_) | Error::StartTlsInjection => TLS,
            Error::Timeout => TIMEOUT,
            Error::Insecure(_) => LOGIN,
            error if error.is_auth_failure() => LOGIN,
            Error::Bad { command, .. } | Error::MissingCapability { command, .. } if is_login(command) => LOGIN,
            Error::No { .. } | Error::Bad { .. } => REFUSED,
            _ => OTHER,
        }
    }
}

/// Whether a command name is one that logs in.
fn is_login(command: &str) -> bool {
    let upper = command.to_ascii_uppercase();
    upper.starts_with("LOGIN") || upper.starts_with("AUTHENTICATE")
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Imap(e) => e.fmt(f),
            Failure::Usage(why) => f.write_str(why),
        }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Imap(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_follow_the_table() {
        let no = |command| Failure::Imap(Error::No { command, code: None, text: String::new() });
        assert_eq!(no("LOGIN").exit_code(), LOGIN);
        assert_eq!(no("AUTHENTICATE").exit_code(), LOGIN);
        assert_eq!(no("SELECT").exit_code(), REFUSED);
        assert_eq!(Failure::Imap(Error::Insecure("LOGIN")).exit_code(), LOGIN);
        let io = |kind| std::io::Error::new(kind, "test").into();
        assert_eq!(Failure::Imap(Error::Connect(io(std::io::ErrorKind::ConnectionRefused))).exit_code(), CONNECT);
        assert_eq!(Failure::Imap(Error::Tls(io(std::io::ErrorKind::InvalidData))).exit_code(), TLS);
        assert_eq!(Failure::Imap(Error::Timeout).exit_code(), TIMEOUT);
        assert_eq!(Failure::Imap(Error::Closed(String::new())).exit_code(), OTHER);
        assert_eq!(Failure::Usage(String::new()).exit_code(), USAGE);
    }
}
