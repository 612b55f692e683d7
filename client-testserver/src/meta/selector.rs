//! Label and field selectors with kube-apiserver's grammar and matching rules.
//!
//! Label selectors (`labelSelector=`) accept the equality-based and set-based
//! forms of `k8s.io/apimachinery/pkg/labels`:
//!
//! | form | matches |
//! |---|---|
//! | `k=v`, `k==v` | objects with label `k` equal to `v` |
//! | `k!=v` | objects whose `k` differs from `v`, **or which lack `k`** |
//! | `k in (a,b)` | objects with `k` equal to one of the values |
//! | `k notin (a,b)` | objects whose `k` is none of them, **or which lack `k`** |
//! | `k` | objects with the label `k` |
//! | `!k` | objects without the label `k` |
//! | `k>1`, `k<1` | objects whose `k` is an integer greater / less than the bound |
//!
//! Requirements are joined with `,` (AND); whitespace between tokens is
//! ignored; the empty string selects everything.
//!
//! Field selectors (`fieldSelector=`) follow `k8s.io/apimachinery/pkg/fields`:
//! `f=v`, `f==v`, `f!=v` joined by `,`, with `\,`, `\=` and `\\` escaping in
//! values. Which fields a kind supports is the caller's business: see
//! [`FieldSelector::fields`].

use serde_json::{Map, Value};
use std::fmt;

/// Why a selector string was rejected. The `Display` text is meant for the
/// `message` of a 400 BadRequest `Status`, worded like kube-apiserver's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SelectorError {
    /// A label selector did not follow the grammar.
    #[error("unable to parse requirement: {0}")]
    Requirement(String),
    /// A label selector's structure (between requirements) was wrong.
    #[error("{0}")]
    Syntax(String),
    /// A field selector term had no `=`, `==` or `!=`.
    #[error("invalid selector: '{selector}'; can't understand '{term}'")]
    FieldTerm {
        /// The whole selector.
        selector: String,
        /// The term that could not be split.
        term: String,
    },
    /// A field selector value used an escape other than `\\`, `\,`, `\=`.
    #[error("invalid field selector: invalid escape sequence: {0}")]
    InvalidEscape(String),
    /// A field selector value contained an unescaped `,` or `=`.
    #[error("invalid field selector: unescaped character in value: {0}")]
    UnescapedRune(char),
}

/// The operator of one label requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelOp {
    /// `=` or `==`.
    Equals,
    /// `!=`.
    NotEquals,
    /// `in (...)`.
    In,
    /// `notin (...)`.
    NotIn,
    /// The bare key.
    Exists,
    /// `!key`.
    DoesNotExist,
    /// `>`.
    GreaterThan,
    /// `<`.
    LessThan,
}

/// One requirement of a label selector, such as `app in (web,api)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelRequirement {
    /// The label key.
    pub key: String,
    /// The operator.
    pub op: LabelOp,
    /// The values (one for `=`/`!=`/`>`/`<`, one or more for `in`/`notin`,
    /// none for exists/not-exists), sorted and deduplicated.
    pub values: Vec<String>,
}

impl LabelRequirement {
    fn matches(&self, labels: &Map<String, Value>) -> bool {
        let value = labels.get(&self.key).map(label_text);
        match self.op {
            LabelOp::Equals | LabelOp::In => value.is_some_and(|v| self.values.contains(&v)),
            LabelOp::NotEquals | LabelOp::NotIn => value.is_none_or(|v| !self.values.contains(&v)),
            LabelOp::Exists => value.is_some(),
            LabelOp::DoesNotExist => value.is_none(),
            LabelOp::GreaterThan | LabelOp::LessThan => {
                let (Some(have), Some(bound)) = (
                    value.and_then(|v| v.parse::<i64>().ok()),
                    self.values.first().and_then(|v| v.parse::<i64>().ok()),
                ) else {
                    return false;
                };
                if self.op == LabelOp::GreaterThan {
                    have > bound
                } else {
                    have < bound
                }
            }
        }
    }
}

