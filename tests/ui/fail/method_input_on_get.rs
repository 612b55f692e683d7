// a get method sends no body: `input` is refused
use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "a.example.com", version = "v1",
           method(name = "logs", verb = "get", subresource = "log", input = "String"))]
pub struct Thing {
    metadata: ObjectMeta,
}

fn main() {}
