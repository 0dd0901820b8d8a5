//! The shape of one catalog entry, and the small vocabularies it is written in
//! (error type, action, provenance, profile).
//!
//! The entries themselves, and the `Entry` type whose rows they are, live in
//! [`crate::catalog`]; this module holds the vocabularies.

use serde::Serialize;

/// The `type` field of a Graph error envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ErrorType {
    /// Used by nearly every Graph error, including throttling and parameter errors.
    OAuthException,
    /// Used for "object does not exist / unsupported request" (code 100, subcode 33), and for
    /// app secret proofs.
    GraphMethodException,
    /// A batch request refused as a whole (too many operations, a dependency on nothing).
    GraphBatchException,
    /// graph.instagram.com's generic errors ([`OnInstagram::Dialect`]).
    IGApiException,
}

impl ErrorType {
    /// The wire spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorType::OAuthException => "OAuthException",
            ErrorType::GraphMethodException => "GraphMethodException",
            ErrorType::GraphBatchException => "GraphBatchException",
            ErrorType::IGApiException => "IGApiException",
        }
    }
}

/// The Graph host that answers. graph.instagram.com (Instagram API with Instagram Login) speaks
/// its own dialect for generic errors; see [`OnInstagram`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum Host {
    #[default]
    #[serde(rename = "graph.facebook.com")]
    Facebook,
    #[serde(rename = "graph.instagram.com")]
    Instagram,
}

impl Host {
    pub const fn name(self) -> &'static str {
        match self {
            Host::Facebook => "graph.facebook.com",
            Host::Instagram => "graph.instagram.com",
        }
    }
}

impl std::str::FromStr for Host {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "graph.facebook.com" | "facebook" => Ok(Host::Facebook),
            "graph.instagram.com" | "instagram" => Ok(Host::Instagram),
            other => Err(format!(
                "unknown host {other:?}: graph.facebook.com or graph.instagram.com"
            )),
        }
    }
}

/// How an entry reads when graph.instagram.com answers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OnInstagram {
    /// The host's generic dialect: type `IGApiException`, and the message without Graph's
    /// `(#code) ` prefix ("The parameter video_url is required"). The default of token-less,
    /// generic errors; see [`INSTAGRAM_DIALECT_EVIDENCE`].
    Dialect,
    /// As graph.facebook.com answers it (the publishing errors; errors traffic showed so).
    AsFacebook { evidence: &'static str },
    /// The dialect, with what traffic showed this host answer for this entry.
    Seen {
        message: Option<&'static str>,
        status: Option<u16>,
        evidence: &'static str,
    },
}

/// Where the dialect as a whole was seen.
pub const INSTAGRAM_DIALECT_EVIDENCE: &str = "REAL: IGApiException bodies from graph.instagram.com without the (#code) prefix (restfb/restfb#1558 '2500 Unknown path components'; Dymantic/laravel-instagram-feed#23 '2500 Syntax error'; a probe write-up quoting '100 The parameter video_url is required')";

/// What a program should do when it meets an error. The client's recovery policy is driven
/// entirely by this value; nothing else in the project decides how to react to a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    /// Send the same request again, up to `attempts` more times, with exponential backoff
    /// starting at `first_delay_ms` and capped at `max_delay_ms` (add jitter).
    RetrySame {
        attempts: u8,
        first_delay_ms: u32,
        max_delay_ms: u32,
    },
    /// Retry the same request `attempts` times spread over `within_min_s..=within_max_s`
    /// seconds; if it still fails, create a new container and publish that instead.
    RetryThenRecreate {
        attempts: u8,
        within_min_s: u16,
        within_max_s: u16,
    },
    /// The container is unusable: create a new one from the same inputs and publish that.
    Recreate,
    /// The container is still processing: poll its `status_code` until `FINISHED`, then publish.
    WaitUntilFinished,
    /// The account's 24 h publishing quota is spent: wait until the moving window frees a slot
    /// (read `content_publishing_limit`), then publish.
    WaitForPublishingWindow,
    /// The app or account is throttled: stop calling for at least `min_wait_s` seconds (longer
    /// if the usage headers say so), then retry.
    Throttled { min_wait_s: u32 },
    /// The request itself is wrong; retrying it unchanged cannot succeed. `params` names the
    /// request parameters to fix (the media behind a URL counts as that URL parameter).
    FixRequest { params: &'static [&'static str] },
    /// Only the account owner can fix this, in the Instagram app (restriction, checkpoint, appeal).
    UserMustActInApp,
    /// The access token is unusable: obtain a new one (re-run the login flow if needed).
    RefreshToken,
    /// The token lacks a permission: request it (app review may be needed), then retry.
    RequestPermission { permission: Option<&'static str> },
    /// The feature is not available to this app or account; no change on the caller's side helps.
    NotAvailable,
}

