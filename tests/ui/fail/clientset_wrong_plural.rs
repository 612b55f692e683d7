// the clientset's getter assumes the default plural, the resource overrides it
use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "stable.example.com", version = "v1", plural = "crontabz")]
pub struct CronTab {
    metadata: ObjectMeta,
}

#[derive(client_core::Clientset)]
#[clientset(group = "stable.example.com", version = "v1", resources(CronTab))]
pub struct Clientset(client_core::RestClient);

fn main() {}
