//! What keeps a browser on the developer's machine from being turned against the sandbox:
//! the `Host` check (DNS rebinding), the cross-site check on state-changing control-plane
//! calls that ride on the dashboard's cookie (CSRF: `SameSite` does not separate ports), and
//! the headers that stop the dashboard from being framed and hosted files from running as
//! its scripts.
//!
//! Every check reads the request head only, so it runs before a byte of the body is read.

use axum::http::{header, HeaderMap, HeaderValue, Method};
use instapub_errors::{placeholder, Id};

use crate::error::ApiError;

/// Whether a `Host` header names this sandbox: any IP address (a rebinding page has a domain
/// name), `localhost` and its subdomains, a Meta host name (the routes are named after them),
/// or the host of `--public-url`. A request without `Host` (HTTP/1.0) passes.
pub fn host(headers: &HeaderMap, public_host: Option<&str>) -> Result<(), ApiError> {
    let Some(value) = headers.get(header::HOST) else {
        return Ok(());
    };
    let sent = value.to_str().unwrap_or("");
    if host_allowed(sent, public_host) {
        Ok(())
    } else {
        let shown: String = sent.chars().take(255).collect();
        Err(ApiError::new(Id::HostNotServed).with(placeholder::HOST, shown))
    }
}

/// The policy of [`host`] as a pure function over the header's text.
pub fn host_allowed(sent: &str, public_host: Option<&str>) -> bool {
    let name = host_name(sent);
    if name.is_empty() {
        return false;
    }
    let name = name.trim_end_matches('.');
    // The common case first, without an allocation: the sandbox called by its address.
    if name.parse::<std::net::IpAddr>().is_ok() {
        return true;
    }
    let name = name.to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || crate::hosts::ALL.iter().any(|h| *h == name)
        || public_host.is_some_and(|p| p.trim_end_matches('.').eq_ignore_ascii_case(&name))
}

/// The host part of a `Host` header (`name:port`, `[v6]:port`, `name`).
fn host_name(sent: &str) -> &str {
    let sent = sent.trim();
    if let Some(rest) = sent.strip_prefix('[') {
        return rest.split_once(']').map_or("", |(v6, _)| v6);
    }
    match sent.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => sent,
    }
}

/// A state-changing control-plane call authenticated by the dashboard's cookie must come from
/// the dashboard itself: a same-origin `Sec-Fetch-Site` and `Origin` when the browser sends
/// them, and a request no plain form or `no-cors` fetch can make (a JSON body or the
/// dashboard's own header). Calls with `Authorization: Bearer` are not affected: a browser
/// never adds that header by itself.
pub fn same_origin_write(method: &Method, headers: &HeaderMap) -> Result<(), ApiError> {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(());
    }
    let refuse =
        |reason: &str| Err(ApiError::new(Id::CrossSiteRefused).with(placeholder::REASON, reason));
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if !matches!(site, "same-origin" | "none") {
            return refuse(&format!("Sec-Fetch-Site is {site:?}, not same-origin"));
        }
    }
    if let Some(origin) = text(header::ORIGIN) {
        let own = text(header::HOST).unwrap_or("");
        let origin_host = origin
            .strip_prefix("http://")
            .or_else(|| origin.strip_prefix("https://"))
            .unwrap_or("");
        if origin_host.is_empty() || !origin_host.eq_ignore_ascii_case(own) {
            return refuse(&format!(
                "the Origin {origin:?} is not this sandbox ({own})"
            ));
        }
    }
    let json = text(header::CONTENT_TYPE).is_some_and(|ct| {
        ct.trim_start()
            .to_ascii_lowercase()
            .starts_with("application/json")
    });
    if !json && !headers.contains_key(DASHBOARD_HEADER) {
        return refuse(&format!(
            "send a JSON body (Content-Type: application/json) or the {DASHBOARD_HEADER} header"
        ));
    }
    Ok(())
}

/// The header the dashboard's script sends with every control-plane call.
pub const DASHBOARD_HEADER: &str = "x-instapub-dashboard";

