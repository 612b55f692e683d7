// no_verbs: like client-go's Evictions(ns), only the custom method remains.
use client_core::{ObjectMeta, Resource};
use serde::{Deserialize, Serialize};

#[derive(Resource, Serialize, Deserialize)]
#[resource(
    group = "policy.example.com",
    version = "v1",
    no_verbs,
    method(name = "evict", verb = "create", subresource = "eviction")
)]
pub struct Eviction {
    metadata: ObjectMeta,
}

fn main() {
    let _ = EvictionClient::evict;
    let _ = EvictionClient::rest_client;
}
