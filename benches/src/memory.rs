//! The process's own memory figures, as the kernel counts them.

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
