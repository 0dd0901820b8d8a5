//! Request parameters the way Graph reads them: from the query string, a form body and a JSON
//! body, merged (body values override query values of the same name), plus the access token
//! from `access_token` or an `Authorization: Bearer`/`OAuth` header.
//!
//! Array parameters (`children`, `user_tags`, `product_tags`, ...) arrive as JSON, as Meta's
//! relaxed JSON (`[{username:'x',x:0.5}]`), or for `children` as a comma list.

use axum::http::{header, HeaderMap};
use serde_json::{Map, Value};

use instapub_rules::{ProductTag, Request};

use crate::error::{invalid, malformed, ApiResult};

/// Longest parameter value parsed as JSON; real array parameters are a few hundred bytes.
pub const MAX_JSON_PARAM: usize = 64 * 1024;
/// Deepest nesting of a JSON parameter (`product_tags` and `user_tags` are two deep).
pub const MAX_JSON_DEPTH: usize = 32;

/// Merged request parameters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Params {
    map: Map<String, Value>,
}

impl Params {
    /// Merges the query string and the body (by its content type).
    pub fn from_request(query: Option<&str>, headers: &HeaderMap, body: &[u8]) -> ApiResult<Self> {
        let mut map = Map::new();
        if let Some(q) = query {
            for (k, v) in url::form_urlencoded::parse(q.as_bytes()) {
                map.insert(k.into_owned(), Value::String(v.into_owned()));
            }
        }
        if !body.is_empty() {
            let content_type = headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_ascii_lowercase();
            if content_type.starts_with("application/json") {
                let value: Value =
                    serde_json::from_slice(body).map_err(|e| malformed(&e.to_string()))?;
                let Value::Object(object) = value else {
                    return Err(malformed("a JSON body must be an object"));
                };
                map.extend(object);
            } else if content_type.starts_with("multipart/form-data") {
                // The boundary is case-sensitive: read it from the header as sent.
                let sent = headers
                    .get(header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                map.extend(multipart_fields(sent, body)?);
            } else {
                // Form encoding, which is also what clients send without a content type.
                let text =
                    std::str::from_utf8(body).map_err(|_| malformed("the body is not UTF-8"))?;
                for (k, v) in url::form_urlencoded::parse(text.as_bytes()) {
                    map.insert(k.into_owned(), Value::String(v.into_owned()));
                }
            }
        }
        // OAuth 2 clients may send their credentials as HTTP Basic (RFC 6749 2.3.1): the
        // parameters say the same, and win when both are given.
        if let Some((id, secret)) = basic_credentials(headers) {
            map.entry("client_id").or_insert(Value::String(id));
            map.entry("client_secret").or_insert(Value::String(secret));
        }
        Ok(Params { map })
    }

    /// Parameters stored with [`Params::to_json`].
    pub fn from_json(text: &str) -> Params {
        // As a map, not a `Value`: a `Value` whose first key is serde_json's raw-value token
        // (a form parameter may have any name) would be read as something else entirely.
        // Found by the `params` fuzz target.
        serde_json::from_str::<Map<String, Value>>(text)
            .map(|map| Params { map })
            .unwrap_or_default()
    }

    /// Parameters from an explicit list (tests and internal calls).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        Params {
            map: pairs
                .into_iter()
                .map(|(k, v)| (k.to_owned(), Value::String(v.to_owned())))
                .collect(),
        }
    }

    /// The method a `method` parameter asks for (`GET`, `POST` or `DELETE`, any case); `None`
    /// when there is none or it names another.
    pub fn method_override(&self) -> Option<axum::http::Method> {
        let m = self.str("method")?;
        [
            axum::http::Method::GET,
            axum::http::Method::POST,
            axum::http::Method::DELETE,
        ]
        .into_iter()
        .find(|known| known.as_str().eq_ignore_ascii_case(m.trim()))
    }

    /// A parameter as text (numbers and booleans as Graph would print them). Empty strings
    /// count as absent, as Graph treats `image_url=`.
    pub fn str(&self, name: &str) -> Option<String> {
        let text = match self.map.get(name)? {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Null => return None,
            other => other.to_string(),
        };
        (!text.is_empty()).then_some(text)
    }

    pub fn has(&self, name: &str) -> bool {
        self.str(name).is_some()
            || matches!(self.map.get(name), Some(Value::Array(_) | Value::Object(_)))
    }

    /// A boolean parameter (`true`/`false`/`1`/`0`); anything else is a parameter error.
    pub fn bool(&self, name: &str) -> ApiResult<Option<bool>> {
        match self.str(name).as_deref() {
            None => Ok(None),
            Some("true" | "1" | "True" | "TRUE") => Ok(Some(true)),
            Some("false" | "0" | "False" | "FALSE") => Ok(Some(false)),
            Some(_) => Err(invalid(name, "a boolean")),
        }
    }

    /// An integer parameter.
    pub fn i64(&self, name: &str) -> ApiResult<Option<i64>> {
        match self.str(name) {
            None => Ok(None),
            Some(s) => s
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| invalid(name, "an integer")),
        }
    }

    /// A structured parameter: a JSON value in a JSON body, or a string holding JSON or Meta's
    /// relaxed JSON (single quotes, unquoted keys).
    pub fn json(&self, name: &str) -> ApiResult<Option<Value>> {
        match self.map.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => relaxed_json(name, s).map(Some),
            Some(other) => Ok(Some(other.clone())),
        }
    }

    /// An id list: a JSON array (of strings or numbers) or a comma-separated list.
    pub fn id_list(&self, name: &str) -> ApiResult<Option<Vec<String>>> {
        let as_ids = |items: &[Value]| -> ApiResult<Vec<String>> {
            items
                .iter()
                .map(|v| match v {
                    Value::String(s) if !s.trim().is_empty() => Ok(s.trim().to_owned()),
                    Value::Number(n) => Ok(n.to_string()),
                    _ => Err(invalid(name, "a list of ids")),
                })
                .collect()
        };
        match self.map.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(items)) => as_ids(items).map(Some),
            Some(Value::String(s)) => {
                let t = s.trim();
                if t.is_empty() {
                    Ok(None)
                } else if t.starts_with('[') {
                    match relaxed_json(name, t)? {
                        Value::Array(items) => as_ids(&items).map(Some),
                        _ => Err(invalid(name, "a list of ids")),
                    }
                } else {
                    Ok(Some(
                        t.split(',')
                            .map(str::trim)
                            .filter(|s| !s.is_empty())
                            .map(str::to_owned)
                            .collect(),
                    ))
                }
            }
            Some(_) => Err(invalid(name, "a list of ids")),
        }
    }

    /// The `fields` parameter as a list (empty when absent).
    pub fn fields(&self) -> Vec<String> {
        self.str("fields")
            .map(|f| {
                f.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// All parameters as a JSON object text (stored with a container).
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.map).unwrap_or_else(|_| "{}".into())
    }

    /// The publishing rules' view of a create request (`POST /{ig-user-id}/media`).
    pub fn container_request(&self) -> ApiResult<Request> {
        let p = self;
        let tags_expected = "a list of {product_id, x?, y?}";
        let product_tags = match p.json("product_tags")? {
            None => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .map(|t| {
                    let id = match &t["product_id"] {
                        Value::String(s) => s.clone(),
                        Value::Number(n) => n.to_string(),
                        _ => return Err(invalid("product_tags", tags_expected)),
                    };
                    Ok(ProductTag {
                        product_id: id,
                        x: t["x"].as_f64(),
                        y: t["y"].as_f64(),
                    })
                })
                .collect::<ApiResult<_>>()?,
            Some(_) => return Err(invalid("product_tags", tags_expected)),
        };
        // Meta documents `user_tags` as `[{username, x, y}]`, x and y from 0 to 1 (required for
        // images, absent for reels and stories): anything else is a parameter error, not
        // stored unread.
        if let Some(tags) = p.json("user_tags")? {
            let expected = "a list of {username, x?, y?} with x and y from 0 to 1";
            let Value::Array(items) = tags else {
                return Err(invalid("user_tags", expected));
            };
            let coordinate = |v: &Value| match v {
                Value::Null => true,
                v => v.as_f64().is_some_and(|f| (0.0..=1.0).contains(&f)),
            };
            let fine = items.iter().all(|t| {
                t["username"].as_str().is_some_and(|u| !u.is_empty())
                    && coordinate(&t["x"])
                    && coordinate(&t["y"])
            });
            if !fine {
                return Err(invalid("user_tags", expected));
            }
        }
        let resumable = match p.str("upload_type").as_deref() {
            None => false,
            Some("resumable") => true,
            Some(_) => return Err(invalid("upload_type", "resumable")),
        };
        Ok(Request {
            media_type: p.str("media_type"),
            is_carousel_item: p.bool("is_carousel_item")?.unwrap_or(false),
            image_url: p.str("image_url"),
            video_url: p.str("video_url"),
            resumable,
            caption: p.str("caption"),
            children: p.id_list("children")?,
            product_tags,
            thumb_offset: p.i64("thumb_offset")?,
        })
    }

    /// Names of all parameters present.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.map.keys().map(String::as_str)
    }

    /// Sets a parameter, replacing any value it had.
    pub fn set(&mut self, name: &str, value: &str) {
        self.map
            .insert(name.to_owned(), Value::String(value.to_owned()));
    }

    /// Removes a parameter, giving its value as text.
    pub fn take(&mut self, name: &str) -> Option<String> {
        let text = self.str(name);
        self.map.remove(name);
        text
    }
}

