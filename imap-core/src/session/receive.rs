//! Receiving: framing and parsing what the server sent, and handing each
//! response to the greeting, a continuation, the streaming sink or
//! [`route`](super::route).

use super::{trace, Error, Event, ExtensionValue, Session, Sink, State, Streamed};
use crate::command::Transition;
use crate::connection::TransportRequest;
use crate::parse::Parsed;
use crate::types::{Code, Condition, IntoStatic, Response, Status};
use crate::wire::{Frame, FrameErrorKind, Framer, Limits, LiteralChunk, Piece};

impl Session {
    /// Bytes from the server, in order, after TLS and decompression.
    pub fn receive(&mut self, bytes: &[u8]) {
        if self.closed {
            return;
        }
        self.received += bytes.len() as u64;
        self.framer.feed(bytes);
        if self.streaming.is_none() {
            self.process(None);
        }
        if let Some(at) = self.deflate_at.take() {
            // Everything after the OK to COMPRESS came in this chunk (the OK
            // was handled as soon as it was complete): it is compressed.
            let after = usize::try_from(self.received - at).unwrap_or(usize::MAX);
            match bytes.len().checked_sub(after) {
                Some(start) => self.unprocessed = bytes[start..].to_vec(),
                None => self.close(Some(Error::Protocol("compressed data buffered before COMPRESS completed".into()))),
            }
        }
    }

    /// Handles what [`receive`](Session::receive) buffered while a streaming
    /// command runs: its data goes to `sink`, everything else as usual.
    /// Streamed literal chunks (see
    /// [`submit_streaming_literals`](Session::submit_streaming_literals)) are
    /// dropped: use [`process_streaming`](Session::process_streaming).
    pub fn process_with(&mut self, sink: &mut dyn FnMut(&Response<'_>)) {
        self.process_streaming(&mut |streamed| {
            if let Streamed::Response { response, .. } = streamed {
                sink(response);
            }
        });
    }

    /// Handles what [`receive`](Session::receive) buffered while a streaming
    /// command runs: its responses and streamed literal chunks go to `sink`,
    /// in stream order; everything else is handled as usual.
    pub fn process_streaming(&mut self, sink: &mut dyn FnMut(Streamed<'_>)) {
        if self.streaming.is_none() {
            // `receive` has handled every complete response already.
            return;
        }
        self.process(Some(sink));
        // Compressed bytes after the OK to COMPRESS cannot be handed back
        // from here (they may span several reads).
        if self.deflate_at.take().is_some_and(|at| at != self.received) {
            self.close(Some(Error::Protocol("data after COMPRESS completed during a streaming command".into())));
        }
    }

    /// Frames and handles everything buffered.
    /// Frames and handles everything buffered. Responses that a streaming
    /// command collects go to `sink`, borrowed; everything else is detached
    /// (`into_static`) where it is kept.
    pub(super) fn process<'s>(&mut self, mut sink: Option<Sink<'_, 's>>) {
        // The framer is taken out while its frames are borrowed, so that
        // handling a response can change the rest of the session.
        let mut framer = std::mem::replace(&mut self.framer, Framer::new(Limits::default()));
        // Everything one read brought is parsed, run by run, as it is framed.
        while let Some(piece) = framer.next_piece() {
            if self.closed {
                break;
            }
            match piece {
                Piece::Run(run) => {
                    crate::parse::parse_frames(run.bytes, run.items, |parsed| self.take(parsed, sink.as_deref_mut()))
                }
                Piece::Literal(chunk) => self.literal_chunk(&chunk, sink.as_deref_mut()),
            }
            if self.transport_request.is_some() {
                break;
            }
        }
        framer.set_stream_threshold(self.stream_threshold);
        if self.transport_request == Some(TransportRequest::StartTls) && framer.buffered() > 0 {
            self.starttls_injected();
        }
        if self.transport_request == Some(TransportRequest::Deflate) {
            // What follows the OK is compressed: dropped here, handed back
            // from the chunk it came in (see `receive`).
            let _ = framer.finish();
        }
        self.framer = framer;
    }

    /// Handles one outcome of parsing.
    pub(super) fn take<'s>(&mut self, parsed: Parsed<'_>, sink: Option<Sink<'_, 's>>) {
        if self.closed {
            return;
        }
        if self.transport_request == Some(TransportRequest::StartTls) {
            // Nothing may follow the OK to STARTTLS before the handshake:
            // plaintext after it was injected by someone on the path.
            return self.starttls_injected();
        }
        if self.transport_request == Some(TransportRequest::Deflate) {
            // Compressed bytes after the OK to COMPRESS, framed as if plain.
            return;
        }
        match parsed {
            Parsed::Response(frame, response) => {
                trace::read(self.trace_id, frame);
                self.frame_end = frame.offset() + frame.bytes().len() as u64;
                // Extensions see what the core grammar kept generic.
                if response.has_unknown() {
                    if let Some(value) = self.extensions.iter().find_map(|e| e.parse(frame)) {
                        let tag = match &response {
                            Response::Tagged(t) => Some(t.tag.to_string()),
                            _ => None,
                        };
                        self.extension_value(value, tag);
                    }
                }
                self.handle(frame, response, sink);
            }
            Parsed::Malformed(frame, error) => {
                trace::read(self.trace_id, frame);
                // ... or refused: an extension may understand it.
                match self.extensions.iter().find_map(|e| e.parse(frame)) {
                    Some(value) => self.extension_value(value, None),
                    None => self.malformed(error.to_string(), tag_of(frame.bytes())),
                }
            }
            // A literal over the limit is not skipped (its size cannot be
            // trusted), so the bytes after its header are payload, not
            // responses: framing them would let the payload complete a
            // command with a short result (found by tests/faults/faults.rs).
            // The stream cannot be resynchronised: close.
            Parsed::Unframed(e) if matches!(e.kind, FrameErrorKind::LiteralTooLarge { .. }) => {
                self.close(Some(Error::Protocol(e.to_string())));
            }
            Parsed::Unframed(e) => self.malformed(e.to_string(), None),
        }
    }

