//! Golden tests: the structural schema `crd()` generates from Rust types
//! through schemars, compared with schemas written by hand from the
//! Kubernetes documentation (CRD "Specifying a structural schema",
//! "Defaulting", "Validation rules", `metav1.Condition`).

use std::collections::BTreeMap;

use client_core::ObjectMeta;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// The root schema of `K`'s only (or first) version.
fn schema_of(crd: &client_core::api::CustomResourceDefinition) -> Value {
    crd.spec.versions[0]
        .schema
        .as_ref()
        .and_then(|s| s.open_api_v3_schema.clone())
        .unwrap_or_default()
}

/// A `spec` type's schema alone (the rewrite of one type, as a field).
fn field_schema<T: JsonSchema>() -> Value {
    client_core::schema::structural(&client_core::schema::json_schema::<T>())
        .unwrap_or_else(|e| json!({"error": e.to_string()}))
}

#[derive(client_core::Resource, JsonSchema, Serialize, Deserialize)]
#[resource(
    group = "stable.example.com",
    version = "v1",
    short_names("ct"),
    status,
    schema
)]
struct CronTab {
    metadata: ObjectMeta,
    spec: CronTabSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<CronTabStatus>,
}

/// The desired schedule.
#[derive(JsonSchema, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CronTabSpec {
    /// The cron schedule, such as `*/5 * * * *`.
    cron_spec: String,
    /// The container image to run.
    #[serde(default = "default_image")]
    image: String,
    /// How many copies run at once.
    #[schemars(range(min = 1, max = 10))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    replicas: Option<i32>,
}

fn default_image() -> String {
    "busybox".into()
}

/// What the controller saw.
#[derive(JsonSchema, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CronTabStatus {
    /// The number of running copies.
    replicas: i32,
    /// The last time the job ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_schedule_time: Option<String>,
}

#[test]
fn crontab_schema_matches_the_kubernetes_docs() {
    let crd = CronTab::crd().unwrap_or_default();
    // As the CRD walkthrough writes it, plus what a Rust `Option` and a
    // serde default say: nullable, `default`, and `required` from the
    // non-optional fields.
    let expected = json!({
        "type": "object",
        "properties": {
            "apiVersion": {"type": "string"},
            "kind": {"type": "string"},
            "metadata": {"type": "object"},
            "spec": {
                "type": "object",
                "description": "The desired schedule.",
                "properties": {
                    "cronSpec": {"type": "string", "description": "The cron schedule, such as `*/5 * * * *`."},
                    "image": {"type": "string", "description": "The container image to run.", "default": "busybox"},
                    "replicas": {
                        "type": "integer", "format": "int32", "minimum": 1, "maximum": 10,
                        "nullable": true, "description": "How many copies run at once."
                    }
                },
                "required": ["cronSpec"]
            },
            "status": {
                "type": "object",
                "description": "What the controller saw.",
                "nullable": true,
                "properties": {
                    "replicas": {"type": "integer", "format": "int32", "description": "The number of running copies."},
                    "lastScheduleTime": {"type": "string", "nullable": true, "description": "The last time the job ran."}
                },
                "required": ["replicas"]
            }
        },
        "required": ["spec"]
    });
    assert_eq!(schema_of(&crd), expected);
    assert_eq!(crd.spec.versions.len(), 1);
    assert!(crd.spec.versions[0].storage && crd.spec.versions[0].served);
}

#[test]
fn crd_yaml_is_a_manifest_kubectl_applies() {
    let yaml = CronTab::crd_yaml().unwrap_or_default();
    assert!(
        yaml.starts_with("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"),
        "{yaml}"
    );
    let back: Value = serde_yaml_ng::from_str(&yaml).unwrap_or_default();
    assert_eq!(back["metadata"]["name"], "crontabs.stable.example.com");
    assert_eq!(
        back["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["required"],
        json!(["cronSpec"])
    );
}

// Nested optional structs: each level nullable, inlined (no `$ref`).
#[derive(JsonSchema, Serialize, Deserialize)]
struct Outer {
    middle: Option<Middle>,
}
/// The middle level.
#[derive(JsonSchema, Serialize, Deserialize)]
struct Middle {
    inner: Option<Inner>,
    names: Vec<Inner>,
}
#[derive(JsonSchema, Serialize, Deserialize)]
struct Inner {
    value: Option<u16>,
}

#[test]
fn nested_optional_structs_are_inlined_and_nullable() {
    let inner = json!({
        "type": "object",
        "properties": {"value": {"type": "integer", "minimum": 0, "maximum": 65535, "nullable": true}}
    });
    assert_eq!(
        field_schema::<Outer>(),
        json!({
            "type": "object",
            "properties": {"middle": {
                "type": "object",
                "description": "The middle level.",
                "nullable": true,
                "properties": {
                    "inner": {
                        "type": "object", "nullable": true,
                        "properties": {"value": {"type": "integer", "minimum": 0, "maximum": 65535, "nullable": true}}
                    },
                    "names": {"type": "array", "items": inner}
                },
                "required": ["names"]
            }}
        })
    );
}

// `metav1.Condition`, field for field.
#[derive(JsonSchema, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Condition {
    /// type of condition in CamelCase or in foo.example.com/CamelCase.
    #[schemars(
        length(max = 316),
        regex(
            pattern = r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$"
        )
    )]
    #[serde(rename = "type")]
    type_: String,
    /// status of the condition, one of True, False, Unknown.
    status: ConditionStatus,
    /// observedGeneration represents the .metadata.generation that the condition was set based upon.
    #[schemars(range(min = 0))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    observed_generation: Option<i64>,
    /// lastTransitionTime is the last time the condition transitioned from one status to another.
    #[schemars(extend("format" = "date-time"))]
    last_transition_time: String,
    /// reason contains a programmatic identifier indicating the reason for the condition's last transition.
    #[schemars(
        length(min = 1, max = 1024),
        regex(pattern = r"^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$")
    )]
    reason: String,
    /// message is a human readable message indicating details about the transition.
    #[schemars(length(max = 32768))]
    message: String,
}

