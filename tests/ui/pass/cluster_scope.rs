// `cluster`: no namespace anywhere, and no all-namespaces client.
use client_core::{Cluster, ClusterResourceClient, ObjectMeta, Resource, RestClient};
use serde::{Deserialize, Serialize};

#[derive(Resource, Serialize, Deserialize)]
#[resource(group = "infra.example.com", version = "v1", cluster)]
pub struct Cluster1 {
    metadata: ObjectMeta,
}

fn cluster<K: Resource<Scope = Cluster> + ClusterResourceClient>() {}

#[allow(dead_code)]
fn build(rest: &RestClient) -> Cluster1Client {
    let _ = Cluster1Client::new(rest.clone());
    Cluster1::client(rest)
}

fn main() {
    cluster::<Cluster1>();
    assert_eq!(Cluster1::PLURAL, "cluster1s");
}
