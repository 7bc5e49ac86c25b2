//! The reactor: one `mio::Poll` on one thread driving many connections,
//! plain TCP or TLS (rustls), with timers and write back-pressure.
//!
//! The reactor moves bytes; what they mean is the business of a
//! [`Connection`], a sans-IO protocol endpoint (the IMAP session implements
//! it). The reactor never looks inside the bytes.
//!
//! # Driving
//!
//! [`Reactor::connect`] adds a connection and starts a non-blocking TCP
//! connect (`TCP_NODELAY` on). [`Reactor::turn`] does one round; it never
//! busy-loops: a socket asks for writability only while output is pending (or
//! the TLS handshake has something to send), and the poll sleeps until the
//! next event or the next timer. [`Reactor::run_until`] turns until a
//! condition holds. Changing a connection through [`Reactor::get_mut`] (say,
//! queueing a command) is noticed by the next turn without anything else to
//! call.
//!
//! # Reads and writes
//!
//! Sockets are edge-triggered: a ready socket is read until it would block (at
//! most 1 MiB per connection per turn, the rest on the next turn without
//! waiting, so one fast stream cannot starve the others), and every chunk of
//! plaintext goes to [`Connection::receive`] in order. Output is taken from
//! [`Connection::pending_output`] whole: the plain path hands the whole slice
//! to one `write` (no needless small writes, which with Nagle and delayed ACKs
//! cost 40 ms each), the TLS path hands it to rustls, which cuts records and
//! writes them out vectored. What the socket accepts is reported with
//! [`Connection::sent`]; the rest waits for writability (back-pressure).
//!
//! # STARTTLS
//!
//! A connection made with [`Security::StartTls`] starts in clear. When
//! [`Connection::take_transport_request`], checked right after each
//! [`Connection::receive`] call, returns [`TransportRequest::StartTls`], the
//! reactor reads no more plaintext: the rustls handshake starts on the raw
//! socket, and the very next byte read from the socket is the first TLS byte.
//! But the chunk just passed to `receive` may hold bytes after the server's
//! tagged OK (the reactor cannot know where the OK ends): those were received
//! in clear, before TLS, and the **connection** must treat them as suspect
//! (RFC 3207-style injection, CVE-2011-0411) and not process them as if they
//! came over TLS. Output still pending at the request, or queued in the same
//! `receive`, is sent over TLS once the handshake completes. The handshake is
//! bounded by [`Timeouts::connect`]. `on_connected` is not called again.
//! [`Security::Plain`] connections that request STARTTLS are closed with an
//! `InvalidInput` error (no server name to verify).
//!
//! # COMPRESS=DEFLATE
//!
//! When the connection returns [`TransportRequest::Deflate`], both directions
//! go through raw DEFLATE (RFC 1951) from the next byte on, inside TLS when
//! TLS is on (plaintext is compressed, then encrypted). Output is compressed
//! in batches of at most 64 KiB, each ended with a sync flush so the server
//! can read every complete command (RFC 4978 section 4); a new batch is taken
//! only when little compressed output waits (back-pressure). Input is inflated
//! before [`Connection::receive`], at most 32 KiB at a time. The server
//! compresses right after its OK, so the bytes that came after it in the same
//! `receive` are handed back by [`Connection::take_unprocessed`] and inflated
//! first.
//!
//! # Timers
//!
//! One min-heap holds every deadline: the connect (and TLS handshake) limit,
//! the read inactivity limit of [`Timeouts::read`] (reset by every byte
//! received or accepted by the socket), and each connection's
//! [`Connection::next_deadline`], whose [`Connection::on_timer`] is called at
//! or after it. Timeouts close the connection with
//! `on_closed(Some(io::ErrorKind::TimedOut))`.
//!
//! # Closing
//!
//! Each connection whose `connect` returned `Ok` gets exactly one
//! [`Connection::on_closed`]: `None` after a clean end of stream from the peer
//! (plain EOF, or TLS close_notify) or after the connection's own
//! [`Connection::wants_close`] (once its output is written, the reactor sends
//! TLS close_notify and a FIN); `Some(error)` otherwise. A TLS peer that closes
//! TCP without close_notify gives `UnexpectedEof`; a TLS failure (certificate
//! refused, bad record) gives `InvalidData` wrapping the [`rustls::Error`].
//! The socket is dropped at once, but the `C` stays in the table so callers
//! can read it: they learn of the close from [`Reactor::take_closed`] (ids
//! closed since the last call) or [`Reactor::is_closed`], and take the `C`
//! with [`Reactor::remove`], which frees the id.

mod entry;
mod event_loop;
mod timer;
mod tls;

#[cfg(test)]
mod tests;

pub use crate::connection::{Connection, TransportRequest};
pub use event_loop::{ConnId, Reactor, Security, Timeouts};
pub use tls::{TlsError, TlsOptions};
