//! The async front's link: a session over any tokio stream, with TLS
//! (tokio-rustls, implicit or after STARTTLS) and COMPRESS=DEFLATE.
//!
//! A turn is one poll function over state kept here, never in the future:
//! dropping a turn loses nothing. Bytes read are in the session before the
//! poll returns; output leaves the session only as the stream accepts it.

use crate::client::{Link, TlsTarget};
use crate::connection::feed::{Feed, Received};
use crate::connection::Connection;
use crate::reactor::Timeouts;
use crate::session::{Error, Session};
use std::future::{poll_fn, Future};
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;
use tokio_rustls::client::TlsStream;
use tokio_rustls::{Connect, TlsConnector};

/// A byte stream the async client can run on: a `TcpStream`, or a stream of
/// the caller's (a proxy's tunnel, an in-memory pipe).
pub trait AsyncStream: AsyncRead + AsyncWrite + Send + Unpin {}

impl<T: AsyncRead + AsyncWrite + Send + Unpin> AsyncStream for T {}

pub(crate) type Io = Box<dyn AsyncStream>;

/// Most plaintext handed to the session in one turn, so that the engine
/// sees completions (and a streaming sink its data) regularly.
const TURN_READ: usize = 1 << 20;

enum Stream {
    Plain(Io),
    Tls(Box<TlsStream<Io>>),
    /// STARTTLS accepted: the handshake runs over the plain stream.
    Handshaking(Box<Connect<Io>>),
    Closed,
}

impl Stream {
    /// The stream as one reader/writer (plain or TLS); none while the
    /// STARTTLS handshake runs or once closed.
    fn io(&mut self) -> Option<&mut dyn AsyncStream> {
        match self {
            Stream::Plain(io) => Some(&mut **io),
            Stream::Tls(tls) => Some(&mut **tls),
            Stream::Handshaking(_) | Stream::Closed => None,
        }
    }
}

pub(crate) struct TokioLink {
    /// The session, and DEFLATE once it asked for it.
    feed: Feed<Session>,
    stream: Stream,
    starttls: Option<TlsTarget>,
    read_buf: Box<[u8]>,
    /// Wakes the turn at its deadline or the next timer.
    sleep: Pin<Box<Sleep>>,
    timeouts: Timeouts,
    last_activity: Instant,
    /// The STARTTLS handshake must end by then.
    handshake_until: Option<Instant>,
    /// Bytes were written since the stream was last flushed (TLS buffers).
    unflushed: bool,
    /// Closing: the stream is being shut down (TLS close_notify, FIN).
    shutting_down: bool,
}

impl TokioLink {
    /// A link over a connected plain stream; `starttls` is how to upgrade
    /// it when the session asks.
    pub(crate) fn plain(io: Io, session: Session, starttls: Option<TlsTarget>, timeouts: Timeouts) -> TokioLink {
        TokioLink::new(Stream::Plain(io), session, starttls, timeouts)
    }

    /// A link over a TLS stream whose handshake is done.
    pub(crate) fn tls(stream: TlsStream<Io>, session: Session, timeouts: Timeouts) -> TokioLink {
        TokioLink::new(Stream::Tls(Box::new(stream)), session, None, timeouts)
    }

    fn new(stream: Stream, mut session: Session, starttls: Option<TlsTarget>, timeouts: Timeouts) -> TokioLink {
        session.on_connected();
        TokioLink {
            feed: Feed::new(session),
            stream,
            starttls,
            read_buf: vec![0; 64 << 10].into_boxed_slice(),
            sleep: Box::pin(tokio::time::sleep_until(Instant::now().into())),
            timeouts,
            last_activity: Instant::now(),
            handshake_until: None,
            unflushed: false,
            shutting_down: false,
        }
    }

    fn is_closed(&self) -> bool {
        matches!(self.stream, Stream::Closed)
    }

    /// Ends the transport and tells the session, once.
    fn close(&mut self, error: Option<io::Error>) {
        if !self.is_closed() {
            self.stream = Stream::Closed;
            self.feed.conn.on_closed(error);
        }
    }

    /// One turn; see [`Link::turn`].
    fn poll_turn(&mut self, cx: &mut Context<'_>, deadline: Instant) -> Poll<Result<(), Error>> {
        loop {
            if self.is_closed() {
                return Poll::Ready(Ok(()));
            }
            let progressed = match self.poll_io(cx) {
                Ok(progressed) => progressed,
                Err(e) => {
                    self.close(Some(e));
                    return Poll::Ready(Ok(()));
                }
            };
            let now = Instant::now();
            let mut timed = false;
            if self.feed.conn.next_deadline().is_some_and(|due| now >= due) {
                self.feed.conn.on_timer(now);
                timed = true;
            }
            if let Some(limit) = self.expired(now) {
                self.close(Some(io::Error::new(io::ErrorKind::TimedOut, limit)));
                return Poll::Ready(Ok(()));
            }
            if progressed || timed || now >= deadline {
                return Poll::Ready(Ok(()));
            }
            let wake = [Some(deadline), self.feed.conn.next_deadline(), self.read_limit(), self.handshake_until]
                .into_iter()
                .flatten()
                .min()
                .unwrap_or(deadline);
            self.sleep.as_mut().reset(wake.into());
            if self.sleep.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
        }
    }

