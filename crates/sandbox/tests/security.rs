//! The attacker probe's defects (`shared/reference/security-probe-2.md`), one regression test
//! each, over HTTP on loopback where the probe found them over HTTP.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use instapub_sandbox::Sandbox;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::common::{admin, Graph};

/// Sends raw bytes on a fresh connection and reads the answer until the server closes it or
/// `wait` passes.
async fn raw(sb: &Sandbox, bytes: &[u8], wait: Duration) -> String {
    let addr = sb.local_url().trim_start_matches("http://").to_owned();
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    // The server may answer (and close) before everything is written.
    let _ = s.write_all(bytes).await;
    let mut out = Vec::new();
    let _ = tokio::time::timeout(wait, s.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

/// The JSON body of a raw answer.
fn body_of(answer: &str) -> serde_json::Value {
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    serde_json::from_str(body).unwrap_or_else(|_| panic!("not JSON: {answer:?}"))
}

/// Probe row 67: nested arrays in relaxed-JSON parameters overflowed the stack and aborted the
/// process. Each is now a 400 envelope, and the server keeps serving.
#[tokio::test]
async fn deep_nesting_is_refused_and_the_server_lives() {
    let sb = Sandbox::start().await;
    let g = Graph::new(sb.base_url(), sb.access_token());
    let media = format!("/{}/media", sb.user_id());
    let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    let objects = format!("{}1{}", "{a:".repeat(5000), "}".repeat(5000));
    for (name, value) in [
        ("product_tags", deep(3200)),
        ("product_tags", deep(100_000)),
        ("children", deep(5000)),
        ("user_tags", deep(5000)),
        ("product_tags", objects),
        // A line comment ends at CR for json5: the brackets after it are real.
        ("user_tags", format!("//\r{}", deep(30_000))),
        ("children", format!("[//\r{}", deep(30_000))),
    ] {
        let r = g
            .post(
                &media,
                &[("image_url", "http://127.0.0.1:9/x.jpg"), (name, &value)],
            )
            .await;
        assert_eq!(r.status, 400, "{name}: {}", r.text);
        assert_eq!(r.error().0, 100, "{name}: {}", r.text);
        let message = r.body["error"]["message"].as_str().unwrap();
        assert!(
            message.contains("nested at most") || message.contains("KiB"),
            "{name}: {message}"
        );
    }
    g.get("/me", &[]).await.expect_ok();
}

/// Probe row 69: a long but valid `product_tags` is refused for its length, and says so.
#[tokio::test]
async fn a_too_long_json_parameter_names_the_limit() {
    let sb = Sandbox::start().await;
    let g = Graph::new(sb.base_url(), sb.access_token());
    let tags: Vec<_> = (0..2000)
        .map(|i| json!({"product_id": format!("{i:020}"), "x": 0.5, "y": 0.5}))
        .collect();
    let r = g
        .post(
            &format!("/{}/media", sb.user_id()),
            &[
                ("image_url", "http://127.0.0.1:9/x.jpg"),
                ("product_tags", &json!(tags).to_string()),
            ],
        )
        .await;
    r.expect_error(400, 100, None);
    assert!(r.text.contains("at most 64 KiB of JSON"), "{}", r.text);
}

/// Probe row 105: secrets came from a clock-seeded generator. Two sandboxes started at the
/// same moment share no secret, and no 8-character piece of one is in another.
#[tokio::test]
async fn sandboxes_started_together_share_nothing() {
    let (a, b) = tokio::join!(Sandbox::start(), Sandbox::start());
    let secrets = |sb: &Sandbox| {
        vec![
            sb.admin_key().trim_start_matches("sbx_admin_").to_owned(),
            sb.access_token().trim_start_matches("EAAI").to_owned(),
            sb.app_secret().to_owned(),
        ]
    };
    let (sa, sb_) = (secrets(&a), secrets(&b));
    for x in &sa {
        for y in &sb_ {
            assert_ne!(x, y);
            for piece in x.as_bytes().windows(8) {
                let piece = std::str::from_utf8(piece).unwrap();
                assert!(!y.contains(piece), "{piece:?} in both {x} and {y}");
            }
        }
    }
}

/// Probe rows 37 and 3: keyless control-plane calls were answered only after their whole body
/// was read. The key is checked from the head: the 401 arrives while the body is still unsent.
#[tokio::test]
async fn keyless_calls_are_refused_before_the_body_is_read() {
    let sb = Sandbox::start().await;
    for path in [
        "/_sandbox/reset",
        "/_sandbox/accounts",
        "/_sandbox/files/x.bin",
    ] {
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 314572800\r\n\r\n{}",
            "x".repeat(1000)
        );
        let answer = raw(&sb, head.as_bytes(), Duration::from_secs(5)).await;
        assert!(answer.starts_with("HTTP/1.1 401"), "{path}: {answer}");
        assert_eq!(body_of(&answer)["error"]["code"], 190);
    }
    // The dashboard's login form and the upload host read a small body at most, keyless.
    let login =
        "POST /_sandbox/ui/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 314572800\r\n\r\n";
    let answer = raw(&sb, login.as_bytes(), Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    let upload = "POST /ig-api-upload/v25.0/123 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: OAuth nope\r\nfile_size: 100\r\nContent-Length: 314572800\r\n\r\n";
    let answer = raw(&sb, upload.as_bytes(), Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 4"), "{answer}");
}

/// Probe row 118: whole 32 KiB URIs were kept in the request log.
#[tokio::test]
async fn the_request_log_keeps_a_bounded_prefix_of_long_uris() {
    let sb = Sandbox::start().await;
    let pad = "a".repeat(32_000);
    let r = reqwest::get(format!("{}/v25.0/me?a=1&pad={pad}", sb.base_url()))
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    // Cut inside a URL's password: the half-written parameter is left out, not shown.
    let secret = format!("image_url=http://user:{}@127.0.0.1/x.jpg", "p".repeat(3000));
    reqwest::get(format!("{}/v25.0/me?b=2&{secret}", sb.base_url()))
        .await
        .unwrap();
    let logged = sb.requests();
    let [.., padded, cut] = &logged[..] else {
        panic!("two entries")
    };
    let kept = padded.path.len() + padded.query.as_deref().map_or(0, str::len);
    assert!(kept <= 2048 + 1, "{kept} bytes kept");
    assert_eq!(padded.query.as_deref(), Some("a=1"));
    assert_eq!(cut.query.as_deref(), Some("b=2"));
}

/// Probe rows 13 and 4: a page on another port rode the dashboard's cookie to the control
/// plane with a `no-cors` text/plain POST.
#[tokio::test]
async fn the_dashboards_cookie_works_only_from_the_dashboard() {
    let sb = Sandbox::start().await;
    let http = reqwest::Client::new();
    let cookie = format!("instapub_admin={}", sb.admin_key());
    let url = format!("{}/_sandbox/clock/advance", sb.base_url());
    let own_origin = sb.base_url().to_owned();
    let forged = [
        vec![
            ("sec-fetch-site", "same-site".to_owned()),
            ("content-type", "text/plain".to_owned()),
        ],
        vec![
            ("origin", "http://127.0.0.1:18731".to_owned()),
            ("content-type", "application/json".to_owned()),
        ],
        vec![("content-type", "text/plain;charset=UTF-8".to_owned())],
    ];
    for headers in forged {
        let mut req = http
            .post(&url)
            .header("cookie", &cookie)
            .body(r#"{"seconds":7200}"#);
        for (k, v) in &headers {
            req = req.header(*k, v);
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.status().as_u16(), 403, "{headers:?}");
        let v: serde_json::Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
        assert!(v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("refuses this browser request"));
    }
    assert_eq!(
        admin(&sb, reqwest::Method::GET, "/clock", json!({}))
            .await
            .get("offset_seconds")
            .cloned(),
        Some(json!(0)),
        "the forged calls changed nothing"
    );
    // The dashboard's own call: same origin, its header.
    let r = http
        .post(&url)
        .header("cookie", &cookie)
        .header("origin", &own_origin)
        .header("sec-fetch-site", "same-origin")
        .header("x-instapub-dashboard", "1")
        .header("content-type", "application/json")
        .body(r#"{"seconds":60}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    // A script's Bearer key needs none of that.
    let r = http
        .post(&url)
        .bearer_auth(sb.admin_key())
        .body(r#"{"seconds":60}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
}

/// Probe rows 23, 5 and 11: hosted HTML ran in the dashboard's origin; nothing was frame-proof.
#[tokio::test]
async fn hosted_files_cannot_script_and_pages_cannot_be_framed() {
    let sb = Sandbox::start().await;
    let http = reqwest::Client::new();
    http.put(format!("{}/_sandbox/files/x.html", sb.base_url()))
        .bearer_auth(sb.admin_key())
        .header("content-type", "text/html")
        .body("<script>fetch('/_sandbox/tokens',{method:'POST'})</script>")
        .send()
        .await
        .unwrap();
    let r = http
        .get(format!("{}/_sandbox/files/x.html", sb.base_url()))
        .send()
        .await
        .unwrap();
    let csp = r.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.starts_with("sandbox"), "{csp}");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    let page = http
        .get(format!("{}/_sandbox/ui", sb.base_url()))
        .bearer_auth(sb.admin_key())
        .send()
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 200);
    assert_eq!(page.headers()["x-frame-options"], "DENY");
    let csp = page.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'sha256-"));
    let consent = http
        .get(format!(
            "{}/www.facebook.com/v25.0/dialog/oauth?client_id={}&redirect_uri=http://127.0.0.1:1/cb",
            sb.base_url(),
            sb.app_id()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(consent.status().as_u16(), 200);
    assert_eq!(consent.headers()["x-frame-options"], "DENY");
}

/// Probe row 22: a `javascript:` website was a clickable link on the phone view.
#[tokio::test]
async fn a_script_website_is_shown_as_text() {
    let sb = Sandbox::start().await;
    let path = format!("/accounts/{}", sb.user_id());
    admin(
        &sb,
        reqwest::Method::PATCH,
        &path,
        json!({"website": "javascript:alert(1)"}),
    )
    .await;
    let page = reqwest::Client::new()
        .get(format!("{}/_sandbox/ui", sb.base_url()))
        .bearer_auth(sb.admin_key())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("javascript:alert(1)"), "the website is shown");
    assert!(!page.contains("href=\"javascript:"), "but not as a link");
}

/// Probe row 76: any `Host` was answered, so a DNS-rebinding page reached keyless routes.
#[tokio::test]
async fn an_unknown_host_is_refused() {
    let sb = Sandbox::start().await;
    let answer = raw(
        &sb,
        b"GET /_sandbox/openapi.json HTTP/1.1\r\nHost: evil.example:8000\r\nConnection: close\r\n\r\n",
        Duration::from_secs(5),
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 421"), "{answer}");
    assert!(body_of(&answer)["error"]["message"]
        .as_str()
        .unwrap()
        .contains("evil.example"));
    for host in ["localhost:1", "127.0.0.1", "graph.facebook.com"] {
        let req = format!(
            "GET /_sandbox/openapi.json HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        );
        let answer = raw(&sb, req.as_bytes(), Duration::from_secs(5)).await;
        assert!(answer.starts_with("HTTP/1.1 200"), "{host}: {answer:.200}");
    }
}

/// Probe rows 80, 82 and 83: hyper's own refusals came back with empty bodies.
#[tokio::test]
async fn every_refusal_hyper_makes_is_an_envelope() {
    let sb = Sandbox::start().await;
    let long_uri = format!(
        "GET /v25.0/me?x={} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "a".repeat(70_000)
    );
    let many_headers = format!(
        "GET /v25.0/me HTTP/1.1\r\nHost: 127.0.0.1\r\n{}\r\n",
        (0..200)
            .map(|i| format!("x-h{i}: v\r\n"))
            .collect::<String>()
    );
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("414", long_uri.into_bytes()),
        ("431", many_headers.into_bytes()),
        (
            "400",
            b"POST /v25.0/me HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello".to_vec(),
        ),
        (
            "400",
            b"GET /v25.0/me HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -1\r\n\r\n".to_vec(),
        ),
        ("400", b"GET /\x00 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".to_vec()),
        ("400", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n".to_vec()),
        (
            "400",
            b"POST /v25.0/me HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n".to_vec(),
        ),
    ];
    for (status, request) in cases {
        let answer = raw(&sb, &request, Duration::from_secs(5)).await;
        assert!(
            answer.starts_with(&format!("HTTP/1.1 {status}")),
            "{status}: {answer:.300}"
        );
        let v = body_of(&answer);
        assert_eq!(v["error"]["code"], 100, "{v}");
        assert!(v["error"]["fbtrace_id"].is_string(), "{v}");
    }
}

/// Probe row 84: `HEAD` answered 400 where `GET` answered 200.
#[tokio::test]
async fn head_answers_as_get_does() {
    let sb = Sandbox::start().await;
    let http = reqwest::Client::new();
    let url = format!("{}/v25.0/me", sb.base_url());
    let get = http
        .get(&url)
        .bearer_auth(sb.access_token())
        .send()
        .await
        .unwrap();
    let head = http
        .head(&url)
        .bearer_auth(sb.access_token())
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), get.status());
    assert_eq!(head.status().as_u16(), 200);
    assert_eq!(
        head.headers()["content-length"],
        get.headers()["content-length"]
    );
    assert!(head.bytes().await.unwrap().is_empty());
}

/// Probe rows 14, 15 and 101: the OAuth `code` and a password inside `image_url` were logged.
#[tokio::test]
async fn codes_and_url_credentials_are_masked_in_the_log() {
    let sb = Sandbox::start().await;
    let g = Graph::new(sb.base_url(), sb.access_token());
    let code = "AQ".to_owned() + &"c".repeat(60);
    reqwest::get(format!(
        "{}/v25.0/oauth/access_token?client_id={}&client_secret={}&redirect_uri=http://x/&code={code}",
        sb.base_url(),
        sb.app_id(),
        sb.app_secret()
    ))
    .await
    .unwrap();
    g.post(
        &format!("/{}/media", sb.user_id()),
        &[("image_url", "http://user:s3cret@127.0.0.1:9/img.jpg")],
    )
    .await;
    let log = serde_json::to_string(&sb.requests()).unwrap();
    assert!(!log.contains(&code), "the code is masked");
    assert!(!log.contains("s3cret"), "the password is masked: {log}");
    assert!(log.contains("***@127.0.0.1"), "{log}");
}

/// Probe rows 123, 124 and 7: a resumable upload took any declared size, held the file in
/// memory, and read `offset: abc` as 0.
#[tokio::test]
async fn resumable_uploads_are_capped_and_checked() {
    let sb = Sandbox::start().await;
    let g = Graph::new(sb.base_url(), sb.access_token());
    let r = g
        .post(
            &format!("/{}/media", sb.user_id()),
            &[("media_type", "REELS"), ("upload_type", "resumable")],
        )
        .await;
    let uri = r.body["uri"].as_str().unwrap().to_owned();
    let http = reqwest::Client::new();
    let send = |headers: Vec<(&'static str, &'static str)>, body: &'static [u8]| {
        let mut req = http
            .post(&uri)
            .header("authorization", format!("OAuth {}", sb.access_token()));
        for (k, v) in headers {
            req = req.header(k, v);
        }
        req.body(body).send()
    };
    // More than the largest reel (300 MB) is refused before a byte is stored.
    let r = send(vec![("offset", "0"), ("file_size", "943718400")], b"abc")
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("the largest video of this kind"));
    for (offset, size) in [("abc", "10"), ("0", "ten"), ("0", "-5")] {
        let r = send(vec![("offset", offset), ("file_size", size)], b"abc")
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 400, "{offset} {size}");
    }
    let status = http
        .get(&uri)
        .header("authorization", format!("OAuth {}", sb.access_token()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let status: serde_json::Value = serde_json::from_str(&status).unwrap();
    assert_eq!(status["offset"], 0, "nothing refused was stored: {status}");
}

/// Probe row 27 and FIDELITY 10: a consent decision posted from anywhere minted a code.
#[tokio::test]
async fn a_consent_decision_needs_the_form_it_came_from() {
    let sb = Sandbox::start().await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let url = format!("{}/www.facebook.com/v25.0/dialog/oauth", sb.base_url());
    let form = [
        ("client_id", sb.app_id()),
        ("redirect_uri", "http://127.0.0.1:1/cb"),
        ("state", "s"),
        ("decision", "allow"),
        ("account", sb.facebook_user_id()),
    ];
    let r = http.post(&url).form(&form).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let forged = [("fb_dtsg", "1.00"), ("client_id", sb.app_id())];
    let r = http
        .post(&url)
        .form(&[&form[..], &forged[..]].concat())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
}

/// Probe row 68 (FIDELITY 7): unreadable `user_tags` were stored unread.
#[tokio::test]
async fn user_tags_are_read_and_checked() {
    let sb = Sandbox::start().await;
    let g = Graph::new(sb.base_url(), sb.access_token());
    let media = format!("/{}/media", sb.user_id());
    for bad in [
        "[{username:'x',x:0.5,y:",
        "[{username:'x',x:1.5,y:0.5}]",
        "[{x:0.5,y:0.5}]",
        "{username:'x'}",
    ] {
        let r = g
            .post(
                &media,
                &[
                    ("image_url", "http://127.0.0.1:9/x.jpg"),
                    ("user_tags", bad),
                ],
            )
            .await;
        r.expect_error(400, 100, None);
        assert!(r.text.contains("Param user_tags"), "{bad}: {}", r.text);
    }
}

/// An upload whose last piece was stored before the request broke off completes, rather than
/// staying at `offset == file_size` and `upload_complete: false` for good (review of issue 23).
#[tokio::test]
async fn an_upload_broken_after_its_last_byte_completes() {
    let sb = Sandbox::start().await;
    let g = Graph::new(sb.base_url(), sb.access_token());
    let r = g
        .post(
            &format!("/{}/media", sb.user_id()),
            &[("media_type", "REELS"), ("upload_type", "resumable")],
        )
        .await;
    let id = r.id();
    let size = 1 << 20;
    // Chunked, every byte sent, then the connection closed before the final chunk.
    let mut req = format!(
        "POST /ig-api-upload/v25.0/{id} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: OAuth {}\r\n\
         offset: 0\r\nfile_size: {size}\r\nTransfer-Encoding: chunked\r\n\r\n{size:x}\r\n",
        sb.access_token()
    )
    .into_bytes();
    req.extend(std::iter::repeat_n(0u8, size));
    req.extend_from_slice(b"\r\n");
    let addr = sb.local_url().trim_start_matches("http://").to_owned();
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(&req).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    drop(s);
    let mut complete = false;
    for _ in 0..100 {
        let status = reqwest::Client::new()
            .get(format!("{}/ig-api-upload/v25.0/{id}", sb.base_url()))
            .header("authorization", format!("OAuth {}", sb.access_token()))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let v: serde_json::Value = serde_json::from_str(&status).unwrap();
        if v["upload_complete"] == true {
            // (The offset reads 0 again once processing has dropped the stored pieces.)
            complete = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(complete, "the upload completed");
    // Zeros are no video: processing says so, as for any unreadable upload.
    assert_eq!(g.wait_processed(&id).await, "ERROR");
}

/// A refusal-shaped piece of a file (a JPEG comment holding an HTTP head) is served as it is:
/// only hyper's own answer after unreadable request bytes is rewritten.
#[tokio::test]
async fn file_bytes_that_look_like_a_refusal_are_served_unchanged() {
    let dir = std::env::temp_dir().join(format!("instapub-refusal-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let sb = Sandbox::builder()
        .db(instapub_sandbox::Db::File(dir.join("db")))
        .start()
        .await
        .unwrap();
    let head = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n";
    let mut file = vec![b'x'; 70_000];
    file.extend_from_slice(head);
    let http = reqwest::Client::new();
    http.put(format!("{}/_sandbox/files/h.bin", sb.base_url()))
        .bearer_auth(sb.admin_key())
        .body(file.clone())
        .send()
        .await
        .unwrap();
    let r = http
        .get(format!("{}/_sandbox/files/h.bin", sb.base_url()))
        .header("range", format!("bytes=70000-{}", 70_000 + head.len() - 1))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 206);
    assert_eq!(&r.bytes().await.unwrap()[..], &head[..]);
    drop(sb);
    let _ = std::fs::remove_dir_all(&dir);
}
