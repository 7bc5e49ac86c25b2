//! One test body, both fronts: the blocking `Client` and the tokio
//! `AsyncClient` have the same methods, so a test written once runs on each.
//!
//! In a `both_fronts!` body, `w!(call)` marks a call that waits on the
//! server (plain on the blocking front, `.await`ed on the async one) and
//! `F` is the front's client type (`F::connect(..)`). Each front has its own
//! Dovecot (`dovecot()` in the body), since both run the same body at once.

/// Declares `mod NAME` with two tests of the same body: `NAME::blocking`
/// and `NAME::tokio` (on a current-thread runtime).
#[allow(unused_macros)]
macro_rules! both_fronts {
    ($(#[$meta:meta])* fn $name:ident() $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[test]
            fn blocking() {
                #[allow(unused_macros)]
                macro_rules! w {
                    ($e:expr) => {
                        $e
                    };
                }
                #[allow(dead_code)]
                type F = imap_core::client::Client;
                #[allow(dead_code)]
                fn dovecot() -> &'static crate::support::dovecot::Dovecot {
                    support::dovecot_of(false)
                }
                $body
            }

            #[test]
            fn tokio() {
                let runtime =
                    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
                runtime.block_on(async {
                    #[allow(unused_macros)]
                    macro_rules! w {
                        ($e:expr) => {
                            $e.await
                        };
                    }
                    #[allow(dead_code)]
                    type F = imap_core::tokio::AsyncClient;
                    #[allow(dead_code)]
                    fn dovecot() -> &'static crate::support::dovecot::Dovecot {
                        support::dovecot_of(true)
                    }
                    $body
                })
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use both_fronts;

/// Deletes and creates a mailbox through the client `$c` of either front
/// (Dovecot may need a moment after a DELETE before the same name can be
/// created again).
#[allow(unused_macros)]
macro_rules! fresh_folder {
    ($c:ident, $name:expr) => {{
        let name: &str = $name;
        for attempt in 0..3 {
            let _ = w!($c.delete_folder(name));
            match w!($c.create_folder(name)) {
                Ok(()) => break,
                Err(e) if attempt < 2 => eprintln!("creating {name}: {e}; again"),
                Err(e) => panic!("creating {name}: {e}"),
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }};
}
#[allow(unused_imports)]
pub(crate) use fresh_folder;
