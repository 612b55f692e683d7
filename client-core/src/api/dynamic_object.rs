//! Untyped access: [`ApiResource`] names a resource at run time and
//! [`DynamicObject`] holds any object.
//!
//! This is the path for kinds without a Rust type; it uses
//! `#[serde(flatten)]` into a `serde_json::Value`, which typed resources avoid.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::ObjectMeta;
use crate::meta::serde_util::str_is_empty;
use crate::resource::{Resource, Scope};

/// A resource's identity known at run time: group, version, kind, plural and scope.
///
/// ```
/// use client_core::api::ApiResource;
/// use client_core::api::ConfigMap;
///
/// let cm = ApiResource::of::<ConfigMap>();
/// assert_eq!((cm.api_version.as_str(), cm.plural.as_str(), cm.namespaced), ("v1", "configmaps", true));
///
/// let ct = ApiResource::new("stable.example.com", "v1", "CronTab", "crontabs", true);
/// assert_eq!(ct.api_version, "stable.example.com/v1");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ApiResource {
    /// The API group; `""` for the core group.
    pub group: String,
    /// The version.
    pub version: String,
    /// `group/version`, or `version` for the core group.
    pub api_version: String,
    /// The kind.
    pub kind: String,
    /// The plural used in URLs.
    pub plural: String,
    /// `true` if objects live in namespaces.
    pub namespaced: bool,
}

impl ApiResource {
    /// An `ApiResource` from its parts; `api_version` is derived from group and version.
    pub fn new(
        group: impl Into<String>,
        version: impl Into<String>,
        kind: impl Into<String>,
        plural: impl Into<String>,
        namespaced: bool,
    ) -> Self {
        let group = group.into();
        let version = version.into();
        let api_version = if group.is_empty() {
            version.clone()
        } else {
            format!("{group}/{version}")
        };
        Self {
            group,
            version,
            api_version,
            kind: kind.into(),
            plural: plural.into(),
            namespaced,
        }
    }

    /// The identity of a typed [`Resource`].
    pub fn of<K: Resource>() -> Self {
        Self {
            group: K::GROUP.to_owned(),
            version: K::VERSION.to_owned(),
            api_version: K::API_VERSION.to_owned(),
            kind: K::KIND.to_owned(),
            plural: K::PLURAL.to_owned(),
            namespaced: <K::Scope as Scope>::NAMESPACED,
        }
    }
}

/// Any Kubernetes object, with its metadata typed and everything else as JSON.
///
/// ```
/// use client_core::api::{ApiResource, DynamicObject};
///
/// let ar = ApiResource::new("stable.example.com", "v1", "CronTab", "crontabs", true);
/// let mut obj = DynamicObject::new("nightly", &ar);
/// obj.data = serde_json::json!({"spec": {"cronSpec": "0 0 * * *"}});
/// let json = serde_json::to_string(&obj).unwrap();
/// assert_eq!(
///     json,
///     r#"{"apiVersion":"stable.example.com/v1","kind":"CronTab","metadata":{"name":"nightly"},"spec":{"cronSpec":"0 0 * * *"}}"#,
/// );
/// let back: DynamicObject = serde_json::from_str(&json).unwrap();
/// assert_eq!(back.data["spec"]["cronSpec"], "0 0 * * *");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DynamicObject {
    /// `apiVersion`, when present.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub api_version: Option<String>,
    /// `kind`, when present.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub kind: Option<String>,
    /// Standard metadata.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// Every other top-level field (`spec`, `status`, `data`, ...), as a JSON object.
    #[serde(flatten, default = "empty_object")]
    pub data: serde_json::Value,
}

fn empty_object() -> serde_json::Value {
    serde_json::Value::Object(serde_json::Map::new())
}

impl Default for DynamicObject {
    fn default() -> Self {
        Self {
            api_version: None,
            kind: None,
            metadata: ObjectMeta::default(),
            data: empty_object(),
        }
    }
}

impl DynamicObject {
    /// An object of the given resource with a name and no other fields.
    pub fn new(name: impl Into<String>, resource: &ApiResource) -> Self {
        Self {
            api_version: Some(resource.api_version.clone()),
            kind: Some(resource.kind.clone()),
            metadata: ObjectMeta::named(name),
            data: empty_object(),
        }
    }

    /// Sets the namespace (builder style).
    #[must_use]
    pub fn within(mut self, namespace: impl Into<String>) -> Self {
        self.metadata.namespace = Some(namespace.into());
        self
    }

    /// Converts into a typed object.
    ///
    /// # Errors
    ///
    /// Fails if the fields do not decode as `K`.
    pub fn try_parse<K: DeserializeOwned>(self) -> Result<K, serde_json::Error> {
        serde_json::from_value(serde_json::to_value(self)?)
    }
}
