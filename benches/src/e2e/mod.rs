//! The end-to-end benchmark behind `src/bin/e2e.rs`: real clients against a
//! private Dovecot on 127.0.0.1.
//!
//! - [`server`] starts Dovecot through `scripts/dovecot.sh` and seeds it;
//! - [`mailgen`] generates the `bodies` mailbox (2,000 messages, a few KB to 1 MB);
//! - [`clients`] runs one workload with one client and measures it;
//! - [`cpu`] reads the CPU time of this process and of its waited-for children.
//!
//! See `benches/README.md` for what is measured and how to read the output.

pub mod clients;
pub mod cpu;
pub mod mailgen;
pub mod server;
