// no_verbs with skip_verbs
use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "a.example.com", version = "v1", no_verbs, skip_verbs(watch))]
pub struct Thing {
    metadata: ObjectMeta,
}

fn main() {}
