//! The blocking [`Client`]: one IMAP connection, one method per operation,
//! typed results. It drives a [`Session`] on the [reactor](crate::reactor)
//! and waits for each command's completion.
//!
//! ```no_run
//! use imap_core::client::{Client, ClientOptions, TlsMode};
//! use imap_core::command::SearchKey;
//!
//! let mut client = Client::connect("imap.example.com", 993, TlsMode::Implicit, &ClientOptions::default())?;
//! client.login("user", "password")?;
//! for entry in client.list_folders("", "*")? {
//!     println!("{:?} {:?} {}", entry.attributes, entry.delimiter, entry.mailbox.name());
//! }
//! let inbox = client.select_folder("INBOX", false)?;
//! println!("{} messages", inbox.exists);
//! let unseen = client.search(SearchKey::Unseen)?;
//! client.logout()?;
//! # Ok::<(), imap_core::session::Error>(())
//! ```
//!
//! Untagged responses no command asked for (EXISTS, EXPUNGE, alerts, flag
//! changes by other clients) are kept in order and handed out by
//! [`Client::take_unsolicited`]; they never mix into a method's result.

mod connect;
mod engine;
mod extensions;
mod link;
mod login;
mod mailboxes;
mod messages;
mod operations;
mod race;
mod results;
mod sessions;
pub(crate) mod span;
mod stream;
mod stream_link;

pub use extensions::{IDLE_ANSWER, IDLE_RENEW};
pub use results::{AppendUid, CopyUid, Quota, Resync, ThreadNode, MAX_THREAD_DEPTH};
pub use sessions::{SessionId, Sessions};
pub use stream::FetchPart;
pub use stream_link::BlockingStream;

pub(crate) use connect::{connect_error, new_session, tls_config, tls_target, TlsTarget};
pub(crate) use engine::Engine;
pub(crate) use operations::{for_each_operation, names as operation_names};
// What the async front (crate::tokio) builds on.
#[cfg(feature = "tokio")]
pub(crate) use {
    link::Link,
    race::{interleave, ATTEMPT_DELAY},
    stream::BodySink,
};

use crate::command::Section;
use crate::reactor::{Reactor, Timeouts, TlsOptions};
use crate::session::Error;
#[cfg(doc)]
use crate::session::Session;
use crate::wire::Limits;
pub(crate) use connect::{resolve, transport_with, Transport};
use link::{block, BlockingLink, ReactorLink};
use std::net::SocketAddr;
use std::time::Duration;
use stream_link::StreamLink;

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TlsMode {
    /// TLS from the first byte (port 993).
    Implicit,
    /// Plain TCP, then STARTTLS before anything else (port 143). Fails if the
    /// server does not offer STARTTLS.
    StartTls,
    /// No TLS at all. Passwords travel in clear: [`Client::login`] refuses
    /// unless [`ClientOptions::allow_plaintext_login`] is set.
    None,
}

/// Settings of a [`Client`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ClientOptions {
    /// Certificate verification (on by default, against the system roots).
    pub tls: TlsOptions,
    /// Connect and TLS handshake limit, and the read inactivity limit.
    pub timeouts: Timeouts,
    /// How long a command may take before [`Error::Timeout`]; for the
    /// streaming fetches ([`Client::fetch_each`], [`Client::fetch_streamed`],
    /// [`Client::fetch_body_to`]), how long without any data, so that a large
    /// message on a slow link is not cut off while it flows.
    pub command_timeout: Duration,
    /// Allow LOGIN / AUTHENTICATE PLAIN over a connection without TLS.
    pub allow_plaintext_login: bool,
    /// Most unsolicited responses kept for [`Client::take_unsolicited`]
    /// (default 10,000). A server may send untagged responses without end (a
    /// flood during one NOOP, or a long IDLE): beyond this many, the oldest
    /// are dropped and counted ([`Client::unsolicited_dropped`]), so memory
    /// stays bounded (the session holds at most as many more between two
    /// drains: [`Session::set_max_unsolicited`]). Nothing of the mailbox's
    /// state is lost: the session applies every EXISTS, EXPUNGE, FLAGS, ...
    /// to [`Session::mailbox`] before the response is queued.
    ///
    /// The same bound holds, apart, for the extension values no command was
    /// waiting for ([`Client::take_extension_values`]; dropped ones are
    /// counted by [`Client::extension_values_dropped`]).
    pub max_unsolicited: usize,
    /// What the framer accepts from the server (line, literal and response
    /// sizes, nesting depth); see [`Limits`].
    pub limits: Limits,
    /// How long an IDLE runs before it is renewed (default [`IDLE_RENEW`],
    /// 9 minutes). Each renewal also checks the server still answers.
    pub idle_renew: Duration,
    /// How long the server has to answer a renewal before the connection is
    /// taken for dead ([`Error::Timeout`]; default [`IDLE_ANSWER`], 60 s).
    /// With the defaults a peer that vanished during IDLE is noticed within
    /// 10 minutes; TCP keepalive ([`Timeouts::keepalive`]) often sooner.
    pub idle_answer_timeout: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            tls: TlsOptions::new(),
            timeouts: Timeouts::default(),
            command_timeout: Duration::from_secs(120),
            allow_plaintext_login: false,
            max_unsolicited: 10_000,
            limits: Limits::default(),
            idle_renew: IDLE_RENEW,
            idle_answer_timeout: IDLE_ANSWER,
        }
    }
}

