//! The wire as `tracing` events (feature `tracing`, target `imap_core::wire`):
//! what the client wrote and what the server sent, one event per command
//! chunk and per response, so that a misbehaving server can be seen. A trace
//! is meant to be shared: credentials are never in it (the arguments of
//! LOGIN and AUTHENTICATE, SASL answers, tokens), and literal payloads are
//! summarised by their size. Without the feature these functions are empty.
//!
//! Every event carries `session` (a number unique in the process) and, where
//! there is one, the command's `tag`; state changes and completions are
//! events of target `imap_core::session`. The client's fronts add spans
//! around them: one per connection and one per call (`client::span`).

#[cfg(feature = "tracing")]
mod on {
    use crate::wire::Frame;

    /// Longest text shown of one chunk or response; the rest is counted.
    const SHOWN: usize = 2000;

    /// A command chunk written: the first chunk of a command shown (its
    /// arguments redacted when `secret`), a chunk after a synchronizing
    /// literal's `+` summarised (it starts with the literal's payload).
    pub fn wrote(session: u64, tag: &str, chunk: &[u8], secret: bool, first: bool) {
        let line = match (first, secret) {
            (true, false) => shown(chunk),
            (true, true) => redacted(chunk),
            (false, true) => "<redacted>".to_owned(),
            (false, false) => format!("<{} bytes: a literal's payload and what follows it>", chunk.len()),
        };
        tracing::debug!(target: "imap_core::wire", session, tag, "C: {line}");
    }

    /// A SASL answer written: never shown.
    pub fn wrote_sasl(session: u64, tag: &str, len: usize) {
        tracing::debug!(target: "imap_core::wire", session, tag, "C: <SASL response redacted, {len} bytes>");
    }

    /// `DONE`, ending an IDLE.
    pub fn wrote_done(session: u64) {
        tracing::debug!(target: "imap_core::wire", session, "C: DONE");
    }

    /// A response read: its lines, each literal's payload as `{N}` (the
    /// header the skeleton already holds).
    pub fn read(session: u64, frame: &Frame<'_>) {
        let text = shown(frame.skeleton().as_bytes());
        let literals = frame.literals().len();
        tracing::debug!(target: "imap_core::wire", session, literals, "S: {text}");
    }

    /// A chunk of a streamed literal.
    pub fn read_streamed(session: u64, len: usize) {
        tracing::trace!(target: "imap_core::wire", session, "S: <{len} bytes of a streamed literal>");
    }

    /// A command completed.
    pub fn completed(session: u64, tag: &str, command: &str, ok: bool) {
        tracing::debug!(target: "imap_core::session", session, tag, command, ok, "completed");
    }

    /// The connection's state changed.
    pub fn state(session: u64, state: &str) {
        tracing::debug!(target: "imap_core::session", session, state, "state");
    }

    /// `bytes` as text: CR and LF dropped at the end, control characters escaped,
    /// cut at [`SHOWN`] characters.
    fn shown(bytes: &[u8]) -> String {
        let text = String::from_utf8_lossy(bytes);
        let text = text.trim_end_matches(['\r', '\n']);
        // Control characters escaped (a stray CR, a NUL), nothing else: a
        // backslash or a quote reads as it was on the wire.
        let mut out = String::new();
        for c in text.chars().take(SHOWN) {
            if c.is_control() {
                out.extend(c.escape_default());
            } else {
                out.push(c);
            }
        }
        let rest = text.chars().count().saturating_sub(SHOWN);
        if rest > 0 {
            out.push_str(&format!("... <{rest} more characters>"));
        }
        out
    }

    /// The tag and the command's name (and the mechanism of AUTHENTICATE),
    /// the rest redacted.
    fn redacted(chunk: &[u8]) -> String {
        let text = String::from_utf8_lossy(chunk);
        let words: Vec<&str> = text.split(' ').collect();
        let keep = if words.get(1).is_some_and(|w| w.eq_ignore_ascii_case("AUTHENTICATE")) { 3 } else { 2 };
        let kept: Vec<String> = words.iter().take(keep).map(|w| shown(w.as_bytes())).collect();
        format!("{} <redacted>", kept.join(" "))
    }
}

#[cfg(feature = "tracing")]
pub(super) use on::*;

#[cfg(not(feature = "tracing"))]
mod off {
    use crate::wire::Frame;

    #[inline(always)]
    pub fn wrote(_: u64, _: &str, _: &[u8], _: bool, _: bool) {}
    #[inline(always)]
    pub fn wrote_sasl(_: u64, _: &str, _: usize) {}
    #[inline(always)]
    pub fn wrote_done(_: u64) {}
    #[inline(always)]
    pub fn read(_: u64, _: &Frame<'_>) {}
    #[inline(always)]
    pub fn read_streamed(_: u64, _: usize) {}
    #[inline(always)]
    pub fn completed(_: u64, _: &str, _: &str, _: bool) {}
    #[inline(always)]
    pub fn state(_: u64, _: &str) {}
}

#[cfg(not(feature = "tracing"))]
pub(super) use off::*;

/// A number for each session of the process, for telling their events apart.
pub(super) fn next_session_id() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

#[cfg(all(test, feature = "tracing"))]
mod tests {
    use crate::command::{AppendMessage, Command};
    use crate::session::{Sasl, Session};
    use std::fmt::Write;
    use std::sync::{Arc, Mutex};
    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata, Subscriber};

