//! The session as a [`Connection`]: what the reactor (or any driver)
//! calls.

use super::{Error, Session};
use crate::connection::{Connection, TransportRequest};
use std::time::Instant;

impl Connection for Session {
    fn receive(&mut self, bytes: &[u8]) {
        Session::receive(self, bytes);
    }

    fn pending_output(&self) -> &[u8] {
        Session::pending_output(self)
    }

    fn sent(&mut self, n: usize) {
        Session::sent(self, n);
    }

    fn take_transport_request(&mut self) -> Option<TransportRequest> {
        self.transport_request.take()
    }

    fn take_unprocessed(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.unprocessed)
    }

    fn next_deadline(&self) -> Option<Instant> {
        let renewal = self.idling.as_ref().and(self.idle_since).and_then(|since| since.checked_add(self.idle_renew));
        [renewal, self.liveness_deadline].into_iter().flatten().min()
    }

    fn on_timer(&mut self, now: Instant) {
        if self.liveness_deadline.is_some_and(|due| now >= due) {
            // No answer to the renewal: the peer is gone without closing.
            self.liveness_deadline = None;
            return self.close(Some(Error::Timeout));
        }
        self.renew_idle(now);
    }

    fn on_connected(&mut self) {
        self.connected = true;
    }

    fn on_closed(&mut self, error: Option<std::io::Error>) {
        use std::io::ErrorKind::*;
        let error = error.map(|e| match e.kind() {
            TimedOut => Error::Timeout,
            // rustls errors (refused certificates, broken handshakes) arrive as InvalidData.
            InvalidData => Error::Tls(e.into()),
            ConnectionRefused | HostUnreachable | NetworkUnreachable | AddrNotAvailable | NotFound
                if !self.connected =>
            {
                Error::Connect(e.into())
            }
            _ => Error::Io(e.into()),
        });
        self.close(error);
    }

    fn wants_close(&self) -> bool {
        self.close_requested && self.in_flight.is_empty()
    }
}
