//! Who is asking: the client's address (the peer, or the address a trusted
//! proxy forwarded for) and the browser's `Origin` header.

use crate::app::Client;
use crate::config::Cidr;
use std::convert::Infallible;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use warp::http::HeaderMap;
use warp::{Filter, Rejection};

/// The key an address is limited and hashed by: IPv4 as is, IPv6 by its
/// /64, since one home or phone holds a whole /64.
pub fn ip_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !u128::from(u64::MAX))),
        },
        v4 => v4,
    }
}

/// The address of the connection a request came on, put beside each
/// request by the connection loop (`serve/`).
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub SocketAddr);

/// Who a request is from, as far as natter can tell (DESIGN §14).
///
/// `Unknown` is a request whose `X-Forwarded-For`, sent by a trusted proxy,
/// holds a hop natter cannot read: its client cannot be named, so all such
/// requests are limited together as one client, never given the proxy's
/// own address, and never let into `/metrics`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClientAddr {
    Ip(IpAddr),
    Unknown,
}

impl ClientAddr {
    /// The key a client is limited and hashed by (see [`ip_key`]).
    pub fn key(self) -> ClientAddr {
        match self {
            ClientAddr::Ip(ip) => ClientAddr::Ip(ip_key(ip)),
            ClientAddr::Unknown => ClientAddr::Unknown,
        }
    }

    /// Loopback, or one of `allowed`: never an unknown client.
    pub fn is_within(self, allowed: &[Cidr]) -> bool {
        match self {
            ClientAddr::Ip(ip) => ip.is_loopback() || allowed.iter().any(|c| c.contains(ip)),
            ClientAddr::Unknown => false,
        }
    }
}

impl std::fmt::Display for ClientAddr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClientAddr::Ip(ip) => ip.fmt(f),
            ClientAddr::Unknown => f.write_str("unknown"),
        }
    }
}

impl From<IpAddr> for ClientAddr {
    fn from(ip: IpAddr) -> Self {
        ClientAddr::Ip(ip)
    }
}

/// One hop of `X-Forwarded-For`: `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1`,
/// `[2001:db8::1]` or `[2001:db8::1]:5678`; anything else is `None`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    if let Ok(ip) = hop.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(sock) = hop.parse::<SocketAddr>() {
        return Some(sock.ip());
    }
    let inner = hop.strip_prefix('[')?.strip_suffix(']')?;
    inner.parse::<std::net::Ipv6Addr>().ok().map(IpAddr::V6)
}

/// The client's address: the peer's, unless the peer is a trusted proxy;
/// then `forwarded` (every `X-Forwarded-For` line, in order) is read from
/// the right, skipping trusted proxies, and the first other hop is the
/// client. A hop that cannot be read makes the client [`ClientAddr::Unknown`];
/// if every hop is a trusted proxy, the leftmost is the client.
pub fn client_addr(peer: Option<SocketAddr>, forwarded: &[&str], trusted: &[Cidr]) -> ClientAddr {
    let peer = peer.map(|p| p.ip()).unwrap_or(IpAddr::from([0, 0, 0, 0]));
    let is_trusted = |ip: IpAddr| trusted.iter().any(|c| c.contains(ip));
    if !is_trusted(peer) || forwarded.is_empty() {
        return ClientAddr::Ip(peer);
    }
    let mut chosen = peer;
    // Lines are one list (RFC 9110 §5.3): the last line holds the nearest hops.
    for hop in forwarded.iter().rev().flat_map(|line| line.rsplit(',')) {
        let Some(ip) = parse_hop(hop) else {
            return ClientAddr::Unknown;
        };
        chosen = ip;
        if !is_trusted(ip) {
            break;
        }
    }
    ClientAddr::Ip(chosen)
}

/// The proxies natter believes, and whether it has said that it seems to
/// be behind one it was not told about.
pub struct Trust {
    proxies: Vec<Cidr>,
    hinted: AtomicBool,
}

impl Trust {
    pub fn new(proxies: Vec<Cidr>) -> Trust {
        Trust {
            proxies,
            hinted: AtomicBool::new(false),
        }
    }

    /// The client of a request; with no trusted proxies, a forwarded request
    /// from loopback makes natter say once how to trust its proxy.
    pub fn client_addr(&self, peer: Option<SocketAddr>, forwarded: &[&str]) -> ClientAddr {
        let from_loopback = peer.is_some_and(|p| p.ip().is_loopback());
        if self.proxies.is_empty()
            && from_loopback
            && !forwarded.is_empty()
            && !self.hinted.swap(true, Ordering::Relaxed)
        {
            tracing::warn!(
                "natter is probably behind a proxy: requests from loopback carry \
                 X-Forwarded-For, but no proxy is trusted, so every reader counts as the proxy \
                 itself (one rate limit for all). Set trusted_proxies = [\"127.0.0.1/32\", \"::1\"] \
                 in natter.toml (or NATTER_TRUSTED_PROXIES) to the proxy's addresses"
            );
        }
        client_addr(peer, forwarded, &self.proxies)
    }
}

