// no `scale(..)`: get_scale does not exist, and the error says what to add
use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "apps.example.com", version = "v1")]
pub struct Workload {
    metadata: ObjectMeta,
}

async fn scale_of(client: &WorkloadClient) {
    let _ = client.get_scale("web", &client_core::GetOptions::default()).await;
}

fn main() {
    let _ = scale_of;
}
