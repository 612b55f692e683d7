//! Validation of an object against a structural schema, with the field
//! errors kube-apiserver reports for custom resources: kube-openapi's
//! messages (`<field> in body should be ...`) wrapped in `field.Error`s the
//! way apiextensions-apiserver converts them.

use super::errors::{FieldError, go_float, go_quote};
use super::regex::Regex;
use super::{ListType, Schema, index, join};
use serde_json::{Map, Value, json};

/// Validates `obj` against `schema`; an empty list means valid.
///
/// The root's `metadata` is not validated here (kube-apiserver validates
/// object metadata separately); everything else is. Errors come in schema
/// walk order: a node's own checks, then its children (properties in name
/// order, items in index order), then its missing required properties.
pub(crate) fn validate(schema: &Schema, obj: &Value) -> Vec<FieldError> {
    let mut errs = Vec::new();
    node(schema, obj, "", true, &mut errs);
    // kube-apiserver checks list-type uniqueness in a second pass
    list_types(schema, obj, "", true, &mut errs);
    errs
}

/// Duplicate items of `x-kubernetes-list-type: set` and `map` lists: each
/// duplicated value (or key) is reported once, at its second appearance.
fn list_types(s: &Schema, v: &Value, path: &str, root: bool, errs: &mut Vec<FieldError>) {
    match v {
        Value::Array(items) => {
            match s.list_type {
                ListType::Set => {
                    for i in second_appearances(items) {
                        errs.push(FieldError::duplicate(index(path, i), &items[i]));
                    }
                }
                ListType::Map => {
                    if let Some(i) = items.iter().position(|x| !x.is_null() && !x.is_object()) {
                        errs.push(FieldError::invalid(
                            index(path, i),
                            &items[i],
                            "must be an object for an array of list-type map",
                        ));
                    } else {
                        let keys: Vec<Value> = items
                            .iter()
                            .map(|it| {
                                map_key(&s.list_map_keys, it).unwrap_or(Value::Object(Map::new()))
                            })
                            .collect();
                        for i in second_appearances(&keys) {
                            errs.push(FieldError::duplicate(index(path, i), &keys[i]));
                        }
                    }
                }
                ListType::Atomic => {}
            }
            if let Some(is) = &s.items {
                for (i, it) in items.iter().enumerate() {
                    list_types(is, it, &index(path, i), false, errs);
                }
            }
        }
        Value::Object(m) => {
            for (k, c) in m {
                if root && k == "metadata" {
                    continue;
                }
                if let Some(cs) = s.property(k) {
                    list_types(cs, c, &join(path, k), false, errs);
                }
            }
        }
        _ => {}
    }
}

/// Indices where a value appears for the second time.
fn second_appearances(items: &[Value]) -> Vec<usize> {
    let mut out = Vec::new();
    for (i, it) in items.iter().enumerate() {
        if items[..i].iter().filter(|p| json_eq(p, it)).count() == 1 {
            out.push(i);
        }
    }
    out
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn type_ok(types: &[&str], v: &Value) -> bool {
    let t = json_type(v);
    if types.contains(&t) {
        return true;
    }
    match (t, v) {
        // a float with an integral value is accepted where integer is expected
        ("number", Value::Number(n)) => {
            types.contains(&"integer")
                && n.as_f64()
                    .is_some_and(|f| f.fract() == 0.0 && f.is_finite())
        }
        ("integer", _) => types.contains(&"number"),
        _ => false,
    }
}

fn node(s: &Schema, v: &Value, path: &str, root: bool, errs: &mut Vec<FieldError>) {
    let types: Vec<&str> = if s.int_or_string {
        vec!["integer", "string"]
    } else {
        s.type_.as_deref().into_iter().collect()
    };
    if v.is_null() {
        if !types.is_empty() && !s.nullable {
            errs.push(FieldError::type_invalid(
                path,
                &json!("null"),
                format!(
                    "{path} in body must be of type {}: \"null\"",
                    types.join(",")
                ),
            ));
        }
        return;
    }
    if !types.is_empty() && !type_ok(&types, v) {
        let actual = json_type(v);
        errs.push(FieldError::type_invalid(
            path,
            &json!(actual),
            format!(
                "{path} in body must be of type {}: \"{actual}\"",
                types.join(",")
            ),
        ));
        return;
    }
    match v {
        Value::String(text) => string_checks(s, text, v, path, errs),
        Value::Number(n) => number_checks(s, n, v, path, errs),
        Value::Array(items) => array_checks(s, items, path, errs),
        Value::Object(m) => object_checks(s, m, path, root, errs),
        Value::Bool(_) | Value::Null => {}
    }
    if let Some(allowed) = &s.enum_
        && !allowed.iter().any(|a| json_eq(a, v))
    {
        let supported: Vec<String> = allowed
            .iter()
            .map(|a| match a {
                Value::String(s) => s.clone(),
                other => serde_json::to_string(other).unwrap_or_default(),
            })
            .collect();
        errs.push(FieldError::not_supported(path, v, &supported));
    }
}

/// JSON equality with numbers compared by value (`1` equals `1.0`).
fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            if let (Some(x), Some(y)) = (x.as_i64(), y.as_i64()) {
                x == y
            } else {
                x.as_f64() == y.as_f64()
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, a)| y.get(k).is_some_and(|b| json_eq(a, b)))
        }
        _ => a == b,
    }
}

