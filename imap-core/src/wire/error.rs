//! Typed framing errors.

use std::fmt;

/// A framing error: what went wrong and where in the stream it was detected.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FrameError {
    /// What went wrong.
    pub kind: FrameErrorKind,
    /// Stream offset (bytes since the start of the input) of the byte at
    /// which the problem was detected.
    pub offset: u64,
}

/// The kinds of [`FrameError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FrameErrorKind {
    /// A line grew past [`Limits::max_line`](super::Limits::max_line) bytes;
    /// the offset is that of its first byte past the limit.
    LineTooLong {
        /// The limit in force.
        limit: usize,
    },
    /// A literal header announced more than
    /// [`Limits::max_literal`](super::Limits::max_literal) bytes; the offset is
    /// that of the header's `{`. Its payload is not skipped: a size over the
    /// limit cannot be trusted, so framing resumes right after the header line.
    LiteralTooLarge {
        /// The announced size, saturated at `u64::MAX` when it does not fit.
        announced: u64,
        /// The limit in force.
        limit: u64,
    },
    /// The response grew past
    /// [`Limits::max_response`](super::Limits::max_response) bytes; the offset
    /// is that of its first byte past the limit, or of the `{` of the literal
    /// header that would take it past the limit.
    ResponseTooLarge {
        /// The limit in force.
        limit: u64,
    },
    /// Parentheses nested deeper than
    /// [`Limits::max_depth`](super::Limits::max_depth); the offset is that of
    /// the `(` that went too deep.
    TooDeep {
        /// The limit in force.
        limit: u32,
    },
    /// The input ended inside a response; the offset is the end of the input.
    /// Not reported for the rest of a response already reported as too large.
    Truncated {
        /// Stream offset of the first byte of the incomplete response.
        frame_start: u64,
    },
}

impl fmt::Display for FrameErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            FrameErrorKind::LineTooLong { limit } => {
                write!(f, "response line longer than {limit} bytes")
            }
            FrameErrorKind::LiteralTooLarge { announced, limit } => {
                write!(f, "literal of {announced} bytes announced, more than the limit of {limit}")
            }
            FrameErrorKind::ResponseTooLarge { limit } => {
                write!(f, "response larger than {limit} bytes")
            }
            FrameErrorKind::TooDeep { limit } => {
                write!(f, "parentheses nested deeper than {limit}")
            }
            FrameErrorKind::Truncated { frame_start } => {
                write!(f, "input ended inside the response starting at byte {frame_start}")
            }
        }
    }
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte {})", self.kind, self.offset)
    }
}

impl std::error::Error for FrameError {}
