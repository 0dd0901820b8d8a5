//! The `fields` parameter: Graph's field-expansion syntax.
//!
//! ```text
//! fields   = field ("," field)*
//! field    = name ("." name "(" args ")")* ("{" fields "}")?
//! ```
//!
//! `media.limit(5){id,caption,children{media_url}}` asks for the `media` edge, five items, each
//! with `id`, `caption` and its children's `media_url`. Modifiers other than the paging ones
//! (`limit`, `after`, `before`) are kept and ignored, as Graph ignores the ones a field does not
//! take. Errors are Graph's code-2500 syntax errors, with the character position.
//!
//! The input is untrusted and bounded: at most [`MAX_DEPTH`] levels and [`MAX_FIELDS`] names,
//! so a hostile `fields` cannot recurse deep or allocate much (the URI is capped before this).

use instapub_errors::{placeholder, Id};

use crate::error::ApiError;

/// Nesting levels of `{}` accepted.
pub const MAX_DEPTH: usize = 8;
/// Field names accepted in one `fields`.
pub const MAX_FIELDS: usize = 500;

/// One requested field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    /// `.name(value)` modifiers, in order.
    pub modifiers: Vec<(String, String)>,
    /// `{...}`: the subfields, and their text as written (for `paging.next` URLs).
    pub sub: Option<(Vec<Field>, String)>,
}

impl Field {
    /// A plain field.
    pub fn named(name: &str) -> Field {
        Field {
            name: name.to_owned(),
            modifiers: Vec::new(),
            sub: None,
        }
    }

    /// A modifier's value.
    pub fn modifier(&self, name: &str) -> Option<&str> {
        self.modifiers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The subfields (empty when none were given).
    pub fn subfields(&self) -> &[Field] {
        self.sub.as_ref().map(|(f, _)| f.as_slice()).unwrap_or(&[])
    }
}

/// Parses a `fields` value. An empty or blank value is no fields.
pub fn parse(text: &str) -> Result<Vec<Field>, ApiError> {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        count: 0,
    };
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let fields = p.list(0)?;
    p.skip_space();
    if p.pos < p.bytes.len() {
        return Err(p.error(&format!(
            "Expected end of string instead of \"{}\".",
            p.rest_char()
        )));
    }
    Ok(fields)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    count: usize,
}

