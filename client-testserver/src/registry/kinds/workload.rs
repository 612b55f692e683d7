//! The rules the controllers' kinds share (`pkg/apis/apps/validation`,
//! `pkg/apis/core/validation`): a selector that is present, not empty and
//! matches the pod template's labels; a template whose pods restart
//! `Always`; non-negative counts; a selector that never changes.

use serde_json::{Map, Value};

use crate::meta::label_selector::selector_string;
use crate::meta::selector::LabelSelector;
use crate::registry::kinds::field_errors::{FieldErrors, go_label_selector, go_string_map};
use crate::registry::kinds::pod_template::validate_template;
use crate::registry::kinds::value::str_at;

/// `ValidateNonnegativeField` of the integer at `pointer` (field `path`).
pub(crate) fn non_negative(obj: &Value, pointer: &str, path: &str, errs: &mut FieldErrors) {
    if let Some(n) = obj.pointer(pointer).and_then(Value::as_i64)
        && n < 0
    {
        errs.invalid(path, n.to_string(), "must be greater than or equal to 0");
    }
}

/// Whether the selector (a LabelSelector, or a label map for
/// ReplicationControllers) selects the labels at `labels`.
pub(crate) fn selects(selector: &Value, labels: Option<&Value>) -> bool {
    let empty = Map::new();
    let labels = labels.and_then(Value::as_object).unwrap_or(&empty);
    selector_string(selector)
        .and_then(|s| LabelSelector::parse(&s).ok())
        .is_some_and(|s| s.matches(labels))
}

/// `ValidateDeploymentSpec`'s (and its siblings') selector rules for the
/// LabelSelector at `spec.selector`: required, not empty (`empty selector
/// is invalid for <what>`), matching `spec.template.metadata.labels`.
pub(crate) fn validate_selector(obj: &Value, what: &str, errs: &mut FieldErrors) {
    let Some(sel) = obj.pointer("/spec/selector").filter(|s| !s.is_null()) else {
        errs.required("spec.selector");
        return;
    };
    let labels = obj.pointer("/spec/template/metadata/labels");
    let count = |k: &str| match sel.get(k) {
        Some(Value::Object(m)) => m.len(),
        Some(Value::Array(a)) => a.len(),
        _ => 0,
    };
    if count("matchLabels") + count("matchExpressions") == 0 {
        errs.invalid(
            "spec.selector",
            go_label_selector(Some(sel)),
            &format!("empty selector is invalid for {what}"),
        );
    } else if !selects(sel, labels) {
        errs.invalid(
            "spec.template.metadata.labels",
            go_string_map(labels),
            "`selector` does not match template `labels`",
        );
    }
}

/// `ValidatePodTemplateSpecForReplicaSet` beyond the selector: the
/// template's PodSpec, and pods that restart `Always`.
pub(crate) fn validate_always_template(obj: &Value, errs: &mut FieldErrors) {
    validate_template(obj, "/spec/template", "spec.template", errs);
    let policy = str_at(obj, "/spec/template/spec/restartPolicy");
    if !policy.is_empty() && policy != "Always" {
        errs.not_supported("spec.template.spec.restartPolicy", policy, &["Always"]);
    }
}

/// `ValidateImmutableField` of `spec.selector` (a LabelSelector).
pub(crate) fn immutable_selector(old: &Value, new: &Value, errs: &mut FieldErrors) {
    let (o, n) = (old.pointer("/spec/selector"), new.pointer("/spec/selector"));
    if o != n {
        errs.invalid("spec.selector", go_label_selector(n), "field is immutable");
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn selectors_match_labels() {
        let sel = json!({"matchLabels": {"app": "a"}});
        assert!(selects(&sel, Some(&json!({"app": "a", "x": "y"}))));
        assert!(!selects(&sel, Some(&json!({"app": "b"}))));
        assert!(!selects(&sel, None));
        assert!(selects(&json!({"app": "a"}), Some(&json!({"app": "a"}))));
        let exprs =
            json!({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["web"]}]});
        assert!(selects(&exprs, Some(&json!({"tier": "web"}))));
    }

    #[test]
    fn selector_rules() {
        let mut errs = FieldErrors::default();
        let obj = json!({"spec": {"selector": {"matchLabels": {"app": "a"}},
                                   "template": {"metadata": {"labels": {"app": "b"}}}}});
        validate_selector(&obj, "deployment", &mut errs);
        let kind = crate::registry::kind::ResourceKind::builtin(
            "apps",
            "v1",
            "deployments",
            "Deployment",
            true,
        );
        let e = errs.into_result(&kind, "d").unwrap_err();
        assert_eq!(
            e.message,
            "Deployment.apps \"d\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"b\"}: `selector` does not match template `labels`"
        );
    }
}
