// a singular that is not a lowercase DNS-1035 label
use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "a.example.com", version = "v1", singular = "the_thing")]
pub struct Thing {
    metadata: ObjectMeta,
}

fn main() {}
