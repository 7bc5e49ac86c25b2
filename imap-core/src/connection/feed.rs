//! The plaintext side of a driver that moves bytes itself (the async
//! front's link, the blocking client over a caller's stream): output taken
//! from the connection, input handed to it, both through DEFLATE once the
//! connection has turned it on, and its transport requests carried out as
//! far as they concern the plaintext. Whatever the transport below (a
//! socket, TLS) is the driver's.

use super::deflate::{Deflate, BATCH};
use super::{Connection, TransportRequest};
use std::io;

/// A connection and, once it asked for COMPRESS, its DEFLATE streams.
pub(crate) struct Feed<C> {
    pub(crate) conn: C,
    deflate: Option<Box<Deflate>>,
}

/// What the driver must do after [`Feed::receive`].
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Received {
    /// Nothing: read on.
    Done,
    /// The connection asked for TLS: no plaintext may be read any more; the
    /// next byte on the transport is the server's first of the handshake.
    StartTls,
}

impl<C: Connection> Feed<C> {
    pub(crate) fn new(conn: C) -> Feed<C> {
        Feed { conn, deflate: None }
    }

    /// Under DEFLATE, compresses a batch of the connection's output when the
    /// compressor is ready for one. Whether it did.
    pub(crate) fn prepare_output(&mut self) -> io::Result<bool> {
        let Some(deflate) = &mut self.deflate else { return Ok(false) };
        let plain = self.conn.pending_output();
        if plain.is_empty() || !deflate.wants_batch() {
            return Ok(false);
        }
        let n = plain.len().min(BATCH);
        deflate.compress(&plain[..n])?;
        self.conn.sent(n);
        Ok(true)
    }

    /// The bytes waiting to go out on the transport: compressed under
    /// DEFLATE, else the connection's output.
    pub(crate) fn output(&self) -> &[u8] {
        match &self.deflate {
            Some(deflate) => deflate.output(),
            None => self.conn.pending_output(),
        }
    }

    /// `n` bytes of [`output`](Feed::output) went out.
    pub(crate) fn sent(&mut self, n: usize) {
        match &mut self.deflate {
            Some(deflate) => deflate.consume_output(n),
            None => self.conn.sent(n),
        }
    }

    /// Whether nothing waits to go out, compressed or not.
    pub(crate) fn is_flushed(&self) -> bool {
        self.output().is_empty() && self.conn.pending_output().is_empty()
    }

    /// Bytes read from the transport (after TLS), inflated under DEFLATE,
    /// handed to the connection, whose transport requests are carried out.
    /// Fails on a corrupt DEFLATE stream or a request that cannot be met
    /// here (COMPRESS twice, STARTTLS under COMPRESS).
    pub(crate) fn receive(&mut self, bytes: &[u8]) -> io::Result<Received> {
        match &mut self.deflate {
            None => {
                self.conn.receive(bytes);
                self.take_request()
            }
            Some(deflate) => {
                deflate.push_input(bytes);
                self.inflate()
            }
        }
    }

    /// Inflates what has come and hands it to the connection.
    fn inflate(&mut self) -> io::Result<Received> {
        loop {
            let Some(deflate) = &mut self.deflate else { return Ok(Received::Done) };
            let plain = deflate.inflate()?;
            if plain.is_empty() {
                return Ok(Received::Done);
            }
            self.conn.receive(plain);
            if self.take_request()? == Received::StartTls {
                return Ok(Received::StartTls);
            }
        }
    }

    /// Carries out a transport change the connection asked for in the bytes
    /// it was just given.
    fn take_request(&mut self) -> io::Result<Received> {
        match self.conn.take_transport_request() {
            None => Ok(Received::Done),
            Some(TransportRequest::StartTls) if self.deflate.is_some() => {
                Err(io::Error::new(io::ErrorKind::InvalidInput, "STARTTLS after COMPRESS"))
            }
            Some(TransportRequest::StartTls) => Ok(Received::StartTls),
            Some(TransportRequest::Deflate) => {
                if self.deflate.is_some() {
                    return Err(io::Error::new(io::ErrorKind::InvalidInput, "COMPRESS twice"));
                }
                let mut deflate = Box::new(Deflate::new());
                // The server compressed right after its OK: what came after it is compressed.
                deflate.push_input(&self.conn.take_unprocessed());
                self.deflate = Some(deflate);
                self.inflate()
            }
        }
    }
}
