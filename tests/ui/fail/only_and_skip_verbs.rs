// only_verbs and skip_verbs together
use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "a.example.com", version = "v1", only_verbs(get), skip_verbs(list))]
pub struct Thing {
    metadata: ObjectMeta,
}

fn main() {}
