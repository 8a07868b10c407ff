//! Where webhooks may go (DESIGN §14): only to public addresses, unless the
//! operator allows private ranges by name in natter.toml
//! (`[webhooks] allow_private = ["10.0.0.0/8"]`).
//!
//! A webhook's URL is checked when it is saved (admin API, configuration,
//! import), and again when natter connects: the client's resolver
//! (`resolver.rs`) resolves the host, checks every address and hands the
//! client only the ones that pass, so a name that later resolves elsewhere
//! (DNS rebinding) gets nowhere. An address written in the URL itself
//! never reaches a resolver, so [`check_connect`] checks it before the
//! request is made.

use super::ranges::blocked_range;
use crate::domain::net::Cidr;
use std::net::{IpAddr, ToSocketAddrs};

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
/// (names are checked by [`Resolver`](super::resolver::Resolver) as they are resolved).
pub fn check_connect(url: &url::Url, allow: &[Cidr]) -> Result<(), String> {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => permitted(IpAddr::V4(ip), allow),
        Some(url::Host::Ipv6(ip)) => permitted(IpAddr::V6(ip), allow),
        Some(url::Host::Domain(_)) => Ok(()),
        None => Err("the webhook url has no host".into()),
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
