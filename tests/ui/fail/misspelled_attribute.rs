// an unknown key, with the closest valid one suggested
use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "a.example.com", version = "v1", namespace)]
pub struct Thing {
    metadata: ObjectMeta,
}

fn main() {}