impl Parser<'_> {
    fn error(&self, reason: &str) -> ApiError {
        ApiError::new(Id::FieldsSyntaxError)
            .with(placeholder::REASON, reason)
            .with(placeholder::POSITION, self.pos.to_string())
            .with(
                placeholder::FIELDS,
                self.text.chars().take(500).collect::<String>(),
            )
    }

    fn rest_char(&self) -> String {
        self.text
            .get(self.pos..)
            .and_then(|s| s.chars().next())
            .map(String::from)
            .unwrap_or_default()
    }

    fn found(&self) -> String {
        if self.pos >= self.bytes.len() {
            "end of string".to_owned()
        } else {
            format!("\"{}\"", self.rest_char())
        }
    }

    fn skip_space(&mut self) {
        while self
            .bytes
            .get(self.pos)
            .is_some_and(u8::is_ascii_whitespace)
        {
            self.pos += 1;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        self.skip_space();
        if self.bytes.get(self.pos) == Some(&b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, b: u8) -> Result<(), ApiError> {
        if self.eat(b) {
            Ok(())
        } else {
            Err(self.error(&format!(
                "Expected \"{}\" instead of {}.",
                b as char,
                self.found()
            )))
        }
    }

    fn name(&mut self) -> Result<String, ApiError> {
        self.skip_space();
        let start = self.pos;
        while self
            .bytes
            .get(self.pos)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
        {
            self.pos += 1;
        }
        if start == self.pos {
            return Err(self.error("Expected name."));
        }
        self.count += 1;
        if self.count > MAX_FIELDS {
            return Err(self.error(&format!("More than {MAX_FIELDS} fields.")));
        }
        Ok(self
            .text
            .get(start..self.pos)
            .unwrap_or_default()
            .to_owned())
    }

    /// A modifier's argument: everything up to the matching `)`, nested parentheses allowed.
    fn argument(&mut self) -> Result<String, ApiError> {
        let start = self.pos;
        let mut depth = 0usize;
        while let Some(&b) = self.bytes.get(self.pos) {
            match b {
                b'(' => depth += 1,
                b')' if depth == 0 => {
                    let arg = self.text.get(start..self.pos).unwrap_or_default();
                    self.pos += 1;
                    return Ok(arg.trim().to_owned());
                }
                b')' => depth -= 1,
                _ => {}
            }
            self.pos += 1;
        }
        Err(self.error("Expected \")\" instead of end of string."))
    }

    fn list(&mut self, depth: usize) -> Result<Vec<Field>, ApiError> {
        let mut out: Vec<Field> = Vec::new();
        loop {
            let field_start = self.pos;
            let field = self.field(depth)?;
            if out.iter().any(|f| f.name == field.name) {
                self.pos = field_start;
                self.skip_space();
                return Err(self.error(&format!(
                    "Field {} specified more than once. This is only possible before version 2.1",
                    field.name
                )));
            }
            out.push(field);
            if !self.eat(b',') {
                return Ok(out);
            }
        }
    }

    fn field(&mut self, depth: usize) -> Result<Field, ApiError> {
        let name = self.name()?;
        let mut modifiers = Vec::new();
        while self.eat(b'.') {
            let m = self.name()?;
            self.expect(b'(')?;
            modifiers.push((m, self.argument()?));
        }
        let sub = if self.eat(b'{') {
            if depth + 1 >= MAX_DEPTH {
                return Err(self.error(&format!("More than {MAX_DEPTH} levels of subfields.")));
            }
            let start = self.pos;
            let fields = self.list(depth + 1)?;
            let text = self.text.get(start..self.pos).unwrap_or_default().trim();
            let text = text.to_owned();
            self.expect(b'}')?;
            Some((fields, text))
        } else {
            None
        };
        Ok(Field {
            name,
            modifiers,
            sub,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn names(fields: &[Field]) -> Vec<&str> {
        fields.iter().map(|f| f.name.as_str()).collect()
    }

    fn message(e: ApiError) -> String {
        e.0.render(instapub_errors::Profile::Documented, "t")
            .message
    }

    #[test]
    fn nested_fields_and_modifiers() {
        let f = parse("id, media.limit(5).after(QVFI){id,caption,children{media_url}},username")
            .unwrap_or_else(|e| panic!("{}", message(e)));
        assert_eq!(names(&f), ["id", "media", "username"]);
        let media = &f[1];
        assert_eq!(media.modifier("limit"), Some("5"));
        assert_eq!(media.modifier("after"), Some("QVFI"));
        let (sub, text) = media.sub.as_ref().unwrap_or_else(|| panic!("no subfields"));
        assert_eq!(text, "id,caption,children{media_url}");
        assert_eq!(names(sub), ["id", "caption", "children"]);
        assert_eq!(names(sub[2].subfields()), ["media_url"]);
        assert!(parse("  ").map(|f| f.is_empty()).unwrap_or(false));
    }

    #[test]
    fn syntax_errors_say_where() {
        let cases = [
            ("media{id", "Syntax error \"Expected \"}\" instead of end of string.\" at character 8: media{id"),
            (",id", "Syntax error \"Expected name.\" at character 0: ,id"),
            ("id.limit", "Syntax error \"Expected \"(\" instead of end of string.\" at character 8: id.limit"),
            ("id}", "Syntax error \"Expected end of string instead of \"}\".\" at character 2: id}"),
            ("id,id", "Syntax error \"Field id specified more than once. This is only possible before version 2.1\" at character 3: id,id"),
        ];
        for (input, want) in cases {
            match parse(input) {
                Ok(f) => panic!("{input} parsed: {f:?}"),
                Err(e) => assert_eq!(message(e), want, "{input}"),
            }
        }
        let deep = format!("{}x{}", "a{".repeat(MAX_DEPTH), "}".repeat(MAX_DEPTH));
        assert!(parse(&deep).is_err());
    }

    proptest! {
        #[test]
        fn any_text_parses_or_is_refused(text in "[a-z_{}(),. 0-9]{0,200}") {
            let _ = parse(&text);
        }

        #[test]
        fn written_fields_read_back(names in proptest::collection::hash_set("[a-z_]{1,8}", 1..6)) {
            let names: Vec<String> = names.into_iter().collect();
            let text = format!("media.limit(3){{{}}}", names.join(","));
            let parsed = parse(&text).map_err(|e| TestCaseError::fail(message(e)))?;
            let sub: Vec<&str> = parsed[0].subfields().iter().map(|f| f.name.as_str()).collect();
            prop_assert_eq!(sub, names.iter().map(String::as_str).collect::<Vec<_>>());
        }
    }
}
