// a cluster-scoped kind takes no namespace
use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "infra.example.com", version = "v1", cluster)]
pub struct Cluster {
    metadata: ObjectMeta,
}

fn build(rest: &client_core::RestClient) -> ClusterClient {
    Cluster::client(rest, "default")
}

fn main() {
    let _ = build;
}
