//! Reactor tests against scripted servers on 127.0.0.1, in threads, over real
//! sockets (plain TCP and rustls), with certificates made by rcgen.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::{CertificateError, ServerConfig, ServerConnection, StreamOwned};

use super::*;

/// Long enough for a loaded 2-core machine; tests finish far sooner.
const LIMIT: Duration = Duration::from_secs(20);

// ---------------------------------------------------------------------------
// A test Connection: records everything, sends what it is told.

#[derive(Default)]
struct Rec {
    out: Vec<u8>,
    got: Vec<u8>,
    sent_total: usize,
    connected: usize,
    closed: Option<Option<io::Error>>,
    closed_calls: usize,
    /// Queued on `on_connected`.
    greet: Vec<u8>,
    /// `wants_close` once `got` contains this.
    close_after: Option<Vec<u8>>,
    /// `wants_close` now.
    close_now: bool,
    /// Request StartTls once `got` contains this (then queue `after_tls`).
    starttls_on: Option<Vec<u8>>,
    after_tls: Vec<u8>,
    /// Request Deflate once `got` contains this.
    deflate_on: Option<Vec<u8>>,
    request: Option<TransportRequest>,
    requested: bool,
    /// Bytes received after the StartTls marker in the same `receive` call.
    leftover: Vec<u8>,
    /// `next_deadline` is the first; `on_timer` pops the due ones.
    deadlines: Vec<Instant>,
    fired: Vec<(Instant, Instant)>,
}

impl Rec {
    fn closed_kind(&self) -> Option<Option<io::ErrorKind>> {
        self.closed.as_ref().map(|c| c.as_ref().map(|e| e.kind()))
    }

    fn rustls_error(&self) -> Option<&rustls::Error> {
        self.closed.as_ref()?.as_ref()?.get_ref()?.downcast_ref::<rustls::Error>()
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

impl Connection for Rec {
    fn receive(&mut self, bytes: &[u8]) {
        assert!(self.closed.is_none(), "receive after on_closed");
        let before = self.got.len();
        self.got.extend_from_slice(bytes);
        if self.requested {
            return;
        }
        if let Some(marker) = self.starttls_on.clone() {
            if let Some(at) = find(&self.got, &marker) {
                let end = at + marker.len();
                assert!(end > before, "marker must end in this chunk");
                self.leftover = self.got[end..].to_vec();
                self.got.truncate(end);
                self.request = Some(TransportRequest::StartTls);
                self.requested = true;
                let after = std::mem::take(&mut self.after_tls);
                self.out.extend_from_slice(&after);
            }
        }
        if let Some(marker) = self.deflate_on.clone() {
            if let Some(at) = find(&self.got, &marker) {
                // What follows the marker is compressed: handed back.
                let end = at + marker.len();
                self.leftover = self.got[end..].to_vec();
                self.got.truncate(end);
                self.request = Some(TransportRequest::Deflate);
                self.requested = true;
                let after = std::mem::take(&mut self.after_tls);
                self.out.extend_from_slice(&after);
            }
        }
    }
    fn pending_output(&self) -> &[u8] {
        &self.out
    }
    fn sent(&mut self, n: usize) {
        self.out.drain(..n);
        self.sent_total += n;
    }
    fn take_transport_request(&mut self) -> Option<TransportRequest> {
        self.request.take()
    }
    fn take_unprocessed(&mut self) -> Vec<u8> {
        if self.deflate_on.is_some() {
            std::mem::take(&mut self.leftover)
        } else {
            Vec::new()
        }
    }
    fn next_deadline(&self) -> Option<Instant> {
        self.deadlines.first().copied()
    }
    fn on_timer(&mut self, now: Instant) {
        while let Some(&d) = self.deadlines.first() {
            if d > now {
                break;
            }
            self.deadlines.remove(0);
            self.fired.push((d, now));
        }
    }
    fn on_connected(&mut self) {
        self.connected += 1;
        let greet = std::mem::take(&mut self.greet);
        self.out.extend_from_slice(&greet);
    }
    fn on_closed(&mut self, error: Option<io::Error>) {
        self.closed_calls += 1;
        self.closed = Some(error);
    }
    fn wants_close(&self) -> bool {
        self.close_now || self.close_after.as_ref().is_some_and(|m| find(&self.got, m).is_some())
    }
}

// ---------------------------------------------------------------------------
// Helpers.

/// A one-connection server running `script` in a thread.
fn serve_one<T: Send + 'static>(script: impl FnOnce(TcpStream) -> T + Send + 'static) -> (SocketAddr, JoinHandle<T>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let handle = thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        stream.set_read_timeout(Some(LIMIT)).unwrap();
        stream.set_write_timeout(Some(LIMIT)).unwrap();
        script(stream)
    });
    (addr, handle)
}

