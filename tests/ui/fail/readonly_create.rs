// calling create on a readonly kind: the method does not exist
use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "audit.example.com", version = "v1", readonly)]
pub struct Record {
    metadata: ObjectMeta,
}

fn main() {
    let _ = RecordClient::create;
}
