//! The rewrite from a JSON Schema (draft 2020-12, as schemars 1.x writes it)
//! to a Kubernetes *structural* OpenAPI v3 schema.
//!
//! kube-apiserver accepts a CRD schema only when it is structural: every node
//! has a `type` (or `x-kubernetes-preserve-unknown-fields` /
//! `x-kubernetes-int-or-string`), there are no `$ref`s, and `oneOf` / `anyOf` /
//! `allOf` branches carry only value validations (`required`, `enum`, ...), not
//! their own `type` or `properties`. This module turns the generic forms into
//! those ones, node by node, and names the field path when a shape has no
//! structural equivalent.

use serde_json::{Map, Value, json};

/// Why a JSON Schema has no structural equivalent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{path}`: {reason}; {fix}")]
pub struct StructuralError {
    /// The field path, such as `spec.template.containers[*]`, or `<root>`.
    pub path: String,
    /// What cannot be expressed.
    pub reason: String,
    /// What to write instead.
    pub fix: &'static str,
}

/// How deep a generated schema may nest before it is taken for a recursive type.
const MAX_DEPTH: usize = 48;

/// Keywords a structural node may carry (`JSONSchemaProps` of apiextensions/v1);
/// anything else that schemars writes (`title`, `examples`, `readOnly`,
/// `deprecated`, `$schema`, `$comment`, ...) is dropped.
const KEPT: &[&str] = &[
    "description",
    "type",
    "format",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "multipleOf",
    "enum",
    "maxProperties",
    "minProperties",
    "required",
    "items",
    "properties",
    "additionalProperties",
    "nullable",
    "oneOf",
    "anyOf",
    "x-kubernetes-preserve-unknown-fields",
    "x-kubernetes-embedded-resource",
    "x-kubernetes-int-or-string",
    "x-kubernetes-list-map-keys",
    "x-kubernetes-list-type",
    "x-kubernetes-map-type",
    "x-kubernetes-validations",
];

/// Formats kube-apiserver knows (`k8s.io/kube-openapi`'s `strfmt` registry
/// and OpenAPI's numeric ones). Others, such as schemars' `uint32`, are
/// dropped: the `minimum`/`maximum` that schemars writes next to them carry
/// the range.
const FORMATS: &[&str] = &[
    "int32",
    "int64",
    "float",
    "double",
    "byte",
    "binary",
    "date",
    "date-time",
    "duration",
    "password",
    "email",
    "hostname",
    "ipv4",
    "ipv6",
    "cidr",
    "mac",
    "uri",
    "uuid",
    "uuid3",
    "uuid4",
    "uuid5",
    "isbn",
    "isbn10",
    "isbn13",
    "creditcard",
    "ssn",
    "hexcolor",
    "rgbcolor",
    "bsonobjectid",
];

/// Rewrites a schemars root schema (with `$defs`) into the structural schema
/// of a custom resource: references inlined, draft 2020-12 forms turned into
/// OpenAPI v3 ones, serde enum representations hoisted, and the root given
/// `apiVersion`, `kind` and a `metadata` left to the server.
///
/// # Errors
///
/// [`StructuralError`] names the field path of the first shape with no
/// structural form (a tuple, a recursive type, a field that is a string in
/// one case and an object in another, ...) and says what to write instead.
///
/// ```
/// use client_core::schema::resource_schema;
/// use serde_json::json;
///
/// let generated = json!({
///     "$schema": "https://json-schema.org/draft/2020-12/schema",
///     "title": "CronTab",
///     "type": "object",
///     "properties": {
///         "metadata": {"type": "object", "properties": {"name": {"type": ["string", "null"]}}},
///         "spec": {"$ref": "#/$defs/Spec"}
///     },
///     "required": ["metadata", "spec"],
///     "$defs": {"Spec": {"type": "object", "properties": {
///         "replicas": {"type": ["integer", "null"], "format": "int32", "exclusiveMinimum": 0}
///     }}}
/// });
/// assert_eq!(resource_schema(&generated).unwrap(), json!({
///     "type": "object",
///     "properties": {
///         "apiVersion": {"type": "string"},
///         "kind": {"type": "string"},
///         "metadata": {"type": "object"},
///         "spec": {"type": "object", "properties": {
///             "replicas": {"type": "integer", "format": "int32", "nullable": true,
///                          "minimum": 0, "exclusiveMinimum": true}
///         }}
///     },
///     "required": ["spec"]
/// }));
/// ```
pub fn resource_schema(root: &Value) -> Result<Value, StructuralError> {
    let mut out = structural(root)?;
    if let Some(obj) = out.as_object_mut() {
        let props = obj
            .entry("properties")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(props) = props.as_object_mut() {
            // Kubernetes owns these three: the server checks metadata itself
            // and allows a CRD schema to restrict only name and generateName.
            props.insert("apiVersion".into(), json!({"type": "string"}));
            props.insert("kind".into(), json!({"type": "string"}));
            props.insert("metadata".into(), json!({"type": "object"}));
        }
        if let Some(Value::Array(req)) = obj.get_mut("required") {
            req.retain(|r| !matches!(r.as_str(), Some("apiVersion" | "kind" | "metadata")));
            if req.is_empty() {
                obj.remove("required");
            }
        }
        obj.remove("nullable");
    }
    Ok(out)
}