fn read_line<R: BufRead>(r: &mut R) -> String {
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    line
}

fn run_until_closed(reactor: &mut Reactor<Rec>, id: ConnId) {
    let ok = reactor.run_until(Some(Instant::now() + LIMIT), |r| r.is_closed(id)).unwrap();
    assert!(ok, "connection did not close in time");
}

fn connect_plain(reactor: &mut Reactor<Rec>, addr: SocketAddr, rec: Rec) -> ConnId {
    reactor.connect(addr, Security::Plain, None, Timeouts::default(), rec).unwrap()
}

// ---------------------------------------------------------------------------
// Plain TCP.

#[test]
fn plain_send_receive_and_server_close() {
    let (addr, server) = serve_one(|mut s| {
        s.write_all(b"* OK hello\r\n").unwrap();
        let mut r = BufReader::new(s.try_clone().unwrap());
        let line = read_line(&mut r);
        s.write_all(format!("echo {line}").as_bytes()).unwrap();
        line
        // dropped: the server closes
    });
    let mut reactor = Reactor::new().unwrap();
    assert!(reactor.is_empty());
    let id = connect_plain(&mut reactor, addr, Rec::default());
    assert_eq!(reactor.len(), 1);
    assert!(reactor.run_until(Some(Instant::now() + LIMIT), |r| r.get(id).unwrap().got.ends_with(b"\r\n")).unwrap());
    assert_eq!(reactor.get(id).unwrap().connected, 1);
    // Queued through get_mut: the next turn must send it without anything else.
    reactor.get_mut(id).unwrap().out.extend_from_slice(b"A1 NOOP\r\n");
    run_until_closed(&mut reactor, id);
    assert_eq!(reactor.take_closed(), vec![id]);
    assert!(reactor.take_closed().is_empty());
    assert_eq!(server.join().unwrap(), "A1 NOOP\r\n");
    let rec = reactor.remove(id).unwrap();
    assert_eq!(rec.got, b"* OK hello\r\necho A1 NOOP\r\n");
    assert_eq!(rec.closed_kind(), Some(None), "clean EOF: {:?}", rec.closed);
    assert_eq!(rec.closed_calls, 1);
    assert!(reactor.is_empty());
    assert!(reactor.get(id).is_none() && reactor.remove(id).is_none());

    // The slot is reused, but the stale id never reaches the new connection.
    let (addr2, server2) = serve_one(drop);
    let id2 = connect_plain(&mut reactor, addr2, Rec::default());
    assert_ne!(id, id2);
    assert!(reactor.get(id).is_none() && reactor.get_mut(id).is_none() && !reactor.is_closed(id));
    run_until_closed(&mut reactor, id2);
    server2.join().unwrap();
}

#[test]
fn wants_close_flushes_output_then_closes() {
    let (addr, server) = serve_one(|s| {
        let mut all = Vec::new();
        BufReader::new(s).read_to_end(&mut all).unwrap(); // until the client's FIN
        all
    });
    let mut reactor = Reactor::new().unwrap();
    let rec = Rec { greet: b"A1 LOGOUT\r\n".to_vec(), close_now: true, ..Rec::default() };
    let id = connect_plain(&mut reactor, addr, rec);
    run_until_closed(&mut reactor, id);
    assert_eq!(server.join().unwrap(), b"A1 LOGOUT\r\n");
    let rec = reactor.remove(id).unwrap();
    assert_eq!(rec.closed_kind(), Some(None));
}

