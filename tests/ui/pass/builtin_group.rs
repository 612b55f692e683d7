// A built-in group without a dot (`apps`, `batch`) is valid with `no_crd`, and
// in a Clientset: only a CRD's group needs a dot.
use client_core::{ObjectMeta, Resource, RestClient};
use serde::{Deserialize, Serialize};

#[derive(Resource, Serialize, Deserialize)]
#[resource(group = "apps", version = "v1", no_crd)]
pub struct Deployment {
    metadata: ObjectMeta,
}

#[derive(client_core::Clientset)]
#[clientset(api_version = "apps/v1", resources(Deployment))]
pub struct Clientset(RestClient);

fn main() {
    assert_eq!(Deployment::API_VERSION, "apps/v1");
    let _ = |cs: &Clientset| cs.apps_v1().deployments("default");
}
