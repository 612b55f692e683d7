//! Server-side printing: `meta.k8s.io/v1` `Table` responses.
//!
//! `kubectl get` sends `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`
//! and prints whatever columns the server returns. For custom resources
//! kube-apiserver returns a `Name` column (type `string`, format `name`)
//! followed by the CRD version's `additionalPrinterColumns`, or followed by
//! `Age` when the CRD defines none; [`build_table`] does the same, with cells
//! typed per column (`integer`, `number`, `boolean`, `string`, `date` shown as
//! an age such as `3m20s`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use std::time::Duration;

/// One printer column, as found in a CRD version's `additionalPrinterColumns`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PrinterColumn {
    /// Column header.
    pub name: String,
    /// OpenAPI type of the cells: `integer`, `number`, `string`, `boolean` or `date`.
    #[serde(rename = "type")]
    pub type_: String,
    /// Optional OpenAPI format hint (`name`, `int32`, ...).
    #[serde(default)]
    pub format: String,
    /// Human-readable description; a generated one is used when empty.
    #[serde(default)]
    pub description: String,
    /// 0 for columns shown by default, higher for `-o wide`.
    #[serde(default)]
    pub priority: i32,
    /// Simple JSONPath evaluated against each object (`.spec.replicas`).
    pub json_path: String,
}

/// What each row carries in `object` (the `includeObject` query parameter).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum IncludeObject {
    /// No object (`"object": null`).
    None,
    /// A `meta.k8s.io/v1` `PartialObjectMetadata` with the object's metadata (the default).
    #[default]
    Metadata,
    /// The whole object.
    Object,
}

impl IncludeObject {
    /// Reads the `includeObject` query parameter (`None`, `Metadata`,
    /// `Object`); an absent parameter means `Metadata`, an unknown value `None`.
    pub(crate) fn from_query(value: Option<&str>) -> Option<IncludeObject> {
        match value {
            None | Some("" | "Metadata") => Some(IncludeObject::Metadata),
            Some("None") => Some(IncludeObject::None),
            Some("Object") => Some(IncludeObject::Object),
            Some(_) => None,
        }
    }
}

const NAME_DESCRIPTION: &str = "The object's name, unique per namespace and kind (metadata.name).";
const AGE_DESCRIPTION: &str = "How long ago the object was created (metadata.creationTimestamp).";

/// The columns used when a CRD declares none: `Age` from
/// `.metadata.creationTimestamp` (the `Name` column is always added).
pub(crate) fn default_columns() -> Vec<PrinterColumn> {
    vec![PrinterColumn {
        name: "Age".into(),
        type_: "date".into(),
        format: String::new(),
        description: AGE_DESCRIPTION.into(),
        priority: 0,
        json_path: ".metadata.creationTimestamp".into(),
    }]
}

/// Builds a `meta.k8s.io/v1` `Table` of `objects` with a `Name` column and
/// `columns` (or [`default_columns`] when `columns` is empty).
///
/// `list_rv` and `continue_token` go to the table's `metadata` (omitted
/// when `None` or empty); `now` is the reference for `date` cells.
pub(crate) fn build_table(
    columns: &[PrinterColumn],
    objects: &[Value],
    include_object: IncludeObject,
    list_rv: Option<&str>,
    continue_token: Option<&str>,
    now: jiff::Timestamp,
) -> Value {
    let defaults;
    let columns = if columns.is_empty() {
        defaults = default_columns();
        &defaults[..]
    } else {
        columns
    };
    let mut definitions = vec![json!({
        "name": "Name",
        "type": "string",
        "format": "name",
        "description": NAME_DESCRIPTION,
        "priority": 0,
    })];
    for c in columns {
        let description = if c.description.is_empty() {
            format!("Printer column from the JSONPath {}", c.json_path)
        } else {
            c.description.clone()
        };
        definitions.push(json!({
            "name": c.name,
            "type": c.type_,
            "format": c.format,
            "description": description,
            "priority": c.priority,
        }));
    }
    let rows: Vec<Value> = objects
        .iter()
        .map(|obj| {
            let name = obj
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("");
            let mut cells = vec![Value::String(name.to_string())];
            for c in columns {
                let value = crate::output::jsonpath::eval(obj, &c.json_path);
                cells.push(cell(&c.type_, value, now));
            }
            let object = match include_object {
                IncludeObject::None => Value::Null,
                IncludeObject::Metadata => json!({
                    "kind": "PartialObjectMetadata",
                    "apiVersion": "meta.k8s.io/v1",
                    "metadata": obj.get("metadata").cloned().unwrap_or_else(|| json!({})),
                }),
                IncludeObject::Object => obj.clone(),
            };
            json!({"cells": cells, "object": object})
        })
        .collect();
    let mut metadata = Map::new();
    if let Some(rv) = list_rv.filter(|s| !s.is_empty()) {
        metadata.insert("resourceVersion".into(), rv.into());
    }
    if let Some(token) = continue_token.filter(|s| !s.is_empty()) {
        metadata.insert("continue".into(), token.into());
    }
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": metadata,
        "columnDefinitions": definitions,
        "rows": rows,
    })
}

