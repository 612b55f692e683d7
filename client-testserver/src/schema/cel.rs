//! CEL validation rules (`x-kubernetes-validations`): compiled when a CRD is
//! created, evaluated on every write of a custom resource, with
//! kube-apiserver's field errors.
//!
//! The `cel` crate (the maintained successor of `cel-interpreter`) parses and
//! evaluates; `kube-cel` adds Kubernetes' CEL libraries (strings, lists, sets,
//! regex, quantity, math, format, IP/CIDR, semver, encoders, JSON patch).
//! Not modelled: the `url` library, `authz`, CEL type checking at create (a
//! rule is "compiled" when it parses and names no variable other than
//! `self`, `oldSelf` and its own macro variables), cost limits, and
//! `optionalOldSelf`.
//!
//! ```text
//! let schema = Schema::parse(&json!({"type": "object", "properties": {"spec": {
//!     "type": "object",
//!     "properties": {"replicas": {"type": "integer", "x-kubernetes-validations": [
//!         {"rule": "self >= oldSelf", "message": "replicas may not decrease"}]}}}}}))
//! .unwrap();
//! let old = json!({"spec": {"replicas": 3}});
//! let new = json!({"spec": {"replicas": 2}});
//! let errors = cel::validate(&schema, &new, Some(&old));
//! assert_eq!(errors[0].message(), r#"spec.replicas: Invalid value: "integer": replicas may not decrease"#);
//! assert!(cel::validate(&schema, &new, None).is_empty());
//! ```

use std::collections::HashMap;
use std::sync::Arc;

use kube_cel::KubeCelExt;
use kube_cel::cel::{Context, Program, Value as CelValue, objects::Key};
use serde_json::Value;

use super::errors::{FieldErrorKind, go_quote};
use super::{AdditionalProperties, FieldError, Schema, index, join};

/// Macros that bind a variable of their own (`self.all(x, x > 0)`).
const MACROS: &[&str] = &["all", "exists", "exists_one", "map", "filter"];

/// One `x-kubernetes-validations` entry as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rule {
    /// `rule`: the CEL expression over `self` (and `oldSelf`).
    pub rule: String,
    /// `message`.
    pub message: String,
    /// `messageExpression`.
    pub message_expression: String,
    /// `reason`: `FieldValueInvalid` (default), `FieldValueForbidden`,
    /// `FieldValueRequired` or `FieldValueDuplicate`.
    pub reason: Option<String>,
    /// `fieldPath`: a JSON path below the rule's node (`.spec.x`).
    pub field_path: String,
}

impl Rule {
    /// Reads one entry; fields of the wrong type read as empty.
    pub fn from_json(v: &Value) -> Rule {
        let s = |k: &str| {
            v.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        Rule {
            rule: s("rule"),
            message: s("message"),
            message_expression: s("messageExpression"),
            reason: v.get("reason").and_then(Value::as_str).map(str::to_string),
            field_path: s("fieldPath"),
        }
    }

    /// The rule as kube-apiserver prints it in a CRD field error: Go's `%#v`
    /// of the internal `apiextensions.ValidationRule`.
    pub fn go_syntax(&self) -> String {
        let reason = match &self.reason {
            Some(r) => format!("(*apiextensions.FieldValueErrorReason)({})", go_quote(r)),
            None => "(*apiextensions.FieldValueErrorReason)(nil)".into(),
        };
        format!(
            "apiextensions.ValidationRule{{Rule:{}, Message:{}, MessageExpression:{}, Reason:{reason}, FieldPath:{}, OptionalOldSelf:(*bool)(nil)}}",
            go_quote(&self.rule),
            go_quote(&self.message),
            go_quote(&self.message_expression),
            go_quote(&self.field_path),
        )
    }

    /// Whether the rule reads `oldSelf` (a transition rule: evaluated only
    /// on updates where the old object has a value here).
    fn is_transition(program: &Program) -> bool {
        program.references().has_variable("oldSelf")
    }
}

/// A rule compiled for evaluation.
struct Compiled {
    program: Program,
    message: Option<Program>,
    transition: bool,
}

/// Compiles `expr` as a rule (or message expression) over `self` and,
/// for rules, `oldSelf`.
///
/// # Errors
/// The parser's message (`ERROR: <input>:1:7: Syntax error: ...`) or
/// `undeclared reference to 'x'` for a variable the rule cannot see.
pub fn compile(expr: &str, allow_old_self: bool) -> Result<(), String> {
    compile_program(expr, allow_old_self).map(|_| ())
}

fn compile_program(expr: &str, allow_old_self: bool) -> Result<Program, String> {
    if expr.trim().is_empty() {
        return Err("rule is not specified".into());
    }
    let program = std::panic::catch_unwind(|| Program::compile(expr))
        .map_err(|_| "ERROR: <input>: the parser failed".to_string())?
        .map_err(|e| e.to_string())?;
    let own = macro_variables(expr);
    let refs = program.references();
    let mut unknown: Vec<&str> = refs
        .variables()
        .into_iter()
        .filter(|v| {
            *v != "self" && !(allow_old_self && *v == "oldSelf") && !own.iter().any(|o| o == v)
        })
        .collect();
    unknown.sort_unstable();
    if let Some(v) = unknown.first() {
        return Err(format!("ERROR: <input>: undeclared reference to '{v}'"));
    }
    Ok(program)
}

/// The variables bound by macros in `expr` (`x` in `self.all(x, x > 0)`).
fn macro_variables(expr: &str) -> Vec<String> {
    let mut out = Vec::new();
    for m in MACROS {
        let pat = format!(".{m}(");
        let mut rest = expr;
        while let Some(i) = rest.find(&pat) {
            rest = &rest[i + pat.len()..];
            let name: String = rest
                .trim_start()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.push(name);
            }
        }
    }
    out
}

