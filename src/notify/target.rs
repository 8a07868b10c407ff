//! Where webhooks may go (DESIGN §14): only to public addresses, unless the
//! operator allows private ranges by name in natter.toml
//! (`[webhooks] allow_private = ["10.0.0.0/8"]`).
//!
//! A webhook's URL is checked when it is saved (admin API, configuration,
//! import), and again when natter connects: [`Resolver`] resolves the host,
//! checks every address and hands the client only the ones that pass, so a
//! name that later resolves elsewhere (DNS rebinding) gets nowhere. An
//! address written in the URL itself never reaches a resolver, so
//! [`check_connect`] checks it before the request is made.

use crate::config::Cidr;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::sync::Arc;

/// The IPv4 ranges a webhook may not reach unless allowed: (network,
/// prefix length, what the range is).
const V4_BLOCKED: [(u32, u8, &str); 14] = [
    (0x0000_0000, 8, "unspecified (\"this network\")"),
    (0x0a00_0000, 8, "private"),
    (0x6440_0000, 10, "shared (carrier-grade NAT)"),
    (0x7f00_0000, 8, "loopback"),
    (0xa9fe_0000, 16, "link-local (cloud metadata)"),
    (0xac10_0000, 12, "private"),
    (0xc000_0000, 24, "IETF protocol"),
    (0xc000_0200, 24, "documentation"),
    (0xc0a8_0000, 16, "private"),
    (0xc612_0000, 15, "benchmarking"),
    (0xc633_6400, 24, "documentation"),
    (0xcb00_7100, 24, "documentation"),
    (0xe000_0000, 4, "multicast"),
    (0xf000_0000, 4, "reserved or broadcast"),
];

/// The IPv6 ranges a webhook may not reach unless allowed.
const V6_BLOCKED: [(u128, u8, &str); 10] = [
    (0, 128, "unspecified"),
    (1, 128, "loopback"),
    (0, 96, "IPv4-compatible"),
    (0x0100_0000_0000_0000_0000_0000_0000_0000, 64, "discard"),
    (0x2001_0000_0000_0000_0000_0000_0000_0000, 32, "Teredo"),
    (
        0x2001_0db8_0000_0000_0000_0000_0000_0000,
        32,
        "documentation",
    ),
    (
        0xfc00_0000_0000_0000_0000_0000_0000_0000,
        7,
        "unique local (private)",
    ),
    (0xfe80_0000_0000_0000_0000_0000_0000_0000, 10, "link-local"),
    (0xfec0_0000_0000_0000_0000_0000_0000_0000, 10, "site-local"),
    (0xff00_0000_0000_0000_0000_0000_0000_0000, 8, "multicast"),
];

fn in_range(bits: u128, width: u32, net: u128, prefix: u8) -> bool {
    let shift = width - u32::from(prefix);
    prefix == 0 || bits >> shift == net >> shift
}

fn v4_range(ip: Ipv4Addr) -> Option<&'static str> {
    let bits = u128::from(u32::from(ip));
    V4_BLOCKED
        .iter()
        .find(|(net, prefix, _)| in_range(bits, 32, u128::from(*net), *prefix))
        .map(|(_, _, what)| *what)
}

fn v6_range(ip: Ipv6Addr) -> Option<&'static str> {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return v4_range(v4);
    }
    let bits = u128::from(ip);
    // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address
    // that the packet ends up at.
    if bits >> 32 == 0x0064_ff9b_0000_0000_0000_0000 {
        return v4_range(Ipv4Addr::from(bits as u32));
    }
    if bits >> 112 == 0x2002 {
        return v4_range(Ipv4Addr::from((bits >> 80) as u32));
    }
    V6_BLOCKED
        .iter()
        .find(|(net, prefix, _)| in_range(bits, 128, *net, *prefix))
        .map(|(_, _, what)| *what)
}

/// What kind of non-public address `ip` is, or `None` for a public one.
pub fn blocked_range(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => v4_range(v4),
        IpAddr::V6(v6) => v6_range(v6),
    }
}

/// Whether a webhook may reach `ip`: a public address, or one in a range
/// the operator allowed. The error says what to write to allow it.
pub fn permitted(ip: IpAddr, allow: &[Cidr]) -> Result<(), String> {
    let Some(what) = blocked_range(ip) else {
        return Ok(());
    };
    if allow.iter().any(|c| c.contains(ip)) {
        return Ok(());
    }
    let one = if ip.is_ipv4() { 32 } else { 128 };
    Err(format!(
        "{ip} is a {what} address, and webhooks go only to public addresses. \
         To allow it, add its range to natter.toml: [webhooks] allow_private = [\"{ip}/{one}\"]"
    ))
}

