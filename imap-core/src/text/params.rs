//! MIME parameter values (RFC 2045), with RFC 2231's continuations and
//! charsets, and the RFC 2047 words many mailers put there instead.

use super::charset::encoding;
use super::words::decode_words;

/// Most sections a continued value is joined from; real file names need a
/// handful, and a longer run is not worth the sort.
const MAX_SECTIONS: usize = 1000;

/// The value of parameter `name` (case-insensitive) among `params` (name and
/// value pairs as a BODYSTRUCTURE lists them), decoded for a person:
///
/// - `name*=charset'lang'%XX...` (RFC 2231 4) decoded from its charset;
/// - `name*0`, `name*1*`, ... (RFC 2231 3 and 4.1) joined in section order,
///   the charset of section 0 applying to every `*`-marked section;
/// - otherwise plain `name`, with any RFC 2047 encoded words decoded (not
///   allowed there by the RFCs, and written by mailers everywhere).
///
/// The RFC 2231 forms win over a plain `name` beside them (mailers send both
/// for old readers). A value in a charset nobody knows is returned as sent.
///
/// ```
/// use imap_core::text::decode_param;
///
/// let params: [(&[u8], &[u8]); 2] =
///     [(b"FILENAME*0*", b"utf-8''%E6%97%A5%E6%9C%AC"), (b"FILENAME*1", b".pdf")];
/// assert_eq!(decode_param(params, "filename").unwrap(), "日本.pdf");
/// let params: [(&[u8], &[u8]); 1] = [(b"name", b"=?koi8-r?b?8NLJ18XU?=.txt")];
/// assert_eq!(decode_param(params, "NAME").unwrap(), "Привет.txt");
/// ```
pub fn decode_param<'p>(params: impl IntoIterator<Item = (&'p [u8], &'p [u8])>, name: &str) -> Option<String> {
    let name = name.as_bytes();
    let mut plain = None;
    let mut extended = None;
    // (section number, whether `*`-marked, value)
    let mut sections: Vec<(u32, bool, &[u8])> = Vec::new();
    for (key, value) in params {
        if key.eq_ignore_ascii_case(name) {
            plain = plain.or(Some(value));
            continue;
        }
        let Some(suffix) = key
            .get(..name.len())
            .filter(|head| head.eq_ignore_ascii_case(name))
            .and_then(|_| key[name.len()..].strip_prefix(b"*"))
        else {
            continue;
        };
        if suffix.is_empty() {
            extended = extended.or(Some(value));
        } else if sections.len() < MAX_SECTIONS {
            let (digits, marked) = match suffix.strip_suffix(b"*") {
                Some(digits) => (digits, true),
                None => (suffix, false),
            };
            if (1..=4).contains(&digits.len()) && digits.iter().all(u8::is_ascii_digit) {
                let number = digits.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
                sections.push((number, marked, value));
            }
        }
    }
    if let Some(value) = extended {
        return Some(decode_extended(&[(true, value)]));
    }
    if !sections.is_empty() {
        sections.sort_by_key(|s| s.0);
        sections.dedup_by_key(|s| s.0);
        let parts: Vec<(bool, &[u8])> = sections.iter().map(|&(_, marked, value)| (marked, value)).collect();
        return Some(decode_extended(&parts));
    }
    plain.map(|value| decode_words(value).into_owned())
}

/// Sections of one value, each `(marked, value)`: marked ones are
/// percent-encoded, and the first, when marked, starts with `charset'lang'`.
fn decode_extended(parts: &[(bool, &[u8])]) -> String {
    let mut bytes = Vec::new();
    let mut charset = None;
    for (i, &(marked, value)) in parts.iter().enumerate() {
        let mut value = value;
        if marked && i == 0 {
            let mut fields = value.splitn(3, |&b| b == b'\'');
            if let (Some(name), Some(_lang), Some(rest)) = (fields.next(), fields.next(), fields.next()) {
                charset = Some(name);
                value = rest;
            }
        }
        if marked {
            percent_decode(value, &mut bytes);
        } else {
            bytes.extend_from_slice(value);
        }
    }
    let known = charset.filter(|c| !c.is_empty()).and_then(|c| encoding(std::str::from_utf8(c).ok()?));
    match (charset, known) {
        (_, Some(encoding)) => encoding.decode_without_bom_handling(&bytes).0.into_owned(),
        // No charset: US-ASCII in the RFC, UTF-8 or encoded words in practice.
        (None, _) | (Some(b""), _) => decode_words(&bytes).into_owned(),
        // A charset nobody knows: the value as sent.
        (Some(_), None) => {
            let raw: Vec<u8> = parts.iter().flat_map(|(_, v)| v.iter().copied()).collect();
            String::from_utf8_lossy(&raw).into_owned()
        }
    }
}

