//! Content-Transfer-Encoding undone as the bytes stream past: `cat --part`
//! writes a part's content without holding the part in memory.

use std::io::{self, Write};

/// A part's transfer encoding, from its BODYSTRUCTURE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// BASE64.
    Base64,
    /// QUOTED-PRINTABLE.
    QuotedPrintable,
    /// 7BIT, 8BIT, BINARY, or anything unknown: the bytes as they are.
    Identity,
}

impl Encoding {
    /// The encoding a Content-Transfer-Encoding value names.
    pub fn from_name(name: &str) -> Encoding {
        match name.to_ascii_uppercase().as_str() {
            "BASE64" => Encoding::Base64,
            "QUOTED-PRINTABLE" => Encoding::QuotedPrintable,
            _ => Encoding::Identity,
        }
    }
}

/// A writer that decodes what is written to it and passes the result on.
/// Lenient as mail readers are: base64 skips what is not in its alphabet,
/// and a quoted-printable `=` that starts no escape stays as it is.
pub struct Decoder<W: Write> {
    encoding: Encoding,
    out: W,
    /// Base64: bits not yet a whole byte, and how many.
    bits: u32,
    nbits: u32,
    /// Quoted-printable: the `=` escape seen so far (at most 3 bytes).
    escape: Vec<u8>,
}

impl<W: Write> Decoder<W> {
    /// Decodes `encoding` into `out`.
    pub fn new(encoding: Encoding, out: W) -> Decoder<W> {
        Decoder { encoding, out, bits: 0, nbits: 0, escape: Vec::with_capacity(3) }
    }

    /// Writes what an unfinished escape held, flushes, and returns the writer.
    pub fn finish(mut self) -> io::Result<W> {
        let pending = std::mem::take(&mut self.escape);
        self.out.write_all(&pending)?;
        self.out.flush()?;
        Ok(self.out)
    }

    fn base64(&mut self, input: &[u8], decoded: &mut Vec<u8>) {
        for &b in input {
            let value = match b {
                b'A'..=b'Z' => b - b'A',
                b'a'..=b'z' => b - b'a' + 26,
                b'0'..=b'9' => b - b'0' + 52,
                b'+' => 62,
                b'/' => 63,
                _ => continue, // line breaks, padding, stray bytes
            };
            self.bits = (self.bits << 6) | u32::from(value);
            self.nbits += 6;
            if self.nbits >= 8 {
                self.nbits -= 8;
                decoded.push((self.bits >> self.nbits) as u8);
                self.bits &= (1 << self.nbits) - 1;
            }
        }
    }

    fn quoted_printable(&mut self, input: &[u8], decoded: &mut Vec<u8>) {
        for &b in input {
            if self.escape.is_empty() {
                if b == b'=' {
                    self.escape.push(b);
                } else {
                    decoded.push(b);
                }
                continue;
            }
            self.escape.push(b);
            match self.escape[..] {
                // A soft line break: nothing.
                [b'=', b'\n'] | [b'=', b'\r', b'\n'] => self.escape.clear(),
                [b'=', b'\r'] => {}
                [b'=', h] if h.is_ascii_hexdigit() => {}
                [b'=', h, l] if h.is_ascii_hexdigit() && l.is_ascii_hexdigit() => {
                    let hex = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
                    decoded.push(hex(h) * 16 + hex(l));
                    self.escape.clear();
                }
                // Not an escape: the bytes as they came.
                _ => decoded.append(&mut self.escape),
            }
        }
    }
}

impl<W: Write> Write for Decoder<W> {
    fn write(&mut self, input: &[u8]) -> io::Result<usize> {
        let mut decoded = Vec::with_capacity(input.len());
        match self.encoding {
            Encoding::Base64 => self.base64(input, &mut decoded),
            Encoding::QuotedPrintable => self.quoted_printable(input, &mut decoded),
            Encoding::Identity => decoded.extend_from_slice(input),
        }
        self.out.write_all(&decoded)?;
        Ok(input.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `input` decoded, written in pieces of `step` bytes.
    fn decode(encoding: Encoding, input: &[u8], step: usize) -> Vec<u8> {
        let mut decoder = Decoder::new(encoding, Vec::new());
        for piece in input.chunks(step) {
            decoder.write_all(piece).unwrap();
        }
        decoder.finish().unwrap()
    }

    #[test]
    fn base64_in_any_pieces() {
        let input = b"SGVsbG8s\r\nIHfDtnJs\r\nZCE=\r\n";
        for step in 1..input.len() {
            assert_eq!(decode(Encoding::Base64, input, step), "Hello, wörld!".as_bytes(), "{step}");
        }
    }

    #[test]
    fn quoted_printable_in_any_pieces() {
        let input = b"caf=C3=A9 soft=\r\nbreak=\nhere =3D x=ZZ y=\r z=";
        for step in 1..input.len() {
            assert_eq!(
                decode(Encoding::QuotedPrintable, input, step),
                b"caf\xc3\xa9 softbreakhere = x=ZZ y=\r z=",
                "{step}"
            );
        }
    }

    /// Quoted-printable as mailers write it: `=XX` for anything not
    /// printable, soft line breaks every 20 characters.
    fn quote(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        for (i, &b) in bytes.iter().enumerate() {
            if i > 0 && i % 20 == 0 {
                out.extend_from_slice(b"=\r\n");
            }
            if (b'!'..=b'~').contains(&b) && b != b'=' {
                out.push(b);
            } else {
                out.extend_from_slice(format!("={b:02X}").as_bytes());
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn base64_of_any_bytes_in_any_pieces(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..600), step in 1usize..100) {
            use base64::Engine;
            let encoded = base64::engine::general_purpose::STANDARD.encode(&bytes);
            let wrapped: Vec<u8> = encoded.as_bytes().chunks(76).flat_map(|l| l.iter().chain(b"\r\n").copied()).collect();
            proptest::prop_assert_eq!(decode(Encoding::Base64, &wrapped, step), bytes);
        }

        #[test]
        fn quoted_printable_of_any_bytes_in_any_pieces(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..300), step in 1usize..50) {
            proptest::prop_assert_eq!(decode(Encoding::QuotedPrintable, &quote(&bytes), step), bytes);
        }

        #[test]
        fn never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..300), step in 1usize..50) {
            let _ = decode(Encoding::Base64, &bytes, step);
            let _ = decode(Encoding::QuotedPrintable, &bytes, step);
        }
    }

    #[test]
    fn names() {
        assert_eq!(Encoding::from_name("base64"), Encoding::Base64);
        assert_eq!(Encoding::from_name("Quoted-Printable"), Encoding::QuotedPrintable);
        assert_eq!(Encoding::from_name("8bit"), Encoding::Identity);
    }
}