/// Every `x-kubernetes-validations` rule of a CRD version's raw schema that
/// does not compile, as kube-apiserver reports it at CRD create:
/// `<base>.properties[spec].x-kubernetes-validations[0].rule: Invalid value:
/// apiextensions.ValidationRule{...}: compilation failed: ERROR: ...`.
pub fn check_rules(schema: &Value, base: &str) -> Vec<FieldError> {
    let mut out = Vec::new();
    check_node(schema, base, 0, &mut out);
    out
}

fn check_node(s: &Value, path: &str, depth: usize, out: &mut Vec<FieldError>) {
    if depth > super::MAX_SCHEMA_DEPTH {
        return;
    }
    if let Some(Value::Array(rules)) = s.get("x-kubernetes-validations") {
        for (i, r) in rules.iter().enumerate() {
            let rule = Rule::from_json(r);
            let at = format!("{path}.x-kubernetes-validations[{i}]");
            if let Err(e) = compile(&rule.rule, true) {
                out.push(FieldError {
                    path: format!("{at}.rule"),
                    kind: FieldErrorKind::Invalid,
                    value: Some(rule.go_syntax()),
                    detail: format!("compilation failed: {e}"),
                });
            }
            if !rule.message_expression.is_empty()
                && let Err(e) = compile(&rule.message_expression, false)
            {
                out.push(FieldError {
                    path: format!("{at}.messageExpression"),
                    kind: FieldErrorKind::Invalid,
                    value: Some(rule.go_syntax()),
                    detail: format!("messageExpression compilation failed: {e}"),
                });
            }
        }
    }
    if let Some(Value::Object(props)) = s.get("properties") {
        for (k, v) in props {
            check_node(v, &format!("{path}.properties[{k}]"), depth + 1, out);
        }
    }
    if let Some(items) = s.get("items") {
        check_node(items, &format!("{path}.items"), depth + 1, out);
    }
    if let Some(ap @ Value::Object(_)) = s.get("additionalProperties") {
        check_node(ap, &format!("{path}.additionalProperties"), depth + 1, out);
    }
}

/// Whether any node of `schema` carries `x-kubernetes-validations` (most
/// CRDs have none: their writes skip the walk over the object).
pub fn has_rules(schema: &Schema) -> bool {
    !schema.validations.is_empty()
        || schema.properties.values().any(has_rules)
        || schema.items.as_deref().is_some_and(has_rules)
        || matches!(&schema.additional_properties, Some(AdditionalProperties::Schema(s)) if has_rules(s))
}

