// a printer column type outside the OpenAPI types
use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "a.example.com", version = "v1", printer_column(name = "Age", type = "datetime", json_path = ".metadata.creationTimestamp"))]
pub struct Thing {
    metadata: ObjectMeta,
}

fn main() {}
