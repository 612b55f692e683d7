//! What the kinds' Table rows share, as kube's `printers.go` prints it:
//! column definitions, ages, the `Containers`/`Images` cells of a pod
//! template, selectors and label sets in their string forms.

use serde_json::{Value, json};

use crate::meta::label_selector::selector_string;
use crate::registry::kinds::value::{items, str_at};

/// A column definition (`additionalPrinterColumns`-shaped, as rows carry
/// them); the cells come from the kind's `table_cells`, so no JSONPath.
pub(crate) fn column(name: &str, type_: &str, priority: i32, description: &str) -> Value {
    json!({
        "name": name,
        "type": type_,
        "priority": priority,
        "description": description,
        "jsonPath": "",
    })
}

/// The `Age` column.
pub(crate) fn age_column() -> Value {
    column(
        "Age",
        "string",
        0,
        "CreationTimestamp is a timestamp representing the server time when this object was created.",
    )
}

/// The `Containers`, `Images` (and, with a description, `Selector`) wide
/// columns of the workload kinds.
pub(crate) fn template_columns(selector: Option<&str>) -> Vec<Value> {
    let mut out = vec![
        column(
            "Containers",
            "string",
            1,
            "Names of each container in the template.",
        ),
        column(
            "Images",
            "string",
            1,
            "Images referenced by each container in the template.",
        ),
    ];
    if let Some(d) = selector {
        out.push(column("Selector", "string", 1, d));
    }
    out
}

/// `translateTimestampSince`: the age of the RFC 3339 time at pointer `p`,
/// `<unknown>` when unset.
pub(crate) fn age_at(obj: &Value, p: &str) -> Value {
    json!(crate::output::table::age(
        str_at(obj, p),
        jiff::Timestamp::now()
    ))
}

/// The object's age (`metadata.creationTimestamp`).
pub(crate) fn age(obj: &Value) -> Value {
    age_at(obj, "/metadata/creationTimestamp")
}

/// `layoutContainerCells`: container names and images of the pod spec at
/// `spec`, comma-joined.
pub(crate) fn container_cells(obj: &Value, spec: &str) -> [Value; 2] {
    let cs = items(obj, &format!("{spec}/containers"));
    let names: Vec<&str> = cs.iter().map(|c| str_at(c, "/name")).collect();
    let images: Vec<&str> = cs.iter().map(|c| str_at(c, "/image")).collect();
    [json!(names.join(",")), json!(images.join(","))]
}

/// `metav1.FormatLabelSelector` of the LabelSelector at `p`: `<none>` when
/// it selects nothing, `<error>` when it cannot be read.
pub(crate) fn selector_cell(obj: &Value, p: &str) -> Value {
    match obj.pointer(p) {
        None | Some(Value::Null) => json!("<none>"),
        Some(sel) => match selector_string(sel) {
            Some(s) if s.is_empty() => json!("<none>"),
            Some(s) => json!(s),
            None => json!("<error>"),
        },
    }
}

/// `labels.FormatLabels` of the string map at `p`: `k=v` pairs sorted by
/// key, comma-joined, `<none>` when empty.
pub(crate) fn labels_cell(obj: &Value, p: &str) -> Value {
    let Some(Value::Object(m)) = obj.pointer(p) else {
        return json!("<none>");
    };
    let mut pairs: Vec<String> = m
        .iter()
        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
        .collect();
    pairs.sort();
    if pairs.is_empty() {
        json!("<none>")
    } else {
        json!(pairs.join(","))
    }
}

/// An integer cell (Go's `int64(...)`): `0` when unset.
pub(crate) fn int_cell(obj: &Value, p: &str) -> Value {
    json!(obj.pointer(p).and_then(Value::as_i64).unwrap_or(0))
}

/// A string cell that prints `none` when the string is unset or empty.
pub(crate) fn str_or(obj: &Value, p: &str, none: &str) -> Value {
    match str_at(obj, p) {
        "" => json!(none),
        s => json!(s),
    }
}

/// Whether the object has a `deletionTimestamp`.
pub(crate) fn deleting(obj: &Value) -> bool {
    obj.pointer("/metadata/deletionTimestamp")
        .is_some_and(|v| !v.is_null())
}

/// Whether a condition of `type_` has status `True` in the array at `p`.
pub(crate) fn condition_true(obj: &Value, p: &str, type_: &str) -> bool {
    items(obj, p)
        .iter()
        .any(|c| str_at(c, "/type") == type_ && str_at(c, "/status") == "True")
}

/// The length of the array at `p` as an integer cell.
pub(crate) fn items_len(obj: &Value, p: &str) -> Value {
    json!(items(obj, p).len())
}

/// Whether the pod condition `type_` is `False` with `reason`.
pub(crate) fn condition_false_with(obj: &Value, type_: &str, reason: &str) -> bool {
    items(obj, "/status/conditions").iter().any(|c| {
        str_at(c, "/type") == type_
            && str_at(c, "/status") == "False"
            && str_at(c, "/reason") == reason
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn cells_in_kubes_forms() {
        let obj = json!({
            "spec": {
                "selector": {"matchLabels": {"b": "2", "a": "1"}},
                "labels": {"z": "1", "a": "2"},
                "template": {"spec": {"containers": [{"name": "a", "image": "x:1"}, {"name": "b", "image": "y"}]}}
            }
        });
        assert_eq!(selector_cell(&obj, "/spec/selector"), json!("a=1,b=2"));
        assert_eq!(selector_cell(&obj, "/spec/none"), json!("<none>"));
        assert_eq!(labels_cell(&obj, "/spec/labels"), json!("a=2,z=1"));
        assert_eq!(labels_cell(&obj, "/spec/none"), json!("<none>"));
        assert_eq!(
            container_cells(&obj, "/spec/template/spec"),
            [json!("a,b"), json!("x:1,y")]
        );
        assert_eq!(int_cell(&obj, "/status/replicas"), json!(0));
        assert_eq!(age(&obj), json!("<unknown>"));
    }
}
