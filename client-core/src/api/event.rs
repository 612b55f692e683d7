//! [`Event`] (core/v1) with its source and series.

use serde::{Deserialize, Serialize};

use super::object_reference::ObjectReference;
use crate::meta::serde_util::str_is_empty;
use crate::{MicroTime, ObjectMeta, Time};

/// An event report (core/v1 `Event`).
#[derive(client_derive::Resource, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[resource(crate = "crate", group = "", version = "v1", short_names("ev"))]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// Standard metadata.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// The object this event is about.
    #[serde(default)]
    pub involved_object: ObjectReference,
    /// A short machine-readable reason, such as `Scheduled`.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub reason: Option<String>,
    /// A human-readable description.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub message: Option<String>,
    /// The component reporting the event (deprecated in favour of `reportingComponent`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<EventSource>,
    /// When the event was first seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_timestamp: Option<Time>,
    /// When the event was last seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_timestamp: Option<Time>,
    /// How many times it happened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<i32>,
    /// `Normal` or `Warning`.
    #[serde(default, rename = "type", skip_serializing_if = "str_is_empty")]
    pub type_: Option<String>,
    /// When the event was first observed, with microseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_time: Option<MicroTime>,
    /// Data about an ongoing series of this event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series: Option<EventSeries>,
    /// What was done (or failed), such as `Binding`.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub action: Option<String>,
    /// A secondary object, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub related: Option<ObjectReference>,
    /// The controller that emitted the event, such as `kubernetes.io/kubelet`.
    #[serde(default)]
    pub reporting_component: String,
    /// The controller instance, such as `kubelet-node-1`.
    #[serde(default)]
    pub reporting_instance: String,
}

/// The source of an [`Event`] (core/v1 `EventSource`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventSource {
    /// The component, such as `kubelet`.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub component: Option<String>,
    /// The node name.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub host: Option<String>,
}

/// An ongoing series of an [`Event`] (core/v1 `EventSeries`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventSeries {
    /// Occurrences so far.
    #[serde(default, skip_serializing_if = "is_zero_i32")]
    pub count: i32,
    /// The last occurrence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_observed_time: Option<MicroTime>,
}

fn is_zero_i32(v: &i32) -> bool {
    *v == 0
}
