//! The address ranges a webhook may not reach unless the operator allows
//! them (DESIGN §14): private, loopback, link-local (cloud metadata),
//! documentation and other special-purpose ranges, IPv4 and IPv6, with the
//! IPv6 forms that carry an IPv4 address read as that address.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

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
pub(super) fn blocked_range(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => v4_range(v4),
        IpAddr::V6(v6) => v6_range(v6),
    }
}
