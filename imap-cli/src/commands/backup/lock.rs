//! One backup of a directory at a time: a lock file holding the process id,
//! taken before anything is written and removed when the backup ends.

use crate::failure::Failure;
use std::fs::{self, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

/// The lock file's name in the backup directory.
pub const LOCK_FILE: &str = ".imap-cli-backup.lock";

/// A held lock; dropping it removes the file.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
}

impl Lock {
    /// Takes the lock of `dir` (created if missing). Another live process's
    /// lock is an error naming it; a lock left by a process that is gone
    /// (killed, crashed) is taken over.
    pub fn take(dir: &Path) -> Result<Lock, Failure> {
        let io = |e: std::io::Error| Failure::Usage(format!("{}: {e}", dir.display()));
        fs::create_dir_all(dir).map_err(io)?;
        let path = dir.join(LOCK_FILE);
        // Twice at most: once more after removing a stale lock.
        for _ in 0..2 {
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut file) => {
                    writeln!(file, "{}", std::process::id()).map_err(io)?;
                    return Ok(Lock { path });
                }
                Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                    let holder = fs::read_to_string(&path).ok().and_then(|t| t.trim().parse::<u32>().ok());
                    match holder {
                        Some(pid) if alive(pid) => {
                            return Err(Failure::Usage(format!(
                                "{}: another backup is running there (process {pid}; lock file {})",
                                dir.display(),
                                path.display()
                            )))
                        }
                        _ => {
                            eprintln!(
                                "imap-cli: {}: taking over a lock left by {}",
                                dir.display(),
                                holder.map_or("an unreadable lock file".to_owned(), |p| format!(
                                    "process {p}, which is gone"
                                ))
                            );
                            fs::remove_file(&path).map_err(io)?;
                        }
                    }
                }
                Err(e) => return Err(io(e)),
            }
        }
        Err(Failure::Usage(format!("{}: cannot take the lock {}", dir.display(), path.display())))
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// Whether process `pid` runs. Where that cannot be told (no /proc), it is
/// assumed to: a stale lock is then removed by hand, as the error says.
fn alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        pid == std::process::id() || Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_fails_and_a_stale_one_is_taken_over() {
        let dir = std::env::temp_dir().join(format!("imap-cli-lock-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let lock = Lock::take(&dir).unwrap();
        let err = Lock::take(&dir).unwrap_err().to_string();
        assert!(err.contains(&format!("process {}", std::process::id())), "{err}");
        drop(lock);
        assert!(!dir.join(LOCK_FILE).exists());
        // A process id that is not running (the kernel's pid_max is lower).
        fs::write(dir.join(LOCK_FILE), "4294967294\n").unwrap();
        let lock = Lock::take(&dir).unwrap();
        assert_eq!(fs::read_to_string(dir.join(LOCK_FILE)).unwrap().trim(), std::process::id().to_string());
        drop(lock);
        fs::remove_dir_all(&dir).unwrap();
    }
}
