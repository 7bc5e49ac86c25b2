//! What can go wrong with a command or a connection.

use crate::command::{EncodeError, Phase, Requires};
use crate::types::{Code, IntoStatic};
use std::fmt;
use std::io;
use std::sync::Arc;

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
    /// result presented as complete. Says why (the server closed it, the
    /// session was closed, ...); an I/O failure is [`Error::Io`].
    Closed(String),
    /// The server could not be reached (refused, unreachable, no address):
    /// the I/O error, with the address in its message.
    Connect(IoError),
    /// TLS failed: the certificate was refused (unknown issuer, wrong host,
    /// expired), the handshake broke, or the configuration could not be
    /// built. The I/O error's inner error is rustls' (or the
    /// configuration's) when there is one: see [`std::error::Error::source`].
    Tls(IoError),
    /// The connection failed while it was up (reset, broken pipe) or the
    /// poll itself failed.
    Io(IoError),
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
    /// The kind of the I/O error behind a [`Connect`](Error::Connect),
    /// [`Tls`](Error::Tls) or [`Io`](Error::Io) failure, or `TimedOut` for a
    /// [`Timeout`](Error::Timeout).
    pub fn io_kind(&self) -> Option<io::ErrorKind> {
        match self {
            Error::Connect(e) | Error::Tls(e) | Error::Io(e) => Some(e.kind()),
            Error::Timeout => Some(io::ErrorKind::TimedOut),
            _ => None,
        }
    }

    /// Whether the server refused the credentials: a `NO` to LOGIN or
    /// AUTHENTICATE, or a response code that says so
    /// (`AUTHENTICATIONFAILED`, `AUTHORIZATIONFAILED`, `EXPIRED`). Asking the
    /// user again helps; retrying the same credentials does not.
    ///
    /// ```
    /// use imap_core::session::Error;
    ///
    /// let refused = Error::No { command: "LOGIN", code: None, text: "Invalid credentials".into() };
    /// assert!(refused.is_auth_failure());
    /// assert!(!refused.is_transient());
    /// ```
    pub fn is_auth_failure(&self) -> bool {
        use crate::types::{Code, ErrorCode};
        let by_code = matches!(
            self.code(),
            Some(Code::Error(ErrorCode::AuthenticationFailed | ErrorCode::AuthorizationFailed | ErrorCode::Expired))
        );
        let by_command = matches!(self, Error::No { command: "LOGIN" | "AUTHENTICATE", .. });
        by_code || by_command
    }

    /// Whether trying again later, on a new connection, may succeed: the
    /// network or the server failed (could not connect, the connection broke
    /// or timed out, the server said BYE or `UNAVAILABLE`/`INUSE`), as
    /// opposed to a command, a certificate or credentials it refused.
    pub fn is_transient(&self) -> bool {
        use crate::types::{Code, ErrorCode};
        match self {
            Error::Connect(_) | Error::Io(_) | Error::Timeout | Error::Closed(_) => true,
            Error::Bye { .. } => !self.is_auth_failure(),
            Error::No { .. } => {
                matches!(self.code(), Some(Code::Error(ErrorCode::Unavailable | ErrorCode::InUse)))
            }
            _ => false,
        }
    }

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
            Error::Connect(e) => write!(f, "cannot connect: {e}"),
            Error::Tls(e) => write!(f, "TLS failed: {e}"),
            Error::Io(e) => write!(f, "connection failed: {e}"),
            Error::Timeout => f.write_str("timed out waiting for the server"),
            Error::Insecure(command) => {
                write!(f, "{command} refused: the connection is not encrypted (use TLS or allow plaintext logins)")
            }
            Error::Sink(why) => write!(f, "cannot write the streamed data: {why}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Connect(e) | Error::Tls(e) | Error::Io(e) => Some(e.get_ref()),
            Error::Encode(e) => Some(e),
            _ => None,
        }
    }
}

/// An I/O error kept whole inside [`Error`], shared so that one failure can
/// fail every command in flight (`Error` is `Clone`). Two are equal when
/// their kinds and messages are.
#[derive(Debug, Clone)]
pub struct IoError(Arc<io::Error>);

impl IoError {
    /// The I/O error.
    pub fn get_ref(&self) -> &io::Error {
        &self.0
    }

    /// Its kind.
    pub fn kind(&self) -> io::ErrorKind {
        self.0.kind()
    }
}

impl From<io::Error> for IoError {
    fn from(e: io::Error) -> Self {
        IoError(Arc::new(e))
    }
}

impl PartialEq for IoError {
    fn eq(&self, other: &Self) -> bool {
        self.kind() == other.kind() && self.0.to_string() == other.0.to_string()
    }
}

impl Eq for IoError {}

impl std::error::Error for IoError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

impl fmt::Display for IoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl From<EncodeError> for Error {
    fn from(e: EncodeError) -> Self {
        Error::Encode(e)
    }
}
