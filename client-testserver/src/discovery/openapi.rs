//! The `/openapi/v3` documents: what `kubectl apply` needs to validate
//! without `--validate=false`, and the CRDs' schemas for `kubectl explain`.
//!
//! # What kubectl 1.32 asks for
//!
//! With its default `--validate=strict`, `kubectl apply`/`create` decides per
//! kind whether the server validates fields itself (then it sends
//! `?fieldValidation=Strict` and validates nothing locally). To decide, it
//! fetches:
//!
//! 1. `GET /openapi/v3` — the index, [`index`]:
//!    `{"paths": {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=..."}, "apis/{group}/{version}": {...}}}`.
//! 2. `GET {serverRelativeURL}` — the group-version's document,
//!    [`group_version_doc`] (or [`doc_for_path`] with the path after
//!    `/openapi/v3/`). kubectl looks for a `PATCH` operation whose
//!    `x-kubernetes-group-version-kind` is the kind being applied and which
//!    lists a `fieldValidation` query parameter.
//!
//! When `/openapi/v3` is missing, kubectl falls back to `/openapi/v2`
//! (protobuf) and, when that is missing too, fails with `failed to download
//! openapi ... turn validation off with --validate=false`. When the
//! index lacks the kind's group-version (a CRD applied in the same run as
//! its objects), kubectl lists `customresourcedefinitions` and, if one
//! defines the kind, checks the `v1` document's `Namespace` instead; the
//! core document therefore always describes `Namespace`.
//!
//! Client-side `kubectl apply` of an existing object then patches: custom
//! resources with a merge patch; built-in kinds with a strategic merge patch
//! computed from kubectl's compiled-in types, because these documents do not
//! list `application/strategic-merge-patch+json` (kubectl probes
//! `/openapi/v2` once, gets a 404, and moves on). The server must therefore
//! accept strategic merge patches for built-in kinds.
//!
//! # Schemas
//!
//! Each kind has one component schema, tagged with
//! `x-kubernetes-group-version-kind` and named as kube-apiserver names it
//! (`com.example.stable.v1.CronTab`, `io.k8s.api.core.v1.ConfigMap`), plus
//! a `{Kind}List`:
//!
//! - a kind with a schema ([`OpenApiKind::with_schema`](crate::discovery::openapi::OpenApiKind::with_schema), a CRD version's
//!   `openAPIV3Schema`) gets that schema, with `apiVersion` and `kind`
//!   (strings) and `metadata` (`allOf` a `$ref` to [`OBJECT_META`](crate::discovery::openapi::OBJECT_META), a
//!   described ObjectMeta every document carries) put in its `properties`,
//!   replacing what the CRD says of them, as kube-apiserver does;
//! - other kinds (the built-ins here) get a permissive schema
//!   (`x-kubernetes-preserve-unknown-fields: true`), which is what
//!   client-side strategic-merge computation for built-in kinds looks up.
//!
//! `kubectl explain crontabs.spec` (OpenAPI v3 is its default in 1.32)
//! reads the index, fetches the group-version's document, finds the schema
//! whose `x-kubernetes-group-version-kind` is the kind, and walks
//! `properties` (following `$ref` and `allOf`), printing each field's
//! `description` and type.
//!
//! # Wiring
//!
//! - `GET /openapi/v3` → `200`, `application/json`, [`index`]`(&kinds)`.
//! - `GET /openapi/v3/{path}` (ignore the `hash` query) → [`doc_for_path`]`(path, &kinds)`,
//!   `200 application/json` when `Some`, else `404`. The hash in the index is
//!   [`content_hash`] of that document, so it changes whenever a CRD adds or
//!   removes a kind and kubectl's HTTP cache never serves a stale one. (A
//!   real server also sets `Cache-Control: public, immutable` when the hash
//!   matches; optional.)
//! - Write handlers must accept the `fieldValidation` query parameter
//!   (`Strict`, `Warn`, `Ignore`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::{Map, Value, json};

/// A kind served by the server, as the OpenAPI documents describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OpenApiKind {
    /// API group, `""` for the core group.
    pub group: String,
    /// API version, such as `v1`.
    pub version: String,
    /// Kind, such as `CronTab`.
    pub kind: String,
    /// Plural resource name, such as `crontabs` (used to build the paths).
    pub plural: String,
    /// Whether objects live in namespaces.
    pub namespaced: bool,
    /// The structural schema (a CRD version's `openAPIV3Schema`); `None`
    /// gives a permissive schema.
    pub schema: Option<Value>,
    /// The built-in type's definition name
    /// (`io.k8s.api.apps.v1.Deployment`): the kind is described by the
    /// vendored definitions (`openapi_types`) and accepts strategic merge
    /// patches.
    pub definition: Option<String>,
}

impl OpenApiKind {
    /// Convenience constructor.
    pub(crate) fn new(
        group: &str,
        version: &str,
        kind: &str,
        plural: &str,
        namespaced: bool,
    ) -> Self {
        OpenApiKind {
            group: group.into(),
            version: version.into(),
            kind: kind.into(),
            plural: plural.into(),
            namespaced,
            schema: None,
            definition: None,
        }
    }

