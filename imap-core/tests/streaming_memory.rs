//! Streaming keeps memory bounded, measured on the process: a 64 MB message
//! fetched with `Client::fetch_body_to` raises this process's peak resident
//! set by a few MiB, not by the message (issue 5, item 4). A test binary of
//! its own, with one test, so that nothing else runs in the process
//! meanwhile; `cargo run --release -p benches --bin stream` measures 100 MB.

#[path = "support/dovecot.rs"]
mod support;

use imap_core::client::{Client, ClientOptions, TlsMode};
use imap_core::command::Section;
use imap_core::reactor::TlsOptions;
use std::io::Write;
use support::{dovecot, fresh_folder};

/// A field of `/proc/self/status`, in KiB.
fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':')?.trim().strip_suffix("kB")?.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {field} in /proc/self/status"))
}

/// Counts what is written, keeps nothing.
struct Count(u64, u64);

impl Write for Count {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        for &b in buf {
            self.1 = (self.1 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_64_mb_body_streams_with_a_few_mib() {
    let options = ClientOptions::default().with_tls(TlsOptions::new().add_ca_file(dovecot().ca()));
    let mut c = Client::connect("localhost", dovecot().tls_port, TlsMode::Implicit, &options).unwrap();
    c.login("bob", "bob-pass").unwrap();
    let folder = "t-stream-memory";
    fresh_folder(&mut c, folder);
    // Appended by another process: this one never holds the 64 MB, so its
    // heap has no freed-but-resident pages the fetch could reuse unseen.
    let script = r#"
import imaplib, sys
line = b"0123456789 the quick brown fox jumps over the lazy dog 0123456789 abcdef\r\n"
message = b"Subject: big\r\n\r\n" + line * ((64000000 - 16) // len(line))
h = 0xcbf29ce484222325
for b in message:
    h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
imap = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
imap.login("bob", "bob-pass")
imap.append(sys.argv[2], None, None, message)
imap.logout()
print(len(message), h)
"#;
    let out = std::process::Command::new("python3")
        .args(["-c", script, &dovecot().port.to_string(), folder])
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "append failed: {}", String::from_utf8_lossy(&out.stderr));
    let printed = String::from_utf8(out.stdout).unwrap();
    let mut fields = printed.split_whitespace().map(|f| f.parse::<u64>().unwrap());
    let (size, hash) = (fields.next().unwrap(), fields.next().unwrap());
    c.select_folder(folder, true).unwrap();

    // Reset the peak to what is resident now (the harness started Dovecot).
    std::fs::write("/proc/self/clear_refs", "5").expect("resetting the peak RSS (Linux 4.0+)");
    let before = status_kib("VmRSS");
    let mut sink = Count(0, 0xcbf2_9ce4_8422_2325);
    c.fetch_body_to(1, Section::full(), &mut sink).unwrap();
    let peak = status_kib("VmHWM");
    assert_eq!(sink.1, hash, "the bytes streamed differ from the message");
    assert_eq!(sink.0, size);
    let grown_mib = peak.saturating_sub(before) as f64 / 1024.0;
    eprintln!("VmRSS before {before} KiB, VmHWM after {peak} KiB: +{grown_mib:.1} MiB for a 64 MB body");
    assert!(grown_mib < 16.0, "the peak grew by {grown_mib:.1} MiB while streaming 64 MB");
    c.logout().unwrap();
}