/// The request's client address, after trusted proxies.
pub fn addr(trust: Arc<Trust>) -> impl Filter<Extract = (ClientAddr,), Error = Infallible> + Clone {
    warp::ext::optional::<Peer>()
        .and(warp::header::headers_cloned())
        .map(move |peer: Option<Peer>, headers: HeaderMap| {
            trust.client_addr(peer.map(|p| p.0), &forwarded(&headers))
        })
}

/// Every `X-Forwarded-For` line of a request, in order; a line that is not
/// text holds no hop that can be read.
pub fn forwarded(headers: &HeaderMap) -> Vec<&str> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .map(|v| v.to_str().unwrap_or(""))
        .collect()
}

/// Extracts the [`Client`] of a request, and its address reduced to the
/// limiting key.
pub fn client(
    trust: Arc<Trust>,
) -> impl Filter<Extract = (Client, ClientAddr), Error = Rejection> + Clone {
    addr(trust)
        .and(warp::header::optional::<String>("origin"))
        .map(move |addr: ClientAddr, origin: Option<String>| {
            let key = addr.key();
            (
                Client {
                    ip_key: key.to_string(),
                    origin,
                },
                key,
            )
        })
        .untuple_one()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trusted() -> Vec<Cidr> {
        vec![
            Cidr::parse("127.0.0.1/32").unwrap(),
            Cidr::parse("10.0.0.0/8").unwrap(),
        ]
    }

    fn ip(peer: &str, lines: &[&str]) -> String {
        client_addr(Some(peer.parse().unwrap()), lines, &trusted()).to_string()
    }

    #[test]
    fn forwarded_is_believed_only_from_trusted_peers() {
        let proxy = "127.0.0.1:5000";
        assert_eq!(ip(proxy, &["198.51.100.7"]), "198.51.100.7");
        assert_eq!(ip("203.0.113.9:5000", &["198.51.100.7"]), "203.0.113.9");
        // A client cannot hide behind a forged first hop.
        assert_eq!(
            ip(proxy, &["1.1.1.1, 198.51.100.7, 10.0.0.2"]),
            "198.51.100.7"
        );
        assert_eq!(ip(proxy, &[]), "127.0.0.1");
        // Every hop a trusted proxy: the leftmost is the client.
        assert_eq!(ip(proxy, &["10.0.0.3, 10.0.0.2"]), "10.0.0.3");
    }

    #[test]
    fn every_line_counts_and_the_last_is_nearest() {
        let proxy = "127.0.0.1:5000";
        // The client wrote the first line; the proxy appended the second.
        assert_eq!(ip(proxy, &["6.6.6.6", "198.51.100.7"]), "198.51.100.7");
        assert_eq!(
            ip(proxy, &["6.6.6.6", "198.51.100.7, 10.0.0.2"]),
            "198.51.100.7"
        );
        assert_eq!(ip(proxy, &["198.51.100.7", "10.0.0.2"]), "198.51.100.7");
    }

    #[test]
    fn ports_are_read_and_unreadable_hops_are_unknown() {
        let proxy = "127.0.0.1:5000";
        assert_eq!(ip(proxy, &["8.8.8.8:1234"]), "8.8.8.8");
        assert_eq!(ip(proxy, &["[2001:db8::7]:443"]), "2001:db8::7");
        assert_eq!(ip(proxy, &["[2001:db8::7]"]), "2001:db8::7");
        assert_eq!(ip(proxy, &["2001:db8::7"]), "2001:db8::7");
        for bad in [
            "unknown",
            "garbage",
            "",
            "1.2.3.4, ",
            "_hidden",
            "[1.2.3.4]:80x",
        ] {
            let got = client_addr(Some(proxy.parse().unwrap()), &[bad], &trusted());
            assert_eq!(got, ClientAddr::Unknown, "{bad:?}");
            assert!(!got.is_within(&trusted()), "{bad:?}");
        }
        // An unreadable hop beyond the client is not looked at.
        assert_eq!(ip(proxy, &["unknown, 198.51.100.7"]), "198.51.100.7");
        assert!(ClientAddr::Ip("::1".parse().unwrap()).is_within(&[]));
    }

    #[test]
    fn an_untrusted_loopback_proxy_is_noticed_once() {
        let trust = Trust::new(Vec::new());
        let peer = Some("127.0.0.1:4000".parse().unwrap());
        assert_eq!(trust.client_addr(peer, &[]).to_string(), "127.0.0.1");
        assert!(!trust.hinted.load(Ordering::Relaxed));
        assert_eq!(
            trust.client_addr(peer, &["8.8.8.8"]).to_string(),
            "127.0.0.1"
        );
        assert!(trust.hinted.load(Ordering::Relaxed));
    }

    #[test]
    fn ipv6_is_keyed_by_its_64() {
        let a = ip_key("2001:db8:1:2:aaaa::1".parse().unwrap());
        let b = ip_key("2001:db8:1:2:bbbb::9".parse().unwrap());
        let c = ip_key("2001:db8:1:3::1".parse().unwrap());
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(
            ip_key("::ffff:1.2.3.4".parse().unwrap()).to_string(),
            "1.2.3.4"
        );
    }
}
