//! The wire layer: finds where each server response ends in a byte stream.
//!
//! An IMAP response is one line ending in CRLF, unless a line ends with a
//! literal header `{N}` (or `~{N}`, an RFC 3516 literal8): then N raw bytes
//! follow, and the response goes on with the next line. A PEG cannot count N
//! bytes, so this layer does it before parsing, and hands the parser a
//! [`Frame`]:
//!
//! - [`Frame::bytes`]: the response as received, borrowed from the input;
//! - [`Frame::skeleton`]: the lines with the literal payloads removed (the
//!   headers stay), which the grammar parses;
//! - [`Frame::literal_at`]: the payload of the literal whose header ends at a
//!   given skeleton offset, a slice of the input (payloads are never copied).
//!
//! The skeleton is borrowed when the response has no literal and is UTF-8,
//! and built once otherwise. Line bytes that are not UTF-8 (Latin-1 from real
//! servers) are kept losslessly as private-use characters; see [`unmap`].
//! Bare LF is accepted as a line ending.
//!
//! There are two drivers of one resumable scanner: [`frames`] over a complete
//! buffer, and [`Framer`], which owns a buffer fed from a socket. The scanner
//! keeps its state between reads (position, bytes left of a literal, paren
//! depth, literals found), so feeding a byte at a time gives the same frames
//! and errors as feeding everything at once, in linear total time.
//!
//! Input is untrusted: [`Limits`] bound line length, literal and response
//! size and paren nesting, each checked before the bytes it guards are
//! buffered. A violation is a [`FrameError`] reported once; the rest of that
//! response is then skipped without being buffered (following its lines and
//! the literals they announce), and framing resumes at the next response.

mod error;
mod frame;
mod framer;
mod limits;
mod remap;
mod scan;
#[cfg(test)]
mod tests;

pub use error::{FrameError, FrameErrorKind};
pub use frame::{Frame, LiteralRef};
pub use framer::{frames, Framer, Frames, LiteralChunk, Piece, Run, RunItems};
pub use limits::Limits;
pub use remap::unmap;
pub(crate) use scan::open_parentheses;
