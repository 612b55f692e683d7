//! Field errors in kube-apiserver's wording (`k8s.io/apimachinery`'s
//! `field.Error`): `spec.replicas: Invalid value: 11: <detail>`, and the 422
//! `Status` that carries them.

use crate::error::ApiError;
use serde_json::{Map, Value, json};

/// The type of a field error; each maps to a `StatusCause` reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FieldErrorKind {
    /// `Required value` (`FieldValueRequired`).
    Required,
    /// `Invalid value` (`FieldValueInvalid`).
    Invalid,
    /// `Invalid value` for a type mismatch (`FieldValueTypeInvalid`).
    TypeInvalid,
    /// `Unsupported value` (`FieldValueNotSupported`).
    NotSupported,
    /// `Too long` (`FieldValueTooLong`).
    TooLong,
    /// `Too many` (`FieldValueTooMany`).
    TooMany,
    /// `Duplicate value` (`FieldValueDuplicate`).
    Duplicate,
    /// `Forbidden` (`FieldValueForbidden`).
    Forbidden,
}

impl FieldErrorKind {
    /// The `StatusCause` reason.
    pub(crate) fn reason(self) -> &'static str {
        match self {
            FieldErrorKind::Required => "FieldValueRequired",
            FieldErrorKind::Invalid => "FieldValueInvalid",
            FieldErrorKind::TypeInvalid => "FieldValueTypeInvalid",
            FieldErrorKind::NotSupported => "FieldValueNotSupported",
            FieldErrorKind::TooLong => "FieldValueTooLong",
            FieldErrorKind::TooMany => "FieldValueTooMany",
            FieldErrorKind::Duplicate => "FieldValueDuplicate",
            FieldErrorKind::Forbidden => "FieldValueForbidden",
        }
    }

    /// The words the message starts with.
    pub(crate) fn words(self) -> &'static str {
        match self {
            FieldErrorKind::Required => "Required value",
            FieldErrorKind::Invalid | FieldErrorKind::TypeInvalid => "Invalid value",
            FieldErrorKind::NotSupported => "Unsupported value",
            FieldErrorKind::TooLong => "Too long",
            FieldErrorKind::TooMany => "Too many",
            FieldErrorKind::Duplicate => "Duplicate value",
            FieldErrorKind::Forbidden => "Forbidden",
        }
    }
}

/// One field error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldError {
    /// The field, as `field.Path` prints it (`spec.items[2].name`).
    pub path: String,
    /// The error type.
    pub kind: FieldErrorKind,
    /// The bad value, already rendered as kube-apiserver prints it (`11`,
    /// `"abc"`, `{"a":1}`); `None` when the message omits it.
    pub value: Option<String>,
    /// The detail after the value (may be empty).
    pub detail: String,
}

impl FieldError {
    /// `Required value`.
    pub(crate) fn required(path: impl Into<String>) -> FieldError {
        FieldError {
            path: path.into(),
            kind: FieldErrorKind::Required,
            value: None,
            detail: String::new(),
        }
    }

    /// `Required value: <detail>`.
    pub(crate) fn required_because(
        path: impl Into<String>,
        detail: impl Into<String>,
    ) -> FieldError {
        FieldError {
            detail: detail.into(),
            ..FieldError::required(path)
        }
    }

    /// `Forbidden: <detail>`.
    pub(crate) fn forbidden(path: impl Into<String>, detail: impl Into<String>) -> FieldError {
        FieldError {
            path: path.into(),
            kind: FieldErrorKind::Forbidden,
            value: None,
            detail: detail.into(),
        }
    }

    /// `Invalid value: <value>: <detail>`.
    pub(crate) fn invalid(
        path: impl Into<String>,
        value: &Value,
        detail: impl Into<String>,
    ) -> FieldError {
        FieldError {
            path: path.into(),
            kind: FieldErrorKind::Invalid,
            value: Some(render_value(value)),
            detail: detail.into(),
        }
    }

    /// `Invalid value: <value>: <detail>` with reason `FieldValueTypeInvalid`.
    pub(crate) fn type_invalid(
        path: impl Into<String>,
        value: &Value,
        detail: impl Into<String>,
    ) -> FieldError {
        FieldError {
            path: path.into(),
            kind: FieldErrorKind::TypeInvalid,
            value: Some(render_value(value)),
            detail: detail.into(),
        }
    }

