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
        Self::at_wire(frame, wire_position(frame, skeleton_pos), expected)
    }

    /// The error at `position` in the frame's bytes.
    fn at_wire(frame: &Frame<'_>, position: usize, expected: String) -> Self {
        let line = frame.skeleton().lines().next().unwrap_or("");
        let end = line.char_indices().nth(120).map_or(line.len(), |(i, _)| i);
        ParseError { offset: frame.offset() + position as u64, position, expected, context: line[..end].to_owned() }
    }

    pub(crate) fn from_pest(frame: &Frame<'_>, error: &pest::error::Error<Rule>) -> Self {
        if let Some(cut_short) = Self::cut_short(frame) {
            return cut_short;
        }
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

    /// The error for a response with literals that ends with parentheses
    /// still open. Its end came early: a literal announced fewer bytes than
    /// its value has (DavMail counts characters), or a line break follows a
    /// payload inside a list. pest's own error would point at the last rule
    /// it tried, which is often the literal before the real fault.
    fn cut_short(frame: &Frame<'_>) -> Option<Self> {
        if frame.literals().is_empty() {
            return None;
        }
        let open = crate::wire::open_parentheses(frame.skeleton().as_bytes());
        if open == 0 {
            return None;
        }
        let bytes = frame.bytes();
        let line = bytes.strip_suffix(b"\n").unwrap_or(bytes);
        let end = line.strip_suffix(b"\r").unwrap_or(line).len();
        let s = if open == 1 { "is" } else { "es" };
        let expected = format!(
            "\")\": the response ends with {open} parenthes{s} open (does a literal's announced size match its bytes?)"
        );
        Some(Self::at_wire(frame, end, expected))
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
