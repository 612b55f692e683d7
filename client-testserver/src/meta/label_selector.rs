//! A `metav1.LabelSelector` object (or a plain label map, as a
//! ReplicationController's `spec.selector`) written as a selector string,
//! the way apimachinery's `LabelSelectorAsSelector(...).String()` and
//! `SelectorFromSet(...).String()` write it: requirements sorted by key,
//! `k=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, joined by commas.

use serde_json::Value;

/// The selector string of `sel`; `None` when it is not an object or holds
/// an operator apimachinery does not know.
pub(crate) fn selector_string(sel: &Value) -> Option<String> {
    let obj = sel.as_object()?;
    let is_label_selector = obj.contains_key("matchLabels") || obj.contains_key("matchExpressions");
    let mut reqs: Vec<(String, String)> = Vec::new();
    let labels = if is_label_selector {
        obj.get("matchLabels").and_then(Value::as_object)
    } else {
        Some(obj)
    };
    for (k, v) in labels.into_iter().flatten() {
        reqs.push((k.clone(), format!("{k}={}", v.as_str()?)));
    }
    let exprs = obj.get("matchExpressions").and_then(Value::as_array);
    for e in exprs.into_iter().flatten() {
        let key = e.get("key")?.as_str()?;
        let mut values: Vec<&str> = e
            .get("values")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        values.sort_unstable();
        let text = match e.get("operator")?.as_str()? {
            "In" => format!("{key} in ({})", values.join(",")),
            "NotIn" => format!("{key} notin ({})", values.join(",")),
            "Exists" => key.to_string(),
            "DoesNotExist" => format!("!{key}"),
            _ => return None,
        };
        reqs.push((key.to_string(), text));
    }
    // A stable sort by key, as apimachinery's `internalSelector` keeps them.
    reqs.sort_by(|a, b| a.0.cmp(&b.0));
    Some(
        reqs.into_iter()
            .map(|(_, t)| t)
            .collect::<Vec<_>>()
            .join(","),
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::selector_string;

    #[test]
    fn label_selectors_and_maps() {
        let sel = json!({
            "matchLabels": {"app": "web", "tier": "front"},
            "matchExpressions": [
                {"key": "env", "operator": "In", "values": ["prod", "dev"]},
                {"key": "zz", "operator": "DoesNotExist"},
                {"key": "b", "operator": "Exists"}
            ]
        });
        assert_eq!(
            selector_string(&sel).as_deref(),
            Some("app=web,b,env in (dev,prod),tier=front,!zz")
        );
        assert_eq!(
            selector_string(&json!({"b": "2", "a": "1"})).as_deref(),
            Some("a=1,b=2")
        );
        assert_eq!(selector_string(&json!({})).as_deref(), Some(""));
        assert_eq!(selector_string(&json!("x")), None);
        assert_eq!(
            selector_string(&json!({"matchExpressions": [{"key": "a", "operator": "Gt"}]})),
            None
        );
    }
}
