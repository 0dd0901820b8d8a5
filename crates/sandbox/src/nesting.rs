//! How deep a JSON or JSON5 text nests, found without parsing it.
//!
//! serde_json stops at depth 128, but `json5` (Meta's relaxed JSON in array parameters, and
//! scenario files) recurses without a limit: 3,187 nested `[` in a 6 KB request overflowed the
//! stack and aborted the process. Every text a recursive parser reads is measured here first.
//!
//! Hand-written because no crate measures JSON5 nesting without building the tree: it is a
//! lexer for the only JSON5 tokens that can hide a bracket (strings in either quote and
//! comments); every other token (numbers, identifiers, punctuation) cannot.

/// The deepest nesting of `[` and `{` in `text`, or `None` if `text` ends inside a string or a
/// block comment (no parser would accept it). Stops counting, and answers `limit + 1`, as soon
/// as the depth passes `limit`, so a hostile text costs one pass at most.
pub fn depth(text: &str, limit: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let (mut i, mut depth, mut deepest) = (0, 0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
                if depth > limit {
                    return Some(depth);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            quote @ (b'"' | b'\'') => {
                i += 1;
                loop {
                    match bytes.get(i)? {
                        b'\\' => i += 2,
                        &b if b == quote => break,
                        _ => i += 1,
                    }
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                // JSON5 ends a line comment at LF, CR, U+2028 and U+2029 (json5's grammar):
                // stopping only at LF would hide every bracket after a CR.
                while i < bytes.len() && !line_terminator(&bytes[i..]) {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while bytes.get(i..i + 2)? != b"*/" {
                    i += 1;
                }
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    Some(deepest)
}

/// Whether `rest` starts with a JSON5 line terminator: LF, CR, U+2028 or U+2029 (in UTF-8,
/// E2 80 A8 and E2 80 A9).
fn line_terminator(rest: &[u8]) -> bool {
    matches!(rest, [b'\n' | b'\r', ..] | [0xE2, 0x80, 0xA8 | 0xA9, ..])
}

/// Whether `text` nests at most `limit` deep (and is lexically complete).
pub fn within(text: &str, limit: usize) -> bool {
    depth(text, limit).is_some_and(|d| d <= limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_in_strings_and_comments_do_not_count() {
        assert_eq!(depth("[]", 10), Some(1));
        assert_eq!(depth("[{a:[1]}]", 10), Some(3));
        assert_eq!(depth(r#"["[[[[", '{{{{', "\"[["]"#, 10), Some(1));
        assert_eq!(depth("[ // [[[[\n 1]", 10), Some(1));
        // Every line terminator ends a comment: what follows counts.
        for end in ["\r", "\n", "\u{2028}", "\u{2029}"] {
            assert_eq!(depth(&format!("//{end}[[["), 10), Some(3), "{end:?}");
        }
        assert_eq!(depth("[ /* [[[[ */ 1]", 10), Some(1));
        assert_eq!(depth("plain", 10), Some(0));
    }

    #[test]
    fn a_string_or_comment_cannot_hide_real_brackets() {
        // A quote inside a comment does not open a string, and a close inside a string does
        // not lower the depth.
        let hidden = format!("/*\"*/{}", "[".repeat(50));
        assert_eq!(depth(&hidden, 10), Some(11));
        let fake_closes = "[\"]\",".repeat(50);
        assert_eq!(depth(&fake_closes, 10), Some(11));
        // Unterminated strings and comments are refused outright.
        assert_eq!(depth("[\"abc", 10), None);
        assert_eq!(depth("[/* abc", 10), None);
        assert_eq!(depth("['a\\", 10), None);
    }

    #[test]
    fn counting_stops_past_the_limit() {
        let deep = "[".repeat(1_000_000);
        assert_eq!(depth(&deep, 32), Some(33));
        assert!(!within(&deep, 32));
        assert!(within(&format!("{}{}", "[".repeat(32), "]".repeat(32)), 32));
    }

    proptest::proptest! {
        /// Whatever surrounds it, a text with `n` real nested openings measures at least `n`
        /// (up to the limit).
        #[test]
        fn real_nesting_is_never_under_counted(
            n in 1usize..200,
            noise in proptest::collection::vec(
                proptest::sample::select(vec![
                    "\"]\"", "'}'", "/*]*/", "// ]\n", "// ]\r", "// ]\u{2028}", "1", "a:", ",",
                ]),
                0..8,
            ),
        ) {
            let mut text = String::new();
            for _ in 0..n {
                text.push('[');
                for piece in &noise {
                    text.push_str(piece);
                }
            }
            let measured = depth(&text, 100).expect("complete text");
            proptest::prop_assert!(measured >= n.min(101));
        }
    }
}
