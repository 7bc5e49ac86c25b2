//! One timer structure for every deadline the reactor keeps: a min-heap of
//! `(Instant, slot, generation, kind)` with lazy invalidation.
//!
//! An entry is live only while the connection it names still holds the same
//! instant in the matching field (see `Reactor::timer_is_live`); anything else
//! is stale and dropped when it reaches the top, or when the heap is compacted.
//! The reactor pushes at most one entry per change that brings a deadline
//! *earlier*; a deadline that moves later is found when the earlier entry
//! fires, and rescheduled then (so a read timeout reset on every byte costs
//! nothing per byte).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Instant;

/// What a timer entry is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum TimerKind {
    /// The TCP connect, and the TLS handshake that follows it (implicit TLS or STARTTLS).
    Connect,
    /// Read inactivity.
    Read,
    /// The connection's own [`next_deadline`](super::Connection::next_deadline).
    Conn,
}

/// One heap entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Timer {
    pub(super) at: Instant,
    pub(super) slot: u32,
    pub(super) generation: u32,
    pub(super) kind: TimerKind,
}

/// The min-heap of timers.
#[derive(Debug, Default)]
pub(super) struct Timers {
    heap: BinaryHeap<Reverse<Timer>>,
}

impl Timers {
    pub(super) fn push(&mut self, timer: Timer) {
        self.heap.push(Reverse(timer));
    }

    /// The earliest entry, live or stale.
    pub(super) fn peek(&self) -> Option<Timer> {
        self.heap.peek().map(|r| r.0)
    }

    /// Removes and returns the earliest entry if it is due at `now`.
    pub(super) fn pop_due(&mut self, now: Instant) -> Option<Timer> {
        if self.peek()?.at <= now {
            self.heap.pop().map(|r| r.0)
        } else {
            None
        }
    }

    /// Removes the earliest entry.
    pub(super) fn pop(&mut self) -> Option<Timer> {
        self.heap.pop().map(|r| r.0)
    }

    pub(super) fn len(&self) -> usize {
        self.heap.len()
    }

    /// Keeps only the entries for which `live` is true (O(n); called rarely).
    pub(super) fn retain(&mut self, mut live: impl FnMut(&Timer) -> bool) {
        self.heap.retain(|r| live(&r.0));
    }
}