    /// The same kind described by its built-in type, when the vendored
    /// definitions have it.
    pub(crate) fn typed(mut self) -> Self {
        let m = crate::types::model();
        let av = crate::types::model::api_version(&self.group, &self.version);
        self.definition = m.by_kind(&av, &self.kind).map(|id| m.def(id).name.clone());
        self
    }

    /// The same kind described by `schema` (a CRD version's
    /// `openAPIV3Schema`).
    pub(crate) fn with_schema(mut self, schema: Value) -> Self {
        self.schema = Some(schema);
        self
    }

    fn gvk(&self) -> Value {
        json!({"group": self.group, "version": self.version, "kind": self.kind})
    }
}

/// The index path of a group-version: `api/v1` for the core group,
/// `apis/{group}/{version}` otherwise.
pub(crate) fn gv_path(group: &str, version: &str) -> String {
    if group.is_empty() {
        format!("api/{version}")
    } else {
        format!("apis/{group}/{version}")
    }
}

/// The `/openapi/v3` index: one entry per group-version of `kinds` (the core
/// `api/v1` always included), each pointing at its document with a content
/// hash.
pub(crate) fn index(kinds: &[OpenApiKind]) -> Value {
    let mut gvs: Vec<(String, String)> = vec![(String::new(), "v1".into())];
    for k in kinds {
        let gv = (k.group.clone(), k.version.clone());
        if !gvs.contains(&gv) {
            gvs.push(gv);
        }
    }
    let mut paths = Map::new();
    for (group, version) in gvs {
        let path = gv_path(&group, &version);
        let (_, hash) = cached_doc(&group, &version, kinds);
        let url = format!("/openapi/v3/{path}?hash={hash}");
        paths.insert(path, json!({"serverRelativeURL": url}));
    }
    json!({"paths": paths})
}

/// The document at `/openapi/v3/{path}` (`path` like `api/v1` or
/// `apis/stable.example.com/v1`, without query), or `None` for an unknown
/// group-version. `api/v1` always exists, even with no core kinds.
#[cfg_attr(not(test), allow(dead_code))] // reached from the unit tests only
pub(crate) fn doc_for_path(path: &str, kinds: &[OpenApiKind]) -> Option<Value> {
    let path = path.trim_matches('/');
    let path = path.split('?').next().unwrap_or(path);
    let parts: Vec<&str> = path.split('/').collect();
    match parts.as_slice() {
        ["api", "v1"] => Some(build_doc("", "v1", kinds)),
        ["api", version] => group_version_doc("", version, kinds),
        ["apis", group, version] if !group.is_empty() => group_version_doc(group, version, kinds),
        _ => None,
    }
}

/// The OpenAPI v3 document of one group-version, or `None` when no kind of
/// `kinds` belongs to it.
pub(crate) fn group_version_doc(
    group: &str,
    version: &str,
    kinds: &[OpenApiKind],
) -> Option<Value> {
    kinds
        .iter()
        .any(|k| k.group == group && k.version == version)
        .then(|| build_doc(group, version, kinds))
}

/// A stable hex digest of a document (two 64-bit FNV-1a passes), used as the
/// `hash` of the index's URLs.
pub(crate) fn content_hash(doc: &Value) -> String {
    let bytes = doc.to_string();
    let fnv = |offset: u64| {
        bytes.bytes().fold(offset, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    };
    format!(
        "{:016X}{:016X}",
        fnv(0xcbf2_9ce4_8422_2325),
        fnv(0x6c62_272e_07bb_0142)
    )
}

/// The schema name kube-apiserver would use: reversed group domain for
/// custom groups (`com.example.stable.v1.CronTab`), `io.k8s.api.*` for
/// built-in groups.
fn schema_name(k: &OpenApiKind) -> String {
    if let Some(d) = &k.definition {
        return d.clone();
    }
    let group = if k.group.is_empty() {
        "io.k8s.api.core".to_string()
    } else if let Some(prefix) = k.group.strip_suffix(".k8s.io").filter(|p| !p.contains('.')) {
        format!("io.k8s.api.{prefix}")
    } else {
        let mut parts: Vec<&str> = k.group.split('.').collect();
        parts.reverse();
        parts.join(".")
    };
    format!("{group}.{}.{}", k.version, k.kind)
}

/// The component name of the ObjectMeta schema every document carries.
pub(crate) const OBJECT_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
/// The component name of `Status` (what deletes answer).
const STATUS: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.Status";
/// The component name of a patch body.
const PATCH: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";

/// The component schema of a kind: its CRD schema with `apiVersion`,
/// `kind` and a `metadata` that refers to [`OBJECT_META`] added (replacing
/// what the CRD says of them, as kube-apiserver does), or, without a
/// schema, one that accepts any object.
fn object_schema(k: &OpenApiKind) -> Value {
    let mut schema = match &k.schema {
        Some(s @ Value::Object(_)) => s.clone(),
        _ => json!({
            "type": "object",
            "description": format!("{} ({}), served by client-testserver; fields are not described.", k.kind, gv_path(&k.group, &k.version)),
            "x-kubernetes-preserve-unknown-fields": true,
        }),
    };
    let Value::Object(o) = &mut schema else {
        return schema;
    };
    o.entry("type").or_insert_with(|| json!("object"));
    let props = o.entry("properties").or_insert_with(|| json!({}));
    if !props.is_object() {
        *props = json!({});
    }
    if let Value::Object(p) = props {
        p.insert(
            "apiVersion".into(),
            json!({"type": "string", "description": "The versioned schema of this object (group/version, or the version for the core group)."}),
        );
        p.insert(
            "kind".into(),
            json!({"type": "string", "description": "The REST kind of this object, in CamelCase."}),
        );
        p.insert(
            "metadata".into(),
            json!({
                "description": "Standard object metadata: name, namespace, labels, annotations and the fields the server sets.",
                "allOf": [{"$ref": format!("#/components/schemas/{OBJECT_META}")}],
            }),
        );
    }
    o.insert("x-kubernetes-group-version-kind".into(), json!([k.gvk()]));
    schema
}

fn op_id(verb: &str, k: &OpenApiKind, namespaced: bool, list: bool) -> String {
    let mut group_words = String::new();
    for part in k.group.split(['.', '-']).filter(|p| !p.is_empty()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            group_words.extend(first.to_uppercase());
            group_words.push_str(chars.as_str());
        }
    }
    let version = {
        let mut chars = k.version.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
            .unwrap_or_default()
    };
    let scope = if namespaced { "Namespaced" } else { "" };
    let core = if k.group.is_empty() { "Core" } else { "" };
    let suffix = if list { "List" } else { "" };
    format!(
        "{verb}{core}{group_words}{version}{scope}{}{suffix}",
        k.kind
    )
}

