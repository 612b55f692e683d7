//! The `Memcached` custom resource (`cache.example.com/v1alpha1`): spec,
//! status and CRD, the schema generated from these Rust types.

use client_core::{ObjectMeta, Resource};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The image a [`Memcached`] runs when its spec names none.
pub const DEFAULT_IMAGE: &str = "memcached:1.6-alpine";

/// A memcached cluster: a Deployment of `spec.size` pods and a Service.
#[derive(Resource, JsonSchema, Clone, Debug, Serialize, Deserialize)]
#[resource(
    group = "cache.example.com",
    version = "v1alpha1",
    kind = "Memcached",
    namespaced,
    status,
    schema
)]
pub struct Memcached {
    /// Standard object metadata.
    pub metadata: ObjectMeta,
    /// What the user asks for.
    pub spec: MemcachedSpec,
    /// What the operator observed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<MemcachedStatus>,
}

/// The desired state of a [`Memcached`].
#[derive(JsonSchema, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemcachedSpec {
    /// How many memcached pods to run (1 to 5: the server refuses others).
    #[schemars(range(min = 1, max = 5))]
    pub size: i32,
    /// The container image; the server fills in the default when it is left out.
    #[serde(default = "default_image")]
    pub image: String,
}

/// The observed state of a [`Memcached`].
#[derive(JsonSchema, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemcachedStatus {
    /// The names of the memcached pods, sorted.
    #[serde(default)]
    pub nodes: Vec<String>,
}

fn default_image() -> String {
    DEFAULT_IMAGE.to_owned()
}

impl Memcached {
    /// A `Memcached` named `name` of `size` pods running the default image.
    pub fn new(name: &str, size: i32) -> Self {
        Self {
            metadata: ObjectMeta::named(name),
            spec: MemcachedSpec {
                size,
                image: default_image(),
            },
            status: None,
        }
    }
}
