//! The accounts file: `$XDG_CONFIG_HOME/imap-cli/config.toml` for every
//! command (`--account NAME`, or the default account), and the same format
//! for `backup --config FILE`, which backs up each account in it.
//!
//! ```toml
//! default_account = "work"                   # optional; a single account is the default anyway
//!
//! [[account]]
//! name = "work"                              # --account work; its directory under backup's --to
//! host = "imap.example.com"
//! port = 993                                 # default: 993 for tls, 143 otherwise
//! security = "tls"                           # tls | starttls | plain
//! user = "me@example.com"
//! password_command = "pass show mail/work"   # run with sh -c; first line of stdout
//! # token_command = "oauth2-token work"      # instead: an OAuth2 access token (XOAUTH2 or OAUTHBEARER)
//! ca_file = "/etc/ssl/private-ca.pem"        # optional
//! mailboxes = ["INBOX", "Sent"]              # optional, for backup; default: all
//! allow_plaintext_login = false              # optional
//! ```

use crate::failure::Failure;
use imap_core::client::TlsMode;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The whole file.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The account commands use without `--account`.
    pub default_account: Option<String>,
    /// The accounts.
    #[serde(rename = "account", default)]
    pub accounts: Vec<Account>,
}

/// Connection security.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// Implicit TLS.
    Tls,
    /// STARTTLS.
    Starttls,
    /// None.
    Plain,
}

/// One account.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// Its name: `--account NAME`, and the directory under backup's `--to`.
    pub name: String,
    /// Server host.
    pub host: String,
    /// Port; default by security.
    pub port: Option<u16>,
    /// tls (default), starttls or plain.
    #[serde(default = "default_security")]
    pub security: Security,
    /// User name.
    pub user: String,
    /// A shell command printing the password.
    pub password_command: Option<String>,
    /// A shell command printing an OAuth2 access token.
    pub token_command: Option<String>,
    /// A CA certificate (PEM) to trust besides the system roots.
    pub ca_file: Option<PathBuf>,
    /// Mailboxes to back up; all when absent.
    pub mailboxes: Option<Vec<String>>,
    /// Allow LOGIN without TLS.
    #[serde(default)]
    pub allow_plaintext_login: bool,
    /// DANGER: accept any certificate.
    #[serde(default)]
    pub insecure_accept_any_certificate: bool,
}

fn default_security() -> Security {
    Security::Tls
}

impl Security {
    /// The TLS mode.
    pub fn mode(self) -> TlsMode {
        match self {
            Security::Tls => TlsMode::Implicit,
            Security::Starttls => TlsMode::StartTls,
            Security::Plain => TlsMode::None,
        }
    }
}

impl Account {
    /// The TLS mode.
    pub fn mode(&self) -> TlsMode {
        self.security.mode()
    }

    /// The port, given or by security.
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(if self.security == Security::Tls { 993 } else { 143 })
    }

    /// Runs `password_command` and returns the first line of its output.
    pub fn password(&self) -> Result<String, Failure> {
        let command = self.password_command.as_deref().ok_or_else(|| {
            Failure::Usage(format!(
                "account {}: no password_command or token_command (backup --config needs one)",
                self.name
            ))
        })?;
        run_secret_command(&format!("account {}: password_command", self.name), command)
    }
}

/// Runs a command that prints a secret (`sh -c COMMAND`) and returns the
/// first line of its output. Errors name `what`, never the output.
pub fn run_secret_command(what: &str, command: &str) -> Result<String, Failure> {
    let out = Command::new("sh")
        .args(["-c", command])
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| Failure::Usage(format!("{what}: {e}")))?;
    if !out.status.success() {
        return Err(Failure::Usage(format!("{what} failed ({})", out.status)));
    }
    let text = String::from_utf8(out.stdout).map_err(|_| Failure::Usage(format!("{what}: its output is not UTF-8")))?;
    let secret = text.lines().next().unwrap_or("").to_owned();
    if secret.is_empty() {
        return Err(Failure::Usage(format!("{what} printed nothing")));
    }
    Ok(secret)
}

/// Where commands look for the accounts file:
/// `$XDG_CONFIG_HOME/imap-cli/config.toml`, else `~/.config/imap-cli/config.toml`.
pub fn default_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").filter(|d| !d.is_empty()).map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("imap-cli").join("config.toml"))
}

