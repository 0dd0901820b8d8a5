//! Property tests: whatever a client sends (method, path, query, content type, body), the
//! sandbox answers with JSON (a success or a Graph envelope), never a panic, an HTML page or a
//! bare 500; and the parameter parser never panics on arbitrary bytes.

#![allow(clippy::unwrap_used)]

use axum::http::{header, HeaderMap, HeaderValue};
use instapub_sandbox::internals::{parse_relaxed_json, Params};
use instapub_sandbox::Sandbox;
use proptest::prelude::*;
use serde_json::Value;

proptest! {
    #[test]
    fn params_never_panic(
        query in proptest::option::of(".{0,200}"),
        content_type in prop_oneof![
            Just("application/json".to_owned()),
            Just("application/x-www-form-urlencoded".to_owned()),
            Just("multipart/form-data".to_owned()),
            ".{0,30}",
        ],
        body in prop::collection::vec(any::<u8>(), 0..400),
    ) {
        let mut headers = HeaderMap::new();
        if let Ok(v) = HeaderValue::from_str(&content_type) {
            headers.insert(header::CONTENT_TYPE, v);
        }
        if let Ok(p) = Params::from_request(query.as_deref(), &headers, &body) {
            for name in ["children", "user_tags", "caption", "thumb_offset", "share_to_feed"] {
                let _ = p.id_list(name);
                let _ = p.json(name);
                let _ = p.i64(name);
                let _ = p.bool(name);
            }
        }
    }

    #[test]
    fn relaxed_json_never_panics(text in ".{0,300}") {
        let _ = parse_relaxed_json(&text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Nesting up to 10,000 deep, of arrays, objects with bare keys, or both, with strings and
    /// comments in between: every recursive reader refuses it instead of overflowing the stack
    /// (a 6 KB request of 3,187 `[` aborted the process; issue 23).
    #[test]
    fn deep_nesting_never_overflows(
        depth in 1_000usize..10_000,
        opener in prop::sample::select(vec!["[", "{a:", "[{'k':", "[/*]*/", "{\"x\":[\"]\","]),
    ) {
        let text = opener.repeat(depth);
        prop_assert!(parse_relaxed_json(&text).is_none());
        for name in ["product_tags", "user_tags", "children"] {
            let p = Params::from_pairs([(name, text.as_str())]);
            prop_assert!(p.json(name).is_err());
            // `children` not starting with `[` is a comma list of (odd) ids, not JSON.
            if name != "children" || text.starts_with('[') {
                prop_assert!(p.container_request().is_err());
            }
        }
        if text.starts_with('[') {
            prop_assert!(p_id_list(&text));
        }
        let scenario = format!("{{accounts: {text}");
        prop_assert!(instapub_sandbox::Scenario::parse(&scenario).is_err());
    }
}

/// `children` as a JSON text list is refused too (not read as a comma list).
fn p_id_list(text: &str) -> bool {
    Params::from_pairs([("children", text)])
        .id_list("children")
        .is_err()
}

fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("media".to_owned()),
        Just("media_publish".to_owned()),
        Just("content_publishing_limit".to_owned()),
        Just("v25.0".to_owned()),
        Just("ig_audio".to_owned()),
        Just("_sandbox".to_owned()),
        Just("ig-api-upload".to_owned()),
        Just("me".to_owned()),
        "[0-9]{1,18}",
        "[a-zA-Z0-9%._~-]{0,12}",
    ]
}

#[derive(Debug, Clone)]
struct Req {
    method: &'static str,
    path: Vec<String>,
    query: String,
    content_type: &'static str,
    body: Vec<u8>,
    token: bool,
}

fn request() -> impl Strategy<Value = Req> {
    (
        prop::sample::select(vec![
            "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS",
        ]),
        prop::collection::vec(segment(), 0..5),
        "[a-z_]{1,12}=[a-zA-Z0-9%,\\[\\]{}:'\"._-]{0,40}(&[a-z_]{1,12}=[a-zA-Z0-9%._-]{0,20}){0,3}",
        prop::sample::select(vec![
            "application/json",
            "application/x-www-form-urlencoded",
            "text/plain",
            "",
            "multipart/form-data; boundary=x",
        ]),
        prop::collection::vec(any::<u8>(), 0..300),
        any::<bool>(),
    )
        .prop_map(|(method, path, query, content_type, body, token)| Req {
            method,
            path,
            query,
            content_type,
            body,
            token,
        })
}

