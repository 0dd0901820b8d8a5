//! A forgiving reader of the object notations error bodies are pasted in: JSON, Python's repr
//! of a dict (`'single'` quotes, `True`/`False`/`None`), JavaScript object literals and
//! `util.inspect` output (bare keys, `'a' +` string concatenation), Ruby's `=>` hashes, and
//! Flutter's `{key: bare value}` maps, including bodies cut short by a log or a terminal.
//!
//! Hand-written because no crate reads all of these, and none keeps what it read of a body cut
//! in the middle: serde_json and json5 reject a truncated or Python-quoted body outright, where
//! a person explaining a log line needs every field up to the cut. The reader never recurses
//! deeper than [`MAX_DEPTH`] and never reads past its input, so its cost is bounded by the
//! paste's length.

/// Objects nested deeper than this are not read (an error body nests three levels).
pub const MAX_DEPTH: usize = 32;

/// A value as read.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// Keys in order; `closed` is false when the input stopped before the closing brace.
    Obj {
        fields: Vec<(String, Node)>,
        closed: bool,
    },
    Arr {
        items: Vec<Node>,
        closed: bool,
    },
    /// A quoted string; `cut` when its end was lost (no closing quote, or an ellipsis or
    /// Guzzle's "(truncated...)" marker where it ended).
    Str {
        text: String,
        cut: bool,
    },
    Num(String),
    Bool(bool),
    Null,
    /// An unquoted value (`errorType: OAuthException`), trimmed.
    Bare(String),
}

impl Node {
    pub fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Obj { fields, .. } => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The value as text, as a person would read it (numbers and booleans too).
    pub fn text(&self) -> Option<&str> {
        match self {
            Node::Str { text, .. } | Node::Num(text) | Node::Bare(text) => Some(text),
            Node::Bool(true) => Some("true"),
            Node::Bool(false) => Some("false"),
            _ => None,
        }
    }

    pub fn integer(&self) -> Option<i64> {
        let t = self.text()?.trim();
        t.parse::<i64>().ok().or_else(|| {
            t.parse::<f64>()
                .ok()
                .filter(|f| f.fract() == 0.0 && f.abs() < 1e15)
                .map(|f| f as i64)
        })
    }

    pub fn boolean(&self) -> Option<bool> {
        match self {
            Node::Bool(b) => Some(*b),
            other => match other.text()?.trim() {
                "true" | "True" | "1" => Some(true),
                "false" | "False" | "0" => Some(false),
                _ => None,
            },
        }
    }

    pub fn is_cut(&self) -> bool {
        match self {
            Node::Str { cut, .. } => *cut,
            Node::Obj { closed, .. } | Node::Arr { closed, .. } => !closed,
            _ => false,
        }
    }
}

/// Which notations a read met, to name the paste's format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Syntax {
    pub single_quotes: bool,
    pub bare_keys: bool,
    pub ruby_arrows: bool,
    pub python_literals: bool,
}

/// The result of reading one value.
#[derive(Debug)]
pub struct Read {
    pub node: Node,
    /// Byte offset just past what was read.
    pub end: usize,
    /// The input (or a truncation marker) ended inside the value.
    pub cut: bool,
    pub syntax: Syntax,
}

/// Reads the value that starts at `start` (which must be `{` or `[`).
pub fn read_at(text: &str, start: usize) -> Read {
    let mut r = Reader {
        b: text.as_bytes(),
        text,
        pos: start,
        cut: false,
        stopped: false,
        syntax: Syntax::default(),
    };
    let node = r.value(0).unwrap_or(Node::Null);
    Read {
        node,
        end: r.pos.max(start + 1).min(text.len()),
        cut: r.cut,
        syntax: r.syntax,
    }
}

/// The markers loggers and HTTP libraries leave where they cut a body.
const CUT_MARKERS: [&str; 4] = [" (truncated...)", "(truncated...)", "…", "..."];

