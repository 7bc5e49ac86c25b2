//! Many sessions on one thread: [`Sessions`] drives any number of IMAP
//! connections on one reactor and reports what happens on each.

use super::{tls_config, transport_with, ClientOptions, TlsMode, Transport};
use crate::command::Command;
use crate::reactor::{ConnId, Reactor, TlsOptions};
use crate::session::{Error, Event, Session, Streamed, Tag};
use std::sync::Arc;
use std::time::Duration;

/// TLS configurations kept for reuse: a few distinct [`TlsOptions`] at most.
const TLS_CONFIGS: usize = 8;

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
    /// One rustls configuration per distinct [`TlsOptions`], shared by every
    /// session made with them: building one reads and parses every system
    /// root certificate, which 1,000 sessions need not do 1,000 times; a
    /// shared one also shares its TLS session cache.
    tls: Vec<(TlsOptions, Arc<rustls::ClientConfig>)>,
}

impl Sessions {
    /// An empty set of sessions with its reactor.
    pub fn new() -> Result<Sessions, Error> {
        let reactor = Reactor::new().map_err(|e| Error::Io(e.into()))?;
        Ok(Sessions { reactor, ids: Vec::new(), tls: Vec::new() })
    }

    /// Starts connecting a new session; its greeting arrives as an event.
    /// With [`TlsMode::StartTls`] the caller sends STARTTLS itself. Sessions
    /// with equal [`ClientOptions::tls`] share one TLS configuration.
    pub fn connect(
        &mut self,
        host: &str,
        port: u16,
        mode: TlsMode,
        options: &ClientOptions,
    ) -> Result<SessionId, Error> {
        let cache = &mut self.tls;
        let mut shared = |tls: &TlsOptions| {
            if let Some((_, config)) = cache.iter().find(|(o, _)| o == tls) {
                return Ok(config.clone());
            }
            let config = tls_config(tls)?;
            if cache.len() == TLS_CONFIGS {
                cache.remove(0);
            }
            cache.push((tls.clone(), config.clone()));
            Ok(config)
        };
        let Transport { addr, security, tls: config, session } =
            transport_with(host, port, mode, options, &mut shared)?;
        let id = self
            .reactor
            .connect(addr, security, config, options.timeouts, session)
            .map_err(|e| super::connect_error(host, port, e))?;
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
    /// A session running a streaming command only buffers what it receives:
    /// drive such sessions with [`poll_streaming`](Sessions::poll_streaming).
    pub fn poll(&mut self, timeout: Option<Duration>) -> Result<Vec<(SessionId, Event)>, Error> {
        self.reactor.turn(timeout).map_err(|e| Error::Io(e.into()))?;
        Ok(self.events())
    }

    /// Like [`poll`](Sessions::poll), for sessions running streaming
    /// commands ([`Session::submit_streaming`],
    /// [`Session::submit_streaming_literals`]): what they received goes to
    /// `sink` with its session (responses borrowed, large literals in chunks,
    /// see [`Streamed`]) before the events are collected.
    ///
    /// ```no_run
    /// use imap_core::client::{ClientOptions, Sessions, TlsMode};
    /// use imap_core::session::Streamed;
    /// use std::time::Duration;
    ///
    /// let mut sessions = Sessions::new()?;
    /// let id = sessions.connect("imap.example.com", 993, TlsMode::Implicit, &ClientOptions::default())?;
    /// // ... LOGIN, SELECT, then `sessions.session_mut(id)` .submit_streaming_literals(FETCH, 1 << 20)
    /// let mut bytes = 0;
    /// let events = sessions.poll_streaming(Some(Duration::from_secs(1)), &mut |_id, streamed| {
    ///     if let Streamed::Literal(chunk) = streamed {
    ///         bytes += chunk.bytes.len();
    ///     }
    /// })?;
    /// # Ok::<(), imap_core::session::Error>(())
    /// ```
    pub fn poll_streaming(
        &mut self,
        timeout: Option<Duration>,
        sink: &mut dyn FnMut(SessionId, Streamed<'_>),
    ) -> Result<Vec<(SessionId, Event)>, Error> {
        self.reactor.turn(timeout).map_err(|e| Error::Io(e.into()))?;
        for &id in &self.ids {
            if let Some(session) = self.reactor.get_mut(id) {
                session.process_streaming(&mut |streamed| sink(id, streamed));
            }
        }
        Ok(self.events())
    }

    /// Every session's events, tagged with their session.
    fn events(&mut self) -> Vec<(SessionId, Event)> {
        let mut events = Vec::new();
        for &id in &self.ids {
            // Reading events does not change what the reactor must do.
            let Some(session) = self.reactor.get_mut(id) else { continue };
            while let Some(event) = session.poll_event() {
                events.push((id, event));
            }
        }
        events
    }

    /// Removes a session (closing its connection) and returns it.
    pub fn remove(&mut self, id: SessionId) -> Option<Session> {
        self.ids.retain(|&i| i != id);
        self.reactor.remove(id)
    }
}
