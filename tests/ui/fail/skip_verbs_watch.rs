// skip_verbs(watch): watch does not exist, on either client
use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "a.example.com", version = "v1", skip_verbs(watch))]
pub struct Thing {
    metadata: ObjectMeta,
}

fn main() {
    let _ = ThingClient::watch;
    let _ = ThingAllNamespacesClient::watch;
}
