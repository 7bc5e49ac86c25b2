//! Where the examples connect: settings from environment variables, the
//! same for every example, so none of them has a server built in.
//!
//! | variable | meaning | default |
//! |---|---|---|
//! | `IMAP_HOST` | server host name | `127.0.0.1` (never a remote host) |
//! | `IMAP_TLS` | `implicit`, `starttls` or `plain` | `implicit` |
//! | `IMAP_PORT` | server port | 993 for `implicit`, else 143 |
//! | `IMAP_USER` | user name | required |
//! | `IMAP_PASSWORD` | password | required where a password is used |
//! | `IMAP_CA_FILE` | PEM file of a CA to trust besides the system's roots | none |
//! | `IMAP_MAILBOX` | the mailbox to work on | `INBOX` |
//!
//! `plain` sends the password without TLS: the examples allow it only to
//! this machine, for trying them against a local test server.
//!
//! [`Settings`] needs the `net` feature (the Client); `sans_io`, which
//! does without it, uses only the helpers [`optional`], [`required`] and
//! [`report`].
#![allow(dead_code)] // each example uses its own subset

#[cfg(feature = "net")]
use imap_core::{reactor::TlsOptions, ClientOptions, TlsMode};
use std::error::Error;
#[cfg(feature = "net")]
use std::path::PathBuf;
use std::process::ExitCode;

/// An example's outcome as its exit status, the error printed with its
/// Display (which says what happened) rather than `main`'s Debug.
pub fn report(result: Result<(), Box<dyn Error>>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The settings of one run.
#[cfg(feature = "net")]
#[derive(Debug, Clone)]
pub struct Settings {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    pub user: String,
    pub ca_file: Option<PathBuf>,
    pub mailbox: String,
}

#[cfg(feature = "net")]
impl Settings {
    /// Reads the settings from the environment (see the module docs).
    pub fn from_env() -> Result<Settings, Box<dyn Error>> {
        let settings = Settings::read_env()?;
        settings.check_plain_is_local()?;
        Ok(settings)
    }

    fn read_env() -> Result<Settings, Box<dyn Error>> {
        let tls = match optional("IMAP_TLS").as_deref() {
            None | Some("implicit") => TlsMode::Implicit,
            Some("starttls") => TlsMode::StartTls,
            Some("plain") => TlsMode::None,
            Some(other) => return Err(format!("IMAP_TLS must be implicit, starttls or plain, not {other:?}").into()),
        };
        let port = match optional("IMAP_PORT") {
            Some(port) => port.parse().map_err(|e| format!("IMAP_PORT {port:?}: {e}"))?,
            None if tls == TlsMode::Implicit => 993,
            None => 143,
        };
        Ok(Settings {
            host: optional("IMAP_HOST").unwrap_or_else(|| "127.0.0.1".to_owned()),
            port,
            tls,
            user: required("IMAP_USER")?,
            ca_file: optional("IMAP_CA_FILE").map(PathBuf::from),
            mailbox: optional("IMAP_MAILBOX").unwrap_or_else(|| "INBOX".to_owned()),
        })
    }

    /// `IMAP_PASSWORD`.
    pub fn password(&self) -> Result<String, Box<dyn Error>> {
        required("IMAP_PASSWORD")
    }

    /// Refuses `IMAP_TLS=plain` to anything but this machine: secrets
    /// would cross the network in clear.
    pub fn check_plain_is_local(&self) -> Result<(), Box<dyn Error>> {
        let local = matches!(self.host.as_str(), "127.0.0.1" | "::1" | "localhost");
        if self.tls == TlsMode::None && !local {
            return Err(
                format!("IMAP_TLS=plain only to this machine (127.0.0.1, ::1, localhost), not {}", self.host).into()
            );
        }
        Ok(())
    }

    /// Client options for these settings: certificates verified against the
    /// system's roots plus `IMAP_CA_FILE`; a password in clear allowed only
    /// for `IMAP_TLS=plain`.
    pub fn options(&self) -> ClientOptions {
        let mut tls = TlsOptions::new();
        if let Some(ca) = &self.ca_file {
            tls = tls.add_ca_file(ca);
        }
        ClientOptions::default().with_tls(tls).with_allow_plaintext_login(self.tls == TlsMode::None)
    }
}

/// Refuses any host but this machine, for plain TCP.
pub fn check_local(host: &str) -> Result<(), Box<dyn Error>> {
    if !matches!(host, "127.0.0.1" | "::1" | "localhost") {
        return Err(format!("IMAP_TLS=plain only to this machine (127.0.0.1, ::1, localhost), not {host}").into());
    }
    Ok(())
}

/// An environment variable, `None` when unset or empty.
pub fn optional(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// An environment variable that must be set.
pub fn required(name: &str) -> Result<String, Box<dyn Error>> {
    optional(name).ok_or_else(|| format!("set {name} (see the table in examples/common/mod.rs)").into())
}
