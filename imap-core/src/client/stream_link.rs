//! The blocking front over a stream of the caller's ([`Client::over_stream`]):
//! any `Read + Write` already connected to the server (a proxy's tunnel, a
//! Unix socket to a local relay), with TLS (rustls, implicit or after
//! STARTTLS) and COMPRESS=DEFLATE run here, not on the reactor.
//!
//! Such a stream cannot be registered with the reactor, so a turn does
//! plain blocking I/O on it: it writes what is queued, then reads once. A
//! turn therefore waits as long as the stream's read does: give the stream
//! a read timeout (`TcpStream::set_read_timeout`) for the command timeout,
//! the read limit and the IDLE renewal to be kept. A read that ends with
//! `WouldBlock` or `TimedOut` is a quiet moment, not a failure.

#[cfg(doc)]
use super::link::Link;
#[cfg(doc)]
use super::Client;
use super::TlsTarget;
use crate::connection::feed::{Feed, Received};
use crate::connection::Connection;
use crate::reactor::Timeouts;
use crate::session::{Error, Session};
use rustls::{ClientConnection, StreamOwned};
use std::io::{self, Read, Write};
use std::time::Instant;

/// A byte stream the blocking [`Client`] can run on
/// ([`Client::over_stream`]): anything `Read + Write + Send`.
pub trait BlockingStream: Read + Write + Send {}

impl<T: Read + Write + Send> BlockingStream for T {}

type Io = Box<dyn BlockingStream>;

enum Transport {
    Plain(Io),
    /// rustls over the stream: the handshake runs in the first reads and
    /// writes.
    Tls(Box<StreamOwned<ClientConnection, Io>>),
    Closed,
}

impl Transport {
    /// The stream as one reader/writer (plain or TLS).
    fn io(&mut self) -> Option<&mut dyn BlockingStream> {
        match self {
            Transport::Plain(io) => Some(&mut **io),
            Transport::Tls(tls) => Some(&mut **tls),
            Transport::Closed => None,
        }
    }
}

/// The link of a [`Client`] made with [`Client::over_stream`].
pub(crate) struct StreamLink {
    /// The session, and DEFLATE once it asked for it.
    feed: Feed<Session>,
    transport: Transport,
    starttls: Option<TlsTarget>,
    read_buf: Box<[u8]>,
    timeouts: Timeouts,
    last_activity: Instant,
}

impl StreamLink {
    /// A link over `io`: TLS from its first byte with `tls`, or plain, to be
    /// upgraded with `starttls` when the session asks.
    pub(crate) fn new(
        io: Io,
        mut session: Session,
        tls: Option<TlsTarget>,
        starttls: Option<TlsTarget>,
        timeouts: Timeouts,
    ) -> Result<StreamLink, Error> {
        let transport = match tls {
            Some(target) => Transport::Tls(Box::new(tls_over(io, target)?)),
            None => Transport::Plain(io),
        };
        session.on_connected();
        Ok(StreamLink {
            feed: Feed::new(session),
            transport,
            starttls,
            read_buf: vec![0; 64 << 10].into_boxed_slice(),
            timeouts,
            last_activity: Instant::now(),
        })
    }

    pub(crate) fn session(&self) -> &Session {
        &self.feed.conn
    }

    pub(crate) fn session_mut(&mut self) -> &mut Session {
        &mut self.feed.conn
    }

    pub(crate) fn is_closed(&self) -> bool {
        matches!(self.transport, Transport::Closed)
    }

    /// Ends the transport and tells the session, once.
    fn close(&mut self, error: Option<io::Error>) {
        if !self.is_closed() {
            self.transport = Transport::Closed;
            self.feed.conn.on_closed(error);
        }
    }

    /// One turn; see [`Link::turn`]. Writes what is queued, then reads once
    /// (as long as the stream's read waits).
    pub(crate) fn turn_now(&mut self) {
        if self.is_closed() {
            return;
        }
        let now = Instant::now();
        if self.feed.conn.next_deadline().is_some_and(|due| now >= due) {
            self.feed.conn.on_timer(now);
        }
        if let Err(e) = self.write_out() {
            return self.close(Some(e));
        }
        if self.feed.conn.wants_close() && self.feed.is_flushed() {
            self.shut_down();
            return self.close(None);
        }
        match self.read_once() {
            Ok(()) => {}
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                let limit = self.timeouts.read.and_then(|limit| self.last_activity.checked_add(limit));
                if limit.is_some_and(|until| Instant::now() >= until) {
                    let quiet = io::Error::new(io::ErrorKind::TimedOut, "nothing received within the read timeout");
                    self.close(Some(quiet));
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => self.close(Some(e)),
        }
    }

    /// Writes all queued output (compressed first under DEFLATE) and flushes.
    fn write_out(&mut self) -> io::Result<()> {
        let mut wrote = false;
        loop {
            self.feed.prepare_output()?;
            if self.feed.output().is_empty() {
                break;
            }
            let Some(io) = self.transport.io() else { break };
            match io.write(self.feed.output()) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => {
                    self.feed.sent(n);
                    wrote = true;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        if wrote {
            self.last_activity = Instant::now();
            if let Some(io) = self.transport.io() {
                io.flush()?;
            }
        }
        Ok(())
    }

    /// One read, handed to the session; a STARTTLS request upgrades the stream.
    fn read_once(&mut self) -> io::Result<()> {
        let Some(io) = self.transport.io() else { return Ok(()) };
        let n = io.read(&mut self.read_buf)?;
        if n == 0 {
            self.close(None);
            return Ok(());
        }
        self.last_activity = Instant::now();
        if self.feed.receive(&self.read_buf[..n])? == Received::StartTls {
            self.start_tls()?;
        }
        Ok(())
    }

    /// The session asked for TLS: from the next byte on, rustls runs over
    /// the plain stream.
    fn start_tls(&mut self) -> io::Result<()> {
        let Some(target) = self.starttls.take() else {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "STARTTLS on a connection not made for it"));
        };
        let Transport::Plain(io) = std::mem::replace(&mut self.transport, Transport::Closed) else {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "STARTTLS over TLS"));
        };
        let tls = tls_over(io, target).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        self.transport = Transport::Tls(Box::new(tls));
        Ok(())
    }

    /// Closes TLS with its close_notify (best effort: the session is done).
    fn shut_down(&mut self) {
        if let Transport::Tls(tls) = &mut self.transport {
            tls.conn.send_close_notify();
            let _ = tls.conn.complete_io(&mut tls.sock);
        }
    }
}

/// rustls over `io`, verifying the server as `target` says.
fn tls_over(io: Io, target: TlsTarget) -> Result<StreamOwned<ClientConnection, Io>, Error> {
    let conn = ClientConnection::new(target.config, target.name)
        .map_err(|e| Error::Tls(io::Error::new(io::ErrorKind::InvalidInput, e).into()))?;
    Ok(StreamOwned::new(conn, io))
}
