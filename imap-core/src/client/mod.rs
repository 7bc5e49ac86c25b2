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

mod extensions;
mod mailboxes;
mod messages;
mod results;
mod sessions;
mod stream;

pub use extensions::{IDLE_ANSWER, IDLE_RENEW};
pub use results::{AppendUid, CopyUid, Quota, Resync, ThreadNode, MAX_THREAD_DEPTH};
pub use sessions::{SessionId, Sessions};
pub use stream::FetchPart;

use crate::command::Command;
use crate::reactor::{ConnId, Reactor, Security, Timeouts, TlsOptions};
use crate::session::{Completion, Error, Event, Extension, ExtensionValue, Sasl, Session, Streamed, Tag};
use crate::types::{Capability, Response};
use crate::wire::Limits;
use std::collections::VecDeque;
use std::net::{SocketAddr, ToSocketAddrs};
use std::time::{Duration, Instant};

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
    reactor: Reactor<Session>,
    id: ConnId,
    options: ClientOptions,
    /// Host name, for OAUTHBEARER.
    host: String,
    port: u16,
    tls: bool,
    unsolicited: VecDeque<Response<'static>>,
    /// Unsolicited responses dropped to keep `unsolicited` bounded.
    unsolicited_dropped: u64,
    /// Completions that arrived while waiting for another tag.
    done: Vec<(Tag, Result<Completion, Error>)>,
    /// IDLE in progress: its tag.
    idle_tag: Option<Tag>,
    /// Message numbers are UIDs (see [`Client::set_use_uid`]).
    use_uid: bool,
    /// Extension values no command was waiting for, at most
    /// `options.max_unsolicited`.
    extension_values: VecDeque<ExtensionValue>,
    /// Extension values dropped to keep `extension_values` bounded.
    extension_values_dropped: u64,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("host", &self.host).field("port", &self.port).finish_non_exhaustive()
    }
}

impl Client {
    /// Connects, waits for the greeting and, for [`TlsMode::StartTls`],
    /// upgrades to TLS (refusing a server that does not offer it). Every
    /// address `host` resolves to is tried in turn (IPv6 and IPv4, in the
    /// resolver's order) until one connects; the error is the last one's.
    pub fn connect(host: &str, port: u16, mode: TlsMode, options: &ClientOptions) -> Result<Client, Error> {
        let addrs = resolve(host, port)?;
        Client::connect_to(&addrs, host, port, mode, options)
    }

    /// [`connect`](Client::connect) to these addresses of `host`, in order.
    fn connect_to(
        addrs: &[SocketAddr],
        host: &str,
        port: u16,
        mode: TlsMode,
        options: &ClientOptions,
    ) -> Result<Client, Error> {
        let mut last = None;
        for &addr in addrs {
            match Client::connect_one(addr, host, port, mode, options) {
                // Unreachable there: the next address may answer.
                Err(Error::Connect(e)) => last = Some(Error::Connect(e)),
                outcome => return outcome,
            }
        }
        Err(last.unwrap_or_else(|| {
            connect_error(host, port, std::io::Error::new(std::io::ErrorKind::NotFound, "no address"))
        }))
    }

    /// [`connect`](Client::connect) to one address of `host`.
    fn connect_one(
        addr: SocketAddr,
        host: &str,
        port: u16,
        mode: TlsMode,
        options: &ClientOptions,
    ) -> Result<Client, Error> {
        let mut reactor = Reactor::new().map_err(|e| Error::Io(e.into()))?;
        let Transport { security, tls: config, session, .. } =
            transport_to(addr, host, mode, options, &mut |tls| tls_config(tls))?;
        let id = reactor
            .connect(addr, security, config, options.timeouts, session)
            .map_err(|e| connect_error(host, port, e))?;
        let mut client = Client {
            reactor,
            id,
            options: options.clone(),
            host: host.to_owned(),
            port,
            tls: mode == TlsMode::Implicit,
            unsolicited: VecDeque::new(),
            unsolicited_dropped: 0,
            done: Vec::new(),
            idle_tag: None,
            use_uid: true,
            extension_values: VecDeque::new(),
            extension_values_dropped: 0,
        };
        client.wait_greeting().map_err(|e| match e {
            // The connect failed after the reactor started it: say where to.
            Error::Connect(io) => connect_error(host, port, std::io::Error::new(io.kind(), io)),
            e => e,
        })?;
        if mode == TlsMode::StartTls {
            client.starttls()?;
        }
        Ok(client)
    }