#[test]
fn write_back_pressure_16_mib() {
    const SIZE: usize = 16 << 20;
    let pattern = |i: usize| (i % 251) as u8;
    let (addr, server) = serve_one(move |mut s| {
        let mut buf = vec![0; 64 * 1024];
        let mut total = 0;
        let mut intact = true;
        while total < SIZE {
            let n = s.read(&mut buf).unwrap();
            assert!(n > 0, "early EOF at {total}");
            intact &= buf[..n].iter().enumerate().all(|(k, &b)| b == pattern(total + k));
            total += n;
            thread::sleep(Duration::from_micros(300)); // a slow reader
        }
        s.write_all(b"* OK got it\r\n").unwrap();
        (total, intact)
    });
    let mut reactor = Reactor::new().unwrap();
    let rec = Rec { out: (0..SIZE).map(pattern).collect(), close_after: Some(b"got it".to_vec()), ..Rec::default() };
    let id = connect_plain(&mut reactor, addr, rec);
    let (mut turns, mut idle_turns) = (0, 0);
    let deadline = Instant::now() + LIMIT;
    while !reactor.is_closed(id) && Instant::now() < deadline {
        turns += 1;
        if reactor.turn(Some(Duration::from_secs(5))).unwrap() == 0 {
            idle_turns += 1;
        }
    }
    let (total, intact) = server.join().unwrap();
    assert_eq!(total, SIZE);
    assert!(intact, "bytes arrived out of order or changed");
    let rec = reactor.remove(id).unwrap();
    assert_eq!(rec.sent_total, SIZE);
    assert_eq!(rec.closed_kind(), Some(None), "{:?}", rec.closed);
    // Each turn waits for writability; no spinning while the server is slow.
    assert!(turns >= 2, "16 MiB cannot fit the socket buffers at once");
    assert!(turns < 3000, "{turns} turns for 16 MiB");
    assert!(idle_turns <= 2, "{idle_turns} turns without progress out of {turns}");
}

/// Every socket gets TCP keepalive (a peer gone without a FIN is found
/// even while the protocol is quiet), unless it is turned off.
#[test]
fn sockets_have_tcp_keepalive() {
    let (addr, server) = serve_one(|mut s| {
        let mut buf = [0; 16];
        s.read(&mut buf).unwrap_or(0)
    });
    let mut reactor = Reactor::new().unwrap();
    let id = reactor.connect(addr, Security::Plain, None, Timeouts::default(), Rec::default()).unwrap();
    assert_eq!(reactor.keepalive_time(id), Some(Duration::from_secs(60)));
    let off = Timeouts::default().with_keepalive(None);
    let other = reactor.connect(addr, Security::Plain, None, off, Rec::default()).unwrap();
    assert_eq!(reactor.keepalive_time(other), None);
    reactor.remove(id);
    reactor.remove(other);
    drop(reactor);
    let _ = server.join();
}

#[test]
fn read_inactivity_timeout() {
    let (addr, server) = serve_one(|mut s| {
        s.write_all(b"* OK hello\r\n").unwrap();
        let mut buf = [0; 16];
        s.read(&mut buf).unwrap_or(0) // waits for the client to go
    });
    let mut reactor = Reactor::new().unwrap();
    let timeouts = Timeouts { read: Some(Duration::from_millis(300)), ..Timeouts::default() };
    let start = Instant::now();
    let id = reactor.connect(addr, Security::Plain, None, timeouts, Rec::default()).unwrap();
    run_until_closed(&mut reactor, id);
    let elapsed = start.elapsed();
    let rec = reactor.remove(id).unwrap();
    assert_eq!(rec.got, b"* OK hello\r\n");
    assert_eq!(rec.closed_kind(), Some(Some(io::ErrorKind::TimedOut)), "{:?}", rec.closed);
    assert!(elapsed >= Duration::from_millis(300) && elapsed < Duration::from_secs(3), "{elapsed:?}");
    assert_eq!(server.join().unwrap(), 0, "the reactor closed the socket");
}

#[test]
fn connect_to_closed_port_fails_cleanly() {
    let addr = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let mut reactor = Reactor::new().unwrap();
    let id = connect_plain(&mut reactor, addr, Rec::default());
    run_until_closed(&mut reactor, id);
    let rec = reactor.remove(id).unwrap();
    assert_eq!(rec.connected, 0);
    assert_eq!(rec.closed_kind(), Some(Some(io::ErrorKind::ConnectionRefused)), "{:?}", rec.closed);
}