/// A blocking IMAP client; see the [module docs](self).
pub struct Client {
    engine: Engine<BlockingLink>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("host", &self.engine.host)
            .field("port", &self.engine.port)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Connects, waits for the greeting and, for [`TlsMode::StartTls`],
    /// upgrades to TLS (refusing a server that does not offer it). Every
    /// address `host` resolves to is tried, IPv6 and IPv4 alternating from
    /// the resolver's first, as Happy Eyeballs (RFC 8305) does: while no
    /// attempt is up, the next address is tried too every 250 ms, or as soon
    /// as one fails; the first up wins. If none connects, the error is the
    /// last one's; [`Timeouts::connect`] bounds it all.
    pub fn connect(host: &str, port: u16, mode: TlsMode, options: &ClientOptions) -> Result<Client, Error> {
        let addrs = resolve(host, port)?;
        Client::connect_to(&addrs, host, port, mode, options)
    }

    /// [`connect`](Client::connect) to these addresses of `host`.
    fn connect_to(
        addrs: &[SocketAddr],
        host: &str,
        port: u16,
        mode: TlsMode,
        options: &ClientOptions,
    ) -> Result<Client, Error> {
        let mut reactor = Reactor::new().map_err(|e| Error::Io(e.into()))?;
        let id = race::first_up(&mut reactor, &race::interleave(addrs), host, port, mode, options)?;
        let link = BlockingLink::Reactor(ReactorLink { reactor, id });
        let engine = Engine::new(link, options, host, port, mode == TlsMode::Implicit);
        Client::greeted(engine, mode, "connect").map_err(|e| match e {
            // The connect failed after the reactor started it: say where to.
            Error::Connect(io) => connect_error(host, port, std::io::Error::new(io.kind(), io)),
            e => e,
        })
    }

    /// A client on `engine` once the server has greeted it (and, for
    /// [`TlsMode::StartTls`], TLS is up); `op` names the call in traces.
    fn greeted(mut engine: Engine<BlockingLink>, mode: TlsMode, op: &'static str) -> Result<Client, Error> {
        span::run(span::call(&engine.span, op), || {
            block(engine.wait_greeting())?;
            if mode == TlsMode::StartTls {
                block(engine.starttls())?;
            }
            Ok::<(), Error>(())
        })?;
        Ok(Client { engine })
    }

