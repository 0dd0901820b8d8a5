//! `instapub login`: logs in with Facebook Login for Business (default) or Instagram Login
//! (`--instagram`): prints the consent URL (and opens a browser unless `--no-browser`),
//! receives the redirect on a loopback port, exchanges the code for a long-lived token, finds
//! the Instagram account, and saves the session for `instapub publish`.
//!
//! Against a sandbox (`--sandbox URL`) every Meta host is under that URL; its demo app
//! (`instapub serve` prints its id and secret) accepts any redirect URI. A real app must list
//! `http://127.0.0.1:PORT/callback` among its redirect URIs: pass that `--port`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use axum::extract::Query;
use axum::response::Html;
use axum::routing::get;
use axum::Router;
use instapub_client::login::App;
use instapub_client::{Hosts, Login, Session, Way};
use tokio::sync::mpsc;

use crate::Failure;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Log in with Instagram Login (graph.instagram.com) instead of Facebook Login.
    #[arg(long)]
    instagram: bool,
    /// The app's id (`client_id`).
    #[arg(long, env = "INSTAPUB_APP_ID")]
    app_id: String,
    /// The app's secret.
    #[arg(long, env = "INSTAPUB_APP_SECRET", hide_env_values = true)]
    app_secret: String,
    /// A sandbox's base URL (every Meta host is under it); default: Meta's hosts.
    #[arg(long, env = "INSTAPUB_SANDBOX", value_name = "URL")]
    sandbox: Option<String>,
    /// Loopback port the redirect comes back to (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Print the consent URL only; do not try to open a browser.
    #[arg(long)]
    no_browser: bool,
    /// Where to save the session (default: ~/.config/instapub/session.json).
    #[arg(long, value_name = "FILE")]
    save: Option<PathBuf>,
    /// How long to wait for the redirect, in seconds.
    #[arg(long, default_value_t = 300)]
    timeout: u64,
}

/// Where sessions are kept when no path is given.
pub fn default_session_path() -> Option<PathBuf> {
    std::env::var_os("INSTAPUB_SESSION")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config/instapub/session.json"))
        })
}

/// Reads a saved session.
pub fn load_session(path: &Path) -> Result<Session, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Failure::usage(format!(
            "cannot read the session {}: {e} (run `instapub login` first)",
            path.display()
        ))
    })?;
    serde_json::from_str(&text).map_err(|e| {
        Failure::usage(format!(
            "{} is not a session `instapub login` saved: {e}",
            path.display()
        ))
    })
}

pub fn run(args: Args) -> Result<u8, Failure> {
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| Failure::usage(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(login(args))
}

async fn login(args: Args) -> Result<u8, Failure> {
    let path = args
        .save
        .clone()
        .or_else(default_session_path)
        .ok_or_else(|| Failure::usage("no place to save the session: pass --save FILE"))?;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port))
        .await
        .map_err(|e| Failure::usage(format!("cannot listen on 127.0.0.1:{}: {e}", args.port)))?;
    let port = listener
        .local_addr()
        .map_err(|e| Failure::usage(format!("cannot read the loopback port: {e}")))?
        .port();
    let way = if args.instagram {
        Way::Instagram
    } else {
        Way::Facebook
    };
    let hosts = match &args.sandbox {
        Some(base) => Hosts::Sandbox(base.clone()),
        None => Hosts::Meta,
    };
    let app = App {
        id: args.app_id.clone(),
        secret: args.app_secret.clone(),
        redirect_uri: format!("http://127.0.0.1:{port}/callback"),
    };
    let flow = Login::new(hosts, app, way)
        .map_err(|e| Failure::usage(format!("cannot build the HTTP client: {e}")))?;
    // The OAuth `state` guards the callback against forged redirects: from the OS's CSPRNG.
    let mut raw = [0u8; 16];
    getrandom::fill(&mut raw)
        .map_err(|e| Failure::usage(format!("the system random generator failed: {e}")))?;
    let state: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    let url = flow.consent_url(way.publishing_scopes(), &state);
    println!("Open this URL to log in: {url}");
    if !args.no_browser {
        open_browser(&url);
    }

    // One redirect is awaited: its query, sent from the handler.
    let (tx, mut rx) = mpsc::channel::<HashMap<String, String>>(1);
    let router = Router::new().route(
        "/callback",
        get(move |Query(q): Query<HashMap<String, String>>| {
            let tx = tx.clone();
            async move {
                let message = if q.contains_key("code") {
                    "Logged in. You can close this tab and go back to the terminal."
                } else {
                    "The login did not complete. The terminal says why."
                };
                let _ = tx.send(q).await;
                Html(format!(
                    "<!DOCTYPE html><title>instapub login</title><p>{message}</p>"
                ))
            }
        }),
    );
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    let received = tokio::time::timeout(Duration::from_secs(args.timeout), rx.recv()).await;
    server.abort();
    let query = match received {
        Ok(Some(q)) => q,
        _ => {
            return Err(Failure {
                status: 1,
                message: format!(
                    "no redirect arrived within {} s: open the URL above and allow the app",
                    args.timeout
                ),
            })
        }
    };
    if query.get("state") != Some(&state) {
        return Err(Failure {
            status: 1,
            message: "the redirect's state does not match this login; start again".into(),
        });
    }
    let Some(code) = query.get("code") else {
        let reason = query
            .get("error_description")
            .or_else(|| query.get("error"))
            .cloned()
            .unwrap_or_else(|| "no code in the redirect".into());
        return Err(Failure {
            status: 1,
            message: format!("the login was not allowed: {reason}"),
        });
    };
    let session = flow.finish(code).await.map_err(|e| Failure {
        status: 1,
        message: format!("the code exchange failed: {e}"),
    })?;
    save(&path, &session)?;
    println!(
        "Logged in with {} as {} (IG user {}); session saved to {}",
        match way {
            Way::Facebook => "Facebook Login",
            Way::Instagram => "Instagram Login",
        },
        session
            .username
            .as_deref()
            .map(|u| format!("@{u}"))
            .unwrap_or_else(|| "the account".into()),
        session.ig_user_id,
        path.display()
    );
    println!(
        "Publish with: instapub publish --session {} FILE",
        path.display()
    );
    Ok(0)
}

/// Writes the session readable by its owner only (it holds a token).
fn save(path: &Path, session: &Session) -> Result<(), Failure> {
    let fail = |e: std::io::Error| Failure::usage(format!("cannot save {}: {e}", path.display()));
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let text = serde_json::to_string_pretty(session)
        .map_err(|e| Failure::usage(format!("cannot write the session: {e}")))?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(fail)?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(fail)
}

/// Best effort: the desktop's URL opener; the URL is printed anyway.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let _ = std::process::Command::new(opener)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}