#[test]
fn connection_deadlines_fire_on_time() {
    let (addr, server) = serve_one(|mut s| {
        let mut buf = [0; 16];
        s.read(&mut buf).unwrap_or(0)
    });
    let mut reactor = Reactor::new().unwrap();
    let start = Instant::now();
    let wanted = [start + Duration::from_millis(100), start + Duration::from_millis(250)];
    let id = connect_plain(&mut reactor, addr, Rec { deadlines: wanted.to_vec(), ..Rec::default() });
    let mut turns = 0;
    let done = reactor
        .run_until(Some(start + LIMIT), |r| {
            turns += 1;
            r.get(id).unwrap().fired.len() == 2
        })
        .unwrap();
    assert!(done);
    let fired = reactor.get(id).unwrap().fired.clone();
    for (&(deadline, now), want) in fired.iter().zip(wanted) {
        assert_eq!(deadline, want);
        let late = now.duration_since(deadline);
        assert!(now >= deadline && late < Duration::from_millis(100), "fired {late:?} late");
    }
    assert!(turns < 20, "{turns} turns for two timers");

    // A deadline moved later through get_mut fires at the new time, not the old.
    let now = Instant::now();
    reactor.get_mut(id).unwrap().deadlines = vec![now + Duration::from_millis(50)];
    reactor.turn(Some(Duration::ZERO)).unwrap();
    reactor.get_mut(id).unwrap().deadlines = vec![now + Duration::from_millis(200)];
    assert!(reactor.run_until(Some(now + LIMIT), |r| r.get(id).unwrap().fired.len() == 3).unwrap());
    let (deadline, fired_at) = reactor.get(id).unwrap().fired[2];
    assert_eq!(deadline, now + Duration::from_millis(200));
    assert!(fired_at >= deadline);
    drop(reactor.remove(id));
    assert_eq!(server.join().unwrap(), 0);
}

/// Raw DEFLATE with a sync flush, as a server sends it.
fn deflate_sync(c: &mut flate2::Compress, plain: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(plain.len() + 64);
    let mut pos = 0;
    loop {
        let before = c.total_in();
        c.compress_vec(&plain[pos..], &mut out, flate2::FlushCompress::Sync).unwrap();
        pos += (c.total_in() - before) as usize;
        if pos == plain.len() && out.len() < out.capacity() {
            return out;
        }
        out.reserve(4096);
    }
}

#[test]
fn deflate_both_ways_with_compressed_bytes_in_the_ok_read() {
    let big: Vec<u8> = (0..300_000u32).map(|i| b"abcdefghij\r\n"[(i % 12) as usize]).collect();
    let expect = big.clone();
    let (addr, server) = serve_one(move |mut s| {
        let mut c = flate2::Compress::new(flate2::Compression::default(), false);
        let mut d = flate2::Decompress::new(false);
        // The OK and the first compressed bytes in one write (one read).
        let mut first = b"A1 OK DEFLATE active\r\n".to_vec();
        first.extend(deflate_sync(&mut c, b"* OK compressed hello\r\n"));
        s.write_all(&first).unwrap();
        // The client's compressed data, inflated until all of `big` is in.
        let mut got = Vec::new();
        let mut buf = vec![0; 65536];
        let mut plain = vec![0; 1 << 20];
        while got.len() < expect.len() + 6 {
            let n = s.read(&mut buf).unwrap();
            assert!(n > 0, "client closed early");
            let mut pos = 0;
            loop {
                let (bi, bo) = (d.total_in(), d.total_out());
                d.decompress(&buf[pos..n], &mut plain, flate2::FlushDecompress::Sync).unwrap();
                pos += (d.total_in() - bi) as usize;
                let made = (d.total_out() - bo) as usize;
                got.extend_from_slice(&plain[..made]);
                if pos == n && made < plain.len() {
                    break;
                }
            }
        }
        assert_eq!(&got[..6], b"HELLO\n");
        assert!(got[6..] == expect[..], "client data differs");
        // A large compressed answer, then bye.
        let mut answer = expect.clone();
        answer.extend_from_slice(b"BYE\r\n");
        s.write_all(&deflate_sync(&mut c, &answer)).unwrap();
        s.shutdown(std::net::Shutdown::Write).unwrap();
        s.read(&mut buf).unwrap_or(0)
    });
    let mut reactor = Reactor::new().unwrap();
    let mut after = b"HELLO\n".to_vec();
    after.extend_from_slice(&big);
    let rec = Rec {
        deflate_on: Some(b"A1 OK DEFLATE active\r\n".to_vec()),
        after_tls: after,
        close_after: Some(b"BYE\r\n".to_vec()),
        ..Rec::default()
    };
    let id = connect_plain(&mut reactor, addr, rec);
    run_until_closed(&mut reactor, id);
    let rec = reactor.remove(id).unwrap();
    assert!(rec.closed_kind() == Some(None), "{:?}", rec.closed);
    let mut want = b"A1 OK DEFLATE active\r\n* OK compressed hello\r\n".to_vec();
    want.extend_from_slice(&big);
    want.extend_from_slice(b"BYE\r\n");
    assert_eq!(rec.got.len(), want.len());
    assert!(rec.got == want);
    server.join().unwrap();
}

