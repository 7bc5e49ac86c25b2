//! Resource limits applied while framing untrusted server input.

/// Bounds on what one server response may make the framer scan and buffer.
///
/// Every limit is checked before the bytes it guards are buffered, so a hostile
/// server can make the framer do only bounded work and hold bounded memory
/// before it reports a [`FrameError`](super::FrameError).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Limits {
    /// Maximum bytes of one line, its line ending included and literal payloads
    /// not counted. Default: 16 MiB.
    pub max_line: usize,
    /// Maximum size one literal (`{N}` or `~{N}`) may announce. Default: 128 MiB.
    pub max_literal: u64,
    /// Maximum bytes of a whole response, all lines and literal payloads
    /// included. Default: 256 MiB.
    pub max_response: u64,
    /// Maximum nesting depth of parentheses outside quoted strings and literal
    /// payloads. Default: [`DEFAULT_MAX_DEPTH`](Self::DEFAULT_MAX_DEPTH).
    pub max_depth: u32,
}

impl Limits {
    /// The default nesting limit: 2,048. Real messages nest body parts far
    /// less, but hundreds of levels (multipart in message/rfc822 in
    /// multipart...) occur; parsing this deep fits a 2 MiB thread stack.
    pub const DEFAULT_MAX_DEPTH: u32 = 2048;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_line: 16 << 20,
            max_literal: 128 << 20,
            max_response: 256 << 20,
            max_depth: Self::DEFAULT_MAX_DEPTH,
        }
    }
}

with_setters!(Limits {
    max_line: usize => with_max_line,
    max_literal: u64 => with_max_literal,
    max_response: u64 => with_max_response,
    max_depth: u32 => with_max_depth,
});
