//! RFC 2047 encoded words, with the slack real mail needs.

use super::charset::encoding;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use encoding_rs::Encoding;
use std::borrow::Cow;

/// Base64 as encoded words carry it: padding or not, stray trailing bits.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Longest charset name looked at; longer is not a charset.
const MAX_CHARSET: usize = 64;

/// Header text with its RFC 2047 encoded words decoded, for a person to read.
///
/// - Charsets are any that [`decode_charset`](super::decode_charset) knows.
/// - White space between two encoded words is dropped (RFC 2047 6.2), and
///   adjacent words in the same charset are decoded together, so a character
///   whose bytes a mailer split over two words comes out whole.
/// - A word in an unknown charset, with broken base64 or quoted-printable,
///   stays as written; so does text around words, read as UTF-8 (bytes that
///   are not become U+FFFD). Folded lines (CRLF before a space) are unfolded.
/// - Words need not be separated from other text by white space, as many
///   mailers write them (`Re:=?utf-8?q?...?=`).
///
/// Never panics; the result is at most about three times as long as `raw`.
///
/// ```
/// use imap_core::text::decode_words;
///
/// assert_eq!(decode_words(b"=?ISO-2022-JP?B?GyRCRnxLXBsoQg==?= mail"), "日本 mail");
/// // One character (U+00FC) split over two words.
/// assert_eq!(decode_words(b"=?utf-8?q?Gr=C3?= =?utf-8?q?=BC=C3=9Fe?="), "Grüße");
/// assert_eq!(decode_words(b"=?utf-8?b?not base64?="), "=?utf-8?b?not base64?=");
/// ```
pub fn decode_words(raw: &[u8]) -> Cow<'_, str> {
    let plain = !raw.windows(2).any(|w| w == b"=?") && !raw.contains(&b'\n');
    if plain {
        return String::from_utf8_lossy(raw);
    }
    let mut out = String::with_capacity(raw.len());
    // Decoded bytes of adjacent words in one charset, not yet turned into text.
    let mut pending: Option<(&'static Encoding, Vec<u8>)> = None;
    let flush = |pending: &mut Option<(&'static Encoding, Vec<u8>)>, out: &mut String| {
        if let Some((encoding, bytes)) = pending.take() {
            out.push_str(&encoding.decode_without_bom_handling(&bytes).0);
        }
    };
    let (mut text_start, mut at, mut after_word) = (0, 0, false);
    while let Some(found) = find(&raw[at..], b"=?") {
        let start = at + found;
        let Some((word_encoding, bytes, end)) = word(raw, start) else {
            at = start + 1;
            continue;
        };
        let gap = &raw[text_start..start];
        let joins = after_word && gap.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'));
        if !joins {
            flush(&mut pending, &mut out);
            push_unfolded(&mut out, gap);
        }
        match &mut pending {
            Some((encoding, buffer)) if *encoding == word_encoding => buffer.extend_from_slice(&bytes),
            _ => {
                flush(&mut pending, &mut out);
                pending = Some((word_encoding, bytes));
            }
        }
        (text_start, at, after_word) = (end, end, true);
    }
    flush(&mut pending, &mut out);
    push_unfolded(&mut out, &raw[text_start..]);
    Cow::Owned(out)
}

