// a kind that is not CamelCase
use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "a.example.com", version = "v1", kind = "thing")]
pub struct Thing {
    metadata: ObjectMeta,
}

fn main() {}
