//! The async front end on tokio (feature `tokio`): [`AsyncClient`] has the
//! blocking [`Client`]'s methods, with the same names and arguments, as
//! `async fn`s, and runs the same operation bodies over tokio's sockets.
//!
//! ```no_run
//! use imap_core::client::{ClientOptions, TlsMode};
//! use imap_core::command::SearchKey;
//! use imap_core::tokio::AsyncClient;
//!
//! # async fn demo() -> Result<(), imap_core::session::Error> {
//! let mut client = AsyncClient::connect("imap.example.com", 993, TlsMode::Implicit, &ClientOptions::default()).await?;
//! client.login("user", "password").await?;
//! let inbox = client.select_folder("INBOX", false).await?;
//! println!("{} messages", inbox.exists);
//! let unseen = client.search(SearchKey::Unseen).await?;
//! client.logout().await?;
//! # Ok(()) }
//! ```
//!
//! # Futures and cancellation
//!
//! Every future is `Send`: a client moves between the threads of a
//! multi-threaded runtime. Dropping a future before it finishes (a
//! `select!` that took another branch, a `timeout`) leaves the client
//! usable: what was read is kept by the session, what was queued is sent
//! whole by the next call (never half a command), and the command the
//! dropped call was waiting for still completes on the wire; its result is
//! discarded when it arrives. A drop during a STARTTLS handshake or a
//! connect loses that connection attempt. Use `tokio::time::timeout` for
//! a limit of your own; [`ClientOptions::command_timeout`] is applied too.

mod link;

pub use link::AsyncStream;

use crate::client::span;
#[cfg(doc)]
use crate::client::Client;
use crate::client::{
    connect_error, for_each_operation, interleave, new_session, operation_names::*, tls_target, BodySink,
    ClientOptions, Engine, TlsMode, TlsTarget, ATTEMPT_DELAY,
};
use crate::command::Section;
use link::{Io, TokioLink};
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::Poll;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

/// An async IMAP client; see the [module docs](self).
pub struct AsyncClient {
    engine: Engine<TokioLink>,
}

impl std::fmt::Debug for AsyncClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncClient")
            .field("host", &self.engine.host)
            .field("port", &self.engine.port)
            .finish_non_exhaustive()
    }
}

impl AsyncClient {
    /// [`Client::connect`], async: resolves `host`, tries each of its
    /// addresses in turn, waits for the greeting and, for
    /// [`TlsMode::StartTls`], upgrades to TLS. [`Timeouts::connect`](crate::reactor::Timeouts::connect)
    /// bounds the whole of it, name resolution and TLS handshake included.
    pub async fn connect(host: &str, port: u16, mode: TlsMode, options: &ClientOptions) -> Result<AsyncClient, Error> {
        let connect = async {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host, port)).await.map_err(|e| connect_error(host, port, e))?.collect();
            connect_any(&interleave(&addrs), host, port, options).await
        };
        let tcp = tokio::time::timeout(options.timeouts.connect, connect)
            .await
            .map_err(|_| connect_error(host, port, std::io::ErrorKind::TimedOut.into()))??;
        AsyncClient::over_stream(tcp, host, port, mode, options).await
    }

    /// An async client over a stream of your own that is already connected
    /// to the server (through a proxy, say): `mode` says whether to run TLS
    /// over it (from its first byte, or after STARTTLS), verifying the
    /// certificate for `host`; `port` is only for OAUTHBEARER.
    pub async fn over_stream(
        stream: impl AsyncStream + 'static,
        host: &str,
        port: u16,
        mode: TlsMode,
        options: &ClientOptions,
    ) -> Result<AsyncClient, Error> {
        let io: Io = Box::new(stream);
        let session = new_session(options);
        let link = match mode {
            TlsMode::None => TokioLink::plain(io, session, None, options.timeouts),
            TlsMode::StartTls => TokioLink::plain(io, session, Some(tls_target(host, options)?), options.timeouts),
            TlsMode::Implicit => {
                let TlsTarget { name, config } = tls_target(host, options)?;
                let handshake = tokio_rustls::TlsConnector::from(config).connect(name, io);
                let tls = tokio::time::timeout(options.timeouts.connect, handshake)
                    .await
                    .map_err(|_| connect_error(host, port, std::io::ErrorKind::TimedOut.into()))?
                    .map_err(tls_error)?;
                TokioLink::tls(tls, session, options.timeouts)
            }
        };
        let mut engine = Engine::new(link, options, host, port, mode == TlsMode::Implicit);
        let span = span::call(&engine.span, "connect");
        let greeted = async {
            engine.wait_greeting().await?;
            if mode == TlsMode::StartTls {
                engine.starttls().await?;
            }
            Ok::<_, Error>(())
        };
        span::instrument(span, greeted).await?;
        Ok(AsyncClient { engine })
    }

    /// [`Client::logout`], async.
    pub async fn logout(mut self) -> Result<(), Error> {
        span::instrument(span::call(&self.engine.span, "logout"), self.engine.logout()).await
    }

    /// [`Client::fetch_body_to`], async, into a tokio writer.
    pub async fn fetch_body_to(
        &mut self,
        uid: u32,
        section: Section<'static>,
        out: &mut (impl AsyncWrite + Unpin + Send),
    ) -> Result<u64, Error> {
        let span = span::call(&self.engine.span, "fetch_body_to");
        span::instrument(span, self.engine.fetch_body_to(uid, section, &mut AsyncSink(out))).await
    }
}

