//! What the test Dovecot will not do on request, against a scripted server
//! on 127.0.0.1: XOAUTH2 and OAUTHBEARER (Dovecot needs an OAuth 2 token
//! service for them).

use imap_core::client::{Client, ClientOptions, TlsMode};
use imap_core::session::Error;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::thread;

/// A server that greets, answers AUTHENTICATE with `reply` if the decoded
/// initial response equals `expected`, and records what it received.
fn scripted(expected: &'static [u8], challenge: Option<&'static str>) -> (u16, thread::JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut out = stream;
        out.write_all(b"* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=XOAUTH2 AUTH=OAUTHBEARER] ready\r\n").unwrap();
        let mut seen = Vec::new();
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        seen.push(line.trim_end().to_owned());
        let mut words = line.split_whitespace();
        let tag = words.next().unwrap().to_owned();
        let initial = words.nth(2).unwrap_or("");
        let decoded = decode_base64(initial);
        if let Some(challenge) = challenge {
            out.write_all(format!("+ {challenge}\r\n").as_bytes()).unwrap();
            let mut answer = String::new();
            reader.read_line(&mut answer).unwrap();
            seen.push(answer.trim_end().to_owned());
            out.write_all(format!("{tag} NO [AUTHENTICATIONFAILED] invalid token\r\n").as_bytes()).unwrap();
        } else if decoded == expected {
            out.write_all(format!("{tag} OK authenticated\r\n").as_bytes()).unwrap();
        } else {
            out.write_all(format!("{tag} NO wrong initial response\r\n").as_bytes()).unwrap();
        }
        seen
    });
    (port, server)
}

fn decode_base64(s: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in s.bytes().filter(|&c| c != b'=') {
        bits = bits << 6 | ALPHABET.iter().position(|&a| a == c).expect("base64") as u32;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    out
}

#[test]
fn xoauth2_sends_the_token_with_sasl_ir() {
    let (port, server) = scripted(b"user=a@example.com\x01auth=Bearer tok\x01\x01", None);
    let mut c = Client::connect("127.0.0.1", port, TlsMode::None, &ClientOptions::default()).unwrap();
    c.oauth2_login("a@example.com", "tok").unwrap();
    assert!(server.join().unwrap()[0].starts_with("A0001 AUTHENTICATE XOAUTH2 "));
}

#[test]
fn oauthbearer_names_host_and_port() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    // The expected initial response names the port, known only now.
    let expected: &'static [u8] = Box::leak(
        format!("n,a=a@example.com,\x01host=127.0.0.1\x01port={port}\x01auth=Bearer tok\x01\x01")
            .into_bytes()
            .into_boxed_slice(),
    );
    let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
    let server = thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut out = stream;
        out.write_all(b"* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=OAUTHBEARER] ready\r\n").unwrap();
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        let initial = line.split_whitespace().nth(3).unwrap().to_owned();
        let ok = decode_base64(&initial) == expected;
        out.write_all(if ok { b"A0001 OK authenticated\r\n".as_slice() } else { b"A0001 NO wrong\r\n".as_slice() })
            .unwrap();
        ok
    });
    let mut c = Client::connect("127.0.0.1", port, TlsMode::None, &ClientOptions::default()).unwrap();
    c.oauthbearer_login("a@example.com", "tok").unwrap();
    assert!(server.join().unwrap());
}

#[test]
fn an_oauth_error_challenge_is_answered_and_the_no_reported() {
    let (port, server) = scripted(b"", Some("eyJzdGF0dXMiOiI0MDEifQ=="));
    let mut c = Client::connect("127.0.0.1", port, TlsMode::None, &ClientOptions::default()).unwrap();
    let err = c.oauth2_login("a@example.com", "expired").unwrap_err();
    assert!(matches!(err, Error::No { command: "AUTHENTICATE", .. }), "{err}");
    assert_eq!(server.join().unwrap()[1], "", "an empty answer to the error challenge");
}
