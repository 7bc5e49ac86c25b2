//! Reaching a server: its addresses, the TLS configuration, the session
//! with the client's settings; shared by the fronts and [`Sessions`](super::Sessions).

use super::{ClientOptions, TlsMode};
use crate::reactor::{Security, TlsOptions};
use crate::session::{Error, Session};
use std::net::{SocketAddr, ToSocketAddrs};

/// Where and how to connect, and the session to drive.
pub(crate) struct Transport {
    pub(crate) addr: SocketAddr,
    pub(crate) security: Security,
    pub(crate) tls: Option<std::sync::Arc<rustls::ClientConfig>>,
    pub(crate) session: Session,
}

/// The server name a TLS handshake verifies and the configuration it runs
/// with, for a driver that does TLS itself (the async front, a caller's
/// stream).
pub(crate) struct TlsTarget {
    pub(crate) name: rustls::pki_types::ServerName<'static>,
    pub(crate) config: std::sync::Arc<rustls::ClientConfig>,
}

/// The [`TlsTarget`] for `host` with the client's TLS options.
pub(crate) fn tls_target(host: &str, options: &ClientOptions) -> Result<TlsTarget, Error> {
    let name = rustls::pki_types::ServerName::try_from(host.to_owned())
        .map_err(|e| Error::Tls(std::io::Error::new(std::io::ErrorKind::InvalidInput, e).into()))?;
    Ok(TlsTarget { name, config: tls_config(&options.tls)? })
}

/// The rustls configuration `tls` asks for.
pub(crate) fn tls_config(tls: &TlsOptions) -> Result<std::sync::Arc<rustls::ClientConfig>, Error> {
    tls.client_config().map_err(|e| Error::Tls(std::io::Error::new(std::io::ErrorKind::InvalidInput, e).into()))
}

/// What [`Client`] and [`Sessions`] need to connect to `host:port`, at the
/// first address it resolves to, with the TLS configuration from `config`
/// (which may share one).
pub(crate) fn transport_with(
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
pub(crate) fn transport_to(
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
    Ok(Transport { addr, security, tls: config, session: new_session(options) })
}

/// The addresses of `host:port`, at least one (tests and the demo use
/// 127.0.0.1).
pub(crate) fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>, Error> {
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

/// A session with the client's settings, not yet connected.
pub(crate) fn new_session(options: &ClientOptions) -> Session {
    let mut session = Session::with_limits(options.limits);
    // The same bound inside a turn as between turns (see `Engine::keep`).
    session.set_max_unsolicited(options.max_unsolicited);
    session.set_idle_renew(options.idle_renew);
    session.set_idle_answer_timeout(options.idle_answer_timeout);
    session
}
