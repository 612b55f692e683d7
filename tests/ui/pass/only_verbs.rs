// only_verbs keeps exactly the listed verbs.
use client_core::{ObjectMeta, Resource};
use serde::{Deserialize, Serialize};

#[derive(Resource, Serialize, Deserialize)]
#[resource(group = "tokens.example.com", version = "v1", only_verbs(create, get))]
pub struct TokenReview {
    metadata: ObjectMeta,
}

fn main() {
    let _ = TokenReviewClient::create;
    let _ = TokenReviewClient::get;
}
