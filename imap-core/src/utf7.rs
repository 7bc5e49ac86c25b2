//! Modified UTF-7, the encoding of international mailbox names (RFC 3501 section 5.1.3).
//!
//! IMAP mailbox names travel as 7-bit text. Printable US-ASCII (0x20-0x7e)
//! stands for itself, except `&`, which is written `&-`. Every other
//! character is written as UTF-16BE in base64 between `&` and `-`, using a
//! modified alphabet (`,` instead of `/`, so the hierarchy delimiter `/` never
//! appears inside an encoded run) and no `=` padding:
//!
//! ```text
//! ~peter/mail/&U,BTFw-/&ZeVnLIqe-   <->   ~peter/mail/台北/日本語
//! ```
//!
//! The format has exactly one spelling for each name: a run of non-ASCII
//! characters is one shifted sequence, printable ASCII is never base64-encoded,
//! and leftover padding bits are zero. [`encode`] always produces that form;
//! [`decode`] accepts only that form, so `encode(decode(b)?) == b`.
//! [`decode_lossy`] is for display: it tolerates the common non-canonical
//! spellings and falls back to the raw name when it cannot decode.
//!
//! ```
//! use imap_core::utf7::{decode, encode};
//!
//! assert_eq!(encode("Entwürfe"), "Entw&APw-rfe");
//! assert_eq!(decode(b"Entw&APw-rfe").unwrap(), "Entwürfe");
//! ```

use std::borrow::Cow;
use std::fmt;

/// Why a name is not valid modified UTF-7, and the byte offset where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Utf7Error {
    /// Byte offset into the input where the problem was detected.
    pub offset: usize,
    /// What is wrong there.
    pub kind: Utf7ErrorKind,
}

/// The ways a name can fail to be (canonical) modified UTF-7.
///
/// Each variant's documentation says which byte [`Utf7Error::offset`] points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Utf7ErrorKind {
    /// A byte outside printable US-ASCII (0x20-0x7e); the offset is that byte.
    NonPrintable,
    /// A `&` whose shifted sequence never ends with `-`; the offset is the `&`.
    Unterminated,
    /// A byte inside a shifted sequence that is neither in the modified base64
    /// alphabet nor `-`; the offset is that byte.
    InvalidBase64,
    /// The bits after the last UTF-16 unit are not zero, or form a whole
    /// superfluous base64 character; the offset is the last base64 character.
    BadPadding,
    /// The shifted sequence holds an odd number of bytes, so its last UTF-16
    /// unit is incomplete; the offset is the closing `-`.
    OddLength,
    /// A UTF-16 surrogate without its partner (also when the partner is in
    /// another shifted sequence); the offset is the base64 character that
    /// completed the lone surrogate.
    UnpairedSurrogate,
    /// A printable US-ASCII character (including `&`) encoded in base64,
    /// which must represent itself instead; the offset is the base64 character
    /// that completed it.
    EncodedAscii,
    /// A shifted sequence that starts right after another one ended (`-&`),
    /// a superfluous shift; the offset is the second `&`.
    AdjacentShifts,
}

impl fmt::Display for Utf7ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NonPrintable => "byte outside printable US-ASCII",
            Self::Unterminated => "shifted sequence not terminated by '-'",
            Self::InvalidBase64 => "invalid modified base64 character",
            Self::BadPadding => "non-zero or superfluous padding bits",
            Self::OddLength => "odd number of bytes in UTF-16 sequence",
            Self::UnpairedSurrogate => "unpaired UTF-16 surrogate",
            Self::EncodedAscii => "printable US-ASCII character encoded in base64",
            Self::AdjacentShifts => "shifted sequence directly follows another",
        })
    }
}

impl fmt::Display for Utf7Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid modified UTF-7 at byte {}: {}", self.offset, self.kind)
    }
}

impl std::error::Error for Utf7Error {}

/// Decodes a mailbox name as sent by the server (modified UTF-7) into Unicode.
///
/// Only the canonical form is accepted (see the [module docs](self)), so a
/// successful result re-encodes to exactly the same bytes.
///
/// # Errors
///
/// Returns a [`Utf7Error`] describing the first problem found.
///
/// # Examples
///
/// ```
/// use imap_core::utf7::{decode, encode, Utf7ErrorKind};
///
/// assert_eq!(decode(b"&ZeVnLIqe-").unwrap(), "日本語");
/// assert_eq!(decode(b"R&-D").unwrap(), "R&D");
/// assert_eq!(encode("日本語"), "&ZeVnLIqe-");
/// // "!" must not appear before the shifted sequence is closed with "-".
/// assert_eq!(decode(b"&Jjo!").unwrap_err().kind, Utf7ErrorKind::InvalidBase64);
/// ```
pub fn decode(name: &[u8]) -> Result<String, Utf7Error> {
    decode_with(name, true)
}

