// schema: a tuple field has no structural schema (a Kubernetes list has one item schema)
use client_core::ObjectMeta;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, JsonSchema, Serialize, Deserialize)]
#[resource(group = "stable.example.com", version = "v1", schema)]
pub struct CronTab {
    metadata: ObjectMeta,
    window: (u32, String),
}

fn main() {}