/// Rewrites any schemars schema (root with `$defs`, or a lone node) into a
/// structural one, with no special handling of the root.
///
/// # Errors
///
/// As [`resource_schema`].
pub fn structural(root: &Value) -> Result<Value, StructuralError> {
    let defs = root
        .get("$defs")
        .or_else(|| root.get("definitions"))
        .and_then(Value::as_object);
    let root_name = root
        .get("title")
        .and_then(Value::as_str)
        .unwrap_or("the root")
        .to_owned();
    let rw = Rewriter {
        defs,
        root: Some(root),
        root_name: root_name.clone(),
    };
    rw.node(root, &Path::root(), &mut vec![root_name])
}

/// A field path as kube-apiserver prints it (`spec.items[*].name`).
#[derive(Clone)]
struct Path(String);

impl Path {
    fn root() -> Self {
        Self(String::new())
    }
    fn field(&self, name: &str) -> Self {
        if self.0.is_empty() {
            Self(name.to_owned())
        } else {
            Self(format!("{}.{name}", self.0))
        }
    }
    fn suffix(&self, s: &str) -> Self {
        Self(format!("{}{s}", self.0))
    }
    fn show(&self) -> String {
        if self.0.is_empty() {
            "<root>".to_owned()
        } else {
            self.0.clone()
        }
    }
    fn err(&self, reason: impl Into<String>, fix: &'static str) -> StructuralError {
        StructuralError {
            path: self.show(),
            reason: reason.into(),
            fix,
        }
    }
}

/// What `"$ref": "#"` (the root type, from inside itself) resolves to.
const ROOT_REF: &str = "#";

struct Rewriter<'a> {
    defs: Option<&'a Map<String, Value>>,
    root: Option<&'a Value>,
    root_name: String,
}

