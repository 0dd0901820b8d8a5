//! Who is calling: the access token, who it speaks for (an Instagram account, a Facebook user,
//! a Page, an app), its app, permissions and expiry, answered with Graph's token errors (104 no
//! token, 190 unparseable or the other host's kind, 190/463 expired, 190/458 revoked, 10
//! missing permission, 100/33 someone else's node), and the app secret proof that may come with
//! it (100 "Invalid appsecret_proof", 100 "require an appsecret_proof").

use std::sync::Arc;

use instapub_errors::{placeholder, Id};

use crate::app::App;
use crate::error::{object_not_found, ApiError, ApiResult};
use crate::params::Params;
use crate::route::Host;
use crate::runtime::read_cache::Resolved;
use crate::store::{self, Account, LoginToken, MetaApp, TokenKind};

pub use crate::store::Who;

/// An authenticated token, before the request's node is known.
#[derive(Debug, Clone)]
pub struct Principal {
    pub who: Who,
    /// Shared with the token cache (`crate::runtime::read_cache`).
    pub permissions: Arc<[String]>,
    /// The token's record when a login flow minted it.
    pub login: Option<LoginToken>,
    /// The app the token belongs to (the demo app's for control-plane tokens).
    pub app: Arc<MetaApp>,
}

impl Principal {
    /// The id usage is counted under.
    pub fn usage_key(&self) -> &str {
        match &self.who {
            Who::Account(a) => &a.id,
            Who::FacebookUser(id) => id,
            Who::Page(p, _) => &p.id,
            Who::App(id) => id,
        }
    }

    /// The kind of credential this is, as route contracts name them.
    pub fn token(&self) -> crate::route::Token {
        use crate::route::Token;
        match &self.who {
            Who::Account(_) => Token::Instagram,
            Who::FacebookUser(_) => Token::FacebookUser,
            Who::Page(..) => Token::Page,
            Who::App(_) => Token::App,
        }
    }

    /// What `/me` names; an app token has no current user (Graph's 2500).
    pub fn me(&self) -> ApiResult<&str> {
        match &self.who {
            Who::App(_) => Err(ApiError::new(Id::MeNeedsUserToken)),
            _ => Ok(self.usage_key()),
        }
    }

    /// Checks `appsecret_proof`: when sent, it must be the hex HMAC-SHA256 of the token (or,
    /// with `appsecret_time`, of `{token}|{time}`, the time within [`PROOF_TIME_WINDOW_S`] of
    /// now) keyed by the token's app's secret; without one, a call with any token but an app
    /// token (which holds the secret itself) is refused when `required` (Meta's "Require App
    /// Secret" switch).
    pub fn check_appsecret_proof(
        &self,
        token: &str,
        params: &Params,
        required: bool,
        now_ms: i64,
    ) -> ApiResult<()> {
        let Some(proof) = params.str("appsecret_proof") else {
            return if required && !matches!(self.who, Who::App(_)) {
                Err(ApiError::new(Id::AppsecretProofRequired))
            } else {
                Ok(())
            };
        };
        let invalid = || Err(ApiError::new(Id::InvalidAppsecretProof));
        let expected = match params.str("appsecret_time") {
            None => appsecret_proof(&self.app.secret, token, None),
            Some(time) => {
                let Ok(time) = time.parse::<i64>() else {
                    return invalid();
                };
                if (now_ms / 1000).abs_diff(time) > PROOF_TIME_WINDOW_S {
                    return invalid();
                }
                appsecret_proof(&self.app.secret, token, Some(time))
            }
        };
        if crate::identity::credentials::secret_eq(&proof.to_ascii_lowercase(), &expected) {
            Ok(())
        } else {
            invalid()
        }
    }

    /// The caller acting for `account`, once the request's node showed which.
    pub fn acting_for(&self, account: Account) -> Caller {
        Caller {
            permissions: Arc::clone(&self.permissions),
            account,
            app: Arc::clone(&self.app),
        }
    }
}

/// The authenticated caller of a request, acting for one Instagram account.
#[derive(Debug, Clone)]
pub struct Caller {
    pub permissions: Arc<[String]>,
    pub account: Account,
    /// The app the token belongs to.
    pub app: Arc<MetaApp>,
}

/// How far `appsecret_time` may be from now, in seconds. Meta's login-security guide gives the
/// time-bound proof (`hash_hmac('sha256', $access_token.'|'.time(), $app_secret)`) but no
/// window; five minutes is the sandbox's choice, stated in README.
pub const PROOF_TIME_WINDOW_S: u64 = 300;

/// `appsecret_proof` for a token: hex HMAC-SHA256 keyed by the app secret, of the token or of
/// `{token}|{time}`.
pub fn appsecret_proof(secret: &str, token: &str, time: Option<i64>) -> String {
    match time {
        None => crate::identity::credentials::hmac_hex(secret, &[token.as_bytes()]),
        Some(t) => crate::identity::credentials::hmac_hex(
            secret,
            &[token.as_bytes(), b"|", t.to_string().as_bytes()],
        ),
    }
}

