//! The options every server command shares, and the connection they make.

use clap::{Args, ValueEnum};
use imap_core::client::{Client, ClientOptions, TlsMode};
use imap_core::reactor::TlsOptions;
use imap_core::session::Error;
use std::path::PathBuf;
use std::time::Duration;

/// How to reach and log in to the server.
#[derive(Args, Debug, Clone)]
pub struct Server {
    /// Server host name or address.
    #[arg(long, default_value = "127.0.0.1", global = true)]
    pub host: String,
    /// Port (default: 993 for implicit TLS, else 143).
    #[arg(long, global = true)]
    pub port: Option<u16>,
    /// Connection security.
    #[arg(long, value_enum, default_value_t = Security::Implicit, global = true)]
    pub tls: Security,
    /// A CA certificate (PEM) to trust besides the system roots, for a private server.
    #[arg(long, global = true)]
    pub ca_file: Option<PathBuf>,
    /// DANGER: accept any certificate (no verification at all).
    #[arg(long, global = true)]
    pub insecure_accept_any_certificate: bool,
    /// Allow sending the password over a connection without TLS.
    #[arg(long, global = true)]
    pub allow_plaintext_login: bool,
    /// User name.
    #[arg(long, global = true)]
    pub user: Option<String>,
    /// Environment variable that holds the password.
    #[arg(long, default_value = "IMAP_PASSWORD", global = true)]
    pub password_env: String,
    /// Seconds a command may take.
    #[arg(long, default_value_t = 120, global = true)]
    pub timeout: u64,
}

/// Connection security.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// TLS from the first byte (IMAPS).
    Implicit,
    /// Plain, then STARTTLS.
    Starttls,
    /// No TLS.
    None,
}

impl Server {
    /// Connects and, when a user is given, logs in.
    pub fn connect(&self) -> Result<Client, Error> {
        let mode = match self.tls {
            Security::Implicit => TlsMode::Implicit,
            Security::Starttls => TlsMode::StartTls,
            Security::None => TlsMode::None,
        };
        let port = self.port.unwrap_or(if mode == TlsMode::Implicit { 993 } else { 143 });
        let mut tls = TlsOptions::new();
        if let Some(ca) = &self.ca_file {
            tls = tls.add_ca_file(ca);
        }
        if self.insecure_accept_any_certificate {
            tls = tls.dangerous_accept_any_certificate();
        }
        let options = ClientOptions {
            tls,
            command_timeout: Duration::from_secs(self.timeout),
            allow_plaintext_login: self.allow_plaintext_login,
            ..ClientOptions::default()
        };
        let mut client = Client::connect(&self.host, port, mode, &options)?;
        if let Some(user) = &self.user {
            let password = std::env::var(&self.password_env).map_err(|_| {
                Error::Closed(format!("set the password in the environment variable {}", self.password_env))
            })?;
            client.login(user, &password)?;
        }
        Ok(client)
    }
}
