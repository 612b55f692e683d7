// schema: the type must implement schemars::JsonSchema
use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "stable.example.com", version = "v1", schema)]
pub struct CronTab {
    metadata: ObjectMeta,
}

fn main() {}
