//! Small readers and writers of JSON objects for the strategies: a
//! default set where a field is missing, a child object made on demand.

use serde_json::{Map, Value};

/// The object at `key` of `obj`, made (or replaced by) an empty object when
/// it is missing or not an object. `None` when `obj` is not an object.
pub(crate) fn child<'a>(obj: &'a mut Value, key: &str) -> Option<&'a mut Value> {
    let Value::Object(m) = obj else { return None };
    let c = m
        .entry(key.to_string())
        .or_insert_with(|| Value::Object(Map::new()));
    if !c.is_object() {
        *c = Value::Object(Map::new());
    }
    Some(c)
}

/// Whether `v` is missing: absent or `null`.
pub(crate) fn missing(v: Option<&Value>) -> bool {
    matches!(v, None | Some(Value::Null))
}

/// Whether `v` is missing or an empty string (Go's zero string).
pub(crate) fn unset_str(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty(),
        Some(_) => false,
    }
}

/// Sets `obj[key]` to `value` when it is missing (a pointer default).
pub(crate) fn default(obj: &mut Value, key: &str, value: Value) {
    if let Value::Object(m) = obj
        && missing(m.get(key))
    {
        m.insert(key.into(), value);
    }
}

/// Sets `obj[key]` to `value` when it is missing or `""` (a string default).
pub(crate) fn default_str(obj: &mut Value, key: &str, value: &str) {
    if let Value::Object(m) = obj
        && unset_str(m.get(key))
    {
        m.insert(key.into(), Value::String(value.into()));
    }
}

/// The string at JSON pointer `p`, `""` when missing or not a string.
pub(crate) fn str_at<'a>(v: &'a Value, p: &str) -> &'a str {
    v.pointer(p).and_then(Value::as_str).unwrap_or_default()
}

/// The integer at JSON pointer `p`.
pub(crate) fn int_at(v: &Value, p: &str) -> Option<i64> {
    v.pointer(p).and_then(Value::as_i64)
}

/// The array at JSON pointer `p`, empty when missing.
pub(crate) fn items<'a>(v: &'a Value, p: &str) -> &'a [Value] {
    v.pointer(p)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// Calls `f` on each element of the array at `obj[key]`, if any.
pub(crate) fn each_mut(obj: &mut Value, key: &str, mut f: impl FnMut(&mut Value)) {
    if let Some(Value::Array(a)) = obj.get_mut(key) {
        a.iter_mut().for_each(&mut f);
    }
}

/// The object's name (`metadata.name`).
pub(crate) fn name_of(obj: &Value) -> &str {
    str_at(obj, "/metadata/name")
}
