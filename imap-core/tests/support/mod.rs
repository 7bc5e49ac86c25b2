//! What the integration tests share: parsing helpers, a private Dovecot,
//! and scripted servers.
#![allow(dead_code)] // each test binary uses its own subset

/// Declares `mod support` in a test file: the shared Dovecot helpers, with
/// `dovecot()` giving that file a server of its own (its tests assume
/// mailboxes no other file touches).
#[allow(unused_macros)] // only the client binary has such files
macro_rules! own_dovecot {
    () => {
        mod support {
            pub use crate::support::dovecot::*;

            pub fn dovecot() -> &'static Dovecot {
                instance(module_path!())
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use own_dovecot;

pub mod common;
pub mod dovecot;
pub mod scripted;
