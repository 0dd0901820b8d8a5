//! Fetching media from the URL a client gave, the way Instagram does: over real HTTP(S), with
//! a time limit, a redirect limit, and a size cap enforced while streaming (the download stops
//! at the cap; it is never buffered whole first).
//!
//! Safety: only `http` and `https`, and only addresses Meta's fetcher could reach ([`Reach`]):
//! private ranges (RFC 1918, CGNAT, ULA) and link-local and cloud-metadata addresses are
//! refused, also after DNS resolution and on every redirect, unless the sandbox was started
//! to allow them. Loopback is allowed, because tests host their media locally. Proxy
//! variables (`HTTP_PROXY`, `ALL_PROXY`, ...) are ignored: a proxy would resolve names
//! itself, around the address check.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

pub use crate::config::Reach;

/// How many redirects a fetch follows.
pub const MAX_REDIRECTS: usize = 5;

/// Why a fetch failed. Mapped to catalog errors by the caller (it knows the media kind).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    #[error("the download took longer than the time limit")]
    Timeout,
    #[error("the media is larger than {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("the URL is not usable: {0}")]
    BadUrl(String),
    #[error("the address is not allowed: {0}")]
    Forbidden(String),
    #[error("the server answered HTTP {0}")]
    Status(u16),
    #[error("the download failed: {0}")]
    Network(String),
}

/// A completed download (up to the cap).
#[derive(Debug, Clone)]
pub struct Fetched {
    pub bytes: Vec<u8>,
}

/// Downloads media. Cheap to clone.
#[derive(Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    timeout: Duration,
    allow_private: Reach,
    /// The sandbox's own URLs: (advertised, reachable from here).
    own: Arc<std::sync::OnceLock<(String, String)>>,
}

impl Fetcher {
    pub fn new(timeout: Duration, allow_private: Reach) -> Result<Fetcher, FetchError> {
        let policy = reqwest::redirect::Policy::custom(move |attempt| {
            // `previous()` holds the first URL and every redirect target so far.
            if attempt.previous().len() > MAX_REDIRECTS {
                return attempt.error(FetchError::Network("too many redirects".into()));
            }
            match check_url(attempt.url(), allow_private) {
                Ok(()) => attempt.follow(),
                Err(e) => attempt.error(e),
            }
        });
        let client = reqwest::Client::builder()
            .redirect(policy)
            .dns_resolver(Arc::new(GuardedResolver { allow_private }))
            // Never through a proxy from the environment: the proxy would resolve host names
            // itself, and the resolver's address check would never run.
            .no_proxy()
            .connect_timeout(timeout)
            .user_agent("facebookexternalhit/1.1 (instapub-sandbox)")
            .build()
            .map_err(|e| FetchError::Network(e.to_string()))?;
        Ok(Fetcher {
            client,
            timeout,
            allow_private,
            own: Arc::default(),
        })
    }

    /// Tells the fetcher the sandbox's own base URL as clients see it (`advertised`) and as it
    /// is reachable from inside (`local`): media URLs under the first are fetched from the
    /// second, so a sandbox behind a proxy or listening on `0.0.0.0` can fetch files it hosts.
    pub fn set_own_urls(&self, advertised: &str, local: &str) {
        let _ = self.own.set((advertised.to_owned(), local.to_owned()));
    }

    /// Whether `url` is under the sandbox's own local base URL.
    fn is_own(&self, url: &str) -> bool {
        self.own.get().is_some_and(|(_, local)| {
            url.strip_prefix(local.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
    }

    /// `url`, with the sandbox's advertised base replaced by its local one.
    fn own_url<'u>(&self, url: &'u str) -> std::borrow::Cow<'u, str> {
        match self.own.get() {
            Some((advertised, local)) if advertised != local => {
                match url.strip_prefix(advertised.as_str()) {
                    Some(rest) if rest.is_empty() || rest.starts_with('/') => {
                        format!("{local}{rest}").into()
                    }
                    _ => url.into(),
                }
            }
            _ => url.into(),
        }
    }

    /// Downloads `url`, failing with [`FetchError::TooLarge`] as soon as more than `cap` bytes
    /// arrive, and with [`FetchError::Timeout`] when the whole download exceeds the time limit.
    pub async fn fetch(&self, url: &str, cap: u64) -> Result<Fetched, FetchError> {
        let mut bytes = Vec::new();
        self.stream(url, cap, |chunk| {
            bytes.extend_from_slice(chunk);
            std::ops::ControlFlow::Continue(())
        })
        .await?;
        Ok(Fetched { bytes })
    }

    /// Streams `url` into `sink` chunk by chunk without keeping it, under the same cap and time
    /// limit as [`Fetcher::fetch`]. The sink may stop the download early with `Break`.
    pub async fn stream(
        &self,
        url: &str,
        cap: u64,
        sink: impl FnMut(&[u8]) -> std::ops::ControlFlow<()>,
    ) -> Result<u64, FetchError> {
        let url = self.own_url(url);
        let parsed = url::Url::parse(&url).map_err(|e| FetchError::BadUrl(e.to_string()))?;
        // The sandbox's own files are fetched from wherever it listens (a private address
        // included); everything else must pass the address policy.
        if !self.is_own(&url) {
            check_url(&parsed, self.allow_private)?;
        }
        match tokio::time::timeout(self.timeout, self.download(parsed, cap, sink)).await {
            Ok(result) => result,
            Err(_) => Err(FetchError::Timeout),
        }
    }

    async fn download(
        &self,
        url: url::Url,
        cap: u64,
        mut sink: impl FnMut(&[u8]) -> std::ops::ControlFlow<()>,
    ) -> Result<u64, FetchError> {
        let response = self.client.get(url).send().await.map_err(classify)?;
        let status = response.status();
        if !status.is_success() {
            return Err(FetchError::Status(status.as_u16()));
        }
        if response.content_length().is_some_and(|n| n > cap) {
            return Err(FetchError::TooLarge { limit: cap });
        }
        let mut total: u64 = 0;
        let mut stream = response.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(classify)?;
            total += chunk.len() as u64;
            if total > cap {
                return Err(FetchError::TooLarge { limit: cap });
            }
            if sink(&chunk).is_break() {
                break;
            }
        }
        Ok(total)
    }
}

