// cluster and namespaced together
use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "a.example.com", version = "v1", namespaced, cluster)]
pub struct Thing {
    metadata: ObjectMeta,
}

fn main() {}