impl Rewriter<'_> {
    /// Resolves `$ref` chains, merging the referring node's own keywords
    /// (description, default, validations) over the referenced schema.
    fn resolve(
        &self,
        v: &Value,
        path: &Path,
        stack: &mut Vec<String>,
    ) -> Result<(Map<String, Value>, usize), StructuralError> {
        let mut pushed = 0;
        let mut cur = match v {
            Value::Bool(true) => Map::new(),
            Value::Bool(false) => {
                return Err(path.err(
                    "the schema `false` accepts no value",
                    "remove the field or give it a type",
                ));
            }
            Value::Object(m) => m.clone(),
            _ => {
                return Err(path.err(
                    "a schema must be an object",
                    "check the `#[schemars(..)]` attributes",
                ));
            }
        };
        while let Some(r) = cur.remove("$ref") {
            let name = r
                .as_str()
                .and_then(|s| {
                    if s == "#" {
                        return Some(ROOT_REF);
                    }
                    s.strip_prefix("#/$defs/")
                        .or_else(|| s.strip_prefix("#/definitions/"))
                })
                .map(str::to_owned)
                .ok_or_else(|| {
                    path.err(
                        format!("the reference {r} is not to a local definition"),
                        "keep schemars' default settings, which put definitions in `$defs`",
                    )
                })?;
            let target = if name == ROOT_REF {
                self.root
            } else {
                self.defs.and_then(|d| d.get(&name))
            };
            let name = if name == ROOT_REF {
                self.root_name.clone()
            } else {
                name
            };
            if stack.contains(&name) {
                return Err(path.err(
                    format!("the type `{name}` contains itself"),
                    "a structural schema is finite: break the cycle with a \
                     `serde_json::Value` field (kept with x-kubernetes-preserve-unknown-fields) \
                     or a bounded nesting of distinct types",
                ));
            }
            let target = target.ok_or_else(|| {
                path.err(
                    format!("the definition `{name}` is missing"),
                    "generate the schema with its `$defs`",
                )
            })?;
            let mut base = match target {
                Value::Object(m) => m.clone(),
                Value::Bool(true) => Map::new(),
                _ => {
                    return Err(path.err(
                        format!("the definition `{name}` is not a schema object"),
                        "check the type's `JsonSchema` implementation",
                    ));
                }
            };
            for (k, val) in cur {
                base.insert(k, val);
            }
            cur = base;
            stack.push(name);
            pushed += 1;
        }
        Ok((cur, pushed))
    }

    fn node(
        &self,
        v: &Value,
        path: &Path,
        stack: &mut Vec<String>,
    ) -> Result<Value, StructuralError> {
        if stack.len() > MAX_DEPTH {
            return Err(path.err(
                "the schema nests too deep",
                "a structural schema is finite: flatten the types",
            ));
        }
        let (m, pushed) = self.resolve(v, path, stack)?;
        let out = self.object(m, path, stack);
        stack.truncate(stack.len() - pushed);
        out
    }

    fn object(
        &self,
        mut m: Map<String, Value>,
        path: &Path,
        stack: &mut Vec<String>,
    ) -> Result<Value, StructuralError> {
        let mut nullable = m.remove("nullable").and_then(|n| n.as_bool()) == Some(true);

        // `anyOf: [X, {type: null}]` is how schemars writes `Option<X>` when X
        // is a reference: X itself, nullable.
        for key in ["anyOf", "oneOf"] {
            if let Some(Value::Array(branches)) = m.get(key)
                && branches.len() == 2
                && let Some(i) = branches.iter().position(is_null_schema)
            {
                let other = branches[1 - i].clone();
                m.remove(key);
                let (inner, pushed) = self.resolve(&other, path, stack)?;
                let mut merged = inner;
                for (k, val) in m {
                    merged.insert(k, val);
                }
                let mut out = self.object(merged, path, stack)?;
                stack.truncate(stack.len() - pushed);
                set_nullable(&mut out);
                return Ok(out);
            }
        }

        // `type: [T, "null"]` -> `type: T, nullable: true`.
        if let Some(Value::Array(types)) = m.get("type") {
            let mut rest: Vec<&Value> = types
                .iter()
                .filter(|t| t.as_str() != Some("null"))
                .collect();
            nullable |= rest.len() != types.len();
            match rest.len() {
                0 => {
                    m.remove("type");
                }
                1 => {
                    let t = rest.remove(0).clone();
                    m.insert("type".into(), t);
                }
                _ => {
                    let shown: Vec<String> = rest.iter().map(|t| t.to_string()).collect();
                    if is_int_or_string_types(&rest) {
                        m.remove("type");
                        m.insert("x-kubernetes-int-or-string".into(), Value::Bool(true));
                    } else {
                        return Err(path.err(
                            format!("a field may have only one type, not {}", shown.join(", ")),
                            "use one type, or a `serde_json::Value` kept with \
                             x-kubernetes-preserve-unknown-fields",
                        ));
                    }
                }
            }
        }
        if m.get("type").and_then(Value::as_str) == Some("null") {
            return Err(path.err(
                "a field that is always null cannot be structural",
                "remove the field, or make it `Option<T>` of a real type",
            ));
        }

        // `const` -> a one-value `enum`.
        if let Some(c) = m.remove("const") {
            m.insert("enum".into(), Value::Array(vec![c]));
        }
        // Draft 2020-12's numeric `exclusiveMinimum: n` -> `minimum: n, exclusiveMinimum: true`.
        for (excl, bound) in [
            ("exclusiveMinimum", "minimum"),
            ("exclusiveMaximum", "maximum"),
        ] {
            if let Some(n) = m.get(excl).filter(|n| n.is_number()).cloned() {
                m.insert(bound.into(), n);
                m.insert(excl.into(), Value::Bool(true));
            }
        }
        if let Some(f) = m.get("format").and_then(Value::as_str)
            && !FORMATS.contains(&f)
        {
            m.remove("format");
        }
        if m.contains_key("prefixItems") || m.get("items").is_some_and(Value::is_array) {
            return Err(path.err(
                "a tuple's items have different schemas",
                "a structural list has one item schema: use a struct with named fields, or a Vec",
            ));
        }

        // allOf: merge every branch into this node (schemars writes it for
        // some flattened shapes).
        if let Some(Value::Array(all)) = m.remove("allOf") {
            for b in &all {
                let (bm, pushed) = self.resolve(b, path, stack)?;
                merge_object(&mut m, bm, path)?;
                stack.truncate(stack.len() - pushed);
            }
        }

        // Enums: oneOf / anyOf of unit variants, or object variants to hoist.
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(branches)) = m.remove(key) {
                self.variants(&mut m, key, &branches, path, stack)?;
            }
        }
        if m.contains_key("not") {
            return Err(path.err(
                "`not` is not supported by this rewrite",
                "express the rule as an x-kubernetes-validations CEL rule",
            ));
        }

        let mut out = Map::new();
        if let Some(Value::Object(props)) = m.remove("properties") {
            let mut p = Map::new();
            for (name, s) in &props {
                p.insert(name.clone(), self.node(s, &path.field(name), stack)?);
            }
            out.insert("properties".into(), Value::Object(p));
        }
        if let Some(items) = m.remove("items") {
            out.insert(
                "items".into(),
                self.node(&items, &path.suffix("[*]"), stack)?,
            );
        }
        match m.remove("additionalProperties") {
            // `additionalProperties: false` (serde's deny_unknown_fields,
            // externally tagged variants) is what pruning already does.
            None | Some(Value::Bool(false)) => {}
            Some(ap) if is_any(&ap) => {
                out.insert(
                    "x-kubernetes-preserve-unknown-fields".into(),
                    Value::Bool(true),
                );
            }
            Some(ap) => {
                if out.contains_key("properties") {
                    return Err(path.err(
                        "a struct with a flattened map has both properties and additionalProperties",
                        "kube-apiserver forbids both on one object: put the map in a field of its own",
                    ));
                }
                let s = self.node(&ap, &path.suffix("[*]"), stack)?;
                out.insert("additionalProperties".into(), s);
            }
        }
        if m.remove("patternProperties").is_some() {
            return Err(path.err(
                "patternProperties is not structural",
                "use a map (additionalProperties) and a CEL rule on its keys",
            ));
        }
        // kube-apiserver refuses `uniqueItems: true` (quadratic to check);
        // a list of unique scalars is `x-kubernetes-list-type: set`, as
        // controller-gen's `+listType=set` writes it.
        if m.remove("uniqueItems") == Some(Value::Bool(true))
            && !m.contains_key("x-kubernetes-list-type")
            && out.get("items").is_some_and(is_scalar_schema)
        {
            out.insert("x-kubernetes-list-type".into(), json!("set"));
        }
        for (k, val) in m {
            if KEPT.contains(&k.as_str()) {
                out.insert(k, val);
            }
        }

        // A schema with no constraint at all (`serde_json::Value`, `true`, `{}`).
        let has_type = out.contains_key("type");
        let int_or_string = out.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true));
        let preserve = out.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true));
        if !has_type && !int_or_string {
            if out.contains_key("properties") || out.contains_key("additionalProperties") {
                out.insert("type".into(), json!("object"));
            } else if out.contains_key("items") {
                out.insert("type".into(), json!("array"));
            } else if let Some(t) = enum_type(out.get("enum")) {
                out.insert("type".into(), json!(t));
            } else if !preserve {
                out.insert(
                    "x-kubernetes-preserve-unknown-fields".into(),
                    Value::Bool(true),
                );
            }
        }
        if nullable {
            out.insert("nullable".into(), Value::Bool(true));
        } else if out.get("default") == Some(&Value::Null) {
            // `#[serde(default)]` on a `serde_json::Value`: a null default
            // that a non-nullable field would refuse.
            out.remove("default");
        }
        Ok(Value::Object(out))
    }

    /// Folds `oneOf`/`anyOf` branches into `m`: unit variants become one
    /// `enum`; object variants are hoisted (their properties merged into
    /// `m`, each branch keeping only its `required`); an integer-or-string
    /// pair becomes `x-kubernetes-int-or-string`.
    fn variants(
        &self,
        m: &mut Map<String, Value>,
        key: &str,
        branches: &[Value],
        path: &Path,
        stack: &mut Vec<String>,
    ) -> Result<(), StructuralError> {
        let mut resolved = Vec::with_capacity(branches.len());
        for b in branches {
            let (bm, pushed) = self.resolve(b, path, stack)?;
            stack.truncate(stack.len() - pushed);
            resolved.push(bm);
        }
        let ty = |b: &Map<String, Value>| -> Option<String> {
            match b.get("type") {
                Some(Value::String(s)) => Some(s.clone()),
                None if b.contains_key("properties") => Some("object".into()),
                None => b.get("enum").or(b.get("const")).and_then(|e| {
                    enum_type(Some(&match e {
                        Value::Array(_) => e.clone(),
                        other => Value::Array(vec![other.clone()]),
                    }))
                    .map(str::to_owned)
                }),
                _ => None,
            }
        };
        let types: Vec<Option<String>> = resolved.iter().map(ty).collect();

        // All scalars with fixed values: one `enum` (unit variants).
        let all_values = resolved
            .iter()
            .all(|b| b.contains_key("enum") || b.contains_key("const"));
        if all_values {
            let mut values = Vec::new();
            for b in &resolved {
                match (b.get("enum"), b.get("const")) {
                    (Some(Value::Array(e)), _) => values.extend(e.iter().cloned()),
                    (_, Some(c)) => values.push(c.clone()),
                    _ => {}
                }
            }
            let first = types.first().cloned().flatten();
            if types.iter().any(|t| *t != first) || first.is_none() {
                return Err(path.err(
                    "an enum's values have different types",
                    "give every variant the same representation (all strings)",
                ));
            }
            if let Some(t) = first {
                m.entry("type").or_insert(Value::String(t));
            }
            m.insert("enum".into(), Value::Array(values));
            return Ok(());
        }

        let names: Vec<&str> = types.iter().map(|t| t.as_deref().unwrap_or("?")).collect();
        if names.len() == 2 && names.contains(&"integer") && names.contains(&"string") {
            m.insert("x-kubernetes-int-or-string".into(), Value::Bool(true));
            return Ok(());
        }
        if names.iter().all(|t| *t == "object") {
            let mut props = match m.remove("properties") {
                Some(Value::Object(p)) => p,
                _ => Map::new(),
            };
            let mut kept = Vec::new();
            for b in resolved {
                if let Some(Value::Object(bp)) = b.get("properties") {
                    for (name, s) in bp {
                        merge_property(&mut props, name, s, &path.field(name))?;
                    }
                }
                if let Some(Value::Object(_)) = b.get("additionalProperties") {
                    return Err(path.err(
                        "a variant holds a map",
                        "put the map in a named field of the variant",
                    ));
                }
                let mut branch = Map::new();
                if let Some(r) = b.get("required") {
                    branch.insert("required".into(), r.clone());
                }
                // A tag's value tells the variants apart: keep it in the
                // branch as a value validation (`enum`, no type).
                if let Some(Value::Object(bp)) = b.get("properties") {
                    let tags: Map<String, Value> = bp
                        .iter()
                        .filter_map(|(name, s)| {
                            let v = s.get("const").cloned().or_else(|| {
                                s.get("enum")
                                    .and_then(Value::as_array)
                                    .filter(|e| e.len() == 1)
                                    .and_then(|e| e.first().cloned())
                            })?;
                            Some((name.clone(), json!({"enum": [v]})))
                        })
                        .collect();
                    if !tags.is_empty() {
                        branch.insert("properties".into(), Value::Object(tags));
                    }
                }
                kept.push(Value::Object(branch));
            }
            m.insert("type".into(), json!("object"));
            m.insert("properties".into(), Value::Object(props));
            // Branches with no `required` accept anything: keep the choice
            // only when every branch says something.
            if kept
                .iter()
                .all(|b| b.as_object().is_some_and(|o| !o.is_empty()))
            {
                m.insert(key.into(), Value::Array(kept));
            }
            return Ok(());
        }
        if names.contains(&"object") && names.iter().any(|t| *t != "object") {
            return Err(path.err(
                format!(
                    "the variants are of different kinds ({}): a unit variant is a string, \
                     a variant with data is an object",
                    names.join(", ")
                ),
                "use an internally tagged enum, #[serde(tag = \"type\")], whose unit \
                 variants are objects too, or give every variant data",
            ));
        }
        Err(path.err(
            format!(
                "a field that may be any of {} has no structural form",
                names.join(", ")
            ),
            "use one type, an integer-or-string, or a `serde_json::Value`",
        ))
    }
}

