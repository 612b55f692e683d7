// only_verbs(update_status) without status
use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "a.example.com", version = "v1", only_verbs(get, update_status))]
pub struct Thing {
    metadata: ObjectMeta,
}

fn main() {}
