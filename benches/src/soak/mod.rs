//! The soak under faults (issue 17, item 7): many sessions on one
//! [`Sessions`](imap_core::client::Sessions) reactor, each looping LOGIN,
//! SELECT, FETCH and IDLE against Dovecot through a local TCP proxy that
//! drops, resets, stalls and trickles connections, for minutes.
//!
//! - [`proxy`]: the fault-injecting TCP proxy on 127.0.0.1 (its own threads),
//!   which counts the faults it injects.
//! - [`driver`]: the sessions' state machines on the caller's thread, with a
//!   deadline on every step, reconnecting after each failure.
//! - [`report`]: what is counted (operations, errors by typed kind, stuck
//!   sessions, memory over time) and how it is printed.
//!
//! `src/bin/soak.rs` puts them together; see `benches/README.md`.

pub mod driver;
pub mod proxy;
pub mod report;

use std::time::Duration;

/// A small seeded pseudo-random generator (SplitMix64): the soak's choices
/// (which faults, when, how long to idle) come from a fixed seed, so two runs
/// with one seed plan the same faults for the same connection numbers (what
/// they hit still depends on timing). Not for anything secret.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator started from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// An independent generator for item `n` (a connection, a session) of
    /// this one's seed, without advancing this one.
    pub fn fork(&self, n: u64) -> Rng {
        let mut child = Rng(self.0 ^ n.wrapping_mul(0xA076_1D64_78BD_642F));
        child.next_u64();
        child
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi` (`lo` if `hi < lo`).
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        // The modulo bias over 64 bits is far below anything a soak notices.
        lo + self.next_u64() % (hi - lo + 1)
    }

    /// A duration between `lo` and `hi` milliseconds.
    pub fn millis(&mut self, lo: u64, hi: u64) -> Duration {
        Duration::from_millis(self.between(lo, hi))
    }

    /// True `percent` times out of 100.
    pub fn percent(&mut self, percent: u64) -> bool {
        self.between(0, 99) < percent
    }
}

#[cfg(test)]
mod tests {
    use super::Rng;

    #[test]
    fn same_seed_same_choices() {
        let (mut a, mut b) = (Rng::new(17).fork(3), Rng::new(17).fork(3));
        let draws: Vec<u64> = (0..8).map(|_| a.between(1, 6)).collect();
        assert_eq!(draws, (0..8).map(|_| b.between(1, 6)).collect::<Vec<_>>());
        assert!(draws.iter().all(|d| (1..=6).contains(d)));
        assert_ne!(Rng::new(17).fork(3).next_u64(), Rng::new(17).fork(4).next_u64());
    }
}
