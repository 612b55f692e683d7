//! ObjectMeta, List and time round trips.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::test_fixtures::Widget;
use crate::{List, ListMeta, MicroTime, ObjectMeta, Time, TypeMeta};

/// An object as kube-apiserver writes it, with every ObjectMeta field set
/// (keys of maps and of `fieldsV1` in sorted order, as Go writes maps).
const FULL_OBJECT: &str = concat!(
    r#"{"metadata":{"name":"web-config","generateName":"web-","namespace":"prod","#,
    r#""selfLink":"/api/v1/namespaces/prod/configmaps/web-config","#,
    r#""uid":"6b5c8e9e-2f4c-4b8a-9b1e-0c7d2a3f4e51","resourceVersion":"918273","generation":4,"#,
    r#""creationTimestamp":"2024-05-01T12:30:00Z","deletionTimestamp":"2024-05-02T08:00:05Z","#,
    r#""deletionGracePeriodSeconds":0,"#,
    r#""labels":{"app.kubernetes.io/name":"web","tier":"frontend"},"#,
    r#""annotations":{"example.com/note":"a \"quoted\" value","kubectl.kubernetes.io/last-applied-configuration":"{}"},"#,
    r#""ownerReferences":[{"apiVersion":"apps/v1","kind":"Deployment","name":"web","uid":"0a1b2c3d-0000-4000-8000-000000000001","controller":true,"blockOwnerDeletion":true},"#,
    r#"{"apiVersion":"v1","kind":"Namespace","name":"prod","uid":"0a1b2c3d-0000-4000-8000-000000000002"}],"#,
    r#""finalizers":["example.com/cleanup","kubernetes"],"#,
    r#""managedFields":[{"manager":"kubectl-client-side-apply","operation":"Update","apiVersion":"v1","time":"2024-05-01T12:30:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:data":{".":{},"f:key":{}},"f:metadata":{"f:labels":{".":{},"f:tier":{}}}}},"#,
    r#"{"manager":"ctrl","operation":"Apply","apiVersion":"v1","time":"2024-05-01T12:31:10Z","fieldsType":"FieldsV1","fieldsV1":{"f:status":{"f:ready":{}}},"subresource":"status"}]},"#,
    r#""spec":{"size":3}}"#
);

#[test]
fn full_object_round_trips_byte_for_byte() {
    let w: Widget = serde_json::from_str(FULL_OBJECT).unwrap();
    let m = &w.metadata;
    assert_eq!(m.name.as_deref(), Some("web-config"));
    assert_eq!(m.generate_name.as_deref(), Some("web-"));
    assert_eq!(m.generation, Some(4));
    assert_eq!(m.deletion_grace_period_seconds, Some(0));
    assert_eq!(m.labels.get("tier").map(String::as_str), Some("frontend"));
    assert_eq!(m.owner_references[0].controller, Some(true));
    assert_eq!(m.owner_references[1].controller, None);
    assert_eq!(m.finalizers, ["example.com/cleanup", "kubernetes"]);
    assert_eq!(m.managed_fields[1].subresource.as_deref(), Some("status"));
    assert_eq!(
        m.creation_timestamp.unwrap().to_string(),
        "2024-05-01T12:30:00Z"
    );
    assert!(m.is_deleting() && m.has_finalizer("kubernetes") && !m.has_finalizer("x"));
    assert_eq!(serde_json::to_string(&w).unwrap(), FULL_OBJECT);
}

#[test]
fn empty_fields_are_omitted_as_go_omitempty_does() {
    let m = ObjectMeta {
        name: Some(String::new()),
        generate_name: Some(String::new()),
        namespace: None,
        self_link: Some(String::new()),
        uid: Some(String::new()),
        resource_version: Some(String::new()),
        generation: Some(0),
        creation_timestamp: None,
        deletion_timestamp: None,
        deletion_grace_period_seconds: None,
        labels: BTreeMap::new(),
        annotations: BTreeMap::new(),
        owner_references: Vec::new(),
        finalizers: Vec::new(),
        managed_fields: Vec::new(),
    };
    assert_eq!(serde_json::to_string(&m).unwrap(), "{}");
    // A pointer field (deletionGracePeriodSeconds) is kept at zero.
    let m = ObjectMeta {
        deletion_grace_period_seconds: Some(0),
        ..ObjectMeta::default()
    };
    assert_eq!(
        serde_json::to_string(&m).unwrap(),
        r#"{"deletionGracePeriodSeconds":0}"#
    );
}

#[test]
fn nulls_read_as_empty() {
    let m: ObjectMeta = serde_json::from_str(
        r#"{"name":null,"creationTimestamp":null,"labels":null,"annotations":null,"ownerReferences":null,"finalizers":null,"managedFields":null,"unknownField":1}"#,
    )
    .unwrap();
    assert_eq!(m, ObjectMeta::default());
}

