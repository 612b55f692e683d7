// a bad attribute gives one error, not a cascade in code that uses the client
use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "a.example.com", version = "v1", plurall = "things")]
pub struct Thing {
    metadata: ObjectMeta,
}

fn use_it(rest: &client_core::RestClient) {
    let _ = Thing::client(rest, "default").get("x", &Default::default());
}

fn main() {
    let _ = use_it;
}
