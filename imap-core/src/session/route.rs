//! Routing: which command an untagged response belongs to (or none: an
//! unsolicited event), completions matched to their commands by tag, and
//! the state a successful command leaves behind.

use super::{trace, Completion, Error, Event, InFlight, Session, Sink, State, Streamed};
use crate::command::{Command, FetchAttr, FetchItems, SeqSet, Transition};
use crate::connection::TransportRequest;
use crate::types::{Code, Condition, Data, Fetch, FetchItem, IntoStatic, Response, Section, Status, Value};
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
        // Among the commands whose set names the message, the one that asked
        // for the data items it carries: Dovecot answers a pipelined
        // `FETCH 3 (BODY.PEEK[])` before the OK of an earlier
        // `FETCH 1:10 (FLAGS)`, and that BODY[] is the second one's (found
        // by the soak, benches/src/soak). FLAGS, UID and MODSEQ alone tell
        // nothing (any FETCH or STORE may bring them): then the oldest that
        // names it, as before.
        let explains = |c: &InFlight| match data {
            Data::Fetch(fetch) => explains(c.asked.as_ref(), fetch),
            _ => false,
        };
        let several = self.in_flight.iter().filter(|c| wants(c)).nth(1).is_some();
        let owner = several
            .then(|| self.in_flight.iter().position(|c| wants(c) && names_it(c) && explains(c)))
            .flatten()
            .or_else(|| self.in_flight.iter().position(|c| wants(c) && names_it(c)))
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
            // The server answered the DONE: it is alive. An IDLE refused
            // before its `+` leaves no DONE to send.
            self.liveness_deadline = None;
            self.done_wanted = false;
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
        // A SASL exchange the client gave up, or whose end it cannot accept
        // (SCRAM: the server never proved itself), fails whatever the
        // server said.
        let mut sasl_failure = command.sasl.as_mut().and_then(|exchange| exchange.failed.take());
        if let (None, Some(exchange), Status::Ok) = (&sasl_failure, command.sasl.as_mut(), condition.status) {
            sasl_failure = exchange.mechanism.finish().err();
        }
        let ok = condition.status == Status::Ok && sasl_failure.is_none();
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
        let impostor = sasl_failure.is_some() && condition.status == Status::Ok;
        let result = if let Some(reason) = sasl_failure {
            Err(Error::Sasl(reason))
        } else if ok {
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
        let closing = impostor.then(|| result.clone().err()).flatten();
        self.events.push_back(Event::Completed { tag: command.tag, result });
        if let Some(error) = closing {
            // It says the login succeeded, but could not prove who it is:
            // nothing more goes to it.
            return self.close(Some(error));
        }
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

/// Whether a FETCH command that asked for `asked` (`None`: not a FETCH, a
/// STORE say) accounts for every data item of `fetch`. FLAGS, UID and MODSEQ
/// come with any FETCH or STORE (a `\Seen` set by `BODY[]`, a UID FETCH,
/// CONDSTORE), and items this crate cannot match to a request (unknown,
/// malformed, OBJECTID, SAVEDATE) are given the benefit of the doubt: none of
/// them counts against a command.
fn explains(asked: Option<&FetchItems>, fetch: &Fetch<'_>) -> bool {
    let attrs: &[FetchAttr] = match asked {
        Some(FetchItems::Attrs(attrs)) => attrs,
        // The macros (RFC 3501 6.4.5).
        Some(FetchItems::Fast) => &[FetchAttr::Flags, FetchAttr::InternalDate, FetchAttr::Rfc822Size],
        Some(FetchItems::All) => {
            &[FetchAttr::Flags, FetchAttr::InternalDate, FetchAttr::Rfc822Size, FetchAttr::Envelope]
        }
        Some(FetchItems::Full) => {
            &[FetchAttr::Flags, FetchAttr::InternalDate, FetchAttr::Rfc822Size, FetchAttr::Envelope, FetchAttr::Body]
        }
        None => &[],
    };
    fetch.items.iter().all(|item| attrs.iter().any(|attr| answers(attr, item)) || neutral(item))
}

/// Data items that do not tell which FETCH a response answers.
fn neutral(item: &FetchItem<'_>) -> bool {
    matches!(
        item,
        FetchItem::Flags(_)
            | FetchItem::Uid(_)
            | FetchItem::ModSeq(_)
            | FetchItem::EmailId(_)
            | FetchItem::ThreadId(_)
            | FetchItem::SaveDate(_)
            | FetchItem::Other { .. }
            | FetchItem::Malformed(_)
    )
}

/// Whether `item` is what `attr` asks for. Sections match on their part and
/// kind of text, not on header field names (a server may quote or case them
/// its own way).
fn answers(attr: &FetchAttr, item: &FetchItem<'_>) -> bool {
    let same_section = |asked: &Section<'_>, got: &Section<'_>| {
        asked.part_path() == got.part_path()
            && asked.text.as_ref().map(std::mem::discriminant) == got.text.as_ref().map(std::mem::discriminant)
    };
    match (attr, item) {
        (FetchAttr::Uid, FetchItem::Uid(_))
        | (FetchAttr::Flags, FetchItem::Flags(_))
        | (FetchAttr::InternalDate, FetchItem::InternalDate(_))
        | (FetchAttr::Rfc822Size, FetchItem::Rfc822Size(_))
        | (FetchAttr::Envelope, FetchItem::Envelope(_))
        | (FetchAttr::BodyStructure | FetchAttr::Body, FetchItem::BodyStructure(_) | FetchItem::Body(_))
        | (FetchAttr::Rfc822, FetchItem::Rfc822(_))
        | (FetchAttr::Rfc822Header, FetchItem::Rfc822Header(_))
        | (FetchAttr::Rfc822Text, FetchItem::Rfc822Text(_))
        | (FetchAttr::ModSeq, FetchItem::ModSeq(_))
        | (FetchAttr::GmLabels, FetchItem::GmLabels(_))
        | (FetchAttr::GmMsgId, FetchItem::GmMsgId(_))
        | (FetchAttr::GmThrId, FetchItem::GmThrId(_)) => true,
        (FetchAttr::BodySection { section: asked, .. }, FetchItem::BodySection { section: got, .. }) => {
            same_section(asked, got)
        }
        (FetchAttr::Binary { part: asked, .. }, FetchItem::Binary { part: got, .. })
        | (FetchAttr::BinarySize(asked), FetchItem::BinarySize { part: got, .. }) => {
            *asked == got.as_ref().map_or(&[][..], |p| &p.0[..])
        }
        _ => false,
    }
}