impl Action {
    /// The action's short name, as serialized in its `kind` field.
    pub const fn kind(self) -> &'static str {
        match self {
            Action::RetrySame { .. } => "retry_same",
            Action::RetryThenRecreate { .. } => "retry_then_recreate",
            Action::Recreate => "recreate",
            Action::WaitUntilFinished => "wait_until_finished",
            Action::WaitForPublishingWindow => "wait_for_publishing_window",
            Action::Throttled { .. } => "throttled",
            Action::FixRequest { .. } => "fix_request",
            Action::UserMustActInApp => "user_must_act_in_app",
            Action::RefreshToken => "refresh_token",
            Action::RequestPermission { .. } => "request_permission",
            Action::NotAvailable => "not_available",
        }
    }

    /// Whether sending the *same* request again can succeed without any change.
    pub const fn retries_same_request(self) -> bool {
        matches!(
            self,
            Action::RetrySame { .. }
                | Action::RetryThenRecreate { .. }
                | Action::WaitUntilFinished
                | Action::WaitForPublishingWindow
                | Action::Throttled { .. }
        )
    }

    /// One short sentence for people, used by `instapub explain`.
    pub fn describe(self) -> String {
        match self {
            Action::RetrySame {
                attempts,
                first_delay_ms,
                max_delay_ms,
            } => format!(
                "retry the same request up to {attempts} times, backing off from {} to {} with jitter",
                human_ms(first_delay_ms),
                human_ms(max_delay_ms)
            ),
            Action::RetryThenRecreate {
                attempts,
                within_min_s,
                within_max_s,
            } => format!(
                "retry the same request {attempts} times within {within_min_s} s to {within_max_s} s; if it still fails, create a new container and publish that"
            ),
            Action::Recreate => "create a new container from the same inputs and publish it".into(),
            Action::WaitUntilFinished => {
                "poll the container's status_code until it is FINISHED, then publish".into()
            }
            Action::WaitForPublishingWindow => {
                "wait until the 24 h publishing window frees a slot (see content_publishing_limit), then publish".into()
            }
            Action::Throttled { min_wait_s } => format!(
                "stop calling for at least {} (longer if the usage headers say so), then retry",
                human_ms(min_wait_s.saturating_mul(1000))
            ),
            Action::FixRequest { params } => {
                if params.is_empty() {
                    "fix the request; sending it again unchanged will fail the same way".into()
                } else {
                    format!(
                        "fix the request ({}); sending it again unchanged will fail the same way",
                        params.join(", ")
                    )
                }
            }
            Action::UserMustActInApp => {
                "stop; the account owner must sign in to the Instagram app and resolve it".into()
            }
            Action::RefreshToken => "obtain a new access token, then retry".into(),
            Action::RequestPermission { permission } => match permission {
                Some(p) => format!("request the {p} permission for this token, then retry"),
                None => "request the missing permission for this token, then retry".into(),
            },
            Action::NotAvailable => {
                "stop; this feature is not available to this app or account".into()
            }
        }
    }
}

fn human_ms(ms: u32) -> String {
    if ms >= 60_000 && ms.is_multiple_of(60_000) {
        format!("{} min", ms / 60_000)
    } else if ms >= 1000 && ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{ms} ms")
    }
}

/// Where an entry comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// A row of Meta's Instagram error-codes table (the project's seed file).
    Seed,
    /// Meta's generic Graph API documentation (error handling, rate limiting).
    GraphDocs,
    /// Seen in real traffic but not documented by Meta.
    Observed,
    /// Emitted only by the instapub sandbox, for requests whose real answer is unknown (for
    /// example an oversized body). Its wire strings are ours and say so.
    Sandbox,
}

/// Which wire variant the sandbox emits where documentation and real traffic differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Profile {
    /// What Meta's documentation (the seed) says. The default.
    #[default]
    Documented,
    /// What real responses were seen to carry (reference/real-envelopes.md).
    Observed,
}

impl std::str::FromStr for Profile {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "documented" => Ok(Profile::Documented),
            "observed" => Ok(Profile::Observed),
            other => Err(format!(
                "unknown profile {other:?}: expected \"documented\" or \"observed\""
            )),
        }
    }
}

/// Fields that real traffic was seen to send differently from the documentation. `None`
/// means "same as documented".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Observed {
    pub status: Option<u16>,
    pub code: Option<i64>,
    pub message: Option<&'static str>,
    pub user_title: Option<&'static str>,
    pub user_msg: Option<&'static str>,
    /// Where it was seen.
    pub evidence: &'static str,
}

impl Observed {
    /// No differences; the base for struct-update syntax in the table.
    pub const SAME: Observed = Observed {
        status: None,
        code: None,
        message: None,
        user_title: None,
        user_msg: None,
        evidence: "",
    };
}
