//! Who is calling: the access token, its account, its permissions and expiry, answered with
//! Graph's token errors (104 no token, 190 unparseable, 190/463 expired, 10 missing permission,
//! 100/33 someone else's node).

use instapub_errors::{placeholder, Id};

use crate::app::App;
use crate::error::{object_not_found, ApiError, ApiResult};
use crate::store::{self, Account, Token};

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub token: Token,
    pub account: Account,
}

/// Resolves a token to its caller.
pub async fn authenticate(app: &App, token: Option<String>) -> ApiResult<Caller> {
    let Some(token) = token else {
        return Err(ApiError::new(Id::AccessTokenRequired));
    };
    if token.len() > 1024 {
        return Err(ApiError::new(Id::InvalidAccessToken));
    }
    let found = app
        .store
        .lookup(move |c| store::token_with_account(c, &token))
        .await
        .map_err(|_| ApiError::new(Id::ServiceUnavailable))?;
    let Some((token, account)) = found else {
        return Err(ApiError::new(Id::InvalidAccessToken));
    };
    let now = app.clock.now_ms();
    if let Some(expires_at) = token.expires_at {
        if now >= expires_at {
            return Err(ApiError::new(Id::TokenExpired)
                .with(placeholder::EXPIRED_AT, pacific_time(expires_at))
                .with(placeholder::NOW, pacific_time(now)));
        }
    }
    Ok(Caller { token, account })
}

impl Caller {
    pub fn has_permission(&self, permission: &str) -> bool {
        self.token.permissions.iter().any(|p| p == permission)
    }

    /// Publishing needs `instagram_content_publish` (or its Instagram-Login twin).
    pub fn require_publish(&self) -> ApiResult<()> {
        if self.has_permission("instagram_content_publish")
            || self.has_permission("instagram_business_content_publish")
        {
            Ok(())
        } else {
            Err(ApiError::new(Id::PublishPermissionMissing))
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