fn label_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A parsed label selector: the AND of its requirements.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelSelector {
    requirements: Vec<LabelRequirement>,
}

impl LabelSelector {
    /// Parses a label selector string (the `labelSelector` query parameter).
    ///
    /// # Errors
    ///
    /// [`SelectorError`] on bad syntax, an invalid key or value, an empty
    /// `in ()` set, or a non-integer bound for `>` / `<`.
    pub fn parse(input: &str) -> Result<LabelSelector, SelectorError> {
        let tokens = lex(input);
        let mut p = Parser { tokens, pos: 0 };
        let mut requirements = Vec::new();
        loop {
            match p.peek_value() {
                Tok::Ident(_) | Tok::Not => {
                    let r = p.requirement().map_err(SelectorError::Requirement)?;
                    requirements.push(r);
                    match p.next() {
                        Tok::End => break,
                        Tok::Comma => match p.peek_value() {
                            Tok::Ident(_) | Tok::Not => {}
                            other => {
                                return Err(SelectorError::Syntax(format!(
                                    "found '{other}', expected: identifier after ','"
                                )));
                            }
                        },
                        other => {
                            return Err(SelectorError::Syntax(format!(
                                "found '{other}', expected: ',' or 'end of string'"
                            )));
                        }
                    }
                }
                Tok::End => break,
                other => {
                    return Err(SelectorError::Syntax(format!(
                        "found '{other}', expected: !, identifier, or 'end of string'"
                    )));
                }
            }
        }
        Ok(LabelSelector { requirements })
    }

    /// Whether the selector selects everything (it has no requirements).
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    /// The parsed requirements, in input order.
    pub fn requirements(&self) -> &[LabelRequirement] {
        &self.requirements
    }

    /// Whether an object with these `metadata.labels` is selected.
    /// Non-string label values are compared by their JSON text.
    pub fn matches(&self, labels: &Map<String, Value>) -> bool {
        self.requirements.iter().all(|r| r.matches(labels))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Ident(String),
    Not,
    Eq,
    DoubleEq,
    NotEq,
    In,
    NotIn,
    Gt,
    Lt,
    Open,
    Close,
    Comma,
    End,
}

impl fmt::Display for Tok {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            Tok::Ident(s) => s.as_str(),
            Tok::Not => "!",
            Tok::Eq => "=",
            Tok::DoubleEq => "==",
            Tok::NotEq => "!=",
            Tok::In => "in",
            Tok::NotIn => "notin",
            Tok::Gt => ">",
            Tok::Lt => "<",
            Tok::Open => "(",
            Tok::Close => ")",
            Tok::Comma => ",",
            Tok::End => "",
        };
        f.write_str(s)
    }
}

fn is_special(c: char) -> bool {
    matches!(c, '=' | '!' | '(' | ')' | ',' | '>' | '<')
}

fn lex(input: &str) -> Vec<Tok> {
    let chars: Vec<char> = input.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if is_special(c) {
            let next = chars.get(i + 1).copied();
            let (tok, len) = match (c, next) {
                ('!', Some('=')) => (Tok::NotEq, 2),
                ('=', Some('=')) => (Tok::DoubleEq, 2),
                ('!', _) => (Tok::Not, 1),
                ('=', _) => (Tok::Eq, 1),
                ('(', _) => (Tok::Open, 1),
                (')', _) => (Tok::Close, 1),
                (',', _) => (Tok::Comma, 1),
                ('>', _) => (Tok::Gt, 1),
                _ => (Tok::Lt, 1),
            };
            out.push(tok);
            i += len;
            continue;
        }
        let start = i;
        while i < chars.len() && !chars[i].is_whitespace() && !is_special(chars[i]) {
            i += 1;
        }
        let word: String = chars[start..i].iter().collect();
        out.push(match word.as_str() {
            "in" => Tok::In,
            "notin" => Tok::NotIn,
            _ => Tok::Ident(word),
        });
    }
    out.push(Tok::End);
    out
}