impl Config {
    /// The account `name`, or without a name the default one: the file's
    /// `default_account`, else its only account. `None` when there is no
    /// name and no default.
    pub fn account(&self, name: Option<&str>, file: &Path) -> Result<Option<&Account>, Failure> {
        let name = match name.or(self.default_account.as_deref()) {
            Some(name) => name,
            None if self.accounts.len() == 1 => return Ok(self.accounts.first()),
            None => return Ok(None),
        };
        let found = self.accounts.iter().find(|a| a.name == name);
        found.map(Some).ok_or_else(|| {
            let names: Vec<&str> = self.accounts.iter().map(|a| a.name.as_str()).collect();
            Failure::Usage(format!("{}: no account named {name:?} (there are: {})", file.display(), names.join(", ")))
        })
    }
}

/// Reads and checks the file (names unique and usable as directory names,
/// the default account there).
pub fn parse(path: &Path) -> Result<Config, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))?;
    let config: Config = toml::from_str(&text).map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))?;
    for (i, a) in config.accounts.iter().enumerate() {
        if config.accounts[..i].iter().any(|b| b.name == a.name) {
            return Err(Failure::Usage(format!("{}: two accounts named {:?}", path.display(), a.name)));
        }
        super::backup::maildir::mailbox_path(Path::new("/"), &a.name, None)
            .map_err(|why| Failure::Usage(format!("{}: account name {:?}: {why}", path.display(), a.name)))?;
    }
    if let Some(default) = &config.default_account {
        if !config.accounts.iter().any(|a| &a.name == default) {
            return Err(Failure::Usage(format!("{}: default_account {default:?} is not an account", path.display())));
        }
    }
    Ok(config)
}

/// Reads `backup --config FILE`: it must have an account.
pub fn load(path: &Path) -> Result<Config, Failure> {
    let config = parse(path)?;
    if config.accounts.is_empty() {
        return Err(Failure::Usage(format!("{}: no [[account]]", path.display())));
    }
    Ok(config)
}

/// The accounts file at [`default_path`], if there is one.
pub fn load_default() -> Result<Option<(PathBuf, Config)>, Failure> {
    let Some(path) = default_path() else { return Ok(None) };
    if !path.exists() {
        return Ok(None);
    }
    let config = parse(&path)?;
    Ok(Some((path, config)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO: &str = r#"
        default_account = "b"
        [[account]]
        name = "a"
        host = "localhost"
        user = "alice"
        password_command = "echo x"
        [[account]]
        name = "b"
        host = "localhost"
        port = 1143
        security = "starttls"
        user = "bob"
        password_command = "echo y"
        mailboxes = ["INBOX"]
        "#;

    #[test]
    fn parses_accounts() {
        let config: Config = toml::from_str(TWO).unwrap();
        assert_eq!(config.accounts.len(), 2);
        assert_eq!(config.accounts[0].port(), 993);
        assert_eq!(config.accounts[1].mode(), TlsMode::StartTls);
        assert_eq!(config.accounts[1].port(), 1143);
        assert_eq!(config.accounts[1].password().unwrap(), "y");
    }

    #[test]
    fn picks_the_named_or_default_account() {
        let config: Config = toml::from_str(TWO).unwrap();
        let file = Path::new("c.toml");
        assert_eq!(config.account(None, file).unwrap().unwrap().name, "b");
        assert_eq!(config.account(Some("a"), file).unwrap().unwrap().name, "a");
        let err = config.account(Some("zz"), file).unwrap_err().to_string();
        assert!(err.contains("no account named \"zz\"") && err.contains("a, b"), "{err}");
        let no_default: Config = toml::from_str(&TWO.replace("default_account = \"b\"", "")).unwrap();
        assert!(no_default.account(None, file).unwrap().is_none());
    }

    #[test]
    fn secret_commands_fail_without_showing_output() {
        let err = run_secret_command("token_command", "echo secret-value; exit 3").unwrap_err().to_string();
        assert!(err.contains("token_command failed") && !err.contains("secret-value"), "{err}");
        assert!(run_secret_command("x", "true").is_err());
        assert_eq!(run_secret_command("x", "printf 'tok\\nrest'").unwrap(), "tok");
    }
}