#[derive(JsonSchema, Serialize, Deserialize)]
enum ConditionStatus {
    True,
    False,
    Unknown,
}

#[derive(JsonSchema, Serialize, Deserialize)]
struct WithConditions {
    /// Conditions, one per type.
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["type"]))]
    #[serde(default)]
    conditions: Vec<Condition>,
}

#[test]
fn conditions_match_metav1_condition() {
    // metav1.Condition as controller-gen writes it into a CRD (the markers of
    // apimachinery's types.go), with the list keyed by `type`.
    let condition = json!({
        "type": "object",
        "properties": {
            "type": {
                "type": "string", "maxLength": 316,
                "pattern": r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$",
                "description": "type of condition in CamelCase or in foo.example.com/CamelCase."
            },
            "status": {"type": "string", "enum": ["True", "False", "Unknown"],
                       "description": "status of the condition, one of True, False, Unknown."},
            "observedGeneration": {"type": "integer", "format": "int64", "minimum": 0, "nullable": true,
                "description": "observedGeneration represents the .metadata.generation that the condition was set based upon."},
            "lastTransitionTime": {"type": "string", "format": "date-time",
                "description": "lastTransitionTime is the last time the condition transitioned from one status to another."},
            "reason": {"type": "string", "minLength": 1, "maxLength": 1024,
                "pattern": "^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$",
                "description": "reason contains a programmatic identifier indicating the reason for the condition's last transition."},
            "message": {"type": "string", "maxLength": 32768,
                "description": "message is a human readable message indicating details about the transition."}
        },
        "required": ["type", "status", "lastTransitionTime", "reason", "message"]
    });
    assert_eq!(
        field_schema::<WithConditions>(),
        json!({
            "type": "object",
            "properties": {"conditions": {
                "type": "array",
                "description": "Conditions, one per type.",
                "default": [],
                "items": condition,
                "x-kubernetes-list-type": "map",
                "x-kubernetes-list-map-keys": ["type"]
            }}
        })
    );
}

// `intstr.IntOrString`: serde's untagged integer-or-string.
#[derive(JsonSchema, Serialize, Deserialize)]
#[serde(untagged)]
enum IntOrString {
    Int(i32),
    String(String),
}

#[derive(JsonSchema, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Rollout {
    /// At most this many (or this percentage) unavailable.
    max_unavailable: Option<IntOrString>,
    port: IntOrString,
}

#[test]
fn int_or_string() {
    assert_eq!(
        field_schema::<Rollout>(),
        json!({
            "type": "object",
            "properties": {
                "maxUnavailable": {"x-kubernetes-int-or-string": true, "nullable": true,
                    "description": "At most this many (or this percentage) unavailable."},
                "port": {"x-kubernetes-int-or-string": true}
            },
            "required": ["port"]
        })
    );
}

#[derive(JsonSchema, Serialize, Deserialize)]
struct Maps {
    labels: BTreeMap<String, String>,
    /// Anything at all.
    raw: Value,
    extra: BTreeMap<String, Value>,
    counts: Option<BTreeMap<String, u8>>,
}

#[test]
fn free_form_maps_preserve_unknown_fields() {
    assert_eq!(
        field_schema::<Maps>(),
        json!({
            "type": "object",
            "properties": {
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                "raw": {"description": "Anything at all.", "x-kubernetes-preserve-unknown-fields": true},
                "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                "counts": {"type": "object", "nullable": true,
                    "additionalProperties": {"type": "integer", "minimum": 0, "maximum": 255}}
            },
            "required": ["labels", "raw", "extra"]
        })
    );
}