/// Checks a webhook URL when it is saved: an address in it must be
/// permitted, and so must every address its host name resolves to now. A
/// name that does not resolve yet is let through: it is checked again at
/// each delivery.
pub fn check_url(url: &str, allow: &[Cidr]) -> Result<(), String> {
    let parsed =
        url::Url::parse(url).map_err(|e| format!("webhook url {url:?} is not an address ({e})"))?;
    let refuse = |m: String| format!("webhook url {url:?}: {m}");
    match parsed.host() {
        Some(url::Host::Ipv4(ip)) => permitted(IpAddr::V4(ip), allow).map_err(refuse),
        Some(url::Host::Ipv6(ip)) => permitted(IpAddr::V6(ip), allow).map_err(refuse),
        Some(url::Host::Domain(name)) => {
            let port = parsed.port_or_known_default().unwrap_or(443);
            let Ok(found) = (name, port).to_socket_addrs() else {
                return Ok(());
            };
            for addr in found {
                permitted(addr.ip(), allow)
                    .map_err(|m| refuse(format!("{name} resolves to {m}")))?;
            }
            Ok(())
        }
        None => Err(format!("webhook url {url:?} has no host")),
    }
}

/// Checks, just before a delivery, an address written in the URL itself
/// (names are checked by [`Resolver`] as they are resolved).
pub fn check_connect(url: &url::Url, allow: &[Cidr]) -> Result<(), String> {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => permitted(IpAddr::V4(ip), allow),
        Some(url::Host::Ipv6(ip)) => permitted(IpAddr::V6(ip), allow),
        Some(url::Host::Domain(_)) => Ok(()),
        None => Err("the webhook url has no host".into()),
    }
}

/// The webhook client's resolver: it resolves a name and returns only the
/// addresses a webhook may reach, so the client connects to nothing else.
pub struct Resolver {
    allow: Arc<Vec<Cidr>>,
}

impl Resolver {
    pub fn new(allow: Vec<Cidr>) -> Resolver {
        Resolver {
            allow: Arc::new(allow),
        }
    }
}

impl reqwest::dns::Resolve for Resolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow = Arc::clone(&self.allow);
        let host = name.as_str().to_string();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let mut refused = None;
            let checked: Vec<SocketAddr> = found
                .into_iter()
                .filter(|a| match permitted(a.ip(), &allow) {
                    Ok(()) => true,
                    Err(m) => {
                        refused = Some(m);
                        false
                    }
                })
                .collect();
            if checked.is_empty() {
                let why = refused.map_or_else(
                    || format!("{host} has no address"),
                    |m| format!("{host} resolves to {m}"),
                );
                return Err(why.into());
            }
            let addrs: reqwest::dns::Addrs = Box::new(checked.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_addresses_are_blocked_and_public_ones_pass() {
        let blocked = [
            "127.0.0.1",
            "127.5.6.7",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "192.0.2.1",
            "198.51.100.7",
            "203.0.113.9",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "2001:db8::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::ffff:10.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::",
        ];
        for ip in blocked {
            let ip: IpAddr = ip.parse().unwrap();
            assert!(blocked_range(ip).is_some(), "{ip} must be blocked");
            assert!(permitted(ip, &[]).is_err(), "{ip}");
        }
        for ip in [
            "93.184.216.34",
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            let ip: IpAddr = ip.parse().unwrap();
            assert_eq!(blocked_range(ip), None, "{ip} is public");
        }
    }

    #[test]
    fn an_allowed_range_lets_its_addresses_through() {
        let allow = [Cidr::parse("127.0.0.1/32").unwrap()];
        assert!(permitted("127.0.0.1".parse().unwrap(), &allow).is_ok());
        assert!(permitted("::ffff:127.0.0.1".parse().unwrap(), &allow).is_ok());
        assert!(permitted("127.0.0.2".parse().unwrap(), &allow).is_err());
        let message = permitted("10.0.0.1".parse().unwrap(), &allow).unwrap_err();
        assert!(message.contains("allow_private"), "{message}");
    }
}
