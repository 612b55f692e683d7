// no_crd: the kind has no crd() (built-in kinds are not custom resources)
use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "coordination.example.com", version = "v1", no_crd)]
pub struct Lease {
    metadata: ObjectMeta,
}

fn main() {
    let _ = Lease::crd();
}