#[test]
fn starttls_on_plain_security_is_refused() {
    let (addr, server) = serve_one(|mut s| {
        s.write_all(b"A1 OK begin TLS\r\n").unwrap();
        let mut buf = [0; 16];
        s.read(&mut buf).unwrap_or(0)
    });
    let mut reactor = Reactor::new().unwrap();
    let id = connect_plain(&mut reactor, addr, Rec { starttls_on: Some(b"A1 OK".to_vec()), ..Rec::default() });
    run_until_closed(&mut reactor, id);
    let rec = reactor.remove(id).unwrap();
    assert_eq!(rec.closed_kind(), Some(Some(io::ErrorKind::InvalidInput)));
    server.join().unwrap();
}

#[test]
fn two_hundred_concurrent_connections() {
    const N: usize = 200;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let served = Arc::new(AtomicUsize::new(0));
    let served2 = served.clone();
    let server = thread::spawn(move || {
        let mut workers = Vec::new();
        for _ in 0..N {
            let (s, _) = listener.accept().unwrap();
            let served = served2.clone();
            workers.push(thread::spawn(move || {
                s.set_read_timeout(Some(LIMIT)).unwrap();
                let mut w = s.try_clone().unwrap();
                for line in BufReader::new(s).lines() {
                    let Ok(line) = line else { break };
                    w.write_all(format!("{line}\r\n").as_bytes()).unwrap();
                }
                served.fetch_add(1, Ordering::SeqCst);
            }));
        }
        for w in workers {
            w.join().unwrap();
        }
    });
    let mut reactor = Reactor::new().unwrap();
    let ids: Vec<ConnId> = (0..N)
        .map(|i| {
            let line = format!("hello {i}\r\n").into_bytes();
            let rec = Rec { greet: line.clone(), close_after: Some(line), ..Rec::default() };
            connect_plain(&mut reactor, addr, rec)
        })
        .collect();
    assert_eq!(reactor.len(), N);
    let mut closed = 0;
    let done = reactor
        .run_until(Some(Instant::now() + LIMIT), |r| {
            closed += r.take_closed().len();
            closed == N
        })
        .unwrap();
    assert!(done, "{closed} of {N} closed");
    assert_eq!(reactor.open_count(), 0);
    for (i, id) in ids.into_iter().enumerate() {
        let rec = reactor.remove(id).unwrap();
        assert_eq!(rec.got, format!("hello {i}\r\n").into_bytes());
        assert_eq!(rec.closed_kind(), Some(None), "{i}: {:?}", rec.closed);
    }
    server.join().unwrap();
    assert_eq!(served.load(Ordering::SeqCst), N);
    assert!(reactor.is_empty());
}

// ---------------------------------------------------------------------------
// TLS.

struct Pki {
    ca: CertifiedIssuer<'static, KeyPair>,
}

type Chain = (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>);

impl Pki {
    fn new() -> Pki {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, "imap-core test CA");
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        Pki { ca: CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap() }
    }

    /// A server certificate signed by the CA (or self-signed), for `names`.
    fn leaf(&self, names: &[&str], expired: bool, self_signed: bool) -> Chain {
        let mut params = CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
        // Not the host name: this machine trusts a snakeoil "CN=localhost" root,
        // which a self-signed "CN=localhost" would be matched against.
        params.distinguished_name.push(DnType::CommonName, "imap-core test server");
        if expired {
            params.not_before = rcgen::date_time_ymd(2001, 1, 1);
            params.not_after = rcgen::date_time_ymd(2002, 1, 1);
        }
        let key = KeyPair::generate().unwrap();
        let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        if self_signed {
            (vec![params.self_signed(&key).unwrap().der().clone()], key_der)
        } else {
            let cert = params.signed_by(&key, &self.ca).unwrap();
            (vec![cert.der().clone(), self.ca.der().clone()], key_der)
        }
    }
}

fn server_config((chain, key): Chain) -> Arc<ServerConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    Arc::new(config)
}

