//! Who is on the other end, for login throttling: the TCP peer, or, when that peer is one of
//! the operator's trusted reverse proxies, the address it forwarded (`X-Forwarded-For`).
//! Without trusted proxies the header is ignored, so a client cannot dodge throttling by
//! writing it.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use ipnet::IpNet;

use crate::AppState;

/// The client's address, for throttling.
#[derive(Debug, Clone)]
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let addr = peer.map(|p| client_ip(p, &parts.headers, &state.config.trusted_proxies));
        Ok(ClientAddress(
            addr.map_or_else(|| "unknown".to_string(), |a| a.to_string()),
        ))
    }
}

/// The client behind `peer`: walking `X-Forwarded-For` from the right (the hop nearest to
/// us), the first address that is not a trusted proxy. Each comma-separated entry is read
/// on its own (bytes a client wrote into its part of the header spoil that entry only);
/// ports are dropped and IPv4-mapped IPv6 addresses read as IPv4. An unreadable entry stops
/// the walk at the last trusted hop, so a forged header never names somebody else.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|n| n.contains(ip));
    let peer = peer.to_canonical();
    if !is_trusted(&peer) {
        return peer;
    }
    let hops: Vec<&[u8]> = headers
        .get_all("x-forwarded-for")
        .iter()
        .flat_map(|v| v.as_bytes().split(|b| *b == b','))
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        match parse_hop(hop) {
            Some(ip) if is_trusted(&ip) => client = ip,
            Some(ip) => return ip,
            None => return client,
        }
    }
    client
}

/// One `X-Forwarded-For` entry: `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1` or
/// `[2001:db8::1]:4711`.
fn parse_hop(hop: &[u8]) -> Option<IpAddr> {
    let text = std::str::from_utf8(hop).ok()?.trim();
    let ip = text
        .parse::<IpAddr>()
        .ok()
        .or_else(|| text.parse::<SocketAddr>().ok().map(|s| s.ip()))?;
    Some(ip.to_canonical())
}

/// Reads the `trusted_proxies` setting: addresses or networks (`10.0.0.0/8`), comma
/// separated. The error names the setting and the entry, in Japanese.
pub fn parse_trusted_proxies(text: &str) -> Result<Vec<IpNet>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<IpNet>()
                .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| {
                    format!("trusted_proxies: 「{s}」はIPアドレスでもネットワーク(例: 10.0.0.0/8)でもありません")
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in xff {
            h.append("x-forwarded-for", v.parse().expect("header"));
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        let trusted = parse_trusted_proxies("10.0.0.1").expect("parse");
        let h = headers(&["203.0.113.9"]);
        assert_eq!(
            client_ip(ip("198.51.100.7"), &h, &trusted),
            ip("198.51.100.7")
        );
        assert_eq!(
            client_ip(ip("10.0.0.1"), &h, &[]),
            ip("10.0.0.1"),
            "no proxy trusted"
        );
    }

    #[test]
    fn behind_trusted_proxies_the_first_untrusted_hop_from_the_right() {
        let trusted = parse_trusted_proxies("10.0.0.0/8, 192.168.1.1").expect("parse");
        // The client forged the first entry; the proxies appended the real hops.
        let h = headers(&["1.2.3.4, 203.0.113.9", "10.1.1.1"]);
        assert_eq!(
            client_ip(ip("192.168.1.1"), &h, &trusted),
            ip("203.0.113.9")
        );
        // Only proxies: the farthest one.
        let h = headers(&["10.2.2.2"]);
        assert_eq!(client_ip(ip("192.168.1.1"), &h, &trusted), ip("10.2.2.2"));
        // Garbage stops at the last trusted hop.
        let h = headers(&["203.0.113.9, not-an-ip"]);
        assert_eq!(client_ip(ip("10.0.0.1"), &h, &trusted), ip("10.0.0.1"));
        // A client's bad bytes in the header a proxy extended spoil only its own entry.
        let mut h = HeaderMap::new();
        h.append(
            "x-forwarded-for",
            axum::http::HeaderValue::from_bytes(b"\xe9, 203.0.113.9").expect("header"),
        );
        assert_eq!(client_ip(ip("10.0.0.1"), &h, &trusted), ip("203.0.113.9"));
        // Ports, and IPv4 peers seen on a dual-stack listener.
        let h = headers(&["203.0.113.9:4711, [2001:db8::1]:443"]);
        assert_eq!(client_ip(ip("10.0.0.1"), &h, &trusted), ip("2001:db8::1"));
        let h = headers(&["203.0.113.9"]);
        assert_eq!(
            client_ip(ip("::ffff:10.0.0.1"), &h, &trusted),
            ip("203.0.113.9")
        );
        let h = headers(&["::ffff:203.0.113.9"]);
        assert_eq!(client_ip(ip("10.0.0.1"), &h, &trusted), ip("203.0.113.9"));
        // No header: the proxy itself.
        assert_eq!(
            client_ip(ip("10.0.0.1"), &HeaderMap::new(), &trusted),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn bad_entries_are_named() {
        let e = parse_trusted_proxies("10.0.0.1, proxy.example").expect_err("bad");
        assert!(
            e.contains("trusted_proxies") && e.contains("proxy.example"),
            "{e}"
        );
        assert_eq!(
            parse_trusted_proxies(" ").expect("empty"),
            Vec::<IpNet>::new()
        );
        assert_eq!(
            parse_trusted_proxies("::1, 2001:db8::/32")
                .expect("v6")
                .len(),
            2
        );
    }
}