/// One cell, typed like kube-apiserver's CRD table convertor: a value of
/// the wrong type gives `null`, a `string` column prints any value.
fn cell(type_: &str, value: Option<Value>, now: jiff::Timestamp) -> Value {
    let Some(value) = value.filter(|v| !v.is_null()) else {
        return Value::Null;
    };
    match (type_, &value) {
        ("string", Value::String(_)) => value,
        ("string", other) => Value::String(go_text(other)),
        ("integer", Value::Number(n)) => {
            if let Some(i) = n.as_i64() {
                json!(i)
            } else if n.is_u64() {
                json!(i64::MAX)
            } else {
                // Truncates like Go's int64(float64); `as` saturates.
                json!(n.as_f64().map_or(0, |f| f.trunc() as i64))
            }
        }
        ("number", Value::Number(_)) => value,
        ("boolean", Value::Bool(_)) => value,
        ("date", Value::String(s)) => Value::String(age(s, now)),
        _ => Value::Null,
    }
}

/// A timestamp as `kubectl get` prints an age (`3m20s`), relative to `now`;
/// `<unknown>` when empty, `<invalid>` when unparsable.
pub(crate) fn age(timestamp: &str, now: jiff::Timestamp) -> String {
    if timestamp.is_empty() || timestamp == "null" {
        return "<unknown>".into();
    }
    match timestamp.parse::<jiff::Timestamp>() {
        Ok(ts) => human_duration_nanos(now.duration_since(ts).as_nanos()),
        Err(_) => "<invalid>".into(),
    }
}

/// Prints a value the way Go's `fmt.Print` does after a JSONPath lookup
/// (`map[a:1 b:x]`, `[1 2]`, floats in `%v` form).
fn go_text(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::String(s) => s.clone(),
        Value::Number(n) => {
            if n.is_i64() || n.is_u64() {
                n.to_string()
            } else {
                n.as_f64().map_or_else(|| n.to_string(), go_float)
            }
        }
        Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(go_text).collect();
            format!("[{}]", inner.join(" "))
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let inner: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{k}:{}", go_text(&map[k])))
                .collect();
            format!("map[{}]", inner.join(" "))
        }
    }
}

/// Go's `%v` for a float64: shortest round-trip digits, in exponent form
/// (`1.5e+06`) when the decimal exponent is below -4 or at least 6.
fn go_float(f: f64) -> String {
    if f == 0.0 {
        return "0".into();
    }
    if !f.is_finite() {
        return if f.is_nan() {
            "NaN".into()
        } else if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    // Rust's `{:e}` gives the shortest round-trip digits: `-1.25e6`.
    let sci = format!("{f:e}");
    let Some((mantissa, exp)) = sci.split_once('e') else {
        return sci;
    };
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-4..6).contains(&exp) {
        // Plain decimal form, as Rust's Display also prints it.
        return format!("{f}");
    }
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exp.abs())
}

/// Formats a duration like `k8s.io/apimachinery/pkg/util/duration.HumanDuration`
/// (what `kubectl get` prints in AGE columns): `45s`, `3m20s`, `15m`,
/// `5h30m`, `20h`, `3d4h`, `30d`, `2y45d`, `10y`.
#[cfg_attr(not(test), allow(dead_code))] // reached from the unit tests only
pub(crate) fn human_duration(d: Duration) -> String {
    human_duration_nanos(i128::try_from(d.as_nanos()).unwrap_or(i128::MAX))
}

