//! One registered connection: its socket, TLS and DEFLATE layers and the
//! protocol endpoint they feed, and the steps the event loop runs on it
//! when its socket is ready (connect, handshake, read, write, transport
//! changes).

use std::io::{self, Read, Write};
use std::net::Shutdown;
use std::sync::Arc;
use std::time::Instant;

use mio::net::TcpStream;
use mio::{Interest, Registry, Token};
use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection};

use super::event_loop::{ConnId, Timeouts, READ_BUDGET};
use super::timer::{Timer, TimerKind, Timers};
use crate::connection::deflate::{Deflate, BATCH};
use crate::connection::{Connection, TransportRequest};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Phase {
    /// TCP connect in progress.
    Connecting,
    /// TLS handshake in progress; `upgrade` for STARTTLS (already `on_connected`).
    Handshaking { upgrade: bool },
    /// Moving application data.
    Open,
    /// Closed: deregistered, socket dropped, `on_closed` called.
    Closed,
}

pub(super) struct Entry<C> {
    pub(super) conn: C,
    pub(super) stream: Option<TcpStream>,
    pub(super) phase: Phase,
    pub(super) tls: Option<Box<ClientConnection>>,
    /// COMPRESS=DEFLATE, once requested: between the connection and TLS (or TCP).
    pub(super) deflate: Option<Box<Deflate>>,
    /// Where TLS will go, for `Security::Tls` (until the handshake starts) and
    /// `Security::StartTls` (until requested).
    pub(super) tls_setup: Option<(ServerName<'static>, Arc<ClientConfig>)>,
    pub(super) implicit_tls: bool,
    pub(super) timeouts: Timeouts,
    pub(super) interest: Option<Interest>,
    /// Queued in `Shared::dirty` for a look at the start of the next turn.
    pub(super) dirty: bool,
    /// The read budget ran out with data possibly left in the socket.
    pub(super) read_again: bool,
    /// Plaintext was handed to rustls during the handshake (rustls holds it
    /// until the handshake completes; `wants_write` does not show it).
    pub(super) early_plaintext: bool,
    pub(super) connect_at: Option<Instant>,
    pub(super) read_at: Option<Instant>,
    pub(super) conn_at: Option<Instant>,
    pub(super) last_activity: Instant,
    pub(super) progress_turn: u64,
}

/// Why a connection is being closed: `None` for a clean end.
pub(super) struct Closing(pub(super) Option<io::Error>);

impl Closing {
    pub(super) fn clean() -> Self {
        Closing(None)
    }
    pub(super) fn err(e: io::Error) -> Self {
        Closing(Some(e))
    }
}

pub(super) fn tls_io_error(e: rustls::Error) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e)
}

/// What the per-connection steps need besides the entry.
pub(super) struct Cx<'a> {
    pub(super) timers: &'a mut Timers,
    pub(super) buf: &'a mut [u8],
    pub(super) id: ConnId,
    pub(super) now: Instant,
}

impl Cx<'_> {
    pub(super) fn push(&mut self, at: Instant, kind: TimerKind) {
        self.timers.push(Timer { at, slot: self.id.index, generation: self.id.generation, kind });
    }
}

/// With DEFLATE on, compresses a batch of the connection's pending output
/// (sync-flushed) when the compressed backlog is low; the batch counts as sent.
pub(super) fn compress_batch<C: Connection>(deflate: &mut Option<Box<Deflate>>, conn: &mut C) -> Result<bool, Closing> {
    let Some(deflate) = deflate.as_deref_mut() else { return Ok(false) };
    let pending = conn.pending_output();
    if pending.is_empty() || !deflate.wants_batch() {
        return Ok(false);
    }
    let n = pending.len().min(BATCH);
    deflate.compress(&pending[..n]).map_err(Closing::err)?;
    conn.sent(n);
    Ok(true)
}

/// The bytes to hand to the transport next: compressed output with DEFLATE
/// on, the connection's output otherwise.
pub(super) fn output<'a, C: Connection>(deflate: &'a Option<Box<Deflate>>, conn: &'a C) -> &'a [u8] {
    match deflate.as_deref() {
        Some(deflate) => deflate.output(),
        None => conn.pending_output(),
    }
}

/// `n` bytes of [`output`] were written.
pub(super) fn output_sent<C: Connection>(deflate: &mut Option<Box<Deflate>>, conn: &mut C, n: usize) {
    match deflate.as_deref_mut() {
        Some(deflate) => deflate.consume_output(n),
        None => conn.sent(n),
    }
}

pub(super) fn is(e: &io::Error, kind: io::ErrorKind) -> bool {
    e.kind() == kind
}

