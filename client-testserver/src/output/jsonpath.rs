//! The subset of Kubernetes JSONPath that printer columns use.
//!
//! Supported: `.a.b`, `['key.with/dots']` and `["key"]`, `[N]` and `[-N]`,
//! `[*]` and `.*`, filters `[?(@.type=="Ready")]` (`==`, `!=` against a
//! string, number or boolean literal, or bare existence `[?(@.x)]`), an
//! optional leading `$` and surrounding `{}`. Anything else (slices,
//! recursive descent, unions) evaluates to nothing.

use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Field(String),
    Index(i64),
    Wildcard,
    Filter(Filter),
}

#[derive(Debug, Clone, PartialEq)]
struct Filter {
    path: Vec<Step>,
    /// `None`: existence test; `Some((negated, literal))`: comparison.
    compare: Option<(bool, Value)>,
}

/// The first value `path` selects in `obj`, or `None` when it selects
/// nothing or is not supported.
pub(crate) fn eval(obj: &Value, path: &str) -> Option<Value> {
    eval_all(obj, path).into_iter().next()
}

/// Every value `path` selects in `obj`, in document order (several when
/// it has a wildcard or a filter).
pub(crate) fn eval_all(obj: &Value, path: &str) -> Vec<Value> {
    let Some(steps) = parse(path) else {
        return Vec::new();
    };
    run(obj, &steps).into_iter().cloned().collect()
}

fn run<'a>(obj: &'a Value, steps: &[Step]) -> Vec<&'a Value> {
    let mut current = vec![obj];
    for step in steps {
        let mut next = Vec::new();
        for v in current {
            match (step, v) {
                (Step::Field(name), Value::Object(map)) => next.extend(map.get(name)),
                (Step::Index(i), Value::Array(items)) => {
                    let len = i64::try_from(items.len()).unwrap_or(i64::MAX);
                    let at = if *i < 0 { len + i } else { *i };
                    if let Ok(at) = usize::try_from(at) {
                        next.extend(items.get(at));
                    }
                }
                (Step::Wildcard, Value::Array(items)) => next.extend(items.iter()),
                (Step::Wildcard, Value::Object(map)) => next.extend(map.values()),
                (Step::Filter(f), Value::Array(items)) => {
                    next.extend(items.iter().filter(|item| f.matches(item)));
                }
                _ => {}
            }
        }
        current = next;
    }
    current
}

impl Filter {
    fn matches(&self, item: &Value) -> bool {
        let found = run(item, &self.path);
        match &self.compare {
            None => !found.is_empty(),
            Some((negated, literal)) => {
                let equal = found.first().is_some_and(|v| loose_eq(v, literal));
                equal != *negated
            }
        }
    }
}

fn loose_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

fn parse(path: &str) -> Option<Vec<Step>> {
    let mut p = path.trim();
    if let Some(inner) = p.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
        p = inner.trim();
    }
    p = p.strip_prefix('$').unwrap_or(p);
    let chars: Vec<char> = p.chars().collect();
    let mut steps = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '.' => {
                i += 1;
                match chars.get(i) {
                    None => break, // `.` alone: the object itself
                    Some('.') => return None,
                    Some('*') => {
                        steps.push(Step::Wildcard);
                        i += 1;
                    }
                    Some('[') => {}
                    Some(_) => {
                        let mut name = String::new();
                        while let Some(&c) = chars.get(i) {
                            match c {
                                '\\' if chars.get(i + 1) == Some(&'.') => {
                                    name.push('.');
                                    i += 2;
                                }
                                '.' | '[' => break,
                                c => {
                                    name.push(c);
                                    i += 1;
                                }
                            }
                        }
                        steps.push(Step::Field(name));
                    }
                }
            }
            '[' => {
                let close = find_bracket_end(&chars, i)?;
                let inner: String = chars[i + 1..close].iter().collect();
                steps.push(bracket(inner.trim())?);
                i = close + 1;
            }
            _ => return None,
        }
    }
    Some(steps)
}

/// The index of the `]` closing the `[` at `open`, skipping quotes.
fn find_bracket_end(chars: &[char], open: usize) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut depth = 0usize;
    for (j, &c) in chars.iter().enumerate().skip(open) {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '\'' | '"' => quote = Some(c),
                '[' => depth += 1,
                ']' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(j);
                    }
                }
                _ => {}
            },
        }
    }
    None
}

fn unquote(s: &str) -> Option<String> {
    let s = s.trim();
    for q in ['\'', '"'] {
        if s.len() >= 2
            && let Some(inner) = s.strip_prefix(q).and_then(|r| r.strip_suffix(q))
        {
            return Some(inner.to_string());
        }
    }
    None
}

fn bracket(inner: &str) -> Option<Step> {
    if inner == "*" {
        return Some(Step::Wildcard);
    }
    if let Some(key) = unquote(inner) {
        return Some(Step::Field(key));
    }
    if let Some(filter) = inner.strip_prefix('?') {
        let body = filter
            .trim()
            .strip_prefix('(')
            .and_then(|s| s.strip_suffix(')'))?
            .trim();
        return filter_step(body).map(Step::Filter);
    }
    inner.parse::<i64>().ok().map(Step::Index)
}

fn filter_step(body: &str) -> Option<Filter> {
    let (lhs, compare) = match split_operator(body) {
        Some((lhs, negated, rhs)) => (lhs, Some((negated, literal(rhs.trim())?))),
        None => (body, None),
    };
    let rel = lhs.trim().strip_prefix('@')?;
    let path = parse(rel)?;
    if path.iter().any(|s| matches!(s, Step::Filter(_))) {
        return None;
    }
    Some(Filter { path, compare })
}

