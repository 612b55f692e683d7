// a #[clientset] version is checked with the Resource derive's rule and wording
use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "stable.example.com", version = "v1")]
pub struct CronTab {
    metadata: ObjectMeta,
}

#[derive(client_core::Clientset)]
#[clientset(group = "stable.example.com", version = "1", resources(CronTab))]
pub struct Clientset(client_core::RestClient);

fn main() {}