impl<C: Connection> Entry<C> {
    pub(super) fn step(&mut self, cx: &mut Cx<'_>, mut readable: bool, writable: bool) -> Result<bool, Closing> {
        let mut progress = false;
        if self.phase == Phase::Connecting {
            if readable || writable {
                progress |= self.finish_connect(cx)?;
            }
            if self.phase == Phase::Connecting {
                return if self.conn.wants_close() { Err(Closing::clean()) } else { Ok(progress) };
            }
            // Input may have come with the connect's own event.
            readable = true;
        }
        if readable {
            progress |= self.read_ready(cx)?;
        }
        // A request made outside `receive` (from `on_timer`, or through `get_mut`).
        if let Some(request) = self.conn.take_transport_request() {
            self.handle_request(cx, request)?;
            progress = true;
        }
        progress |= self.flush(cx)?;
        if self.conn.wants_close() && self.output_drained() {
            self.shutdown_gracefully();
            return Err(Closing::clean());
        }
        Ok(progress)
    }

    pub(super) fn finish_connect(&mut self, cx: &mut Cx<'_>) -> Result<bool, Closing> {
        let Some(stream) = self.stream.as_ref() else { return Ok(false) };
        if let Some(err) = stream.take_error().map_err(Closing::err)? {
            return Err(Closing::err(err));
        }
        match stream.peer_addr() {
            Ok(_) => {}
            Err(e) if is(&e, io::ErrorKind::NotConnected) => return Ok(false), // not yet
            Err(e) => return Err(Closing::err(e)),
        }
        let _ = stream.set_nodelay(true);
        if self.implicit_tls {
            self.start_tls(cx, false)?;
        } else {
            self.phase = Phase::Open;
            self.connect_at = None;
            self.arm_read(cx);
            self.conn.on_connected();
        }
        Ok(true)
    }

    pub(super) fn handle_request(&mut self, cx: &mut Cx<'_>, request: TransportRequest) -> Result<(), Closing> {
        match request {
            TransportRequest::StartTls => self.start_tls(cx, true),
            TransportRequest::Deflate => self.start_deflate(cx),
        }
    }

    /// Puts DEFLATE between the connection and the transport, from the next
    /// byte on. The bytes the connection received after the point of the
    /// request ([`Connection::take_unprocessed`]) are compressed already:
    /// they are inflated first.
    pub(super) fn start_deflate(&mut self, cx: &mut Cx<'_>) -> Result<(), Closing> {
        if self.deflate.is_some() {
            return Err(Closing::err(io::Error::new(io::ErrorKind::InvalidInput, "COMPRESS requested twice")));
        }
        let mut deflate = Box::new(Deflate::new());
        deflate.push_input(&self.conn.take_unprocessed());
        self.deflate = Some(deflate);
        self.inflate_to_conn(cx)
    }

    /// Hands everything the inflater can give to the connection, taking its
    /// transport requests after each piece.
    pub(super) fn inflate_to_conn(&mut self, cx: &mut Cx<'_>) -> Result<(), Closing> {
        loop {
            let Some(deflate) = self.deflate.as_deref_mut() else { return Ok(()) };
            let plain = deflate.inflate().map_err(Closing::err)?;
            if plain.is_empty() {
                return Ok(());
            }
            self.conn.receive(plain);
            if let Some(request) = self.conn.take_transport_request() {
                self.handle_request(cx, request)?;
            }
        }
    }

    /// Bytes read from TCP (or out of TLS): to the connection, through the
    /// inflater when DEFLATE is on.
    pub(super) fn deliver(&mut self, cx: &mut Cx<'_>, n: usize) -> Result<(), Closing> {
        if let Some(deflate) = self.deflate.as_deref_mut() {
            deflate.push_input(&cx.buf[..n]);
            return self.inflate_to_conn(cx);
        }
        self.conn.receive(&cx.buf[..n]);
        if let Some(request) = self.conn.take_transport_request() {
            self.handle_request(cx, request)?;
        }
        Ok(())
    }