/// Runs a TLS server on `s`: greets, echoes one line, says close_notify.
/// Returns the line, or the server-side error (a refused handshake).
fn tls_echo(s: TcpStream, config: Arc<ServerConfig>) -> Result<String, io::Error> {
    let mut tls = StreamOwned::new(ServerConnection::new(config).unwrap(), s);
    tls.write_all(b"* OK tls hello\r\n")?;
    let mut line = Vec::new();
    let mut byte = [0];
    while !line.ends_with(b"\n") {
        if tls.read(&mut byte)? == 0 {
            break;
        }
        line.push(byte[0]);
    }
    tls.write_all(b"echo ")?;
    tls.write_all(&line)?;
    tls.conn.send_close_notify();
    tls.flush()?;
    Ok(String::from_utf8_lossy(&line).into_owned())
}

/// Implicit TLS to a server with `chain`, client configured by `options`.
fn tls_session(chain: Chain, options: TlsOptions, server_name: &str) -> (Rec, Result<String, io::Error>) {
    let config = server_config(chain);
    let (addr, server) = serve_one(move |s| tls_echo(s, config));
    let client_config = options.client_config().unwrap();
    let mut reactor = Reactor::new().unwrap();
    let rec = Rec { greet: b"A1 NOOP\r\n".to_vec(), ..Rec::default() };
    let security = Security::Tls { server_name: server_name.into() };
    let id = reactor.connect(addr, security, Some(client_config), Timeouts::default(), rec).unwrap();
    run_until_closed(&mut reactor, id);
    let rec = reactor.remove(id).unwrap();
    (rec, server.join().unwrap())
}

fn temp_file(name: &str, contents: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("imap-core-reactor-{}-{name}", std::process::id()));
    std::fs::write(&path, contents).unwrap();
    path
}

fn is_unknown_issuer(rec: &Rec) -> bool {
    matches!(rec.rustls_error(), Some(rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer)))
}

#[test]
fn tls_with_private_ca_file() {
    let pki = Pki::new();
    let ca_file = temp_file("ca.pem", &pki.ca.pem());
    let options = TlsOptions::new().add_ca_file(&ca_file);
    let (rec, server) = tls_session(pki.leaf(&["localhost"], false, false), options, "localhost");
    std::fs::remove_file(ca_file).unwrap();
    assert_eq!(rec.connected, 1);
    assert_eq!(rec.got, b"* OK tls hello\r\necho A1 NOOP\r\n");
    assert_eq!(rec.closed_kind(), Some(None), "close_notify is a clean end: {:?}", rec.closed);
    assert_eq!(server.unwrap(), "A1 NOOP\r\n");
}

#[test]
fn tls_refuses_unknown_issuer_by_default() {
    let pki = Pki::new();
    for self_signed in [false, true] {
        let chain = pki.leaf(&["localhost"], false, self_signed);
        if TlsOptions::new().client_config().is_err() {
            // No system roots on this machine: the default cannot even be
            // built, a refusal too. Check against another private CA instead.
            let other = Pki::new();
            let options = TlsOptions::new().system_roots(false).add_ca_pem(other.ca.pem().as_bytes()).unwrap();
            let (rec, _) = tls_session(chain, options, "localhost");
            assert!(is_unknown_issuer(&rec), "{:?}", rec.closed);
            continue;
        }
        let (rec, server) = tls_session(chain, TlsOptions::new(), "localhost");
        assert_eq!(rec.connected, 0);
        assert!(rec.got.is_empty());
        assert_eq!(rec.closed_kind(), Some(Some(io::ErrorKind::InvalidData)));
        assert!(is_unknown_issuer(&rec), "self-signed {self_signed}: {:?}", rec.closed);
        assert!(server.is_err(), "the server saw the refusal");
    }
}

#[test]
fn tls_refuses_wrong_host_name() {
    let pki = Pki::new();
    let options = TlsOptions::new().system_roots(false).add_ca_der(pki.ca.der().clone());
    let (rec, _) = tls_session(pki.leaf(&["imap.example.org"], false, false), options, "localhost");
    assert_eq!(rec.connected, 0);
    assert!(
        matches!(
            rec.rustls_error(),
            Some(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. }
            ))
        ),
        "{:?}",
        rec.closed
    );
}

#[test]
fn tls_refuses_expired_certificate() {
    let pki = Pki::new();
    let options = TlsOptions::new().system_roots(false).add_ca_der(pki.ca.der().clone());
    let (rec, _) = tls_session(pki.leaf(&["localhost"], true, false), options, "localhost");
    assert_eq!(rec.connected, 0);
    assert!(
        matches!(
            rec.rustls_error(),
            Some(rustls::Error::InvalidCertificate(
                CertificateError::Expired | CertificateError::ExpiredContext { .. }
            ))
        ),
        "{:?}",
        rec.closed
    );
}