/// How a backup is stored.
#[derive(JsonSchema, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
enum Internal {
    S3 { bucket: String },
    Pvc { claim: String, size: Option<String> },
    None,
}

#[derive(JsonSchema, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
enum External {
    S3 { bucket: String },
    Pvc(String),
}

#[derive(JsonSchema, Serialize, Deserialize)]
#[serde(tag = "kind", content = "config")]
enum Adjacent {
    Http { url: String },
    Tcp { port: u16 },
}

#[derive(JsonSchema, Serialize, Deserialize)]
#[serde(untagged)]
enum Untagged {
    ByName { name: String },
    BySelector { selector: BTreeMap<String, String> },
}

#[derive(JsonSchema, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Policy {
    /// Run alongside.
    Allow,
    Forbid,
    Replace,
}

#[derive(JsonSchema, Serialize, Deserialize)]
struct Enums {
    internal: Internal,
    external: External,
    adjacent: Adjacent,
    untagged: Untagged,
    policy: Option<Policy>,
}

#[test]
fn serde_enum_representations_are_hoisted() {
    let got = field_schema::<Enums>();
    let p = &got["properties"];
    // Internally tagged: every variant's fields in one object, the tag an
    // enum, each branch only `required`.
    assert_eq!(
        p["internal"],
        json!({
            "type": "object",
            "description": "How a backup is stored.",
            "properties": {
                "type": {"type": "string", "enum": ["s3", "pvc", "none"]},
                "bucket": {"type": "string"},
                "claim": {"type": "string"},
                "size": {"type": "string", "nullable": true}
            },
            "oneOf": [
                {"required": ["type", "bucket"], "properties": {"type": {"enum": ["s3"]}}},
                {"required": ["type", "claim"], "properties": {"type": {"enum": ["pvc"]}}},
                {"required": ["type"], "properties": {"type": {"enum": ["none"]}}}
            ]
        })
    );
    // Externally tagged (data variants): one property per variant.
    assert_eq!(
        p["external"],
        json!({
            "type": "object",
            "properties": {
                "s3": {"type": "object", "properties": {"bucket": {"type": "string"}}, "required": ["bucket"]},
                "pvc": {"type": "string"}
            },
            "oneOf": [{"required": ["s3"]}, {"required": ["pvc"]}]
        })
    );
    // Adjacently tagged: the tag an enum, the content one object with every
    // variant's fields.
    assert_eq!(
        p["adjacent"],
        json!({
            "type": "object",
            "properties": {
                "kind": {"type": "string", "enum": ["Http", "Tcp"]},
                "config": {"type": "object", "properties": {
                    "url": {"type": "string"},
                    "port": {"type": "integer", "minimum": 0, "maximum": 65535}
                }}
            },
            "oneOf": [
                {"required": ["kind", "config"], "properties": {"kind": {"enum": ["Http"]}}},
                {"required": ["kind", "config"], "properties": {"kind": {"enum": ["Tcp"]}}}
            ]
        })
    );
    // Untagged: hoisted, the choice by `required` (anyOf, as serde tries each).
    assert_eq!(
        p["untagged"],
        json!({
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "selector": {"type": "object", "additionalProperties": {"type": "string"}}
            },
            "anyOf": [{"required": ["name"]}, {"required": ["selector"]}]
        })
    );
    // Unit variants: a string enum (schemars lists a variant with a doc
    // comment after the plain ones; the order carries no meaning).
    assert_eq!(
        p["policy"],
        json!({"type": "string", "enum": ["forbid", "replace", "allow"], "nullable": true})
    );
}

#[derive(JsonSchema, Serialize, Deserialize)]
struct Flattened {
    name: String,
    #[serde(flatten)]
    common: Common,
}
#[derive(JsonSchema, Serialize, Deserialize)]
struct Common {
    /// Shared by several specs.
    suspend: bool,
}

#[test]
fn flattened_fields_are_hoisted() {
    assert_eq!(
        field_schema::<Flattened>(),
        json!({
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "suspend": {"type": "boolean", "description": "Shared by several specs."}
            },
            "required": ["name", "suspend"]
        })
    );
}

#[derive(JsonSchema, Serialize, Deserialize)]
struct Bounds {
    /// Strictly positive.
    #[schemars(extend("exclusiveMinimum" = 0))]
    ratio: f64,
    tags: std::collections::BTreeSet<String>,
    #[schemars(extend("x-kubernetes-map-type" = "atomic"))]
    selector: BTreeMap<String, String>,
}

