//! [`Namespace`] (core/v1), cluster-scoped, with its spec, status and conditions.

use serde::{Deserialize, Serialize};

use crate::meta::serde_util::{null_as_default, str_is_empty};
use crate::{ObjectMeta, Time};

/// A namespace (core/v1 `Namespace`), cluster-scoped.
#[derive(client_derive::Resource, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[resource(
    crate = "crate",
    group = "",
    version = "v1",
    short_names("ns"),
    cluster,
    status
)]
pub struct Namespace {
    /// Standard metadata.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// The finalizers that must run before the namespace is removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<NamespaceSpec>,
    /// The phase (`Active` or `Terminating`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<NamespaceStatus>,
}

impl Namespace {
    /// A namespace with only a name.
    pub fn named(name: impl Into<String>) -> Self {
        Self {
            metadata: ObjectMeta::named(name),
            ..Self::default()
        }
    }

    /// The phase, if the server reported one.
    pub fn phase(&self) -> Option<&str> {
        self.status.as_ref().and_then(|s| s.phase.as_deref())
    }
}

/// The spec of a [`Namespace`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamespaceSpec {
    /// Finalizers (such as `kubernetes`) that must be emptied before removal.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub finalizers: Vec<String>,
}

/// The status of a [`Namespace`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamespaceStatus {
    /// `Active` or `Terminating`.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub phase: Option<String>,
    /// Conditions such as `NamespaceContentRemaining`.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub conditions: Vec<NamespaceCondition>,
}

/// A condition of a [`Namespace`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NamespaceCondition {
    /// The condition type.
    #[serde(default, rename = "type")]
    pub type_: String,
    /// `True`, `False` or `Unknown`.
    #[serde(default)]
    pub status: String,
    /// When the condition last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<Time>,
    /// A machine-readable reason.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub reason: Option<String>,
    /// A human-readable message.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub message: Option<String>,
}