/// Like [`decode`], but never fails: a name that is not valid modified UTF-7
/// is returned as is (lossy UTF-8 only if the bytes are not UTF-8), which is
/// what a client shows for names from non-conforming servers.
///
/// Unlike [`decode`], it accepts two unambiguous non-canonical spellings:
/// printable ASCII encoded in base64 (`&AGE-` is `a`) and adjacent shifted
/// sequences (`&AOQ-&APY-` is `äö`).
///
/// # Examples
///
/// ```
/// use imap_core::utf7::decode_lossy;
///
/// assert_eq!(decode_lossy(b"Entw&APw-rfe"), "Entwürfe");
/// // A server that sends raw UTF-8 instead of modified UTF-7.
/// assert_eq!(decode_lossy("Entwürfe".as_bytes()), "Entwürfe");
/// assert_eq!(decode_lossy(b"&AGE-"), "a");
/// ```
pub fn decode_lossy(name: &[u8]) -> Cow<'_, str> {
    // Without '&' decoding is the identity or an error, so the fallback is
    // the answer either way and needs no allocation.
    if !name.contains(&b'&') {
        return String::from_utf8_lossy(name);
    }
    match decode_with(name, false) {
        Ok(decoded) => Cow::Owned(decoded),
        Err(_) => String::from_utf8_lossy(name),
    }
}

/// Encodes a Unicode mailbox name into modified UTF-7 for the wire.
///
/// The output is canonical: printable ASCII as itself, `&` as `&-`, and each
/// maximal run of other characters as one shifted sequence. Borrows the input
/// when it needs no change.
///
/// # Examples
///
/// ```
/// use imap_core::utf7::{decode, encode};
///
/// assert_eq!(encode("Entwürfe"), "Entw&APw-rfe");
/// assert_eq!(encode("~peter/mail/台北/日本語"), "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
/// assert_eq!(encode("R&D"), "R&-D");
/// assert_eq!(decode(encode("Entwürfe").as_bytes()).unwrap(), "Entwürfe");
/// ```
pub fn encode(name: &str) -> Cow<'_, str> {
    if name.bytes().all(|b| is_direct(b.into())) {
        return Cow::Borrowed(name);
    }
    let mut out = String::with_capacity(name.len() + name.len() / 2);
    let mut rest = name;
    while let Some(c) = rest.chars().next() {
        if is_direct(c) {
            out.push(c);
            rest = &rest[1..];
        } else if c == '&' {
            out.push_str("&-");
            rest = &rest[1..];
        } else {
            // '&' is printable, so it ends a run rather than joining it.
            let end = rest.find(|c: char| c == '&' || is_direct(c)).unwrap_or(rest.len());
            out.push('&');
            encode_units(rest[..end].encode_utf16(), &mut out);
            out.push('-');
            rest = &rest[end..];
        }
    }
    Cow::Owned(out)
}

/// Characters that represent themselves: printable US-ASCII except `&`.
fn is_direct(c: char) -> bool {
    matches!(c, ' '..='~') && c != '&'
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

/// Appends UTF-16 units as modified base64, zero-padding the last character.
fn encode_units(units: impl Iterator<Item = u16>, out: &mut String) {
    let mut bits: u32 = 0;
    let mut nbits = 0;
    for unit in units {
        bits = bits << 16 | u32::from(unit);
        nbits += 16;
        while nbits >= 6 {
            nbits -= 6;
            out.push(ALPHABET[(bits >> nbits) as usize & 0x3f].into());
        }
        bits &= (1 << nbits) - 1;
    }
    if nbits > 0 {
        out.push(ALPHABET[(bits << (6 - nbits)) as usize & 0x3f].into());
    }
}

fn base64_value(b: u8) -> Option<u32> {
    let v = match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        b'+' => 62,
        b',' => 63,
        _ => return None,
    };
    Some(v.into())
}

fn err(offset: usize, kind: Utf7ErrorKind) -> Utf7Error {
    Utf7Error { offset, kind }
}