fn query_param(name: &str, description: &str) -> Value {
    json!({
        "name": name,
        "in": "query",
        "description": description,
        "schema": {"type": "string", "uniqueItems": true},
    })
}

fn path_param(name: &str) -> Value {
    json!({
        "name": name,
        "in": "path",
        "required": true,
        "schema": {"type": "string", "uniqueItems": true},
    })
}

fn write_params(with_force: bool) -> Vec<Value> {
    let mut params = vec![
        query_param(
            "dryRun",
            "When present, only validate and return what would be stored (All).",
        ),
        query_param("fieldManager", "Name of the actor making the change."),
        query_param(
            "fieldValidation",
            "How to treat unknown or duplicate fields: Ignore, Warn or Strict.",
        ),
    ];
    if with_force {
        params.push(json!({
            "name": "force",
            "in": "query",
            "description": "Take ownership of conflicting fields (apply patches only).",
            "schema": {"type": "boolean", "uniqueItems": true},
        }));
    }
    params
}

fn json_content(schema_ref: &str) -> Value {
    let schema = json!({"$ref": schema_ref});
    json!({
        "application/json": {"schema": schema},
        "application/yaml": {"schema": schema},
    })
}

/// A built document and its [`content_hash`], with the kinds it was built
/// from.
type CachedDoc = (Vec<OpenApiKind>, Arc<Value>, Arc<str>);

/// The document of a group-version and its hash, built once per set of
/// kinds: built-in group-versions never change, and a CRD's only when its
/// schema or kinds do. Shared by every server of the process; bounded.
fn cached_doc(group: &str, version: &str, kinds: &[OpenApiKind]) -> (Arc<Value>, Arc<str>) {
    static DOCS: OnceLock<Mutex<HashMap<(String, String), CachedDoc>>> = OnceLock::new();
    const MAX_DOCS: usize = 256;
    let mine: Vec<OpenApiKind> = kinds
        .iter()
        .filter(|k| k.group == group && k.version == version)
        .cloned()
        .collect();
    let key = (group.to_string(), version.to_string());
    let docs = DOCS.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some((k, doc, hash)) = docs.lock().unwrap_or_else(|e| e.into_inner()).get(&key)
        && *k == mine
    {
        return (doc.clone(), hash.clone());
    }
    let doc = Arc::new(build_doc_uncached(group, version, &mine));
    let hash: Arc<str> = content_hash(&doc).into();
    let mut map = docs.lock().unwrap_or_else(|e| e.into_inner());
    if map.len() >= MAX_DOCS {
        map.clear();
    }
    map.insert(key, (mine, doc.clone(), hash.clone()));
    (doc, hash)
}

fn build_doc(group: &str, version: &str, kinds: &[OpenApiKind]) -> Value {
    Value::clone(&cached_doc(group, version, kinds).0)
}