    /// `Unsupported value: <value>: supported values: "a", "b"`.
    pub(crate) fn not_supported(
        path: impl Into<String>,
        value: &Value,
        supported: &[String],
    ) -> FieldError {
        let detail = if supported.is_empty() {
            String::new()
        } else {
            let quoted: Vec<String> = supported.iter().map(|s| go_quote(s)).collect();
            format!("supported values: {}", quoted.join(", "))
        };
        FieldError {
            path: path.into(),
            kind: FieldErrorKind::NotSupported,
            value: Some(render_value(value)),
            detail,
        }
    }

    /// `Too long: may not be more than N bytes` (`value is too long` when
    /// the limit is unknown). CRD `maxLength` counts characters, yet the
    /// wording says bytes, as kube-apiserver's does.
    pub(crate) fn too_long(path: impl Into<String>, max: Option<u64>) -> FieldError {
        let detail = match max {
            Some(1) => "may not be more than 1 byte".to_string(),
            Some(n) => format!("may not be more than {n} bytes"),
            None => "value is too long".to_string(),
        };
        FieldError {
            path: path.into(),
            kind: FieldErrorKind::TooLong,
            value: None,
            detail,
        }
    }

    /// `Too many: <actual>: must have at most N items` (`has too many items`
    /// when the limit is unknown).
    pub(crate) fn too_many(path: impl Into<String>, actual: u64, max: Option<u64>) -> FieldError {
        let detail = match max {
            Some(1) => "must have at most 1 item".to_string(),
            Some(n) => format!("must have at most {n} items"),
            None => "has too many items".to_string(),
        };
        FieldError {
            path: path.into(),
            kind: FieldErrorKind::TooMany,
            value: Some(actual.to_string()),
            detail,
        }
    }

    /// `Duplicate value: <value>`.
    pub(crate) fn duplicate(path: impl Into<String>, value: &Value) -> FieldError {
        FieldError {
            path: path.into(),
            kind: FieldErrorKind::Duplicate,
            value: Some(render_value(value)),
            detail: String::new(),
        }
    }

    /// The message without the field (`Invalid value: 11: ...`): the
    /// `StatusCause` message.
    pub(crate) fn body(&self) -> String {
        let mut s = self.kind.words().to_string();
        if let Some(v) = &self.value {
            s.push_str(": ");
            s.push_str(v);
        }
        if !self.detail.is_empty() {
            s.push_str(": ");
            s.push_str(&self.detail);
        }
        s
    }

    /// `field: body`, as it appears in the Status message.
    pub(crate) fn message(&self) -> String {
        format!("{}: {}", self.path, self.body())
    }
}