    /// A client over a stream of your own that is already connected to the
    /// server (through a proxy, say): `mode` says whether to run TLS over
    /// it (from its first byte, or after STARTTLS), verifying the
    /// certificate for `host`; `port` is only for OAUTHBEARER. Waits for
    /// the greeting (and, for [`TlsMode::StartTls`], upgrades).
    ///
    /// The stream is driven with blocking reads and writes on the calling
    /// thread, not on the reactor: give it a read timeout (as
    /// `TcpStream::set_read_timeout` does) so that
    /// [`ClientOptions::command_timeout`], the read limit of
    /// [`Timeouts::read`] and the IDLE renewal are kept; a read that ends
    /// with `WouldBlock` or `TimedOut` only means nothing came yet.
    /// [`Timeouts::connect`] does not apply (the stream is connected).
    ///
    /// ```no_run
    /// use imap_core::client::{Client, ClientOptions, TlsMode};
    /// use std::time::Duration;
    ///
    /// // A tunnel a proxy opened to the server (a plain TCP socket here).
    /// let tunnel = std::net::TcpStream::connect("127.0.0.1:1993")?;
    /// tunnel.set_read_timeout(Some(Duration::from_secs(1)))?;
    /// let options = ClientOptions::default();
    /// let mut client = Client::over_stream(tunnel, "imap.example.com", 993, TlsMode::Implicit, &options)?;
    /// client.login("user", "password")?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn over_stream(
        stream: impl BlockingStream + 'static,
        host: &str,
        port: u16,
        mode: TlsMode,
        options: &ClientOptions,
    ) -> Result<Client, Error> {
        let (tls, starttls) = match mode {
            TlsMode::None => (None, None),
            TlsMode::StartTls => (None, Some(tls_target(host, options)?)),
            TlsMode::Implicit => (Some(tls_target(host, options)?), None),
        };
        let link = StreamLink::new(Box::new(stream), new_session(options), tls, starttls, options.timeouts)?;
        let engine = Engine::new(BlockingLink::Stream(Box::new(link)), options, host, port, mode == TlsMode::Implicit);
        Client::greeted(engine, mode, "over_stream")
    }

    /// LOGOUT, then closes the connection.
    pub fn logout(mut self) -> Result<(), Error> {
        span::run(span::call(&self.engine.span, "logout"), || block(self.engine.logout()))
    }

    /// `BODY.PEEK[section]` of one message (a UID, or a sequence number
    /// after [`set_use_uid(false)`](Client::set_use_uid)) written to `out`
    /// as it arrives: a 100 MB message goes to a file with a few MiB of
    /// memory. Returns the bytes written.
    ///
    /// Fails with [`Error::Sink`] if writing fails (the rest of the data is
    /// read and dropped, so the session goes on), and with
    /// [`Error::Protocol`] if the server sent no such message or streamed
    /// more than one literal for it (the bytes already written are then not
    /// the section alone).
    ///
    /// ```no_run
    /// use imap_core::client::{Client, ClientOptions, TlsMode};
    /// use imap_core::command::Section;
    ///
    /// let mut client = Client::connect("imap.example.com", 993, TlsMode::Implicit, &ClientOptions::default())?;
    /// client.login("user", "password")?;
    /// client.select_folder("INBOX", true)?;
    /// let mut file = std::io::BufWriter::new(std::fs::File::create("message.eml").unwrap());
    /// let written = client.fetch_body_to(42, Section::full(), &mut file)?;
    /// println!("{written} bytes");
    /// # Ok::<(), imap_core::session::Error>(())
    /// ```
    pub fn fetch_body_to(
        &mut self,
        uid: u32,
        section: Section<'static>,
        out: &mut impl std::io::Write,
    ) -> Result<u64, Error> {
        let span = span::call(&self.engine.span, "fetch_body_to");
        span::run(span, || block(self.engine.fetch_body_to(uid, section, &mut stream::WriteSink(out))))
    }
}