fn string_checks(s: &Schema, text: &str, v: &Value, path: &str, errs: &mut Vec<FieldError>) {
    let len = text.chars().count() as u64;
    if let Some(max) = s.max_length
        && len > max
    {
        errs.push(FieldError::too_long(path, Some(max)));
    }
    if let Some(min) = s.min_length
        && len < min
    {
        errs.push(FieldError::invalid(
            path,
            v,
            format!("{path} in body should be at least {min} chars long"),
        ));
    }
    if let Some(p) = &s.pattern {
        let detail = match Regex::new(p) {
            Ok(re) if re.is_match(text) => None,
            Ok(_) => Some(format!("{path} in body should match '{p}'")),
            Err(e) => Some(format!(
                "{path} in body should match '{p}, but pattern is invalid: {e}'"
            )),
        };
        if let Some(d) = detail {
            errs.push(FieldError::invalid(path, v, d));
        }
    }
    if let Some(f) = &s.format
        && !format_ok(f, text)
    {
        errs.push(FieldError::type_invalid(
            path,
            v,
            format!("{path} in body must be of type {f}: {}", go_quote(text)),
        ));
    }
}

/// Formats kube-apiserver checks on strings; unknown formats pass.
pub(crate) fn format_ok(format: &str, s: &str) -> bool {
    use base64::Engine as _;
    match format {
        "date-time" | "datetime" => s.parse::<jiff::Timestamp>().is_ok(),
        "date" => s.len() == 10 && s.parse::<jiff::civil::Date>().is_ok(),
        "byte" => base64::engine::general_purpose::STANDARD.decode(s).is_ok(),
        "uuid" => is_uuid(s),
        "ipv4" => s.parse::<std::net::Ipv4Addr>().is_ok(),
        "ipv6" => s.parse::<std::net::Ipv6Addr>().is_ok(),
        "cidr" => match s.split_once('/') {
            Some((ip, bits)) => match (ip.parse::<std::net::IpAddr>(), bits.parse::<u8>()) {
                (Ok(std::net::IpAddr::V4(_)), Ok(b)) => b <= 32,
                (Ok(std::net::IpAddr::V6(_)), Ok(b)) => b <= 128,
                _ => false,
            },
            None => false,
        },
        _ => true,
    }
}

fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

