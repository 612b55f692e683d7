//! [`Recorder`]: writes `events.k8s.io/v1` Events, aggregating repeats into
//! a series.
//!
//! As client-go's `tools/events` broadcaster does: the first occurrence of
//! an event creates an Event named `<regarding name>.<hex nanoseconds>`;
//! an identical one (same regarding object, related object, type, reason,
//! action and note) within the series window (6 minutes, client-go's
//! `finishTime`) patches that Event's `series` (`count` 2, 3, ...,
//! `lastObservedTime`) instead of creating another. `reportingController`
//! and `reportingInstance` come from the [`Reporter`].

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use client_core::api::ObjectReference;
use client_core::{
    CreateOptions, MicroTime, ObjectMeta, Patch, PatchOptions, Resource, RestClient, TypedClient,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::sync::Mutex;
use tokio::time::Instant;

/// An `events.k8s.io/v1` Event, as recorders write it.
#[derive(client_core::Resource, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[resource(group = "events.k8s.io", version = "v1", kind = "Event", no_crd)]
#[serde(rename_all = "camelCase")]
pub struct EventV1 {
    /// Standard metadata.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// When the event was first observed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_time: Option<MicroTime>,
    /// The series of repeats, from the second occurrence on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series: Option<EventSeries>,
    /// The controller that emitted it, such as `example.com/operator`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reporting_controller: Option<String>,
    /// The controller instance, such as the pod name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reporting_instance: Option<String>,
    /// What was done or failed, such as `Reconciling`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Why, in UpperCamelCase, such as `ScaledUp`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The object this event is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regarding: Option<ObjectReference>,
    /// A secondary object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub related: Option<ObjectReference>,
    /// A human-readable description (at most 1 kB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// `Normal` or `Warning`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
}

/// The repeats of an [`EventV1`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventSeries {
    /// Occurrences so far (2 at the first repeat).
    pub count: i32,
    /// The last occurrence.
    pub last_observed_time: Option<MicroTime>,
}

/// `Normal` or `Warning`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventType {
    /// Nothing is wrong.
    Normal,
    /// Something may need attention.
    Warning,
}

impl EventType {
    fn as_str(self) -> &'static str {
        match self {
            Self::Normal => "Normal",
            Self::Warning => "Warning",
        }
    }
}

/// Who reports: the controller's name and this instance of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reporter {
    /// `reportingController`, such as `example.com/memcached-operator`.
    pub controller: String,
    /// `reportingInstance`, such as the pod name (unique per replica).
    pub instance: String,
}

/// One event to publish.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEvent {
    /// Normal or Warning.
    pub type_: EventType,
    /// Why, in UpperCamelCase.
    pub reason: String,
    /// What was done or failed.
    pub action: String,
    /// A human-readable description (cut to [`NOTE_LIMIT`] bytes).
    pub note: Option<String>,
    /// A secondary object.
    pub related: Option<ObjectReference>,
}

/// apiVersion, kind, namespace, name, uid of a reference.
type RefKey = [Option<String>; 5];

fn ref_key(r: &ObjectReference) -> RefKey {
    [
        r.api_version.clone(),
        r.kind.clone(),
        r.namespace.clone(),
        r.name.clone(),
        r.uid.clone(),
    ]
}

/// What makes two events the same (client-go's isomorphic key).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct SeriesKey {
    regarding: RefKey,
    related: Option<RefKey>,
    type_: EventType,
    reason: String,
    action: String,
    note: Option<String>,
}

struct SeriesEntry {
    namespace: String,
    name: String,
    count: i32,
    last_seen: Instant,
}

/// kube-apiserver refuses an Event whose note is longer than this many bytes.
pub const NOTE_LIMIT: usize = 1024;

/// The note cut to [`NOTE_LIMIT`] bytes on a character boundary.
fn truncate_note(note: &str) -> String {
    let mut end = note.len().min(NOTE_LIMIT);
    while !note.is_char_boundary(end) {
        end -= 1;
    }
    note[..end].to_owned()
}

/// client-go's window: a repeat later than this starts a new Event.
pub const SERIES_WINDOW: Duration = Duration::from_secs(6 * 60);

