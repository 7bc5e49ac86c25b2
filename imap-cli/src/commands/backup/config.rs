//! The `--config` file of `backup`: accounts in TOML.
//!
//! ```toml
//! [[account]]
//! name = "work"                       # its directory under --to
//! host = "imap.example.com"
//! port = 993                          # default: 993 for tls, 143 otherwise
//! security = "tls"                    # tls | starttls | plain
//! user = "me@example.com"
//! password_command = "pass show mail/work"   # run with sh -c; first line of stdout
//! ca_file = "/etc/ssl/private-ca.pem"        # optional
//! mailboxes = ["INBOX", "Sent"]              # optional; default: all
//! allow_plaintext_login = false              # optional
//! ```

use crate::failure::Failure;
use imap_core::client::TlsMode;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
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
    /// Its name: the directory under `--to`.
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
    pub password_command: String,
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

impl Account {
    /// The TLS mode.
    pub fn mode(&self) -> TlsMode {
        match self.security {
            Security::Tls => TlsMode::Implicit,
            Security::Starttls => TlsMode::StartTls,
            Security::Plain => TlsMode::None,
        }
    }

    /// The port, given or by security.
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(if self.security == Security::Tls { 993 } else { 143 })
    }

    /// Runs `password_command` and returns the first line of its output.
    pub fn password(&self) -> Result<String, Failure> {
        let out = Command::new("sh")
            .args(["-c", &self.password_command])
            .stdin(Stdio::null())
            .stderr(Stdio::inherit())
            .output()
            .map_err(|e| Failure::Usage(format!("account {}: password_command: {e}", self.name)))?;
        if !out.status.success() {
            return Err(Failure::Usage(format!("account {}: password_command failed ({})", self.name, out.status)));
        }
        let text = String::from_utf8(out.stdout)
            .map_err(|_| Failure::Usage(format!("account {}: the password is not UTF-8", self.name)))?;
        Ok(text.lines().next().unwrap_or("").to_owned())
    }
}

/// Reads and checks the file.
pub fn load(path: &Path) -> Result<Config, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))?;
    let config: Config = toml::from_str(&text).map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))?;
    if config.accounts.is_empty() {
        return Err(Failure::Usage(format!("{}: no [[account]]", path.display())));
    }
    for (i, a) in config.accounts.iter().enumerate() {
        if config.accounts[..i].iter().any(|b| b.name == a.name) {
            return Err(Failure::Usage(format!("{}: two accounts named {:?}", path.display(), a.name)));
        }
        super::maildir::mailbox_path(Path::new("/"), &a.name, None)
            .map_err(|why| Failure::Usage(format!("{}: account name {:?}: {why}", path.display(), a.name)))?;
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_accounts() {
        let config: Config = toml::from_str(
            r#"
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
            "#,
        )
        .unwrap();
        assert_eq!(config.accounts.len(), 2);
        assert_eq!(config.accounts[0].port(), 993);
        assert_eq!(config.accounts[1].mode(), TlsMode::StartTls);
        assert_eq!(config.accounts[1].port(), 1143);
        assert_eq!(config.accounts[1].password().unwrap(), "y");
    }
}
