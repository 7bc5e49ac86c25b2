//! The `bodies` mailbox: deterministic messages of mixed sizes, from a few KB
//! to 1 MB, appended with imap-core's [`Client::append_many`].
//!
//! Message `i`'s size target is drawn log-uniformly between [`MIN_SIZE`] and
//! [`MAX_SIZE`] (mean about 180 KB, so 2,000 messages make about 350 MB).
//! About 60% are `text/plain` (words wrapped at 72 columns), the rest
//! `multipart/mixed` with a short text part and a base64 "attachment". All
//! lines end in CRLF and the bytes are 7-bit, so Dovecot hands back exactly the
//! bytes appended: `BODY[]` of every message adds up to [`Batch::bytes`].

use crate::corpus::Rng;
use imap_core::client::{Client, ClientOptions, TlsMode};
use imap_core::command::AppendMessage;

/// Smallest size target, bytes.
pub const MIN_SIZE: usize = 3 * 1024;
/// Largest size target, bytes.
pub const MAX_SIZE: usize = 1024 * 1024;

const WORDS: &[&str] = &[
    "the",
    "quarterly",
    "report",
    "is",
    "attached",
    "please",
    "review",
    "before",
    "our",
    "meeting",
    "on",
    "Thursday",
    "budget",
    "numbers",
    "look",
    "better",
    "than",
    "expected",
    "thanks",
    "for",
    "the",
    "update",
    "regarding",
    "deployment",
    "schedule",
    "server",
    "migration",
    "will",
    "start",
    "at",
    "noon",
    "and",
    "should",
    "finish",
    "within",
    "two",
    "hours",
    "let",
    "me",
    "know",
    "if",
    "anything",
    "breaks",
    "invoice",
    "customer",
    "ticket",
    "weekend",
    "coffee",
    "lunch",
    "project",
    "milestone",
    "draft",
    "final",
    "version",
    "comments",
    "inline",
];
const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DAYS: &[&str] = &["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Message `i` of the mailbox (always the same bytes for the same `i`).
pub fn message(i: usize) -> Vec<u8> {
    let mut rng = Rng::new(0x00b0_d1e5 ^ (i as u64).wrapping_mul(0x2545_f491_4f6c_dd1d));
    let ln = (MAX_SIZE as f64 / MIN_SIZE as f64).ln();
    let target = (MIN_SIZE as f64 * (rng.unit() * ln).exp()) as usize;
    let mut m = String::with_capacity(target + 1024);
    let day = 1 + (i % 28);
    m.push_str(&format!(
        "Return-Path: <sender{i}@example.org>\r\n\
         Received: from mx{}.example.org (mx.example.org [192.0.2.{}]) by imap.example.net; \
         {}, {day:02} Feb 2024 10:{:02}:00 +0000\r\n\
         From: Sender {i} <sender{i}@example.org>\r\n\
         To: Alice <alice@example.net>\r\n\
         Subject: bodies message {i} ({target} bytes)\r\n\
         Date: {}, {day:02} Feb 2024 10:{:02}:00 +0000\r\n\
         Message-ID: <bodies-{i}@imap-e2e.invalid>\r\n\
         MIME-Version: 1.0\r\n",
        i % 7,
        i % 250,
        DAYS[(day + 3) % 7],
        i % 60,
        DAYS[(day + 3) % 7],
        i % 60,
    ));
    if rng.below(100) < 60 {
        m.push_str("Content-Type: text/plain; charset=us-ascii\r\n\r\n");
        text(&mut rng, &mut m, target);
    } else {
        let boundary = format!("=_bodies_{i}");
        m.push_str(&format!("Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n"));
        m.push_str(&format!("--{boundary}\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"));
        let text_len = m.len() + 1500;
        text(&mut rng, &mut m, text_len);
        m.push_str(&format!(
            "--{boundary}\r\nContent-Type: application/octet-stream; name=\"file{i}.bin\"\r\n\
             Content-Disposition: attachment; filename=\"file{i}.bin\"\r\n\
             Content-Transfer-Encoding: base64\r\n\r\n"
        ));
        base64ish(&mut rng, &mut m, target.saturating_sub(40));
        m.push_str(&format!("--{boundary}--\r\n"));
    }
    m.into_bytes()
}

/// Words wrapped at 72 columns until `m` is `target` bytes long.
fn text(rng: &mut Rng, m: &mut String, target: usize) {
    let mut line = 0;
    while m.len() < target {
        let word = WORDS[rng.below(WORDS.len() as u64) as usize];
        if line + word.len() + 1 > 72 {
            m.push_str("\r\n");
            line = 0;
        } else if line > 0 {
            m.push(' ');
            line += 1;
        }
        m.push_str(word);
        line += word.len();
    }
    m.push_str("\r\n");
}

/// Valid base64 (lines of 76, a multiple of 4 characters) until `m` is about `target` bytes long.
fn base64ish(rng: &mut Rng, m: &mut String, target: usize) {
    loop {
        let left = target.saturating_sub(m.len() + 2);
        let n = (left.min(76) / 4 * 4).max(4);
        for _ in 0..n / 8 {
            let r = rng.next_u64();
            for k in 0..8 {
                m.push(B64[((r >> (k * 6)) & 63) as usize] as char);
            }
        }
        for _ in 0..n % 8 {
            m.push(B64[rng.below(64) as usize] as char);
        }
        m.push_str("\r\n");
        if m.len() + 6 >= target {
            break;
        }
    }
}

/// What [`fill`] appended.
#[derive(Debug, Clone, Copy)]
pub struct Batch {
    /// Messages appended.
    pub messages: usize,
    /// Their total size in bytes.
    pub bytes: u64,
    /// The largest message.
    pub largest: usize,
    /// The smallest message.
    pub smallest: usize,
}

/// Creates `folder` and appends messages `0..count` to it (MULTIAPPEND in
/// batches of about 16 MB).
pub fn fill(port: u16, user: &str, password: &str, folder: &str, count: usize) -> Result<Batch, String> {
    let options = ClientOptions::default().with_allow_plaintext_login(true);
    let mut client =
        Client::connect("127.0.0.1", port, TlsMode::None, &options).map_err(|e| format!("connect: {e}"))?;
    client.login(user, password).map_err(|e| format!("login: {e}"))?;
    client.create_folder(folder).map_err(|e| format!("CREATE {folder}: {e}"))?;
    let mut out = Batch { messages: 0, bytes: 0, largest: 0, smallest: usize::MAX };
    let mut batch = Vec::new();
    let mut batch_bytes = 0;
    for i in 0..count {
        let m = message(i);
        out.messages += 1;
        out.bytes += m.len() as u64;
        out.largest = out.largest.max(m.len());
        out.smallest = out.smallest.min(m.len());
        batch_bytes += m.len();
        batch.push(AppendMessage::new(m));
        if batch_bytes >= 16 << 20 || i + 1 == count {
            client
                .append_many(folder, std::mem::take(&mut batch))
                .map_err(|e| format!("APPEND to {folder} (message {i}): {e}"))?;
            batch_bytes = 0;
        }
    }
    let status = client.select_folder(folder, true).map_err(|e| format!("EXAMINE {folder}: {e}"))?;
    if status.exists as usize != count {
        return Err(format!("{folder} holds {} messages after appending {count}", status.exists));
    }
    client.logout().ok();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_deterministic_crlf_and_sized() {
        let total: usize = (0..200).map(|i| message(i).len()).sum();
        assert_eq!(message(7), message(7));
        for i in 0..200 {
            let m = message(i);
            assert!(m.len() >= MIN_SIZE && m.len() <= MAX_SIZE + 4096, "message {i}: {} bytes", m.len());
            assert!(m.iter().all(|&b| b.is_ascii() && b != 0));
            for (k, &b) in m.iter().enumerate() {
                if b == b'\n' {
                    assert_eq!(m[k - 1], b'\r', "bare LF in message {i}");
                }
            }
        }
        // About 180 KB on average.
        assert!((100_000..300_000).contains(&(total / 200)), "mean {}", total / 200);
    }
}
