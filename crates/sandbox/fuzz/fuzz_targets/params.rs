//! Fuzz target: a Graph request's parameters as the server reads them (query string and body
//! under each content type), then every typed reading of every parameter, and the container
//! request the rules see, through the request rules.
//!
//! Input: one byte picks the content type; the rest is split at the first NUL into the query
//! string and the body.
#![no_main]

use http::{header, HeaderMap, HeaderValue};
use instapub_sandbox::internals::{access_token, parse_relaxed_json, Params};
use libfuzzer_sys::fuzz_target;

const CONTENT_TYPES: &[&str] = &[
    "",
    "application/json",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "text/plain; charset=utf-8",
];

fuzz_target!(|data: &[u8]| {
    let Some((pick, rest)) = data.split_first() else {
        return;
    };
    let (query, body) = match rest.iter().position(|b| *b == 0) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, &[][..]),
    };
    let query = String::from_utf8_lossy(query);
    let mut headers = HeaderMap::new();
    let content_type = CONTENT_TYPES[usize::from(*pick) % CONTENT_TYPES.len()];
    if !content_type.is_empty() {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    }
    let Ok(params) = Params::from_request(Some(&query), &headers, body) else {
        return;
    };
    // Stored parameters read back as they were.
    assert_eq!(Params::from_json(&params.to_json()), params);
    let _ = params.fields();
    let _ = access_token(&params, &headers);
    let names: Vec<String> = params.names().map(str::to_owned).collect();
    for name in &names {
        let text = params.str(name);
        let _ = params.bool(name);
        let _ = params.i64(name);
        let _ = params.json(name);
        let _ = params.id_list(name);
        if let Some(t) = text {
            let _ = parse_relaxed_json(&t);
        }
    }
    if let Ok(request) = params.container_request() {
        let _ = instapub_rules::check_request(&request, &instapub_rules::Limits::default());
    }
});
