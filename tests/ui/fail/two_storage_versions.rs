// versions(..): exactly one version of a CRD says `storage`
use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "stable.example.com", version = "v1", kind = "CronTab", storage, versions(CronTabV1beta1))]
pub struct CronTab {
    metadata: ObjectMeta,
}

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "stable.example.com", version = "v1beta1", kind = "CronTab", storage)]
pub struct CronTabV1beta1 {
    metadata: ObjectMeta,
}

fn main() {
    let _ = CronTab::crd();
}