/// Renders a JSON value as `field.Error` prints a bad value: strings quoted
/// like Go's `%q`, numbers and booleans bare, anything else as compact JSON.
pub(crate) fn render_value(v: &Value) -> String {
    match v {
        Value::String(s) => go_quote(s),
        Value::Number(n) => render_number(n),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".to_string(),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

/// A JSON number as Go's `%v` prints an int64 or a float64.
pub(crate) fn render_number(n: &serde_json::Number) -> String {
    if n.is_i64() || n.is_u64() {
        return n.to_string();
    }
    go_float(n.as_f64().unwrap_or(0.0))
}

/// Go's `%v` for a float64: shortest digits, exponent form below 1e-4 or
/// from 1e21.
pub(crate) fn go_float(x: f64) -> String {
    let a = x.abs();
    if x != 0.0 && !(1e-4..1e21).contains(&a) {
        let s = format!("{x:e}");
        if let Some((mant, exp)) = s.split_once('e') {
            let (sign, digits) = match exp.strip_prefix('-') {
                Some(d) => ('-', d),
                None => ('+', exp),
            };
            let digits = if digits.len() < 2 {
                format!("0{digits}")
            } else {
                digits.to_string()
            };
            return format!("{mant}e{sign}{digits}");
        }
        return s;
    }
    format!("{x}")
}

/// Quotes a string like Go's `strconv.Quote` (`%q`).
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The 422 `Invalid` error kube-apiserver answers for field errors:
/// message `{Kind}.{group} "{name}" is invalid: <errors>` (one error bare,
/// several in brackets joined by `, `, duplicates dropped), `details` with
/// `name`, `group`, `kind` and one cause per error (`reason`, `message`
/// without the field, `field`).
pub(crate) fn invalid_error(
    group: &str,
    kind: &str,
    name: &str,
    errors: &[FieldError],
) -> ApiError {
    let qualified = if group.is_empty() {
        kind.to_string()
    } else {
        format!("{kind}.{group}")
    };
    let mut seen: Vec<String> = Vec::new();
    for e in errors {
        let m = e.message();
        if !seen.contains(&m) {
            seen.push(m);
        }
    }
    let joined = match seen.len() {
        1 => seen[0].clone(),
        _ => format!("[{}]", seen.join(", ")),
    };
    let mut err = ApiError::new(
        422,
        "Invalid",
        format!("{qualified} {} is invalid: {joined}", go_quote(name)),
    );
    let causes: Vec<Value> = errors
        .iter()
        .map(|e| json!({"reason": e.kind.reason(), "message": e.body(), "field": e.path}))
        .collect();
    let mut d = Map::new();
    if !name.is_empty() {
        d.insert("name".into(), json!(name));
    }
    if !group.is_empty() {
        d.insert("group".into(), json!(group));
    }
    d.insert("kind".into(), json!(kind));
    d.insert("causes".into(), Value::Array(causes));
    err.details = Some(Box::new(Value::Object(d)));
    err
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn bodies_match_field_error_wording() {
        assert_eq!(
            FieldError::invalid("spec.replicas", &json!(11), "d").message(),
            "spec.replicas: Invalid value: 11: d"
        );
        assert_eq!(
            FieldError::not_supported("spec.m", &json!("x"), &["a".into(), "b".into()]).body(),
            "Unsupported value: \"x\": supported values: \"a\", \"b\""
        );
        assert_eq!(
            FieldError::too_long("a", None).body(),
            "Too long: value is too long"
        );
        assert_eq!(
            FieldError::too_long("a", Some(5)).body(),
            "Too long: may not be more than 5 bytes"
        );
        assert_eq!(
            FieldError::too_many("a", 4, None).body(),
            "Too many: 4: has too many items"
        );
        assert_eq!(
            FieldError::too_many("a", 4, Some(3)).body(),
            "Too many: 4: must have at most 3 items"
        );
        assert_eq!(
            FieldError::duplicate("a[1]", &json!("x")).body(),
            "Duplicate value: \"x\""
        );
        assert_eq!(
            FieldError::duplicate("a[1]", &json!({"name": "x"})).body(),
            "Duplicate value: {\"name\":\"x\"}"
        );
    }

    #[test]
    fn go_formatting() {
        assert_eq!(go_quote("a\"b\\c\n\u{1}é"), "\"a\\\"b\\\\c\\n\\x01é\"");
        assert_eq!(go_float(10.0), "10");
        assert_eq!(go_float(10.5), "10.5");
        assert_eq!(go_float(1e21), "1e+21");
        assert_eq!(go_float(0.00001), "1e-05");
        assert_eq!(render_value(&json!(1.5)), "1.5");
        assert_eq!(render_value(&json!([1, "a"])), "[1,\"a\"]");
    }

    #[test]
    fn renders_422_like_kube_apiserver() {
        let errs = vec![
            FieldError::invalid(
                "spec.replicas",
                &json!(11),
                "spec.replicas in body should be less than or equal to 10",
            ),
            FieldError::required("spec.cronSpec"),
            FieldError::required("spec.cronSpec"),
        ];
        let e = invalid_error("stable.example.com", "CronTab", "name", &errs);
        assert_eq!(e.code, 422);
        assert_eq!(e.reason, "Invalid");
        assert_eq!(
            e.message,
            "CronTab.stable.example.com \"name\" is invalid: [spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10, spec.cronSpec: Required value]"
        );
        let s = e.to_status();
        assert_eq!(s["details"]["kind"], "CronTab");
        assert_eq!(s["details"]["group"], "stable.example.com");
        assert_eq!(s["details"]["name"], "name");
        assert_eq!(
            s["details"]["causes"][0],
            json!({"reason": "FieldValueInvalid", "field": "spec.replicas",
                   "message": "Invalid value: 11: spec.replicas in body should be less than or equal to 10"})
        );
        assert_eq!(
            s["details"]["causes"][1],
            json!({"reason": "FieldValueRequired", "field": "spec.cronSpec", "message": "Required value"})
        );
        let one = invalid_error("g", "K", "n", &errs[1..2]);
        assert_eq!(
            one.message,
            "K.g \"n\" is invalid: spec.cronSpec: Required value"
        );
    }
}

/// The examples that were doc tests while this module was public.
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod examples {
    #[test]
    fn field_error_example() {
        use crate::schema::FieldError;
        let e = FieldError::required("spec.cronSpec");
        assert_eq!(e.message(), "spec.cronSpec: Required value");
    }

    #[test]
    fn invalid_error_example() {
        use crate::schema::{FieldError, invalid_error};
        let e = invalid_error(
            "stable.example.com",
            "CronTab",
            "c",
            &[FieldError::required("spec.cronSpec")],
        );
        assert_eq!(
            e.message,
            "CronTab.stable.example.com \"c\" is invalid: spec.cronSpec: Required value"
        );
    }
}