    /// Keeps every event as one line of text.
    #[derive(Clone, Default)]
    struct Capture(Arc<Mutex<String>>);

    struct Line<'a>(&'a mut String);

    impl Visit for Line<'_> {
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            let _ = write!(self.0, " {}={:?}", field.name(), value);
        }
        fn record_str(&mut self, field: &Field, value: &str) {
            let _ = write!(self.0, " {}={}", field.name(), value);
        }
    }

    impl Subscriber for Capture {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, _: &Attributes<'_>) -> Id {
            Id::from_u64(1)
        }
        fn record(&self, _: &Id, _: &Record<'_>) {}
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, event: &Event<'_>) {
            let mut line = event.metadata().target().to_owned();
            event.record(&mut Line(&mut line));
            let mut all = self.0.lock().unwrap();
            all.push_str(&line);
            all.push('\n');
        }
        fn enter(&self, _: &Id) {}
        fn exit(&self, _: &Id) {}
    }

    /// What `run` traced.
    fn traced(run: impl FnOnce()) -> String {
        let capture = Capture::default();
        tracing::subscriber::with_default(capture.clone(), run);
        let text = capture.0.lock().unwrap().clone();
        text
    }

    const PASSWORD: &str = "s3cret-Pw";

    #[test]
    fn credentials_never_reach_the_trace() {
        let trace = traced(|| {
            // LOGIN with the password as an atom, then as a literal (a
            // quote forces one), on two sessions.
            for password in [PASSWORD.to_owned(), format!("{PASSWORD}\"\u{e9}")] {
                let mut s = Session::new();
                s.receive(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n");
                let tag =
                    s.submit(Command::Login { user: b"alice".to_vec(), password: password.into_bytes() }).unwrap();
                s.receive(b"+ go on\r\n");
                s.receive(format!("{tag} OK logged in\r\n").as_bytes());
            }
            // AUTHENTICATE PLAIN without SASL-IR: the answer follows a `+`.
            let mut s = Session::new();
            s.receive(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n");
            let sasl = Sasl::Plain { authzid: String::new(), user: "alice".into(), password: PASSWORD.into() };
            let tag = s.authenticate(sasl).unwrap();
            s.receive(b"+ \r\n");
            s.receive(format!("{tag} OK [CAPABILITY IMAP4rev1] done\r\n").as_bytes());
            // With SASL-IR the token travels in the command itself.
            let mut s = Session::new();
            s.receive(b"* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=XOAUTH2] ready\r\n");
            let sasl = Sasl::XOAuth2 { user: "alice".into(), token: PASSWORD.into() };
            let tag = s.authenticate(sasl).unwrap();
            s.receive(format!("{tag} OK done\r\n").as_bytes());
        });
        let xoauth2 =
            crate::command::encode::base64(format!("user=alice\x01auth=Bearer {PASSWORD}\x01\x01").as_bytes());
        assert!(!trace.contains(&xoauth2), "{trace}");
        assert!(trace.contains("AUTHENTICATE XOAUTH2 <redacted>"), "{trace}");
        assert!(!trace.contains(PASSWORD), "{trace}");
        let plain = crate::command::encode::base64(format!("\0alice\0{PASSWORD}").as_bytes());
        assert!(!trace.contains(&plain), "{trace}");
        assert!(trace.contains("LOGIN <redacted>"), "{trace}");
        assert!(trace.contains("C: <redacted>"), "the literal password chunk: {trace}");
        assert!(trace.contains("AUTHENTICATE PLAIN <redacted>"), "{trace}");
        assert!(trace.contains("<SASL response redacted"), "{trace}");
        assert!(trace.contains("S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready"), "{trace}");
        assert!(trace.contains("state=authenticated"), "{trace}");
    }

    #[test]
    fn literal_payloads_are_summarised() {
        let payload = "x".repeat(10_000);
        let trace = traced(|| {
            let mut s = Session::new();
            s.receive(b"* PREAUTH ready\r\n");
            let message = AppendMessage::new(payload.clone().into_bytes());
            let tag = s.submit(Command::Append { mailbox: "Drafts".into(), messages: vec![message] }).unwrap();
            s.receive(b"+ ok\r\n");
            s.receive(format!("* 1 FETCH (BODY[] {{10000}}\r\n{payload})\r\n{tag} OK\r\n").as_bytes());
        });
        assert!(!trace.contains(&payload[..100]), "{trace}");
        assert!(trace.contains("APPEND Drafts {10000}"), "{trace}");
        assert!(trace.contains("C: <10002 bytes: a literal's payload"), "{trace}");
        assert!(trace.contains("S: * 1 FETCH (BODY[] {10000}"), "{trace}");
    }
}