/// Resolves a token on a host.
/// `now` is the virtual time the request is answered at.
pub async fn authenticate(
    app: &App,
    token: Option<&str>,
    host: Host,
    now: i64,
) -> ApiResult<Principal> {
    let Some(token) = token else {
        return Err(ApiError::new(Id::AccessTokenRequired));
    };
    if token.len() > 1024 {
        return Err(ApiError::new(Id::InvalidAccessToken));
    }
    let found = app
        .reads
        .token(&app.store, token, &app.demo.app)
        .await
        .map_err(|_| ApiError::new(Id::ServiceUnavailable))?;
    match found.as_deref() {
        None => Err(ApiError::new(Id::InvalidAccessToken)),
        Some(Resolved::Control {
            permissions,
            expires_at,
            account,
            app,
        }) => {
            check_expiry(*expires_at, now)?;
            Ok(Principal {
                who: Who::Account(account.clone()),
                permissions: Arc::clone(permissions),
                login: None,
                app: Arc::clone(app),
            })
        }
        // An app token is the app's on every host; it has no permissions of a user.
        Some(Resolved::App { app }) => Ok(Principal {
            who: Who::App(app.id.clone()),
            permissions: Arc::from([]),
            login: None,
            app: Arc::clone(app),
        }),
        Some(Resolved::Login {
            login,
            permissions,
            who,
            app,
        }) => {
            // Each host parses only its own tokens (Instagram user tokens are IGAA...,
            // Facebook ones EAA...).
            let instagram_token = login.kind == TokenKind::InstagramUser;
            if instagram_token != (host == Host::Instagram) {
                return Err(ApiError::new(Id::InvalidAccessToken));
            }
            if login.revoked {
                return Err(ApiError::new(Id::AppNotAuthorized)
                    .with(placeholder::NODE_ID, login.app_id.as_str()));
            }
            check_expiry(login.expires_at, now)?;
            Ok(Principal {
                who: who.clone(),
                permissions: Arc::clone(permissions),
                login: Some(login.clone()),
                app: Arc::clone(app),
            })
        }
    }
}

fn check_expiry(expires_at: Option<i64>, now: i64) -> ApiResult<()> {
    match expires_at {
        Some(at) if now >= at => Err(ApiError::new(Id::TokenExpired)
            .with(placeholder::EXPIRED_AT, pacific_time(at))
            .with(placeholder::NOW, pacific_time(now))),
        _ => Ok(()),
    }
}

impl Principal {
    /// Whether this token may act for an Instagram account: its own, its Page's, or (a Facebook
    /// user) one linked to a Page the user administers.
    pub async fn can_act_for(&self, app: &App, account_id: &str) -> ApiResult<Option<Account>> {
        match &self.who {
            Who::Account(a) => Ok((a.id == account_id).then(|| a.clone())),
            Who::Page(_, linked) => Ok(linked.clone().filter(|a| a.id == account_id)),
            Who::App(_) => Ok(None),
            Who::FacebookUser(user) => {
                let (user, id) = (user.clone(), account_id.to_owned());
                app.store
                    .read(move |c| {
                        let managed = store::pages_of_account(c, &id)?
                            .iter()
                            .any(|p| p.admin_id == user);
                        if managed {
                            store::account(c, &id)
                        } else {
                            Ok(None)
                        }
                    })
                    .await
                    .map_err(|_| ApiError::new(Id::ServiceUnavailable))
            }
        }
    }

    /// The Instagram account a token stands for without a node to say which (a control-plane
    /// or Instagram user token's own, a Page's linked one); a Facebook user has none.
    pub fn own_account(&self) -> Option<&Account> {
        match &self.who {
            Who::Account(a) => Some(a),
            Who::Page(_, linked) => linked.as_ref(),
            Who::FacebookUser(_) | Who::App(_) => None,
        }
    }
}

impl Caller {
    /// A permission a handler checks itself (its route's contract says when, as
    /// [`crate::route::Check::InHandler`]).
    pub fn require(&self, permission: &crate::route::Permission) -> ApiResult<()> {
        if permission.granted_by(&self.permissions) {
            Ok(())
        } else {
            Err(ApiError::new(permission.refusal))
        }
    }

    /// A node the caller's account does not own is, to Graph, a node that does not exist.
    pub fn require_own(&self, owner_id: &str, node_id: &str, method: &str) -> ApiResult<()> {
        if owner_id == self.account.id {
            Ok(())
        } else {
            Err(object_not_found(node_id, method))
        }
    }
}

/// Meta's token-expiry date format: `Tuesday, 01-Dec-25 06:00:00 PST`, Pacific time.
pub fn pacific_time(ms: i64) -> String {
    let Ok(ts) = jiff::Timestamp::from_millisecond(ms) else {
        return ms.to_string();
    };
    match jiff::tz::TimeZone::get("America/Los_Angeles") {
        Ok(tz) => ts
            .to_zoned_datetime(tz)
            .strftime("%A, %d-%b-%y %H:%M:%S %Z")
            .to_string(),
        Err(_) => ts.strftime("%A, %d-%b-%y %H:%M:%S UTC").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appsecret_proofs_are_hex_hmacs_of_the_token_or_token_and_time() {
        // Against an independent computation (Python's hmac module):
        // hmac.new(b"secret", b"EAAtoken", hashlib.sha256).hexdigest()
        assert_eq!(
            appsecret_proof("secret", "EAAtoken", None),
            "61b5257ec5c5a53e992ae4d93afa0975e1f1be671788f65a476b0689ad5d5dd5"
        );
        let timed = appsecret_proof("secret", "EAAtoken", Some(1_700_000_000));
        assert_eq!(timed.len(), 64);
        assert_ne!(timed, appsecret_proof("secret", "EAAtoken", None));
        assert_eq!(
            timed,
            crate::identity::credentials::hmac_hex("secret", &[b"EAAtoken|1700000000"])
        );
    }

    #[test]
    fn expiry_dates_look_like_metas() {
        // 2025-12-01 14:00:00 UTC is 06:00 PST.
        assert_eq!(
            pacific_time(1_764_597_600_000),
            "Monday, 01-Dec-25 06:00:00 PST"
        );
        // Summer time.
        assert_eq!(
            pacific_time(1_782_900_000_000),
            "Wednesday, 01-Jul-26 03:00:00 PDT"
        );
    }
}
