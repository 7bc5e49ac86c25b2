//! A response that does not parse: where, and what was expected there.

use super::Rule;
use crate::wire::Frame;
use std::fmt;

/// A response the grammar or the typed model refused.
///
/// The framer has already cut the stream at the response's end, so the
/// caller can report this and go on with the next response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Stream offset of the byte where parsing failed.
    pub offset: u64,
    /// Offset of that byte within the response.
    pub position: usize,
    /// What the grammar expected there.
    pub expected: String,
    /// The response's first line (up to 120 bytes), for the message.
    pub context: String,
}

impl ParseError {
    pub(crate) fn at(frame: &Frame<'_>, skeleton_pos: usize, expected: String) -> Self {
        let position = wire_position(frame, skeleton_pos);
        let line = frame.skeleton().lines().next().unwrap_or("");
        let end = line.char_indices().nth(120).map_or(line.len(), |(i, _)| i);
        ParseError { offset: frame.offset() + position as u64, position, expected, context: line[..end].to_owned() }
    }

    pub(crate) fn from_pest(frame: &Frame<'_>, error: &pest::error::Error<Rule>) -> Self {
        let pos = match error.location {
            pest::error::InputLocation::Pos(p) => p,
            pest::error::InputLocation::Span((p, _)) => p,
        };
        let expected = match &error.variant {
            pest::error::ErrorVariant::ParsingError { positives, .. } if !positives.is_empty() => {
                let names: Vec<String> = positives.iter().map(|r| format!("{r:?}")).collect();
                format!("one of {}", names.join(", "))
            }
            pest::error::ErrorVariant::CustomError { message } => message.clone(),
            _ => "a valid response".to_owned(),
        };
        ParseError::at(frame, pos, expected)
    }
}

/// The offset in the frame's bytes of a skeleton offset: literal payloads
/// before it come back, and so do bytes that were remapped to 4-byte chars.
fn wire_position(frame: &Frame<'_>, skeleton_pos: usize) -> usize {
    let skeleton = frame.skeleton();
    let pos = skeleton_pos.min(skeleton.len());
    let payloads: usize = frame.literals().iter().take_while(|l| l.header_end <= pos).map(|l| l.payload.len()).sum();
    let remapped = if frame.is_remapped() { crate::wire::unmap(&skeleton[..pos]).len() } else { pos };
    remapped + payloads
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "malformed response at stream offset {} (byte {} of the response): expected {}; response: {:?}",
            self.offset, self.position, self.expected, self.context
        )
    }
}

impl std::error::Error for ParseError {}
