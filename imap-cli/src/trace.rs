//! `--trace`: the wire on stderr, as imap-core's `tracing` events give it
//! (credentials redacted, literal payloads summarised), one line per event:
//! `imap-cli trace: [session 1] C: A0001 LOGIN <redacted>`.

use std::fmt::{self, Write as _};
use std::io::Write as _;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// Installs the stderr printer for the rest of the process.
pub fn install() {
    // Only fails when one is installed already: then that one prints.
    let _ = tracing::subscriber::set_global_default(Stderr);
}

/// Prints imap-core's events to stderr.
struct Stderr;

/// The fields of one event: its message, the session, the rest.
#[derive(Default)]
struct Fields {
    message: String,
    session: String,
    rest: String,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "message" | "session" | "tag" | "literals" => self.record_debug(field, &format_args!("{value}")),
            name => _ = write!(self.rest, " {name}={value}"),
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        match field.name() {
            "message" => self.message = format!("{value:?}"),
            "session" => self.session = format!("{value:?}"),
            // The tag is in the line itself; the literal count adds nothing.
            "tag" | "literals" => {}
            name => _ = write!(self.rest, " {name}={value:?}"),
        }
    }
}

impl Subscriber for Stderr {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target().starts_with("imap_core")
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let line = format!("imap-cli trace: [session {}] {}{}\n", fields.session, fields.message, fields.rest);
        let _ = std::io::stderr().lock().write_all(line.as_bytes());
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}
