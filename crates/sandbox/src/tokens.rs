//! What credentials look like: access tokens shaped like Meta's, the admin key, and the
//! permission sets tokens are minted with.

use crate::store::Token;

/// Permissions of the demo token: everything the sandbox's endpoints can ask for.
pub const DEMO_PERMISSIONS: &[&str] = &[
    "instagram_basic",
    "instagram_content_publish",
    "pages_read_engagement",
    "pages_show_list",
    "business_management",
    "ads_management",
    "catalog_management",
    "instagram_shopping_tag_products",
    "instagram_manage_comments",
    "instagram_manage_insights",
    "instagram_manage_contents",
];

/// The full permission list of sandboxes before comments and insights existed: tokens that
/// have exactly it are given the permissions added since (`store::schema::migrate`).
pub const DEMO_PERMISSIONS_BEFORE_READ_SIDE: &[&str] = &[
    "instagram_basic",
    "instagram_content_publish",
    "pages_read_engagement",
    "pages_show_list",
    "business_management",
    "ads_management",
    "catalog_management",
    "instagram_shopping_tag_products",
];

/// The scopes of Facebook Login for Business the sandbox knows.
pub const FACEBOOK_SCOPES: &[&str] = &[
    "instagram_basic",
    "instagram_content_publish",
    "pages_show_list",
    "pages_read_engagement",
    "business_management",
    "instagram_manage_comments",
    "instagram_manage_insights",
    "instagram_manage_contents",
    "ads_management",
    "catalog_management",
    "instagram_shopping_tag_products",
];

/// The scopes of Instagram API with Instagram Login.
pub const INSTAGRAM_SCOPES: &[&str] = &[
    "instagram_business_basic",
    "instagram_business_content_publish",
    "instagram_business_manage_comments",
    "instagram_business_manage_insights",
    "instagram_business_manage_messages",
];

/// A login's scopes.
pub fn login_scopes(login: crate::store::Login) -> &'static [&'static str] {
    match login {
        crate::store::Login::Facebook => FACEBOOK_SCOPES,
        crate::store::Login::Instagram => INSTAGRAM_SCOPES,
    }
}

/// Every permission the sandbox knows, as a token's permission list.
pub fn all_permissions() -> Vec<String> {
    DEMO_PERMISSIONS.iter().map(|p| p.to_string()).collect()
}

/// A non-expiring token with every permission for an account (`token` fixes its value).
pub fn full_token(account_id: &str, token: Option<String>) -> Token {
    Token {
        token: token.unwrap_or_else(new_access_token),
        account_id: account_id.to_owned(),
        permissions: all_permissions(),
        expires_at: None,
    }
}

/// A token in the shape of a Meta user token (`EAA...`).
pub fn new_access_token() -> String {
    random_secret("EAAI", 96)
}

/// The control plane's key when none is given.
pub fn new_admin_key() -> String {
    random_secret("sbx_admin_", 32)
}

pub fn random_secret(prefix: &str, len: usize) -> String {
    let mut s = String::with_capacity(prefix.len() + len);
    s.push_str(prefix);
    for _ in 0..len {
        s.push(fastrand::alphanumeric());
    }
    s
}
