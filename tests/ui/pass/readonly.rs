// `readonly` keeps get, list and watch; skip_verbs can remove more.
use client_core::{ObjectMeta, Resource};
use serde::{Deserialize, Serialize};

#[derive(Resource, Serialize, Deserialize)]
#[resource(group = "audit.example.com", version = "v1", readonly, skip_verbs(watch))]
pub struct Record {
    metadata: ObjectMeta,
}

fn main() {
    let _ = RecordClient::get;
    let _ = RecordClient::list;
    let _ = RecordClient::list_pages;
    let _ = RecordAllNamespacesClient::list;
}
