//! Decoded JSON as Go sees it in apimachinery's messages: `==` on
//! `interface{}` values and `%v` formatting, and the mergepatch errors
//! built from them.

use serde_json::{Map, Value};

use super::error::SmpError;

/// Go's `==` on decoded JSON: numbers as float64.
pub(super) fn go_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// mergepatch's `ErrNoMergeKey`.
pub(super) fn no_merge_key(m: &Map<String, Value>, key: &str) -> SmpError {
    SmpError::Other(format!(
        "map: {} does not contain declared merge key: {key}",
        go_fmt_map(m)
    ))
}

/// mergepatch's `ErrBadArgType`: the Go types of what was expected and got.
pub(super) fn bad_arg_type(expected: &str, got: &Value) -> SmpError {
    let got = match got {
        Value::Null => "%!s(<nil>)",
        Value::Bool(_) => "bool",
        Value::Number(_) => "float64",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    };
    SmpError::Other(format!("expected a {expected}, but received a {got}"))
}

/// A decoded JSON value as Go's `%v` prints it.
pub(super) fn go_fmt(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e21 => format!("{f:.0}"),
            Some(f) => f.to_string(),
            None => n.to_string(),
        },
        Value::String(s) => s.clone(),
        Value::Array(a) => format!("[{}]", a.iter().map(go_fmt).collect::<Vec<_>>().join(" ")),
        Value::Object(m) => go_fmt_map(m),
    }
}

/// A decoded JSON object as Go's `%v` prints a map: keys sorted.
pub(super) fn go_fmt_map(m: &Map<String, Value>) -> String {
    let mut keys: Vec<&String> = m.keys().collect();
    keys.sort();
    let parts: Vec<String> = keys
        .into_iter()
        .map(|k| format!("{k}:{}", go_fmt(&m[k])))
        .collect();
    format!("map[{}]", parts.join(" "))
}
