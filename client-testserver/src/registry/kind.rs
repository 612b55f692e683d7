//! The data half of a kind's strategy: one row per served resource.
//!
//! A kind is a [`ResourceKind`]: what discovery, the URL grammar and the
//! generic store need to know (group, versions, names, scope,
//! subresources, verbs, printer columns, field selectors, update rules),
//! plus `hooks`, a `&'static dyn KindHooks` for the few things that take
//! code (defaulting, create-time fields, validation, deletion rules). The
//! generic write path (`registry::Backend`) reads the row and calls every
//! hook at fixed points; it never tests which kind it is serving.
//!
//! # Adding a built-in kind
//!
//! 1. Built-in rows come from the vendored data (`registry::catalog`:
//!    group, versions, names, scope, verbs, short names, categories,
//!    subresources); a new Kubernetes version is new data, not code.
//!    What differs beyond the data is set on the row in
//!    `registry::kinds::customize` (or `registry::builtins` for the kinds
//!    served before the catalog):
//!
//!    ```text
//!    ("apps", "Deployment") => {
//!        row.sets_generation = true;
//!        row.printer_columns = vec![/* additionalPrinterColumns-shaped JSON */];
//!        row.hooks = &DEPLOYMENT_HOOKS;
//!    }
//!    ```
//! 2. If the kind needs code, write a unit struct implementing
//!    `registry::hooks::KindHooks` next to it, overriding only the hooks
//!    that differ (all default to nothing), in a static such as
//!    `DEPLOYMENT_HOOKS`. A built-in kind's Go type is never written
//!    here: bodies, patched objects and apply configurations are decoded
//!    strictly against the type in the vendored definitions (`types`),
//!    found by group-version-kind.
//!    Today: configmaps and secrets check their data
//!    keys (`builtins::ConfigMapHooks`, `builtins::SecretHooks`, which also
//!    default `type` and fold `stringData`), namespaces set their phase
//!    and finalizer and terminate (`namespaces::NamespaceHooks`), CRDs
//!    validate, serve and unserve the kinds they define (`crd::CrdHooks`).
//!
//! The hooks, in the order the write path calls them: `default` (every
//! write), `prepare_for_create` / `prepare_for_update`,
//! `validate_and_define` (main-resource writes; a CRD returns the kind it
//! serves), and on delete `refuse_delete`, `graceful_delete_seconds` (a
//! Pod's grace period), `orphans_by_default` (the kind's
//! `DefaultGarbageCollectionPolicy`), `waits_for_controller`,
//! `begin_deletion`, `after_deletion_began`, `after_delete`; reads call
//! `table_cells` (and `table_starts_with_name`) for Tables and
//! `field_value` for field selectors whose value is not the field as
//! stored (an unset boolean is `false`, an unset count `0`). Field selector
//! labels and printer columns are data (label -> JSON path,
//! additionalPrinterColumns). The per-kind strategies of the workload kinds
//! live in `registry::kinds`, one file each. Unknown fields of a built-in
//! come from its type in the data (`types/`) and take the same
//! Warn/Strict/Ignore handling as a CRD's pruned fields (`writer.rs`).
//!
//! Custom resources get their row from the CRD (`crd::kind_of`): their
//! schemas, scale paths, printer columns and selectable fields come from
//! the CRD version, they answer a delete with the object, refuse strategic
//! merge patches and use no hooks (schema admission is generic: every kind
//! with a schema is pruned, defaulted and validated).

use std::sync::Arc;

use serde_json::Value;

use crate::registry::hooks::{KindHooks, NO_HOOKS};
use crate::schema::Schema;

/// Paths of the scale subresource inside the object.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ScalePaths {
    /// e.g. `.spec.replicas`.
    pub spec_replicas: String,
    /// e.g. `.status.replicas`.
    pub status_replicas: String,
    /// e.g. `.status.selector`: a string field holding the selector.
    pub label_selector: Option<String>,
    /// e.g. `.spec.selector`: a `LabelSelector` (or a label map) whose
    /// string form is the Scale's `status.selector`, as the built-in
    /// workload kinds compute it.
    pub label_selector_of: Option<String>,
}

/// The name function a kind's `ValidateObjectMeta` call uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameRule {
    /// `NameIsDNSSubdomain`: most kinds.
    Dns1123Subdomain,
    /// `NameIsDNSLabel`: namespaces.
    Dns1123Label,
    /// `NameIsDNS1035Label`: services.
    Dns1035Label,
    /// `path.ValidatePathSegmentName`: RBAC roles and bindings.
    PathSegment,
}

