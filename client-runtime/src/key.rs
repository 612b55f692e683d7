//! [`ObjectKey`]: namespace and name, the identity a cache and a queue use.

use std::fmt;

use client_core::Resource;

/// An object's namespace (`None` for cluster-scoped kinds) and name.
///
/// Displays as client-go's `MetaNamespaceKeyFunc` does: `namespace/name`, or
/// `name` alone for cluster-scoped objects.
///
/// ```
/// use client_runtime::ObjectKey;
/// assert_eq!(ObjectKey::namespaced("default", "web").to_string(), "default/web");
/// assert_eq!(ObjectKey::cluster("node-1").to_string(), "node-1");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectKey {
    /// The namespace; `None` for cluster-scoped objects.
    pub namespace: Option<String>,
    /// The name.
    pub name: String,
}

impl ObjectKey {
    /// The key of a namespaced object.
    pub fn namespaced(namespace: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            namespace: Some(namespace.into()),
            name: name.into(),
        }
    }

    /// The key of a cluster-scoped object.
    pub fn cluster(name: impl Into<String>) -> Self {
        Self {
            namespace: None,
            name: name.into(),
        }
    }

    /// The key of `obj`, from its metadata (an empty namespace counts as none).
    pub fn of<K: Resource>(obj: &K) -> Self {
        Self {
            namespace: crate::meta_access::namespace(obj).map(str::to_owned),
            name: crate::meta_access::name(obj).to_owned(),
        }
    }
}

impl fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{ns}/{}", self.name),
            None => f.write_str(&self.name),
        }
    }
}
