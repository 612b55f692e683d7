//! The Clientset of the built-in kinds `client-core` ships, declared with the
//! same derive users write for their own kinds.

use crate::api::{ConfigMap, CustomResourceDefinition, Event, Lease, Namespace, Secret};
use crate::client::RestClient;

/// Typed clients for the built-in kinds, grouped like client-go's `kubernetes.Clientset`.
///
/// client-go's `clientset.CoreV1().ConfigMaps("default").List(ctx, opts)` reads:
///
/// ```no_run
/// # async fn demo(config: client_core::Config) -> client_core::Result<()> {
/// use client_core::{BuiltinClientset, RestClient};
/// use client_core::ListOptions;
///
/// let cs = BuiltinClientset::new(RestClient::new(config)?);
/// let configmaps = cs.core_v1().configmaps("default").list(&ListOptions::default()).await?;
/// let leases = cs.coordination_v1().leases("kube-system").list(&ListOptions::default()).await?;
/// let crds = cs.apiextensions_v1().customresourcedefinitions().list(&ListOptions::default()).await?;
/// println!("{} {} {}", configmaps.items.len(), leases.items.len(), crds.items.len());
/// # Ok(()) }
/// ```
///
/// Which to use: this one for the six kinds client-core ships, with no
/// k8s-openapi in the build (a CRD-only operator compiles nothing more);
/// `client_core::k8s::K8sClientset` (feature `k8s-openapi`) for every built-in
/// kind of Kubernetes 1.33 with k8s-openapi's types (`Pod`, `Deployment`, ...).
///
/// It is not called `Clientset`: that name belongs to the derive, so that a
/// user crate can `use client_core::Clientset;` and declare its own
/// `pub struct BuiltinClientset(RestClient);` as client-go users expect.
#[derive(client_derive::Clientset)]
#[clientset(
    crate = "crate",
    api_version = "v1",
    resources(ConfigMap, Secret, Event),
    cluster_resources(Namespace)
)]
#[clientset(api_version = "coordination.k8s.io/v1", resources(Lease))]
#[clientset(
    api_version = "apiextensions.k8s.io/v1",
    cluster_resources(CustomResourceDefinition)
)]
pub struct BuiltinClientset(RestClient);

impl std::fmt::Debug for BuiltinClientset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("BuiltinClientset").field(&self.0).finish()
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;
    use crate::{Config, Resource};

    #[test]
    fn getters_reach_the_right_kinds() {
        let cs = BuiltinClientset::from_config(Config::new(
            "https://127.0.0.1:6443".parse().expect("static url"),
        ))
        .expect("plain config builds");
        assert_eq!(cs.core_v1().configmaps("default").namespace(), "default");
        assert_eq!(cs.core_v1().secrets("a").namespace(), "a");
        assert_eq!(cs.core_v1().events("b").namespace(), "b");
        let _ = cs.core_v1().namespaces();
        let _ = cs.core_v1().configmaps_all();
        assert_eq!(
            cs.coordination_v1().leases("kube-system").namespace(),
            "kube-system"
        );
        let _ = cs.apiextensions_v1().customresourcedefinitions();
        assert_eq!(Namespace::PLURAL, "namespaces");
        assert_eq!(CustomResourceDefinition::SHORT_NAMES, ["crd", "crds"]);
    }
}
