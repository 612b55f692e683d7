// a version not of the form v1, v1beta2, v2alpha1
use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "a.example.com", version = "1.0")]
pub struct Thing {
    metadata: ObjectMeta,
}

fn main() {}