/// The encoded word starting at `raw[start]` (which is `=?`): its charset's
/// encoding, its decoded bytes, and where it ends. `None` if it is not a
/// word this decodes.
fn word(raw: &[u8], start: usize) -> Option<(&'static Encoding, Vec<u8>, usize)> {
    let rest = &raw[start + 2..];
    let charset_end = rest.iter().take(MAX_CHARSET + 1).position(|&b| b == b'?')?;
    let charset = std::str::from_utf8(&rest[..charset_end]).ok()?;
    if charset.is_empty() || charset.bytes().any(|b| !b.is_ascii_graphic()) {
        return None;
    }
    let rest = &rest[charset_end + 1..];
    let (&kind, rest) = rest.split_first()?;
    let rest = rest.strip_prefix(b"?")?;
    // The encoded text holds no `?` and no white space, and ends at `?=`.
    // Stopping at the first `?` (or space) keeps a hostile run of `=?`s
    // from rescanning the rest of the input for each one.
    let text_end = rest.iter().position(|&b| b == b'?' || b.is_ascii_whitespace() || !b.is_ascii())?;
    if rest.get(text_end..text_end + 2) != Some(b"?=") {
        return None;
    }
    let text = &rest[..text_end];
    let bytes = match kind {
        b'B' | b'b' => LENIENT.decode(text).ok()?,
        b'Q' | b'q' => quoted_printable(text)?,
        _ => return None,
    };
    let end = start + 2 + charset_end + 1 + 2 + text_end + 2;
    Some((encoding(charset)?, bytes, end))
}

/// RFC 2047's Q encoding: `_` is a space, `=XX` a byte.
fn quoted_printable(text: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len());
    let mut bytes = text.iter();
    while let Some(&b) = bytes.next() {
        out.push(match b {
            b'_' => b' ',
            b'=' => {
                let high = (*bytes.next()? as char).to_digit(16)?;
                let low = (*bytes.next()? as char).to_digit(16)?;
                (high * 16 + low) as u8
            }
            b => b,
        });
    }
    Some(out)
}