/// The dashboard's own policy for a page whose one script is `script`: that script only (by
/// its hash: no other inline or outside script runs), its stylesheet, images and media from
/// anywhere (a staged account's picture may be any URL), never in a frame.
pub fn dashboard_csp(script: &str) -> String {
    use base64::Engine;
    use sha2::Digest;
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(script));
    format!(
        "default-src 'self'; script-src 'sha256-{hash}'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data: http: https:; media-src 'self' http: https:; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The consent pages: forms that post to themselves or redirect to the app; never framed.
const CONSENT_CSP: &str =
    "default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
     form-action 'self' http: https:; base-uri 'none'; frame-ancestors 'none'";

/// Hosted files and published media: bytes to fetch, never a page of the sandbox's origin (a
/// hosted HTML or SVG file would otherwise run with the dashboard's rights).
const FILE_CSP: &str = "sandbox; default-src 'none'; frame-ancestors 'none'";

/// Adds the headers of a dashboard page (`csp`: [`dashboard_csp`]).
pub fn dashboard_headers(headers: &mut HeaderMap, csp: HeaderValue) {
    headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    frame_and_sniff(headers);
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
}

/// Adds the headers of a consent page.
pub fn consent_headers(headers: &mut HeaderMap) {
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONSENT_CSP),
    );
    frame_and_sniff(headers);
}

/// Adds the headers of a hosted file or media bytes.
pub fn file_headers(headers: &mut HeaderMap) {
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(FILE_CSP),
    );
    frame_and_sniff(headers);
}

fn frame_and_sniff(headers: &mut HeaderMap) {
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
}

/// Whether a link target may be rendered as a link: http(s) only (`javascript:`, `data:` and
/// the rest are shown as text).
pub fn linkable(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://"))
        && url::Url::parse(url.trim()).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
}

/// The dashboard's cookie, which carries the admin key.
pub const COOKIE: &str = "instapub_admin";

/// The admin key in the dashboard's cookie, if the request carries it.
pub fn cookie_key(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_the_sandbox_answers_to() {
        for ok in [
            "127.0.0.1:8000",
            "127.0.0.1",
            "[::1]:9",
            "10.0.0.5:80",
            "localhost:8000",
            "LOCALHOST.",
            "app.localhost:3000",
            "graph.facebook.com",
            "graph.instagram.com:443",
        ] {
            assert!(host_allowed(ok, None), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:8000",
            "localhost.evil.example",
            "",
            ":80",
            "[::1",
        ] {
            assert!(!host_allowed(bad, None), "{bad}");
        }
        assert!(host_allowed("sandbox:8000", Some("sandbox")));
        assert!(!host_allowed("other:8000", Some("sandbox")));
    }

    fn head(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn cookie_writes_only_from_the_dashboard() {
        let post = Method::POST;
        let own = [
            ("host", "127.0.0.1:8000"),
            ("content-type", "application/json"),
        ];
        assert!(same_origin_write(&post, &head(&own)).is_ok());
        assert!(
            same_origin_write(&Method::GET, &head(&[("sec-fetch-site", "cross-site")])).is_ok()
        );
        let cases: &[&[(&str, &str)]] = &[
            // A no-cors fetch from another port: same-site, text/plain.
            &[
                ("host", "127.0.0.1:8000"),
                ("sec-fetch-site", "same-site"),
                ("content-type", "text/plain"),
            ],
            &[
                ("host", "127.0.0.1:8000"),
                ("origin", "http://127.0.0.1:18731"),
                ("content-type", "application/json"),
            ],
            &[
                ("host", "127.0.0.1:8000"),
                ("origin", "null"),
                ("content-type", "application/json"),
            ],
            // A form post from an old browser that sends neither header.
            &[
                ("host", "127.0.0.1:8000"),
                ("content-type", "application/x-www-form-urlencoded"),
            ],
        ];
        for case in cases {
            let e = same_origin_write(&post, &head(case)).expect_err("refused");
            assert_eq!(e.id(), Id::CrossSiteRefused, "{case:?}");
        }
        let dashboard = [
            ("host", "127.0.0.1:8000"),
            ("origin", "http://127.0.0.1:8000"),
            ("sec-fetch-site", "same-origin"),
            ("x-instapub-dashboard", "1"),
        ];
        assert!(same_origin_write(&Method::DELETE, &head(&dashboard)).is_ok());
    }

    #[test]
    fn only_web_links() {
        assert!(linkable("https://example.com/x"));
        assert!(linkable("http://example.com"));
        for bad in [
            "javascript:alert(1)",
            " JavaScript:alert(1)",
            "data:text/html,x",
            "file:///etc/passwd",
            "//evil",
            "http//x",
        ] {
            assert!(!linkable(bad), "{bad}");
        }
    }
}
