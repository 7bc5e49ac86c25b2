//! `tracing` spans of the fronts (feature `tracing`): one per connection
//! (`imap_core::client` "connection", with the session's number, host and
//! port) and, inside it, one per call (`call`, with `op`, the method's
//! name), so that the wire events of `imap_core::wire` are grouped by the
//! call that caused them. Without the feature these are empty.

#[cfg(feature = "tracing")]
mod on {
    use std::future::Future;
    use tracing::Instrument;

    pub(crate) type Span = tracing::Span;

    /// The span of one connection.
    pub(crate) fn connection(session: u64, host: &str, port: u16) -> Span {
        tracing::debug_span!(target: "imap_core::client", "connection", session, host, port)
    }

    /// The span of one call of a front, inside its connection's.
    pub(crate) fn call(connection: &Span, op: &'static str) -> Span {
        tracing::debug_span!(target: "imap_core::client", parent: connection, "call", op)
    }

    /// Runs `f` in `span` (the blocking front).
    pub(crate) fn run<T>(span: Span, f: impl FnOnce() -> T) -> T {
        span.in_scope(f)
    }

    /// Polls `future` in `span` (the async front).
    pub(crate) fn instrument<F: Future>(span: Span, future: F) -> impl Future<Output = F::Output> {
        future.instrument(span)
    }
}

#[cfg(feature = "tracing")]
pub(crate) use on::*;

#[cfg(not(feature = "tracing"))]
mod off {
    #![allow(dead_code)]
    use std::future::Future;

    #[derive(Debug, Clone)]
    pub(crate) struct Span;

    #[inline(always)]
    pub(crate) fn connection(_: u64, _: &str, _: u16) -> Span {
        Span
    }

    #[inline(always)]
    pub(crate) fn call(_: &Span, _: &'static str) -> Span {
        Span
    }

    #[inline(always)]
    pub(crate) fn run<T>(_: Span, f: impl FnOnce() -> T) -> T {
        f()
    }

    #[inline(always)]
    pub(crate) fn instrument<F: Future>(_: Span, future: F) -> F {
        future
    }
}

#[cfg(not(feature = "tracing"))]
pub(crate) use off::*;

#[cfg(all(test, feature = "tracing"))]
mod tests {
    use crate::client::{Client, ClientOptions, TlsMode};
    use std::collections::{HashMap, VecDeque};
    use std::fmt::Write as _;
    use std::io::{self, Read, Write};
    use std::sync::{Arc, Mutex};
    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata, Subscriber};

    /// An in-memory server: a PREAUTH greeting, then an OK for every
    /// command line, with a BYE before LOGOUT's.
    struct Server {
        to_client: VecDeque<u8>,
        line: Vec<u8>,
    }

    impl Read for Server {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.to_client.is_empty() {
                return Err(io::ErrorKind::WouldBlock.into());
            }
            let n = buf.len().min(self.to_client.len());
            for (slot, byte) in buf.iter_mut().zip(self.to_client.drain(..n)) {
                *slot = byte;
            }
            Ok(n)
        }
    }

    impl Write for Server {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            for &byte in buf {
                self.line.push(byte);
                if byte == b'\n' {
                    let line = String::from_utf8_lossy(&self.line).into_owned();
                    let tag = line.split(' ').next().unwrap_or_default();
                    if line.to_ascii_uppercase().contains(" LOGOUT") {
                        self.to_client.extend(b"* BYE bye\r\n");
                    }
                    self.to_client.extend(format!("{tag} OK done\r\n").as_bytes());
                    self.line.clear();
                }
            }
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[derive(Default)]
    struct Seen {
        /// Span id: its name, fields and parent.
        spans: HashMap<u64, (String, String, Option<u64>)>,
        entered: Vec<u64>,
        /// Each event's text and the span it happened in.
        events: Vec<(String, Option<u64>)>,
    }

    #[derive(Clone, Default)]
    struct Capture(Arc<Mutex<Seen>>);

    struct Fields<'a>(&'a mut String);

    impl Visit for Fields<'_> {
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            let _ = write!(self.0, " {}={:?}", field.name(), value);
        }
    }

    impl Subscriber for Capture {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, span: &Attributes<'_>) -> Id {
            let mut seen = self.0.lock().unwrap();
            let mut fields = String::new();
            span.record(&mut Fields(&mut fields));
            let parent = match span.parent() {
                Some(parent) => Some(parent.into_u64()),
                None if span.is_contextual() => seen.entered.last().copied(),
                None => None,
            };
            let id = seen.spans.len() as u64 + 1;
            seen.spans.insert(id, (span.metadata().name().to_owned(), fields, parent));
            Id::from_u64(id)
        }
        fn record(&self, _: &Id, _: &Record<'_>) {}
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, event: &Event<'_>) {
            let mut seen = self.0.lock().unwrap();
            let mut text = String::new();
            event.record(&mut Fields(&mut text));
            let current = seen.entered.last().copied();
            seen.events.push((text, current));
        }
        fn enter(&self, span: &Id) {
            self.0.lock().unwrap().entered.push(span.into_u64());
        }
        fn exit(&self, _: &Id) {
            self.0.lock().unwrap().entered.pop();
        }
    }

    #[test]
    fn each_call_has_a_span_inside_its_connections_with_its_wire_events() {
        let capture = Capture::default();
        tracing::subscriber::with_default(capture.clone(), || {
            let server = Server { to_client: b"* PREAUTH ready\r\n".iter().copied().collect(), line: Vec::new() };
            let mut client =
                Client::over_stream(server, "imap.example", 143, TlsMode::None, &ClientOptions::default()).unwrap();
            client.noop().unwrap();
            client.logout().unwrap();
        });
        let seen = capture.0.lock().unwrap();
        let named = |name: &str, field: &str| {
            seen.spans
                .iter()
                .find(|(_, (n, fields, _))| n == name && fields.contains(field))
                .map(|(id, (_, _, parent))| (*id, *parent))
                .unwrap_or_else(|| panic!("no span {name} with {field}: {:?}", seen.spans))
        };
        let (connection, _) = named("connection", "host=\"imap.example\"");
        assert!(seen.spans[&connection].1.contains("session="), "{:?}", seen.spans[&connection]);
        for op in ["over_stream", "noop", "logout"] {
            let (_, parent) = named("call", &format!("op=\"{op}\""));
            assert_eq!(parent, Some(connection), "the {op} call is inside the connection's span");
        }
        let (noop, _) = named("call", "op=\"noop\"");
        let written = seen.events.iter().find(|(text, _)| text.contains("C: ") && text.contains("NOOP"));
        assert_eq!(written.map(|(_, span)| *span), Some(Some(noop)), "{:?}", seen.events);
    }
}