/// A TCP connection to one of `addrs` (in order), raced as Happy Eyeballs
/// (RFC 8305) does, as on the blocking front: the first address at once,
/// then the next every [`ATTEMPT_DELAY`] while none is up, or as soon as
/// one fails; the first connected wins, the others are dropped. With the
/// socket options of the blocking front (no Nagle, TCP keepalive).
async fn connect_any(addrs: &[SocketAddr], host: &str, port: u16, options: &ClientOptions) -> Result<TcpStream, Error> {
    type Attempt = Pin<Box<dyn Future<Output = std::io::Result<TcpStream>> + Send>>;
    let mut attempts: Vec<Attempt> = Vec::new();
    let mut next = 0;
    let mut last = std::io::Error::new(std::io::ErrorKind::NotFound, "no address");
    let mut stagger = Box::pin(tokio::time::sleep(std::time::Duration::ZERO));
    let tcp = std::future::poll_fn(|cx| loop {
        if next < addrs.len() && (attempts.is_empty() || stagger.as_mut().poll(cx).is_ready()) {
            attempts.push(Box::pin(TcpStream::connect(addrs[next])));
            next += 1;
            stagger.as_mut().reset(tokio::time::Instant::now() + ATTEMPT_DELAY);
            continue;
        }
        let mut failed = false;
        let mut i = 0;
        while i < attempts.len() {
            match attempts[i].as_mut().poll(cx) {
                Poll::Ready(Ok(tcp)) => return Poll::Ready(Ok(tcp)),
                Poll::Ready(Err(e)) => {
                    last = e;
                    drop(attempts.swap_remove(i));
                    failed = true;
                }
                Poll::Pending => i += 1,
            }
        }
        if attempts.is_empty() && next >= addrs.len() {
            let last = std::mem::replace(&mut last, std::io::ErrorKind::NotFound.into());
            return Poll::Ready(Err(last));
        }
        if !failed {
            return Poll::Pending;
        }
        // A failure starts the next address at once.
        stagger.as_mut().reset(tokio::time::Instant::now());
    })
    .await
    .map_err(|e| connect_error(host, port, e))?;
    let _ = tcp.set_nodelay(true);
    if let Some(idle) = options.timeouts.keepalive {
        crate::connection::socket::set_keepalive(socket2::SockRef::from(&tcp), idle);
    }
    Ok(tcp)
}

/// A failed TLS handshake (tokio-rustls gives rustls errors as `InvalidData`).
fn tls_error(e: std::io::Error) -> Error {
    match e.kind() {
        std::io::ErrorKind::InvalidData => Error::Tls(e.into()),
        _ => Error::Io(e.into()),
    }
}

/// A tokio writer as the engine's body sink.
struct AsyncSink<'w, W>(&'w mut W);

impl<W: AsyncWrite + Unpin + Send> BodySink for AsyncSink<'_, W> {
    fn write_all<'a>(&'a mut self, bytes: &'a [u8]) -> impl Future<Output = std::io::Result<()>> + Send + 'a {
        self.0.write_all(bytes)
    }

    fn flush(&mut self) -> impl Future<Output = std::io::Result<()>> + Send {
        self.0.flush()
    }
}

/// The async front: each operation of the list in `client/operations.rs`
/// as an `async fn` of [`AsyncClient`] awaiting the engine's body.
macro_rules! async_front {
    (
        shared { $( #[$s_first:meta] $(#[$s_doc:meta])* fn $s_name:ident(&self $(, $s_arg:ident: $s_ty:ty)* $(,)?) -> $s_ret:ty; )* }
        exclusive { $( #[$e_first:meta] $(#[$e_doc:meta])* fn $e_name:ident(&mut self $(, $e_arg:ident: $e_ty:ty)* $(,)?) $(-> $e_ret:ty)?; )* }
        io { $( #[$i_first:meta] $(#[$i_doc:meta])* fn $i_name:ident(&mut self $(, $i_arg:ident: $i_ty:ty)* $(,)?) -> $i_ret:ty; )* }
    ) => {
        #[allow(clippy::type_complexity)]
        impl AsyncClient {
            $(
                #[$s_first]
                #[doc = concat!("\n\nAs [`Client::", stringify!($s_name), "`].")]
                pub fn $s_name(&self $(, $s_arg: $s_ty)*) -> $s_ret { self.engine.$s_name($($s_arg),*) }
            )*
            $(
                #[$e_first]
                #[doc = concat!("\n\nAs [`Client::", stringify!($e_name), "`].")]
                pub fn $e_name(&mut self $(, $e_arg: $e_ty)*) $(-> $e_ret)? { self.engine.$e_name($($e_arg),*) }
            )*
            $(
                #[$i_first]
                #[doc = concat!("\n\nThe async form of [`Client::", stringify!($i_name), "`].")]
                pub async fn $i_name(&mut self $(, $i_arg: $i_ty)*) -> $i_ret {
                    let span = span::call(&self.engine.span, stringify!($i_name));
                    span::instrument(span, self.engine.$i_name($($i_arg),*)).await
                }
            )*
        }
    };
}

for_each_operation!(async_front);

#[cfg(test)]
mod tests {
    use super::connect_any;
    use crate::client::tests::black_hole;
    use crate::client::ClientOptions;
    use std::time::{Duration, Instant};

    /// Happy Eyeballs: while the first address neither connects nor fails,
    /// the next one is tried too and wins.
    #[test]
    fn a_silent_address_does_not_hold_up_the_next() {
        let (hole, _filled, _listener) = black_hole();
        let live = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let live_addr = live.local_addr().unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let started = Instant::now();
        let tcp = runtime
            .block_on(connect_any(&[hole, live_addr], "127.0.0.1", live_addr.port(), &ClientOptions::default()))
            .expect("the second address answers");
        assert_eq!(tcp.peer_addr().unwrap(), live_addr);
        assert!(started.elapsed() < Duration::from_secs(3), "took {:?}", started.elapsed());
    }
}
