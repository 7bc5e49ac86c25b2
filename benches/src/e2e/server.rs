//! A private Dovecot for the benchmark, through `scripts/dovecot.sh`.
//!
//! The instance gets `DOVECOT_OWNER_PID` (this process) and
//! `DOVECOT_OWNER_CLEANUP=1`: the script's watchdog stops it and deletes its
//! directory about a second after this process exits, however it exits.
//! [`Dovecot`]'s `Drop` also stops it right away on a normal exit.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

/// User and password every client logs in with.
pub const USER: &str = "alice";
/// Alice's password (see `scripts/dovecot.sh`).
pub const PASSWORD: &str = "alice-pass";

/// A running private Dovecot.
#[derive(Debug)]
pub struct Dovecot {
    /// The plain IMAP port on 127.0.0.1.
    pub port: u16,
    /// The implicit-TLS (IMAPS) port on 127.0.0.1; trust [`Dovecot::ca`].
    pub tls_port: u16,
    /// The instance's directory (under `/tmp`).
    pub dir: PathBuf,
    script: PathBuf,
}

/// The workspace root (where `scripts/` lives).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("benches/ has a parent").to_path_buf()
}

/// Whether a `dovecot` binary is on `PATH` or in `/usr/sbin`.
fn dovecot_installed() -> bool {
    let mut dirs: Vec<PathBuf> =
        std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect()).unwrap_or_default();
    dirs.push(PathBuf::from("/usr/sbin"));
    dirs.iter().any(|d| d.join("dovecot").is_file())
}

impl Dovecot {
    /// Starts a fresh instance in a new directory under `/tmp`.
    pub fn start() -> Result<Dovecot, String> {
        let root = workspace_root();
        let script = root.join("scripts/dovecot.sh");
        if !dovecot_installed() {
            return Err("Dovecot is not installed (no `dovecot` binary on PATH or in /usr/sbin): \
                        run `scripts/install-deps.sh` as root first"
                .into());
        }
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
        let dir = PathBuf::from(format!("/tmp/imap-e2e-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let out = Command::new(&script)
            .arg("start")
            .arg(&dir)
            .env("DOVECOT_OWNER_PID", std::process::id().to_string())
            .env("DOVECOT_OWNER_CLEANUP", "1")
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if !out.status.success() {
            let hint = if stderr.contains("not installed") { "\nhint: run scripts/install-deps.sh" } else { "" };
            return Err(format!("`dovecot.sh start` failed ({}):\n{stdout}{stderr}{hint}", out.status));
        }
        let port = stdout
            .split_ascii_whitespace()
            .find_map(|w| w.strip_prefix("IMAP_PORT="))
            .and_then(|p| p.parse().ok())
            .ok_or_else(|| format!("no IMAP_PORT=.. in the output of `dovecot.sh start`: {stdout:?}"))?;
        let tls_port = stdout
            .split_ascii_whitespace()
            .find_map(|w| w.strip_prefix("IMAPS_PORT="))
            .and_then(|p| p.parse().ok())
            .ok_or_else(|| format!("no IMAPS_PORT=.. in the output of `dovecot.sh start`: {stdout:?}"))?;
        Ok(Dovecot { port, tls_port, dir, script })
    }

    /// The private CA that signed the server's certificate (for `localhost`
    /// and 127.0.0.1).
    pub fn ca(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }

    /// `dovecot.sh seed DIR user n`: `n` varied messages into the user's INBOX.
    pub fn seed(&self, user: &str, n: usize) -> Result<(), String> {
        let out = Command::new(&self.script)
            .arg("seed")
            .arg(&self.dir)
            .arg(user)
            .arg(n.to_string())
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run {}: {e}", self.script.display()))?;
        if !out.status.success() {
            return Err(format!(
                "`dovecot.sh seed` failed ({}):\n{}{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(())
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        // Best effort; the watchdog stops it anyway once this process is gone.
        let _ = Command::new(&self.script)
            .arg("stop")
            .arg(&self.dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}
