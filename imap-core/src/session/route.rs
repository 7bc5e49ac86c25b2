//! Routing: which command an untagged response belongs to (or none: an
//! unsolicited event), completions matched to their commands by tag, and
//! the state a successful command leaves behind.

use super::{trace, Completion, Error, Event, InFlight, Session, Sink, State, Streamed};
use crate::command::{Command, SeqSet, Transition};
use crate::connection::TransportRequest;
use crate::types::{Code, Condition, Data, Fetch, IntoStatic, Response, Status, Value};
use crate::wire::Frame;
use std::time::Instant;

impl Session {
    pub(super) fn untagged<'s>(&mut self, frame: &Frame<'_>, data: Data<'_>, sink: Option<Sink<'_, 's>>) {
        if let Data::Condition(condition) = &data {
            if self.state == State::Greeting {
                return self.greeted(condition.clone().into_static());
            }
            if condition.status == Status::Bye {
                let logging_out =
                    self.state == State::Logout || self.in_flight.iter().any(|c| c.transition == Transition::LogsOut);
                if !logging_out {
                    let error = Error::Bye {
                        code: condition.code.clone().into_static(),
                        text: condition.text.to_str_lossy().into(),
                    };
                    self.push_unsolicited(Response::Data(data.into_static()));
                    self.close(Some(error));
                } else {
                    self.close_requested = true;
                }
                return;
            }
            if let Some(Code::Capability(caps)) = &condition.code {
                self.capabilities = Some(caps.clone().into_static());
            }
        }
        if let Data::Capability(caps) = &data {
            self.capabilities = Some(caps.clone().into_static());
        }
        // Once UTF8=ACCEPT or IMAP4rev2 is enabled, names are UTF-8 (RFC 6855 3).
        let data = if self.utf8_accept { data.names_as_utf8() } else { data };
        let response = Response::Data(data);
        // The mailbox being selected, or the selected one, follows its data.
        let selecting = self.in_flight.iter_mut().find_map(|c| c.selecting.as_mut());
        match selecting {
            Some(mailbox) => mailbox.apply(&response),
            None => {
                if let State::Selected(mailbox) = &mut self.state {
                    mailbox.apply(&response);
                }
            }
        }
        let Response::Data(data) = &response else { unreachable!() };
        // With several FETCH/STORE in flight, a FETCH response goes to the
        // one whose set names the message, not blindly to the oldest: a
        // server may answer pipelined commands out of order (found by
        // tests/faults/faults.rs). A FETCH of a message no set names is another
        // client's change: unsolicited, not part of a result (module docs).
        // Only when that cannot be told (a UID command, a response without
        // UID) does the oldest command that wants it take it, as before.
        let wants = |c: &InFlight| c.written && c.collects.wants(data);
        let names_it = |c: &InFlight| match (data, &c.set) {
            (Data::Fetch(fetch), Some((set, uid))) => names(set, *uid, fetch),
            _ => false,
        };
        let decides = |c: &InFlight| match (data, &c.set) {
            (Data::Fetch(fetch), Some((_, uid))) => !uid || fetch.uid().is_some(),
            _ => false,
        };
        let owner = self
            .in_flight
            .iter()
            .position(|c| wants(c) && names_it(c))
            .or_else(|| self.in_flight.iter().position(|c| wants(c) && !decides(c)));
        match (owner, sink) {
            // A streaming command's data goes out borrowed, never stored.
            (Some(i), Some(sink)) if self.streaming.as_ref() == Some(&self.in_flight[i].tag) => {
                sink(Streamed::Response { response: &response, frame })
            }
            (Some(i), _) => self.in_flight[i].data.push(response.into_static()),
            (None, _) => self.push_unsolicited(response.into_static()),
        }
    }

    pub(super) fn completed(&mut self, tag: &str, condition: Condition<'static>) {
        let Some(i) = self.in_flight.iter().position(|c| c.tag.0 == tag) else {
            self.events.push_back(Event::Malformed(Error::Protocol(format!(
                "completion for unknown tag {tag:?}: {}",
                condition.text
            ))));
            return;
        };
        let mut command = self.remove_in_flight(i);
        if self.idling.as_ref() == Some(&command.tag) {
            self.idling = None;
        }
        if command.transition == Transition::Idles {
            // The server answered the DONE: it is alive.
            self.liveness_deadline = None;
        }
        if self.renewing.as_ref() == Some(&command.tag) {
            // A renewal: start IDLE again; the caller still sees one IDLE.
            self.renewing = None;
            if condition.status == Status::Ok {
                let tag = self.new_tag();
                let encoded = Command::Idle.encode(tag.as_str(), &self.encode_options()).expect("IDLE encodes");
                self.enqueue(&Command::Idle, tag, encoded, None);
                // Its `+` is due as soon as the DONE's answer was.
                self.liveness_deadline = Instant::now().checked_add(self.idle_answer);
                return;
            }
        }
        let ok = condition.status == Status::Ok;
        if ok {
            self.apply_success(&mut command, &condition);
            if command.transition != Transition::None {
                trace::state(self.trace_id, self.phase().name());
            }
        } else if command.selecting.is_some() {
            // A failed SELECT leaves no mailbox selected (RFC 3501 6.3.1).
            if matches!(self.state, State::Selected(_)) {
                self.state = State::Authenticated;
            }
        }
        let result = if ok {
            Ok(Completion {
                tag: command.tag.clone(),
                command: command.name,
                code: condition.code,
                text: condition.text,
                data: command.data,
                extensions: command.extensions,
            })
        } else {
            Err(Error::from_status(command.name, condition.status, condition.code, &condition.text))
        };
        trace::completed(self.trace_id, command.tag.as_str(), command.name, result.is_ok());
        self.events.push_back(Event::Completed { tag: command.tag, result });
        self.pump();
    }

    /// State changes of a command that completed with OK.
    pub(super) fn apply_success(&mut self, command: &mut InFlight, condition: &Condition<'static>) {
        if let Some(Code::Capability(caps)) = &condition.code {
            self.capabilities = Some(caps.clone());
        }
        match command.transition {
            Transition::Authenticates => {
                self.state = State::Authenticated;
                if !matches!(condition.code, Some(Code::Capability(_))) {
                    // Servers may offer more after login: ask again when needed.
                    self.capabilities = None;
                }
            }
            Transition::Selects => {
                let mut mailbox = command.selecting.take().unwrap_or_default();
                match condition.code {
                    Some(Code::ReadOnly) => mailbox.read_only = true,
                    Some(Code::ReadWrite) => mailbox.read_only = false,
                    _ => {}
                }
                self.state = State::Selected(Box::new(mailbox));
            }
            Transition::Deselects => self.state = State::Authenticated,
            Transition::LogsOut => {
                self.state = State::Logout;
                self.close_requested = true;
            }
            Transition::StartsTls => {
                self.capabilities = None;
                self.transport_request = Some(TransportRequest::StartTls);
            }
            Transition::StartsDeflate => {
                self.transport_request = Some(TransportRequest::Deflate);
                self.deflate_at = Some(self.frame_end);
            }
            Transition::Enables => {
                for response in &command.data {
                    let names: Vec<String> = match response {
                        Response::Data(Data::Enabled(caps)) => caps.iter().map(|c| c.to_string()).collect(),
                        Response::Data(Data::Other(values)) => values
                            .iter()
                            .skip(1)
                            .filter_map(|v| match v {
                                Value::Atom(a) => Some(a.to_string()),
                                _ => None,
                            })
                            .collect(),
                        _ => continue,
                    };
                    for name in names {
                        if !self.is_enabled(&name) {
                            self.enabled.push(name);
                        }
                    }
                }
                // IMAP4rev2 names are UTF-8 too (RFC 9051 section 5.1).
                self.utf8_accept = self.is_enabled("UTF8=ACCEPT") || self.is_enabled("IMAP4rev2");
            }
            _ => {}
        }
    }

    pub(super) fn remove_in_flight(&mut self, i: usize) -> InFlight {
        let command = self.in_flight.remove(i).expect("index in range");
        if self.streaming.as_ref() == Some(&command.tag) {
            self.streaming = None;
            // The framer follows at the end of `process` (it is out meanwhile).
            self.stream_threshold = None;
        }
        if i < self.started {
            self.started -= 1;
        }
        if self.awaiting_continuation.as_ref() == Some(&command.tag) {
            self.awaiting_continuation = None;
        }
        command
    }
}

/// Whether a FETCH response is about a message of `set` (UIDs when `uid`);
/// a range with `*` names every message, a UID FETCH response without a
/// UID none.
fn names(set: &SeqSet, uid: bool, fetch: &Fetch<'_>) -> bool {
    let Some(n) = (if uid { fetch.uid() } else { Some(fetch.seq) }) else { return false };
    set.ranges().iter().any(|r| r.bounds().is_none_or(|(lo, hi)| (lo..=hi).contains(&n)))
}
