// a metadata field of the wrong type
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "a.example.com", version = "v1")]
pub struct Thing {
    metadata: String,
}

fn main() {}