/// Most parts a multipart body may have (Graph calls send a handful).
const MAX_PARTS: u64 = 256;

/// The fields of a `multipart/form-data` body (curl `-F`, JS `FormData`), as text. A file
/// part is read as its text too (Graph's media parameters are URLs, not uploads).
fn multipart_fields(content_type: &str, body: &[u8]) -> ApiResult<Map<String, Value>> {
    use futures_util::FutureExt;
    let boundary = multer::parse_boundary(content_type)
        .map_err(|_| malformed("a multipart body needs a boundary in its content type"))?;
    let bytes = bytes::Bytes::copy_from_slice(body);
    let stream =
        futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(bytes) });
    // The server has already bounded the body's size.
    let mut parts = multer::Multipart::new(stream, boundary);
    let read = async move {
        let mut map = Map::new();
        let mut count = 0;
        while let Some(field) = parts.next_field().await? {
            count += 1;
            if count > MAX_PARTS {
                return Ok(Err(format!(
                    "a multipart body may have at most {MAX_PARTS} parts"
                )));
            }
            let name = field.name().unwrap_or_default().to_owned();
            let text = field.text().await?;
            if !name.is_empty() {
                map.insert(name, Value::String(text));
            }
        }
        Ok::<_, multer::Error>(Ok(map))
    };
    // The whole body is already in memory, so the parser never waits: polling once finishes.
    match read.now_or_never() {
        Some(Ok(Ok(map))) => Ok(map),
        Some(Ok(Err(reason))) => Err(malformed(&reason)),
        Some(Err(e)) => Err(malformed(&format!("the multipart body is malformed: {e}"))),
        None => Err(malformed("the multipart body is incomplete")),
    }
}

