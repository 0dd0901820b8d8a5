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

/// The scopes of Facebook Login for Business the sandbox knows (`public_profile` and `email`
/// for the user's own fields).
pub const FACEBOOK_SCOPES: &[&str] = &[
    "public_profile",
    "email",
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

/// `prefix` and `len` letters and digits from the operating system's CSPRNG: tokens, keys, app
/// secrets and codes must not be predictable from one another or from the start time (a
/// clock-seeded generator gave the admin key away from 8 characters of the demo token).
pub fn random_secret(prefix: &str, len: usize) -> String {
    const ALPHABET: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut s = String::with_capacity(prefix.len() + len);
    s.push_str(prefix);
    let mut pool = [0u8; 64];
    while s.len() < prefix.len() + len {
        os_random(&mut pool);
        // Rejection sampling: bytes of 248 and up would favour the first letters.
        for b in pool.iter().filter(|b| **b < 248) {
            if s.len() == prefix.len() + len {
                break;
            }
            s.push(char::from(ALPHABET[usize::from(*b % 62)]));
        }
    }
    s
}

/// `len` lowercase hex digits from the OS's CSPRNG (the shape of Meta's app secrets).
pub fn random_hex(len: usize) -> String {
    let mut bytes = vec![0u8; len.div_ceil(2)];
    os_random(&mut bytes);
    let mut s: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    s.truncate(len);
    s
}

/// A number of `digits` decimal digits (leading zeros allowed) from the OS's CSPRNG.
pub fn random_digits(digits: u32) -> u64 {
    let bound = 10u64.pow(digits.min(19));
    // Rejection sampling over whole multiples of `bound`.
    let zone = u64::MAX - u64::MAX % bound;
    loop {
        let mut b = [0u8; 8];
        os_random(&mut b);
        let n = u64::from_le_bytes(b);
        if n < zone {
            return n % bound;
        }
    }
}

/// Fills `buf` from the operating system. Without an OS generator the sandbox cannot make a
/// secret worth the name, so it stops rather than fall back to a guessable one.
pub fn os_random(buf: &mut [u8]) {
    if let Err(e) = getrandom::fill(buf) {
        panic!("the operating system's random number generator failed: {e}");
    }
}

/// Compares a presented secret (admin key, signature) with the real one in time that does not
/// depend on where they differ.
pub fn secret_eq(presented: &str, real: &str) -> bool {
    use subtle::ConstantTimeEq;
    presented.len() == real.len() && bool::from(presented.as_bytes().ct_eq(real.as_bytes()))
}

/// Hex HMAC-SHA256 of the concatenated `parts`, keyed by `key` (app secret proofs, webhook
/// signatures).
pub fn hmac_hex(key: &str, parts: &[&[u8]]) -> String {
    use hmac::Mac;
    use std::fmt::Write as _;
    let Ok(mut mac) = hmac::Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()) else {
        // HMAC takes a key of any length; this arm is never taken.
        return String::new();
    };
    for part in parts {
        mac.update(part);
    }
    let mut out = String::with_capacity(64);
    for b in mac.finalize().into_bytes() {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// The app access token `grant_type=client_credentials` answers: `{app-id}|{proof}`, the proof
/// an HMAC of the app's id keyed by its secret, so it needs no storage and only the secret's
/// holder can make it (Meta's have the same `id|...` form).
pub fn app_token(app_id: &str, app_secret: &str) -> String {
    use base64::Engine as _;
    use hmac::Mac;
    let proof = match hmac::Hmac::<sha2::Sha256>::new_from_slice(app_secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(b"instapub app access token ");
            mac.update(app_id.as_bytes());
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        }
        // HMAC takes a key of any length; this arm is never taken.
        Err(_) => String::new(),
    };
    format!("{app_id}|{proof}")
}

/// Whether `token` is an app token of this app: `{app-id}|{app-secret}`, or the one
/// [`app_token`] makes. Both compared in constant time.
pub fn is_app_token(token: &str, app_id: &str, app_secret: &str) -> bool {
    let Some((id, rest)) = token.split_once('|') else {
        return false;
    };
    id == app_id
        && (secret_eq(rest, app_secret) || secret_eq(token, &app_token(app_id, app_secret)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_alphanumeric_of_the_asked_length_and_differ() {
        let a = random_secret("EAAI", 96);
        let b = random_secret("EAAI", 96);
        assert_eq!(a.len(), 100);
        assert!(a.starts_with("EAAI") && a[4..].chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, b);
        // Every letter of the alphabet turns up over enough draws (no letter is unreachable).
        let many = random_secret("", 20_000);
        let distinct: std::collections::HashSet<char> = many.chars().collect();
        assert_eq!(distinct.len(), 62);
        assert!(random_digits(13) < 10_000_000_000_000);
    }

    #[test]
    fn secret_comparison() {
        assert!(secret_eq("sbx_admin_abc", "sbx_admin_abc"));
        assert!(!secret_eq("sbx_admin_abd", "sbx_admin_abc"));
        assert!(!secret_eq("sbx_admin_ab", "sbx_admin_abc"));
        assert!(!secret_eq("", "x"));
    }

    #[test]
    fn app_tokens_are_the_apps_own_and_no_one_elses() {
        let t = app_token("123", "s3cret");
        assert!(t.starts_with("123|") && t.len() > 40);
        assert_eq!(t, app_token("123", "s3cret"));
        assert_ne!(t, app_token("123", "other"));
        assert!(is_app_token(&t, "123", "s3cret"));
        assert!(is_app_token("123|s3cret", "123", "s3cret"));
        assert!(!is_app_token(&t, "123", "other"));
        assert!(!is_app_token(&t, "124", "s3cret"));
        assert!(!is_app_token("123|guess", "123", "s3cret"));
        assert!(!is_app_token("s3cret", "123", "s3cret"));
    }
}
