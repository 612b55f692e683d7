// a resource listed under a group-version it does not belong to: one error
// that names where it belongs
use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "monitoring.example.com", version = "v1", kind = "ServiceMonitor")]
pub struct ServiceMonitor {
    metadata: ObjectMeta,
}

#[derive(client_core::Clientset)]
#[clientset(group = "stable.example.com", version = "v2", resources(ServiceMonitor))]
pub struct Clientset(client_core::RestClient);

fn main() {}
