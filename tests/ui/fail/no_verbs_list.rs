// no_verbs: not even list
use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "policy.example.com", version = "v1", no_verbs,
           method(name = "evict", verb = "create", subresource = "eviction"))]
pub struct Eviction {
    metadata: ObjectMeta,
}

fn main() {
    let _ = EvictionClient::list;
}