/// Text outside encoded words, as UTF-8, with folding line breaks removed.
fn push_unfolded(out: &mut String, text: &[u8]) {
    let text = String::from_utf8_lossy(text);
    let mut lines = text.split('\n').peekable();
    while let Some(line) = lines.next() {
        match lines.peek() {
            // A line break followed by white space is a fold (RFC 5322 2.2.3).
            Some(next) if next.starts_with([' ', '\t']) => out.push_str(line.strip_suffix('\r').unwrap_or(line)),
            Some(_) => {
                out.push_str(line);
                out.push('\n');
            }
            None => out.push_str(line),
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

#[cfg(test)]
mod tests {
    use super::decode_words;
    use base64::Engine;
    use proptest::prelude::*;

    #[test]
    fn real_subjects() {
        for (raw, text) in [
            ("=?utf-8?q?Zo=C3=AB_=C3=9Cn=C3=AFcode?=", "Zoë Ünïcode"),
            ("=?UTF-8?B?R3LDvMOfZQ==?= =?utf-8?b?IGF1cw==?= x", "Grüße aus x"),
            ("=?iso-8859-1?q?K=F6ln?=", "Köln"),
            ("=?windows-1252?Q?=93quoted=94?=", "\u{201c}quoted\u{201d}"),
            ("=?GBK?B?xOO6ww==?=", "你好"),
            ("=?gb2312?B?1tDOxA==?=", "中文"),
            ("=?KOI8-R?B?8NLJ18XU?=", "Привет"),
            ("=?koi8-r?Q?=F0=D2=C9=D7=C5=D4?=", "Привет"),
            ("=?ISO-2022-JP?B?GyRCRnxLXBsoQg==?=", "日本"),
            ("=?Shift_JIS?B?k/qWew==?=", "日本"),
            ("=?EUC-KR?B?x9Gx2w==?=", "한글"),
            ("=?big5?B?pKSk5Q==?=", "中文"),
            ("=?utf-8*en?q?hi?=", "hi"),
            ("Re: =?utf-8?q?caf=C3=A9?= ok", "Re: café ok"),
            ("Re:=?utf-8?q?caf=C3=A9?=", "Re:café"),
            ("=?utf-8?q?a?=  \t =?utf-8?q?b?=", "ab"),
            ("=?utf-8?q?a?= x =?utf-8?q?b?=", "a x b"),
            // Two charsets side by side: each decoded alone, no space between.
            ("=?koi8-r?b?8A==?= =?utf-8?q?=C3=BC?=", "Пü"),
            // Unpadded base64 and lower-case hex.
            ("=?utf-8?b?w7w?= =?utf-8?q?=c3=bc?=", "üü"),
            ("plain =? text ?=", "plain =? text ?="),
            ("=?x-unknown?q?abc?= =?utf-8?q?d?=", "=?x-unknown?q?abc?= d"),
            ("=?utf-8?b?#!?=", "=?utf-8?b?#!?="),
            ("=?utf-8?q?bad=ZZ?=", "=?utf-8?q?bad=ZZ?="),
            ("=?utf-8?x?abc?=", "=?utf-8?x?abc?="),
            ("=?utf-8?q?unterminated", "=?utf-8?q?unterminated"),
            ("=??q?abc?=", "=??q?abc?="),
            ("folded\r\n subject", "folded subject"),
            ("=?utf-8?q?a?=\r\n =?utf-8?q?b?=", "ab"),
            // A mailer's 2-byte character split across two base64 words.
            ("=?UTF-8?B?w6Q=?==?UTF-8?B?w7Y=?=", "äö"),
            ("=?UTF-8?B?w6TD?= =?UTF-8?B?tg==?=", "äö"),
        ] {
            assert_eq!(decode_words(raw.as_bytes()), text, "{raw}");
        }
    }

    #[test]
    fn hostile_runs_take_linear_time() {
        // Each `=?` starts a word that never ends; a decoder that looks for
        // `?=` afresh from each would take quadratic time on these.
        for unit in ["=?utf-8?q?", "=?", "=?a?q?a", "=?utf-8?b?QUFB"] {
            let raw = unit.repeat(200_000);
            let started = std::time::Instant::now();
            assert_eq!(decode_words(raw.as_bytes()), raw);
            assert!(started.elapsed() < std::time::Duration::from_secs(5), "{unit}: {:?}", started.elapsed());
        }
    }

    #[test]
    fn text_without_words_is_borrowed() {
        assert!(matches!(decode_words(b"plain"), std::borrow::Cow::Borrowed("plain")));
        assert_eq!(decode_words(b"caf\xe9"), "caf\u{fffd}");
    }

    /// `text` as encoded words of at most `chunk` bytes each, split anywhere
    /// (inside characters too), B or Q, separated by folding white space.
    fn encode(text: &str, chunk: usize, q: bool) -> String {
        let words: Vec<String> = text
            .as_bytes()
            .chunks(chunk)
            .map(|bytes| {
                if q {
                    let body: String = bytes.iter().map(|b| format!("={b:02X}")).collect();
                    format!("=?UTF-8?Q?{body}?=")
                } else {
                    format!("=?utf-8?B?{}?=", base64::engine::general_purpose::STANDARD.encode(bytes))
                }
            })
            .collect();
        words.join("\r\n ")
    }

    proptest! {
        #[test]
        fn never_panics_on_any_bytes(raw in proptest::collection::vec(any::<u8>(), 0..300)) {
            let text = decode_words(&raw);
            prop_assert!(text.len() <= raw.len() * 3 + 3);
        }

        #[test]
        fn never_panics_on_word_like_input(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("=?".to_owned()), Just("?=".to_owned()), Just("?".to_owned()), Just(" ".to_owned()),
                    Just("utf-8".to_owned()), Just("ISO-2022-JP".to_owned()), Just("gbk".to_owned()),
                    Just("B".to_owned()), Just("q".to_owned()), Just("=C3".to_owned()), Just("\r\n".to_owned()),
                    "[A-Za-z0-9+/=_]{0,8}",
                ],
                0..40,
            )
        ) {
            let _ = decode_words(parts.concat().as_bytes());
        }

        #[test]
        fn words_split_anywhere_decode_to_the_text(text in "\\PC{0,40}", chunk in 1usize..12, q in any::<bool>()) {
            let raw = encode(&text, chunk, q);
            prop_assert_eq!(decode_words(raw.as_bytes()), text);
        }

        #[test]
        fn text_without_words_is_unchanged(text in "[^=\r\n]{0,80}") {
            prop_assert_eq!(decode_words(text.as_bytes()), text.as_str());
        }
    }
}