struct Parser {
    tokens: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Tok {
        self.tokens.get(self.pos).cloned().unwrap_or(Tok::End)
    }

    fn next(&mut self) -> Tok {
        let t = self.peek();
        if self.pos < self.tokens.len() {
            self.pos += 1;
        }
        t
    }

    /// In value position the keywords `in` / `notin` are ordinary words.
    fn next_value(&mut self) -> Tok {
        match self.next() {
            Tok::In => Tok::Ident("in".into()),
            Tok::NotIn => Tok::Ident("notin".into()),
            t => t,
        }
    }

    fn peek_value(&self) -> Tok {
        match self.peek() {
            Tok::In => Tok::Ident("in".into()),
            Tok::NotIn => Tok::Ident("notin".into()),
            t => t,
        }
    }

    fn requirement(&mut self) -> Result<LabelRequirement, String> {
        let negated = self.peek() == Tok::Not;
        if negated {
            self.next();
        }
        let key = match self.next_value() {
            Tok::Ident(k) => k,
            other => return Err(format!("found '{other}', expected: identifier")),
        };
        validate_label_key(&key)?;
        if negated {
            return Ok(LabelRequirement {
                key,
                op: LabelOp::DoesNotExist,
                values: Vec::new(),
            });
        }
        if matches!(self.peek(), Tok::End | Tok::Comma) {
            return Ok(LabelRequirement {
                key,
                op: LabelOp::Exists,
                values: Vec::new(),
            });
        }
        let op = match self.next() {
            Tok::Eq | Tok::DoubleEq => LabelOp::Equals,
            Tok::NotEq => LabelOp::NotEquals,
            Tok::In => LabelOp::In,
            Tok::NotIn => LabelOp::NotIn,
            Tok::Gt => LabelOp::GreaterThan,
            Tok::Lt => LabelOp::LessThan,
            other => {
                return Err(format!(
                    "found '{other}', expected: in, notin, =, ==, !=, gt, lt"
                ));
            }
        };
        let mut values = match op {
            LabelOp::In | LabelOp::NotIn => self.value_set()?,
            _ => vec![self.exact_value()?],
        };
        values.sort();
        values.dedup();
        for v in &values {
            validate_label_value(v)?;
        }
        if matches!(op, LabelOp::GreaterThan | LabelOp::LessThan) {
            let ok = values.len() == 1 && values[0].parse::<i64>().is_ok();
            if !ok {
                return Err(format!(
                    "values[0]: Invalid value: {:?}: for 'Gt', 'Lt' operators, the value must be an integer",
                    values.first().map(String::as_str).unwrap_or("")
                ));
            }
        }
        Ok(LabelRequirement { key, op, values })
    }

    fn exact_value(&mut self) -> Result<String, String> {
        match self.peek_value() {
            Tok::End | Tok::Comma => Ok(String::new()),
            Tok::Ident(v) => {
                self.next();
                Ok(v)
            }
            other => Err(format!("found '{other}', expected: identifier")),
        }
    }

    fn value_set(&mut self) -> Result<Vec<String>, String> {
        match self.next() {
            Tok::Open => {}
            other => return Err(format!("found '{other}', expected: '('")),
        }
        let mut set = Vec::new();
        if self.peek() == Tok::Close {
            self.next();
            set.push(String::new());
            return Ok(set);
        }
        loop {
            match self.next_value() {
                Tok::Ident(v) => {
                    set.push(v);
                    match self.peek_value() {
                        Tok::Comma => {
                            self.next();
                            if self.peek() == Tok::Close {
                                set.push(String::new());
                                self.next();
                                return Ok(set);
                            }
                        }
                        Tok::Close => {
                            self.next();
                            return Ok(set);
                        }
                        other => return Err(format!("found '{other}', expected: ',' or ')'")),
                    }
                }
                Tok::Comma => {
                    // `(,a)`, `(a,,b)` and `(a,)` carry empty values.
                    set.push(String::new());
                    match self.peek_value() {
                        Tok::Close => {
                            self.next();
                            return Ok(set);
                        }
                        Tok::Comma | Tok::Ident(_) => {}
                        other => return Err(format!("found '{other}', expected: ',' or ')'")),
                    }
                }
                other => return Err(format!("found '{other}', expected: ',', or identifier")),
            }
        }
    }
}

