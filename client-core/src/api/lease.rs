//! [`Lease`] (coordination.k8s.io/v1).

use serde::{Deserialize, Serialize};

use crate::{MicroTime, ObjectMeta};

/// A lease for leader election or heartbeats (coordination.k8s.io/v1 `Lease`).
#[derive(client_derive::Resource, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[resource(crate = "crate", group = "coordination.k8s.io", version = "v1", no_crd)]
pub struct Lease {
    /// Standard metadata.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// The holder and timing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<LeaseSpec>,
}

/// The spec of a [`Lease`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LeaseSpec {
    /// The current holder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder_identity: Option<String>,
    /// How long candidates wait before taking over, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_duration_seconds: Option<i32>,
    /// When the current holder acquired the lease.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acquire_time: Option<MicroTime>,
    /// When the holder last renewed the lease.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renew_time: Option<MicroTime>,
    /// How many times the lease changed hands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_transitions: Option<i32>,
    /// The coordinated leader election strategy, such as `OldestEmulationVersion`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<String>,
    /// The holder that should take the lease next (coordinated leader election).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_holder: Option<String>,
}
