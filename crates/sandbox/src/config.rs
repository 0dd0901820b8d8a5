//! Sandbox settings: what `instapub serve` flags and `Sandbox::builder()` set.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use instapub_errors::Profile;
use instapub_rules::Limits;

/// Where state is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Db {
    /// An SQLite file (WAL mode); state survives restarts and crashes.
    File(PathBuf),
    /// Nothing on disk; state dies with the process.
    Memory,
}

impl Db {
    /// `:memory:` means [`Db::Memory`], anything else a file path.
    pub fn parse(s: &str) -> Db {
        if s == ":memory:" {
            Db::Memory
        } else {
            Db::File(PathBuf::from(s))
        }
    }
}

/// Every setting of a sandbox.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on; port 0 picks a free one.
    pub listen: SocketAddr,
    /// The URL clients reach the sandbox at, when it is not the listen address (behind a
    /// proxy, in a container). Hosted-file and upload URLs use it; media URLs under it are
    /// fetched from the sandbox itself. `None`: the listen address, with an unspecified
    /// address (`0.0.0.0`, `[::]`) given as loopback.
    pub public_url: Option<String>,
    pub db: Db,
    /// Control-plane key; generated (and stored) on first start when `None`.
    pub admin_key: Option<String>,
    /// Which wire variant to emit where docs and real traffic differ.
    pub profile: Profile,
    /// How long a media download may take before 2207003.
    pub fetch_timeout: Duration,
    /// How long a video container stays IN_PROGRESS at least (virtual clock).
    pub video_processing: Duration,
    /// Default publishing quota (posts per 24 h) of new accounts.
    pub quota_total: u32,
    /// Allow media fetches from private ranges (RFC 1918, CGNAT, ULA), as in a container
    /// network; never by default: Meta's fetcher cannot reach a developer's LAN.
    pub allow_private_fetch: bool,
    /// Allow media fetches from link-local and cloud-metadata addresses too (never by default).
    pub allow_link_local_fetch: bool,
    /// Largest request body the Graph routes accept.
    pub max_body_bytes: usize,
    /// Largest file `PUT /_sandbox/files/{name}` accepts (a reel is up to 300 MB).
    pub max_file_bytes: usize,
    /// How long a client may take to send a request's headers before the connection is
    /// closed (slow-loris protection); an idle keep-alive connection is closed after it too.
    pub header_read_timeout: Duration,
    /// How long a request body may go without a byte arriving before it is answered 408.
    pub body_idle_timeout: Duration,
    /// The most bytes of published media the sandbox keeps to serve at `media_url` (beside a
    /// file database, or in memory for `:memory:`); past it, creating media fails with a
    /// temporary error that names this cap.
    pub media_store_max_bytes: u64,
    /// The publishing rules' numbers (caption, sizes, durations...).
    pub limits: Limits,
    /// How long a webhook delivery may take before it counts as failed (the Messenger FAQ's
    /// 20 s; the verification request waits at most 6 s).
    pub webhook_timeout: Duration,
    /// Refuse `http` webhook callbacks, as Meta does (off by default: a local app listens on
    /// plain http).
    pub webhook_require_https: bool,
}

/// Which addresses media may be fetched from, besides public ones and loopback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Reach {
    /// Public addresses and loopback: what Meta's fetcher reaches, plus the developer's own
    /// machine (the default).
    #[default]
    Public,
    /// Also private ranges: RFC 1918, CGNAT (100.64.0.0/10), IPv6 ULA (fc00::/7). For a
    /// sandbox in a container network that fetches media from a sibling container.
    Private,
    /// Also link-local and cloud-metadata addresses: everything.
    All,
}

impl Config {
    /// The addresses media may be fetched from.
    pub fn fetch_reach(&self) -> Reach {
        match (self.allow_private_fetch, self.allow_link_local_fetch) {
            (_, true) => Reach::All,
            (true, false) => Reach::Private,
            (false, false) => Reach::Public,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8000)),
            public_url: None,
            db: Db::File(PathBuf::from("instapub-sandbox.db")),
            admin_key: None,
            profile: Profile::Documented,
            fetch_timeout: Duration::from_secs(10),
            video_processing: Duration::from_secs(3),
            quota_total: 100,
            allow_private_fetch: false,
            allow_link_local_fetch: false,
            max_body_bytes: 1 << 20,
            max_file_bytes: 310 * 1024 * 1024,
            header_read_timeout: Duration::from_secs(30),
            body_idle_timeout: Duration::from_secs(30),
            media_store_max_bytes: 4 << 30,
            limits: Limits::documented(),
            webhook_timeout: Duration::from_secs(20),
            webhook_require_https: false,
        }
    }
}