pub fn classify(e: reqwest::Error) -> FetchError {
    if e.is_timeout() {
        return FetchError::Timeout;
    }
    // Our own refusals travel inside reqwest's error chain.
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
    while let Some(s) = source {
        if let Some(f) = s.downcast_ref::<FetchError>() {
            return f.clone();
        }
        source = s.source();
    }
    // reqwest's own message stops at "error sending request"; the causes say why.
    let mut text = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        let more = s.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = s.source();
    }
    FetchError::Network(text)
}

/// Scheme and literal-address checks for a URL (the first one and every redirect).
pub fn check_url(url: &url::Url, allow_private: Reach) -> Result<(), FetchError> {
    match url.scheme() {
        "http" | "https" => {}
        other => {
            return Err(FetchError::BadUrl(format!(
                "scheme {other:?} is not http or https"
            )))
        }
    }
    match url.host() {
        None => Err(FetchError::BadUrl("no host".into())),
        Some(url::Host::Ipv4(ip)) => check_ip(IpAddr::V4(ip), allow_private),
        Some(url::Host::Ipv6(ip)) => check_ip(IpAddr::V6(ip), allow_private),
        Some(url::Host::Domain(_)) => Ok(()),
    }
}

/// Refuses what `reach` does not allow: private ranges, link-local, cloud-metadata,
/// unspecified, broadcast and multicast addresses (an address policy, tested as a function:
/// tests never send traffic off loopback).
pub fn check_ip(ip: IpAddr, reach: Reach) -> Result<(), FetchError> {
    if reach == Reach::All {
        return Ok(());
    }
    if reach == Reach::Public && is_private(ip) {
        return Err(FetchError::Forbidden(format!(
            "{ip} (a private address; start the sandbox with --allow-private-fetch to fetch from it)"
        )));
    }
    let forbidden = match ip {
        IpAddr::V4(v4) => {
            v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                // Alibaba Cloud's metadata service.
                || v4 == Ipv4Addr::new(100, 100, 100, 200)
        }
        IpAddr::V6(v6) => {
            let link_local = (v6.segments()[0] & 0xffc0) == 0xfe80;
            // AWS's IPv6 metadata service fd00:ec2::254.
            let aws_metadata = v6 == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254);
            let embedded_bad = embedded_ipv4(v6)
                .into_iter()
                .any(|v4| check_ip(IpAddr::V4(v4), reach).is_err());
            link_local || aws_metadata || embedded_bad || v6.is_unspecified() || v6.is_multicast()
        }
    };
    if forbidden {
        Err(FetchError::Forbidden(ip.to_string()))
    } else {
        Ok(())
    }
}

/// RFC 1918, CGNAT and IPv6 unique-local addresses (and IPv6 forms carrying one of the IPv4
/// ranges): a developer's LAN or a provider's network, which Meta's fetcher never reaches.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_private() || (a == 100 && (64..128).contains(&b))
        }
        IpAddr::V6(v6) => {
            (v6.segments()[0] & 0xfe00) == 0xfc00
                && v6 != Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254)
                || embedded_ipv4(v6)
                    .into_iter()
                    .any(|v4| is_private(IpAddr::V4(v4)))
        }
    }
}

