//! MIME charset names to decoders: every WHATWG encoding through encoding_rs,
//! plus the Microsoft code page names mail programs write.

use encoding_rs::Encoding;
use std::borrow::Cow;

/// The encoding a MIME charset name names, ignoring an RFC 2231 language
/// suffix (`utf-8*en`). `None` for names nobody decodes (and for WHATWG's
/// "replacement" encodings, which would turn the text into U+FFFD).
pub(crate) fn encoding(label: &str) -> Option<&'static Encoding> {
    let label = label.split('*').next().unwrap_or_default().trim();
    Encoding::for_label_no_replacement(label.as_bytes()).or_else(|| {
        // Names seen in mail that the WHATWG list lacks.
        let alias = match label.to_ascii_lowercase().as_str() {
            "cp936" | "ms936" | "windows-936" => encoding_rs::GBK,
            "cp932" | "ms932" | "windows-932" | "ms_kanji" => encoding_rs::SHIFT_JIS,
            "cp949" | "ms949" | "windows-949" | "uhc" => encoding_rs::EUC_KR,
            "cp950" | "ms950" | "windows-950" => encoding_rs::BIG5,
            "latin-1" | "iso8859_1" => encoding_rs::WINDOWS_1252,
            "utf_8" => encoding_rs::UTF_8,
            _ => return None,
        };
        Some(alias)
    })
}

/// `bytes` decoded from the charset `label` (a MIME name such as `GBK`,
/// `KOI8-R`, `ISO-2022-JP`, `windows-1251`, `ISO-8859-15`); `None` when the
/// charset is unknown. Bytes the charset cannot decode become U+FFFD.
///
/// `ISO-8859-1` and `US-ASCII` decode as windows-1252, as browsers and mail
/// programs do: mail that says Latin-1 often holds windows-1252's quotes.
///
/// ```
/// use imap_core::text::decode_charset;
///
/// assert_eq!(decode_charset("KOI8-R", b"\xf0\xd2\xc9\xd7\xc5\xd4").unwrap(), "Привет");
/// assert_eq!(decode_charset("GBK", b"\xc4\xe3\xba\xc3").unwrap(), "你好");
/// assert_eq!(decode_charset("x-unknown", b"abc"), None);
/// ```
pub fn decode_charset<'b>(label: &str, bytes: &'b [u8]) -> Option<Cow<'b, str>> {
    Some(encoding(label)?.decode_without_bom_handling(bytes).0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_mail_uses() {
        for (label, bytes, text) in [
            ("ISO-2022-JP", &b"\x1b$BF|K\\\x1b(B"[..], "日本"),
            ("Shift_JIS", b"\x93\xfa\x96{", "日本"),
            ("cp932", b"\x93\xfa\x96{", "日本"),
            ("EUC-KR", b"\xc7\xd1\xb1\xdb", "한글"),
            ("ks_c_5601-1987", b"\xc7\xd1\xb1\xdb", "한글"),
            ("Big5", b"\xa4\xa4\xa4\xe5", "中文"),
            ("gb2312", b"\xd6\xd0\xce\xc4", "中文"),
            ("GB18030", b"\xd6\xd0\xce\xc4", "中文"),
            ("windows-1251", b"\xcf\xf0\xe8", "При"),
            ("cp1252", b"\x93hi\x94", "\u{201c}hi\u{201d}"),
            ("iso-8859-1", b"K\xf6ln", "Köln"),
            ("ISO-8859-15", b"\xa4", "€"),
            ("iso-8859-2", b"\xb1", "ą"),
            ("KOI8-U", b"\xa4", "є"),
            ("utf-8*en", "ü".as_bytes(), "ü"),
        ] {
            assert_eq!(decode_charset(label, bytes).as_deref(), Some(text), "{label}");
        }
    }

    #[test]
    fn unknown_and_replacement_charsets_are_none() {
        assert_eq!(decode_charset("iso-2022-kr", b"abc"), None);
        assert_eq!(decode_charset("", b"abc"), None);
        assert_eq!(decode_charset("unknown-8bit", b"abc"), None);
    }
}
