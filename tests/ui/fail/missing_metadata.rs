// a struct without a metadata field
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "a.example.com", version = "v1")]
pub struct Thing {
    spec: String,
}

fn main() {}
