//! The I/O under a client: what a front supplies so that the
//! [engine](super::engine)'s operations can run over it.

use super::stream_link::StreamLink;
use crate::reactor::{ConnId, Reactor};
use crate::session::{Error, Session};
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Instant;

/// A session and the transport that feeds it.
pub(crate) trait Link {
    fn session(&self) -> &Session;

    fn session_mut(&mut self) -> &mut Session;

    /// One round of I/O: sends what the session has queued, then waits
    /// until the peer sends something (handed to the session), a timer of
    /// the session falls due (run), the transport closes (the session is
    /// told), or `deadline`. Returns early on any of those; an error only
    /// when the driver itself fails.
    ///
    /// Cancel-safe: everything it has done is in the session when its
    /// future is dropped, and nothing is half-sent (output the session
    /// queued stays queued until written).
    fn turn(&mut self, deadline: Instant) -> impl Future<Output = Result<(), Error>> + Send;

    /// Whether the transport is closed (after the session's LOGOUT, say).
    fn is_closed(&self) -> bool;
}

/// The blocking front's link: the session on its own reactor, or over a
/// stream of the caller's. Its turns block the thread and are always ready.
// One per Client: the usual variant stays inline, the rarer one is boxed.
#[allow(clippy::large_enum_variant)]
pub(crate) enum BlockingLink {
    Reactor(ReactorLink),
    Stream(Box<StreamLink>),
}

/// The session on a reactor of its own.
pub(crate) struct ReactorLink {
    pub(crate) reactor: Reactor<Session>,
    pub(crate) id: ConnId,
}

impl ReactorLink {
    fn session(&self) -> &Session {
        self.reactor.get(self.id).expect("the client's session is never removed")
    }

    fn session_mut(&mut self) -> &mut Session {
        self.reactor.get_mut(self.id).expect("the client's session is never removed")
    }

    fn turn_now(&mut self, deadline: Instant) -> Result<(), Error> {
        let wait = deadline.saturating_duration_since(Instant::now());
        self.reactor.turn(Some(wait)).map(drop).map_err(|e| Error::Io(e.into()))
    }
}

impl Link for BlockingLink {
    fn session(&self) -> &Session {
        match self {
            BlockingLink::Reactor(link) => link.session(),
            BlockingLink::Stream(link) => link.session(),
        }
    }

    fn session_mut(&mut self) -> &mut Session {
        match self {
            BlockingLink::Reactor(link) => link.session_mut(),
            BlockingLink::Stream(link) => link.session_mut(),
        }
    }

    fn turn(&mut self, deadline: Instant) -> impl Future<Output = Result<(), Error>> + Send {
        std::future::ready(match self {
            BlockingLink::Reactor(link) => link.turn_now(deadline),
            BlockingLink::Stream(link) => {
                link.turn_now();
                Ok(())
            }
        })
    }

    fn is_closed(&self) -> bool {
        match self {
            BlockingLink::Reactor(link) => link.reactor.is_closed(link.id),
            BlockingLink::Stream(link) => link.is_closed(),
        }
    }
}

/// Runs an operation of the engine over a [`ReactorLink`] to its end. Its
/// turns never return `Pending`, so neither does the operation: one poll
/// finishes it.
pub(crate) fn block<F: Future>(operation: F) -> F::Output {
    let mut operation = pin!(operation);
    match operation.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        // Every await in the engine is on a link's turn (or a sink's write),
        // and the blocking front's are `std::future::ready`.
        Poll::Pending => unreachable!("an operation on the blocking front waited for a wake-up"),
    }
}
