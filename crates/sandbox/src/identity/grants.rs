//! Issuing and redeeming the credentials of both logins: OAuth codes (their life), login tokens
//! (minted for a subject, short- or long-lived). The Graph hosts' token endpoints
//! (`graph/oauth.rs`), api.instagram.com's exchange and the consent pages (`login.rs`) and the
//! control plane all issue through here, so a token means the same wherever it came from.

use instapub_errors::{CatalogError, Id};

use crate::app::App;
use crate::error::{store_failed, ApiResult};
use crate::identity::credentials::random_secret;
use crate::store::{self, Code, Login, LoginToken, TokenKind};

/// A short-lived user token's life (Facebook: "about 1-2 hours"; Instagram: 1 hour).
pub const SHORT_LIVED_S: i64 = 3_600;
/// A long-lived token's life, as `expires_in` reports it (about 60 days).
pub const LONG_LIVED_S: i64 = 5_183_944;
/// How long a code can be exchanged (Instagram documents an hour; Facebook's are shorter).
pub const CODE_LIFE_S: i64 = 600;

/// A new token of a kind for a subject, stored; `life_s` `None` never expires.
pub async fn mint(
    app: &App,
    kind: TokenKind,
    subject_id: &str,
    app_id: &str,
    scopes: Vec<String>,
    declined: Vec<String>,
    life_s: Option<i64>,
) -> ApiResult<LoginToken> {
    let now = app.clock.now_ms();
    let prefix = match kind {
        TokenKind::InstagramUser => "IGAA",
        TokenKind::FacebookUser | TokenKind::Page => "EAAU",
    };
    let token = LoginToken {
        token: random_secret(prefix, 120),
        kind,
        subject_id: subject_id.to_owned(),
        app_id: app_id.to_owned(),
        scopes,
        declined,
        expires_at: life_s.map(|s| now + s * 1000),
        created_at: now,
        long_lived: life_s.is_none_or(|s| s > SHORT_LIVED_S),
        revoked: false,
    };
    let t = token.clone();
    app.store
        .write(move |c| store::insert_login_token(c, &t))
        .await
        .map_err(store_failed)?;
    Ok(token)
}

/// Checks a code for an exchange and marks it used: the app's, unused, unexpired, for this
/// redirect URI. `errors` gives each failure in the host's words.
pub async fn redeem(
    app: &App,
    code: &str,
    login: Login,
    app_id: &str,
    redirect_uri: &str,
    errors: &CodeErrors,
) -> Result<Code, CatalogError> {
    let k = code.to_owned();
    let found = app
        .store
        .read(move |c| store::code(c, &k))
        .await
        .map_err(|_| CatalogError::new(Id::ServiceUnavailable))?;
    let Some(found) = found.filter(|c| c.login == login && c.app_id == app_id) else {
        return Err(errors.unknown.clone());
    };
    if found.used {
        return Err(errors.used.clone());
    }
    if app.clock.now_ms() >= found.expires_at {
        return Err(errors.expired.clone());
    }
    if found.redirect_uri != redirect_uri {
        return Err(errors.redirect.clone());
    }
    let k = code.to_owned();
    let won = app
        .store
        .write(move |c| store::use_code(c, &k))
        .await
        .map_err(|_| CatalogError::new(Id::ServiceUnavailable))?;
    if !won {
        return Err(errors.used.clone());
    }
    Ok(found)
}

/// How a host words each way a code exchange fails.
pub struct CodeErrors {
    pub unknown: CatalogError,
    pub used: CatalogError,
    pub expired: CatalogError,
    pub redirect: CatalogError,
}