    /// The session underneath (state, capabilities, selected mailbox).
    pub fn session(&self) -> &Session {
        self.reactor.get(self.id).expect("the client's session is never removed")
    }

    fn session_mut(&mut self) -> &mut Session {
        self.reactor.get_mut(self.id).expect("the client's session is never removed")
    }

    /// Adds a parser for a server extension imap-core does not know (see
    /// [`Extension`]): its values come in [`Completion::extensions`] of the
    /// command they answer, or from [`Client::take_extension_values`].
    pub fn add_extension(&mut self, extension: Box<dyn Extension>) {
        self.session_mut().add_extension(extension);
    }

    /// Extension values that no command was waiting for (during IDLE, say,
    /// or after the last completion), oldest first. Values that answer a
    /// command come in its [`Completion::extensions`] instead.
    ///
    /// At most [`ClientOptions::max_unsolicited`] are kept between two calls:
    /// beyond that the oldest are dropped and counted
    /// ([`Client::extension_values_dropped`]), so that a server sending such
    /// responses without end cannot grow the list without end.
    pub fn take_extension_values(&mut self) -> Vec<ExtensionValue> {
        self.drain_events();
        self.extension_values.drain(..).collect()
    }

    /// How many extension values were dropped, oldest first, because more
    /// than [`ClientOptions::max_unsolicited`] were waiting for
    /// [`Client::take_extension_values`].
    pub fn extension_values_dropped(&self) -> u64 {
        self.extension_values_dropped
    }

