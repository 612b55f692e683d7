// readonly with a write verb in only_verbs
use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "a.example.com", version = "v1", readonly, only_verbs(get, update))]
pub struct Thing {
    metadata: ObjectMeta,
}

fn main() {}
