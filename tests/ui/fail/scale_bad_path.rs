// scale paths must be JSON paths under .spec / .status
use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "a.example.com", version = "v1", scale(spec_replicas_path = "spec.replicas", status_replicas_path = ".status.replicas"))]
pub struct Thing {
    metadata: ObjectMeta,
}

fn main() {}
