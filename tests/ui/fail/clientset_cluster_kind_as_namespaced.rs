// a cluster-scoped kind listed in resources(..), whose getters take a namespace
use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "infra.example.com", version = "v1", cluster)]
pub struct Cluster {
    metadata: ObjectMeta,
}

#[derive(client_core::Clientset)]
#[clientset(group = "infra.example.com", version = "v1", resources(Cluster))]
pub struct Clientset(client_core::RestClient);

fn main() {}