/// The access token: `access_token` parameter first, then `Authorization: Bearer` or
/// `Authorization: OAuth` (the resumable-upload form).
pub fn access_token(params: &Params, headers: &HeaderMap) -> Option<String> {
    if let Some(t) = params.str("access_token") {
        return Some(t);
    }
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("oauth"))
        .then(|| token.to_owned())
        .filter(|t| !t.is_empty())
}

/// Strict JSON first, then JSON5 (which covers Meta's single quotes and bare keys). `None`
/// for text that is too long, nests deeper than [`MAX_JSON_DEPTH`], or is neither.
pub fn parse_relaxed_json(text: &str) -> Option<Value> {
    if text.len() > MAX_JSON_PARAM || !crate::nesting::within(text, MAX_JSON_DEPTH) {
        return None;
    }
    serde_json::from_str(text)
        .ok()
        .or_else(|| json5::from_str::<Value>(text).ok())
}

/// Parameter `name`'s text as relaxed JSON, each refusal naming its real cause.
fn relaxed_json(name: &str, text: &str) -> ApiResult<Value> {
    if text.len() > MAX_JSON_PARAM {
        return Err(invalid(
            name,
            &format!("at most {} KiB of JSON", MAX_JSON_PARAM / 1024),
        ));
    }
    if !crate::nesting::within(text, MAX_JSON_DEPTH) {
        return Err(invalid(
            name,
            &format!("JSON nested at most {MAX_JSON_DEPTH} levels deep"),
        ));
    }
    parse_relaxed_json(text).ok_or_else(|| invalid(name, "valid JSON"))
}