/// Merges a hoisted variant property into `props`: equal schemas once,
/// tag values (one-value `enum`s / `const`s) into one `enum`.
fn merge_property(
    props: &mut Map<String, Value>,
    name: &str,
    s: &Value,
    path: &Path,
) -> Result<(), StructuralError> {
    let Some(existing) = props.get_mut(name) else {
        props.insert(name.to_owned(), s.clone());
        return Ok(());
    };
    if existing == s {
        return Ok(());
    }
    let values = |v: &Value| -> Option<Vec<Value>> {
        v.get("const")
            .map(|c| vec![c.clone()])
            .or_else(|| v.get("enum").and_then(Value::as_array).cloned())
    };
    if let (Some(mut a), Some(b)) = (values(existing), values(s)) {
        for v in b {
            if !a.contains(&v) {
                a.push(v);
            }
        }
        if let Some(e) = existing.as_object_mut() {
            e.remove("const");
            e.remove("description");
            e.insert("enum".into(), Value::Array(a));
        }
        return Ok(());
    }
    // Two object shapes (adjacently tagged content): one object with the
    // union of their fields; what each variant requires is no longer checked
    // below this field.
    if existing.get("type") == Some(&json!("object"))
        && s.get("type") == Some(&json!("object"))
        && let (Some(e), Some(Value::Object(sp))) = (existing.as_object_mut(), s.get("properties"))
    {
        e.remove("required");
        e.remove("description");
        let ep = e
            .entry("properties")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(ep) = ep.as_object_mut() {
            for (n, sub) in sp {
                merge_property(ep, n, sub, &path.field(n))?;
            }
        }
        return Ok(());
    }
    let strip = |v: &Value| {
        let mut v = v.clone();
        if let Some(o) = v.as_object_mut() {
            o.remove("description");
        }
        v
    };
    if strip(existing) == strip(s) {
        return Ok(());
    }
    Err(path.err(
        "two variants give this field different schemas",
        "a structural object has one schema per field: rename the field in one variant",
    ))
}

