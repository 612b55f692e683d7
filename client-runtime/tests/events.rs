//! The event recorder against the embedded server: series aggregation,
//! regarding and reporting fields.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use client_core::api::ConfigMap;
use client_core::{CreateOptions, ListOptions, ObjectMeta, TypedClient};
use client_runtime::events::{EventType, EventV1, NewEvent, Recorder, Reporter};
use support::{server, within};

fn scaled(note: &str) -> NewEvent {
    NewEvent {
        type_: EventType::Normal,
        reason: "ScaledUp".into(),
        action: "Reconciling".into(),
        note: Some(note.into()),
        related: None,
    }
}

#[tokio::test]
async fn repeats_become_one_event_with_a_series() {
    within(Duration::from_secs(30), async {
        let (_server, client) = server().await;
        let cms = TypedClient::<ConfigMap>::namespaced(client.clone(), "default");
        let cm = cms
            .create(
                &ConfigMap {
                    metadata: ObjectMeta::named("web"),
                    ..ConfigMap::default()
                },
                &CreateOptions::default(),
            )
            .await
            .unwrap();
        let recorder = Recorder::new(
            client.clone(),
            Reporter {
                controller: "example.com/operator".into(),
                instance: "operator-0".into(),
            },
        )
        .series_window(Duration::from_millis(800));

        let first = recorder.publish_for(&cm, &scaled("to 3")).await.unwrap();
        assert_eq!(first.series, None);
        for _ in 0..2 {
            recorder.publish_for(&cm, &scaled("to 3")).await.unwrap();
        }
        let other = recorder.publish_for(&cm, &scaled("to 5")).await.unwrap();
        assert_ne!(other.metadata.name, first.metadata.name);

        let events = TypedClient::<EventV1>::namespaced(client.clone(), "default");
        let list = events.list(&ListOptions::default()).await.unwrap().items;
        assert_eq!(list.len(), 2);
        let series = list
            .iter()
            .find(|e| e.metadata.name == first.metadata.name)
            .unwrap();
        assert_eq!(series.series.as_ref().map(|s| s.count), Some(3));
        assert!(series.series.as_ref().unwrap().last_observed_time.is_some());
        let regarding = series.regarding.as_ref().unwrap();
        assert_eq!(regarding.kind.as_deref(), Some("ConfigMap"));
        assert_eq!(regarding.api_version.as_deref(), Some("v1"));
        assert_eq!(regarding.name.as_deref(), Some("web"));
        assert_eq!(regarding.uid, cm.metadata.uid);
        assert_eq!(
            series.reporting_controller.as_deref(),
            Some("example.com/operator")
        );
        assert_eq!(series.reporting_instance.as_deref(), Some("operator-0"));
        assert_eq!(series.type_.as_deref(), Some("Normal"));
        assert!(series.metadata.name.as_deref().unwrap().starts_with("web."));

        // After the window, the same event starts a new Event.
        tokio::time::sleep(Duration::from_millis(900)).await;
        let fresh = recorder.publish_for(&cm, &scaled("to 3")).await.unwrap();
        assert_ne!(fresh.metadata.name, first.metadata.name);
        assert_eq!(fresh.series, None);
        let list = events.list(&ListOptions::default()).await.unwrap().items;
        assert_eq!(list.len(), 3);
    })
    .await;
}
