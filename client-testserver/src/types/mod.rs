//! Every built-in type of Kubernetes 1.33, as data: the vendored
//! `data/kubernetes-1.33/_definitions.json` (kubernetes-validate's JSON
//! Schema of the published OpenAPI definitions, with the `x-kubernetes-*`
//! extensions) read once, on first use, into a [`Model`] keyed by
//! definition name and by group-version-kind.
//!
//! What reads it:
//! - strict decoding of built-in bodies ([`decode`]): Go's wording for a
//!   value of the wrong type, unknown fields for `fieldValidation`;
//! - strategic merge patch (`patch::strategic`): patch merge keys and
//!   strategies;
//! - server-side apply (`ssa`): list types, list-map keys, atomic maps;
//! - the OpenAPI v3 documents of the built-in group-versions
//!   (`discovery::openapi_types`).
//!
//! Nothing here is a hand list of fields: a new Kubernetes version is new
//! data.

pub(crate) mod body_index;
pub(crate) mod decode;
pub(crate) mod go_time;
pub(crate) mod model;

use std::sync::OnceLock;

pub(crate) use model::{DefId, Ext, Field, ListKind, Model, Ty};

/// `_definitions.json`.
pub(crate) const DEFINITIONS_JSON: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../data/kubernetes-1.33/_definitions.json"
));

/// The model of every built-in type, built on first use. A broken data
/// file (which the unit tests would catch) gives an empty model: strict
/// decoding, strategic merge keys and typed apply then fall back to the
/// untyped behaviour rather than taking the server down.
pub(crate) fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        Model::parse(DEFINITIONS_JSON).unwrap_or_else(|e| {
            tracing::error!("built-in types unavailable: {e}");
            Model::empty()
        })
    })
}

/// A place in a type: a field, list items, map values, or a kind's root.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Node<'a> {
    /// The model the node belongs to.
    pub model: &'a Model,
    /// Its type.
    pub ty: &'a Ty,
    /// Its extensions (the field's; a struct's own are in its `Def`).
    pub ext: &'a Ext,
}

static NO_EXT: OnceLock<Ext> = OnceLock::new();

fn no_ext() -> &'static Ext {
    NO_EXT.get_or_init(Ext::default)
}

impl<'a> Node<'a> {
    /// The root of definition `id`.
    pub(crate) fn root(model: &'a Model, id: DefId) -> Node<'a> {
        Node {
            model,
            ty: &model.def(id).self_ty,
            ext: no_ext(),
        }
    }

    fn of(model: &'a Model, f: &'a Field) -> Node<'a> {
        Node {
            model,
            ty: &f.ty,
            ext: &f.ext,
        }
    }

    /// The field `name` of a struct, or the values of a map.
    pub(crate) fn field(&self, name: &str) -> Option<Node<'a>> {
        match self.ty {
            Ty::Struct(id) => self
                .model
                .def(*id)
                .fields
                .get(name)
                .map(|f| Node::of(self.model, f)),
            Ty::Map(f) => Some(Node::of(self.model, f)),
            _ => None,
        }
    }

    /// The items of a list.
    pub(crate) fn items(&self) -> Option<Node<'a>> {
        match self.ty {
            Ty::List(f) => Some(Node::of(self.model, f)),
            _ => None,
        }
    }

    /// Whether the value is replaced as a whole by apply: a struct or map
    /// marked `x-kubernetes-map-type: atomic` (on the field or on the
    /// struct's definition).
    pub(crate) fn map_atomic(&self) -> bool {
        self.ext.map_atomic
            || matches!(self.ty, Ty::Struct(id) if self.model.def(*id).ext.map_atomic)
    }

    /// The list's type for server-side apply: `x-kubernetes-list-type`, or
    /// where the data gives none, what its patch strategy implies (a merge
    /// list with a key is a map, a merge list of scalars a set), else
    /// atomic.
    pub(crate) fn list_kind(&self) -> ListKind {
        if let Some(k) = self.ext.list_type {
            return k;
        }
        if self.ext.patch_strategy.iter().any(|s| s == "merge") {
            return if self.ext.merge_key.is_some() {
                ListKind::Map
            } else {
                ListKind::Set
            };
        }
        ListKind::Atomic
    }

    /// The keys of a map list for server-side apply:
    /// `x-kubernetes-list-map-keys`, else the patch merge key.
    pub(crate) fn list_map_keys(&self) -> Vec<String> {
        if !self.ext.list_map_keys.is_empty() {
            return self.ext.list_map_keys.clone();
        }
        self.ext.merge_key.iter().cloned().collect()
    }
}

/// The root node of the built-in kind `kind` at `api_version`, if the data
/// defines it.
pub(crate) fn kind_node(api_version: &str, kind: &str) -> Option<Node<'static>> {
    let m = model();
    m.by_kind(api_version, kind).map(|id| Node::root(m, id))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn the_vendored_data_has_every_served_kind() {
        let m = model();
        assert!(m.defs.len() > 700, "{}", m.defs.len());
        for row in crate::registry::catalog::rows() {
            for v in &row.versions {
                let av = model::api_version(&row.group, v);
                assert!(
                    m.by_kind(&av, &row.kind).is_some(),
                    "{av} {} has no definition",
                    row.kind
                );
            }
        }
    }

    #[test]
    fn container_ports_have_different_keys_for_patch_and_apply() {
        let pod = kind_node("v1", "Pod").unwrap();
        let ports = pod
            .field("spec")
            .and_then(|s| s.field("containers"))
            .and_then(|c| c.items())
            .and_then(|c| c.field("ports"))
            .unwrap();
        assert_eq!(ports.ext.merge_key.as_deref(), Some("containerPort"));
        assert_eq!(ports.list_map_keys(), ["containerPort", "protocol"]);
        assert_eq!(ports.list_kind(), ListKind::Map);
        let selector = kind_node("apps/v1", "Deployment")
            .and_then(|d| d.field("spec"))
            .and_then(|s| s.field("selector"))
            .unwrap();
        assert!(selector.map_atomic(), "LabelSelector is atomic");
    }

    fn rss_kib() -> u64 {
        std::fs::read_to_string("/proc/self/status")
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }

    /// The cost of the model, run by hand (`--ignored --nocapture`): parse
    /// time and the resident memory it keeps.
    #[test]
    #[ignore = "a measurement, run by hand"]
    fn model_parse_time_and_rss() {
        let before = rss_kib();
        let t = std::time::Instant::now();
        let m = Model::parse(DEFINITIONS_JSON).unwrap();
        let took = t.elapsed();
        let after = rss_kib();
        println!(
            "types model: {} definitions parsed in {took:?}; RSS {before} KiB before, {after} KiB after (+{} KiB)",
            m.defs.len(),
            after.saturating_sub(before)
        );
        let again = Model::parse(DEFINITIONS_JSON).unwrap();
        println!(
            "a second model: RSS {} KiB (what one model keeps, the parse's transient memory reused)",
            rss_kib()
        );
        drop(again);
        let t = std::time::Instant::now();
        let doc = crate::discovery::openapi_types::closure(["io.k8s.api.core.v1.Pod"]);
        println!(
            "openapi conversion of every definition + Pod closure ({} schemas): {:?}; RSS now {} KiB",
            doc.len(),
            t.elapsed(),
            rss_kib()
        );
        assert!(!m.defs.is_empty());
    }
}