    /// Puts a rustls client on the raw socket; the handshake is driven by the
    /// following reads and writes.
    pub(super) fn start_tls(&mut self, cx: &mut Cx<'_>, upgrade: bool) -> Result<(), Closing> {
        if self.deflate.is_some() {
            return Err(Closing::err(io::Error::new(io::ErrorKind::InvalidInput, "STARTTLS requested after COMPRESS")));
        }
        if self.tls.is_some() {
            return Err(Closing::err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "STARTTLS requested while TLS is on",
            )));
        }
        let Some((name, config)) = self.tls_setup.take() else {
            return Err(Closing::err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "STARTTLS requested on a Security::Plain connection (use Security::StartTls)",
            )));
        };
        let tls = ClientConnection::new(config, name).map_err(|e| Closing::err(tls_io_error(e)))?;
        self.tls = Some(Box::new(tls));
        self.phase = Phase::Handshaking { upgrade };
        self.set_connect_deadline(cx, cx.now.checked_add(self.timeouts.connect));
        Ok(())
    }

    pub(super) fn handshake_done(&mut self, cx: &mut Cx<'_>) {
        if let Phase::Handshaking { upgrade } = self.phase {
            self.phase = Phase::Open;
            self.early_plaintext = false;
            self.connect_at = None;
            if !upgrade {
                self.arm_read(cx);
                self.conn.on_connected();
            }
        }
    }

    /// Reads until the socket would block (edge-triggered), or the read budget
    /// is spent, feeding plaintext to the connection.
    pub(super) fn read_ready(&mut self, cx: &mut Cx<'_>) -> Result<bool, Closing> {
        let mut progress = false;
        let mut budget = READ_BUDGET;
        loop {
            if budget == 0 {
                self.read_again = true;
                return Ok(progress);
            }
            let Some(stream) = self.stream.as_mut() else { return Ok(progress) };
            let Some(tls) = self.tls.as_deref_mut() else {
                // Plain. After each `receive`, a transport request is taken
                // before the next read, so no plaintext follows a StartTls.
                match stream.read(cx.buf) {
                    Ok(0) => return Err(Closing::clean()),
                    Ok(n) => {
                        progress = true;
                        budget = budget.saturating_sub(n);
                        self.last_activity = cx.now;
                        // For StartTls the loop goes on with TLS from the
                        // next raw byte; for Deflate, through the inflater.
                        self.deliver(cx, n)?;
                    }
                    Err(e) if is(&e, io::ErrorKind::WouldBlock) => return Ok(progress),
                    Err(e) if is(&e, io::ErrorKind::Interrupted) => {}
                    Err(e) => return Err(Closing::err(e)),
                }
                continue;
            };
            let eof = match tls.read_tls(stream) {
                Ok(0) => true,
                Ok(n) => {
                    budget = budget.saturating_sub(n);
                    false
                }
                Err(e) if is(&e, io::ErrorKind::WouldBlock) => return Ok(progress),
                Err(e) if is(&e, io::ErrorKind::Interrupted) => continue,
                Err(e) => return Err(Closing::err(e)),
            };
            progress = true;
            self.last_activity = cx.now;
            if let Err(err) = tls.process_new_packets() {
                // Best effort to tell the server why (the alert rustls queued).
                let _ = tls.write_tls(stream);
                return Err(Closing::err(tls_io_error(err)));
            }
            if !tls.is_handshaking() {
                self.handshake_done(cx);
            }
            self.drain_plaintext(cx)?;
            if eof {
                // rustls reports EOF itself through the reader (Ok(0) after
                // close_notify, UnexpectedEof without); this is the fallback.
                let what = if matches!(self.phase, Phase::Handshaking { .. }) {
                    "connection closed during the TLS handshake"
                } else {
                    "connection closed without TLS close_notify"
                };
                return Err(Closing::err(io::Error::new(io::ErrorKind::UnexpectedEof, what)));
            }
        }
    }

    pub(super) fn drain_plaintext(&mut self, cx: &mut Cx<'_>) -> Result<(), Closing> {
        loop {
            let Some(tls) = self.tls.as_deref_mut() else { return Ok(()) };
            match tls.reader().read(cx.buf) {
                Ok(0) => return Err(Closing::clean()), // close_notify
                Ok(n) => self.deliver(cx, n)?,
                Err(e) if is(&e, io::ErrorKind::WouldBlock) => return Ok(()),
                Err(e) if is(&e, io::ErrorKind::Interrupted) => {}
                // UnexpectedEof: TCP closed without close_notify.
                Err(e) => return Err(Closing::err(e)),
            }
        }
    }

    /// Writes pending output until it is all written or the socket would block.
    /// One `write` per call of the plain path takes the whole pending slice;
    /// with TLS, the whole slice goes to rustls (up to its buffer limit) and
    /// the records leave in vectored writes.
    pub(super) fn flush(&mut self, cx: &mut Cx<'_>) -> Result<bool, Closing> {
        if !matches!(self.phase, Phase::Open | Phase::Handshaking { .. }) {
            return Ok(false);
        }
        let Some(stream) = self.stream.as_mut() else { return Ok(false) };
        let mut progress = false;
        let deflate = &mut self.deflate;
        match self.tls.as_deref_mut() {
            None => loop {
                progress |= compress_batch(deflate, &mut self.conn)?;
                let out = output(deflate, &self.conn);
                if out.is_empty() {
                    break;
                }
                match stream.write(out) {
                    Ok(0) => return Err(Closing::err(io::ErrorKind::WriteZero.into())),
                    Ok(n) => {
                        output_sent(deflate, &mut self.conn, n);
                        progress = true;
                    }
                    Err(e) if is(&e, io::ErrorKind::WouldBlock) => break,
                    Err(e) if is(&e, io::ErrorKind::Interrupted) => {}
                    Err(e) => return Err(Closing::err(e)),
                }
            },
            Some(tls) => loop {
                progress |= compress_batch(deflate, &mut self.conn)?;
                let out = output(deflate, &self.conn);
                let mut accepted = 0;
                if !out.is_empty() {
                    accepted = tls.writer().write(out).map_err(Closing::err)?;
                    if accepted > 0 {
                        output_sent(deflate, &mut self.conn, accepted);
                        progress = true;
                        if tls.is_handshaking() {
                            self.early_plaintext = true;
                        }
                    }
                }
                let mut blocked = false;
                while tls.wants_write() {
                    match tls.write_tls(stream) {
                        Ok(0) => return Err(Closing::err(io::ErrorKind::WriteZero.into())),
                        Ok(_) => progress = true,
                        Err(e) if is(&e, io::ErrorKind::WouldBlock) => {
                            blocked = true;
                            break;
                        }
                        Err(e) if is(&e, io::ErrorKind::Interrupted) => {}
                        Err(e) => return Err(Closing::err(e)),
                    }
                }
                if blocked
                    || accepted == 0
                    || (output(deflate, &self.conn).is_empty() && self.conn.pending_output().is_empty())
                {
                    break;
                }
            },
        }
        if progress {
            self.last_activity = cx.now;
        }
        Ok(progress)
    }

    /// Whether the socket has something to send right now.
    pub(super) fn wants_write(&self) -> bool {
        let compressed = self.deflate.as_ref().is_some_and(|d| !d.output().is_empty());
        match &self.tls {
            Some(tls) => tls.wants_write() || compressed,
            None => compressed || !self.conn.pending_output().is_empty(),
        }
    }

    pub(super) fn output_drained(&self) -> bool {
        match self.phase {
            Phase::Connecting | Phase::Closed => true,
            Phase::Handshaking { .. } | Phase::Open => {
                !self.early_plaintext && !self.wants_write() && self.conn.pending_output().is_empty()
            }
        }
    }

    /// TLS close_notify (best effort), then a FIN.
    pub(super) fn shutdown_gracefully(&mut self) {
        if !matches!(self.phase, Phase::Open | Phase::Handshaking { .. }) {
            return;
        }
        let Some(stream) = self.stream.as_mut() else { return };
        if let Some(tls) = self.tls.as_deref_mut() {
            tls.send_close_notify();
            while tls.wants_write() {
                match tls.write_tls(stream) {
                    Ok(n) if n > 0 => {}
                    _ => break,
                }
            }
        }
        let _ = stream.shutdown(Shutdown::Write);
    }

    pub(super) fn update_interest(&mut self, registry: &Registry, id: ConnId) -> io::Result<()> {
        let want = match self.phase {
            Phase::Connecting => Interest::READABLE | Interest::WRITABLE,
            _ if self.wants_write() => Interest::READABLE | Interest::WRITABLE,
            _ => Interest::READABLE,
        };
        let Some(stream) = self.stream.as_mut() else { return Ok(()) };
        if self.interest != Some(want) {
            registry.reregister(stream, Token(id.index as usize), want)?;
            self.interest = Some(want);
        }
        Ok(())
    }

    pub(super) fn set_connect_deadline(&mut self, cx: &mut Cx<'_>, at: Option<Instant>) {
        self.connect_at = at;
        if let Some(at) = at {
            cx.push(at, TimerKind::Connect);
        }
    }

    pub(super) fn arm_read(&mut self, cx: &mut Cx<'_>) {
        self.last_activity = cx.now;
        if let Some(at) = self.timeouts.read.and_then(|limit| cx.now.checked_add(limit)) {
            self.read_at = Some(at);
            cx.push(at, TimerKind::Read);
        }
    }

    /// Pushes the connection's deadline if it is earlier than the one already
    /// in the heap (a later one is found when the earlier fires).
    pub(super) fn schedule_conn(&mut self, cx: &mut Cx<'_>) {
        if self.phase == Phase::Closed {
            return;
        }
        if let Some(at) = self.conn.next_deadline() {
            if self.conn_at.is_none_or(|s| at < s) {
                self.conn_at = Some(at);
                cx.push(at, TimerKind::Conn);
            }
        }
    }
}
