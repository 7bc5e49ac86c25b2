//! What can go wrong with a command or a connection.

use crate::command::{EncodeError, Phase, Requires};
use crate::types::{Code, IntoStatic};
use std::fmt;

/// Why a command did not succeed, or why the connection ended.
///
/// `Clone` so that one connection failure can fail every command in flight.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The server refused the command (`NO`): its text and response code.
    No {
        /// The command's name.
        command: &'static str,
        /// The response code, if any (`TRYCREATE`, `ALERT`, ...).
        code: Option<Code<'static>>,
        /// The server's text.
        text: String,
    },
    /// The server did not understand the command (`BAD`).
    Bad {
        /// The command's name.
        command: &'static str,
        /// The response code, if any.
        code: Option<Code<'static>>,
        /// The server's text.
        text: String,
    },
    /// The server closed the session (`BYE`) before the command completed.
    Bye {
        /// The response code, if any.
        code: Option<Code<'static>>,
        /// The server's text.
        text: String,
    },
    /// The command is not allowed in the session's state.
    WrongState {
        /// The command's name.
        command: &'static str,
        /// The phases it may be sent in.
        needs: Requires,
        /// The phase the session is (or will be, after the commands in flight) in.
        state: Phase,
    },
    /// A streaming command is running: another must wait until it completes.
    StreamingInProgress {
        /// The command refused.
        command: &'static str,
    },
    /// The command needs a capability the server did not advertise.
    MissingCapability {
        /// The command's name.
        command: &'static str,
        /// The capability it needs.
        capability: &'static str,
    },
    /// The command could not be encoded (nothing was sent).
    Encode(EncodeError),
    /// A response from the server did not frame or parse.
    Protocol(String),
    /// Plaintext arrived after the server's OK to STARTTLS and before the
    /// TLS handshake: a man-in-the-middle injection. The connection is closed.
    StartTlsInjection,
    /// The connection ended before the command completed; never a short
    /// result presented as complete.
    Closed(String),
    /// The server could not be reached (refused, unreachable, no address).
    Connect(String),
    /// TLS failed: the certificate was refused (unknown issuer, wrong host,
    /// expired) or the handshake broke.
    Tls(String),
    /// No answer in time.
    Timeout,
    /// A password would travel in clear: the connection has no TLS and
    /// plaintext logins were not allowed. Names the command.
    Insecure(&'static str),
    /// Writing streamed data to the caller's sink failed (a full disk, a
    /// closed pipe); the command itself ran to completion, its data dropped.
    Sink(String),
}

impl Error {
    /// The response code of a `NO`, `BAD` or `BYE`, if any.
    pub fn code(&self) -> Option<&Code<'static>> {
        match self {
            Error::No { code, .. } | Error::Bad { code, .. } | Error::Bye { code, .. } => code.as_ref(),
            _ => None,
        }
    }

    pub(crate) fn from_status(
        command: &'static str,
        status: crate::types::Status,
        code: Option<Code<'_>>,
        text: &crate::types::IString<'_>,
    ) -> Error {
        let (code, text) = (code.map(IntoStatic::into_static), text.to_str_lossy().into_owned());
        match status {
            crate::types::Status::No => Error::No { command, code, text },
            crate::types::Status::Bye => Error::Bye { code, text },
            _ => Error::Bad { command, code, text },
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let code = |code: &Option<Code<'static>>| code.as_ref().map(|c| format!(" [{c}]")).unwrap_or_default();
        match self {
            Error::No { command, code: c, text } => write!(f, "{command} failed (NO{}): {text}", code(c)),
            Error::Bad { command, code: c, text } => write!(f, "{command} rejected (BAD{}): {text}", code(c)),
            Error::Bye { code: c, text } => write!(f, "server closed the session (BYE{}): {text}", code(c)),
            Error::WrongState { command, needs, state } => {
                write!(f, "{command} needs {needs}, but the session is {state}")
            }
            Error::StreamingInProgress { command } => {
                write!(f, "{command} must wait: a streaming command is still running")
            }
            Error::MissingCapability { command, capability } => {
                write!(f, "{command} needs the server capability {capability}, which it does not advertise")
            }
            Error::Encode(e) => write!(f, "cannot encode the command: {e}"),
            Error::Protocol(e) => write!(f, "protocol error: {e}"),
            Error::StartTlsInjection => {
                f.write_str("plaintext received after STARTTLS was accepted: connection closed")
            }
            Error::Closed(why) => write!(f, "connection closed: {why}"),
            Error::Connect(why) => write!(f, "cannot connect: {why}"),
            Error::Tls(why) => write!(f, "TLS failed: {why}"),
            Error::Timeout => f.write_str("timed out waiting for the server"),
            Error::Insecure(command) => {
                write!(f, "{command} refused: the connection is not encrypted (use TLS or allow plaintext logins)")
            }
            Error::Sink(why) => write!(f, "cannot write the streamed data: {why}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<EncodeError> for Error {
    fn from(e: EncodeError) -> Self {
        Error::Encode(e)
    }
}
