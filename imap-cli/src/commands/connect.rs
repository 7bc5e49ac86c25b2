//! The options every server command shares, and the connection they make.

use crate::failure::Failure;
use clap::Args;
use imap_core::client::{Client, ClientOptions, TlsMode};
use imap_core::reactor::TlsOptions;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

/// The environment variable that holds the password.
pub const PASSWORD_ENV: &str = "IMAP_PASSWORD";

/// How to reach and log in to the server.
#[derive(Args, Debug, Clone)]
pub struct Server {
    /// Server host name or address.
    #[arg(long, default_value = "127.0.0.1", global = true)]
    pub host: String,
    /// Port (default: 993 with --tls, 143 with --starttls or --plain).
    #[arg(long, global = true)]
    pub port: Option<u16>,
    /// Implicit TLS, from the first byte (IMAPS; the default).
    #[arg(long, global = true, conflicts_with_all = ["starttls", "plain"])]
    pub tls: bool,
    /// Plain connection upgraded with STARTTLS before anything else.
    #[arg(long, global = true, conflicts_with = "plain")]
    pub starttls: bool,
    /// No TLS at all (logging in also needs --allow-plaintext-login).
    #[arg(long, global = true)]
    pub plain: bool,
    /// A CA certificate (PEM) to trust besides the system roots, for a private server.
    #[arg(long, global = true, value_name = "PEM")]
    pub ca_file: Option<PathBuf>,
    /// DANGER: accept any certificate (no verification at all).
    #[arg(long, global = true)]
    pub insecure_accept_any_certificate: bool,
    /// Allow sending the password over a connection without TLS.
    #[arg(long, global = true)]
    pub allow_plaintext_login: bool,
    /// User name; the password comes from $IMAP_PASSWORD or a prompt.
    #[arg(long, global = true)]
    pub user: Option<String>,
    /// Seconds a command may take.
    #[arg(long, default_value_t = 120, global = true, value_name = "SECONDS")]
    pub timeout: u64,
    /// Compress the connection (COMPRESS=DEFLATE, RFC 4978) after logging in.
    #[arg(long, global = true)]
    pub compress: bool,
}

impl Server {
    /// The connection security the flags ask for.
    pub fn mode(&self) -> TlsMode {
        if self.starttls {
            TlsMode::StartTls
        } else if self.plain {
            TlsMode::None
        } else {
            TlsMode::Implicit
        }
    }

    /// Connects and, when a user is given, logs in.
    pub fn connect(&self) -> Result<Client, Failure> {
        let mode = self.mode();
        // Ask for the password before connecting: a prompt must not hold an
        // open connection while the user types.
        let password = self.user.as_ref().map(|user| self.password(user)).transpose()?;
        let port = self.port.unwrap_or(if mode == TlsMode::Implicit { 993 } else { 143 });
        let mut tls = TlsOptions::new();
        if let Some(ca) = &self.ca_file {
            if !ca.is_file() {
                return Err(Failure::Usage(format!("--ca-file {}: no such file", ca.display())));
            }
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
        if let (Some(user), Some(password)) = (&self.user, password) {
            client.login(user, &password)?;
        }
        if self.compress {
            client.compress()?;
        }
        Ok(client)
    }

    /// `$IMAP_PASSWORD`, else a no-echo prompt when stdin is a terminal.
    fn password(&self, user: &str) -> Result<String, Failure> {
        if let Some(password) = std::env::var_os(PASSWORD_ENV) {
            return password.into_string().map_err(|_| Failure::Usage(format!("{PASSWORD_ENV} is not valid UTF-8")));
        }
        if !std::io::stdin().is_terminal() {
            return Err(Failure::Usage(format!(
                "no password for {user}: set {PASSWORD_ENV} (stdin is not a terminal, so there is no prompt)"
            )));
        }
        rpassword::prompt_password(format!("Password for {user}@{}: ", self.host))
            .map_err(|e| Failure::Usage(format!("cannot read the password: {e}")))
    }
}