fn human_duration_nanos(nanos: i128) -> String {
    const SEC: i128 = 1_000_000_000;
    const MIN: i128 = 60 * SEC;
    const HOUR: i128 = 60 * MIN;
    // Go's int(d.Seconds()) truncates toward zero.
    let seconds = nanos / SEC;
    if seconds < -1 {
        return "<invalid>".into();
    }
    if seconds < 0 {
        return "0s".into();
    }
    if seconds < 60 * 2 {
        return format!("{seconds}s");
    }
    let minutes = nanos / MIN;
    if minutes < 10 {
        let s = seconds % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    }
    if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = nanos / HOUR;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 {
            format!("{}d", hours / 24)
        } else {
            format!("{}d{h}h", hours / 24)
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        return if dy == 0 {
            format!("{}y", hours / 24 / 365)
        } else {
            format!("{}y{dy}d", hours / 24 / 365)
        };
    }
    format!("{}y", hours / 24 / 365)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn ts(s: &str) -> jiff::Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn human_duration_matches_apimachinery() {
        let cases = [
            (0, "0s"),
            (1, "1s"),
            (119, "119s"),
            (120, "2m"),
            (200, "3m20s"),
            (599, "9m59s"),
            (600, "10m"),
            (3 * 3600 - 1, "179m"),
            (3 * 3600, "3h"),
            (5 * 3600 + 30 * 60, "5h30m"),
            (8 * 3600 - 1, "7h59m"),
            (8 * 3600, "8h"),
            (47 * 3600 + 59 * 60, "47h"),
            (48 * 3600, "2d"),
            (3 * 86400 + 4 * 3600, "3d4h"),
            (8 * 86400 - 1, "7d23h"),
            (8 * 86400, "8d"),
            (365 * 86400, "365d"),
            (2 * 365 * 86400 - 1, "729d"),
            (2 * 365 * 86400, "2y"),
            (2 * 365 * 86400 + 45 * 86400, "2y45d"),
            (8 * 365 * 86400, "8y"),
            (20 * 365 * 86400 + 100, "20y"),
        ];
        for (secs, want) in cases {
            assert_eq!(human_duration(Duration::from_secs(secs)), want, "{secs}s");
        }
        assert_eq!(human_duration(Duration::from_millis(1999)), "1s");
        assert_eq!(human_duration_nanos(-1_500_000_000), "0s");
        assert_eq!(human_duration_nanos(-2_000_000_000), "<invalid>");
        assert_eq!(
            human_duration(Duration::MAX),
            format!("{}y", (u64::MAX / 3600) / 24 / 365)
        );
    }

    fn crontab(name: &str, created: &str, spec: Value) -> Value {
        json!({
            "apiVersion": "stable.example.com/v1",
            "kind": "CronTab",
            "metadata": {"name": name, "namespace": "default", "creationTimestamp": created, "resourceVersion": "5"},
            "spec": spec,
        })
    }

    #[test]
    fn default_columns_name_and_age() {
        let now = ts("2024-01-02T00:00:00Z");
        let objs = [
            crontab("a", "2024-01-01T23:59:30Z", json!({})),
            crontab("b", "2023-12-30T00:00:00Z", json!({})),
        ];
        let t = build_table(
            &[],
            &objs,
            IncludeObject::Metadata,
            Some("42"),
            Some("tok"),
            now,
        );
        assert_eq!(t["kind"], "Table");
        assert_eq!(t["apiVersion"], "meta.k8s.io/v1");
        assert_eq!(
            t["metadata"],
            json!({"resourceVersion": "42", "continue": "tok"})
        );
        let defs = t["columnDefinitions"].as_array().unwrap();
        assert_eq!(defs.len(), 2);
        assert_eq!(defs[0]["name"], "Name");
        assert_eq!(defs[0]["type"], "string");
        assert_eq!(defs[0]["format"], "name");
        assert_eq!(defs[0]["priority"], 0);
        assert!(defs[0]["description"].as_str().unwrap().len() > 5);
        assert_eq!(defs[1]["name"], "Age");
        assert_eq!(defs[1]["type"], "date");
        assert_eq!(defs[1]["format"], "");
        assert_eq!(t["rows"][0]["cells"], json!(["a", "30s"]));
        assert_eq!(t["rows"][1]["cells"], json!(["b", "3d"]));
        assert_eq!(
            t["rows"][0]["object"],
            json!({
                "kind": "PartialObjectMetadata",
                "apiVersion": "meta.k8s.io/v1",
                "metadata": objs[0]["metadata"].clone(),
            })
        );
    }

    #[test]
    fn custom_columns_and_cell_types() {
        let columns: Vec<PrinterColumn> = serde_json::from_value(json!([
            {"name": "Spec", "type": "string", "jsonPath": ".spec.cronSpec"},
            {"name": "Replicas", "type": "integer", "jsonPath": ".spec.replicas", "description": "How many"},
            {"name": "Ratio", "type": "number", "jsonPath": ".spec.ratio", "priority": 1},
            {"name": "Paused", "type": "boolean", "jsonPath": ".spec.paused"},
            {"name": "Seen", "type": "date", "jsonPath": ".spec.seen", "format": "date-time"},
            {"name": "Any", "type": "string", "jsonPath": ".spec.any"},
        ]))
        .unwrap();
        assert_eq!(columns[1].description, "How many");
        assert_eq!(columns[2].priority, 1);
        assert_eq!(columns[4].format, "date-time");
        let now = ts("2024-01-01T01:00:00Z");
        let objs = [
            crontab(
                "full",
                "2024-01-01T00:00:00Z",
                json!({"cronSpec": "* * * * */5", "replicas": 3, "ratio": 0.5, "paused": true,
                       "seen": "2024-01-01T00:58:00Z", "any": {"b": [1, 2], "a": 1.5}}),
            ),
            crontab(
                "wrong-types",
                "2024-01-01T00:00:00Z",
                json!({"cronSpec": 7, "replicas": 2.9, "ratio": 2, "paused": "yes", "seen": "garbage", "any": 1e30}),
            ),
            crontab(
                "empty",
                "2024-01-01T00:00:00Z",
                json!({"seen": "", "replicas": null}),
            ),
        ];
        let t = build_table(&columns, &objs, IncludeObject::Object, None, None, now);
        assert_eq!(t["metadata"], json!({}));
        let defs = t["columnDefinitions"].as_array().unwrap();
        assert_eq!(defs.len(), 7);
        assert_eq!(defs[2]["description"], "How many");
        assert_eq!(
            defs[1]["description"],
            "Printer column from the JSONPath .spec.cronSpec"
        );
        assert_eq!(defs[3]["priority"], 1);
        assert_eq!(
            t["rows"][0]["cells"],
            json!([
                "full",
                "* * * * */5",
                3,
                0.5,
                true,
                "2m",
                "map[a:1.5 b:[1 2]]"
            ])
        );
        assert_eq!(
            t["rows"][1]["cells"],
            json!(["wrong-types", "7", 2, 2, null, "<invalid>", "1e+30"])
        );
        assert_eq!(
            t["rows"][2]["cells"],
            json!(["empty", null, null, null, null, "<unknown>", null])
        );
        assert_eq!(t["rows"][0]["object"], objs[0]);
    }

    #[test]
    fn include_object_none_and_query() {
        let objs = [json!({"metadata": {"name": "n"}})];
        let t = build_table(
            &[],
            &objs,
            IncludeObject::None,
            Some(""),
            None,
            jiff::Timestamp::now(),
        );
        assert_eq!(t["rows"][0]["object"], Value::Null);
        assert_eq!(t["rows"][0]["cells"], json!(["n", null]));
        assert_eq!(t["metadata"], json!({}));
        let t = build_table(
            &[],
            &[],
            IncludeObject::Metadata,
            None,
            None,
            jiff::Timestamp::now(),
        );
        assert_eq!(t["rows"], json!([]));
        assert_eq!(
            IncludeObject::from_query(None),
            Some(IncludeObject::Metadata)
        );
        assert_eq!(
            IncludeObject::from_query(Some("Object")),
            Some(IncludeObject::Object)
        );
        assert_eq!(
            IncludeObject::from_query(Some("None")),
            Some(IncludeObject::None)
        );
        assert_eq!(IncludeObject::from_query(Some("x")), None);
        let no_meta = build_table(
            &[],
            &[json!({})],
            IncludeObject::Metadata,
            None,
            None,
            jiff::Timestamp::now(),
        );
        assert_eq!(no_meta["rows"][0]["cells"], json!(["", null]));
        assert_eq!(no_meta["rows"][0]["object"]["metadata"], json!({}));
    }

    #[test]
    fn go_float_format() {
        assert_eq!(go_float(1.5), "1.5");
        assert_eq!(go_float(0.0001), "0.0001");
        assert_eq!(go_float(0.00001), "1e-05");
        assert_eq!(go_float(1e21), "1e+21");
        assert_eq!(go_float(123456.0), "123456");
        assert_eq!(go_float(1234567.0), "1.234567e+06");
        assert_eq!(go_float(-2.5e-7), "-2.5e-07");
        assert_eq!(go_float(f64::NAN), "NaN");
    }

    #[test]
    fn future_creation_time() {
        let now = ts("2024-01-01T00:00:00Z");
        let objs = [
            crontab("soon", "2024-01-01T00:00:01Z", json!({})),
            crontab("later", "2024-01-01T00:01:00Z", json!({})),
        ];
        let t = build_table(&[], &objs, IncludeObject::None, None, None, now);
        assert_eq!(t["rows"][0]["cells"][1], "0s");
        assert_eq!(t["rows"][1]["cells"][1], "<invalid>");
    }
}

/// The examples that were doc tests while this module was public.
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod examples {
    #[test]
    fn module_doc_example() {
        use crate::output::table::{IncludeObject, build_table};
        use serde_json::json;

        let now: jiff::Timestamp = "2024-01-01T00:05:00Z".parse().unwrap();
        let obj = json!({"metadata": {"name": "a", "creationTimestamp": "2024-01-01T00:00:00Z"}});
        let table = build_table(&[], &[obj], IncludeObject::Metadata, Some("7"), None, now);
        assert_eq!(table["rows"][0]["cells"], json!(["a", "5m"]));
        assert_eq!(table["metadata"]["resourceVersion"], "7");
    }

    #[test]
    fn human_duration_example() {
        use crate::output::table::human_duration;
        use std::time::Duration;
        assert_eq!(human_duration(Duration::from_secs(200)), "3m20s");
        assert_eq!(human_duration(Duration::from_secs(2 * 86400)), "2d");
    }
}