fn build_doc_uncached(group: &str, version: &str, kinds: &[OpenApiKind]) -> Value {
    let mut kinds = kinds.to_vec();
    if group.is_empty()
        && version == "v1"
        && !kinds
            .iter()
            .any(|k| k.group.is_empty() && k.version == "v1" && k.kind == "Namespace")
    {
        // kubectl checks this kind for groups missing from the index.
        kinds.push(OpenApiKind::new("", "v1", "Namespace", "namespaces", false));
    }
    let mut paths = Map::new();
    let mut schemas = crate::discovery::openapi_types::closure([OBJECT_META, STATUS, PATCH]);
    let status_ref = "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Status";
    let patch_ref = "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch";
    let prefix = if group.is_empty() {
        format!("/api/{version}")
    } else {
        format!("/apis/{group}/{version}")
    };
    for k in kinds
        .iter()
        .filter(|k| k.group == group && k.version == version)
    {
        let name = schema_name(k);
        let schema_ref = format!("#/components/schemas/{name}");
        let list_name = format!("{name}List");
        let list_ref = format!("#/components/schemas/{list_name}");
        if k.definition.is_some() {
            let has_list = crate::discovery::openapi_types::has(&list_name);
            let roots = [name.as_str(), list_name.as_str()];
            let roots = if has_list { &roots[..] } else { &roots[..1] };
            schemas.extend(crate::discovery::openapi_types::closure(
                roots.iter().copied(),
            ));
        } else {
            schemas.insert(name.clone(), object_schema(k));
        }
        if !schemas.contains_key(&list_name) {
            schemas.insert(
            list_name,
            json!({
                "type": "object",
                "required": ["items"],
                "properties": {
                    "apiVersion": {"type": "string"},
                    "kind": {"type": "string"},
                    "items": {"type": "array", "items": {"$ref": schema_ref}},
                    "metadata": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                },
                "x-kubernetes-group-version-kind": [
                    {"group": k.group, "version": k.version, "kind": format!("{}List", k.kind)}
                ],
            }),
        );
        }
        let collection = if k.namespaced {
            format!("{prefix}/namespaces/{{namespace}}/{}", k.plural)
        } else {
            format!("{prefix}/{}", k.plural)
        };
        let mut common = vec![path_param("name")];
        if k.namespaced {
            common.push(path_param("namespace"));
        }
        let gvk = k.gvk();
        let ok = |r: &str| json!({"200": {"description": "OK", "content": json_content(r)}});
        let op = |verb: &str, action: &str, list: bool, params: Vec<Value>, responses: Value| {
            json!({
                "operationId": op_id(verb, k, k.namespaced, list),
                "parameters": params,
                "responses": responses,
                "x-kubernetes-action": action,
                "x-kubernetes-group-version-kind": gvk,
            })
        };
        let mut patch_op = op("patch", "patch", false, write_params(true), ok(&schema_ref));
        let mut patch_types = json!({
            "application/json-patch+json": {"schema": {"$ref": patch_ref}},
            "application/merge-patch+json": {"schema": {"$ref": patch_ref}},
            "application/apply-patch+yaml": {"schema": {"$ref": patch_ref}},
        });
        if k.definition.is_some() {
            // kubectl's client-side apply computes a strategic merge patch
            // from these schemas when the operation lists the type.
            patch_types["application/strategic-merge-patch+json"] =
                json!({"schema": {"$ref": patch_ref}});
        }
        patch_op["requestBody"] = json!({"required": true, "content": patch_types});
        let mut put_op = op(
            "replace",
            "put",
            false,
            write_params(false),
            ok(&schema_ref),
        );
        put_op["requestBody"] =
            json!({"required": true, "content": {"*/*": {"schema": {"$ref": schema_ref}}}});
        let mut item_path = json!({
            "get": op("read", "get", false, vec![], ok(&schema_ref)),
            "put": put_op,
            "patch": patch_op,
            "delete": op("delete", "delete", false, vec![query_param("dryRun", "When present, only validate.")], ok(status_ref)),
        });
        item_path["parameters"] = Value::Array(common);
        paths.insert(format!("{collection}/{{name}}"), item_path);

        let mut post_op = op("create", "post", false, write_params(false), {
            let mut r = ok(&schema_ref);
            r["201"] = json!({"description": "Created", "content": json_content(&schema_ref)});
            r
        });
        post_op["requestBody"] =
            json!({"required": true, "content": {"*/*": {"schema": {"$ref": schema_ref}}}});
        let mut collection_path = json!({
            "get": op("list", "list", true, vec![
                query_param("labelSelector", "Select objects by label."),
                query_param("fieldSelector", "Select objects by field."),
            ], ok(&list_ref)),
            "post": post_op,
        });
        if k.namespaced {
            collection_path["parameters"] = json!([path_param("namespace")]);
        }
        paths.insert(collection, collection_path);
    }
    json!({
        "openapi": "3.0.0",
        "info": {"title": "client-testserver", "version": gv_path(group, version)},
        "paths": paths,
        "components": {"schemas": schemas},
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn kinds() -> Vec<OpenApiKind> {
        vec![
            OpenApiKind::new("", "v1", "ConfigMap", "configmaps", true),
            OpenApiKind::new("", "v1", "Namespace", "namespaces", false),
            OpenApiKind::new("coordination.k8s.io", "v1", "Lease", "leases", true),
            OpenApiKind::new("stable.example.com", "v1", "CronTab", "crontabs", true),
            OpenApiKind::new("stable.example.com", "v1", "Cluster", "clusters", false),
        ]
    }

    /// What kubectl's field-validation check does: find a PATCH operation
    /// tagged with the GVK and listing `fieldValidation` as a query param.
    fn supports_field_validation(doc: &Value, group: &str, version: &str, kind: &str) -> bool {
        let want = json!({"group": group, "version": version, "kind": kind});
        doc["paths"].as_object().unwrap().values().any(|p| {
            let patch = &p["patch"];
            patch["x-kubernetes-group-version-kind"] == want
                && patch["parameters"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|q| q["name"] == "fieldValidation" && q["in"] == "query")
        })
    }

    #[test]
    fn index_lists_every_group_version() {
        let idx = index(&kinds());
        let paths = idx["paths"].as_object().unwrap();
        let mut keys: Vec<&String> = paths.keys().collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "api/v1",
                "apis/coordination.k8s.io/v1",
                "apis/stable.example.com/v1"
            ]
        );
        for (path, entry) in paths {
            let url = entry["serverRelativeURL"].as_str().unwrap();
            let (base, hash) = url.split_once("?hash=").unwrap();
            assert_eq!(base, format!("/openapi/v3/{path}"));
            let doc = doc_for_path(path, &kinds()).unwrap();
            assert_eq!(hash, content_hash(&doc));
            assert_eq!(doc["openapi"], "3.0.0");
        }
        // The core group is always listed, even with no kinds.
        assert!(index(&[])["paths"]["api/v1"].is_object());
        let core = doc_for_path("api/v1", &[]).unwrap();
        assert!(supports_field_validation(&core, "", "v1", "Namespace"));
    }

    #[test]
    fn docs_have_patch_operations_and_schemas() {
        let k = kinds();
        let doc = group_version_doc("stable.example.com", "v1", &k).unwrap();
        assert!(supports_field_validation(
            &doc,
            "stable.example.com",
            "v1",
            "CronTab"
        ));
        assert!(supports_field_validation(
            &doc,
            "stable.example.com",
            "v1",
            "Cluster"
        ));
        assert!(!supports_field_validation(&doc, "", "v1", "ConfigMap"));
        let paths = doc["paths"].as_object().unwrap();
        assert!(
            paths
                .contains_key("/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}")
        );
        assert!(paths.contains_key("/apis/stable.example.com/v1/namespaces/{namespace}/crontabs"));
        assert!(paths.contains_key("/apis/stable.example.com/v1/clusters/{name}"));
        let schema = &doc["components"]["schemas"]["com.example.stable.v1.CronTab"];
        assert_eq!(schema["x-kubernetes-preserve-unknown-fields"], true);
        assert_eq!(
            schema["x-kubernetes-group-version-kind"],
            json!([{"group": "stable.example.com", "version": "v1", "kind": "CronTab"}])
        );
        let core = doc_for_path("/api/v1", &k).unwrap();
        assert!(supports_field_validation(&core, "", "v1", "ConfigMap"));
        assert!(supports_field_validation(&core, "", "v1", "Namespace"));
        assert!(core["components"]["schemas"]["io.k8s.api.core.v1.ConfigMap"].is_object());
        let lease = doc_for_path("apis/coordination.k8s.io/v1", &k).unwrap();
        assert!(lease["components"]["schemas"]["io.k8s.api.coordination.v1.Lease"].is_object());
        let op = &lease["paths"]["/apis/coordination.k8s.io/v1/namespaces/{namespace}/leases/{name}"]
            ["patch"]["operationId"];
        assert_eq!(op, "patchCoordinationK8sIoV1NamespacedLease");
    }

    #[test]
    fn unknown_paths() {
        let k = kinds();
        for p in [
            "",
            "api",
            "apis",
            "apis/x/v1",
            "api/v2",
            "apis//v1",
            "apis/stable.example.com/v2",
            "x/y/z",
            "apis/a/b/c",
        ] {
            assert!(doc_for_path(p, &k).is_none(), "{p}");
        }
        assert!(group_version_doc("nope", "v1", &k).is_none());
    }

    /// A stand-in API server just rich enough for `kubectl apply`:
    /// discovery, the OpenAPI documents, GET (404, or an existing
    /// object), POST and PATCH. Records "METHOD path?query content-type" lines.
    mod kubectl_mock {
        use super::*;
        use http_body_util::{BodyExt, Full};
        use hyper::body::{Bytes, Incoming};
        use hyper::{Request, Response};
        use std::sync::{Arc, Mutex};

        pub(super) type Log = Arc<Mutex<Vec<String>>>;

        fn reply(code: u16, body: &Value) -> Response<Full<Bytes>> {
            let mut resp = Response::new(Full::new(Bytes::from(body.to_string())));
            *resp.status_mut() = hyper::StatusCode::from_u16(code).unwrap();
            resp.headers_mut()
                .insert("content-type", "application/json".parse().unwrap());
            resp
        }

        fn existing_configmap() -> Value {
            json!({
                "apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {
                    "name": "existing", "namespace": "default", "resourceVersion": "3", "uid": "u1",
                    "annotations": {"kubectl.kubernetes.io/last-applied-configuration":
                        "{\"apiVersion\":\"v1\",\"data\":{\"a\":\"1\"},\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"existing\",\"namespace\":\"default\"}}\n"}
                },
                "data": {"a": "1"}
            })
        }

        fn existing_crontab() -> Value {
            json!({
                "apiVersion": "stable.example.com/v1", "kind": "CronTab",
                "metadata": {
                    "name": "existing", "namespace": "default", "resourceVersion": "4", "uid": "u2",
                    "annotations": {"kubectl.kubernetes.io/last-applied-configuration":
                        "{\"apiVersion\":\"stable.example.com/v1\",\"kind\":\"CronTab\",\"metadata\":{\"name\":\"existing\",\"namespace\":\"default\"},\"spec\":{\"cronSpec\":\"old\"}}\n"}
                },
                "spec": {"cronSpec": "old"}
            })
        }

        async fn handle(
            req: Request<Incoming>,
            kinds: Arc<Vec<OpenApiKind>>,
            log: Log,
        ) -> Response<Full<Bytes>> {
            let method = req.method().to_string();
            let path = req.uri().path().to_string();
            let query = req.uri().query().unwrap_or("").to_string();
            let accept = req
                .headers()
                .get("accept")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            let content_type = req
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            let body = req
                .into_body()
                .collect()
                .await
                .map(|b| b.to_bytes())
                .unwrap_or_default();
            log.lock()
                .unwrap()
                .push(format!("{method} {path}?{query} {content_type}"));
            let not_found = json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "reason": "NotFound", "code": 404, "message": "not found"});
            match (method.as_str(), path.as_str()) {
                ("GET", "/version") => reply(
                    200,
                    &json!({"major": "1", "minor": "32", "gitVersion": "v1.32.0"}),
                ),
                ("GET", "/api") => reply(
                    200,
                    &json!({"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []}),
                ),
                ("GET", "/apis") => reply(
                    200,
                    &json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": [{
                    "name": "stable.example.com",
                    "versions": [{"groupVersion": "stable.example.com/v1", "version": "v1"}],
                    "preferredVersion": {"groupVersion": "stable.example.com/v1", "version": "v1"}}]}),
                ),
                ("GET", "/api/v1") => reply(
                    200,
                    &json!({"kind": "APIResourceList", "groupVersion": "v1", "resources": [
                    {"name": "configmaps", "singularName": "configmap", "namespaced": true, "kind": "ConfigMap", "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"]}]}),
                ),
                ("GET", "/apis/stable.example.com/v1") => reply(
                    200,
                    &json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "stable.example.com/v1", "resources": [
                    {"name": "crontabs", "singularName": "crontab", "namespaced": true, "kind": "CronTab", "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"]}]}),
                ),
                ("GET", "/openapi/v3") => reply(200, &index(&kinds)),
                ("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions") => reply(
                    200,
                    &json!({
                        "apiVersion": "apiextensions.k8s.io/v1",
                        "kind": "CustomResourceDefinitionList",
                        "metadata": {"resourceVersion": "1"},
                        "items": [{
                            "apiVersion": "apiextensions.k8s.io/v1",
                            "kind": "CustomResourceDefinition",
                            "metadata": {"name": "crontabs.stable.example.com"},
                            "spec": {
                                "group": "stable.example.com",
                                "names": {"kind": "CronTab", "plural": "crontabs", "singular": "crontab", "listKind": "CronTabList"},
                                "scope": "Namespaced",
                                "versions": [{"name": "v1", "served": true, "storage": true}],
                            },
                        }],
                    }),
                ),
                ("GET", p) if p.starts_with("/openapi/v3/") => {
                    match doc_for_path(&p["/openapi/v3/".len()..], &kinds) {
                        Some(doc) => reply(200, &doc),
                        None => reply(404, &not_found),
                    }
                }
                ("GET", "/api/v1/namespaces/default/configmaps/existing") => {
                    reply(200, &existing_configmap())
                }
                ("GET", "/apis/stable.example.com/v1/namespaces/default/crontabs")
                    if crate::http::accept::wants_table(&accept) =>
                {
                    let columns: Vec<crate::output::table::PrinterColumn> = serde_json::from_value(json!([
                        {"name": "Spec", "type": "string", "jsonPath": ".spec.cronSpec"},
                        {"name": "Replicas", "type": "integer", "jsonPath": ".spec.replicas"},
                        {"name": "Image", "type": "string", "jsonPath": ".spec.image", "priority": 1},
                        {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"},
                    ]))
                    .unwrap();
                    let created = crate::meta::timefmt::format_rfc3339(
                        jiff::Timestamp::now() - jiff::SignedDuration::from_secs(200),
                    );
                    let mut objects = vec![existing_crontab(), existing_crontab()];
                    objects[0]["metadata"]["creationTimestamp"] = json!(created);
                    objects[0]["spec"]["replicas"] = json!(3);
                    objects[0]["spec"]["image"] = json!("img:1");
                    objects[1]["metadata"]["name"] = json!("second");
                    let include = crate::output::table::IncludeObject::from_query(
                        form_urlencoded::parse(query.as_bytes())
                            .find(|(k, _)| k == "includeObject")
                            .map(|(_, v)| v.into_owned())
                            .as_deref(),
                    )
                    .unwrap_or_default();
                    reply(
                        200,
                        &crate::output::table::build_table(
                            &columns,
                            &objects,
                            include,
                            Some("99"),
                            None,
                            jiff::Timestamp::now(),
                        ),
                    )
                }
                ("GET", "/apis/stable.example.com/v1/namespaces/default/crontabs/existing") => {
                    reply(200, &existing_crontab())
                }
                ("PATCH", p) if p.ends_with("/existing") => {
                    let mut obj = if p.contains("crontabs") {
                        existing_crontab()
                    } else {
                        existing_configmap()
                    };
                    let patch: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                    crate::patch::merge_patch(&mut obj, &patch);
                    reply(200, &obj)
                }
                ("POST", _) => {
                    let mut obj: Value = serde_json::from_slice(&body).unwrap_or(json!({}));
                    obj["metadata"]["resourceVersion"] = json!("10");
                    obj["metadata"]["uid"] = json!("u-new");
                    reply(201, &obj)
                }
                _ => reply(404, &not_found),
            }
        }

        pub(super) async fn serve(
            listener: tokio::net::TcpListener,
            kinds: Vec<OpenApiKind>,
            log: Log,
        ) {
            let kinds = Arc::new(kinds);
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    return;
                };
                let kinds = kinds.clone();
                let log = log.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| {
                        let kinds = kinds.clone();
                        let log = log.clone();
                        async move { Ok::<_, std::convert::Infallible>(handle(req, kinds, log).await) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(tcp), service)
                        .await;
                });
            }
        }
    }

    /// Runs `kubectl apply -v=6 -f` on `manifest` against the mock serving
    /// `kinds`; returns (success, stdout, stderr, request log).
    async fn kubectl_apply(
        kinds: Vec<OpenApiKind>,
        manifest_yaml: &str,
    ) -> (bool, String, String, Vec<String>) {
        kubectl(kinds, manifest_yaml, &["apply", "-v=6", "-f", "{manifest}"]).await
    }

    /// Runs kubectl with `args` (`{manifest}` replaced by the path of a file
    /// holding `manifest_yaml`) against the mock serving `kinds`; returns
    /// (success, stdout, stderr, request log).
    async fn kubectl(
        kinds: Vec<OpenApiKind>,
        manifest_yaml: &str,
        args: &[&str],
    ) -> (bool, String, String, Vec<String>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let log = kubectl_mock::Log::default();
        let server = tokio::spawn(kubectl_mock::serve(listener, kinds, log.clone()));
        let dir = tempfile::tempdir().unwrap();
        let kubeconfig = dir.path().join("kubeconfig");
        std::fs::write(
            &kubeconfig,
            crate::kubeconfig::render_kubeconfig(
                &format!("http://{addr}"),
                None,
                &crate::kubeconfig::KubeconfigUser::Anonymous,
            ),
        )
        .unwrap();
        let manifest = dir.path().join("objects.yaml");
        std::fs::write(&manifest, manifest_yaml).unwrap();
        let mut cmd = std::process::Command::new("timeout");
        cmd.args(["30", "kubectl"]);
        for arg in args {
            if *arg == "{manifest}" {
                cmd.arg(&manifest);
            } else {
                cmd.arg(arg);
            }
        }
        cmd.arg("--kubeconfig")
            .arg(&kubeconfig)
            .env("HOME", dir.path())
            .env("KUBECACHEDIR", dir.path().join("cache"))
            .env_remove("KUBECONFIG");
        // `timeout 30` kills kubectl; the outer timeout guards the test.
        let run = tokio::task::spawn_blocking(move || cmd.output());
        let out = tokio::time::timeout(std::time::Duration::from_secs(40), run)
            .await
            .expect("kubectl timed out")
            .expect("join")
            .expect("run kubectl");
        server.abort();
        let log = log.lock().unwrap().clone();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
            log,
        )
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn kubectl_get_prints_server_side_tables() {
        // Not about OpenAPI, but the same stand-in server: kubectl asks for
        // a Table and prints the columns table::build_table returns (null
        // cells, here a missing replicas and creationTimestamp, print blank).
        let (ok, stdout, stderr, log) = kubectl(kinds(), "", &["get", "crontabs"]).await;
        assert!(ok, "kubectl failed:\n{stdout}\n{stderr}");
        let lines: Vec<Vec<&str>> = stdout
            .lines()
            .map(|l| l.split_whitespace().collect())
            .collect();
        assert_eq!(lines[0], ["NAME", "SPEC", "REPLICAS", "AGE"], "{stdout}");
        assert_eq!(lines[1], ["existing", "old", "3", "3m20s"], "{stdout}");
        assert_eq!(lines[2], ["second", "old"], "{stdout}");
        assert!(
            log.iter()
                .any(|l| l
                    .starts_with("GET /apis/stable.example.com/v1/namespaces/default/crontabs?")),
            "{log:?}"
        );

        let (ok, stdout, stderr, _) =
            kubectl(kinds(), "", &["get", "crontabs", "-o", "wide"]).await;
        assert!(ok, "kubectl failed:\n{stdout}\n{stderr}");
        let header: Vec<&str> = stdout
            .lines()
            .next()
            .unwrap_or("")
            .split_whitespace()
            .collect();
        assert_eq!(
            header,
            ["NAME", "SPEC", "REPLICAS", "IMAGE", "AGE"],
            "{stdout}"
        );
        assert!(stdout.contains("img:1"), "{stdout}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn kubectl_apply_of_an_unlisted_group_checks_namespaces() {
        // The CronTab's group is not in the index (as when a CRD and its
        // objects are applied in one run): kubectl then lists the CRDs and,
        // finding the kind there, checks the core Namespace kind instead,
        // which the core document always describes.
        let (ok, stdout, stderr, log) = kubectl_apply(
            vec![OpenApiKind::new("", "v1", "ConfigMap", "configmaps", true)],
            "apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata:\n  name: fresh\nspec:\n  cronSpec: x\n",
        )
        .await;
        assert!(ok, "kubectl failed:\n{stdout}\n{stderr}");
        assert!(
            stdout.contains("crontab.stable.example.com/fresh created"),
            "{stdout}"
        );
        assert!(
            log.iter()
                .any(|l| l.starts_with("POST ") && l.contains("fieldValidation=Strict")),
            "{log:?}"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn kubectl_apply_validates_against_these_documents() {
        let (ok, stdout, stderr, log) = kubectl_apply(
            kinds(),
            "apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata:\n  name: fresh\nspec:\n  cronSpec: '* * * * */5'\n\
             ---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fresh\ndata:\n  k: v\n\
             ---\napiVersion: stable.example.com/v1\nkind: CronTab\nmetadata:\n  name: existing\nspec:\n  cronSpec: new\n\
             ---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: existing\ndata:\n  a: '2'\n",
        )
        .await;
        assert!(ok, "kubectl failed:\n{stdout}\n{stderr}");
        assert!(
            stdout.contains("crontab.stable.example.com/fresh created"),
            "{stdout}"
        );
        assert!(stdout.contains("configmap/fresh created"), "{stdout}");
        assert!(
            stdout.contains("crontab.stable.example.com/existing configured"),
            "{stdout}"
        );
        assert!(stdout.contains("configmap/existing configured"), "{stdout}");
        assert!(!stderr.contains("error"), "{stderr}");
        assert!(
            log.iter().any(|l| l.starts_with("GET /openapi/v3?")),
            "{log:?}"
        );
        // Custom resources get a merge patch, built-ins the strategic merge
        // patch of kubectl's compiled-in types (the documents do not offer
        // strategic merge, so kubectl probes /openapi/v2 and moves on).
        assert!(
            log.iter().any(|l| l.starts_with(
                "PATCH /apis/stable.example.com/v1/namespaces/default/crontabs/existing?"
            ) && l.ends_with(" application/merge-patch+json")),
            "{log:?}"
        );
        assert!(
            log.iter().any(|l| l
                .starts_with("PATCH /api/v1/namespaces/default/configmaps/existing?")
                && l.ends_with(" application/strategic-merge-patch+json")),
            "{log:?}"
        );
        // kubectl leaves validation to the server, as on a real cluster.
        let writes: Vec<&String> = log
            .iter()
            .filter(|l| l.starts_with("POST") || l.starts_with("PATCH"))
            .collect();
        assert_eq!(writes.len(), 4, "{log:?}");
        assert!(
            writes.iter().all(|l| l.contains("fieldValidation=Strict")),
            "{log:?}"
        );
    }

    #[test]
    fn crd_schemas_get_type_meta_and_object_meta() {
        let schema = json!({
            "type": "object",
            "description": "A CronTab.",
            "properties": {
                "metadata": {"type": "object", "properties": {"name": {"type": "string", "maxLength": 5}}},
                "spec": {"type": "object", "properties": {"cronSpec": {"type": "string", "description": "When."}}},
            },
        });
        let k = vec![
            OpenApiKind::new("stable.example.com", "v1", "CronTab", "crontabs", true)
                .with_schema(schema.clone()),
        ];
        let doc = group_version_doc("stable.example.com", "v1", &k).unwrap();
        let ct = &doc["components"]["schemas"]["com.example.stable.v1.CronTab"];
        assert_eq!(ct["description"], "A CronTab.");
        assert_eq!(ct["properties"]["spec"], schema["properties"]["spec"]);
        assert_eq!(
            ct["properties"]["metadata"]["allOf"],
            json!([{"$ref": format!("#/components/schemas/{OBJECT_META}")}])
        );
        assert!(ct["properties"]["metadata"].get("properties").is_none());
        assert_eq!(ct["properties"]["kind"]["type"], "string");
        assert!(ct.get("x-kubernetes-preserve-unknown-fields").is_none());
        assert_eq!(
            doc["components"]["schemas"][OBJECT_META]["properties"]["namespace"]["type"],
            "string"
        );
        // A schema change changes the document's hash.
        let other = vec![k[0].clone().with_schema(json!({"type": "object"}))];
        assert_ne!(
            index(&k)["paths"]["apis/stable.example.com/v1"],
            index(&other)["paths"]["apis/stable.example.com/v1"]
        );
    }

    #[test]
    fn hash_tracks_content() {
        let mut k = kinds();
        let before = index(&k);
        assert_eq!(before, index(&k));
        k.push(OpenApiKind::new(
            "stable.example.com",
            "v1",
            "Other",
            "others",
            true,
        ));
        let after = index(&k);
        assert_ne!(
            before["paths"]["apis/stable.example.com/v1"],
            after["paths"]["apis/stable.example.com/v1"]
        );
        assert_eq!(before["paths"]["api/v1"], after["paths"]["api/v1"]);
    }
}

/// The examples that were doc tests while this module was public.
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod examples {
    #[test]
    fn module_doc_example() {
        use crate::discovery::openapi::{OpenApiKind, doc_for_path, index};
        let kinds = [
            OpenApiKind::new("", "v1", "ConfigMap", "configmaps", true),
            OpenApiKind::new("stable.example.com", "v1", "CronTab", "crontabs", true),
        ];
        let idx = index(&kinds);
        let url = idx["paths"]["apis/stable.example.com/v1"]["serverRelativeURL"]
            .as_str()
            .unwrap();
        assert!(url.starts_with("/openapi/v3/apis/stable.example.com/v1?hash="));
        assert!(doc_for_path("apis/stable.example.com/v1", &kinds).is_some());
        assert!(doc_for_path("apis/other/v1", &kinds).is_none());
    }
}