/// Checks a label key: an optional DNS-1123 subdomain prefix and `/`, then a
/// name of at most 63 characters of `[A-Za-z0-9._-]` that starts and ends
/// with an alphanumeric character.
///
/// # Errors
///
/// A message naming the key and the rule it breaks.
pub fn validate_label_key(key: &str) -> Result<(), String> {
    let (prefix, name) = match key.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    if let Some(prefix) = prefix
        && !client_names::is_dns1123_subdomain(prefix)
    {
        return Err(format!(
            "key: Invalid value: {key:?}: prefix part must be a lowercase RFC 1123 subdomain"
        ));
    }
    if name.is_empty() {
        return Err(format!(
            "key: Invalid value: {key:?}: name part must be non-empty"
        ));
    }
    if name.len() > 63 {
        return Err(format!(
            "key: Invalid value: {key:?}: name part must be no more than 63 characters"
        ));
    }
    if !client_names::is_qualified_name_part(name) {
        return Err(format!(
            "key: Invalid value: {key:?}: name part {}",
            client_names::QUALIFIED_NAME_ERROR
        ));
    }
    Ok(())
}

/// Checks a label value: empty, or at most 63 characters of `[A-Za-z0-9._-]`
/// that start and end with an alphanumeric character.
///
/// # Errors
///
/// A message naming the value and the rule it breaks.
pub fn validate_label_value(value: &str) -> Result<(), String> {
    if value.len() > 63 {
        return Err(format!(
            "values[0]: Invalid value: {value:?}: must be no more than 63 characters"
        ));
    }
    if !value.is_empty() && !client_names::is_qualified_name_part(value) {
        return Err(format!(
            "values[0]: Invalid value: {value:?}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
        ));
    }
    Ok(())
}

/// The operator of one field requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldOp {
    /// `=` or `==`.
    Equals,
    /// `!=`.
    NotEquals,
}

/// One term of a field selector, such as `status.phase!=Running`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRequirement {
    /// The field path, such as `metadata.name`.
    pub field: String,
    /// The operator.
    pub op: FieldOp,
    /// The unescaped value.
    pub value: String,
}

/// A parsed field selector: the AND of its terms.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldSelector {
    requirements: Vec<FieldRequirement>,
}

impl FieldSelector {
    /// Parses a field selector string (the `fieldSelector` query parameter).
    ///
    /// # Errors
    ///
    /// [`SelectorError`] when a term has no operator, or a value holds a bad
    /// escape or an unescaped `,` / `=`.
    pub fn parse(input: &str) -> Result<FieldSelector, SelectorError> {
        let mut requirements = Vec::new();
        for term in split_terms(input) {
            if term.is_empty() {
                continue;
            }
            let Some((field, op, raw)) = split_term(term) else {
                return Err(SelectorError::FieldTerm {
                    selector: input.to_string(),
                    term: term.to_string(),
                });
            };
            requirements.push(FieldRequirement {
                field: field.to_string(),
                op,
                value: unescape_value(raw)?,
            });
        }
        Ok(FieldSelector { requirements })
    }

    /// Whether the selector selects everything.
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    /// The parsed terms, in input order.
    pub fn requirements(&self) -> &[FieldRequirement] {
        &self.requirements
    }

