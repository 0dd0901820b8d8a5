//! `instapub serve`: runs the sandbox until SIGINT or SIGTERM.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use instapub_sandbox::{Config, Db, Sandbox};

use crate::{Failure, ProfileArg};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8000")]
    listen: SocketAddr,
    /// The URL clients reach the sandbox at, when it is not the listen address (behind a proxy,
    /// in a container). Hosted-file and upload URLs use it. Default: the listen address, with
    /// 0.0.0.0 given as 127.0.0.1.
    #[arg(long, value_name = "URL")]
    public_url: Option<String>,
    /// SQLite file for the state, or `:memory:` to keep nothing.
    #[arg(long, default_value = "instapub-sandbox.db")]
    db: String,
    /// Create the accounts, tokens, catalogs, media, codes, faults and files of a JSON/JSON5
    /// scenario file at start (once per database).
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,
    /// Which wire variant to send where Meta's docs and real traffic differ.
    #[arg(long, value_enum, default_value = "documented")]
    profile: ProfileArg,
    /// Print the startup information as one JSON line.
    #[arg(long)]
    json: bool,
    /// Control-plane key (default: generated on first start and kept in the database).
    #[arg(long, env = "INSTAPUB_ADMIN_KEY", hide_env_values = true)]
    admin_key: Option<String>,
    /// How long a media download may take before 2207003.
    #[arg(long, default_value_t = 10_000)]
    fetch_timeout_ms: u64,
    /// How long a video container stays IN_PROGRESS at least.
    #[arg(long, default_value_t = 3_000)]
    video_processing_ms: u64,
    /// Default publishing quota (posts per 24 h) of new accounts.
    #[arg(long, default_value_t = 100)]
    quota_total: u32,
    /// How long a client may take to send a request's headers before it is disconnected (an
    /// idle keep-alive connection is closed after it too).
    #[arg(long, value_name = "MS", default_value_t = 30_000)]
    header_timeout_ms: u64,
    /// How long a request body may pause before it is answered 408.
    #[arg(long, value_name = "MS", default_value_t = 30_000)]
    body_timeout_ms: u64,
    /// The most MiB of published media kept to serve at media_url (beside the database file, in
    /// memory with `--db :memory:`); creating media past it fails with a temporary error.
    #[arg(long, value_name = "MIB", default_value_t = 4096)]
    media_store_max: u64,
    /// Allow media fetches from private addresses (RFC 1918, CGNAT, IPv6 ULA): for a sandbox in
    /// a container network fetching from a sibling container. Meta's fetcher never reaches them.
    #[arg(long)]
    allow_private_fetch: bool,
    /// Allow media fetches from link-local and cloud-metadata addresses too (169.254.169.254).
    #[arg(long)]
    allow_link_local_fetch: bool,
    /// How long a webhook delivery may take before it counts as failed and is retried.
    #[arg(long, value_name = "MS", default_value_t = 20_000)]
    webhook_timeout_ms: u64,
    /// Refuse http webhook callbacks, as Meta does (https only).
    #[arg(long)]
    webhooks_require_https: bool,
}

pub fn run(args: Args) -> Result<u8, Failure> {
    let runtime = tokio::runtime::Runtime::new().map_err(|e| Failure {
        status: 1,
        message: format!("cannot start the async runtime: {e}"),
    })?;
    runtime.block_on(serve(args))
}

