// a cluster-scoped kind has no all-namespaces client
use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "infra.example.com", version = "v1", cluster)]
pub struct Cluster {
    metadata: ObjectMeta,
}

fn main() {
    let _ = Cluster::all_namespaces;
}
