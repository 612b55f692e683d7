// only_verbs(create, get): delete does not exist
use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "tokens.example.com", version = "v1", only_verbs(create, get))]
pub struct TokenReview {
    metadata: ObjectMeta,
}

fn main() {
    let _ = TokenReviewClient::delete;
}
