//! Happy Eyeballs (RFC 8305) for the blocking front: a host's addresses,
//! interleaved by family, raced on one reactor. The first address is tried
//! at once; while no attempt is up, the next starts every
//! [`ATTEMPT_DELAY`] (or as soon as one fails). The first whose transport
//! is up (TCP connected, and the TLS handshake done for implicit TLS) wins;
//! the others are dropped.

use super::connect::{connect_error, tls_config, transport_to, Transport};
use super::{ClientOptions, TlsMode};
use crate::reactor::{ConnId, Reactor};
use crate::session::{Error, Event, Session};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// How long an attempt runs alone before the next address is tried too
/// (RFC 8305 section 5 recommends 250 ms).
pub(crate) const ATTEMPT_DELAY: Duration = Duration::from_millis(250);

/// The addresses in the order to try them: the resolver's first, then
/// alternating between IPv6 and IPv4 (RFC 8305 section 4), each family
/// in the resolver's order.
pub(crate) fn interleave(addrs: &[SocketAddr]) -> Vec<SocketAddr> {
    let Some(first) = addrs.first() else { return Vec::new() };
    let (mut same, mut other): (Vec<SocketAddr>, Vec<SocketAddr>) =
        addrs.iter().partition(|a| a.is_ipv6() == first.is_ipv6());
    same.reverse();
    other.reverse();
    let mut out = Vec::with_capacity(addrs.len());
    while !same.is_empty() || !other.is_empty() {
        out.extend(same.pop());
        out.extend(other.pop());
    }
    out
}

/// Races `addrs` (already in order) on `reactor` until one is up; the
/// error of the last failure if none is, or a timeout after
/// `Timeouts::connect`. A failure other than an unreachable address or a
/// timeout (a refused certificate, say) ends the race at once.
pub(crate) fn first_up(
    reactor: &mut Reactor<Session>,
    addrs: &[SocketAddr],
    host: &str,
    port: u16,
    mode: TlsMode,
    options: &ClientOptions,
) -> Result<ConnId, Error> {
    let deadline = Instant::now().checked_add(options.timeouts.connect);
    let mut config = None;
    let mut attempts: Vec<ConnId> = Vec::new();
    let mut next = 0;
    let mut next_start = Instant::now();
    let mut last = None;
    loop {
        let now = Instant::now();
        if next < addrs.len() && (attempts.is_empty() || now >= next_start) {
            let Transport { security, tls, session, .. } = transport_to(addrs[next], host, mode, options, &mut |t| {
                // One TLS configuration for every attempt.
                if config.is_none() {
                    config = Some(tls_config(t)?);
                }
                Ok(config.clone().expect("set above"))
            })?;
            match reactor.connect(addrs[next], security, tls, options.timeouts, session) {
                Ok(id) => attempts.push(id),
                Err(e) => last = Some(connect_error(host, port, e)),
            }
            next += 1;
            next_start = now + ATTEMPT_DELAY;
            continue;
        }
        if let Some(won) = attempts.iter().copied().find(|&id| reactor.get(id).is_some_and(Session::is_connected)) {
            for lost in attempts.into_iter().filter(|&id| id != won) {
                reactor.remove(lost);
            }
            return Ok(won);
        }
        let failures = take_failed(reactor, &mut attempts);
        if !failures.is_empty() {
            // A failure starts the next address at once.
            next_start = now;
        }
        for failed in failures {
            match failed {
                Error::Connect(io) => last = Some(connect_error(host, port, std::io::Error::new(io.kind(), io))),
                Error::Timeout => last = Some(Error::Timeout),
                other => return Err(other),
            }
        }
        if attempts.is_empty() && next >= addrs.len() {
            let none = || connect_error(host, port, std::io::Error::new(std::io::ErrorKind::NotFound, "no address"));
            return Err(last.unwrap_or_else(none));
        }
        if deadline.is_some_and(|d| now >= d) {
            return Err(connect_error(host, port, std::io::ErrorKind::TimedOut.into()));
        }
        if attempts.is_empty() {
            continue;
        }
        let wake = [Some(next_start).filter(|_| next < addrs.len()), deadline].into_iter().flatten().min();
        let wait = wake.map(|w| w.saturating_duration_since(now)).unwrap_or(ATTEMPT_DELAY);
        reactor.turn(Some(wait)).map_err(|e| Error::Io(e.into()))?;
    }
}

/// Removes the attempts that closed; why each did.
fn take_failed(reactor: &mut Reactor<Session>, attempts: &mut Vec<ConnId>) -> Vec<Error> {
    let mut failed = Vec::new();
    attempts.retain(|&id| {
        if !reactor.is_closed(id) {
            return true;
        }
        if let Some(mut session) = reactor.remove(id) {
            let mut why = None;
            while let Some(event) = session.poll_event() {
                if let Event::Closed(e) = event {
                    why = e;
                }
            }
            failed.push(why.unwrap_or_else(|| Error::Closed("connection closed while connecting".into())));
        }
        false
    });
    failed
}

#[cfg(test)]
mod tests {
    use super::interleave;
    use std::net::SocketAddr;

    fn addrs(list: &[&str]) -> Vec<SocketAddr> {
        list.iter().map(|a| a.parse().unwrap()).collect()
    }

    #[test]
    fn families_alternate_from_the_resolvers_first() {
        let given = addrs(&["[::1]:1", "[::2]:1", "[::3]:1", "10.0.0.1:1", "10.0.0.2:1"]);
        assert_eq!(interleave(&given), addrs(&["[::1]:1", "10.0.0.1:1", "[::2]:1", "10.0.0.2:1", "[::3]:1"]));
        let given = addrs(&["10.0.0.1:1", "[::1]:1", "10.0.0.2:1"]);
        assert_eq!(interleave(&given), addrs(&["10.0.0.1:1", "[::1]:1", "10.0.0.2:1"]));
        assert_eq!(interleave(&[]), Vec::<SocketAddr>::new());
    }
}