/// Where a kind comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// Compiled into the server.
    BuiltIn,
    /// Defined by a CustomResourceDefinition.
    CustomResource,
}

/// A set of the eight REST verbs a resource (or subresource) serves,
/// listed in discovery and checked by the router (405 for the others).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Verbs(u8);

impl Verbs {
    /// The verbs, in discovery's (alphabetical) order; bit `i` is `NAMES[i]`.
    const NAMES: [&'static str; 8] = [
        "create",
        "delete",
        "deletecollection",
        "get",
        "list",
        "patch",
        "update",
        "watch",
    ];

    /// Every verb.
    pub(crate) const ALL: Verbs = Verbs(0xff);

    /// The set of the verbs named; names outside the eight are ignored.
    pub(crate) fn from_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Verbs {
        let mut bits = 0u8;
        for n in names {
            if let Some(i) = Self::NAMES.iter().position(|v| *v == n) {
                bits |= 1 << i;
            }
        }
        Verbs(bits)
    }

    /// Whether `verb` is in the set.
    pub(crate) fn contains(self, verb: &str) -> bool {
        Self::NAMES
            .iter()
            .position(|v| *v == verb)
            .is_some_and(|i| self.0 & (1 << i) != 0)
    }

    /// The names in the set, in discovery's order.
    pub(crate) fn names(self) -> Vec<&'static str> {
        Self::NAMES
            .iter()
            .enumerate()
            .filter(|(i, _)| self.0 & (1 << i) != 0)
            .map(|(_, n)| *n)
            .collect()
    }
}

/// The verbs of a kind that serves every verb (custom resources, most
/// built-ins).
pub(crate) const ALL_VERBS: Verbs = Verbs::ALL;

/// A subresource as discovery lists it (`pods/status`, `deployments/scale`,
/// `pods/eviction`): the kind its requests and answers carry and its verbs.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Subresource {
    /// `status`, `scale`, `binding`, ...
    pub name: String,
    /// The group of the kind it carries (`autoscaling` for `scale`).
    pub group: String,
    /// The version of that kind; `None` when it is the parent's (the
    /// requested) version.
    pub version: Option<String>,
    /// The kind it carries (`Scale`, `Eviction`, the parent's kind).
    pub kind: String,
    /// Its verbs.
    pub verbs: Verbs,
}

/// The strategy of one served resource: a row of data plus hooks.
#[derive(Clone)]
pub(crate) struct ResourceKind {
    /// API group (`""` for core).
    pub group: String,
    /// Served versions; the first is the preferred one.
    pub versions: Vec<String>,
    /// Plural resource name.
    pub plural: String,
    /// Singular resource name.
    pub singular: String,
    /// Kind.
    pub kind: String,
    /// Built in, or defined by a CRD.
    pub origin: Origin,
    /// Namespaced or cluster-scoped.
    pub namespaced: bool,
    /// The verbs served and listed in discovery; the router answers the
    /// others with 405 MethodNotAllowed.
    pub verbs: Verbs,
    /// The subresources served and listed in discovery. Empty for custom
    /// resources, whose `status` and `scale` come from the two fields
    /// below (see [`ResourceKind::discovered_subresources`]).
    pub subresources: Vec<Subresource>,
    /// Has a `/status` subresource.
    pub status_subresource: bool,
    /// Has a `/scale` subresource.
    pub scale: Option<ScalePaths>,
    /// Sets and bumps `metadata.generation`.
    pub sets_generation: bool,
    /// PUT needs `metadata.resourceVersion` (422 otherwise).
    pub update_requires_rv: bool,
    /// PUT of a missing object creates it.
    pub allow_create_on_update: bool,
    /// Accepts `application/strategic-merge-patch+json` (built-ins).
    pub strategic_merge: bool,
    /// A delete that removes the object answers with the object (custom
    /// resources), not a Success Status.
    pub returns_deleted_object: bool,
    /// The rule object names follow (the kind's `ValidateObjectMeta`
    /// name function).
    pub name_rule: NameRule,
    /// Field selector labels beyond `metadata.name` and `metadata.namespace`,
    /// with the JSON path each reads.
    pub field_selectors: Vec<(String, String)>,
    /// additionalPrinterColumns entries as found in a CRD.
    pub printer_columns: Vec<Value>,
    /// Short names.
    pub short_names: Vec<String>,
    /// Categories.
    pub categories: Vec<String>,
    /// The structural schema of each version that has one (custom
    /// resources): pruning, defaulting, validation and list types for
    /// server-side apply. Built-ins have none (lists atomic).
    pub schemas: Vec<VersionSchema>,
    /// What takes code: defaulting, create-time fields, validation,
    /// deletion rules.
    pub hooks: &'static dyn KindHooks,
}

