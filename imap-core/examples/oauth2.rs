//! Log in with an OAuth 2 access token: XOAUTH2 (Gmail, Outlook) or
//! OAUTHBEARER (RFC 7628), then open a mailbox.
//!
//! ```sh
//! IMAP_HOST=imap.gmail.com IMAP_USER=me@gmail.com \
//!     IMAP_OAUTH_TOKEN_COMMAND='cat ~/.cache/imap-token' cargo run --example oauth2
//! ```
//!
//! Settings come from the environment (`examples/common/mod.rs`), and:
//! - `IMAP_OAUTH_TOKEN`: the access token, or
//! - `IMAP_OAUTH_TOKEN_COMMAND`: a shell command that prints it (a token
//!   helper, so the token need not sit in the environment);
//! - `IMAP_OAUTH_MECHANISM`: `xoauth2` (default) or `oauthbearer`.
//!
//! Getting the token (the provider's consent flow, refreshing it) is the
//! provider's business, not IMAP's: this example starts from a valid token.

mod common;

use imap_core::Client;
use std::error::Error;
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    common::report(run())
}

fn run() -> Result<(), Box<dyn Error>> {
    let settings = common::Settings::from_env()?;
    let token = token()?;

    let mut client = Client::connect(&settings.host, settings.port, settings.tls, &settings.options())?;
    // The token is sent in the AUTHENTICATE command itself when the server
    // has SASL-IR, else after its `+`. A refused token is an Error::No.
    match common::optional("IMAP_OAUTH_MECHANISM").as_deref() {
        None | Some("xoauth2") => client.oauth2_login(&settings.user, &token)?,
        Some("oauthbearer") => client.oauthbearer_login(&settings.user, &token)?,
        Some(other) => return Err(format!("IMAP_OAUTH_MECHANISM must be xoauth2 or oauthbearer, not {other:?}").into()),
    }
    println!("authenticated as {}", settings.user);

    let mailbox = client.select_folder(&settings.mailbox, true)?;
    println!("{}: {} messages", settings.mailbox, mailbox.exists);
    client.logout()?;
    Ok(())
}

/// `IMAP_OAUTH_TOKEN`, or the output of `IMAP_OAUTH_TOKEN_COMMAND`.
fn token() -> Result<String, Box<dyn Error>> {
    if let Some(token) = common::optional("IMAP_OAUTH_TOKEN") {
        return Ok(token);
    }
    let Some(command) = common::optional("IMAP_OAUTH_TOKEN_COMMAND") else {
        return Err("set IMAP_OAUTH_TOKEN or IMAP_OAUTH_TOKEN_COMMAND".into());
    };
    let output = Command::new("sh").args(["-c", &command]).output()?;
    if !output.status.success() {
        return Err(format!("{command:?} failed: {}", String::from_utf8_lossy(&output.stderr).trim()).into());
    }
    let token = String::from_utf8(output.stdout)?.trim().to_owned();
    if token.is_empty() {
        return Err(format!("{command:?} printed no token").into());
    }
    Ok(token)
}
