//! The options every server command shares, where the missing ones come
//! from (environment, then the accounts file), and the connection they make.

use super::config::{self, Account};
use crate::failure::Failure;
use clap::Args;
use imap_core::client::{Client, ClientOptions, TlsMode};
use imap_core::reactor::TlsOptions;
use imap_core::session::Error;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

/// The environment variable that holds the password.
pub const PASSWORD_ENV: &str = "IMAP_PASSWORD";
/// The environment variable that names the server when `--host` does not.
pub const HOST_ENV: &str = "IMAP_HOST";
/// The environment variable that holds the user name when `--user` does not.
pub const USER_ENV: &str = "IMAP_USER";
/// The environment variable that holds the port when `--port` does not.
pub const PORT_ENV: &str = "IMAP_PORT";

/// How to reach and log in to the server.
#[derive(Args, Debug, Clone)]
pub struct Server {
    /// An account of the config file (default: its default_account, or its
    /// only account). Flags and IMAP_* variables override its settings.
    #[arg(long, global = true, value_name = "NAME")]
    pub account: Option<String>,
    /// Server host name or address (else $IMAP_HOST, else the account's).
    #[arg(long, global = true)]
    pub host: Option<String>,
    /// Port (else $IMAP_PORT, else the account's; default: 993 with TLS,
    /// 143 with --starttls or --plain).
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
    /// Allow sending the password or token over a connection without TLS.
    #[arg(long, global = true)]
    pub allow_plaintext_login: bool,
    /// User name (else $IMAP_USER, else the account's).
    #[arg(long, global = true)]
    pub user: Option<String>,
    /// A shell command that prints the password (first line of its output).
    #[arg(long, global = true, value_name = "COMMAND", conflicts_with = "token_command")]
    pub password_command: Option<String>,
    /// A shell command that prints an OAuth2 access token; logs in with
    /// AUTHENTICATE OAUTHBEARER or XOAUTH2, whichever the server offers.
    #[arg(long, global = true, value_name = "COMMAND")]
    pub token_command: Option<String>,
    /// Seconds a command may take.
    #[arg(long, default_value_t = 120, global = true, value_name = "SECONDS")]
    pub timeout: u64,
    /// Compress the connection (COMPRESS=DEFLATE, RFC 4978) after logging in.
    #[arg(long, global = true)]
    pub compress: bool,
}

/// How to log in, once the sources are weighed.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Secret {
    /// Run this command for the password; `what` names it in errors.
    PasswordCommand { what: String, command: String },
    /// Run this command for an OAuth2 token.
    TokenCommand { what: String, command: String },
    /// `$IMAP_PASSWORD`, else a prompt.
    EnvOrPrompt,
}

/// Everything a connection needs, from flags, environment and account.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Settings {
    host: String,
    port: u16,
    mode: TlsMode,
    user: Option<String>,
    secret: Secret,
    ca_file: Option<PathBuf>,
    insecure: bool,
    allow_plaintext_login: bool,
}

/// A password or token, kept out of Debug output.
enum Credential {
    Password(String),
    Token(String),
}

impl Server {
    /// The settings: each from its flag, else its environment variable,
    /// else the account (`--account`, or the accounts file's default).
    fn settings(&self) -> Result<Settings, Failure> {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        // A host named on the command line or in the environment is another
        // server than the default account's: that account's settings (port,
        // user, password command) do not apply to it. --account always does.
        let host_given = self.host.is_some() || env(HOST_ENV).is_some();
        let file = if self.account.is_some() || !host_given { config::load_default()? } else { None };
        let account: Option<&Account> = match (&file, &self.account) {
            (Some((path, config)), name) => config.account(name.as_deref(), path)?,
            (None, Some(name)) => {
                let place = config::default_path().map_or("no config file".to_owned(), |p| p.display().to_string());
                return Err(Failure::Usage(format!("--account {name}: no accounts file ({place})")));
            }
            (None, None) => None,
        };
        let host = self.host.clone().or_else(|| env(HOST_ENV)).or_else(|| account.map(|a| a.host.clone()));
        let Some(host) = host else {
            let place = config::default_path()
                .map_or("$XDG_CONFIG_HOME/imap-cli/config.toml".to_owned(), |p| p.display().to_string());
            return Err(Failure::Usage(format!(
                "no server: pass --host HOST, set {HOST_ENV}, or add an account to {place} (imap-cli --help shows one)"
            )));
        };
        let mode = if self.starttls {
            TlsMode::StartTls
        } else if self.plain {
            TlsMode::None
        } else if self.tls {
            TlsMode::Implicit
        } else {
            account.map_or(TlsMode::Implicit, Account::mode)
        };
        let env_port = match env(PORT_ENV) {
            Some(p) => Some(p.parse::<u16>().map_err(|_| Failure::Usage(format!("{PORT_ENV}={p}: not a port")))?),
            None => None,
        };
        // The account's port goes with the account's security: a flag that
        // changes the security drops it.
        let account_port = account.filter(|a| a.mode() == mode).and_then(|a| a.port);
        let port = self.port.or(env_port).or(account_port).unwrap_or(if mode == TlsMode::Implicit { 993 } else { 143 });
        let user = self.user.clone().or_else(|| env(USER_ENV)).or_else(|| account.map(|a| a.user.clone()));
        let secret = if let Some(command) = &self.token_command {
            Secret::TokenCommand { what: "--token-command".into(), command: command.clone() }
        } else if let Some(command) = &self.password_command {
            Secret::PasswordCommand { what: "--password-command".into(), command: command.clone() }
        } else if std::env::var_os(PASSWORD_ENV).is_some() {
            Secret::EnvOrPrompt
        } else if let Some((a, command)) = account.and_then(|a| Some((a, a.token_command.clone()?))) {
            Secret::TokenCommand { what: format!("account {}: token_command", a.name), command }
        } else if let Some((a, command)) = account.and_then(|a| Some((a, a.password_command.clone()?))) {
            Secret::PasswordCommand { what: format!("account {}: password_command", a.name), command }
        } else {
            Secret::EnvOrPrompt
        };
        Ok(Settings {
            host,
            port,
            mode,
            user,
            secret,
            ca_file: self.ca_file.clone().or_else(|| account.and_then(|a| a.ca_file.clone())),
            insecure: self.insecure_accept_any_certificate
                || account.is_some_and(|a| a.insecure_accept_any_certificate),
            allow_plaintext_login: self.allow_plaintext_login || account.is_some_and(|a| a.allow_plaintext_login),
        })
    }