/// Evaluates every rule of `schema` on `new` (and, for transition rules,
/// `old`), with kube-apiserver's errors: `spec.replicas: Invalid value:
/// "integer": <message>`; a rule at the root reports the path `<nil>`.
pub fn validate(schema: &Schema, new: &Value, old: Option<&Value>) -> Vec<FieldError> {
    let mut out = Vec::new();
    node(schema, new, old, "", 0, &mut out);
    out
}

fn node(
    s: &Schema,
    v: &Value,
    old: Option<&Value>,
    path: &str,
    depth: usize,
    out: &mut Vec<FieldError>,
) {
    if depth > super::MAX_SCHEMA_DEPTH || v.is_null() {
        return;
    }
    for raw in &s.validations {
        let rule = Rule::from_json(raw);
        evaluate(s, &rule, v, old, path, out);
    }
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                let sub = match s.properties.get(k) {
                    Some(p) => Some(p),
                    None => match &s.additional_properties {
                        Some(AdditionalProperties::Schema(p)) => Some(p.as_ref()),
                        _ => None,
                    },
                };
                let Some(sub) = sub else { continue };
                let child_path = if s.properties.contains_key(k) {
                    join(path, k)
                } else {
                    format!("{}[{k}]", if path.is_empty() { "<nil>" } else { path })
                };
                let old_child = old.and_then(|o| o.get(k));
                node(sub, child, old_child, &child_path, depth + 1, out);
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = &s.items {
                for (i, item) in items.iter().enumerate() {
                    // Old items are matched by key for map lists, by
                    // value for sets, and not at all for atomic lists
                    // (kube-apiserver's correlation rules).
                    let old_item = old
                        .and_then(Value::as_array)
                        .and_then(|o| correlate(s, item, o));
                    node(item_schema, item, old_item, &index(path, i), depth + 1, out);
                }
            }
        }
        _ => {}
    }
}

fn correlate<'a>(s: &Schema, item: &Value, old: &'a [Value]) -> Option<&'a Value> {
    match s.list_type {
        super::ListType::Map => old
            .iter()
            .find(|o| s.list_map_keys.iter().all(|k| o.get(k) == item.get(k))),
        super::ListType::Set => old.iter().find(|o| *o == item),
        super::ListType::Atomic => None,
    }
}

fn evaluate(
    s: &Schema,
    rule: &Rule,
    v: &Value,
    old: Option<&Value>,
    path: &str,
    out: &mut Vec<FieldError>,
) {
    // A CRD's rules compiled when it was created; a rule that does not
    // compile now is skipped rather than failing every write.
    let Ok(program) = compile_program(&rule.rule, true) else {
        return;
    };
    let compiled = Compiled {
        transition: Rule::is_transition(&program),
        program,
        message: (!rule.message_expression.is_empty())
            .then(|| compile_program(&rule.message_expression, false).ok())
            .flatten(),
    };
    if compiled.transition && old.is_none() {
        return;
    }
    let mut ctx = Context::default().with_all();
    ctx.add_variable_from_value("self", to_cel(v));
    if let Some(o) = old {
        ctx.add_variable_from_value("oldSelf", to_cel(o));
    }
    let type_name = s.type_.clone().unwrap_or_default();
    let shown_path = if path.is_empty() { "<nil>" } else { path };
    let field_path = if rule.field_path.is_empty() {
        shown_path.to_string()
    } else {
        let rel = rule.field_path.trim_start_matches('.');
        if path.is_empty() {
            rel.to_string()
        } else {
            format!("{path}.{rel}")
        }
    };
    let failed = match compiled.program.execute(&ctx) {
        Ok(CelValue::Bool(true)) => return,
        Ok(CelValue::Bool(false)) => None,
        Ok(other) => Some(format!(
            "rule did not evaluate to a bool but to {:?} evaluating rule: {}",
            other.type_of(),
            rule_error_string(rule)
        )),
        Err(e) => Some(format!("{e} evaluating rule: {}", rule_error_string(rule))),
    };
    if let Some(detail) = failed {
        out.push(FieldError {
            path: shown_path.to_string(),
            kind: FieldErrorKind::Invalid,
            value: Some(go_quote(&type_name)),
            detail,
        });
        return;
    }
    let from_expression = compiled.message.as_ref().and_then(|m| {
        let mut mctx = Context::default().with_all();
        mctx.add_variable_from_value("self", to_cel(v));
        match m.execute(&mctx) {
            Ok(CelValue::String(s)) if !s.trim().is_empty() && !s.contains('\n') => {
                Some(s.trim().to_string())
            }
            _ => None,
        }
    });
    let detail = from_expression.unwrap_or_else(|| {
        if rule.message.trim().is_empty() {
            format!("failed rule: {}", rule_error_string(rule))
        } else {
            rule.message.trim().to_string()
        }
    });
    let e = match rule.reason.as_deref() {
        Some("FieldValueForbidden") => FieldError::forbidden(field_path, detail),
        Some("FieldValueRequired") => FieldError::required_because(field_path, detail),
        Some("FieldValueDuplicate") => FieldError {
            path: field_path,
            kind: FieldErrorKind::Duplicate,
            value: Some(go_quote(&type_name)),
            detail: String::new(),
        },
        _ => FieldError {
            path: field_path,
            kind: FieldErrorKind::Invalid,
            value: Some(go_quote(&type_name)),
            detail,
        },
    };
    out.push(e);
}

