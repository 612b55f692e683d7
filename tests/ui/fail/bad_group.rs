// a group that is not a DNS-1123 subdomain
use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "Stable_Example.com", version = "v1")]
pub struct Thing {
    metadata: ObjectMeta,
}

fn main() {}
