//! The registry layer: the served kinds (`kind`, `builtins`, `crd`,
//! `hooks`), the write path over the store (`Backend` in `backend`, one
//! file per verb), namespace lifecycle and the writer of a request
//! (field manager, schema admission, managedFields).
//!
//! [`Registry`] is the set of served resources: built-ins plus those CRDs
//! define.

mod apply;
pub(crate) mod backend;
pub(crate) mod builtins;
pub(crate) mod catalog;
pub(crate) mod crd;
mod create;
mod delete;
pub(crate) mod delete_options;
pub(crate) mod hooks;
pub(crate) mod kind;
pub(crate) mod kinds;
pub(crate) mod namespaces;
pub(crate) mod read;
mod reviews;
mod scale;
pub(crate) mod subresources;
pub(crate) mod update;
pub(crate) mod writer;

pub(crate) use backend::Backend;

use std::sync::{Arc, RwLock};

use crate::registry::kind::ResourceKind;

/// The served resources; cheap to clone.
#[derive(Clone, Default)]
pub(crate) struct Registry {
    kinds: Arc<RwLock<Vec<Arc<ResourceKind>>>>,
}

impl Registry {
    /// A registry with the built-in resources.
    pub(crate) fn with_builtins() -> Registry {
        let r = Registry::default();
        for mut k in builtins::builtins() {
            kinds::customize(&mut k);
            r.register(k);
        }
        r
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Vec<Arc<ResourceKind>>> {
        self.kinds.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Serves `kind`, replacing a resource of the same group and plural.
    pub(crate) fn register(&self, kind: ResourceKind) {
        let mut w = self.kinds.write().unwrap_or_else(|e| e.into_inner());
        w.retain(|k| !(k.group == kind.group && k.plural == kind.plural));
        w.push(Arc::new(kind));
    }

    /// Stops serving `group`/`plural`.
    pub(crate) fn unregister(&self, group: &str, plural: &str) {
        let mut w = self.kinds.write().unwrap_or_else(|e| e.into_inner());
        w.retain(|k| !(k.group == group && k.plural == plural));
    }

    /// The resource served at `group`/`version`/`plural`.
    pub(crate) fn lookup(
        &self,
        group: &str,
        version: &str,
        plural: &str,
    ) -> Option<Arc<ResourceKind>> {
        self.read()
            .iter()
            .find(|k| {
                k.group == group && k.plural == plural && k.versions.iter().any(|v| v == version)
            })
            .cloned()
    }

    /// The resource `group`/`plural` at any version.
    pub(crate) fn by_resource(&self, group: &str, plural: &str) -> Option<Arc<ResourceKind>> {
        self.read()
            .iter()
            .find(|k| k.group == group && k.plural == plural)
            .cloned()
    }

    /// Every served resource.
    pub(crate) fn all(&self) -> Vec<Arc<ResourceKind>> {
        self.read().clone()
    }
}
