//! The sans-IO `Session` driven over a plain blocking `std::net::TcpStream`:
//! no reactor, no mio, no TLS library. The session turns commands into
//! bytes and bytes into events; this file moves the bytes. The same loop
//! works over any transport (a TLS stream, an async socket, a test buffer).
//!
//! ```sh
//! IMAP_TLS=plain IMAP_PORT=143 IMAP_USER=me IMAP_PASSWORD=... cargo run --example sans_io
//! ```
//!
//! It needs none of imap-core's `net` feature (mio, rustls): it builds with
//! `--no-default-features`. Settings come from the environment as for the
//! other examples (`examples/common/mod.rs`): `IMAP_HOST` (default
//! `127.0.0.1`), `IMAP_PORT` (default 143), `IMAP_USER`, `IMAP_PASSWORD`,
//! `IMAP_MAILBOX`. Plain TCP carries the password in clear, so this example
//! talks only to a server on this machine, and `IMAP_TLS`, if set, must be
//! `plain`.

mod common;

use imap_core::command::{Command, FetchAttr, SeqSet};
use imap_core::session::{Completion, Event, Tag};
use imap_core::types::{Data, Response};
use imap_core::Session;
use std::error::Error;
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;
use std::time::Duration;

/// A session and the socket under it.
struct Connection {
    stream: TcpStream,
    session: Session,
    buffer: Vec<u8>,
}

impl Connection {
    /// Writes what the session has for the server, then reads once from the
    /// server into the session (blocking), unless events are already waiting.
    fn turn(&mut self) -> Result<(), Box<dyn Error>> {
        while !self.session.pending_output().is_empty() {
            let n = self.stream.write(self.session.pending_output())?;
            self.session.sent(n);
        }
        match self.stream.read(&mut self.buffer) {
            // End of stream: the session fails whatever is still in flight.
            Ok(0) => self.session.close(None),
            Ok(n) => self.session.receive(&self.buffer[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                self.session.close(Some(imap_core::Error::Timeout))
            }
            Err(e) => return Err(e.into()),
        }
        Ok(())
    }

    /// The next event, reading from the server as long as there is none.
    fn next_event(&mut self) -> Result<Event, Box<dyn Error>> {
        loop {
            if let Some(event) = self.session.poll_event() {
                return Ok(event);
            }
            if self.session.is_closed() {
                return Err("the connection closed".into());
            }
            self.turn()?;
        }
    }

    /// Runs until the command `tag` completes; prints what else happens.
    fn wait(&mut self, tag: &Tag) -> Result<Completion, Box<dyn Error>> {
        loop {
            match self.next_event()? {
                Event::Completed { tag: done, result } if &done == tag => return Ok(result?),
                Event::Completed { tag: other, result } => println!("{other} completed: {:?}", result.map(|c| c.text)),
                Event::Unsolicited(response) => println!("unsolicited: {response:?}"),
                Event::Closed(why) => return Err(format!("closed before {tag} completed: {why:?}").into()),
                other => println!("event: {other:?}"),
            }
        }
    }
}

fn main() -> ExitCode {
    common::report(run())
}

fn run() -> Result<(), Box<dyn Error>> {
    if common::optional("IMAP_TLS").is_some_and(|tls| tls != "plain") {
        return Err("this example speaks plain TCP to this machine: set IMAP_TLS=plain or leave it unset".into());
    }
    let host = common::optional("IMAP_HOST").unwrap_or_else(|| "127.0.0.1".to_owned());
    common::check_local(&host)?;
    let port: u16 = common::optional("IMAP_PORT").map_or(Ok(143), |p| p.parse())?;
    let user = common::required("IMAP_USER")?;
    let mailbox = common::optional("IMAP_MAILBOX").unwrap_or_else(|| "INBOX".to_owned());

    let stream = TcpStream::connect((host.as_str(), port))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut connection = Connection { stream, session: Session::new(), buffer: vec![0; 64 << 10] };

    // The greeting comes first, unasked.
    match connection.next_event()? {
        Event::Greeting(greeting) => println!("greeting: {}", greeting.text),
        other => return Err(format!("expected the greeting, got {other:?}").into()),
    }

    // Pipelined: EXAMINE goes out right behind LOGIN, without waiting for
    // its answer (the session checks each command against the state the
    // commands before it lead to).
    let password = common::required("IMAP_PASSWORD")?.into_bytes();
    let login = connection.session.submit(Command::Login { user: user.clone().into_bytes(), password })?;
    let examine = connection.session.submit(Command::Examine { mailbox: mailbox.clone(), condstore: false })?;
    connection.wait(&login)?;
    println!("logged in as {user}");
    connection.wait(&examine)?;
    // The session keeps the selected mailbox's state from the server's data.
    let exists = connection.session.mailbox().map_or(0, |m| m.exists);
    println!("{mailbox}: {exists} messages");

    if exists > 0 {
        // The last three messages, by sequence number.
        let set = SeqSet::from(exists.saturating_sub(2).max(1)..=exists);
        let items = vec![FetchAttr::Uid, FetchAttr::Envelope].into();
        let fetch = connection.session.submit(Command::Fetch { set, items, changed_since: None, uid: false })?;
        // The FETCH responses the command asked for are its result's data.
        for response in connection.wait(&fetch)?.data {
            if let Response::Data(Data::Fetch(message)) = response {
                let subject = message.envelope().and_then(|e| e.subject.as_ref()).map(ToString::to_string);
                println!("#{} UID {} {}", message.seq, message.uid().unwrap_or(0), subject.unwrap_or_default());
            }
        }
    }

    let logout = connection.session.submit(Command::Logout)?;
    connection.wait(&logout)?;
    // The server closes after its OK: read to the end, which the session
    // reports as a clean close.
    loop {
        match connection.next_event() {
            Ok(Event::Closed(None)) | Err(_) => break,
            Ok(Event::Closed(Some(why))) => return Err(why.into()),
            Ok(_) => {}
        }
    }
    println!("logged out");
    Ok(())
}
