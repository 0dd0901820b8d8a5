//! Small wire formats Graph uses in several answers.

/// Graph's timestamp format: `2026-11-25T03:00:00+0000`.
pub fn graph_timestamp(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%S+0000").to_string())
        .unwrap_or_default()
}

/// An Instagram-style shortcode: the numeric id in base 64 (A-Z a-z 0-9 - _).
pub fn shortcode(id: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut n: u64 = id.parse().unwrap_or(0);
    let mut out = Vec::new();
    loop {
        out.push(ALPHABET[(n % 64) as usize]);
        n /= 64;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}