fn merge_object(
    into: &mut Map<String, Value>,
    from: Map<String, Value>,
    path: &Path,
) -> Result<(), StructuralError> {
    for (k, v) in from {
        match (k.as_str(), into.get_mut(&k)) {
            ("properties", Some(Value::Object(p))) => {
                if let Value::Object(fp) = v {
                    for (name, s) in fp {
                        merge_property(p, &name, &s, &path.field(&name))?;
                    }
                }
            }
            ("required", Some(Value::Array(r))) => {
                if let Value::Array(fr) = v {
                    for x in fr {
                        if !r.contains(&x) {
                            r.push(x);
                        }
                    }
                }
            }
            (_, Some(_)) => {}
            (_, None) => {
                into.insert(k, v);
            }
        }
    }
    Ok(())
}

/// A rewritten item schema of a scalar type (a `set` list needs scalars).
fn is_scalar_schema(v: &Value) -> bool {
    matches!(
        v.get("type").and_then(Value::as_str),
        Some("string" | "integer" | "number" | "boolean")
    )
}

fn is_null_schema(v: &Value) -> bool {
    v.get("type").and_then(Value::as_str) == Some("null")
        || v.get("enum") == Some(&json!([null]))
        || v.get("const") == Some(&Value::Null)
}

/// `true`, `{}`, or a schema with only a description: any value.
fn is_any(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::Object(o) => o.keys().all(|k| k == "description"),
        _ => false,
    }
}

fn is_int_or_string_types(types: &[&Value]) -> bool {
    types.len() == 2
        && types.iter().any(|t| t.as_str() == Some("integer"))
        && types.iter().any(|t| t.as_str() == Some("string"))
}

fn set_nullable(v: &mut Value) {
    if let Some(o) = v.as_object_mut() {
        o.insert("nullable".into(), Value::Bool(true));
    }
}

/// The one JSON type of an `enum`'s values, if they share one.
fn enum_type(e: Option<&Value>) -> Option<&'static str> {
    let values = e?.as_array()?;
    let mut t = None;
    for v in values {
        let this = match v {
            Value::String(_) => "string",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
            Value::Number(_) => "number",
            Value::Object(_) => "object",
            Value::Array(_) => "array",
            Value::Null => continue,
        };
        match t {
            None => t = Some(this),
            Some(prev) if prev == this => {}
            Some(_) => return None,
        }
    }
    t
}