    /// Untagged responses that no command asked for, oldest first.
    pub fn take_unsolicited(&mut self) -> Vec<Response<'static>> {
        self.drain_events();
        self.unsolicited.drain(..).collect()
    }

    /// How many unsolicited responses were dropped, oldest first, because
    /// more than [`ClientOptions::max_unsolicited`] were waiting.
    pub fn unsolicited_dropped(&self) -> u64 {
        self.unsolicited_dropped + self.session().unsolicited_dropped()
    }

    /// Waits for the greeting: the reactor bounds the TCP connect and the TLS
    /// handshake (`timeouts.connect`); once the connection is up, the
    /// greeting has `command_timeout`, as any answer does.
    fn wait_greeting(&mut self) -> Result<(), Error> {
        let connecting = deadline_after(self.options.timeouts.connect.saturating_add(self.options.command_timeout));
        let mut greeting = None;
        loop {
            if self.session().greeting().is_some() {
                self.drain_events();
                return Ok(());
            }
            if let Some(error) = self.closed_error() {
                return Err(error);
            }
            if greeting.is_none() && self.session().is_connected() {
                greeting = Some(deadline_after(self.options.command_timeout));
            }
            self.turn(greeting.unwrap_or(connecting))?;
        }
    }

    /// Why the session closed, if it did.
    fn closed_error(&mut self) -> Option<Error> {
        if !self.session().is_closed() {
            return None;
        }
        let mut error = None;
        while let Some(event) = self.session_mut().poll_event() {
            match event {
                Event::Closed(e) => error = Some(e.unwrap_or_else(|| Error::Closed("connection closed".into()))),
                other => self.keep(other),
            }
        }
        Some(error.unwrap_or_else(|| Error::Closed("connection closed".into())))
    }

    /// One reactor turn, bounded by `deadline`.
    fn turn(&mut self, deadline: Instant) -> Result<(), Error> {
        let now = Instant::now();
        if now >= deadline {
            return Err(Error::Timeout);
        }
        self.reactor.turn(Some(deadline - now)).map_err(|e| Error::Io(e.into()))?;
        Ok(())
    }

    fn keep(&mut self, event: Event) {
        match event {
            Event::Completed { tag, result } => self.done.push((tag, result)),
            Event::Unsolicited(response) => {
                // Bounded: a flood of 1,000,000 untagged responses during one
                // NOOP took 821 MiB here (tests/faults/faults.rs); drop the oldest.
                self.unsolicited.push_back(response);
                while self.unsolicited.len() > self.options.max_unsolicited {
                    self.unsolicited.pop_front();
                    self.unsolicited_dropped += 1;
                }
            }
            Event::Extension(value) => {
                // Bounded as the unsolicited responses are.
                self.extension_values.push_back(value);
                while self.extension_values.len() > self.options.max_unsolicited {
                    self.extension_values.pop_front();
                    self.extension_values_dropped += 1;
                }
            }
            // A renewed IDLE (see Session::set_idle_renew) has a new tag.
            Event::Idling(tag) if self.idle_tag.is_some() => self.idle_tag = Some(tag),
            Event::Greeting(_) | Event::Idling(_) | Event::Malformed(_) | Event::Closed(_) => {}
        }
    }

    fn drain_events(&mut self) {
        while let Some(event) = self.session_mut().poll_event() {
            self.keep(event);
        }
    }

    /// Submits a command without waiting: the way to pipeline. Collect the
    /// result with [`Client::wait`].
    pub fn send(&mut self, command: Command) -> Result<Tag, Error> {
        self.learn_capabilities_for(&command)?;
        self.session_mut().submit(command)
    }

    /// The session judges a command's capability ([`Command::spec`]) only
    /// once the server's capabilities are known: ask for them first, so
    /// that a command the server lacks is refused before it goes out.
    pub(crate) fn learn_capabilities_for(&mut self, command: &Command) -> Result<(), Error> {
        if command.spec().needs.is_some() && self.session().capabilities().is_none() {
            self.capabilities()?;
        }
        Ok(())
    }

    /// Waits for the command tagged `tag` to complete.
    pub fn wait(&mut self, tag: &Tag) -> Result<Completion, Error> {
        // Without a streaming command the session has handled every byte on
        // arrival: the sink never runs.
        self.wait_streaming(tag, &mut |_| {})
    }

    /// Waits for a command (sent with `Session::submit_streaming`, or not),
    /// handing a streaming command's data to `sink` as it arrives.
    /// A streaming command may run as long as its data keeps coming: each
    /// time some reaches `sink`, it has `command_timeout` again.
    fn wait_streaming(&mut self, tag: &Tag, sink: &mut dyn FnMut(Streamed<'_>)) -> Result<Completion, Error> {
        let mut deadline = deadline_after(self.options.command_timeout);
        loop {
            let mut progressed = false;
            self.session_mut().process_streaming(&mut |streamed| {
                progressed = true;
                sink(streamed);
            });
            if progressed {
                deadline = deadline_after(self.options.command_timeout);
            }
            self.drain_events();
            if let Some(i) = self.done.iter().position(|(t, _)| t == tag) {
                return self.done.swap_remove(i).1;
            }
            if let Some(error) = self.closed_error() {
                if let Some(i) = self.done.iter().position(|(t, _)| t == tag) {
                    return self.done.swap_remove(i).1;
                }
                return Err(error);
            }
            self.turn(deadline)?;
        }
    }

    /// Sends a command and waits for its completion.
    pub fn run(&mut self, command: Command) -> Result<Completion, Error> {
        let tag = self.send(command)?;
        self.wait(&tag)
    }

    /// Sends all commands at once (pipelined) and waits for every result, in
    /// the order given.
    pub fn pipeline(&mut self, commands: Vec<Command>) -> Vec<Result<Completion, Error>> {
        let tags: Vec<Result<Tag, Error>> = commands.into_iter().map(|c| self.send(c)).collect();
        tags.into_iter().map(|tag| tag.and_then(|tag| self.wait(&tag))).collect()
    }

    fn starttls(&mut self) -> Result<(), Error> {
        self.run(Command::StartTls)?;
        self.tls = true;
        // The handshake happens on the next turns; CAPABILITY goes over TLS.
        self.capabilities()?;
        Ok(())
    }

    /// Turns on COMPRESS=DEFLATE (RFC 4978): from the server's OK on, both
    /// directions are compressed (inside TLS when TLS is on). Needs the
    /// `COMPRESS=DEFLATE` capability (servers usually offer it after login),
    /// else [`Error::MissingCapability`]. Compressing twice is refused by the
    /// server (`[COMPRESSIONACTIVE]`).
    pub fn compress(&mut self) -> Result<(), Error> {
        self.run(Command::Compress)?;
        Ok(())
    }

    /// The server's capabilities (asked for if not known).
    pub fn capabilities(&mut self) -> Result<Vec<Capability<'static>>, Error> {
        if let Some(caps) = self.session().capabilities() {
            return Ok(caps.to_vec());
        }
        self.run(Command::Capability)?;
        Ok(self.session().capabilities().map(<[_]>::to_vec).unwrap_or_default())
    }

    /// Whether the server advertises `name`, or has it as part of IMAP4rev2
    /// ([`Session::has_capability`]).
    pub fn has_capability(&mut self, name: &str) -> Result<bool, Error> {
        self.capabilities()?;
        // The session's answer also counts what IMAP4rev2 includes.
        Ok(self.session().has_capability(name))
    }

    /// `Ok` when the server advertises `name`; otherwise
    /// [`Error::MissingCapability`] for `command`. Every command is checked
    /// against the capability its [`Command::spec`] names before it is sent;
    /// this is for what the table does not know (a `SEARCH RETURN` option,
    /// a command of an extension sent as `Command::Other`).
    ///
    /// ```no_run
    /// # use imap_core::client::{Client, ClientOptions, TlsMode};
    /// # let mut client = Client::connect("imap.example.com", 993, TlsMode::Implicit, &ClientOptions::default())?;
    /// client.ensure_capability("ESEARCH", "SEARCH RETURN")?;
    /// # Ok::<(), imap_core::session::Error>(())
    /// ```
    pub fn ensure_capability(&mut self, name: &'static str, command: &'static str) -> Result<(), Error> {
        if self.has_capability(name)? {
            Ok(())
        } else {
            Err(Error::MissingCapability { command, capability: name })
        }
    }

    fn check_plaintext(&mut self, command: &'static str) -> Result<(), Error> {
        if !self.tls && !self.options.allow_plaintext_login {
            return Err(Error::Insecure(command));
        }
        if self.has_capability("LOGINDISABLED")? {
            return Err(Error::MissingCapability { command, capability: "LOGIN (the server says LOGINDISABLED)" });
        }
        Ok(())
    }

    /// LOGIN with a user name and password.
    pub fn login(&mut self, user: &str, password: &str) -> Result<(), Error> {
        self.check_plaintext("LOGIN")?;
        self.run(Command::Login { user: user.as_bytes().to_vec(), password: password.as_bytes().to_vec() })?;
        Ok(())
    }

    /// AUTHENTICATE with a SASL mechanism (PLAIN, XOAUTH2, OAUTHBEARER).
    pub fn authenticate(&mut self, sasl: Sasl) -> Result<(), Error> {
        if matches!(sasl, Sasl::Plain { .. }) {
            self.check_plaintext("AUTHENTICATE PLAIN")?;
        }
        let mechanism = format!("AUTH={}", sasl.mechanism());
        if !self.has_capability(&mechanism)? {
            return Err(Error::MissingCapability { command: "AUTHENTICATE", capability: sasl.mechanism() });
        }
        let tag = self.session_mut().authenticate(sasl)?;
        self.wait(&tag)?;
        Ok(())
    }

    /// AUTHENTICATE XOAUTH2 with an OAuth 2 access token.
    pub fn oauth2_login(&mut self, user: &str, token: &str) -> Result<(), Error> {
        self.authenticate(Sasl::XOAuth2 { user: user.into(), token: token.into() })
    }

    /// AUTHENTICATE OAUTHBEARER (RFC 7628) with an OAuth 2 access token.
    pub fn oauthbearer_login(&mut self, user: &str, token: &str) -> Result<(), Error> {
        let (host, port) = (self.host.clone(), self.port);
        self.authenticate(Sasl::OAuthBearer { user: user.into(), host, port, token: token.into() })
    }

    /// NOOP: returns what the server had to say meanwhile (also kept for
    /// [`Client::take_unsolicited`]).
    pub fn noop(&mut self) -> Result<Vec<Response<'static>>, Error> {
        self.run(Command::Noop)?;
        Ok(self.unsolicited.iter().cloned().collect())
    }

    /// LOGOUT, then closes the connection.
    pub fn logout(mut self) -> Result<(), Error> {
        let result = self.run(Command::Logout).map(|_| ());
        let deadline = Instant::now() + Duration::from_secs(5);
        while !self.reactor.is_closed(self.id) && Instant::now() < deadline {
            self.reactor.turn(Some(Duration::from_millis(100))).ok();
        }
        result
    }
}

