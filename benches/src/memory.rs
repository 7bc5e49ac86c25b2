//! The process's own resources: its memory as the kernel counts it, and its open-file limit.

/// A field of `/proc/self/status` in KiB: `VmRSS` (resident now) or `VmHWM`
/// (the high-water mark of the resident set, what `getrusage` reports as
/// `ru_maxrss`; read from procfs because the workspace forbids `unsafe`).
///
/// ```
/// let rss = benches::memory::status_kib("VmRSS").unwrap();
/// assert!(rss > 0);
/// ```
pub fn status_kib(field: &str) -> Result<u64, String> {
    let status = std::fs::read_to_string("/proc/self/status").map_err(|e| e.to_string())?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':')?.trim().strip_suffix("kB")?.trim().parse().ok())
        .ok_or_else(|| format!("no {field} in /proc/self/status"))
}

/// Raises the soft limit on open files to at least `needed` (up to the hard
/// limit), for the benchmarks that hold thousands of sockets (`scale`, `soak`).
pub fn raise_fd_limit(needed: u64) -> Result<(), String> {
    use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};
    let limit = getrlimit(Resource::Nofile);
    if limit.current.is_some_and(|c| c >= needed) {
        return Ok(());
    }
    if limit.maximum.is_some_and(|m| m < needed) {
        return Err(format!("the open-file limit ({:?}) is below the {needed} this needs", limit.maximum));
    }
    setrlimit(Resource::Nofile, Rlimit { current: Some(needed), maximum: limit.maximum })
        .map_err(|e| format!("cannot raise the open-file limit: {e}"))
}
