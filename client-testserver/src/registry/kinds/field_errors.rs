//! Field errors as apimachinery's `field.ErrorList` words them, turned into
//! one 422 Invalid Status; and Go's `%#v` of the values kube prints in
//! them (the 1.33 server prints bad values in Go syntax).

use serde_json::Value;

use crate::error::ApiError;
use crate::registry::kind::ResourceKind;

/// The errors of one validation, in the order found.
#[derive(Debug, Default)]
pub(crate) struct FieldErrors(Vec<(String, String)>);

impl FieldErrors {
    /// `field.Required`: `path: Required value`.
    pub(crate) fn required(&mut self, path: impl Into<String>) {
        self.0.push((path.into(), "Required value".into()));
    }

    /// `field.Required` with a detail.
    pub(crate) fn required_because(&mut self, path: impl Into<String>, detail: &str) {
        self.0
            .push((path.into(), format!("Required value: {detail}")));
    }

    /// `field.Invalid`: `path: Invalid value: <value>: detail`, the value
    /// already in Go syntax (see [`go_str`], [`go_string_map`], ...).
    pub(crate) fn invalid(&mut self, path: impl Into<String>, value: String, detail: &str) {
        self.0
            .push((path.into(), format!("Invalid value: {value}: {detail}")));
    }

    /// `field.Forbidden`: `path: Forbidden: detail`.
    pub(crate) fn forbidden(&mut self, path: impl Into<String>, detail: &str) {
        self.0.push((path.into(), format!("Forbidden: {detail}")));
    }

    /// `field.NotSupported`: `path: Unsupported value: "v": supported values: "a", "b"`.
    pub(crate) fn not_supported(
        &mut self,
        path: impl Into<String>,
        value: &str,
        supported: &[&str],
    ) {
        let list: Vec<String> = supported.iter().map(|s| go_str(s)).collect();
        self.0.push((
            path.into(),
            format!(
                "Unsupported value: {}: supported values: {}",
                go_str(value),
                list.join(", ")
            ),
        ));
    }

    /// `field.Duplicate`: `path: Duplicate value: <value>`.
    pub(crate) fn duplicate(&mut self, path: impl Into<String>, value: String) {
        self.0
            .push((path.into(), format!("Duplicate value: {value}")));
    }

    /// Whether nothing was found.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok` when empty, else kube's 422 for `kind` `name`.
    ///
    /// # Errors
    /// 422 Invalid with one cause per error.
    pub(crate) fn into_result(self, kind: &ResourceKind, name: &str) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::invalid(&kind.group, &kind.kind, name, &self.0))
        }
    }
}

/// Go's `%q` of a string (JSON escaping, which agrees for printable text).
pub(crate) fn go_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// Go's `%#v` of a `map[string]string` (keys sorted, as `fmt` prints maps).
pub(crate) fn go_string_map(v: Option<&Value>) -> String {
    let Some(Value::Object(m)) = v else {
        return "map[string]string(nil)".into();
    };
    let mut pairs: Vec<(&String, &Value)> = m.iter().collect();
    pairs.sort_by(|a, b| a.0.cmp(b.0));
    let inner: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}:{}", go_str(k), go_str(v.as_str().unwrap_or_default())))
        .collect();
    format!("map[string]string{{{}}}", inner.join(", "))
}

/// Go's `%#v` of a `[]string`.
pub(crate) fn go_string_slice(v: Option<&Value>) -> String {
    let Some(Value::Array(a)) = v else {
        return "[]string(nil)".into();
    };
    let inner: Vec<String> = a
        .iter()
        .map(|s| go_str(s.as_str().unwrap_or_default()))
        .collect();
    format!("[]string{{{}}}", inner.join(", "))
}

/// Go's `%#v` of a `*metav1.LabelSelector` (dereferenced, as field errors
/// print pointers): `v1.LabelSelector{MatchLabels:..., MatchExpressions:...}`.
pub(crate) fn go_label_selector(v: Option<&Value>) -> String {
    let Some(sel) = v.filter(|v| v.is_object()) else {
        return "null".into();
    };
    let exprs = match sel.get("matchExpressions") {
        Some(Value::Array(a)) => {
            let inner: Vec<String> = a
                .iter()
                .map(|e| {
                    format!(
                        "v1.LabelSelectorRequirement{{Key:{}, Operator:{}, Values:{}}}",
                        go_str(e.get("key").and_then(Value::as_str).unwrap_or_default()),
                        go_str(
                            e.get("operator")
                                .and_then(Value::as_str)
                                .unwrap_or_default()
                        ),
                        go_string_slice(e.get("values"))
                    )
                })
                .collect();
            format!("[]v1.LabelSelectorRequirement{{{}}}", inner.join(", "))
        }
        _ => "[]v1.LabelSelectorRequirement(nil)".into(),
    };
    format!(
        "v1.LabelSelector{{MatchLabels:{}, MatchExpressions:{exprs}}}",
        go_string_map(sel.get("matchLabels"))
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn go_syntax_of_the_values_kube_prints() {
        assert_eq!(
            go_string_map(Some(&json!({"b": "2", "a": "1"}))),
            r#"map[string]string{"a":"1", "b":"2"}"#
        );
        assert_eq!(go_string_map(None), "map[string]string(nil)");
        assert_eq!(
            go_label_selector(Some(&json!({}))),
            "v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}"
        );
        assert_eq!(
            go_label_selector(Some(
                &json!({"matchExpressions": [{"key": "k", "operator": "In", "values": ["x"]}]})
            )),
            r#"v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"k", Operator:"In", Values:[]string{"x"}}}}"#
        );
        assert_eq!(
            go_string_slice(Some(&json!(["10.96.0.1"]))),
            r#"[]string{"10.96.0.1"}"#
        );
    }

    #[test]
    fn errors_become_one_status() {
        let mut e = FieldErrors::default();
        assert!(e.is_empty());
        e.required("spec.containers[0].image");
        e.not_supported(
            "spec.restartPolicy",
            "Sometimes",
            &["Always", "OnFailure", "Never"],
        );
        let kind = ResourceKind::builtin("", "v1", "pods", "Pod", true);
        let err = e.into_result(&kind, "p").unwrap_err();
        assert_eq!(
            err.message,
            "Pod \"p\" is invalid: [spec.containers[0].image: Required value, spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"]"
        );
    }
}