/// The blocking front: each operation of [`for_each_operation!`] as a method of
/// [`Client`] that runs the engine's body to its end.
macro_rules! blocking_front {
    (
        shared { $( $(#[$s_doc:meta])* fn $s_name:ident(&self $(, $s_arg:ident: $s_ty:ty)* $(,)?) -> $s_ret:ty; )* }
        exclusive { $( $(#[$e_doc:meta])* fn $e_name:ident(&mut self $(, $e_arg:ident: $e_ty:ty)* $(,)?) $(-> $e_ret:ty)?; )* }
        io { $( $(#[$i_doc:meta])* fn $i_name:ident(&mut self $(, $i_arg:ident: $i_ty:ty)* $(,)?) -> $i_ret:ty; )* }
    ) => {
        #[allow(clippy::type_complexity)]
        impl Client {
            $( $(#[$s_doc])* pub fn $s_name(&self $(, $s_arg: $s_ty)*) -> $s_ret { self.engine.$s_name($($s_arg),*) } )*
            $( $(#[$e_doc])* pub fn $e_name(&mut self $(, $e_arg: $e_ty)*) $(-> $e_ret)? { self.engine.$e_name($($e_arg),*) } )*
            $(
                $(#[$i_doc])*
                pub fn $i_name(&mut self $(, $i_arg: $i_ty)*) -> $i_ret {
                    let span = span::call(&self.engine.span, stringify!($i_name));
                    span::run(span, || block(self.engine.$i_name($($i_arg),*)))
                }
            )*
        }
    };
}

mod blocking {
    use super::operation_names::*;
    use super::{block, for_each_operation, span, Client};

    for_each_operation!(blocking_front);
}

with_setters!(ClientOptions {
    tls: TlsOptions => with_tls,
    timeouts: Timeouts => with_timeouts,
    command_timeout: Duration => with_command_timeout,
    allow_plaintext_login: bool => with_allow_plaintext_login,
    max_unsolicited: usize => with_max_unsolicited,
    limits: Limits => with_limits,
    idle_renew: Duration => with_idle_renew,
    idle_answer_timeout: Duration => with_idle_answer_timeout,
});

#[cfg(test)]
pub(crate) mod tests {
    use super::{Client, ClientOptions, Error, TlsMode};
    use std::io::Write;
    use std::net::{SocketAddr, TcpListener};

    /// An address where nothing listens: connecting is refused.
    fn refused() -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    }

    /// A server that greets with PREAUTH, then waits for the client to go.
    fn greeter() -> (SocketAddr, std::thread::JoinHandle<()>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let server = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            s.write_all(b"* PREAUTH ready\r\n").unwrap();
            let _ = std::io::Read::read(&mut s, &mut [0; 64]);
        });
        (addr, server)
    }

    /// A host's addresses are tried in turn: a refused one is passed over.
    #[test]
    fn the_next_address_is_tried_when_one_refuses() {
        let (live, server) = greeter();
        let client =
            Client::connect_to(&[refused(), live], "127.0.0.1", live.port(), TlsMode::None, &ClientOptions::default())
                .expect("the second address answers");
        assert!(client.session().greeting().is_some());
        drop(client);
        server.join().unwrap();
    }

    /// An address that accepts no connection and refuses none: a listener
    /// whose accept queue is full, so the kernel drops new SYNs.
    pub(crate) fn black_hole() -> (SocketAddr, Vec<std::net::TcpStream>, socket2::Socket) {
        use socket2::{Domain, Socket, Type};
        let listener = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
        listener.bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into()).unwrap();
        listener.listen(0).unwrap();
        let addr = listener.local_addr().unwrap().as_socket().unwrap();
        // Fill the queue (never accepted); later connects hang.
        let mut filled = Vec::new();
        for _ in 0..2 {
            let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
            socket.set_nonblocking(true).unwrap();
            let _ = socket.connect(&addr.into());
            filled.push(socket.into());
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        (addr, filled, listener)
    }

    /// Happy Eyeballs: while the first address neither connects nor fails,
    /// the next one is tried too and wins.
    #[test]
    fn a_silent_address_does_not_hold_up_the_next() {
        let (hole, _filled, _listener) = black_hole();
        let (live, server) = greeter();
        let options = ClientOptions::default()
            .with_timeouts(crate::reactor::Timeouts::default().with_connect(std::time::Duration::from_secs(5)));
        let started = std::time::Instant::now();
        let client = Client::connect_to(&[hole, live], "127.0.0.1", live.port(), TlsMode::None, &options)
            .expect("the second address answers");
        // Without the race the first attempt would run to its 5 s limit.
        assert!(started.elapsed() < std::time::Duration::from_secs(3), "took {:?}", started.elapsed());
        assert!(client.session().greeting().is_some());
        drop(client);
        server.join().unwrap();
    }

    #[test]
    fn when_every_address_refuses_the_error_is_a_connect_error() {
        let result =
            Client::connect_to(&[refused(), refused()], "127.0.0.1", 1, TlsMode::None, &ClientOptions::default());
        let Err(error) = result else { panic!("connected to nothing") };
        assert!(matches!(error, Error::Connect(_)), "{error:?}");
        assert_eq!(error.io_kind(), Some(std::io::ErrorKind::ConnectionRefused));
        assert!(error.to_string().contains("127.0.0.1:1"), "{error}");
    }
}
