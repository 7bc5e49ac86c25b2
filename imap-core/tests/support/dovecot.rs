//! A private Dovecot on 127.0.0.1 for this test binary, started once.
//!
//! Needs Debian's dovecot-imapd: `scripts/install-deps.sh` installs it (the
//! README's test command runs that first). A missing Dovecot fails the test
//! with that instruction; nothing is skipped.
#![allow(dead_code)] // each test binary uses its own subset

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;
use std::sync::{Mutex, OnceLock};

/// One running instance.
pub struct Dovecot {
    /// Its directory (config, logs, mail, `ca.pem`).
    pub dir: PathBuf,
    /// Plain IMAP (STARTTLS offered).
    pub port: u16,
    /// Implicit TLS.
    pub tls_port: u16,
}

impl Dovecot {
    /// The CA that signed the server's certificate.
    pub fn ca(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }

    /// Adds `n` varied messages to `user`'s INBOX.
    pub fn seed(&self, user: &str, n: usize) {
        let status = Command::new(script())
            .args(["seed", self.dir.to_str().unwrap(), user, &n.to_string()])
            .status()
            .expect("scripts/dovecot.sh runs");
        assert!(status.success(), "seeding {user} failed");
    }
}

fn script() -> PathBuf {
    // The workspace's scripts/, found above whichever crate includes this file.
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .map(|dir| dir.join("scripts/dovecot.sh"))
        .find(|path| path.is_file())
        .expect("scripts/dovecot.sh above the crate")
}

/// The instance of this test binary.
pub fn dovecot() -> &'static Dovecot {
    static INSTANCE: OnceLock<Dovecot> = OnceLock::new();
    INSTANCE.get_or_init(start)
}

/// The instance named `key`, started on first use: one test binary that
/// holds several groups of tests gives each group its own server.
pub fn instance(key: &'static str) -> &'static Dovecot {
    static INSTANCES: OnceLock<Mutex<HashMap<&'static str, &'static OnceLock<Dovecot>>>> = OnceLock::new();
    let cell = *INSTANCES
        .get_or_init(Default::default)
        .lock()
        .unwrap()
        .entry(key)
        .or_insert_with(|| Box::leak(Box::default()));
    // Started outside the map's lock, so groups start their servers in parallel.
    cell.get_or_init(start)
}

fn start() -> Dovecot {
    assert!(
        Command::new("sh").args(["-c", "command -v dovecot"]).output().is_ok_and(|o| o.status.success()),
        "Dovecot is not installed: run scripts/install-deps.sh (Debian package dovecot-imapd)"
    );
    let dir = std::env::temp_dir().join(format!("imap-core-test-{}-{}", std::process::id(), rand_suffix()));
    let output = Command::new(script())
        .args(["start", dir.to_str().unwrap()])
        .env("DOVECOT_OWNER_PID", std::process::id().to_string())
        .env("DOVECOT_OWNER_CLEANUP", "1")
        .output()
        .expect("scripts/dovecot.sh runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "Dovecot did not start:\n{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    let field = |name: &str| -> String {
        stdout
            .split_whitespace()
            .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
            .unwrap_or_else(|| panic!("no {name} in {stdout:?}"))
            .to_owned()
    };
    Dovecot {
        port: field("IMAP_PORT").parse().unwrap(),
        tls_port: field("IMAPS_PORT").parse().unwrap(),
        dir: PathBuf::from(field("DIR")),
    }
}

fn rand_suffix() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64);
    h.finish()
}

/// A new, empty mailbox of this name (deleted first if it was there).
///
/// Dovecot, with several of a test binary's connections of the same user
/// creating and deleting mailboxes at once, has answered CREATE with a
/// spurious ALREADYEXISTS for a name its LIST had not shown (seen in CI): so
/// this deletes blindly and tries again, up to three times. Set-up, not under
/// test.
pub fn fresh_folder(c: &mut imap_core::client::Client, name: &str) {
    for attempt in 0..3 {
        let _ = c.delete_folder(name);
        match c.create_folder(name) {
            Ok(()) => return,
            Err(e) if attempt < 2 => eprintln!("creating {name}: {e}; again"),
            Err(e) => panic!("creating {name}: {e}"),
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}
