//! The HTTP side of webhooks: the verification request a subscription makes, and a signed
//! delivery POST. Callback URLs follow the media fetcher's address rules
//! (`pipeline::fetch::Reach`: no private, link-local or metadata addresses unless the sandbox
//! was started to allow them; loopback is allowed), proxies are ignored, redirects are not
//! followed (Meta does not follow them either: the 3xx is the answer), every call is bounded
//! by the timeout, and what is kept of an answer is capped.

use std::time::{Duration, Instant};

use crate::config::Reach;
use crate::pipeline::fetch::{check_url, classify, FetchError, GuardedResolver};

/// What Meta's deliveries say they are (a header capture, chatwoot/chatwoot#11983).
pub const USER_AGENT: &str = "facebookexternalua";

/// How much of a callback's answer body is kept in the delivery log.
pub const KEPT_BODY_BYTES: usize = 4096;

/// How long the verification request may take (a project measured Meta giving up after 6 s;
/// never longer than the delivery timeout).
pub const VERIFY_TIMEOUT: Duration = Duration::from_secs(6);

/// Sends webhook requests. Cheap to clone.
#[derive(Clone)]
pub struct Sender {
    client: reqwest::Client,
    reach: Reach,
    timeout: Duration,
    require_https: bool,
}

/// What came back from a delivery POST.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: Option<u16>,
    pub latency_ms: u64,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub error: Option<String>,
}

