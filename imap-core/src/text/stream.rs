//! Text in a charset turned into UTF-8 as it streams past: a message part of
//! any size, written through [`Utf8Writer`], comes out as UTF-8 without being
//! held in memory.

use super::charset::encoding;
use encoding_rs::{CoderResult, Decoder};
use std::io::{self, Write};

/// How many bytes of UTF-8 are produced at a time.
const CHUNK: usize = 8 << 10;

/// A writer that decodes what is written to it from a charset (any that
/// [`decode_charset`](super::decode_charset) knows) and writes it on as
/// UTF-8. A character split between two writes is decoded whole; bytes the
/// charset cannot decode become U+FFFD. Call [`finish`](Utf8Writer::finish)
/// at the end: it writes what a last incomplete character leaves.
///
/// ```
/// use imap_core::text::Utf8Writer;
/// use std::io::Write;
///
/// let mut w = Utf8Writer::new("ISO-2022-JP", Vec::new()).unwrap();
/// // The escape sequence and a character's two bytes in separate writes.
/// for piece in [&b"\x1b$"[..], b"BF", b"|K\\\x1b(B!"] {
///     w.write_all(piece).unwrap();
/// }
/// assert_eq!(w.finish().unwrap(), "日本!".as_bytes());
/// assert!(Utf8Writer::new("x-unknown", Vec::new()).is_none());
/// ```
pub struct Utf8Writer<W: Write> {
    decoder: Decoder,
    out: W,
    buffer: Box<[u8]>,
}

impl<W: Write> Utf8Writer<W> {
    /// Decodes from `charset` into `out`; `None` for a charset nobody knows.
    pub fn new(charset: &str, out: W) -> Option<Utf8Writer<W>> {
        let decoder = encoding(charset)?.new_decoder_without_bom_handling();
        Some(Utf8Writer { decoder, out, buffer: vec![0; CHUNK].into_boxed_slice() })
    }

    fn decode(&mut self, mut input: &[u8], last: bool) -> io::Result<()> {
        loop {
            let (result, read, written, _) = self.decoder.decode_to_utf8(input, &mut self.buffer, last);
            self.out.write_all(&self.buffer[..written])?;
            input = &input[read..];
            match result {
                CoderResult::InputEmpty => return Ok(()),
                CoderResult::OutputFull => continue,
            }
        }
    }

    /// Ends the text (an incomplete last character becomes U+FFFD), flushes,
    /// and returns the writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.decode(&[], true)?;
        self.out.flush()?;
        Ok(self.out)
    }
}

impl<W: Write> Write for Utf8Writer<W> {
    fn write(&mut self, input: &[u8]) -> io::Result<usize> {
        self.decode(input, false)?;
        Ok(input.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn through(charset: &str, input: &[u8], step: usize) -> String {
        let mut w = Utf8Writer::new(charset, Vec::new()).unwrap();
        for piece in input.chunks(step.max(1)) {
            w.write_all(piece).unwrap();
        }
        String::from_utf8(w.finish().unwrap()).unwrap()
    }

    #[test]
    fn characters_split_between_writes_come_out_whole() {
        for step in 1..8 {
            assert_eq!(through("GBK", b"\xc4\xe3\xba\xc3 ok", step), "你好 ok");
            assert_eq!(through("koi8-r", b"\xf0\xd2\xc9\xd7\xc5\xd4", step), "Привет");
            assert_eq!(through("utf-8", "Grüße".as_bytes(), step), "Grüße");
        }
        // Longer than one output chunk.
        let long = "ж".repeat(CHUNK);
        let koi8: Vec<u8> = std::iter::repeat_n(0xd6u8, CHUNK).collect();
        assert_eq!(through("KOI8-R", &koi8, 5000), long);
        // A character cut off at the end.
        assert_eq!(through("GBK", b"ok\xc4", 1), "ok\u{fffd}");
    }

    proptest! {
        #[test]
        fn same_text_however_it_is_split(bytes in proptest::collection::vec(any::<u8>(), 0..200), step in 1usize..20) {
            for charset in ["GBK", "Shift_JIS", "ISO-2022-JP", "UTF-8", "windows-1251"] {
                let whole = crate::text::decode_charset(charset, &bytes).unwrap().into_owned();
                prop_assert_eq!(through(charset, &bytes, step), whole);
            }
        }
    }
}
