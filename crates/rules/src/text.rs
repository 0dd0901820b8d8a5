//! How captions are counted: characters, hashtags and @-mentions.
//!
//! - **Characters** are Unicode scalar values (`str::chars`): an emoji is 1, a CJK ideograph
//!   is 1, "é" written as `e` + combining accent is 2. Meta does not say how it counts; scalar
//!   values are what its server-side languages count natively. [`CountBy::Utf16`] counts UTF-16
//!   code units instead (what JavaScript's `length` gives; an emoji outside the BMP is 2).
//! - A **hashtag** is `#` at the start or after a character that is not a letter, digit, `_` or
//!   `&`, followed by one or more letters, digits, marks or `_` (any script).
//! - A **mention** is `@` at the start or after a character that is not a letter, digit, `_` or
//!   `.`, followed by 1-30 of `A-Z a-z 0-9 _ .` (Instagram usernames), not ending in `.`.
//!   So `a@b.com` (an e-mail address) is not a mention.
//! - Anything inside a URL (a whitespace-separated word containing `://` or starting with
//!   `www.`) is neither: `https://x.com/#top` and `https://x.com/@me` count for nothing.

/// How to count caption length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub enum CountBy {
    /// Unicode scalar values (the default).
    #[default]
    Chars,
    /// UTF-16 code units.
    Utf16,
}

/// A caption's length under a counting rule.
pub fn length(text: &str, by: CountBy) -> usize {
    match by {
        CountBy::Chars => text.chars().count(),
        CountBy::Utf16 => text.encode_utf16().count(),
    }
}

fn is_url_word(word: &str) -> bool {
    word.contains("://") || word.to_ascii_lowercase().starts_with("www.")
}

fn tag_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || is_mark(c)
}

/// Combining marks (general category M), by the ranges that matter for captions.
fn is_mark(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x0610..=0x061A | 0x064B..=0x065F
        | 0x0900..=0x0903 | 0x093A..=0x094F | 0x0E31 | 0x0E34..=0x0E3A | 0x0E47..=0x0E4E
        | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0x3099..=0x309A | 0xFE20..=0xFE2F)
}

/// The hashtags of a caption (without `#`), in order.
pub fn hashtags(text: &str) -> Vec<&str> {
    scan(
        text,
        '#',
        |prev| !(prev.is_alphanumeric() || prev == '_' || prev == '&'),
        |rest| {
            let end = rest
                .char_indices()
                .find(|(_, c)| !tag_char(*c))
                .map_or(rest.len(), |(i, _)| i);
            (end > 0).then_some(end)
        },
    )
}

/// The @-mentions of a caption (without `@`), in order.
pub fn mentions(text: &str) -> Vec<&str> {
    scan(
        text,
        '@',
        |prev| !(prev.is_alphanumeric() || prev == '_' || prev == '.'),
        |rest| {
            let mut end = rest
                .char_indices()
                .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '.'))
                .map_or(rest.len(), |(i, _)| i);
            // A trailing dot ends the sentence, not the username.
            while end > 0 && rest.as_bytes().get(end - 1) == Some(&b'.') {
                end -= 1;
            }
            (end > 0 && end <= 30).then_some(end)
        },
    )
}

/// Finds `sigil` + name, where the char before the sigil passes `boundary` and `name_len`
/// measures the name; skips URL words.
fn scan(
    text: &str,
    sigil: char,
    boundary: impl Fn(char) -> bool,
    name_len: impl Fn(&str) -> Option<usize>,
) -> Vec<&str> {
    let mut out = Vec::new();
    for word in text.split(char::is_whitespace) {
        if is_url_word(word) {
            continue;
        }
        let mut prev: Option<char> = None;
        for (i, c) in word.char_indices() {
            if c == sigil && prev.is_none_or(&boundary) {
                let rest = &word[i + c.len_utf8()..];
                if let Some(n) = name_len(rest) {
                    out.push(&rest[..n]);
                }
            }
            prev = Some(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_by_scalar_value_and_by_utf16() {
        assert_eq!(length("hello", CountBy::Chars), 5);
        assert_eq!(length("😀", CountBy::Chars), 1);
        assert_eq!(length("😀", CountBy::Utf16), 2);
        assert_eq!(length("東京タワー", CountBy::Chars), 5);
        // e + combining acute accent: two scalar values.
        assert_eq!(length("e\u{301}", CountBy::Chars), 2);
        assert_eq!(length("👩‍👩‍👧", CountBy::Chars), 5);
    }

    #[test]
    fn hashtags_in_any_script_but_not_in_words_or_urls() {
        assert_eq!(hashtags("#a b#c #d_e! (#f) #"), vec!["a", "d_e", "f"]);
        assert_eq!(
            hashtags("#東京 #café #cafe\u{301}"),
            vec!["東京", "café", "cafe\u{301}"]
        );
        assert_eq!(
            hashtags("see https://x.com/#top and www.y.com/#a #real"),
            vec!["real"]
        );
        assert_eq!(hashtags("&#39; is an entity"), Vec::<&str>::new());
        assert_eq!(hashtags("#😀 emoji is not a tag"), Vec::<&str>::new());
        assert_eq!(hashtags("#one#two"), vec!["one"]);
    }

    #[test]
    fn mentions_are_usernames_not_emails_or_urls() {
        assert_eq!(mentions("hi @natgeo and @nasa."), vec!["natgeo", "nasa"]);
        assert_eq!(mentions("mail me: a@b.com"), Vec::<&str>::new());
        assert_eq!(mentions("https://x.com/@me (@you)"), vec!["you"]);
        assert_eq!(mentions("@a.b_c @"), vec!["a.b_c"]);
        assert_eq!(mentions("@東京"), Vec::<&str>::new());
        let long = format!("@{}", "x".repeat(31));
        assert_eq!(mentions(&long), Vec::<&str>::new());
    }
}