/// Every IPv4 address an IPv6 address carries inside it, in each form that can route to it:
/// IPv4-mapped (`::ffff:a.b.c.d`) and -compatible (`::a.b.c.d`), NAT64 (`64:ff9b::/96` and
/// the local-use `64:ff9b:1::/48`), 6to4 (`2002:AABB:CCDD::/48`) and Teredo (`2001:0::/32`,
/// server and de-obfuscated client address).
fn embedded_ipv4(v6: Ipv6Addr) -> Vec<Ipv4Addr> {
    let s = v6.segments();
    let low32 = || Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    let mut out = Vec::new();
    if let Some(v4) = v6.to_ipv4() {
        // Mapped and compatible forms (`::1` comes out as 0.0.0.1: harmless).
        out.push(v4);
    }
    if s[0] == 0x64 && s[1] == 0xff9b && (s[2..6] == [0, 0, 0, 0] || s[2] == 1) {
        out.push(low32());
    }
    if s[0] == 0x2002 {
        out.push(Ipv4Addr::new(
            (s[1] >> 8) as u8,
            s[1] as u8,
            (s[2] >> 8) as u8,
            s[2] as u8,
        ));
    }
    if s[0] == 0x2001 && s[1] == 0 {
        out.push(Ipv4Addr::new(
            (s[2] >> 8) as u8,
            s[2] as u8,
            (s[3] >> 8) as u8,
            s[3] as u8,
        ));
        let (a, b) = (!s[6], !s[7]);
        out.push(Ipv4Addr::new(
            (a >> 8) as u8,
            a as u8,
            (b >> 8) as u8,
            b as u8,
        ));
    }
    out
}

/// DNS resolution that drops forbidden addresses, so a hostname cannot smuggle a fetch to a
/// metadata service.
pub struct GuardedResolver {
    allow_private: Reach,
}

impl GuardedResolver {
    /// A resolver that keeps only the addresses `reach` allows (webhook callbacks use it too).
    pub fn new(allow_private: Reach) -> GuardedResolver {
        GuardedResolver { allow_private }
    }
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| check_ip(a.ip(), allow_private).is_ok())
                .collect();
            if addrs.is_empty() {
                let err: Box<dyn std::error::Error + Send + Sync> = Box::new(
                    FetchError::Forbidden(format!("{host} has no allowed address")),
                );
                return Err(err);
            }
            let addrs: Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_addresses() {
        for ip in [
            "169.254.169.254",
            "169.254.1.1",
            "0.0.0.0",
            "100.100.100.200",
            "fe80::1",
            "fd00:ec2::254",
            "::ffff:169.254.169.254",
            // IPv4 inside IPv6, every form (issue 16, defect 9).
            "::169.254.169.254",
            "64:ff9b::a9fe:a9fe",
            "64:ff9b:1::a9fe:a9fe",
            "2002:a9fe:a9fe::1",
            "2001:0:a9fe:a9fe::1",
            "2001:0:4136:e378:8000:63bf:5601:5601",
            "::ffff:100.100.100.200",
        ] {
            let ip: IpAddr = ip.parse().expect("ip");
            assert!(check_ip(ip, Reach::Public).is_err(), "{ip}");
            assert!(check_ip(ip, Reach::Private).is_err(), "{ip}");
            assert!(check_ip(ip, Reach::All).is_ok(), "{ip}");
        }
        for ip in [
            "127.0.0.1",
            "127.5.6.7",
            "::1",
            "93.184.216.34",
            "100.63.255.255",
            "100.128.0.1",
            "172.15.0.1",
            "172.32.0.1",
            "64:ff9b::5db8:d822",
            "2002:5db8:d822::1",
            "2606:4700::1111",
        ] {
            let ip: IpAddr = ip.parse().expect("ip");
            assert!(check_ip(ip, Reach::Public).is_ok(), "{ip}");
        }
    }

    #[test]
    fn private_ranges_only_when_allowed() {
        for ip in [
            "10.0.0.1",
            "10.255.255.255",
            "172.16.0.1",
            "172.31.255.254",
            "192.168.1.10",
            "100.64.0.1",
            "100.127.255.255",
            "fc00::1",
            "fd12:3456::1",
            "::ffff:192.168.1.1",
            "64:ff9b::c0a8:0101",
            "2002:c0a8:0101::1",
        ] {
            let ip: IpAddr = ip.parse().expect("ip");
            assert!(is_private(ip), "{ip}");
            assert!(
                matches!(check_ip(ip, Reach::Public), Err(FetchError::Forbidden(ref why)) if why.contains("--allow-private-fetch")),
                "{ip}"
            );
            assert!(check_ip(ip, Reach::Private).is_ok(), "{ip}");
        }
        // The metadata services stay refused when private ranges are allowed.
        for ip in ["fd00:ec2::254", "169.254.169.254", "100.100.100.200"] {
            let ip: IpAddr = ip.parse().expect("ip");
            assert!(check_ip(ip, Reach::Private).is_err(), "{ip}");
        }
    }

    #[test]
    fn only_http_schemes() {
        for url in [
            "file:///etc/passwd",
            "ftp://x/y",
            "gopher://x",
            "data:text/plain,hi",
        ] {
            let u = url::Url::parse(url).expect("url");
            assert!(
                matches!(check_url(&u, Reach::Public), Err(FetchError::BadUrl(_))),
                "{url}"
            );
        }
        let u = url::Url::parse("http://169.254.169.254/latest/meta-data").expect("url");
        assert!(matches!(
            check_url(&u, Reach::Public),
            Err(FetchError::Forbidden(_))
        ));
    }
}
