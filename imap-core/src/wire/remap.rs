//! Lossless text for line bytes that are not valid UTF-8.
//!
//! A byte `b` that is not part of valid UTF-8 becomes the private-use code
//! point U+10FF00 + `b`. Such bytes are always >= 0x80, so only U+10FF80 ..=
//! U+10FFFF are used, and in a remapped skeleton a valid character in that
//! range is mapped byte by byte too, so that [`unmap`] can reverse every one.

use std::borrow::Cow;

use memchr::memchr_iter;

/// The code point a raw byte is mapped to.
const BASE: u32 = 0x10_FF00;

/// Appends `bytes` to `out`, mapping invalid bytes and the characters
/// U+10FF80 ..= U+10FFFF to one private-use character per byte.
pub(crate) fn push_remapped(out: &mut String, bytes: &[u8]) {
    for chunk in bytes.utf8_chunks() {
        push_escaped(out, chunk.valid());
        chunk.invalid().iter().for_each(|&b| out.push(mapped(b)));
    }
}

/// Appends valid text, mapping the characters in the reserved range.
fn push_escaped(out: &mut String, s: &str) {
    let mut rest = 0;
    for i in reserved_chars(s.as_bytes()) {
        out.push_str(&s[rest..i]);
        s.as_bytes()[i..i + 4].iter().for_each(|&b| out.push(mapped(b)));
        rest = i + 4;
    }
    out.push_str(&s[rest..]);
}

fn mapped(b: u8) -> char {
    // BASE + 0xFF is U+10FFFF, a valid scalar value, so this never falls back.
    char::from_u32(BASE + u32::from(b)).unwrap_or(char::REPLACEMENT_CHARACTER)
}

/// Start indices of the characters U+10FF80 ..= U+10FFFF in valid UTF-8,
/// whose encodings are `F4 8F BE xx` and `F4 8F BF xx`.
fn reserved_chars(s: &[u8]) -> impl Iterator<Item = usize> + '_ {
    memchr_iter(0xF4, s).filter(|&i| matches!(s.get(i + 1..i + 3), Some([0x8F, 0xBE | 0xBF])))
}

/// Turns the text of a remapped skeleton back into the bytes it was made of:
/// each character in U+10FF80 ..= U+10FFFF becomes the single byte it stands
/// for. Borrows when there is none.
///
/// Apply it only to frames whose [`is_remapped`](super::Frame::is_remapped)
/// is true: in other frames such characters were sent as themselves.
///
/// ```
/// use imap_core::wire::{frames, unmap, Limits};
///
/// // A Latin-1 "é" (0xE9) in a quoted string is not valid UTF-8.
/// let input = b"* OK \"caf\xE9\"\r\n";
/// let frame = frames(input, Limits::default()).next().unwrap().unwrap();
/// assert!(frame.is_remapped());
/// assert_eq!(frame.skeleton(), "* OK \"caf\u{10FFE9}\"\r\n");
/// assert_eq!(&*unmap(frame.skeleton()), &input[..]);
/// ```
pub fn unmap(s: &str) -> Cow<'_, [u8]> {
    let bytes = s.as_bytes();
    let mut found = reserved_chars(bytes).peekable();
    if found.peek().is_none() {
        return Cow::Borrowed(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = 0;
    for i in found {
        out.extend_from_slice(&bytes[rest..i]);
        // The low byte of the code point: the last six bits of the last
        // encoded byte, plus 0x40 when the third byte is 0xBF.
        let high = if bytes[i + 2] == 0xBF { 0xC0 } else { 0x80 };
        out.push(high | (bytes[i + 3] & 0x3F));
        rest = i + 4;
    }
    out.extend_from_slice(&bytes[rest..]);
    Cow::Owned(out)
}
