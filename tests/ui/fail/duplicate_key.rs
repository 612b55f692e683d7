// a key given twice
use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "a.example.com", version = "v1", plural = "things", plural = "thingies")]
pub struct Thing {
    metadata: ObjectMeta,
}

fn main() {}