impl Answer {
    /// Whether Meta counts it as acknowledged: any 2xx.
    pub fn acknowledged(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

impl Sender {
    pub fn new(reach: Reach, timeout: Duration, require_https: bool) -> Result<Sender, FetchError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(std::sync::Arc::new(GuardedResolver::new(reach)))
            .no_proxy()
            .connect_timeout(timeout)
            .timeout(timeout)
            .user_agent(USER_AGENT)
            .build()
            .map_err(|e| FetchError::Network(e.to_string()))?;
        Ok(Sender {
            client,
            reach,
            timeout,
            require_https,
        })
    }

    /// How long a delivery may take.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Whether `url` may be a callback: http(s) (https only under the real rule), an address
    /// the sandbox may reach. `Err` says what it must be instead ("must be ...").
    pub fn check_callback(&self, url: &str) -> Result<url::Url, String> {
        let parsed =
            url::Url::parse(url).map_err(|e| format!("an absolute http(s) URL ({e}: {url:?})"))?;
        if self.require_https && parsed.scheme() != "https" {
            return Err("an https URL (this sandbox enforces Meta's HTTPS rule)".into());
        }
        check_url(&parsed, self.reach).map_err(|e| format!("a URL Meta could reach ({e})"))?;
        Ok(parsed)
    }

    /// Meta's verification request: `GET callback?hub.mode=subscribe&hub.challenge=N&
    /// hub.verify_token=T`. `Err` holds the reason as Meta's (#2200) error words it.
    pub async fn verify(&self, callback: &url::Url, verify_token: &str) -> Result<(), String> {
        let challenge = challenge();
        let mut url = callback.clone();
        url.query_pairs_mut()
            .append_pair("hub.mode", "subscribe")
            .append_pair("hub.challenge", &challenge)
            .append_pair("hub.verify_token", verify_token);
        let answer = self
            .client
            .get(url)
            .timeout(self.timeout.min(VERIFY_TIMEOUT))
            .send()
            .await;
        let response = match answer {
            Ok(r) => r,
            Err(e) => return Err(curl_reason(e)),
        };
        let status = response.status();
        if !status.is_success() {
            return Err(format!(
                "HTTP Status Code = {}; HTTP Message = {}",
                status.as_u16(),
                status.canonical_reason().unwrap_or("Unknown")
            ));
        }
        let body = capped_text(response).await;
        if body.trim() == challenge {
            Ok(())
        } else {
            Err(format!(
                "Response does not match challenge, expected value=\"{challenge}\", received=\"{}\"",
                shortened(&body)
            ))
        }
    }

    /// POSTs a delivery's body with Meta's headers; never fails, the answer says what
    /// happened.
    pub async fn post(&self, url: &str, headers: &[(String, String)], body: &str) -> Answer {
        let started = Instant::now();
        let mut req = self.client.post(url).body(body.to_owned());
        for (k, v) in headers {
            req = req.header(k.as_str(), v.as_str());
        }
        let result = req.send().await;
        let latency = |s: Instant| s.elapsed().as_millis().min(u128::from(u64::MAX)) as u64;
        match result {
            Ok(response) => {
                let status = response.status().as_u16();
                let headers = response
                    .headers()
                    .iter()
                    .map(|(k, v)| (k.to_string(), String::from_utf8_lossy(v.as_bytes()).into()))
                    .collect();
                let body = capped_text(response).await;
                Answer {
                    status: Some(status),
                    latency_ms: latency(started),
                    headers,
                    body,
                    error: None,
                }
            }
            Err(e) => Answer {
                status: None,
                latency_ms: latency(started),
                headers: Vec::new(),
                body: String::new(),
                error: Some(curl_reason(e)),
            },
        }
    }
}

/// The headers of a delivery of `body` signed with the app's secret, as Meta sends them.
pub fn delivery_headers(secret: &str, body: &str, version: &str) -> Vec<(String, String)> {
    vec![
        ("Accept".into(), "*/*".into()),
        ("Accept-Encoding".into(), "deflate, gzip".into()),
        ("User-Agent".into(), USER_AGENT.into()),
        ("Content-Type".into(), "application/json".into()),
        (
            "X-Hub-Signature".into(),
            format!("sha1={}", sha1_hex(secret, body.as_bytes())),
        ),
        (
            "X-Hub-Signature-256".into(),
            format!(
                "sha256={}",
                crate::identity::credentials::hmac_hex(secret, &[body.as_bytes()])
            ),
        ),
        ("Facebook-API-Version".into(), version.into()),
    ]
}

/// Hex HMAC-SHA1 (the legacy `X-Hub-Signature`, still sent beside the SHA-256 one).
pub fn sha1_hex(key: &str, data: &[u8]) -> String {
    use hmac::Mac;
    use std::fmt::Write as _;
    let Ok(mut mac) = hmac::Hmac::<sha1::Sha1>::new_from_slice(key.as_bytes()) else {
        // HMAC takes a key of any length; this arm is never taken.
        return String::new();
    };
    mac.update(data);
    let mut out = String::with_capacity(40);
    for b in mac.finalize().into_bytes() {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// A challenge as Meta sends them: a number.
fn challenge() -> String {
    let mut b = [0u8; 4];
    crate::identity::credentials::os_random(&mut b);
    (u32::from_le_bytes(b) % 2_000_000_000 + 1).to_string()
}

/// A transport failure in the words of Meta's fetcher (it reports curl's).
fn curl_reason(e: reqwest::Error) -> String {
    if e.is_timeout() {
        return "curl_errno = 28; curl_error = Operation timed out; HTTP Status Code = 0".into();
    }
    match classify(e) {
        FetchError::Forbidden(why) => format!("The address is not allowed: {why}"),
        other => format!(
            "curl_errno = 7; curl_error = Failed to connect ({other}); HTTP Status Code = 0"
        ),
    }
}

/// At most [`KEPT_BODY_BYTES`] of an answer, as text.
async fn capped_text(mut response: reqwest::Response) -> String {
    let mut kept = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        let room = KEPT_BODY_BYTES.saturating_sub(kept.len());
        kept.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if kept.len() >= KEPT_BODY_BYTES {
            break;
        }
    }
    String::from_utf8_lossy(&kept).into_owned()
}

/// The App Dashboard shows 18 characters of a wrong answer, then "..." (an answer of
/// "Invalid verify token" was shown as `received="Invalid verify tok..."`,
/// netguru/messenger-ruby#54).
fn shortened(s: &str) -> String {
    if s.chars().count() <= 18 {
        return s.to_owned();
    }
    let head: String = s.chars().take(18).collect();
    format!("{head}...")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_meta_s_hmacs_over_the_raw_body() {
        // RFC 2202 test case 2 (HMAC-SHA1) and RFC 4231 test case 2 (HMAC-SHA256).
        assert_eq!(
            sha1_hex("Jefe", b"what do ya want for nothing?"),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"
        );
        let h = delivery_headers("Jefe", "what do ya want for nothing?", "v25.0");
        let get = |k: &str| h.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(
            get("X-Hub-Signature-256"),
            Some("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        );
        assert_eq!(get("User-Agent"), Some("facebookexternalua"));
        assert_eq!(get("Facebook-API-Version"), Some("v25.0"));
    }

    #[test]
    fn callbacks_follow_the_fetcher_s_address_rules() {
        let s = Sender::new(Reach::Public, Duration::from_secs(1), false).unwrap();
        assert!(s.check_callback("http://127.0.0.1:3000/hook").is_ok());
        assert!(s.check_callback("http://169.254.169.254/latest").is_err());
        assert!(s.check_callback("http://10.0.0.1/hook").is_err());
        assert!(s.check_callback("ftp://example.com/hook").is_err());
        let strict = Sender::new(Reach::Public, Duration::from_secs(1), true).unwrap();
        assert!(strict.check_callback("http://127.0.0.1:3000/hook").is_err());
        assert!(strict.check_callback("https://example.com/hook").is_ok());
    }

    #[test]
    fn wrong_answers_are_shortened_as_the_dashboard_shows_them() {
        assert_eq!(shortened("Invalid verify token"), "Invalid verify tok...");
        assert_eq!(shortened("forbidden"), "forbidden");
    }
}