fn number_checks(
    s: &Schema,
    n: &serde_json::Number,
    v: &Value,
    path: &str,
    errs: &mut Vec<FieldError>,
) {
    // kube-openapi compares integers with the limit truncated to int64 and
    // prints it that way; floats with the float limit.
    let int = n.as_i64();
    let bound = |limit: f64| -> String {
        match int {
            Some(_) => format!("{}", limit.trunc() as i64),
            None => go_float(limit),
        }
    };
    let value = n.as_f64().unwrap_or(0.0);
    if let Some(max) = s.maximum {
        let over = match int {
            Some(i) => {
                let m = max.trunc() as i64;
                if s.exclusive_maximum { i >= m } else { i > m }
            }
            None => {
                if s.exclusive_maximum {
                    value >= max
                } else {
                    value > max
                }
            }
        };
        if over {
            let words = if s.exclusive_maximum {
                "should be less than"
            } else {
                "should be less than or equal to"
            };
            errs.push(FieldError::invalid(
                path,
                v,
                format!("{path} in body {words} {}", bound(max)),
            ));
        }
    }
    if let Some(min) = s.minimum {
        let under = match int {
            Some(i) => {
                let m = min.trunc() as i64;
                if s.exclusive_minimum { i <= m } else { i < m }
            }
            None => {
                if s.exclusive_minimum {
                    value <= min
                } else {
                    value < min
                }
            }
        };
        if under {
            let words = if s.exclusive_minimum {
                "should be greater than"
            } else {
                "should be greater than or equal to"
            };
            errs.push(FieldError::invalid(
                path,
                v,
                format!("{path} in body {words} {}", bound(min)),
            ));
        }
    }
}

fn array_checks(s: &Schema, items: &[Value], path: &str, errs: &mut Vec<FieldError>) {
    // kube-openapi validates the items first, then the array's own limits
    if let Some(item_schema) = &s.items {
        for (i, it) in items.iter().enumerate() {
            node(item_schema, it, &index(path, i), false, errs);
        }
    }
    let len = items.len() as u64;
    if let Some(max) = s.max_items
        && len > max
    {
        errs.push(FieldError::too_many(path, len, Some(max)));
    }
    if let Some(min) = s.min_items
        && len < min
    {
        errs.push(FieldError::invalid(
            path,
            &json!(len),
            format!("{path} in body should have at least {min} items"),
        ));
    }
    if s.unique_items && has_duplicates(items) {
        errs.push(FieldError::invalid(
            path,
            &json!(""),
            format!("{path} in body shouldn't contain duplicates"),
        ));
    }
}

/// The key object (`{"name": "x"}`) of a map-list item: its
/// `x-kubernetes-list-map-keys` fields that are present.
pub(crate) fn map_key(keys: &[String], item: &Value) -> Option<Value> {
    let m = item.as_object()?;
    let mut key = Map::new();
    for k in keys {
        if let Some(v) = m.get(k) {
            key.insert(k.clone(), v.clone());
        }
    }
    Some(Value::Object(key))
}

fn has_duplicates(items: &[Value]) -> bool {
    items
        .iter()
        .enumerate()
        .any(|(i, it)| items[..i].iter().any(|p| json_eq(p, it)))
}