    /// When the read inactivity limit falls, if there is one.
    fn read_limit(&self) -> Option<Instant> {
        self.timeouts.read.and_then(|limit| self.last_activity.checked_add(limit))
    }

    /// Which limit has passed, if one has.
    fn expired(&self, now: Instant) -> Option<&'static str> {
        if self.handshake_until.is_some_and(|until| now >= until) {
            return Some("the STARTTLS handshake took too long");
        }
        if self.read_limit().is_some_and(|until| now >= until) {
            return Some("nothing received within the read timeout");
        }
        None
    }

    /// Moves what bytes it can without waiting: the handshake, output,
    /// input, the close. Whether anything happened.
    fn poll_io(&mut self, cx: &mut Context<'_>) -> io::Result<bool> {
        let mut progressed = false;
        if let Stream::Handshaking(connect) = &mut self.stream {
            match Pin::new(&mut **connect).poll(cx) {
                Poll::Ready(Ok(tls)) => {
                    self.stream = Stream::Tls(Box::new(tls));
                    self.handshake_until = None;
                    progressed = true;
                }
                Poll::Ready(Err(e)) => return Err(e),
                Poll::Pending => return Ok(false),
            }
        }
        progressed |= self.poll_write(cx)?;
        if self.feed.conn.wants_close() && self.feed.is_flushed() && !self.unflushed {
            self.shutting_down = true;
        }
        if self.shutting_down {
            // The peer may have gone first; either way the session is done.
            let shut = self.stream.io().map_or(Poll::Ready(Ok(())), |stream| Pin::new(stream).poll_shutdown(cx));
            if shut.is_ready() {
                self.close(None);
                return Ok(true);
            }
        }
        progressed |= self.poll_read(cx)?;
        Ok(progressed)
    }

    fn poll_write(&mut self, cx: &mut Context<'_>) -> io::Result<bool> {
        let mut progressed = false;
        loop {
            progressed |= self.feed.prepare_output()?;
            if self.feed.output().is_empty() {
                break;
            }
            // The whole slice to one write: no needless small packets.
            let Some(stream) = self.stream.io() else { break };
            match Pin::new(stream).poll_write(cx, self.feed.output()) {
                Poll::Ready(Ok(0)) => return Err(io::ErrorKind::WriteZero.into()),
                Poll::Ready(Ok(n)) => {
                    self.feed.sent(n);
                    self.unflushed = true;
                    self.last_activity = Instant::now();
                    progressed = true;
                }
                Poll::Ready(Err(e)) => return Err(e),
                Poll::Pending => break,
            }
        }
        if self.unflushed {
            if let Some(stream) = self.stream.io() {
                if let Poll::Ready(result) = Pin::new(stream).poll_flush(cx) {
                    result?;
                    self.unflushed = false;
                }
            }
        }
        Ok(progressed)
    }

    fn poll_read(&mut self, cx: &mut Context<'_>) -> io::Result<bool> {
        let mut total = 0;
        while total < TURN_READ && !self.shutting_down {
            // A STARTTLS request stops the reading of plaintext.
            let Some(stream) = self.stream.io() else { break };
            let mut buf = ReadBuf::new(&mut self.read_buf);
            match Pin::new(stream).poll_read(cx, &mut buf) {
                Poll::Ready(Ok(())) => {
                    let n = buf.filled().len();
                    if n == 0 {
                        self.close(None);
                        return Ok(true);
                    }
                    total += n;
                    self.last_activity = Instant::now();
                    if self.feed.receive(&self.read_buf[..n])? == Received::StartTls {
                        self.start_tls()?;
                    }
                }
                Poll::Ready(Err(e)) => return Err(e),
                Poll::Pending => break,
            }
        }
        Ok(total > 0)
    }

    /// The session asked for TLS: the handshake starts over the plain stream.
    fn start_tls(&mut self) -> io::Result<()> {
        let Some(TlsTarget { name, config }) = self.starttls.take() else {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "STARTTLS on a connection not made for it"));
        };
        let Stream::Plain(io) = std::mem::replace(&mut self.stream, Stream::Closed) else {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "STARTTLS over TLS"));
        };
        self.stream = Stream::Handshaking(Box::new(TlsConnector::from(config).connect(name, io)));
        self.handshake_until = Instant::now().checked_add(self.timeouts.connect);
        Ok(())
    }
}

impl Link for TokioLink {
    fn session(&self) -> &Session {
        &self.feed.conn
    }

    fn session_mut(&mut self) -> &mut Session {
        &mut self.feed.conn
    }

    fn turn(&mut self, deadline: Instant) -> impl Future<Output = Result<(), Error>> + Send {
        poll_fn(move |cx| self.poll_turn(cx, deadline))
    }

    fn is_closed(&self) -> bool {
        TokioLink::is_closed(self)
    }
}