/// `Authorization: Basic base64(client_id:client_secret)`, each part form-encoded first as
/// RFC 6749 2.3.1 says; `None` for any other scheme or a value that does not decode.
pub fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    use base64::Engine as _;
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    // A header is at most a few KiB (the server caps heads); nothing to bound further.
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    let form = |s: &str| -> String {
        url::form_urlencoded::parse(format!("v={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Some((form(id), form(secret)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use instapub_errors::Id;

    #[test]
    fn stored_parameters_read_back_whatever_their_names() {
        for query in [
            "$serde_json::private::RawValue=",
            "a=1&b=%7B%22x%22%3A1%7D",
            "",
        ] {
            let p = Params::from_request(Some(query), &HeaderMap::new(), b"").unwrap_or_default();
            assert_eq!(Params::from_json(&p.to_json()), p, "{query}");
        }
    }

    fn headers(ct: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_str(ct).expect("valid"),
        );
        h
    }

    #[test]
    fn query_form_and_json_merge_with_body_winning() {
        let p = Params::from_request(
            Some("caption=q&image_url=a"),
            &headers("application/x-www-form-urlencoded"),
            b"caption=body+text&x=1",
        )
        .expect("parses");
        assert_eq!(p.str("caption").as_deref(), Some("body text"));
        assert_eq!(p.str("image_url").as_deref(), Some("a"));
        let p = Params::from_request(
            Some("a=1"),
            &headers("application/json"),
            br#"{"children":["1",2],"share_to_feed":true}"#,
        )
        .expect("parses");
        assert_eq!(
            p.id_list("children").expect("ok"),
            Some(vec!["1".into(), "2".into()])
        );
        assert_eq!(p.bool("share_to_feed").expect("ok"), Some(true));
        assert_eq!(p.str("a").as_deref(), Some("1"));
    }

    #[test]
    fn multipart_bodies_are_read_like_forms() {
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\nhi \u{1F600}\r\n\
                    --XyZ\r\nContent-Disposition: form-data; name=\"image_url\"\r\n\r\nhttp://x/y.jpg\r\n\
                    --XyZ--\r\n";
        let p = Params::from_request(
            Some("caption=query"),
            &headers("multipart/form-data; boundary=XyZ"),
            body.as_bytes(),
        )
        .expect("parses");
        assert_eq!(p.str("caption").as_deref(), Some("hi \u{1F600}"));
        assert_eq!(p.str("image_url").as_deref(), Some("http://x/y.jpg"));
        for (ct, body) in [
            ("multipart/form-data", "--x\r\n"),
            ("multipart/form-data; boundary=XyZ", "--XyZ\r\nno headers"),
        ] {
            let e = Params::from_request(None, &headers(ct), body.as_bytes()).expect_err(ct);
            assert_eq!(e.id(), Id::MalformedBody);
        }
    }

    #[test]
    fn bad_bodies_are_catalog_errors() {
        let e =
            Params::from_request(None, &headers("application/json"), b"{oops").expect_err("bad");
        assert_eq!(e.id(), Id::MalformedBody);
        let e = Params::from_request(None, &headers("application/json"), b"[1]").expect_err("bad");
        assert_eq!(e.id(), Id::MalformedBody);
    }

    #[test]
    fn relaxed_json_and_comma_lists() {
        let p = Params::from_pairs([
            ("user_tags", "[{username:'natgeo',x:0.5,y:1.0}]"),
            ("children", "17,18 , 19"),
            ("bad", "[{x:"),
        ]);
        let tags = p.json("user_tags").expect("ok").expect("present");
        assert_eq!(tags[0]["username"], "natgeo");
        assert_eq!(tags[0]["x"], 0.5);
        assert_eq!(
            p.id_list("children").expect("ok"),
            Some(vec!["17".into(), "18".into(), "19".into()])
        );
        assert_eq!(
            p.json("bad").expect_err("bad").id(),
            Id::InvalidParameterValue
        );
    }

    #[test]
    fn token_from_param_bearer_or_oauth() {
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer abc"),
        );
        assert_eq!(access_token(&Params::default(), &h).as_deref(), Some("abc"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("OAuth xyz"));
        assert_eq!(access_token(&Params::default(), &h).as_deref(), Some("xyz"));
        let p = Params::from_pairs([("access_token", "p")]);
        assert_eq!(access_token(&p, &h).as_deref(), Some("p"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic zzz"));
        assert_eq!(access_token(&Params::default(), &h), None);
    }

    #[test]
    fn client_credentials_come_from_basic_auth_and_parameters_win() {
        use base64::Engine as _;
        let mut headers = HeaderMap::new();
        let basic = base64::engine::general_purpose::STANDARD.encode("123:s%3Acret");
        let value = HeaderValue::from_str(&format!("Basic {basic}")).expect("a header value");
        headers.insert(header::AUTHORIZATION, value);
        let p = Params::from_request(Some("code=c"), &headers, b"").expect("params");
        assert_eq!(p.str("client_id").as_deref(), Some("123"));
        assert_eq!(p.str("client_secret").as_deref(), Some("s:cret"));
        let p = Params::from_request(Some("client_id=999"), &headers, b"").expect("params");
        assert_eq!(p.str("client_id").as_deref(), Some("999"));
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer abc"),
        );
        let p = Params::from_request(None, &headers, b"").expect("params");
        assert_eq!(p.str("client_id"), None);
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic !!!"));
        assert_eq!(basic_credentials(&headers), None);
    }
}
