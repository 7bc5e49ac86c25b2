//! The contract between the reactor and a sans-IO protocol endpoint.

use std::io;
use std::time::Instant;

/// A change of transport that a protocol asks for, at an exact point in the
/// byte stream (after the bytes it has consumed so far).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportRequest {
    /// Start TLS now (the server accepted STARTTLS). No plaintext byte read
    /// after this point may reach the protocol.
    StartTls,
    /// Start DEFLATE compression in both directions now (COMPRESS=DEFLATE, RFC 4978).
    Deflate,
}

/// A sans-IO protocol endpoint that the reactor drives: bytes in, bytes out,
/// timers. It never touches a socket.
pub trait Connection {
    /// Bytes received from the peer, after TLS and decompression, in order.
    fn receive(&mut self, bytes: &[u8]);

    /// Bytes waiting to be sent (before TLS and compression). The reactor
    /// writes what it can and reports it with [`sent`](Connection::sent);
    /// the rest stays here (write back-pressure).
    fn pending_output(&self) -> &[u8];

    /// `n` bytes of [`pending_output`](Connection::pending_output) were written.
    fn sent(&mut self, n: usize);

    /// A transport change the protocol wants now, if any; taken once.
    fn take_transport_request(&mut self) -> Option<TransportRequest>;

    /// When the protocol next wants [`on_timer`](Connection::on_timer) called.
    fn next_deadline(&self) -> Option<Instant>;

    /// Called at or after [`next_deadline`](Connection::next_deadline).
    fn on_timer(&mut self, now: Instant);

    /// The transport is up: connected, and the TLS handshake done if any.
    fn on_connected(&mut self);

    /// The transport ended: `None` for a clean end of stream from the peer,
    /// `Some` for an error (including timeouts, as `io::ErrorKind::TimedOut`).
    fn on_closed(&mut self, error: Option<io::Error>);

    /// Whether the protocol is done and the reactor should close the
    /// transport once the pending output is written.
    fn wants_close(&self) -> bool;
}