    /// Connects and, when there is a user, logs in (LOGIN with a password,
    /// AUTHENTICATE with a token).
    pub fn connect(&self) -> Result<Client, Failure> {
        let s = self.settings()?;
        // The password or token before connecting: a prompt must not hold an
        // open connection while the user types.
        let credential = s.user.as_ref().map(|user| credential(&s, user)).transpose()?;
        let mut tls = TlsOptions::new();
        if let Some(ca) = &s.ca_file {
            if !ca.is_file() {
                return Err(Failure::Usage(format!("--ca-file {}: no such file", ca.display())));
            }
            tls = tls.add_ca_file(ca);
        }
        if s.insecure {
            tls = tls.dangerous_accept_any_certificate();
        }
        let options = ClientOptions::default()
            .with_tls(tls)
            .with_command_timeout(Duration::from_secs(self.timeout))
            .with_allow_plaintext_login(s.allow_plaintext_login);
        let port = s.port;
        let mut client = Client::connect(&s.host, port, s.mode, &options)?;
        match (&s.user, credential) {
            (Some(user), Some(Credential::Password(password))) => client.login(user, &password)?,
            (Some(user), Some(Credential::Token(token))) => {
                // A bearer token is as good as a password to whoever reads it.
                if s.mode == TlsMode::None && !s.allow_plaintext_login {
                    return Err(Failure::Imap(Error::Insecure("AUTHENTICATE")));
                }
                if client.has_capability("AUTH=OAUTHBEARER")? {
                    client.oauthbearer_login(user, &token)?;
                } else if client.has_capability("AUTH=XOAUTH2")? {
                    client.oauth2_login(user, &token)?;
                } else {
                    return Err(Failure::Imap(Error::MissingCapability {
                        command: "AUTHENTICATE",
                        capability: "AUTH=OAUTHBEARER or AUTH=XOAUTH2",
                    }));
                }
            }
            _ => {}
        }
        if self.compress {
            client.compress()?;
        }
        Ok(client)
    }
}

/// The password or token for `user`, from where the settings say.
fn credential(s: &Settings, user: &str) -> Result<Credential, Failure> {
    match &s.secret {
        Secret::PasswordCommand { what, command } => {
            Ok(Credential::Password(config::run_secret_command(what, command)?))
        }
        Secret::TokenCommand { what, command } => Ok(Credential::Token(config::run_secret_command(what, command)?)),
        Secret::EnvOrPrompt => password(user, &s.host).map(Credential::Password),
    }
}

/// `$IMAP_PASSWORD`, else a no-echo prompt when stdin is a terminal.
fn password(user: &str, host: &str) -> Result<String, Failure> {
    if let Some(password) = std::env::var_os(PASSWORD_ENV) {
        return password.into_string().map_err(|_| Failure::Usage(format!("{PASSWORD_ENV} is not valid UTF-8")));
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure::Usage(format!(
            "no password for {user}: set {PASSWORD_ENV}, pass --password-command, or give the account a \
             password_command (stdin is not a terminal, so there is no prompt)"
        )));
    }
    rpassword::prompt_password(format!("Password for {user}@{host}: "))
        .map_err(|e| Failure::Usage(format!("cannot read the password: {e}")))
}
