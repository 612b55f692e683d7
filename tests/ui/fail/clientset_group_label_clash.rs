// two groups with the same first label need name = ".."
use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "stable.example.com", version = "v1")]
pub struct CronTab {
    metadata: ObjectMeta,
}

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "stable.other.io", version = "v1")]
pub struct Widget {
    metadata: ObjectMeta,
}

#[derive(client_core::Clientset)]
#[clientset(group = "stable.example.com", version = "v1", resources(CronTab))]
#[clientset(group = "stable.other.io", version = "v1", resources(Widget))]
pub struct Clientset(client_core::RestClient);

fn main() {}