#[test]
fn tls_dangerous_accept_any_certificate_connects() {
    let pki = Pki::new();
    // Self-signed, expired, for another name: everything wrong, still accepted.
    let options = TlsOptions::new().dangerous_accept_any_certificate();
    assert!(options.accepts_any_certificate());
    let (rec, server) = tls_session(pki.leaf(&["imap.example.org"], true, true), options, "localhost");
    assert_eq!(rec.connected, 1);
    assert_eq!(rec.got, b"* OK tls hello\r\necho A1 NOOP\r\n");
    assert_eq!(server.unwrap(), "A1 NOOP\r\n");
}

#[test]
fn tls_handshake_timeout() {
    // TCP is accepted, the ClientHello never answered.
    let (addr, server) = serve_one(|mut s| {
        let mut buf = [0; 4096];
        while s.read(&mut buf).unwrap_or(0) > 0 {}
    });
    let mut reactor = Reactor::new().unwrap();
    let config = TlsOptions::new().dangerous_accept_any_certificate().client_config().unwrap();
    let timeouts = Timeouts { connect: Duration::from_millis(300), read: None, ..Timeouts::default() };
    let security = Security::Tls { server_name: "localhost".into() };
    let id = reactor.connect(addr, security, Some(config), timeouts, Rec::default()).unwrap();
    run_until_closed(&mut reactor, id);
    let rec = reactor.remove(id).unwrap();
    assert_eq!(rec.connected, 0);
    assert_eq!(rec.closed_kind(), Some(Some(io::ErrorKind::TimedOut)));
    server.join().unwrap();
}

#[test]
fn bad_ca_file_and_server_name_are_errors() {
    let missing = TlsOptions::new().add_ca_file("/nonexistent/ca.pem").client_config();
    assert!(matches!(missing, Err(TlsError::Pem { path: Some(_), .. })));
    let empty = temp_file("empty.pem", "not a certificate\n");
    let err = TlsOptions::new().add_ca_file(&empty).client_config().unwrap_err();
    std::fs::remove_file(empty).unwrap();
    assert!(err.to_string().contains("empty.pem"), "{err}");
    assert!(TlsOptions::new().system_roots(false).client_config().is_err());
    assert!(TlsOptions::new().add_ca_pem(b"nothing").is_err());

    let mut reactor = Reactor::<Rec>::new().unwrap();
    let config = TlsOptions::new().dangerous_accept_any_certificate().client_config().unwrap();
    let security = Security::Tls { server_name: "not a host name!".into() };
    let err = reactor
        .connect("127.0.0.1:1".parse().unwrap(), security, Some(config), Timeouts::default(), Rec::default())
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    assert!(reactor.is_empty());
}

/// STARTTLS: plain greeting and OK, then TLS on the same socket. With
/// `inject`, the server sends a plaintext line right after the OK in the same
/// write: the connection must get it in that same `receive` (as leftover),
/// and the TLS handshake must start from the next byte.
fn starttls(inject: bool) {
    let pki = Pki::new();
    let config = server_config(pki.leaf(&["localhost"], false, false));
    let (addr, server) = serve_one(move |mut s| {
        s.write_all(b"* OK plain hello\r\n").unwrap();
        let mut line = Vec::new();
        let mut byte = [0];
        while !line.ends_with(b"\n") {
            assert_eq!(s.read(&mut byte).unwrap(), 1);
            line.push(byte[0]);
        }
        assert_eq!(line, b"A1 STARTTLS\r\n");
        let ok: &[u8] = if inject { b"A1 OK begin TLS\r\n* injected\r\n" } else { b"A1 OK begin TLS\r\n" };
        s.write_all(ok).unwrap();
        tls_echo(s, config).unwrap()
    });
    let client_config = TlsOptions::new().system_roots(false).add_ca_der(pki.ca.der().clone()).client_config().unwrap();
    let mut reactor = Reactor::new().unwrap();
    let rec = Rec {
        greet: b"A1 STARTTLS\r\n".to_vec(),
        starttls_on: Some(b"A1 OK begin TLS\r\n".to_vec()),
        // Queued in the same receive as the request: must go over TLS.
        after_tls: b"A2 CAPABILITY\r\n".to_vec(),
        ..Rec::default()
    };
    let security = Security::StartTls { server_name: "localhost".into() };
    let id = reactor.connect(addr, security, Some(client_config), Timeouts::default(), rec).unwrap();
    run_until_closed(&mut reactor, id);
    let rec = reactor.remove(id).unwrap();
    assert_eq!(server.join().unwrap(), "A2 CAPABILITY\r\n");
    assert_eq!(rec.connected, 1, "on_connected once, at TCP connect");
    assert_eq!(rec.got, b"* OK plain hello\r\nA1 OK begin TLS\r\n* OK tls hello\r\necho A2 CAPABILITY\r\n");
    let expected_leftover: &[u8] = if inject { b"* injected\r\n" } else { b"" };
    assert_eq!(rec.leftover, expected_leftover);
    assert_eq!(rec.closed_kind(), Some(None), "{:?}", rec.closed);
}