#[test]
fn exclusive_bounds_sets_and_atomic_maps() {
    assert_eq!(
        field_schema::<Bounds>(),
        json!({
            "type": "object",
            "properties": {
                "ratio": {"type": "number", "format": "double", "minimum": 0, "exclusiveMinimum": true,
                          "description": "Strictly positive."},
                "tags": {"type": "array", "items": {"type": "string"}, "x-kubernetes-list-type": "set"},
                "selector": {"type": "object", "additionalProperties": {"type": "string"},
                             "x-kubernetes-map-type": "atomic"}
            },
            "required": ["ratio", "tags", "selector"]
        })
    );
}

// Shapes with no structural form fail with the field path and a fix.
#[derive(JsonSchema, Serialize, Deserialize)]
struct Bad {
    spec: BadSpec,
}
#[derive(JsonSchema, Serialize, Deserialize)]
struct BadSpec {
    items: Vec<Mixed>,
}
#[derive(JsonSchema, Serialize, Deserialize)]
enum Mixed {
    Unit,
    Data { x: i32 },
}

#[derive(JsonSchema, Serialize, Deserialize)]
struct Tree {
    children: Vec<Tree>,
}

#[derive(JsonSchema, Serialize, Deserialize)]
struct Pair {
    pair: (i32, String),
}

#[test]
fn unstructural_shapes_name_the_field_path() {
    let err = |v: Value| {
        client_core::schema::structural(&v)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    let e = err(client_core::schema::json_schema::<Bad>());
    assert!(
        e.starts_with("`spec.items[*]`: the variants are of different kinds"),
        "{e}"
    );
    assert!(e.contains("#[serde(tag = \"type\")]"), "{e}");
    let e = err(client_core::schema::json_schema::<Tree>());
    assert!(
        e.starts_with("`children[*]`: the type `Tree` contains itself"),
        "{e}"
    );
    let e = err(client_core::schema::json_schema::<Pair>());
    assert!(
        e.starts_with("`pair`: a tuple's items have different schemas"),
        "{e}"
    );
}

/// A workload that embeds a k8s-openapi `PodTemplateSpec`, as operators'
/// CRDs do (k8s-openapi's `schemars` feature gives it a schema).
#[derive(client_core::Resource, JsonSchema, Serialize, Deserialize)]
#[resource(group = "apps.example.com", version = "v1", schema)]
struct PodSet {
    metadata: ObjectMeta,
    spec: PodSetSpec,
}

#[derive(JsonSchema, Serialize, Deserialize)]
struct PodSetSpec {
    template: client_core::k8s::api::core::v1::PodTemplateSpec,
}

/// Every `$ref`, `$defs` or `definitions` left anywhere in `v`, by path.
fn references(v: &Value, path: &str, found: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                if matches!(k.as_str(), "$ref" | "$defs" | "definitions") {
                    found.push(format!("{path}.{k}"));
                }
                references(child, &format!("{path}.{k}"), found);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                references(child, &format!("{path}[{i}]"), found);
            }
        }
        _ => {}
    }
}

#[test]
fn a_pod_template_spec_field_is_inlined_and_structural() {
    let crd = PodSet::crd().unwrap_or_else(|e| panic!("{e}"));
    let root = schema_of(&crd);
    let mut found = Vec::new();
    references(&root, "", &mut found);
    assert!(found.is_empty(), "references left: {found:?}");

    // From the API reference: a PodTemplateSpec has `metadata` and `spec`;
    // a PodSpec requires `containers`; a Container requires `name` (a string)
    // and has an optional `image` (a string); `ports[].containerPort` is an
    // int32; `resources.limits` maps names to quantities (int-or-string).
    let template = &root["properties"]["spec"]["properties"]["template"];
    assert_eq!(template["type"], "object", "{template:#}");
    assert_eq!(template["properties"]["metadata"]["type"], "object");
    let pod = &template["properties"]["spec"];
    assert_eq!(pod["type"], "object");
    assert!(
        pod["required"]
            .as_array()
            .is_some_and(|r| r.contains(&json!("containers"))),
        "{:#}",
        pod["required"]
    );
    let containers = &pod["properties"]["containers"];
    assert_eq!(containers["type"], "array");
    let container = &containers["items"];
    assert_eq!(container["type"], "object");
    assert!(
        container["required"]
            .as_array()
            .is_some_and(|r| r.contains(&json!("name")))
    );
    assert_eq!(container["properties"]["name"]["type"], "string");
    assert_eq!(container["properties"]["image"]["type"], "string");
    let port = &container["properties"]["ports"]["items"]["properties"]["containerPort"];
    assert_eq!(port["type"], "integer", "{port:#}");
    let limit = &container["properties"]["resources"]["properties"]["limits"];
    assert_eq!(limit["type"], "object", "{limit:#}");
    assert_eq!(
        limit["additionalProperties"]["x-kubernetes-int-or-string"], true,
        "{limit:#}"
    );

    // And kube-apiserver's create-time checks accept it.
    if let Err(refused) = client_testserver::verify_crd(&crd) {
        panic!("refused: {refused}");
    }
}
