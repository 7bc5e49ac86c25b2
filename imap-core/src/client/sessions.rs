//! Many sessions on one thread: [`Sessions`] drives any number of IMAP
//! connections on one reactor and reports what happens on each.

use super::{transport, ClientOptions, TlsMode, Transport};
use crate::command::Command;
use crate::reactor::{ConnId, Reactor};
use crate::session::{Error, Event, Session, Tag};
use std::time::Duration;

/// Names one session of a [`Sessions`].
pub type SessionId = ConnId;

/// Many IMAP sessions driven by one thread.
///
/// ```no_run
/// use imap_core::client::{ClientOptions, Sessions, TlsMode};
/// use imap_core::command::Command;
/// use imap_core::session::Event;
/// use std::time::Duration;
///
/// let mut sessions = Sessions::new()?;
/// let options = ClientOptions::default();
/// let a = sessions.connect("imap.example.com", 993, TlsMode::Implicit, &options)?;
/// let b = sessions.connect("imap.example.org", 993, TlsMode::Implicit, &options)?;
/// loop {
///     for (id, event) in sessions.poll(Some(Duration::from_secs(1)))? {
///         if let Event::Greeting(_) = event {
///             sessions.submit(id, Command::Capability)?;
///         }
///     }
/// #   break;
/// }
/// # Ok::<(), imap_core::session::Error>(())
/// ```
pub struct Sessions {
    reactor: Reactor<Session>,
    ids: Vec<ConnId>,
}

impl Sessions {
    /// An empty set of sessions with its reactor.
    pub fn new() -> Result<Sessions, Error> {
        let reactor = Reactor::new().map_err(|e| Error::Closed(format!("cannot start the reactor: {e}")))?;
        Ok(Sessions { reactor, ids: Vec::new() })
    }

    /// Starts connecting a new session; its greeting arrives as an event.
    /// With [`TlsMode::StartTls`] the caller sends STARTTLS itself.
    pub fn connect(
        &mut self,
        host: &str,
        port: u16,
        mode: TlsMode,
        options: &ClientOptions,
    ) -> Result<SessionId, Error> {
        let Transport { addr, security, tls: config, session } = transport(host, port, mode, options)?;
        let id = self
            .reactor
            .connect(addr, security, config, options.timeouts, session)
            .map_err(|e| Error::Connect(format!("{host}:{port}: {e}")))?;
        self.ids.push(id);
        Ok(id)
    }

    /// The session, to read its state.
    pub fn session(&self, id: SessionId) -> Option<&Session> {
        self.reactor.get(id)
    }

    /// The session, to change it (submit, authenticate, idle_done).
    pub fn session_mut(&mut self, id: SessionId) -> Option<&mut Session> {
        self.reactor.get_mut(id)
    }

    /// Queues a command on a session.
    pub fn submit(&mut self, id: SessionId, command: Command) -> Result<Tag, Error> {
        self.reactor.get_mut(id).ok_or_else(|| Error::Closed("no such session".into()))?.submit(command)
    }

    /// Number of sessions (closed ones included until removed).
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Drives every session for one round (waiting up to `timeout` for
    /// something to happen) and returns the events, tagged with their session.
    pub fn poll(&mut self, timeout: Option<Duration>) -> Result<Vec<(SessionId, Event)>, Error> {
        self.reactor.turn(timeout).map_err(|e| Error::Closed(format!("poll failed: {e}")))?;
        let mut events = Vec::new();
        for &id in &self.ids {
            // Reading events does not change what the reactor must do.
            let Some(session) = self.reactor.get_mut(id) else { continue };
            while let Some(event) = session.poll_event() {
                events.push((id, event));
            }
        }
        Ok(events)
    }

    /// Removes a session (closing its connection) and returns it.
    pub fn remove(&mut self, id: SessionId) -> Option<Session> {
        self.ids.retain(|&i| i != id);
        self.reactor.remove(id)
    }
}
