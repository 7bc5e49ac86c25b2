//! TLS to a server whose certificate comes from a private CA (a company CA,
//! a self-signed test server): the certificate is still verified, against
//! that CA only, host name included. Nothing here turns verification off.
//!
//! ```sh
//! IMAP_HOST=mail.internal IMAP_CA_FILE=/etc/ssl/internal-ca.pem IMAP_USER=me IMAP_PASSWORD=... \
//!     cargo run --example private_ca
//! ```
//!
//! Settings come from the environment (`examples/common/mod.rs`);
//! `IMAP_CA_FILE` is required, and `IMAP_TLS` may be `implicit` (default)
//! or `starttls`.

mod common;

use imap_core::reactor::TlsOptions;
use imap_core::{Client, ClientOptions, TlsMode};
use std::error::Error;
use std::process::ExitCode;

fn main() -> ExitCode {
    common::report(run())
}

fn run() -> Result<(), Box<dyn Error>> {
    let settings = common::Settings::from_env()?;
    let ca = settings.ca_file.clone().ok_or("set IMAP_CA_FILE to the PEM file of the CA")?;
    if settings.tls == TlsMode::None {
        return Err("IMAP_TLS=plain has no certificate to verify: use implicit or starttls".into());
    }

    // Only this CA: without the system's roots, a certificate from a public
    // CA is refused too. (Keep `system_roots(true)`, the default, to trust both.)
    let tls = TlsOptions::new().system_roots(false).add_ca_file(&ca);
    let options = ClientOptions::default().with_tls(tls);

    // A certificate the CA did not sign, or one for another host name, fails
    // here with Error::Tls, before any password is sent.
    let mut client = Client::connect(&settings.host, settings.port, settings.tls, &options)?;
    println!("TLS verified against {}", ca.display());

    client.login(&settings.user, &settings.password()?)?;
    let capabilities: Vec<String> = client.capabilities()?.iter().map(ToString::to_string).collect();
    println!("logged in as {}; capabilities: {}", settings.user, capabilities.join(" "));
    client.logout()?;
    Ok(())
}
