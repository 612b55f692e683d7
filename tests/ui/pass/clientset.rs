// A Clientset: accessors per group-version (group + version, or api_version),
// getters per plural, overrides.
use client_core::{ObjectMeta, RestClient};
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "stable.example.com", version = "v1")]
pub struct CronTab {
    metadata: ObjectMeta,
}

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "stable.example.com", version = "v1", plural = "policyset")]
pub struct Policy {
    metadata: ObjectMeta,
}

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "infra.example.com", version = "v1", cluster)]
pub struct Cluster {
    metadata: ObjectMeta,
}

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "stable.other.io", version = "v1alpha1")]
pub struct Other {
    metadata: ObjectMeta,
}

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "", version = "v1", kind = "ConfigMap")]
pub struct Cm {
    metadata: ObjectMeta,
}

#[derive(client_core::Clientset)]
#[clientset(group = "stable.example.com", version = "v1", resources(CronTab, Policy = "policyset"))]
#[clientset(api_version = "infra.example.com/v1", cluster_resources(Cluster))]
#[clientset(group = "stable.other.io", version = "v1alpha1", resources(Other), name = "other_v1alpha1")]
#[clientset(group = "", version = "v1", resources(Cm = "configmaps"))]
pub struct Clientset(RestClient);

#[allow(dead_code)]
fn use_it(cs: &Clientset) {
    let _: CronTabClient = cs.stable_v1().crontabs("default");
    let _: CronTabAllNamespacesClient = cs.stable_v1().crontabs_all();
    let _: PolicyClient = cs.stable_v1().policyset("default");
    let _: ClusterClient = cs.infra_v1().clusters();
    let _: OtherClient = cs.other_v1alpha1().others("ns");
    let _: CmClient = cs.core_v1().configmaps("kube-system");
    let _: &RestClient = cs.rest_client();
}

fn main() {
    let _ = Clientset::new;
}