#[test]
fn owner_reference_required_fields_are_always_written() {
    let m = ObjectMeta {
        owner_references: vec![Default::default()],
        ..ObjectMeta::default()
    };
    assert_eq!(
        serde_json::to_string(&m).unwrap(),
        r#"{"ownerReferences":[{"apiVersion":"","kind":"","name":"","uid":""}]}"#
    );
}

#[test]
fn list_decodes_ignoring_type_meta_and_null_items() {
    let list: List<Widget> = serde_json::from_str(
        r#"{"kind":"WidgetList","apiVersion":"example.com/v1","metadata":{"resourceVersion":"10","continue":"c1","remainingItemCount":2},"items":[{"metadata":{"name":"a"},"spec":{"size":1}},{"metadata":{"name":"b"}}]}"#,
    )
    .unwrap();
    assert_eq!(list.items.len(), 2);
    assert_eq!(list.items[1].metadata.name.as_deref(), Some("b"));
    assert_eq!(list.metadata.continue_token(), Some("c1"));
    assert_eq!(list.metadata.remaining_item_count, Some(2));

    for body in [
        r#"{"kind":"WidgetList","metadata":{},"items":null}"#,
        r#"{"metadata":null}"#,
        "{}",
    ] {
        let list: List<Widget> = serde_json::from_str(body).unwrap();
        assert!(list.items.is_empty(), "{body}");
        assert_eq!(list.metadata, ListMeta::default());
    }
    assert!(serde_json::from_str::<List<Widget>>(r#"{"items":[],"items":[]}"#).is_err());
    assert!(serde_json::from_str::<List<Widget>>("[]").is_err());
}

#[test]
fn list_serializes_with_kind_list() {
    let list = List {
        metadata: ListMeta {
            resource_version: Some("3".into()),
            ..ListMeta::default()
        },
        items: vec![Widget::new("a", 1)],
    };
    assert_eq!(
        serde_json::to_string(&list).unwrap(),
        r#"{"apiVersion":"example.com/v1","kind":"WidgetList","metadata":{"resourceVersion":"3"},"items":[{"metadata":{"name":"a","namespace":"default"},"spec":{"size":1}}]}"#
    );
    let empty: List<Widget> = List::default();
    assert!(
        serde_json::to_string(&empty)
            .unwrap()
            .ends_with(r#""metadata":{},"items":[]}"#)
    );
}

#[test]
fn type_meta_of_a_resource() {
    let tm = TypeMeta::of::<Widget>();
    assert_eq!(
        serde_json::to_string(&tm).unwrap(),
        r#"{"apiVersion":"example.com/v1","kind":"Widget"}"#
    );
    assert_eq!(serde_json::to_string(&TypeMeta::default()).unwrap(), "{}");
}

#[test]
fn time_formats_whole_seconds_in_utc() {
    let cases = [
        ("2024-05-01T12:30:00Z", "2024-05-01T12:30:00Z"),
        ("2024-05-01T12:30:00.999999999Z", "2024-05-01T12:30:00Z"),
        ("2024-05-01T14:30:00+02:00", "2024-05-01T12:30:00Z"),
        ("2024-05-01T12:30:00.5-00:30", "2024-05-01T13:00:00Z"),
        ("1969-12-31T23:59:59.5Z", "1969-12-31T23:59:59Z"),
        ("2024-05-01t12:30:00z", "2024-05-01T12:30:00Z"),
    ];
    for (input, want) in cases {
        let t: Time = input.parse().unwrap();
        assert_eq!(t.to_string(), want, "{input}");
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, format!("\"{want}\""));
        let back: Time = serde_json::from_str(&json).unwrap();
        assert_eq!(back.to_string(), want);
    }
}

#[test]
fn micro_time_formats_six_digits() {
    let cases = [
        ("2024-05-01T12:30:00Z", "2024-05-01T12:30:00.000000Z"),
        ("2024-05-01T12:30:00.1Z", "2024-05-01T12:30:00.100000Z"),
        (
            "2024-05-01T12:30:00.123456789+01:00",
            "2024-05-01T11:30:00.123456Z",
        ),
    ];
    for (input, want) in cases {
        let t: MicroTime = input.parse().unwrap();
        assert_eq!(t.to_string(), want, "{input}");
        let back: MicroTime = serde_json::from_str(&serde_json::to_string(&t).unwrap()).unwrap();
        assert_eq!(back.to_string(), want);
    }
}

#[test]
fn bad_times_are_errors() {
    for input in [
        "",
        "yesterday",
        "2024-05-01",
        "2024-05-01T12:30:00",
        "2024-13-01T00:00:00Z",
    ] {
        assert!(input.parse::<Time>().is_err(), "{input}");
    }
    assert!(serde_json::from_str::<Time>("12").is_err());
    assert!(serde_json::from_str::<Time>("\"nope\"").is_err());
    #[derive(Serialize, Deserialize)]
    struct Holder {
        t: Option<Time>,
    }
    assert!(
        serde_json::from_str::<Holder>(r#"{"t":null}"#)
            .unwrap()
            .t
            .is_none()
    );
}
