//! Socket settings every driver applies.

use std::time::Duration;

/// Turns on TCP keepalive: the first probe after `idle` without traffic,
/// then every 15 s, giving up after 4 (where the system lets us say), so
/// a peer that vanished without closing is noticed in about `idle` + 1
/// minute even while the client waits for nothing. Failing is not fatal:
/// the connection works without it.
pub(crate) fn set_keepalive(socket: socket2::SockRef<'_>, idle: Duration) {
    let probes = socket2::TcpKeepalive::new().with_time(idle).with_interval(Duration::from_secs(15));
    #[cfg(any(target_os = "linux", target_os = "android", target_os = "macos", target_os = "freebsd"))]
    let probes = probes.with_retries(4);
    let _ = socket.set_tcp_keepalive(&probes);
}