struct Reader<'a> {
    text: &'a str,
    b: &'a [u8],
    pos: usize,
    /// The input ended (or a cut marker was met) inside a value.
    cut: bool,
    /// Reading stopped: at the end, at a cut, or at something no notation allows.
    stopped: bool,
    syntax: Syntax,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn rest(&self) -> &str {
        self.text.get(self.pos..).unwrap_or("")
    }

    fn skip_space(&mut self) {
        while let Some(c) = self.peek() {
            if c.is_ascii_whitespace() {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    /// At a cut marker (outside a string): stop, the rest was lost.
    fn at_cut_marker(&mut self) -> bool {
        let rest = self.rest();
        if CUT_MARKERS[..3].iter().any(|m| rest.starts_with(m)) || rest.starts_with("...") {
            self.cut = true;
            self.stopped = true;
            return true;
        }
        false
    }

    fn end_of_input(&mut self) -> bool {
        if self.pos >= self.b.len() {
            self.cut = true;
            self.stopped = true;
            return true;
        }
        false
    }

    fn value(&mut self, depth: usize) -> Option<Node> {
        self.skip_space();
        if self.end_of_input() || self.at_cut_marker() {
            return None;
        }
        let c = self.peek()?;
        match c {
            b'{' | b'[' if depth >= MAX_DEPTH => {
                self.stopped = true;
                None
            }
            b'{' => Some(self.object(depth)),
            b'[' => Some(self.array(depth)),
            b'"' | b'\'' => {
                let node = self.string(c);
                // JavaScript's util.inspect splits long strings: 'abc' +\n 'def'.
                let mut node = node;
                loop {
                    if self.stopped {
                        break;
                    }
                    let save = self.pos;
                    self.skip_space();
                    if self.peek() != Some(b'+') {
                        self.pos = save;
                        break;
                    }
                    self.pos += 1;
                    self.skip_space();
                    match self.peek() {
                        Some(q @ (b'"' | b'\'')) => {
                            if let (
                                Node::Str { text, cut },
                                Node::Str {
                                    text: more,
                                    cut: c2,
                                },
                            ) = (&mut node, self.string(q))
                            {
                                text.push_str(&more);
                                *cut = c2;
                            }
                        }
                        _ => {
                            self.pos = save;
                            break;
                        }
                    }
                }
                Some(node)
            }
            b'-' | b'0'..=b'9' => Some(self.number()),
            _ => Some(self.word()),
        }
    }

    fn object(&mut self, depth: usize) -> Node {
        self.pos += 1; // '{'
        let mut fields = Vec::new();
        loop {
            self.skip_space();
            if self.end_of_input() || self.at_cut_marker() {
                return Node::Obj {
                    fields,
                    closed: false,
                };
            }
            match self.peek() {
                Some(b'}') => {
                    self.pos += 1;
                    return Node::Obj {
                        fields,
                        closed: true,
                    };
                }
                Some(b',') => {
                    self.pos += 1;
                    continue;
                }
                _ => {}
            }
            let Some(key) = self.key() else {
                self.stopped = true;
                return Node::Obj {
                    fields,
                    closed: false,
                };
            };
            if self.stopped {
                // The key itself was cut ("fbtrace_id (truncated...)).
                return Node::Obj {
                    fields,
                    closed: false,
                };
            }
            self.skip_space();
            if !self.separator() {
                if self.end_of_input() || self.at_cut_marker() {
                    return Node::Obj {
                        fields,
                        closed: false,
                    };
                }
                self.stopped = true;
                return Node::Obj {
                    fields,
                    closed: false,
                };
            }
            match self.value(depth + 1) {
                Some(v) => fields.push((key, v)),
                None => {
                    return Node::Obj {
                        fields,
                        closed: false,
                    }
                }
            }
            if self.stopped {
                return Node::Obj {
                    fields,
                    closed: false,
                };
            }
            self.skip_space();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {}
                None => {}
                // A value not followed by a separator: a notation this reader does not know.
                _ => {
                    if !self.at_cut_marker() {
                        self.stopped = true;
                    }
                    return Node::Obj {
                        fields,
                        closed: false,
                    };
                }
            }
        }
    }

    fn array(&mut self, depth: usize) -> Node {
        self.pos += 1; // '['
        let mut items = Vec::new();
        loop {
            self.skip_space();
            if self.end_of_input() || self.at_cut_marker() {
                return Node::Arr {
                    items,
                    closed: false,
                };
            }
            match self.peek() {
                Some(b']') => {
                    self.pos += 1;
                    return Node::Arr {
                        items,
                        closed: true,
                    };
                }
                Some(b',') => {
                    self.pos += 1;
                    continue;
                }
                _ => {}
            }
            match self.value(depth + 1) {
                Some(v) => items.push(v),
                None => {
                    return Node::Arr {
                        items,
                        closed: false,
                    }
                }
            }
            if self.stopped {
                return Node::Arr {
                    items,
                    closed: false,
                };
            }
            self.skip_space();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') | None => {}
                _ => {
                    if !self.at_cut_marker() {
                        self.stopped = true;
                    }
                    return Node::Arr {
                        items,
                        closed: false,
                    };
                }
            }
        }
    }

    /// A key: quoted, bare (`error:`), a Ruby symbol (`:recipient=>`) or a number.
    fn key(&mut self) -> Option<String> {
        match self.peek()? {
            q @ (b'"' | b'\'') => match self.string(q) {
                Node::Str { text, .. } => Some(text),
                _ => None,
            },
            _ => {
                if self.peek() == Some(b':') {
                    self.pos += 1;
                }
                let start = self.pos;
                while let Some(c) = self.peek() {
                    if c.is_ascii_alphanumeric() || matches!(c, b'_' | b'$' | b'-') {
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
                if self.pos == start {
                    return None;
                }
                self.syntax.bare_keys = true;
                Some(self.text[start..self.pos].to_owned())
            }
        }
    }

    fn separator(&mut self) -> bool {
        let rest = self.rest();
        if rest.starts_with("=>") {
            self.syntax.ruby_arrows = true;
            self.pos += 2;
            true
        } else if rest.starts_with(':') || rest.starts_with('=') {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// A quoted string with JSON, Python and JavaScript escapes.
    fn string(&mut self, quote: u8) -> Node {
        if quote == b'\'' {
            self.syntax.single_quotes = true;
        }
        self.pos += 1;
        let mut out = String::new();
        loop {
            let rest = self.rest();
            let Some(c) = rest.chars().next() else {
                self.cut = true;
                self.stopped = true;
                return Node::Str {
                    text: out,
                    cut: true,
                };
            };
            // A logger's cut marker ends the string and everything after it.
            if rest.starts_with(" (truncated...)") || rest.starts_with("(truncated...)") {
                self.cut = true;
                self.stopped = true;
                return Node::Str {
                    text: out,
                    cut: true,
                };
            }
            if c == '…' {
                self.pos += c.len_utf8();
                // Chrome's console shortens a value and closes the quote: the value was cut,
                // the body was not. Anything else after the ellipsis: the paste ends here.
                if self.peek() == Some(quote) {
                    self.pos += 1;
                    return Node::Str {
                        text: out,
                        cut: true,
                    };
                }
                self.cut = true;
                self.stopped = true;
                return Node::Str {
                    text: out,
                    cut: true,
                };
            }
            self.pos += c.len_utf8();
            if c as u32 == quote as u32 {
                return Node::Str {
                    text: out,
                    cut: false,
                };
            }
            if c != '\\' {
                out.push(c);
                continue;
            }
            let Some(e) = self.rest().chars().next() else {
                continue;
            };
            self.pos += e.len_utf8();
            match e {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                '0' => out.push('\0'),
                'u' => match self.hex(4) {
                    Some(hi @ 0xD800..=0xDBFF) => {
                        let lo = if self.rest().starts_with("\\u") {
                            self.pos += 2;
                            self.hex(4)
                        } else {
                            None
                        };
                        let joined =
                            lo.filter(|lo| (0xDC00..=0xDFFF).contains(lo))
                                .and_then(|lo| {
                                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                                });
                        out.push(joined.unwrap_or('\u{fffd}'));
                    }
                    Some(n) => out.push(char::from_u32(n).unwrap_or('\u{fffd}')),
                    None => out.push('\u{fffd}'),
                },
                'x' => match self.hex(2) {
                    Some(n) => out.push(char::from_u32(n).unwrap_or('\u{fffd}')),
                    None => out.push('\u{fffd}'),
                },
                other => out.push(other),
            }
        }
    }

    fn hex(&mut self, digits: usize) -> Option<u32> {
        let s = self.text.get(self.pos..self.pos + digits)?;
        let n = u32::from_str_radix(s, 16).ok()?;
        self.pos += digits;
        Some(n)
    }

    fn number(&mut self) -> Node {
        let start = self.pos;
        self.pos += 1;
        while let Some(c) = self.peek() {
            if c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-') {
                self.pos += 1;
            } else {
                break;
            }
        }
        // "400 Bad Request" as a bare value: read the rest as words.
        if matches!(self.peek(), Some(b' ')) {
            let save = self.pos;
            let word = self.bare_until_separator(start);
            if word.chars().any(|c| c.is_alphabetic()) {
                return Node::Bare(word);
            }
            self.pos = save;
        }
        Node::Num(self.text[start..self.pos].to_owned())
    }

    /// A literal or an unquoted value, up to a comma, a closing bracket or the line's end.
    fn word(&mut self) -> Node {
        let start = self.pos;
        let literal = |w: &str| -> Option<Node> {
            Some(match w {
                "true" => Node::Bool(true),
                "false" => Node::Bool(false),
                "null" | "nil" | "undefined" => Node::Null,
                _ => return None,
            })
        };
        let mut end = start;
        while end < self.b.len() && (self.b[end].is_ascii_alphanumeric() || self.b[end] == b'_') {
            end += 1;
        }
        let w = &self.text[start..end];
        let next = self.b.get(end).copied();
        let ends_here = matches!(next, None | Some(b',' | b'}' | b']' | b' ' | b'\n' | b'\r'));
        if ends_here {
            if let Some(node) = literal(w) {
                self.pos = end;
                return node;
            }
            let python = match w {
                "True" => Some(Node::Bool(true)),
                "False" => Some(Node::Bool(false)),
                "None" => Some(Node::Null),
                _ => None,
            };
            if let Some(node) = python {
                self.syntax.python_literals = true;
                self.pos = end;
                return node;
            }
        }
        Node::Bare(self.bare_until_separator(start))
    }

    fn bare_until_separator(&mut self, start: usize) -> String {
        let mut end = start;
        let mut inner = 0usize;
        while end < self.b.len() {
            match self.b[end] {
                b'(' | b'[' | b'{' => inner += 1,
                b')' | b']' | b'}' if inner > 0 => inner -= 1,
                b',' | b'}' | b']' | b'\n' if inner == 0 => break,
                _ => {}
            }
            end += 1;
        }
        self.pos = end;
        self.text[start..end].trim().to_owned()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn read(s: &str) -> Read {
        read_at(s, s.find(['{', '[']).unwrap())
    }

    #[test]
    fn reads_json_python_javascript_and_ruby() {
        for text in [
            r#"{"error": {"message": "It's", "code": 100, "ok": true}}"#,
            r#"{'error': {'message': "It's", 'code': 100, 'ok': True}}"#,
            "{ error:\n   { message: 'It\\'s',\n    code: 100, ok: true } }",
            r#"{"error"=>{"message"=>"It's", "code"=>100, "ok"=>true}}"#,
        ] {
            let r = read(text);
            assert!(!r.cut, "{text}");
            let e = r.node.get("error").unwrap();
            assert_eq!(e.get("message").unwrap().text(), Some("It's"), "{text}");
            assert_eq!(e.get("code").unwrap().integer(), Some(100), "{text}");
            assert_eq!(e.get("ok").unwrap().boolean(), Some(true), "{text}");
        }
    }

    #[test]
    fn keeps_what_came_before_a_cut() {
        let r = read(
            r#"{"error":{"message":"Denied","type":"IGApiException","code":10,"fbtrace_id (truncated...)"#,
        );
        assert!(r.cut);
        let e = r.node.get("error").unwrap();
        assert_eq!(e.get("code").unwrap().integer(), Some(10));
        assert!(e.is_cut());
        let r = read("{\"error\": {\"message\": \"Tried accessing nonexisting field (name) on…\", \"code\": 100}}");
        assert!(!r.cut, "a value shortened by a console, the body whole");
        assert!(r
            .node
            .get("error")
            .unwrap()
            .get("message")
            .unwrap()
            .is_cut());
    }

    #[test]
    fn joins_inspect_string_pieces_and_reads_bare_values() {
        let r = read("{ stack: 'Error: x\\n' +\n    'at y', code: 1 }");
        assert_eq!(r.node.get("stack").unwrap().text(), Some("Error: x\nat y"));
        let r = read("{HttpStatus: 400, errorCode: 190, errorType: OAuthException, errorMessage: Error validating access token: gone.}");
        assert_eq!(
            r.node.get("errorType").unwrap().text(),
            Some("OAuthException")
        );
        assert_eq!(
            r.node.get("errorMessage").unwrap().text(),
            Some("Error validating access token: gone.")
        );
    }

    #[test]
    fn depth_is_capped() {
        let deep = "{\"a\":".repeat(10_000);
        let r = read(&deep);
        assert!(r.end <= deep.len());
    }
}