#[test]
fn starttls_upgrade() {
    starttls(false);
}

#[test]
fn starttls_plaintext_after_ok_stays_plaintext() {
    starttls(true);
}

#[test]
fn large_reads_span_turns_intact() {
    // More than the per-turn read budget: the rest is read on following turns.
    const SIZE: usize = 5 << 20;
    let pattern = |i: usize| (i % 253) as u8;
    let (addr, server) = serve_one(move |mut s| {
        let data: Vec<u8> = (0..SIZE).map(pattern).collect();
        s.write_all(&data).unwrap();
    });
    let mut reactor = Reactor::new().unwrap();
    let id = connect_plain(&mut reactor, addr, Rec::default());
    run_until_closed(&mut reactor, id);
    server.join().unwrap();
    let rec = reactor.remove(id).unwrap();
    assert_eq!(rec.closed_kind(), Some(None));
    assert_eq!(rec.got.len(), SIZE);
    assert!(rec.got.iter().enumerate().all(|(i, &b)| b == pattern(i)));
}

#[test]
fn tls_large_write_and_read() {
    // 4 MiB each way through rustls: its buffer limits and the socket's
    // back-pressure on the client's writes, then a large answer.
    const SIZE: usize = 4 << 20;
    let pki = Pki::new();
    let config = server_config(pki.leaf(&["localhost"], false, false));
    let (addr, server) = serve_one(move |s| {
        let mut tls = StreamOwned::new(ServerConnection::new(config).unwrap(), s);
        let mut got = vec![0; SIZE];
        tls.read_exact(&mut got).unwrap();
        got.reverse();
        tls.write_all(&got).unwrap();
        tls.conn.send_close_notify();
        tls.flush().unwrap();
    });
    let client_config = TlsOptions::new().system_roots(false).add_ca_der(pki.ca.der().clone()).client_config().unwrap();
    let data: Vec<u8> = (0..SIZE).map(|i| (i % 249) as u8).collect();
    let mut reactor = Reactor::new().unwrap();
    let rec = Rec { greet: data.clone(), ..Rec::default() };
    let security = Security::Tls { server_name: "localhost".into() };
    let id = reactor.connect(addr, security, Some(client_config), Timeouts::default(), rec).unwrap();
    run_until_closed(&mut reactor, id);
    server.join().unwrap();
    let rec = reactor.remove(id).unwrap();
    assert_eq!(rec.closed_kind(), Some(None), "{:?}", rec.closed);
    assert_eq!(rec.sent_total, SIZE);
    assert_eq!(rec.got.len(), SIZE);
    assert!(rec.got.iter().rev().eq(data.iter()));
}

#[test]
fn huge_timeouts_never_fire() {
    let (addr, server) = serve_one(|mut s| {
        s.write_all(b"* OK hello\r\n").unwrap();
        let mut buf = [0; 16];
        s.read(&mut buf).unwrap_or(0)
    });
    let mut reactor = Reactor::new().unwrap();
    let timeouts = Timeouts { connect: Duration::MAX, read: Some(Duration::MAX), ..Timeouts::default() };
    let id = reactor.connect(addr, Security::Plain, None, timeouts, Rec::default()).unwrap();
    let got_greeting =
        reactor.run_until(Some(Instant::now() + LIMIT), |r| r.get(id).unwrap().got.ends_with(b"\r\n")).unwrap();
    assert!(got_greeting);
    assert_eq!(reactor.turn(Some(Duration::from_millis(20))).unwrap(), 0);
    assert!(!reactor.is_closed(id));
    drop(reactor.remove(id));
    assert_eq!(server.join().unwrap(), 0);
}
