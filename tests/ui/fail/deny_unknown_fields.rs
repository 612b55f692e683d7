// serde(deny_unknown_fields) is rejected: the wire carries apiVersion and kind
use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "a.example.com", version = "v1")]
#[serde(deny_unknown_fields)]
pub struct Thing {
    metadata: ObjectMeta,
}

fn main() {}
