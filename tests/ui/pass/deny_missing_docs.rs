//! A crate that denies missing docs and all warnings still compiles with the derives.
#![deny(missing_docs, warnings)]

use client_core::{ObjectMeta, RestClient};
use serde::{Deserialize, Serialize};

/// A documented resource.
#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(
    group = "docs.example.com",
    version = "v1",
    status,
    scale(spec_replicas_path = ".spec.replicas", status_replicas_path = ".status.replicas"),
    method(name = "logs", verb = "get", subresource = "log", result = "String")
)]
pub struct Widget {
    /// Metadata.
    pub metadata: ObjectMeta,
    /// Status.
    pub status: Option<String>,
}

/// A documented cluster resource.
#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "docs.example.com", version = "v1", cluster)]
pub struct Gadget {
    /// Metadata.
    pub metadata: ObjectMeta,
}

/// A documented readonly resource: its hidden write stand-ins need no docs.
#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(group = "docs.example.com", version = "v1", readonly, status)]
pub struct Record {
    /// Metadata.
    pub metadata: ObjectMeta,
    /// Status.
    pub status: Option<String>,
}

/// The clientset.
#[derive(client_core::Clientset)]
#[clientset(group = "docs.example.com", version = "v1", resources(Widget, Record), cluster_resources(Gadget))]
pub struct Clientset(RestClient);

fn main() {}