    /// Plaintext came after the server's OK to STARTTLS: refuse it all.
    pub(super) fn starttls_injected(&mut self) {
        self.transport_request = None;
        // The STARTTLS completion already queued must not read as a success:
        // a caller would go on as if TLS were coming (found by tests/faults/faults.rs).
        for event in self.events.iter_mut() {
            if let Event::Completed { result: result @ Ok(_), .. } = event {
                if matches!(result, Ok(c) if c.command == "STARTTLS") {
                    *result = Err(Error::StartTlsInjection);
                }
            }
        }
        self.close(Some(Error::StartTlsInjection));
    }

    /// Gives an extension value to the command it answers: the one tagged, or
    /// else the oldest one running (IDLE aside); an event when there is none.
    pub(super) fn extension_value(&mut self, value: ExtensionValue, tag: Option<String>) {
        let owner = match tag {
            Some(tag) => self.in_flight.iter_mut().find(|c| c.tag.0 == tag),
            None => self.in_flight.iter_mut().find(|c| c.written && c.transition != Transition::Idles),
        };
        match owner {
            Some(command) => command.extensions.push(value),
            None => self.events.push_back(Event::Extension(value)),
        }
    }

    /// A response that did not parse: fails its command if it was tagged
    /// with one of ours, else is reported and skipped.
    pub(super) fn malformed(&mut self, message: String, tag: Option<String>) {
        let position = tag.and_then(|t| self.in_flight.iter().position(|c| c.tag.0 == t));
        match position {
            Some(i) => {
                let command = self.remove_in_flight(i);
                self.events.push_back(Event::Completed { tag: command.tag, result: Err(Error::Protocol(message)) });
                self.pump();
            }
            None => self.events.push_back(Event::Malformed(Error::Protocol(message))),
        }
    }

    pub(super) fn handle<'s>(&mut self, frame: &Frame<'_>, response: Response<'_>, sink: Option<Sink<'_, 's>>) {
        match response {
            Response::Continue(cont) => self.continuation(cont.text.into_static()),
            Response::Tagged(tagged) => self.completed(tagged.tag.as_ref(), tagged.condition.into_static()),
            Response::Data(data) => self.untagged(frame, data, sink),
        }
    }

    /// The next bytes of a streamed literal: to the streaming command's sink.
    pub(super) fn literal_chunk<'s>(&mut self, chunk: &LiteralChunk<'_>, sink: Option<Sink<'_, 's>>) {
        trace::read_streamed(self.trace_id, chunk.bytes.len());
        match sink {
            Some(sink) if self.streaming.is_some() => sink(Streamed::Literal(chunk)),
            // Streaming was asked for a command that has completed; only a
            // response after it, in the same read, can get here.
            _ if chunk.left == 0 => self.events.push_back(Event::Malformed(Error::Protocol(format!(
                "a literal of {} bytes at byte {} was streamed with no streaming command to take it",
                chunk.size, chunk.response
            )))),
            _ => {}
        }
    }

    pub(super) fn greeted(&mut self, condition: Condition<'static>) {
        match condition.status {
            Status::Bye => {
                let error = Error::Bye { code: condition.code.clone(), text: condition.text.to_str_lossy().into() };
                self.close(Some(error));
                return;
            }
            Status::PreAuth => self.state = State::Authenticated,
            _ => self.state = State::NotAuthenticated,
        }
        if let Some(Code::Capability(caps)) = &condition.code {
            self.capabilities = Some(caps.clone());
        }
        self.greeting = Some(condition.clone());
        self.events.push_back(Event::Greeting(condition));
    }
}

/// The tag of a raw response line, if it starts with one of ours.
pub(super) fn tag_of(bytes: &[u8]) -> Option<String> {
    let end = bytes.iter().position(|&b| b == b' ')?;
    let tag = std::str::from_utf8(&bytes[..end]).ok()?;
    (tag != "*" && tag != "+").then(|| tag.to_owned())
}