/// Publishes events; cheap to clone (clones share the series cache).
#[derive(Clone)]
pub struct Recorder {
    client: RestClient,
    reporter: Reporter,
    window: Duration,
    series: Arc<Mutex<HashMap<SeriesKey, SeriesEntry>>>,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder")
            .field("reporter", &self.reporter)
            .finish_non_exhaustive()
    }
}

impl Recorder {
    /// A recorder for `reporter`, with client-go's 6-minute series window.
    pub fn new(client: RestClient, reporter: Reporter) -> Self {
        Self {
            client,
            reporter,
            window: SERIES_WINDOW,
            series: Arc::default(),
        }
    }

    /// Sets the series window.
    #[must_use]
    pub fn series_window(mut self, window: Duration) -> Self {
        self.window = window;
        self
    }

    /// Publishes `event` about `obj`.
    ///
    /// # Errors
    ///
    /// The server's answer to the create or patch.
    pub async fn publish_for<K: Resource>(
        &self,
        obj: &K,
        event: &NewEvent,
    ) -> Result<EventV1, client_core::Error> {
        self.publish(&ObjectReference::to(obj), event).await
    }

    /// Publishes `event` about `regarding`: creates an Event, or extends the
    /// series of an identical recent one. The Event lives in the regarding
    /// object's namespace (`default` for cluster-scoped objects).
    ///
    /// # Errors
    ///
    /// The server's answer to the create or patch.
    pub async fn publish(
        &self,
        regarding: &ObjectReference,
        event: &NewEvent,
    ) -> Result<EventV1, client_core::Error> {
        let key = SeriesKey {
            regarding: ref_key(regarding),
            related: event.related.as_ref().map(ref_key),
            type_: event.type_,
            reason: event.reason.clone(),
            action: event.action.clone(),
            note: event.note.clone(),
        };
        let now = Instant::now();
        let mut series = self.series.lock().await;
        series.retain(|_, e| now.saturating_duration_since(e.last_seen) < self.window);
        if let Some(entry) = series.get_mut(&key) {
            let count = entry.count + 1;
            let events = TypedClient::<EventV1>::namespaced(self.client.clone(), &entry.namespace);
            let patch = Patch::Merge(json!({
                "series": {"count": count, "lastObservedTime": MicroTime::now()}
            }));
            match events
                .patch(&entry.name, &patch, &PatchOptions::default())
                .await
            {
                Ok(updated) => {
                    entry.count = count;
                    entry.last_seen = now;
                    return Ok(updated);
                }
                // The Event expired (its TTL) or was deleted: start a new one.
                Err(client_core::Error::Api { status, .. }) if status.code == 404 => {
                    series.remove(&key);
                }
                Err(e) => return Err(e),
            }
        }
        let namespace = regarding
            .namespace
            .clone()
            .filter(|ns| !ns.is_empty())
            .unwrap_or_else(|| "default".to_owned());
        let stamp = jiff::Timestamp::now();
        let name = format!(
            "{}.{:x}",
            regarding.name.as_deref().unwrap_or("event"),
            stamp.as_nanosecond()
        );
        let body = EventV1 {
            metadata: ObjectMeta::named(name).in_namespace(namespace.clone()),
            event_time: Some(MicroTime(stamp)),
            series: None,
            reporting_controller: Some(self.reporter.controller.clone()),
            reporting_instance: Some(self.reporter.instance.clone()),
            action: Some(event.action.clone()),
            reason: Some(event.reason.clone()),
            regarding: Some(regarding.clone()),
            related: event.related.clone(),
            note: event.note.as_deref().map(truncate_note),
            type_: Some(event.type_.as_str().to_owned()),
        };
        let events = TypedClient::<EventV1>::namespaced(self.client.clone(), &namespace);
        let created = events.create(&body, &CreateOptions::default()).await?;
        series.insert(
            key,
            SeriesEntry {
                namespace,
                name: created.metadata.name.clone().unwrap_or_default(),
                count: 1,
                last_seen: now,
            },
        );
        Ok(created)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_cut_to_the_servers_limit_on_a_char_boundary() {
        assert_eq!(truncate_note("short"), "short");
        let long = "é".repeat(600); // 1200 bytes
        let cut = truncate_note(&long);
        assert_eq!(cut.len(), 1024);
        assert!(cut.chars().all(|c| c == 'é'));
        let odd = format!("a{}", "é".repeat(600));
        assert_eq!(truncate_note(&odd).len(), 1023);
    }
}
