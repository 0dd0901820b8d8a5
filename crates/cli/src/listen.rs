//! `instapub listen --forward-to URL`: receive a sandbox's webhook deliveries and forward them
//! to an app, as Stripe's `listen --forward-to` does.
//!
//! It starts a sandbox (or uses a running one with --base-url and --admin-key), opens a
//! receiver on a loopback port, subscribes the demo app to it on the control plane (the
//! receiver answers Meta's verification request itself) and forwards every delivery to the
//! app byte for byte with Meta's headers, so the signature the app checks is the sandbox's.
//! The app's answer goes back to the sandbox as the receiver's: a failing app is retried and,
//! after an hour of failures on the virtual clock, unsubscribed, as with Meta. One line per
//! delivery: the time, its fields, the app's status and latency.

use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::Failure;

/// The headers of a delivery that reach the app (Meta's, as the sandbox sent them).
const FORWARDED: &[&str] = &[
    "content-type",
    "user-agent",
    "accept",
    "x-hub-signature",
    "x-hub-signature-256",
    "facebook-api-version",
];

/// How long the app may take: under the sandbox's own 20 s delivery timeout.
const FORWARD_TIMEOUT: Duration = Duration::from_secs(19);

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LoginArg {
    /// Through the account's Page: every field (comments, mentions, story insights).
    Facebook,
    /// The account's own install: comments and live comments.
    Instagram,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where the app receives webhooks, e.g. http://localhost:3000/webhooks/instagram.
    #[arg(long, value_name = "URL")]
    forward_to: String,
    /// A running sandbox to listen to (default: start one, in memory).
    #[arg(long, requires = "admin_key")]
    base_url: Option<String>,
    /// The running sandbox's admin key.
    #[arg(long, env = "INSTAPUB_ADMIN_KEY", hide_env_values = true)]
    admin_key: Option<String>,
    /// Where a sandbox started here listens.
    #[arg(long, default_value = "127.0.0.1:8000")]
    listen: SocketAddr,
    /// The fields to subscribe to, comma-separated (default: every field the sandbox sends).
    #[arg(long, value_delimiter = ',')]
    fields: Vec<String>,
    /// How the app is installed on the account.
    #[arg(long, value_enum, default_value = "facebook")]
    login: LoginArg,
    /// One JSON line per event (ready, then each delivery) instead of text.
    #[arg(long)]
    json: bool,
}

struct Forwarder {
    http: reqwest::Client,
    target: String,
    verify_token: String,
    json: bool,
}

pub fn run(args: Args) -> Result<u8, Failure> {
    let runtime = tokio::runtime::Runtime::new().map_err(|e| Failure {
        status: 1,
        message: format!("cannot start the async runtime: {e}"),
    })?;
    runtime.block_on(listen(args))
}

async fn listen(args: Args) -> Result<u8, Failure> {
    let target = url_of(&args.forward_to)?;
    // A sandbox of our own unless told to use one.
    let (sandbox, base_url, admin_key) = match (&args.base_url, &args.admin_key) {
        (Some(url), Some(key)) => (None, url.clone(), key.clone()),
        _ => {
            let sb = instapub_sandbox::Sandbox::builder()
                .db(instapub_sandbox::Db::Memory)
                .listen(args.listen)
                .start()
                .await
                .map_err(|e| Failure {
                    status: 1,
                    message: format!(
                        "the sandbox could not start on {}: {e} (pass --listen 127.0.0.1:0 for any free port, or --base-url for a running one)",
                        args.listen
                    ),
                })?;
            let (url, key) = (sb.base_url().to_owned(), sb.admin_key().to_owned());
            (Some(sb), url, key)
        }
    };
    let mut token = [0u8; 16];
    getrandom::fill(&mut token).map_err(|e| Failure {
        status: 1,
        message: format!("the OS gave no random bytes: {e}"),
    })?;
    let forwarder = Arc::new(Forwarder {
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(FORWARD_TIMEOUT)
            .build()
            .map_err(|e| Failure::usage(format!("cannot build the HTTP client: {e}")))?,
        target: target.clone(),
        verify_token: token.iter().map(|b| format!("{b:02x}")).collect(),
        json: args.json,
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| Failure {
            status: 1,
            message: format!("cannot open the receiver on a loopback port: {e}"),
        })?;
    let receiver = listener.local_addr().map_err(|e| Failure {
        status: 1,
        message: format!("the receiver has no address: {e}"),
    })?;
    let app = axum::Router::new()
        .fallback(receive)
        .with_state(Arc::clone(&forwarder));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });

    let control = instapub_client::Control::new(&base_url, &admin_key)
        .map_err(|e| Failure::usage(format!("cannot build the HTTP client: {e}")))?;
    let mut subscription = json!({
        "callback_url": format!("http://{receiver}/webhooks"),
        "verify_token": forwarder.verify_token,
        "login": match args.login { LoginArg::Facebook => "facebook", LoginArg::Instagram => "instagram" },
    });
    if !args.fields.is_empty() {
        subscription["fields"] = json!(args.fields);
    }
    let subscribed = control
        .subscribe_webhooks(subscription)
        .await
        .map_err(|e| Failure {
            status: 1,
            message: format!("the sandbox at {base_url} refused the subscription: {e}"),
        })?;
    let fields: Vec<&str> = subscribed["fields"]
        .as_array()
        .map(|f| f.iter().filter_map(|f| f["name"].as_str()).collect())
        .unwrap_or_default();
    if args.json {
        let line = json!({
            "event": "ready",
            "base_url": base_url,
            "admin_key": admin_key,
            "app_id": subscribed["app_id"],
            "app_secret": sandbox.as_ref().map(|s| s.app_secret()),
            "forward_to": target,
            "fields": fields,
            "accounts": subscribed["accounts"],
        });
        print_line(&line.to_string());
    } else {
        print_line(&format!(
            "Ready! Forwarding webhooks of {} to {target}",
            fields.join(", ")
        ));
        if let Some(sb) = &sandbox {
            print_line(&format!(
                "Sandbox {base_url} (admin key {admin_key}); deliveries are signed with the demo app's secret {}",
                sb.app_secret()
            ));
        }
        print_line(&format!(
            "Trigger one:  instapub trigger comments --base-url {base_url} --admin-key {admin_key}"
        ));
    }
    stopped().await;
    if let Some(sb) = sandbox {
        sb.shutdown().await;
    }
    Ok(0)
}

