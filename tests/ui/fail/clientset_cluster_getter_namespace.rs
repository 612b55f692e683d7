// the getter of a cluster-scoped kind takes no namespace
use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "infra.example.com", version = "v1", cluster)]
pub struct Cluster {
    metadata: ObjectMeta,
}

#[derive(client_core::Clientset)]
#[clientset(group = "infra.example.com", version = "v1", cluster_resources(Cluster))]
pub struct Clientset(client_core::RestClient);

fn use_it(cs: &Clientset) {
    let _ = cs.infra_v1().clusters("default");
}

fn main() {
    let _ = use_it;
}