/// `%XX` to bytes; a `%` not followed by two hex digits stays as it is.
fn percent_decode(value: &[u8], out: &mut Vec<u8>) {
    let hex = |b: Option<&u8>| b.and_then(|&b| (b as char).to_digit(16));
    let mut i = 0;
    while i < value.len() {
        match (value[i], hex(value.get(i + 1)), hex(value.get(i + 2))) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::decode_param;
    use proptest::prelude::*;

    fn param(params: &[(&str, &str)], name: &str) -> Option<String> {
        decode_param(params.iter().map(|(k, v)| (k.as_bytes(), v.as_bytes())), name)
    }

    #[test]
    fn rfc_2231_examples() {
        // RFC 2231 section 3, 4 and 4.1.
        assert_eq!(
            param(&[("URL*0", "ftp://"), ("URL*1", "cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar")], "url")
                .unwrap(),
            "ftp://cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar"
        );
        assert_eq!(
            param(&[("title*", "us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A")], "title").unwrap(),
            "This is ***fun***"
        );
        assert_eq!(
            param(
                &[
                    ("title*0*", "us-ascii'en'This%20is%20even%20more%20"),
                    ("title*1*", "%2A%2A%2Afun%2A%2A%2A%20"),
                    ("title*2", "isn't it!")
                ],
                "title"
            )
            .unwrap(),
            "This is even more ***fun*** isn't it!"
        );
    }

    #[test]
    fn real_file_names() {
        // Thunderbird: continued, UTF-8, sections out of order.
        let params = [
            ("filename*1*", "%E3%83%88.pdf"),
            ("filename*0*", "UTF-8''%E3%83%AC%E3%83%9D%E3%83%BC"),
            ("filename", "fallback.pdf"),
        ];
        assert_eq!(param(&params, "filename").unwrap(), "レポート.pdf");
        assert_eq!(param(&[("NAME*", "koi8-r''%F0%D2%C9%D7%C5%D4.doc")], "name").unwrap(), "Привет.doc");
        assert_eq!(param(&[("name*", "gbk'zh'%C4%E3%BA%C3")], "name").unwrap(), "你好");
        // Outlook: RFC 2047 in a quoted value.
        assert_eq!(param(&[("name", "=?utf-8?B?w6Rw?=.zip")], "name").unwrap(), "äp.zip");
        assert_eq!(param(&[("name", "plain.txt")], "name").unwrap(), "plain.txt");
        assert_eq!(param(&[("name*", "x-nope''%41")], "name").unwrap(), "x-nope''%41");
        assert_eq!(param(&[("name*", "%41b")], "name").unwrap(), "Ab");
        assert_eq!(param(&[("name*", "utf-8''100%")], "name").unwrap(), "100%");
        assert_eq!(param(&[("names", "x"), ("name*x", "y")], "name"), None);
        assert_eq!(param(&[], "name"), None);
    }

    proptest! {
        #[test]
        fn never_panics(
            params in proptest::collection::vec(
                (
                    prop_oneof![Just("name".to_owned()), "name\\*[0-9*]{0,6}", "[a-z*]{0,6}"],
                    proptest::collection::vec(any::<u8>(), 0..40),
                ),
                0..12,
            )
        ) {
            let _ = decode_param(params.iter().map(|(k, v)| (k.as_bytes(), v.as_slice())), "name");
        }
    }
}
