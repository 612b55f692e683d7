// validation(..): a CEL rule needs the generated schema to live in
use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(
    group = "stable.example.com",
    version = "v1",
    validation(rule = "self.spec.replicas <= 10", message = "at most 10")
)]
pub struct CronTab {
    metadata: ObjectMeta,
    spec: serde_json::Value,
}

fn main() {}