/// Decodes a whole name; `strict` rejects the non-canonical spellings that
/// [`decode_lossy`] tolerates (encoded ASCII, adjacent shifts).
fn decode_with(name: &[u8], strict: bool) -> Result<String, Utf7Error> {
    let mut out = String::with_capacity(name.len());
    // Index just past the '-' of the last base64 sequence, to spot "-&".
    let mut shift_end = None;
    let mut i = 0;
    while let Some(&b) = name.get(i) {
        match b {
            b'&' if name.get(i + 1) == Some(&b'-') => {
                out.push('&');
                i += 2;
            }
            b'&' => {
                if strict && shift_end == Some(i) {
                    return Err(err(i, Utf7ErrorKind::AdjacentShifts));
                }
                i = decode_shift(name, i, strict, &mut out)?;
                shift_end = Some(i);
            }
            0x20..=0x7e => {
                out.push(b.into());
                i += 1;
            }
            _ => return Err(err(i, Utf7ErrorKind::NonPrintable)),
        }
    }
    Ok(out)
}

/// Decodes the shifted sequence whose `&` is at `start` (and is not `&-`),
/// returning the index just past its closing `-`.
fn decode_shift(name: &[u8], start: usize, strict: bool, out: &mut String) -> Result<usize, Utf7Error> {
    let mut bits: u32 = 0;
    let mut nbits = 0;
    // A high surrogate waiting for its low half, with its offset for errors.
    let mut high: Option<(u16, usize)> = None;
    for (i, &b) in name.iter().enumerate().skip(start + 1) {
        if b == b'-' {
            if let Some((_, at)) = high {
                return Err(err(at, Utf7ErrorKind::UnpairedSurrogate));
            }
            // At most 14 bits remain; 8 or more means a dangling byte. The
            // canonical form pads with fewer than 6 zero bits.
            if nbits >= 8 {
                return Err(err(i, Utf7ErrorKind::OddLength));
            }
            if nbits >= 6 || bits != 0 {
                return Err(err(i - 1, Utf7ErrorKind::BadPadding));
            }
            return Ok(i + 1);
        }
        let value = base64_value(b).ok_or_else(|| {
            let kind = match b {
                0x20..=0x7e => Utf7ErrorKind::InvalidBase64,
                _ => Utf7ErrorKind::NonPrintable,
            };
            err(i, kind)
        })?;
        bits = bits << 6 | value;
        nbits += 6;
        if nbits < 16 {
            continue;
        }
        nbits -= 16;
        let unit = (bits >> nbits) as u16;
        bits &= (1 << nbits) - 1;
        match (high.take(), unit) {
            (Some((h, _)), 0xdc00..=0xdfff) => {
                // A high/low pair always combines into a valid char.
                let c = 0x10000 + ((u32::from(h) - 0xd800) << 10) + (u32::from(unit) - 0xdc00);
                out.extend(char::from_u32(c));
            }
            (Some((_, at)), _) => return Err(err(at, Utf7ErrorKind::UnpairedSurrogate)),
            (None, 0xd800..=0xdbff) => high = Some((unit, i)),
            (None, 0xdc00..=0xdfff) => return Err(err(i, Utf7ErrorKind::UnpairedSurrogate)),
            (None, 0x20..=0x7e) if strict => return Err(err(i, Utf7ErrorKind::EncodedAscii)),
            // Not a surrogate, so always a valid char.
            (None, _) => out.extend(char::from_u32(unit.into())),
        }
    }
    Err(err(start, Utf7ErrorKind::Unterminated))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn kind_at(input: &[u8]) -> (Utf7ErrorKind, usize) {
        let e = decode(input).unwrap_err();
        (e.kind, e.offset)
    }

    /// Base64 for arbitrary UTF-16 units, to build inputs `encode` never makes.
    fn b64(units: &[u16]) -> String {
        let mut s = String::new();
        encode_units(units.iter().copied(), &mut s);
        s
    }

    #[test]
    fn rfc_example() {
        let wire = "~peter/mail/&U,BTFw-/&ZeVnLIqe-";
        let name = "~peter/mail/台北/日本語";
        assert_eq!(decode(wire.as_bytes()).unwrap(), name);
        assert_eq!(encode(name), wire);
        // The RFC's correct form of the superfluous-shift example.
        assert_eq!(decode(b"&U,BTF2XlZyyKng-").unwrap(), "台北日本語");
        assert_eq!(encode("台北日本語"), "&U,BTF2XlZyyKng-");
    }

    #[test]
    fn ampersand() {
        assert_eq!(decode(b"&-").unwrap(), "&");
        assert_eq!(decode(b"&-&-").unwrap(), "&&");
        assert_eq!(encode("&"), "&-");
        assert_eq!(encode("a&b"), "a&-b");
        // '&' splits a non-ASCII run; "&-" before a shift is not "-&".
        assert_eq!(encode("ä&ö"), "&AOQ-&-&APY-");
        assert_eq!(decode(b"&AOQ-&-&APY-").unwrap(), "ä&ö");
    }

    #[test]
    fn plain_ascii_and_borrowing() {
        assert_eq!(decode(b"").unwrap(), "");
        assert_eq!(decode(b"INBOX/Sent Items~-+").unwrap(), "INBOX/Sent Items~-+");
        assert!(matches!(encode("INBOX.Drafts"), Cow::Borrowed(_)));
        assert!(matches!(encode("R&D"), Cow::Owned(_)));
        assert!(matches!(decode_lossy(b"INBOX"), Cow::Borrowed("INBOX")));
    }

    #[test]
    fn control_characters_are_encoded() {
        assert_eq!(encode("a\tb"), "a&AAk-b");
        assert_eq!(decode(b"a&AAk-b").unwrap(), "a\tb");
        assert_eq!(encode("\u{7f}\0"), "&AH8AAA-");
        assert_eq!(decode(b"&AH8AAA-").unwrap(), "\u{7f}\0");
    }

    #[test]
    fn astral_plane() {
        // U+1F600 is the surrogate pair D83D DE00.
        assert_eq!(encode("😀"), "&2D3eAA-");
        assert_eq!(decode(b"&2D3eAA-").unwrap(), "😀");
        let name = "Inbox/📧 Mail 𝄞ä😀";
        assert_eq!(decode(encode(name).as_bytes()).unwrap(), name);
    }

    #[test]
    fn error_non_printable() {
        assert_eq!(kind_at(b"a\tb"), (Utf7ErrorKind::NonPrintable, 1));
        assert_eq!(kind_at(b"a\x7f"), (Utf7ErrorKind::NonPrintable, 1));
        assert_eq!(kind_at("Entwürfe".as_bytes()), (Utf7ErrorKind::NonPrintable, 4));
        assert_eq!(kind_at(b"&AO\xff-"), (Utf7ErrorKind::NonPrintable, 3));
    }

    #[test]
    fn error_unterminated() {
        assert_eq!(kind_at(b"ab&AOQ"), (Utf7ErrorKind::Unterminated, 2));
        assert_eq!(kind_at(b"&"), (Utf7ErrorKind::Unterminated, 0));
    }

    #[test]
    fn error_invalid_base64() {
        // The RFC's example of a missing shift back to US-ASCII.
        assert_eq!(kind_at(b"&Jjo!"), (Utf7ErrorKind::InvalidBase64, 4));
        assert_eq!(decode(b"&Jjo-!").unwrap(), "\u{263a}!");
        // Standard base64's '/' is not in the modified alphabet.
        assert_eq!(kind_at(b"&U/BTFw-"), (Utf7ErrorKind::InvalidBase64, 2));
        assert_eq!(kind_at(b"&AOQ&-"), (Utf7ErrorKind::InvalidBase64, 4));
    }

    #[test]
    fn error_bad_padding() {
        // "AOR": the 2 bits after U+00E4 are 01.
        assert_eq!(kind_at(b"&AOR-"), (Utf7ErrorKind::BadPadding, 3));
        // A base64 character carrying no data.
        assert_eq!(kind_at(b"&A-"), (Utf7ErrorKind::BadPadding, 1));
        assert_eq!(kind_at(b"&ZeVnLIqeA-"), (Utf7ErrorKind::BadPadding, 9));
    }

    #[test]
    fn error_odd_length() {
        // 24 bits: one UTF-16 unit plus a dangling byte.
        assert_eq!(kind_at(b"&AOQA-"), (Utf7ErrorKind::OddLength, 5));
        assert_eq!(kind_at(b"&AA-"), (Utf7ErrorKind::OddLength, 3));
    }

    #[test]
    fn error_unpaired_surrogate() {
        let lone_high = format!("&{}-", b64(&[0xd83d]));
        assert_eq!(kind_at(lone_high.as_bytes()), (Utf7ErrorKind::UnpairedSurrogate, 3));
        let lone_low = format!("&{}-", b64(&[0xde00]));
        assert_eq!(kind_at(lone_low.as_bytes()), (Utf7ErrorKind::UnpairedSurrogate, 3));
        let high_then_other = format!("&{}-", b64(&[0xd83d, 0x00e4]));
        assert_eq!(kind_at(high_then_other.as_bytes()), (Utf7ErrorKind::UnpairedSurrogate, 3));
        let reversed = format!("&{}-", b64(&[0xde00, 0xd83d]));
        assert_eq!(kind_at(reversed.as_bytes()), (Utf7ErrorKind::UnpairedSurrogate, 3));
        // A pair split across two sequences is not a pair.
        let split = format!("&{}-x&{}-", b64(&[0xd83d]), b64(&[0xde00]));
        assert_eq!(kind_at(split.as_bytes()), (Utf7ErrorKind::UnpairedSurrogate, 3));
        assert_eq!(decode_lossy(split.as_bytes()), split);
    }

    #[test]
    fn error_encoded_ascii() {
        assert_eq!(kind_at(b"&AGE-"), (Utf7ErrorKind::EncodedAscii, 3));
        assert_eq!(decode_lossy(b"&AGE-"), "a");
        // Mixed with non-ASCII: "äa" must be written "&AOQ-a".
        let mixed = format!("&{}-", b64(&[0xe4, 0x61]));
        assert_eq!(kind_at(mixed.as_bytes()), (Utf7ErrorKind::EncodedAscii, 6));
        assert_eq!(decode_lossy(mixed.as_bytes()), "äa");
        // '&' itself must be "&-".
        assert_eq!(kind_at(b"&ACY-"), (Utf7ErrorKind::EncodedAscii, 3));
        assert_eq!(decode_lossy(b"&ACY-"), "&");
    }

    #[test]
    fn error_adjacent_shifts() {
        // The RFC's superfluous-shift example.
        assert_eq!(kind_at(b"&U,BTFw-&ZeVnLIqe-"), (Utf7ErrorKind::AdjacentShifts, 8));
        assert_eq!(decode_lossy(b"&U,BTFw-&ZeVnLIqe-"), "台北日本語");
        assert_eq!(kind_at(b"&AGE-&AGE-"), (Utf7ErrorKind::EncodedAscii, 3));
        assert_eq!(decode_lossy(b"&AGE-&AGE-"), "aa");
    }

    #[test]
    fn lossy_falls_back_to_raw_name() {
        assert_eq!(decode_lossy(b"&Jjo!"), "&Jjo!");
        assert_eq!(decode_lossy("Entwürfe".as_bytes()), "Entwürfe");
        assert_eq!(decode_lossy(b"&AOQ-\xff"), "&AOQ-\u{fffd}");
        assert!(matches!(decode_lossy(b"&Jjo!"), Cow::Borrowed(_)));
    }

    #[test]
    fn display() {
        let e = decode(b"&Jjo!").unwrap_err();
        assert_eq!(e.to_string(), "invalid modified UTF-7 at byte 4: invalid modified base64 character");
        let _: &dyn std::error::Error = &e;
    }

    /// Wire names built from plausible pieces: literal ASCII, "&-", and
    /// shifted sequences of arbitrary UTF-16 units (biased towards surrogates
    /// and ASCII, so that invalid and non-canonical inputs are common), plus
    /// free-form noise from the base64 alphabet.
    fn wire_like() -> impl Strategy<Value = Vec<u8>> {
        let unit = prop_oneof![
            4 => any::<u16>(),
            1 => 0xd800u16..0xe000,
            1 => 0x20u16..0x7f,
        ];
        let piece = prop_oneof![
            2 => "[a-z/ -]{1,3}",
            1 => Just("&-".to_string()),
            4 => proptest::collection::vec(unit, 1..5).prop_map(|u| format!("&{}-", b64(&u))),
            1 => "&[A-Za-z0-9+,]{1,9}-",
        ];
        proptest::collection::vec(piece, 1..6).prop_map(|p| p.concat().into_bytes())
    }

    proptest! {
        #[test]
        fn encode_then_decode(s in any::<String>()) {
            let wire = encode(&s);
            prop_assert!(wire.bytes().all(|b| (0x20..=0x7e).contains(&b)));
            prop_assert_eq!(decode(wire.as_bytes()), Ok(s));
        }

        #[test]
        fn decode_then_encode(b in wire_like()) {
            if let Ok(s) = decode(&b) {
                let wire = encode(&s);
                prop_assert_eq!(wire.as_bytes(), &b[..]);
                prop_assert_eq!(decode_lossy(&b), s);
            }
        }

        #[test]
        fn arbitrary_bytes_never_panic(b in proptest::collection::vec(any::<u8>(), 0..32)) {
            match decode(&b) {
                Ok(s) => {
                    let wire = encode(&s);
                    prop_assert_eq!(wire.as_bytes(), &b[..]);
                }
                Err(e) => prop_assert!(e.offset < b.len()),
            }
            let _ = decode_lossy(&b);
        }
    }
}
