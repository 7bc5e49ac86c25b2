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

            #[allow(dead_code)]
            pub fn dovecot() -> &'static Dovecot {
                instance(module_path!())
            }

            /// The server of one front's tests of this file (`both_fronts!`
            /// runs a body on both at once: apart, they never meet in a mailbox).
            #[allow(dead_code)]
            pub fn dovecot_of(tokio: bool) -> &'static Dovecot {
                match tokio {
                    false => instance(concat!(module_path!(), "+blocking")),
                    true => instance(concat!(module_path!(), "+tokio")),
                }
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use own_dovecot;

pub mod common;
pub mod dovecot;
pub mod fronts;
pub mod scripted;
