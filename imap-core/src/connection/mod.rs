//! The contract between a sans-IO protocol endpoint (a
//! [`Session`](crate::session::Session)) and whatever drives it over a
//! transport (the [reactor](crate::reactor), or your own loop). Both sides
//! depend on this module; neither on the other.

#[cfg(feature = "net")]
pub(crate) mod deflate;
#[cfg(feature = "net")]
pub(crate) mod feed;
#[cfg(feature = "net")]
pub(crate) mod socket;

use std::io;
use std::time::Instant;

/// A change of transport that a protocol asks for, at an exact point in the
/// byte stream (after the bytes it has consumed so far).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportRequest {
    /// Start TLS now (the server accepted STARTTLS). No plaintext byte read
    /// after this point may reach the protocol.
    ///
    /// The reactor honours it only on a connection made with
    /// [`Security::StartTls`](crate::reactor::Security::StartTls) (any other is closed
    /// with `InvalidInput`). It reads no more plaintext once the request is
    /// taken, and the next byte read from the socket is the first byte of the
    /// TLS handshake. Bytes that came *in the same* [`receive`](Connection::receive)
    /// *call* after the server's OK were read in clear before TLS: only the
    /// protocol can see where its OK ended, so it must set them aside itself
    /// (treat them as an injection attempt, never as data received over TLS).
    StartTls,
    /// Start DEFLATE compression in both directions now (COMPRESS=DEFLATE, RFC 4978).
    ///
    /// From the next byte on, output is compressed (raw DEFLATE, RFC 1951,
    /// sync-flushed after each batch) and input inflated, inside TLS when TLS
    /// is on. The server compresses right after its OK, so bytes that came in
    /// the same [`receive`](Connection::receive) call after the point of the
    /// request are compressed: the protocol must not process them, and hands
    /// them back with [`take_unprocessed`](Connection::take_unprocessed); the
    /// reactor inflates them first. Requesting it twice, or STARTTLS after it,
    /// closes the connection with `InvalidInput`; a corrupt stream closes it
    /// with `InvalidData`.
    Deflate,
}

/// A sans-IO protocol endpoint that the reactor drives: bytes in, bytes out,
/// timers. It never touches a socket.
pub trait Connection {
    /// Bytes received from the peer, after TLS and decompression, in order.
    ///
    /// A chunk is whatever one socket read (or one TLS record) gave: it may end
    /// anywhere, in the middle of a line or a literal. Right after each call
    /// the reactor takes [`take_transport_request`](Connection::take_transport_request).
    fn receive(&mut self, bytes: &[u8]);

    /// Bytes waiting to be sent (before TLS and compression). The reactor
    /// writes what it can and reports it with [`sent`](Connection::sent);
    /// the rest stays here (write back-pressure). The reactor hands the whole
    /// slice to one write, so a command queued whole here leaves in as few
    /// packets as the socket allows.
    fn pending_output(&self) -> &[u8];

    /// `n` bytes of [`pending_output`](Connection::pending_output) were written
    /// (to the socket, or to the TLS layer that will send them).
    fn sent(&mut self, n: usize);

    /// A transport change the protocol wants now, if any; taken once.
    fn take_transport_request(&mut self) -> Option<TransportRequest>;

    /// After [`TransportRequest::Deflate`], the bytes of the last
    /// [`receive`](Connection::receive) call that came after the point of the
    /// request, which the protocol did not process (they are compressed).
    /// Taken once, right after the request. The default gives none.
    fn take_unprocessed(&mut self) -> Vec<u8> {
        Vec::new()
    }

    /// When the protocol next wants [`on_timer`](Connection::on_timer) called.
    /// Read again after every call into the connection.
    fn next_deadline(&self) -> Option<Instant>;

    /// Called at or after [`next_deadline`](Connection::next_deadline).
    fn on_timer(&mut self, now: Instant);

    /// The transport is up: connected, and the TLS handshake done if any.
    /// Called once: for STARTTLS, when TCP is up (not again after the upgrade).
    fn on_connected(&mut self);

    /// The transport ended: `None` for a clean end of stream from the peer,
    /// `Some` for an error (including timeouts, as `io::ErrorKind::TimedOut`).
    ///
    /// Called exactly once, and nothing else is called after it. `None` also
    /// follows the protocol's own [`wants_close`](Connection::wants_close).
    /// Over TLS a clean end is the peer's close_notify; a TCP close without it
    /// is `Some(UnexpectedEof)`, which a protocol may accept after its
    /// LOGOUT. A refused certificate or bad TLS record is `InvalidData`
    /// wrapping the `rustls::Error`.
    fn on_closed(&mut self, error: Option<io::Error>);

    /// Whether the protocol is done and the reactor should close the
    /// transport once the pending output is written.
    fn wants_close(&self) -> bool;
}
