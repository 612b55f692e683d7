// the all-namespaces client has list and watch only
use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "a.example.com", version = "v1")]
pub struct Thing {
    metadata: ObjectMeta,
}

fn main() {
    let _ = ThingAllNamespacesClient::create;
}