/// `now + after`, or a century away when that does not fit (a caller's
/// `Duration::MAX` means "no limit", not a panic).
fn deadline_after(after: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(after).unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 24 * 3600))
}

/// Where and how to connect, and the session to drive.
struct Transport {
    addr: SocketAddr,
    security: Security,
    tls: Option<std::sync::Arc<rustls::ClientConfig>>,
    session: Session,
}

/// The rustls configuration `tls` asks for.
fn tls_config(tls: &TlsOptions) -> Result<std::sync::Arc<rustls::ClientConfig>, Error> {
    tls.client_config().map_err(|e| Error::Tls(std::io::Error::new(std::io::ErrorKind::InvalidInput, e).into()))
}

/// What [`Client`] and [`Sessions`] need to connect to `host:port`, at the
/// first address it resolves to, with the TLS configuration from `config`
/// (which may share one).
fn transport_with(
    host: &str,
    port: u16,
    mode: TlsMode,
    options: &ClientOptions,
    config: &mut dyn FnMut(&TlsOptions) -> Result<std::sync::Arc<rustls::ClientConfig>, Error>,
) -> Result<Transport, Error> {
    let addr = resolve(host, port)?[0];
    transport_to(addr, host, mode, options, config)
}

/// What it takes to connect to `addr`, an address of `host`.
fn transport_to(
    addr: SocketAddr,
    host: &str,
    mode: TlsMode,
    options: &ClientOptions,
    config: &mut dyn FnMut(&TlsOptions) -> Result<std::sync::Arc<rustls::ClientConfig>, Error>,
) -> Result<Transport, Error> {
    let security = match mode {
        TlsMode::Implicit => Security::Tls { server_name: host.to_owned() },
        TlsMode::StartTls => Security::StartTls { server_name: host.to_owned() },
        TlsMode::None => Security::Plain,
    };
    let config = match mode {
        TlsMode::None => None,
        _ => Some(config(&options.tls)?),
    };
    let mut session = Session::with_limits(options.limits);
    // The same bound inside a reactor turn as between turns (see `Client::keep`).
    session.set_max_unsolicited(options.max_unsolicited);
    session.set_idle_renew(options.idle_renew);
    session.set_idle_answer_timeout(options.idle_answer_timeout);
    Ok(Transport { addr, security, tls: config, session })
}

/// The addresses of `host:port`, at least one (tests and the demo use
/// 127.0.0.1).
fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>, Error> {
    let addrs: Vec<SocketAddr> = (host, port).to_socket_addrs().map_err(|e| connect_error(host, port, e))?.collect();
    if addrs.is_empty() {
        return Err(connect_error(host, port, std::io::Error::new(std::io::ErrorKind::NotFound, "no address")));
    }
    Ok(addrs)
}

/// A failure to reach `host:port`: the I/O error, its kind kept, with the
/// address in its message (an I/O error alone does not say where).
pub(crate) fn connect_error(host: &str, port: u16, e: std::io::Error) -> Error {
    Error::Connect(std::io::Error::new(e.kind(), ConnectFailure { to: format!("{host}:{port}"), error: e }).into())
}

/// The I/O error of [`connect_error`] with its address; its source is the
/// original error.
#[derive(Debug)]
struct ConnectFailure {
    to: String,
    error: std::io::Error,
}

impl std::fmt::Display for ConnectFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.to, self.error)
    }
}

impl std::error::Error for ConnectFailure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
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
mod tests {
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