/// Splits `a == b` / `a != b` at the first operator outside quotes.
fn split_operator(body: &str) -> Option<(&str, bool, &str)> {
    let mut quote: Option<char> = None;
    for (i, c) in body.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '\'' | '"' => quote = Some(c),
                '=' | '!' if body[i + 1..].starts_with('=') => {
                    return Some((&body[..i], c == '!', &body[i + 2..]));
                }
                _ => {}
            },
        }
    }
    None
}

fn literal(s: &str) -> Option<Value> {
    if let Some(text) = unquote(s) {
        return Some(Value::String(text));
    }
    match s {
        "true" => return Some(Value::Bool(true)),
        "false" => return Some(Value::Bool(false)),
        _ => {}
    }
    if let Ok(i) = s.parse::<i64>() {
        return Some(Value::from(i));
    }
    s.parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
        .map(Value::Number)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "metadata": {
                "name": "x",
                "labels": {"app": "web"},
                "annotations": {"a.b/c": "anno", "plain": "p"}
            },
            "spec": {"replicas": 3, "ratio": 0.5, "on": true, "nested.key": "nk"},
            "status": {"conditions": [
                {"type": "Progressing", "status": "False", "n": 1},
                {"type": "Ready", "status": "True", "n": 2}
            ]},
            "items": [{"x": 1}, {"x": 2}, {"y": 3}]
        })
    }

    #[test]
    fn simple_paths() {
        let d = doc();
        assert_eq!(eval(&d, ".spec.replicas"), Some(json!(3)));
        assert_eq!(eval(&d, "{.spec.replicas}"), Some(json!(3)));
        assert_eq!(eval(&d, "$.spec.replicas"), Some(json!(3)));
        assert_eq!(eval(&d, ".metadata.labels.app"), Some(json!("web")));
        assert_eq!(
            eval(&d, ".status.conditions[0].type"),
            Some(json!("Progressing"))
        );
        assert_eq!(
            eval(&d, ".status.conditions[-1].type"),
            Some(json!("Ready"))
        );
        assert_eq!(eval(&d, ".status.conditions[5].type"), None);
        assert_eq!(eval(&d, ".status.conditions[-5].type"), None);
        assert_eq!(
            eval(&d, ".metadata.annotations['a.b/c']"),
            Some(json!("anno"))
        );
        assert_eq!(
            eval(&d, ".metadata.annotations[\"a.b/c\"]"),
            Some(json!("anno"))
        );
        assert_eq!(eval(&d, ".spec.nested\\.key"), Some(json!("nk")));
        assert_eq!(eval(&d, ".spec.missing"), None);
        assert_eq!(eval(&d, ".spec.replicas.deeper"), None);
        assert_eq!(eval(&d, "."), Some(d.clone()));
    }

    #[test]
    fn wildcards_and_filters() {
        let d = doc();
        assert_eq!(eval_all(&d, ".items[*].x"), vec![json!(1), json!(2)]);
        assert_eq!(eval(&d, ".items[*].x"), Some(json!(1)));
        assert_eq!(eval_all(&d, ".metadata.labels.*"), vec![json!("web")]);
        assert_eq!(
            eval(&d, ".status.conditions[?(@.type==\"Ready\")].status"),
            Some(json!("True"))
        );
        assert_eq!(
            eval(&d, ".status.conditions[?(@.type == 'Ready')].status"),
            Some(json!("True"))
        );
        assert_eq!(
            eval(&d, ".status.conditions[?(@.type!=\"Ready\")].type"),
            Some(json!("Progressing"))
        );
        assert_eq!(
            eval(&d, ".status.conditions[?(@.n==2)].type"),
            Some(json!("Ready"))
        );
        assert_eq!(eval_all(&d, ".items[?(@.x)].x"), vec![json!(1), json!(2)]);
        assert_eq!(
            eval(&d, ".status.conditions[?(@.type==\"Nope\")].status"),
            None
        );
    }

    #[test]
    fn unsupported_and_garbage() {
        let d = doc();
        for p in [
            "..name",
            "spec",
            ".items[0:1]",
            ".items[",
            ".a[?(x)]",
            "[?(@.a==)]",
            ".items[?(@.x==\"1\"",
            "",
        ] {
            let _ = eval(&d, p);
        }
        assert_eq!(eval(&d, "..name"), None);
        assert_eq!(eval(&d, "spec"), None);
        assert_eq!(eval(&d, ".items[0:1]"), None);
        let alphabet: Vec<char> = ".[]'\"?@()=!*$ab0-1{}\\é".chars().collect();
        let mut rng = fastrand::Rng::with_seed(9);
        for _ in 0..5000 {
            let len = rng.usize(0..20);
            let s: String = (0..len)
                .map(|_| alphabet[rng.usize(0..alphabet.len())])
                .collect();
            let _ = eval_all(&d, &s);
        }
    }
}

/// The examples that were doc tests while this module was public.
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod examples {
    #[test]
    fn eval_example() {
        use crate::output::jsonpath::eval;
        use serde_json::json;
        let obj = json!({"status": {"conditions": [{"type": "Ready", "status": "True"}]}});
        assert_eq!(
            eval(&obj, ".status.conditions[0].type"),
            Some(json!("Ready"))
        );
        assert_eq!(
            eval(&obj, r#".status.conditions[?(@.type=="Ready")].status"#),
            Some(json!("True"))
        );
    }
}
