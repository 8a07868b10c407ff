//! Who is asking: the client's address (the peer, or the address a trusted
//! proxy forwarded for) and the browser's `Origin` header.

use crate::app::Client;
use crate::config::Cidr;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
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

/// The client's address: the peer's, unless the peer is a trusted proxy, in
/// which case the nearest untrusted address in `X-Forwarded-For`.
pub fn client_ip(peer: Option<SocketAddr>, forwarded: Option<&str>, trusted: &[Cidr]) -> IpAddr {
    let peer = peer.map(|p| p.ip()).unwrap_or(IpAddr::from([0, 0, 0, 0]));
    let is_trusted = |ip: IpAddr| trusted.iter().any(|c| c.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    let Some(forwarded) = forwarded else {
        return peer;
    };
    let mut chosen = peer;
    for hop in forwarded.rsplit(',') {
        match hop.trim().parse::<IpAddr>() {
            Ok(ip) => {
                chosen = ip;
                if !is_trusted(ip) {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    chosen
}

/// Extracts the [`Client`] of a request, with its address already reduced
/// to the limiting key.
pub fn client(
    trusted: Arc<Vec<Cidr>>,
) -> impl Filter<Extract = (Client, IpAddr), Error = Rejection> + Clone {
    warp::addr::remote()
        .and(warp::header::optional::<String>("x-forwarded-for"))
        .and(warp::header::optional::<String>("origin"))
        .map(
            move |peer: Option<SocketAddr>, fwd: Option<String>, origin: Option<String>| {
                let key = ip_key(client_ip(peer, fwd.as_deref(), &trusted));
                (
                    Client {
                        ip_key: key.to_string(),
                        origin,
                    },
                    key,
                )
            },
        )
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

    #[test]
    fn forwarded_is_believed_only_from_trusted_peers() {
        let peer = Some("127.0.0.1:5000".parse().unwrap());
        let stranger = Some("203.0.113.9:5000".parse().unwrap());
        assert_eq!(
            client_ip(peer, Some("198.51.100.7"), &trusted()).to_string(),
            "198.51.100.7"
        );
        assert_eq!(
            client_ip(stranger, Some("198.51.100.7"), &trusted()).to_string(),
            "203.0.113.9"
        );
        // A client cannot hide behind a forged first hop.
        assert_eq!(
            client_ip(peer, Some("1.1.1.1, 198.51.100.7, 10.0.0.2"), &trusted()).to_string(),
            "198.51.100.7"
        );
        assert_eq!(
            client_ip(peer, Some("garbage"), &trusted()).to_string(),
            "127.0.0.1"
        );
        assert_eq!(client_ip(peer, None, &trusted()).to_string(), "127.0.0.1");
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
