//! v1 Events and `events.k8s.io/v1` Events: `printEvent` (printers.go),
//! whose columns start with `Last Seen` and end with `Name`. Both versions
//! print the same (kube-apiserver converts both to one internal type):
//! the `events.k8s.io` fields (`regarding`, `note`, `deprecated*`) stand in
//! for the core ones.

use serde_json::{Value, json};

use crate::registry::hooks::KindHooks;
use crate::registry::kind::ResourceKind;
use crate::registry::kinds::printing::{age_at, column};
use crate::registry::kinds::value::str_at;

/// Sets the Event printer on its row (core or `events.k8s.io`).
pub(crate) fn customize(row: &mut ResourceKind) {
    row.printer_columns = vec![
        column(
            "Last Seen",
            "string",
            0,
            "The time at which the most recent occurrence of this event was recorded.",
        ),
        column(
            "Type",
            "string",
            0,
            "Type of this event (Normal, Warning), new types could be added in the future",
        ),
        column(
            "Reason",
            "string",
            0,
            "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
        ),
        column(
            "Object",
            "string",
            0,
            "The object that this event is about.",
        ),
        column(
            "Subobject",
            "string",
            1,
            "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2].",
        ),
        column(
            "Source",
            "string",
            1,
            "The component reporting this event. Should be a short machine understandable string.",
        ),
        column(
            "Message",
            "string",
            0,
            "A human-readable description of the status of this operation.",
        ),
        column(
            "First Seen",
            "string",
            1,
            "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)",
        ),
        column(
            "Count",
            "string",
            1,
            "The number of times this event has occurred.",
        ),
        json!({"name": "Name", "type": "string", "format": "name", "priority": 1, "jsonPath": "",
               "description": "Name must be unique within a namespace."}),
    ];
    row.hooks = &EVENT_HOOKS;
}

struct EventHooks;

static EVENT_HOOKS: EventHooks = EventHooks;

/// The first non-empty string among the pointers.
fn first<'a>(obj: &'a Value, pointers: &[&str]) -> &'a str {
    pointers
        .iter()
        .map(|p| str_at(obj, p))
        .find(|s| !s.is_empty())
        .unwrap_or_default()
}

/// The age of the first set timestamp among the pointers, `<unknown>` if none.
fn age_of_first(obj: &Value, pointers: &[&str]) -> Value {
    let p = pointers
        .iter()
        .find(|p| !str_at(obj, p).is_empty())
        .copied()
        .unwrap_or(pointers[0]);
    age_at(obj, p)
}

impl KindHooks for EventHooks {
    fn table_starts_with_name(&self) -> bool {
        false
    }

    fn table_cells(&self, obj: &Value) -> Option<Vec<Value>> {
        let first_seen = age_of_first(
            obj,
            &["/firstTimestamp", "/deprecatedFirstTimestamp", "/eventTime"],
        );
        let series_last = first(obj, &["/series/lastObservedTime"]);
        let last_seen = if !series_last.is_empty() {
            age_at(obj, "/series/lastObservedTime")
        } else if first(obj, &["/lastTimestamp", "/deprecatedLastTimestamp"]).is_empty() {
            first_seen.clone()
        } else {
            age_of_first(obj, &["/lastTimestamp", "/deprecatedLastTimestamp"])
        };
        let count = obj
            .pointer("/series/count")
            .or_else(|| obj.pointer("/count"))
            .or_else(|| obj.pointer("/deprecatedCount"))
            .and_then(Value::as_i64)
            .filter(|c| *c != 0)
            .unwrap_or(1);
        let kind = first(obj, &["/involvedObject/kind", "/regarding/kind"]).to_lowercase();
        let name = first(obj, &["/involvedObject/name", "/regarding/name"]);
        let target = if name.is_empty() {
            kind
        } else {
            format!("{kind}/{name}")
        };
        let component = first(
            obj,
            &[
                "/source/component",
                "/deprecatedSource/component",
                "/reportingComponent",
                "/reportingController",
            ],
        );
        let instance = first(
            obj,
            &[
                "/source/host",
                "/deprecatedSource/host",
                "/reportingInstance",
            ],
        );
        let source = if instance.is_empty() {
            component.to_string()
        } else {
            format!("{component}, {instance}")
        };
        Some(vec![
            last_seen,
            json!(str_at(obj, "/type")),
            json!(str_at(obj, "/reason")),
            json!(target),
            json!(first(
                obj,
                &["/involvedObject/fieldPath", "/regarding/fieldPath"]
            )),
            json!(source),
            json!(first(obj, &["/message", "/note"]).trim()),
            first_seen,
            json!(count),
            json!(str_at(obj, "/metadata/name")),
        ])
    }
}