impl std::fmt::Debug for ResourceKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResourceKind")
            .field("group", &self.group)
            .field("versions", &self.versions)
            .field("plural", &self.plural)
            .field("kind", &self.kind)
            .field("origin", &self.origin)
            .finish_non_exhaustive()
    }
}

/// A served version and its structural schema.
pub(crate) type VersionSchema = (String, Arc<Schema>);

impl ResourceKind {
    /// A built-in kind with every verb, no subresource, no special rule
    /// and no hooks: the start of every built-in row.
    pub(crate) fn builtin(
        group: &str,
        version: &str,
        plural: &str,
        kind: &str,
        namespaced: bool,
    ) -> Self {
        ResourceKind {
            group: group.into(),
            versions: vec![version.into()],
            plural: plural.into(),
            singular: kind.to_lowercase(),
            kind: kind.into(),
            origin: Origin::BuiltIn,
            namespaced,
            verbs: ALL_VERBS,
            subresources: Vec::new(),
            status_subresource: false,
            scale: None,
            sets_generation: false,
            update_requires_rv: false,
            allow_create_on_update: false,
            strategic_merge: true,
            returns_deleted_object: false,
            name_rule: NameRule::Dns1123Subdomain,
            field_selectors: Vec::new(),
            printer_columns: Vec::new(),
            short_names: Vec::new(),
            categories: Vec::new(),
            schemas: Vec::new(),
            hooks: &NO_HOOKS,
        }
    }

    /// The subresources discovery lists: the row's own list, or for a
    /// custom resource the `status` and `scale` its CRD declares.
    pub(crate) fn discovered_subresources(&self) -> Vec<Subresource> {
        if !self.subresources.is_empty() {
            return self.subresources.clone();
        }
        let get_update = Verbs::from_names(["get", "patch", "update"]);
        let mut out = Vec::new();
        if self.status_subresource {
            out.push(Subresource {
                name: "status".into(),
                group: self.group.clone(),
                version: None,
                kind: self.kind.clone(),
                verbs: get_update,
            });
        }
        if self.scale.is_some() {
            out.push(Subresource {
                name: "scale".into(),
                group: "autoscaling".into(),
                version: Some("v1".into()),
                kind: "Scale".into(),
                verbs: get_update,
            });
        }
        out
    }

    /// The served subresource `name`, if any.
    pub(crate) fn subresource(&self, name: &str) -> Option<Subresource> {
        self.discovered_subresources()
            .into_iter()
            .find(|s| s.name == name)
    }

    /// `plural` or `plural.group`: the store's key for this resource.
    pub(crate) fn resource(&self) -> String {
        crate::error::gr(&self.group, &self.plural)
    }

    /// `v1` or `group/version`.
    pub(crate) fn api_version(&self, version: &str) -> String {
        if self.group.is_empty() {
            version.to_string()
        } else {
            format!("{}/{version}", self.group)
        }
    }

    /// The schema of `version`, if the kind has one.
    pub(crate) fn schema_for(&self, version: &str) -> Option<Arc<Schema>> {
        self.schemas
            .iter()
            .find(|(v, _)| v == version)
            .map(|(_, s)| s.clone())
    }

    /// Whether `field` can be used in a field selector.
    pub(crate) fn supports_field(&self, field: &str) -> bool {
        field == "metadata.name"
            || (field == "metadata.namespace" && self.namespaced)
            || self.field_selectors.iter().any(|(f, _)| f == field)
    }

    /// The value of a field selector label on `obj`.
    pub(crate) fn field_value(&self, obj: &Value, field: &str) -> Option<String> {
        if !matches!(field, "metadata.name" | "metadata.namespace")
            && let Some(v) = self.hooks.field_value(obj, field)
        {
            return Some(v);
        }
        let path = match field {
            "metadata.name" | "metadata.namespace" => field,
            _ => self
                .field_selectors
                .iter()
                .find(|(f, _)| f == field)
                .map(|(_, p)| p.as_str())?,
        };
        let mut cur = obj;
        for seg in path.split('.') {
            cur = cur.get(seg)?;
        }
        match cur {
            Value::String(s) => Some(s.clone()),
            Value::Null => Some(String::new()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }
}
