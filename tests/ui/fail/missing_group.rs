// group is required ("" for the core group)
use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(version = "v1")]
pub struct Thing {
    metadata: ObjectMeta,
}

fn main() {}
