//! `autoscaling/v1` `Scale`: the body of the `/scale` subresource.

use serde::{Deserialize, Serialize};

use crate::ObjectMeta;
use crate::meta::serde_util::str_is_empty;

/// The `apiVersion` of [`Scale`].
pub const SCALE_API_VERSION: &str = "autoscaling/v1";
/// The `kind` of [`Scale`].
pub const SCALE_KIND: &str = "Scale";

/// A resource's replica count as seen through `/scale` (`autoscaling/v1` `Scale`).
///
/// Not a [`Resource`](crate::Resource) (it has no URL of its own); it carries
/// `apiVersion` and `kind` as plain fields, which default to `autoscaling/v1`
/// and `Scale` so a value built in Rust serializes correctly.
///
/// ```
/// use client_core::api::Scale;
///
/// let s = Scale::replicas(3);
/// assert_eq!(
///     serde_json::to_string(&s).unwrap(),
///     r#"{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{},"spec":{"replicas":3},"status":{"replicas":0}}"#,
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Scale {
    /// Always `autoscaling/v1`.
    #[serde(default = "default_api_version")]
    pub api_version: String,
    /// Always `Scale`.
    #[serde(default = "default_kind")]
    pub kind: String,
    /// The scaled object's metadata (name, namespace, resourceVersion).
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// The desired replicas.
    #[serde(default)]
    pub spec: ScaleSpec,
    /// The observed replicas and selector.
    #[serde(default)]
    pub status: ScaleStatus,
}

fn default_api_version() -> String {
    SCALE_API_VERSION.to_owned()
}

fn default_kind() -> String {
    SCALE_KIND.to_owned()
}

impl Default for Scale {
    fn default() -> Self {
        Self {
            api_version: default_api_version(),
            kind: default_kind(),
            metadata: ObjectMeta::default(),
            spec: ScaleSpec::default(),
            status: ScaleStatus::default(),
        }
    }
}

impl Scale {
    /// A scale asking for `replicas`.
    pub fn replicas(replicas: i32) -> Self {
        Self {
            spec: ScaleSpec {
                replicas: Some(replicas),
            },
            ..Self::default()
        }
    }
}

/// The desired state of a [`Scale`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScaleSpec {
    /// The desired number of replicas. `Some(0)` is written as `0` (Go omits a
    /// zero, which the server reads the same way).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
}

/// The observed state of a [`Scale`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScaleStatus {
    /// The observed number of replicas.
    #[serde(default)]
    pub replicas: i32,
    /// The label selector of the pods, as a string (`app=web`).
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub selector: Option<String>,
}
