// a custom method with a verb the core cannot send
use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "a.example.com", version = "v1", method(name = "logs", verb = "list", subresource = "log"))]
pub struct Thing {
    metadata: ObjectMeta,
}

fn main() {}
