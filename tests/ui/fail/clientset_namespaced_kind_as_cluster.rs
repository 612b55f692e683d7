// a namespaced kind listed in cluster_resources(..), whose getter takes no namespace
use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "stable.example.com", version = "v1")]
pub struct CronTab {
    metadata: ObjectMeta,
}

#[derive(client_core::Clientset)]
#[clientset(group = "stable.example.com", version = "v1", cluster_resources(CronTab))]
pub struct Clientset(client_core::RestClient);

fn main() {}