#[test]
fn every_request_gets_json_never_a_crash() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sb = rt.block_on(Sandbox::start());
    let http = reqwest::Client::new();
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 300,
        ..ProptestConfig::default()
    });
    runner
        .run(&request(), |req| {
            let (status, ctype, text) = rt.block_on(async {
                let url = format!("{}/{}?{}", sb.base_url(), req.path.join("/"), req.query);
                let method = reqwest::Method::from_bytes(req.method.as_bytes()).unwrap();
                let mut r = http.request(method, &url).body(req.body.clone());
                if !req.content_type.is_empty() {
                    r = r.header("content-type", req.content_type);
                }
                if req.token {
                    r = r.bearer_auth(sb.access_token());
                }
                let resp = r.send().await.unwrap();
                let status = resp.status().as_u16();
                let ctype = resp
                    .headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_owned();
                (status, ctype, resp.text().await.unwrap())
            });
            // HEAD has no body; sandbox-hosted files are bytes.
            if req.method == "HEAD" || (status == 404 && ctype.is_empty()) {
                return Ok(());
            }
            let v: Value = serde_json::from_str(&text)
                .map_err(|e| TestCaseError::fail(format!("{req:?}: not JSON ({e}): {text}")))?;
            if status != 200 {
                let code = v["error"]["code"]
                    .as_i64()
                    .or_else(|| v["debug_info"]["type"].as_str().map(|_| 0));
                prop_assert!(
                    code.is_some(),
                    "{req:?}: {status} without an envelope: {text}"
                );
                prop_assert!(
                    status != 500 || code == Some(2),
                    "{req:?}: a 500 that is not code 2: {text}"
                );
            }
            Ok(())
        })
        .unwrap();
}

/// Every duration the control plane takes (clock moves, token and partnership-code lifetimes),
/// at any value an `i64` can hold: a success or a 400 naming the limit, never a crash (a caught
/// panic answers code 2), and the clock never moves backwards.
#[test]
fn durations_at_any_size_never_crash_or_wrap() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sb = rt.block_on(Sandbox::start());
    let reel = rt.block_on(crate::common::seeded_media(
        &sb,
        sb.user_id(),
        "VIDEO",
        "REELS",
        true,
    ));
    let duration = prop_oneof![
        any::<i64>(),
        Just(i64::MAX),
        Just(i64::MIN),
        (-4_000_000_000_000_i64..4_000_000_000_000_i64),
    ];
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 200,
        ..ProptestConfig::default()
    });
    let last_now = std::cell::Cell::new(0_i64);
    runner
        .run(&(duration, 0..3_u8), |(n, which)| {
            let (path, body) = match which {
                0 => ("/clock/advance", serde_json::json!({ "seconds": n })),
                1 => (
                    "/tokens",
                    serde_json::json!({ "user_id": sb.user_id(), "expires_in": n }),
                ),
                _ => (
                    "/partnership_ad_codes",
                    serde_json::json!({ "media_id": reel, "expires_in": n }),
                ),
            };
            let r = rt.block_on(crate::common::admin(&sb, reqwest::Method::POST, path, body));
            let code = r["error"]["code"].as_i64();
            prop_assert!(code.is_none() || code == Some(100), "{path} {n}: {r}");
            let clock = rt.block_on(crate::common::admin(
                &sb,
                reqwest::Method::GET,
                "/clock",
                Value::Null,
            ));
            let now = clock["now"].as_i64().unwrap_or(i64::MIN);
            let before = last_now.replace(now);
            prop_assert!(now >= before, "the clock went back: {before} -> {now}");
            Ok(())
        })
        .unwrap();
}

/// Every input that once crashed a fuzz target (`fuzz/regressions/`, which the fuzz smoke
/// replays first) also runs here, the way the targets read it: the deep-nesting crashes of
/// issue 23 among them.
#[test]
fn fuzz_regressions_replay() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/regressions");
    let mut replayed = 0;
    for entry in std::fs::read_dir(format!("{dir}/params")).unwrap() {
        let data = std::fs::read(entry.unwrap().path()).unwrap();
        let (pick, rest) = data.split_first().unwrap();
        let (query, body) = match rest.iter().position(|b| *b == 0) {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &[][..]),
        };
        // The fuzz target's content types, in its order.
        let content_type = [
            "",
            "application/json",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "text/plain; charset=utf-8",
        ][usize::from(*pick) % 5];
        let mut headers = HeaderMap::new();
        if !content_type.is_empty() {
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        }
        let query = String::from_utf8_lossy(query);
        if let Ok(p) = Params::from_request(Some(&query), &headers, body) {
            let names: Vec<String> = p.names().map(str::to_owned).collect();
            for name in &names {
                let _ = p.json(name);
                let _ = p.id_list(name);
            }
            let _ = p.container_request();
        }
        replayed += 1;
    }
    for entry in std::fs::read_dir(format!("{dir}/scenario")).unwrap() {
        let data = std::fs::read(entry.unwrap().path()).unwrap();
        let _ = instapub_sandbox::Scenario::parse(&String::from_utf8_lossy(&data));
        replayed += 1;
    }
    assert!(replayed >= 4, "{replayed}");
}
