//! `imap-cli parse`: raw server bytes in, one JSON object per response out.
//!
//! The input is read in chunks through the streaming framer, so memory stays
//! within the framer's limits whatever the input announces; a response that
//! does not frame or parse is reported on stderr and the rest goes on.

use imap_core::wire::{Framer, Limits};
use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::Path;
use std::process::ExitCode;

/// Parses `file` (stdin for `None` or `-`) and prints JSON lines on stdout.
pub fn run(file: Option<&Path>) -> ExitCode {
    let input: Box<dyn Read> = match file {
        None => Box::new(io::stdin().lock()),
        Some(p) if p.as_os_str() == "-" => Box::new(io::stdin().lock()),
        Some(p) => match File::open(p) {
            Ok(f) => Box::new(f),
            Err(e) => {
                eprintln!("imap-cli: cannot open {}: {e}", p.display());
                return ExitCode::from(2);
            }
        },
    };
    let stdout = io::stdout().lock();
    match parse_stream(input, BufWriter::new(stdout), &mut io::stderr().lock()) {
        Ok(0) => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(e) => {
            eprintln!("imap-cli: {e}");
            ExitCode::from(2)
        }
    }
}

/// Frames and parses everything `input` holds; returns how many responses
/// failed. I/O errors (reading, or writing the output) end it early.
fn parse_stream(mut input: impl Read, mut out: impl Write, errors: &mut impl Write) -> io::Result<usize> {
    let mut framer = Framer::new(Limits::default());
    let mut failed = 0;
    loop {
        let buf = framer.read_buf(64 << 10);
        let n = match input.read(buf) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        framer.commit(n);
        while let Some(frame) = framer.next_frame() {
            match frame {
                Ok(frame) => match imap_core::parse(&frame) {
                    Ok(response) => {
                        serde_json::to_writer(&mut out, &response).map_err(io::Error::other)?;
                        out.write_all(b"\n")?;
                    }
                    Err(e) => {
                        failed += 1;
                        writeln!(errors, "imap-cli: {e}")?;
                    }
                },
                Err(e) => {
                    failed += 1;
                    writeln!(errors, "imap-cli: {e}")?;
                }
            }
        }
        if n == 0 {
            if let Err(e) = framer.finish() {
                failed += 1;
                writeln!(errors, "imap-cli: {e}")?;
            }
            out.flush()?;
            return Ok(failed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_stream;

    fn run(input: &[u8]) -> (usize, String, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let failed = parse_stream(input, &mut out, &mut err).unwrap();
        (failed, String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
    }

    #[test]
    fn prints_one_json_line_per_response() {
        let (failed, out, err) = run(b"* OK ready\r\n* 2 EXISTS\r\nA1 OK [READ-WRITE] done\r\n");
        assert_eq!(failed, 0, "{err}");
        let lines: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[1]["type"], "exists");
        assert_eq!(lines[1]["data"], 2);
        assert_eq!(lines[2]["tag"], "A1");
        assert_eq!(lines[2]["code"], "read_write");
    }

    #[test]
    fn goes_on_after_a_malformed_response() {
        let (failed, out, err) = run(b"* 1 FETCH (UID)\r\n* 3 EXISTS\r\n");
        assert_eq!(failed, 1);
        assert_eq!(out.lines().count(), 1);
        assert!(err.contains("byte 14") && err.contains("msg_att_uid"), "{err}");
    }

    #[test]
    fn truncated_input_is_an_error() {
        let (failed, _, err) = run(b"* 1 FETCH (BODY[] {10}\r\nabc");
        assert_eq!(failed, 1);
        assert!(err.contains("ended inside the response"), "{err}");
    }

    #[test]
    fn latin1_bytes_are_kept_as_hex() {
        let (failed, out, _) = run(b"* OK caf\xe9\r\n");
        assert_eq!(failed, 0);
        let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
        assert_eq!(v["data"]["text"]["hex"], "636166e9");
    }
}