/// The receiver: Meta's verification request answered here, deliveries forwarded.
async fn receive(
    State(f): State<Arc<Forwarder>>,
    method: Method,
    Query(query): Query<std::collections::HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if method == Method::GET {
        return match (query.get("hub.verify_token"), query.get("hub.challenge")) {
            (Some(t), Some(challenge)) if *t == f.verify_token => challenge.clone().into_response(),
            _ => (StatusCode::FORBIDDEN, "unknown verify token").into_response(),
        };
    }
    let fields = fields_of(&body);
    let mut req = f.http.post(&f.target).body(body);
    for name in FORWARDED {
        if let Some(v) = headers.get(*name) {
            req = req.header(*name, v.as_bytes());
        }
    }
    let started = Instant::now();
    let outcome = req.send().await;
    let ms = started.elapsed().as_millis();
    let (status, text, answer) = match outcome {
        Ok(r) => {
            let status = r.status();
            let reason = status.canonical_reason().unwrap_or("");
            let answer = r.bytes().await.unwrap_or_default();
            (
                Some(status.as_u16()),
                format!("{} {reason}", status.as_u16()),
                (status, answer),
            )
        }
        Err(e) => (
            None,
            format!("failed: {}", reason_of(&e)),
            (StatusCode::BAD_GATEWAY, Bytes::new()),
        ),
    };
    if f.json {
        print_line(
            &json!({"event": "delivery", "fields": fields, "status": status, "latency_ms": ms})
                .to_string(),
        );
    } else {
        print_line(&format!(
            "{}  {:<28} --> {text}  [{ms} ms]",
            clock(),
            fields.join(", ")
        ));
    }
    let (code, bytes) = answer;
    (
        StatusCode::from_u16(code.as_u16()).unwrap_or(StatusCode::BAD_GATEWAY),
        bytes,
    )
        .into_response()
}

/// The fields a delivery's changes are of, in order, each once.
fn fields_of(body: &[u8]) -> Vec<String> {
    let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let mut out: Vec<String> = Vec::new();
    for entry in v["entry"].as_array().into_iter().flatten() {
        let names = entry["changes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|k| k["field"].as_str())
            .chain(
                entry["changed_fields"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str),
            );
        for n in names {
            if !out.iter().any(|o| o == n) {
                out.push(n.to_owned());
            }
        }
    }
    out
}

fn reason_of(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "the app did not answer in 19 s".into()
    } else if e.is_connect() {
        "nothing is listening there".into()
    } else {
        e.to_string()
    }
}

fn url_of(text: &str) -> Result<String, Failure> {
    let ok = reqwest::Url::parse(text)
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.has_host());
    if ok {
        Ok(text.to_owned())
    } else {
        Err(Failure::usage(format!(
            "--forward-to must be an http(s) URL such as http://localhost:3000/webhooks, not {text:?}"
        )))
    }
}

/// HH:MM:SS (UTC) now.
fn clock() -> String {
    let s = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
        % 86_400;
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

fn print_line(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// Until Ctrl-C or SIGTERM.
async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
