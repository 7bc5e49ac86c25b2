//! CPU time without `unsafe`: `clock_gettime(CLOCK_PROCESS_CPUTIME_ID)`
//! through rustix for this process (nanosecond resolution, user + system),
//! and `/proc/self/stat` for the user/system split and for the children this
//! process has waited for (`cutime` + `cstime`, what `RUSAGE_CHILDREN` reports),
//! both in clock ticks (usually 10 ms).

use std::time::Duration;

/// A snapshot of the CPU time used so far.
#[derive(Debug, Clone, Copy)]
pub struct CpuSnapshot {
    /// User + system time of this process (all threads), precise.
    pub process: Duration,
    /// User time of this process, clock-tick resolution.
    pub user: Duration,
    /// System time of this process, clock-tick resolution.
    pub system: Duration,
    /// User + system time of the waited-for children, clock-tick resolution.
    pub children: Duration,
}

/// CPU time spent between two snapshots.
#[derive(Debug, Clone, Copy, Default)]
pub struct CpuDelta {
    /// User + system time of this process.
    pub process: Duration,
    /// User time of this process (clock ticks).
    pub user: Duration,
    /// System time of this process (clock ticks).
    pub system: Duration,
    /// User + system time of waited-for children (clock ticks).
    pub children: Duration,
}

impl CpuSnapshot {
    /// Takes a snapshot now.
    pub fn now() -> CpuSnapshot {
        let ts = rustix::time::clock_gettime(rustix::time::ClockId::ProcessCPUTime);
        let process = Duration::new(ts.tv_sec.max(0) as u64, ts.tv_nsec.clamp(0, 999_999_999) as u32);
        let ticks = proc_self_ticks().unwrap_or_default();
        let hz = rustix::param::clock_ticks_per_second().max(1);
        let t = |n: u64| Duration::from_nanos(n.saturating_mul(1_000_000_000) / hz);
        CpuSnapshot { process, user: t(ticks[0]), system: t(ticks[1]), children: t(ticks[2] + ticks[3]) }
    }

    /// The CPU time spent since `earlier`.
    pub fn since(&self, earlier: &CpuSnapshot) -> CpuDelta {
        CpuDelta {
            process: self.process.saturating_sub(earlier.process),
            user: self.user.saturating_sub(earlier.user),
            system: self.system.saturating_sub(earlier.system),
            children: self.children.saturating_sub(earlier.children),
        }
    }
}

/// `utime`, `stime`, `cutime`, `cstime` of `/proc/self/stat` (fields 14 to 17), in clock ticks.
fn proc_self_ticks() -> Option<[u64; 4]> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) is in parentheses and may hold spaces: start after the last ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    // `rest` starts with field 3 (state); field 14 is the 12th after it.
    let mut fields = rest.split_ascii_whitespace().skip(11);
    let mut out = [0u64; 4];
    for slot in &mut out {
        *slot = fields.next()?.parse::<i64>().ok()?.max(0) as u64;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_time_moves_forward() {
        let a = CpuSnapshot::now();
        let mut x = 0u64;
        for i in 0..20_000_000u64 {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(i));
        }
        let b = CpuSnapshot::now();
        assert!(b.since(&a).process > Duration::ZERO);
        assert!(proc_self_ticks().is_some());
    }
}
