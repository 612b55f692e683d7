// a Clientset holds the REST client as its only, unnamed field
use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "stable.example.com", version = "v1")]
pub struct CronTab {
    metadata: ObjectMeta,
}

#[derive(client_core::Clientset)]
#[clientset(group = "stable.example.com", version = "v1", resources(CronTab))]
pub struct Clientset {
    client: client_core::RestClient,
}

fn main() {}