async fn serve(args: Args) -> Result<u8, Failure> {
    let db = Db::parse(&args.db);
    let config = Config {
        listen: args.listen,
        public_url: args.public_url,
        db: db.clone(),
        admin_key: args.admin_key,
        profile: args.profile.into(),
        fetch_timeout: Duration::from_millis(args.fetch_timeout_ms),
        video_processing: Duration::from_millis(args.video_processing_ms),
        quota_total: args.quota_total,
        allow_private_fetch: args.allow_private_fetch,
        allow_link_local_fetch: args.allow_link_local_fetch,
        header_read_timeout: Duration::from_millis(args.header_timeout_ms.max(1)),
        body_idle_timeout: Duration::from_millis(args.body_timeout_ms.max(1)),
        media_store_max_bytes: args.media_store_max.saturating_mul(1 << 20),
        webhook_timeout: Duration::from_millis(args.webhook_timeout_ms.max(1)),
        webhook_require_https: args.webhooks_require_https,
        ..Config::default()
    };
    let signals = Signals::install();
    let mut builder = Sandbox::builder().config(config);
    if let Some(path) = &args.scenario {
        let scenario = instapub_sandbox::Scenario::load(path).map_err(|e| Failure {
            status: 2,
            message: e.to_string(),
        })?;
        builder = builder.scenario(scenario);
    }
    let sandbox = builder.start().await.map_err(|e| Failure {
        status: 1,
        message: format!("the sandbox could not start: {e}"),
    })?;
    let db_text = match &db {
        Db::Memory => ":memory:".to_owned(),
        Db::File(p) => absolute(p).display().to_string(),
    };
    if args.json {
        let line = serde_json::json!({
            "base_url": sandbox.base_url(),
            "user_id": sandbox.user_id(),
            "username": sandbox.username(),
            "access_token": sandbox.access_token(),
            "admin_key": sandbox.admin_key(),
            "app_id": sandbox.app_id(),
            "app_secret": sandbox.app_secret(),
            "facebook_user_id": sandbox.facebook_user_id(),
            "page_id": sandbox.page_id(),
            "hosts": sandbox.hosts(),
            "dashboard_url": sandbox.dashboard_url(),
            "db": db_text,
            "scenario": sandbox.scenario(),
        });
        println!("{line}");
    } else {
        println!("instapub sandbox listening on {}", sandbox.base_url());
        println!(
            "  IG user id    {} ({})",
            sandbox.user_id(),
            sandbox.username()
        );
        println!("  access token  {}", sandbox.access_token());
        println!("  admin key     {}", sandbox.admin_key());
        println!("  dashboard     {}", sandbox.dashboard_url());
        println!(
            "  demo app      {} (secret {}; accepts any redirect URI)",
            sandbox.app_id(),
            sandbox.app_secret()
        );
        println!(
            "  Facebook      user {}, Page {}",
            sandbox.facebook_user_id(),
            sandbox.page_id()
        );
        println!("  database      {db_text}");
        if let Some(applied) = sandbox.scenario() {
            for (name, a) in &applied.accounts {
                println!(
                    "  scenario      {name}: id {} token {}",
                    a.id, a.access_token
                );
            }
        }
        println!(
            "Try: curl '{}/{}/{}?fields=username,media_count&access_token={}'",
            sandbox.base_url(),
            instapub_client::login::VERSION,
            sandbox.user_id(),
            sandbox.access_token()
        );
    }
    signals.wait().await;
    eprintln!("instapub: shutting down");
    sandbox.shutdown().await;
    Ok(0)
}

fn absolute(p: &std::path::Path) -> PathBuf {
    std::env::current_dir()
        .map(|d| d.join(p))
        .unwrap_or_else(|_| p.to_path_buf())
}

/// SIGINT and SIGTERM, registered when created: create it before announcing readiness, so a
/// supervisor that signals right after the startup line still gets a clean shutdown.
struct Signals {
    #[cfg(unix)]
    term: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    int: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    fn install() -> Signals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Signals {
                term: signal(SignalKind::terminate()).ok(),
                int: signal(SignalKind::interrupt()).ok(),
            }
        }
        #[cfg(not(unix))]
        {
            Signals {}
        }
    }

    async fn wait(mut self) {
        #[cfg(unix)]
        {
            async fn recv(s: &mut Option<tokio::signal::unix::Signal>) {
                match s {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => std::future::pending().await,
                }
            }
            tokio::select! {
                _ = recv(&mut self.term) => {}
                _ = recv(&mut self.int) => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
