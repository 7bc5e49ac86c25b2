//! What a session tells its owner: events, completions, and the data a
//! streaming command hands over.

use super::{Error, ExtensionValue};
use crate::types::{Code, Condition, IString, Response};
use crate::wire::{Frame, LiteralChunk};
use std::fmt;

/// A command's tag, unique within its session.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag(pub(super) String);

impl Tag {
    /// The tag as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A command that completed with OK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// The command's tag.
    pub tag: Tag,
    /// The command's name (`"UID FETCH"`).
    pub command: &'static str,
    /// The response code of the tagged OK, if any (`READ-WRITE`, `APPENDUID`, ...).
    pub code: Option<Code<'static>>,
    /// The text of the tagged OK.
    pub text: IString<'static>,
    /// The untagged responses that answered this command, in order.
    pub data: Vec<Response<'static>>,
    /// Values made by [`Extension`](super::Extension)s from responses while it ran.
    pub extensions: Vec<ExtensionValue>,
}

/// Something that happened on a session.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// The server's greeting (OK or PREAUTH; a BYE greeting is [`Event::Closed`]).
    Greeting(Condition<'static>),
    /// A command completed, with its result.
    Completed {
        /// Its tag.
        tag: Tag,
        /// Its outcome: OK with its data, or why not.
        result: Result<Completion, Error>,
    },
    /// A response no command asked for: EXISTS, EXPUNGE, RECENT, FETCH of
    /// other messages, an untagged OK/NO/BAD (alerts), capability changes.
    Unsolicited(Response<'static>),
    /// A value an [`Extension`](super::Extension) made from a response no command was waiting for.
    Extension(ExtensionValue),
    /// The server accepted IDLE: untagged responses now come as they happen,
    /// until [`Session::idle_done`](super::Session::idle_done).
    Idling(Tag),
    /// A response that did not frame or parse; the session skipped it and
    /// goes on with the next one.
    Malformed(Error),
    /// The session is over: why, if not a clean LOGOUT.
    Closed(Option<Error>),
}

/// What a streaming command hands to the sink of
/// [`Session::process_streaming`](super::Session::process_streaming), borrowed from the read buffer.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Streamed<'r> {
    /// One of its untagged responses, complete, with the frame it was parsed
    /// from. A literal whose payload went out as [`Streamed::Literal`] chunks
    /// has [`LiteralRef::streamed`](crate::wire::LiteralRef::streamed) set in
    /// the frame, and its value in the response is empty.
    Response {
        /// The typed response.
        response: &'r Response<'r>,
        /// Its frame.
        frame: &'r Frame<'r>,
    },
    /// The next bytes of a streamed literal (see
    /// [`Session::submit_streaming_literals`](super::Session::submit_streaming_literals)); its response follows once
    /// complete.
    Literal(&'r LiteralChunk<'r>),
}

/// The sink a streaming command's data goes to.
pub(super) type Sink<'r, 's> = &'r mut (dyn FnMut(Streamed<'_>) + 's);
