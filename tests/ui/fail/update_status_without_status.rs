// no `status`: update_status does not exist
use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "a.example.com", version = "v1")]
pub struct Thing {
    metadata: ObjectMeta,
    status: Option<String>,
}

fn main() {
    let _ = ThingClient::update_status;
}
