// a tuple struct
use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "a.example.com", version = "v1")]
pub struct Thing(ObjectMeta);

fn main() {}