/// The rule as error messages name it: its message when it has one, else
/// its expression.
fn rule_error_string(rule: &Rule) -> String {
    if rule.message.trim().is_empty() {
        rule.rule.trim().to_string()
    } else {
        rule.message.trim().to_string()
    }
}

/// A JSON value as a CEL value: objects are maps with string keys, whole
/// numbers are `int` (or `uint` past `i64`), others `double`.
pub fn to_cel(v: &Value) -> CelValue {
    match v {
        Value::Null => CelValue::Null,
        Value::Bool(b) => CelValue::Bool(*b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                CelValue::Int(i)
            } else if let Some(u) = n.as_u64() {
                CelValue::UInt(u)
            } else {
                CelValue::Float(n.as_f64().unwrap_or_default())
            }
        }
        Value::String(s) => CelValue::String(Arc::new(s.clone())),
        Value::Array(a) => CelValue::List(Arc::new(a.iter().map(to_cel).collect())),
        Value::Object(m) => {
            let map: HashMap<Key, CelValue> = m
                .iter()
                .map(|(k, v)| (Key::String(Arc::new(k.clone())), to_cel(v)))
                .collect();
            CelValue::from(map)
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema(v: Value) -> Schema {
        Schema::parse(&v).unwrap()
    }

    #[test]
    fn rules_are_found_at_any_depth() {
        assert!(!has_rules(&schema(
            json!({"type": "object", "properties": {"a": {"type": "string"}}})
        )));
        assert!(has_rules(&schema(
            json!({"type": "object", "properties": {"a": {"type": "array",
            "items": {"type": "string", "x-kubernetes-validations": [{"rule": "self != ''"}]}}}})
        )));
    }

    #[test]
    fn a_rule_on_a_field() {
        let s = schema(
            json!({"type": "object", "properties": {"spec": {"type": "object",
            "x-kubernetes-validations": [{"rule": "self.minReplicas <= self.replicas",
                                          "message": "replicas must be at least minReplicas"}],
            "properties": {"replicas": {"type": "integer"}, "minReplicas": {"type": "integer"}}}}}),
        );
        assert!(
            validate(
                &s,
                &json!({"spec": {"replicas": 3, "minReplicas": 1}}),
                None
            )
            .is_empty()
        );
        let e = validate(
            &s,
            &json!({"spec": {"replicas": 1, "minReplicas": 3}}),
            None,
        );
        assert_eq!(
            e[0].message(),
            r#"spec: Invalid value: "object": replicas must be at least minReplicas"#
        );
    }

    #[test]
    fn root_rules_default_message_reason_and_field_path() {
        let s = schema(json!({"type": "object", "x-kubernetes-validations": [
            {"rule": "self.metadata.name.startsWith('a')"},
            {"rule": "has(self.spec)", "reason": "FieldValueRequired", "fieldPath": ".spec", "message": "spec is required"},
            {"rule": "self.metadata.name != 'abc'", "reason": "FieldValueForbidden", "message": "not abc"}
        ]}));
        let e = validate(&s, &json!({"metadata": {"name": "abc"}}), None);
        let msgs: Vec<String> = e.iter().map(FieldError::message).collect();
        assert_eq!(
            msgs,
            vec![
                "spec: Required value: spec is required".to_string(),
                "<nil>: Forbidden: not abc".to_string(),
            ]
        );
        let e = validate(&s, &json!({"metadata": {"name": "b"}, "spec": {}}), None);
        assert_eq!(
            e[0].message(),
            r#"<nil>: Invalid value: "object": failed rule: self.metadata.name.startsWith('a')"#
        );
    }

    #[test]
    fn transition_rules_need_an_old_value() {
        let s = schema(
            json!({"type": "object", "properties": {"spec": {"type": "object", "properties": {
            "replicas": {"type": "integer", "x-kubernetes-validations": [
                {"rule": "self >= oldSelf", "message": "replicas may not decrease"}]}}}}}),
        );
        let old = json!({"spec": {"replicas": 3}});
        assert!(validate(&s, &json!({"spec": {"replicas": 4}}), Some(&old)).is_empty());
        let e = validate(&s, &json!({"spec": {"replicas": 2}}), Some(&old));
        assert_eq!(
            e[0].message(),
            r#"spec.replicas: Invalid value: "integer": replicas may not decrease"#
        );
        // No old value at this path (create, or the field was absent): skipped.
        assert!(validate(&s, &json!({"spec": {"replicas": 2}}), None).is_empty());
        assert!(
            validate(
                &s,
                &json!({"spec": {"replicas": 2}}),
                Some(&json!({"spec": {}}))
            )
            .is_empty()
        );
    }

    #[test]
    fn message_expression() {
        let s = schema(
            json!({"type": "object", "properties": {"spec": {"type": "object", "properties": {
            "replicas": {"type": "integer", "x-kubernetes-validations": [{
                "rule": "self <= 5",
                "message": "static",
                "messageExpression": "'replicas is ' + string(self) + ', at most 5 allowed'"}]}}}}}),
        );
        let e = validate(&s, &json!({"spec": {"replicas": 9}}), None);
        assert_eq!(
            e[0].message(),
            r#"spec.replicas: Invalid value: "integer": replicas is 9, at most 5 allowed"#
        );
    }

    #[test]
    fn kubernetes_libraries_and_macros() {
        let s = schema(
            json!({"type": "object", "properties": {"spec": {"type": "object", "properties": {
            "names": {"type": "array", "items": {"type": "string"}, "x-kubernetes-validations": [
                {"rule": "self.all(n, n.lowerAscii() == n)", "message": "names are lowercase"}]},
            "memory": {"type": "string", "x-kubernetes-validations": [
                {"rule": "quantity(self).isLessThan(quantity('1Gi'))", "message": "under 1Gi"}]}}}}}),
        );
        assert!(
            validate(
                &s,
                &json!({"spec": {"names": ["a"], "memory": "512Mi"}}),
                None
            )
            .is_empty()
        );
        let e = validate(
            &s,
            &json!({"spec": {"names": ["A"], "memory": "2Gi"}}),
            None,
        );
        assert_eq!(e.len(), 2, "{e:?}");
    }

    #[test]
    fn rules_that_do_not_compile_are_reported_like_kube_apiserver() {
        let raw = json!({"type": "object", "properties": {"spec": {"type": "object",
        "x-kubernetes-validations": [
            {"rule": "self.replicas <"},
            {"rule": "self.a == other.b", "message": "m"},
            {"rule": "self.items.all(i, i > 0)"}
        ]}}});
        let e = check_rules(&raw, "spec.versions[0].schema.openAPIV3Schema");
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(e[0].message().starts_with(
            "spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule: \
             Invalid value: apiextensions.ValidationRule{Rule:\"self.replicas <\", Message:\"\", \
             MessageExpression:\"\", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:\"\", \
             OptionalOldSelf:(*bool)(nil)}: compilation failed: ERROR: <input>:1:"
        ), "{}", e[0].message());
        assert!(
            e[1].message()
                .ends_with("compilation failed: ERROR: <input>: undeclared reference to 'other'"),
            "{}",
            e[1].message()
        );
    }
}
