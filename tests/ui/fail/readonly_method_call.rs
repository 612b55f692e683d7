// a write through a method call on a readonly kind's client (status too)
use client_core::{ObjectMeta, UpdateOptions};
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "audit.example.com", version = "v1", readonly, status)]
pub struct AuditRecord {
    metadata: ObjectMeta,
    status: Option<String>,
}

async fn write(client: &AuditRecordClient, record: &AuditRecord) {
    let _ = client.update_status(record, &UpdateOptions::default()).await;
}

fn main() {
    let _ = write;
}