    /// The field paths the selector uses, so the caller can reject those its
    /// kind does not support (`field label not supported: ...`).
    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.requirements.iter().map(|r| r.field.as_str())
    }

    /// Whether an object is selected; `lookup` returns a field's value, and a
    /// missing field compares as the empty string.
    pub fn matches(&self, lookup: impl Fn(&str) -> Option<String>) -> bool {
        self.requirements.iter().all(|r| {
            let have = lookup(&r.field).unwrap_or_default();
            match r.op {
                FieldOp::Equals => have == r.value,
                FieldOp::NotEquals => have != r.value,
            }
        })
    }

    /// `Some(name)` when the selector is exactly `metadata.name=name` (or
    /// `==`), the form clients use to watch one object.
    pub fn single_name(&self) -> Option<&str> {
        match self.requirements.as_slice() {
            [r] if r.field == "metadata.name" && r.op == FieldOp::Equals => Some(&r.value),
            _ => None,
        }
    }
}

/// Splits on commas that are not escaped by a backslash.
fn split_terms(input: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (i, c) in input.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            ',' => {
                out.push(&input[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&input[start..]);
    out
}

/// Finds the first operator (`!=`, `==`, `=`, tried in that order at each
/// position) and splits the term around it.
fn split_term(term: &str) -> Option<(&str, FieldOp, &str)> {
    for (i, _) in term.char_indices() {
        let rest = &term[i..];
        for (op, kind) in [
            ("!=", FieldOp::NotEquals),
            ("==", FieldOp::Equals),
            ("=", FieldOp::Equals),
        ] {
            if let Some(value) = rest.strip_prefix(op) {
                return Some((&term[..i], kind, value));
            }
        }
    }
    None
}

fn unescape_value(raw: &str) -> Result<String, SelectorError> {
    let mut out = String::with_capacity(raw.len());
    let mut in_slash = false;
    for c in raw.chars() {
        if in_slash {
            match c {
                '\\' | ',' | '=' => out.push(c),
                other => return Err(SelectorError::InvalidEscape(format!("\\{other}"))),
            }
            in_slash = false;
            continue;
        }
        match c {
            '\\' => in_slash = true,
            ',' | '=' => return Err(SelectorError::UnescapedRune(c)),
            other => out.push(other),
        }
    }
    if in_slash {
        return Err(SelectorError::InvalidEscape("\\".into()));
    }
    Ok(out)
}

/// Reads a dotted field path (`metadata.name`, `involvedObject.kind`,
/// `status.phase`, `type`) from an object as a string. Numbers and booleans
/// are rendered as JSON text; a missing field, `null`, an object or an array
/// give `None`.
pub fn field_value(obj: &Value, field: &str) -> Option<String> {
    let mut cur = obj;
    for part in field.split('.') {
        cur = cur.as_object()?.get(part)?;
    }
    match cur {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn labels(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    fn sel(s: &str) -> LabelSelector {
        LabelSelector::parse(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    fn err(s: &str) -> String {
        LabelSelector::parse(s)
            .err()
            .unwrap_or_else(|| panic!("{s:?} parsed"))
            .to_string()
    }

    #[test]
    fn empty_selects_everything() {
        for s in ["", "   ", "\t"] {
            let l = sel(s);
            assert!(l.is_empty());
            assert!(l.matches(&Map::new()));
            assert!(l.matches(&labels(json!({"a": "b"}))));
        }
    }

    #[test]
    fn equality_forms() {
        let l = labels(json!({"app": "web", "tier": "fe"}));
        assert!(sel("app=web").matches(&l));
        assert!(sel("app==web").matches(&l));
        assert!(sel(" app = web , tier == fe ").matches(&l));
        assert!(!sel("app=api").matches(&l));
        assert!(!sel("app=web,tier=be").matches(&l));
        assert!(sel("app!=api").matches(&l));
        assert!(!sel("app!=web").matches(&l));
        // != matches objects without the key.
        assert!(sel("missing!=x").matches(&l));
        assert!(!sel("missing=x").matches(&l));
    }

    #[test]
    fn empty_value_equality() {
        let l = labels(json!({"a": ""}));
        assert!(sel("a=").matches(&l));
        assert!(sel("a==").matches(&l));
        assert!(!sel("a=x").matches(&l));
        assert!(!sel("b=").matches(&l));
        assert_eq!(sel("a=,b").requirements().len(), 2);
    }

    #[test]
    fn set_forms() {
        let l = labels(json!({"env": "prod"}));
        assert!(sel("env in (prod,dev)").matches(&l));
        assert!(sel("env in (prod)").matches(&l));
        assert!(sel("env in ( dev , prod )").matches(&l));
        assert!(!sel("env in (dev)").matches(&l));
        assert!(sel("env notin (dev,qa)").matches(&l));
        assert!(!sel("env notin (prod)").matches(&l));
        // notin matches objects without the key; in does not.
        assert!(sel("x notin (a)").matches(&l));
        assert!(!sel("x in (a)").matches(&l));
        // keywords are plain values inside parentheses.
        assert!(sel("env in (in,notin,prod)").matches(&l));
        assert_eq!(sel("env in (b,a,b)").requirements()[0].values, ["a", "b"]);
        assert!(sel("in=x").matches(&labels(json!({"in": "x"}))));
    }

    #[test]
    fn empty_members_in_sets() {
        assert_eq!(sel("a in ()").requirements()[0].values, [""]);
        assert_eq!(sel("a in (,x)").requirements()[0].values, ["", "x"]);
        assert_eq!(sel("a in (x,)").requirements()[0].values, ["", "x"]);
        assert_eq!(sel("a in (x,,y)").requirements()[0].values, ["", "x", "y"]);
        assert!(sel("a in (x,)").matches(&labels(json!({"a": ""}))));
    }

    #[test]
    fn existence() {
        let l = labels(json!({"a": "1"}));
        assert!(sel("a").matches(&l));
        assert!(!sel("b").matches(&l));
        assert!(sel("!b").matches(&l));
        assert!(!sel("!a").matches(&l));
        assert!(sel("a,!b").matches(&l));
        assert!(sel(" ! b ").matches(&l));
        assert_eq!(sel("!b").requirements()[0].op, LabelOp::DoesNotExist);
    }

    #[test]
    fn numeric_comparisons() {
        let l = labels(json!({"n": "5", "s": "abc"}));
        assert!(sel("n>4").matches(&l));
        assert!(!sel("n>5").matches(&l));
        assert!(sel("n<6").matches(&l));
        assert!(!sel("n < 5").matches(&l));
        assert!(!sel("s>1").matches(&l));
        assert!(!sel("missing<100").matches(&l));
        // As in apimachinery, the bound must also be a valid label value.
        assert!(err("n>-3").contains("Invalid value"));
        assert!(err("n>x").contains("must be an integer"));
        assert!(err("n>").contains("must be an integer"));
    }

    #[test]
    fn prefixed_keys() {
        let l = labels(json!({"app.kubernetes.io/name": "x"}));
        assert!(sel("app.kubernetes.io/name=x").matches(&l));
        assert!(sel("app.kubernetes.io/name in (x)").matches(&l));
        assert!(err("Bad.Prefix/name").contains("prefix"));
        assert!(err("/name").contains("prefix"));
        assert!(err("a.b/").contains("non-empty"));
    }

    #[test]
    fn key_and_value_validation() {
        let long = "a".repeat(64);
        assert!(err(&long).contains("63"));
        assert!(LabelSelector::parse(&"a".repeat(63)).is_ok());
        assert!(err(&format!("a={long}")).contains("63"));
        assert!(err("-a=b").contains("alphanumeric"));
        assert!(err("a=-b").contains("alphanumeric"));
        assert!(err("a=b c").contains("expected: ',' or 'end of string'"));
        assert!(err("a in (b$)").contains("Invalid value"));
        assert!(err("ü=1").contains("Invalid value"));
    }

    #[test]
    fn syntax_errors_read_like_kube() {
        assert_eq!(
            err("a in x"),
            "unable to parse requirement: found 'x', expected: '('"
        );
        assert_eq!(
            err("(a"),
            "found '(', expected: !, identifier, or 'end of string'"
        );
        assert_eq!(err("a,"), "found '', expected: identifier after ','");
        assert_eq!(err("a,,b"), "found ',', expected: identifier after ','");
        assert_eq!(
            err("a in (b"),
            "unable to parse requirement: found '', expected: ',' or ')'"
        );
        assert_eq!(
            err("a in (b c)"),
            "unable to parse requirement: found 'c', expected: ',' or ')'"
        );
        assert_eq!(
            err("a = = b"),
            "unable to parse requirement: found '=', expected: identifier"
        );
        assert_eq!(
            err("a b"),
            "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"
        );
        assert_eq!(
            err("a ( b"),
            "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt"
        );
        assert_eq!(
            err("!"),
            "unable to parse requirement: found '', expected: identifier"
        );
        assert_eq!(err("!a=b"), "found '=', expected: ',' or 'end of string'");
        assert!(err("a in (=)").contains("expected: ',', or identifier"));
    }

    #[test]
    fn non_string_label_values() {
        let l = labels(json!({"n": 5}));
        assert!(sel("n=5").matches(&l));
        assert!(sel("n>4").matches(&l));
    }

    #[test]
    fn label_parser_never_panics_on_mutations() {
        let seeds = [
            "app in (a,b),!x,y!=z,n>3",
            "a.b/c notin (,),d==e",
            "k=v,k2 in (v2, v3 ), !k3",
        ];
        let alphabet = b"=!(),<> ab/.-_\\\xc3\xa9in";
        let mut rng = fastrand::Rng::with_seed(7);
        for seed in seeds {
            for _ in 0..2000 {
                let mut bytes = seed.as_bytes().to_vec();
                for _ in 0..rng.usize(1..4) {
                    let at = rng.usize(0..=bytes.len());
                    match rng.u8(0..3) {
                        0 if at < bytes.len() => {
                            bytes.remove(at);
                        }
                        1 => bytes.insert(at, alphabet[rng.usize(0..alphabet.len())]),
                        _ if at < bytes.len() => bytes[at] = rng.u8(..),
                        _ => {}
                    }
                }
                let s = String::from_utf8_lossy(&bytes);
                if let Ok(l) = LabelSelector::parse(&s) {
                    let _ = l.matches(&labels(json!({"app": "a", "n": "4"})));
                }
                if let Ok(f) = FieldSelector::parse(&s) {
                    let _ = f.matches(|_| None);
                    let _ = f.single_name();
                }
            }
        }
    }

    #[test]
    fn field_selector_basics() {
        let obj =
            json!({"metadata": {"name": "foo", "namespace": "ns"}, "status": {"phase": "Active"}});
        let look = |f: &str| field_value(&obj, f);
        assert!(
            FieldSelector::parse("metadata.name=foo")
                .unwrap()
                .matches(look)
        );
        assert!(
            FieldSelector::parse("metadata.name==foo")
                .unwrap()
                .matches(look)
        );
        assert!(
            !FieldSelector::parse("metadata.name!=foo")
                .unwrap()
                .matches(look)
        );
        assert!(
            FieldSelector::parse("metadata.namespace=ns,status.phase!=Terminating")
                .unwrap()
                .matches(look)
        );
        // A missing field compares as "".
        assert!(FieldSelector::parse("spec.x=").unwrap().matches(look));
        assert!(FieldSelector::parse("spec.x!=y").unwrap().matches(look));
        assert!(!FieldSelector::parse("spec.x=y").unwrap().matches(look));
        let empty = FieldSelector::parse("").unwrap();
        assert!(empty.is_empty());
        assert!(empty.matches(look));
        assert!(FieldSelector::parse(",,").unwrap().is_empty());
    }

    #[test]
    fn field_selector_escaping() {
        let s = FieldSelector::parse(r"a=x\,y\=z\\w,b!=q").unwrap();
        assert_eq!(s.requirements()[0].value, r"x,y=z\w");
        assert_eq!(s.requirements()[1].op, FieldOp::NotEquals);
        assert_eq!(s.fields().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(
            FieldSelector::parse(r"a=x\y").unwrap_err().to_string(),
            r"invalid field selector: invalid escape sequence: \y"
        );
        assert_eq!(
            FieldSelector::parse(r"a=x\").unwrap_err().to_string(),
            r"invalid field selector: invalid escape sequence: \"
        );
        assert_eq!(
            FieldSelector::parse("a=b=c").unwrap_err().to_string(),
            "invalid field selector: unescaped character in value: ="
        );
        assert_eq!(
            FieldSelector::parse("a=b,oops").unwrap_err().to_string(),
            "invalid selector: 'a=b,oops'; can't understand 'oops'"
        );
        // `!=` wins over `=` at the same position.
        let s = FieldSelector::parse("a!=b").unwrap();
        assert_eq!(s.requirements()[0].field, "a");
        assert_eq!(s.requirements()[0].value, "b");
        let s = FieldSelector::parse("a==").unwrap();
        assert_eq!(s.requirements()[0].value, "");
    }

    #[test]
    fn single_name() {
        let one = |s: &str| {
            FieldSelector::parse(s)
                .unwrap()
                .single_name()
                .map(str::to_owned)
        };
        assert_eq!(one("metadata.name=foo").as_deref(), Some("foo"));
        assert_eq!(one("metadata.name==foo").as_deref(), Some("foo"));
        assert_eq!(one("metadata.name!=foo"), None);
        assert_eq!(one("metadata.name=foo,metadata.namespace=x"), None);
        assert_eq!(one("metadata.namespace=x"), None);
        assert_eq!(one(""), None);
    }

    #[test]
    fn field_values() {
        let obj = json!({
            "type": "Warning",
            "involvedObject": {"kind": "Pod", "uid": "u1"},
            "flag": true,
            "nested": {"obj": {}},
            "nul": null
        });
        assert_eq!(field_value(&obj, "type").as_deref(), Some("Warning"));
        assert_eq!(
            field_value(&obj, "involvedObject.kind").as_deref(),
            Some("Pod")
        );
        assert_eq!(field_value(&obj, "flag").as_deref(), Some("true"));
        assert_eq!(field_value(&obj, "nested.obj"), None);
        assert_eq!(field_value(&obj, "nul"), None);
        assert_eq!(field_value(&obj, "type.deeper"), None);
        assert_eq!(field_value(&obj, ""), None);
        assert_eq!(field_value(&json!("str"), "a"), None);
    }
}

/// The examples that were doc tests while this module was public.
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod examples {
    #[test]
    fn module_doc_example() {
        use crate::meta::selector::{FieldSelector, LabelSelector};
        use serde_json::json;

        let sel = LabelSelector::parse("app in (web, api), tier!=db").unwrap();
        let labels = json!({"app": "web"});
        assert!(sel.matches(labels.as_object().unwrap()));

        let fields = FieldSelector::parse("metadata.name=foo").unwrap();
        assert_eq!(fields.single_name(), Some("foo"));
    }

    #[test]
    fn parse_example() {
        use crate::meta::selector::LabelSelector;
        assert!(LabelSelector::parse("a in (x,y),!b,c").is_ok());
        let err = LabelSelector::parse("a in x").unwrap_err();
        assert_eq!(
            err.to_string(),
            "unable to parse requirement: found 'x', expected: '('"
        );
    }

    #[test]
    fn parse_example_2() {
        use crate::meta::selector::FieldSelector;
        let s = FieldSelector::parse(r"metadata.name=a\,b,status.phase!=Running").unwrap();
        assert_eq!(
            s.fields().collect::<Vec<_>>(),
            ["metadata.name", "status.phase"]
        );
    }

    #[test]
    fn field_value_example() {
        use serde_json::json;
        let obj = json!({"metadata": {"name": "x"}, "count": 3});
        assert_eq!(
            crate::meta::selector::field_value(&obj, "metadata.name").as_deref(),
            Some("x")
        );
        assert_eq!(
            crate::meta::selector::field_value(&obj, "count").as_deref(),
            Some("3")
        );
        assert_eq!(
            crate::meta::selector::field_value(&obj, "status.phase"),
            None
        );
    }
}