fn object_checks(
    s: &Schema,
    m: &Map<String, Value>,
    path: &str,
    root: bool,
    errs: &mut Vec<FieldError>,
) {
    let n = m.len() as u64;
    // a property-count violation is the object's only error (kube-openapi
    // returns before looking at the properties)
    if let Some(min) = s.min_properties
        && n < min
    {
        errs.push(FieldError::invalid(
            path,
            &json!(n),
            format!("{path} in body should have at least {min} properties"),
        ));
        return;
    }
    if let Some(max) = s.max_properties
        && n > max
    {
        errs.push(FieldError::too_many(path, n, Some(max)));
        return;
    }
    for (k, v) in m {
        if root && k == "metadata" {
            continue;
        }
        if let Some(child) = s.property(k) {
            node(child, v, &join(path, k), false, errs);
        }
    }
    for r in &s.required {
        if !m.contains_key(r) {
            errs.push(FieldError::required(join(path, r)));
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::schema::FieldErrorKind;

    /// The CronTab example of the Kubernetes CRD documentation, extended with
    /// one field per keyword.
    fn crontab() -> Schema {
        Schema::parse(&json!({
            "type": "object",
            "properties": {
                "spec": {
                    "type": "object",
                    "required": ["cronSpec"],
                    "properties": {
                        "cronSpec": {"type": "string", "pattern": "^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$"},
                        "image": {"type": "string", "minLength": 3, "maxLength": 10},
                        "replicas": {"type": "integer", "minimum": 1, "maximum": 10},
                        "ratio": {"type": "number", "minimum": 0.5, "exclusiveMaximum": true, "maximum": 1.5},
                        "mode": {"type": "string", "enum": ["Always", "Never"]},
                        "level": {"type": "integer", "enum": [1, 2]},
                        "paused": {"type": "boolean"},
                        "note": {"type": "string", "nullable": true},
                        "port": {"x-kubernetes-int-or-string": true},
                        "started": {"type": "string", "format": "date-time"},
                        "blob": {"type": "string", "format": "byte"},
                        "tags": {"type": "array", "minItems": 1, "maxItems": 3,
                                 "x-kubernetes-list-type": "set", "items": {"type": "string"}},
                        "items": {"type": "array", "x-kubernetes-list-type": "map",
                                  "x-kubernetes-list-map-keys": ["name"],
                                  "items": {"type": "object", "required": ["name"], "properties": {
                                      "name": {"type": "string", "maxLength": 5},
                                      "size": {"type": "integer", "format": "int32"}}}},
                        "labels": {"type": "object", "additionalProperties": {"type": "string"},
                                   "minProperties": 1, "maxProperties": 2}
                    }
                }
            }
        }))
        .unwrap()
    }

    fn messages(obj: Value) -> Vec<String> {
        validate(&crontab(), &obj)
            .iter()
            .map(FieldError::message)
            .collect()
    }

    fn one(spec: Value) -> FieldError {
        let mut spec = spec;
        spec["cronSpec"] = json!("* * * * */5");
        let errs = validate(&crontab(), &json!({"spec": spec}));
        assert_eq!(errs.len(), 1, "{errs:?}");
        errs[0].clone()
    }

    #[test]
    fn valid_object_has_no_errors() {
        let errs = messages(
            json!({"apiVersion": "stable.example.com/v1", "kind": "CronTab",
            "metadata": {"name": "x", "whatever": 1},
            "spec": {"cronSpec": "* * * * */5", "image": "nginx", "replicas": 3, "ratio": 1.0,
                     "mode": "Never", "level": 2, "paused": false, "note": null, "port": "http",
                     "started": "2024-01-01T00:00:00Z", "blob": "aGVsbG8=", "tags": ["a", "b"],
                     "items": [{"name": "a", "size": 1}], "labels": {"a": "b"}}}),
        );
        assert!(errs.is_empty(), "{errs:?}");
    }

    #[test]
    fn maximum_and_required_render_like_the_brief() {
        let errs = messages(json!({"spec": {"replicas": 11}}));
        assert_eq!(
            errs,
            vec![
                "spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10",
                "spec.cronSpec: Required value",
            ]
        );
    }

    #[test]
    fn each_keyword_wording_and_reason() {
        let cases: Vec<(Value, &str, FieldErrorKind)> = vec![
            (
                json!({"replicas": 0}),
                "spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1",
                FieldErrorKind::Invalid,
            ),
            (
                json!({"replicas": "three"}),
                "spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\"",
                FieldErrorKind::TypeInvalid,
            ),
            (
                json!({"replicas": 2.5}),
                "spec.replicas: Invalid value: \"number\": spec.replicas in body must be of type integer: \"number\"",
                FieldErrorKind::TypeInvalid,
            ),
            (
                json!({"ratio": 1.5}),
                "spec.ratio: Invalid value: 1.5: spec.ratio in body should be less than 1.5",
                FieldErrorKind::Invalid,
            ),
            (
                json!({"ratio": 0.25}),
                "spec.ratio: Invalid value: 0.25: spec.ratio in body should be greater than or equal to 0.5",
                FieldErrorKind::Invalid,
            ),
            (
                json!({"image": "ab"}),
                "spec.image: Invalid value: \"ab\": spec.image in body should be at least 3 chars long",
                FieldErrorKind::Invalid,
            ),
            (
                json!({"image": "abcdefghijk"}),
                "spec.image: Too long: may not be more than 10 bytes",
                FieldErrorKind::TooLong,
            ),
            (
                json!({"mode": "Sometimes"}),
                "spec.mode: Unsupported value: \"Sometimes\": supported values: \"Always\", \"Never\"",
                FieldErrorKind::NotSupported,
            ),
            (
                json!({"level": 3}),
                "spec.level: Unsupported value: 3: supported values: \"1\", \"2\"",
                FieldErrorKind::NotSupported,
            ),
            (
                json!({"paused": "yes"}),
                "spec.paused: Invalid value: \"string\": spec.paused in body must be of type boolean: \"string\"",
                FieldErrorKind::TypeInvalid,
            ),
            (
                json!({"started": "yesterday"}),
                "spec.started: Invalid value: \"yesterday\": spec.started in body must be of type date-time: \"yesterday\"",
                FieldErrorKind::TypeInvalid,
            ),
            (
                json!({"blob": "%%%"}),
                "spec.blob: Invalid value: \"%%%\": spec.blob in body must be of type byte: \"%%%\"",
                FieldErrorKind::TypeInvalid,
            ),
            (
                json!({"tags": []}),
                "spec.tags: Invalid value: 0: spec.tags in body should have at least 1 items",
                FieldErrorKind::Invalid,
            ),
            (
                json!({"tags": ["a", "b", "c", "d"]}),
                "spec.tags: Too many: 4: must have at most 3 items",
                FieldErrorKind::TooMany,
            ),
            (
                json!({"tags": ["a", "b", "a"]}),
                "spec.tags[2]: Duplicate value: \"a\"",
                FieldErrorKind::Duplicate,
            ),
            (
                json!({"items": [{"name": "a"}, {"name": "a"}]}),
                "spec.items[1]: Duplicate value: {\"name\":\"a\"}",
                FieldErrorKind::Duplicate,
            ),
            (
                json!({"labels": {}}),
                "spec.labels: Invalid value: 0: spec.labels in body should have at least 1 properties",
                FieldErrorKind::Invalid,
            ),
            (
                json!({"labels": {"a": "1", "b": "2", "c": "3"}}),
                "spec.labels: Too many: 3: must have at most 2 items",
                FieldErrorKind::TooMany,
            ),
            (
                json!({"labels": {"a": 1}}),
                "spec.labels.a: Invalid value: \"integer\": spec.labels.a in body must be of type string: \"integer\"",
                FieldErrorKind::TypeInvalid,
            ),
            (
                json!({"paused": null}),
                "spec.paused: Invalid value: \"null\": spec.paused in body must be of type boolean: \"null\"",
                FieldErrorKind::TypeInvalid,
            ),
            (
                json!({"port": true}),
                "spec.port: Invalid value: \"boolean\": spec.port in body must be of type integer,string: \"boolean\"",
                FieldErrorKind::TypeInvalid,
            ),
            (
                json!({"port": 8.5}),
                "spec.port: Invalid value: \"number\": spec.port in body must be of type integer,string: \"number\"",
                FieldErrorKind::TypeInvalid,
            ),
        ];
        for (spec, want, kind) in cases {
            let e = one(spec.clone());
            assert_eq!(e.message(), want, "{spec}");
            assert_eq!(e.kind, kind, "{spec}");
        }
        assert_eq!(FieldErrorKind::TooLong.reason(), "FieldValueTooLong");
    }

    #[test]
    fn pattern_message() {
        let errs = messages(json!({"spec": {"cronSpec": "every minute"}}));
        assert_eq!(
            errs,
            vec![
                "spec.cronSpec: Invalid value: \"every minute\": spec.cronSpec in body should match '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$'"
            ]
        );
    }

    #[test]
    fn nested_paths_in_arrays() {
        let errs = messages(json!({"spec": {"cronSpec": "* * * * *",
            "items": [{"name": "a"}, {"name": "b"}, {"name": "toolong"}, {"size": "x"}]}}));
        assert_eq!(
            errs,
            vec![
                "spec.items[2].name: Too long: may not be more than 5 bytes",
                "spec.items[3].size: Invalid value: \"string\": spec.items[3].size in body must be of type integer: \"string\"",
                "spec.items[3].name: Required value",
            ]
        );
    }

    #[test]
    fn nullable_and_int_or_string() {
        assert!(
            messages(json!({"spec": {"cronSpec": "* * * * *", "note": null, "port": 80}}))
                .is_empty()
        );
        assert!(messages(json!({"spec": {"cronSpec": "* * * * *", "port": "80%"}})).is_empty());
        assert!(messages(json!({"spec": {"cronSpec": "* * * * *", "replicas": 2.0}})).is_empty());
    }

    #[test]
    fn root_type_and_metadata() {
        let s = crontab();
        assert!(
            validate(
                &s,
                &json!({"metadata": {"name": 5}, "spec": {"cronSpec": "* * * * *"}})
            )
            .is_empty()
        );
        let errs = validate(&s, &json!({"spec": "x"}));
        assert_eq!(
            errs[0].message(),
            "spec: Invalid value: \"string\": spec in body must be of type object: \"string\""
        );
    }

    #[test]
    fn exclusive_minimum_unique_items_and_order() {
        let s = Schema::parse(&json!({"type": "object", "properties": {
            "n": {"type": "integer", "minimum": 0, "exclusiveMinimum": true},
            "u": {"type": "array", "uniqueItems": true, "maxItems": 1, "items": {"type": "integer", "maximum": 5}},
            "m": {"type": "object", "maxProperties": 1, "required": ["z"],
                  "additionalProperties": {"type": "string"}}}}))
        .unwrap();
        let errs: Vec<String> = validate(&s, &json!({"n": 0, "u": [7, 7], "m": {"a": 1, "b": 2}}))
            .iter()
            .map(FieldError::message)
            .collect();
        assert_eq!(
            errs,
            vec![
                "m: Too many: 2: must have at most 1 item",
                "n: Invalid value: 0: n in body should be greater than 0",
                "u[0]: Invalid value: 7: u[0] in body should be less than or equal to 5",
                "u[1]: Invalid value: 7: u[1] in body should be less than or equal to 5",
                "u: Too many: 2: must have at most 1 item",
                "u: Invalid value: \"\": u in body shouldn't contain duplicates",
            ]
        );
    }

    #[test]
    fn list_type_duplicates_come_last_once_per_value() {
        let errs = messages(
            json!({"spec": {"tags": ["a", "a", "a", "b", "b"], "replicas": 0,
            "items": [{"name": "x"}, {"name": "x"}, {"name": "x"}]}}),
        );
        assert_eq!(
            errs,
            vec![
                "spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1",
                "spec.tags: Too many: 5: must have at most 3 items",
                "spec.cronSpec: Required value",
                "spec.items[1]: Duplicate value: {\"name\":\"x\"}",
                "spec.tags[1]: Duplicate value: \"a\"",
                "spec.tags[4]: Duplicate value: \"b\"",
            ]
        );
    }

    #[test]
    fn formats() {
        assert!(format_ok("uuid", "123e4567-e89b-12d3-a456-426614174000"));
        assert!(!format_ok("uuid", "123e4567"));
        assert!(format_ok("cidr", "10.0.0.0/8"));
        assert!(!format_ok("cidr", "10.0.0.0/33"));
        assert!(format_ok("date", "2024-02-29"));
        assert!(!format_ok("date", "2023-02-29"));
        assert!(format_ok("ipv6", "::1"));
        assert!(format_ok("int32", "anything"));
    }
}

/// The examples that were doc tests while this module was public.
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod examples {
    #[test]
    fn validate_example() {
        use crate::schema::{Schema, validate};
        use serde_json::json;
        let s = Schema::parse(&json!({"type": "object", "properties": {
            "spec": {"type": "object", "properties": {"replicas": {"type": "integer", "maximum": 10}}}}})).unwrap();
        let errs = validate(&s, &json!({"spec": {"replicas": 11}}));
        assert_eq!(
            errs[0].message(),
            "spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10"
        );
    }
}
