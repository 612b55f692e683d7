//! End-to-end: server-side apply through derived clients against the
//! embedded server: create by apply, partial objects, ownership, conflicts,
//! force, and status apply.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::Duration;

use client_core::api::CustomResourceDefinition;
use client_core::{
    ApplyOptions, CreateOptions, GetOptions, ObjectMeta, Resource, TypedClient, UpdateOptions,
};
use client_testserver::TestServer;
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::time::timeout;

const STEP: Duration = Duration::from_secs(20);

#[derive(Resource, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[resource(group = "apply.example.com", version = "v1", status)]
pub struct Gadget {
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: GadgetSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<GadgetStatus>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GadgetSpec {
    #[serde(default)]
    pub replicas: i32,
    #[serde(default)]
    pub color: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GadgetStatus {
    #[serde(default)]
    pub ready: bool,
}

fn managers(obj: &Gadget) -> Vec<String> {
    let mut names: Vec<String> = obj
        .metadata
        .managed_fields
        .iter()
        .filter_map(|m| m.manager.clone())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn server_side_apply_through_a_derived_client() {
    let server = timeout(STEP, TestServer::start()).await.unwrap().unwrap();
    let client = server.rest_client().unwrap();
    let crds = TypedClient::<CustomResourceDefinition>::cluster(client.clone());
    timeout(STEP, crds.create(&Gadget::crd(), &CreateOptions::default()))
        .await
        .unwrap()
        .unwrap();
    let gadgets = Gadget::client(&client, "default");
    // The CRD is served as soon as it is created on the embedded server; poll briefly anyway.
    for _ in 0..50 {
        if gadgets.list(&Default::default()).await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // Apply of a missing object creates it; a partial object claims only what it sets.
    let alice = ApplyOptions::new("alice");
    let created = timeout(
        STEP,
        gadgets.apply(
            "g1",
            &json!({"metadata": {"name": "g1"}, "spec": {"replicas": 2}}),
            &alice,
        ),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(created.spec.replicas, 2);
    assert_eq!(managers(&created), ["alice"]);
    assert!(created.metadata.uid.is_some());

    // A second manager sets another field: no conflict, both own their fields.
    let bob = ApplyOptions::new("bob");
    let both = timeout(
        STEP,
        gadgets.apply(
            "g1",
            &json!({"metadata": {"name": "g1"}, "spec": {"color": "blue"}}),
            &bob,
        ),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!((both.spec.replicas, both.spec.color.as_str()), (2, "blue"));
    assert_eq!(managers(&both), ["alice", "bob"]);

    // Bob changing alice's field is a conflict, one FieldManagerConflict cause per field.
    let err = timeout(
        STEP,
        gadgets.apply(
            "g1",
            &json!({"metadata": {"name": "g1"}, "spec": {"color": "blue", "replicas": 5}}),
            &bob,
        ),
    )
    .await
    .unwrap()
    .unwrap_err();
    assert!(err.is_conflict(), "{err}");
    let status = err.status().unwrap();
    let causes = &status.details.as_ref().unwrap().causes;
    assert_eq!(causes.len(), 1);
    assert_eq!(causes[0].reason.as_deref(), Some("FieldManagerConflict"));
    assert_eq!(causes[0].field.as_deref(), Some(".spec.replicas"));
    assert!(
        status.message.contains(r#"conflict with "alice""#),
        "{}",
        status.message
    );

    // With force, bob takes the field over.
    let forced = timeout(
        STEP,
        gadgets.apply(
            "g1",
            &json!({"metadata": {"name": "g1"}, "spec": {"color": "blue", "replicas": 5}}),
            &ApplyOptions::new("bob").force(),
        ),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(forced.spec.replicas, 5);

    // Alice no longer applies replicas: she owns nothing, bob's value stays.
    let after = timeout(
        STEP,
        gadgets.apply("g1", &json!({"metadata": {"name": "g1"}}), &alice),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(after.spec.replicas, 5);

    // An ordinary update records an Update entry for its manager.
    let mut updated = timeout(STEP, gadgets.get("g1", &GetOptions::default()))
        .await
        .unwrap()
        .unwrap();
    updated.spec.color = "red".into();
    let updated = timeout(
        STEP,
        gadgets.update(&updated, &UpdateOptions::default().field_manager("carol")),
    )
    .await
    .unwrap()
    .unwrap();
    let carol = updated
        .metadata
        .managed_fields
        .iter()
        .find(|m| m.manager.as_deref() == Some("carol"))
        .expect("carol's entry");
    assert_eq!(carol.operation.as_deref(), Some("Update"));

    // Status apply touches only the status.
    let with_status = timeout(
        STEP,
        gadgets.apply_status(
            "g1",
            &json!({"metadata": {"name": "g1"}, "status": {"ready": true}}),
            &ApplyOptions::new("controller"),
        ),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(with_status.status, Some(GadgetStatus { ready: true }));
    assert_eq!(with_status.spec.color, "red");

    // The request carried the apply content type and the field manager.
    let log = server.requests().all();
    let apply = log.iter().find(|r| r.method == "PATCH").unwrap();
    assert_eq!(
        apply.content_type.as_deref(),
        Some("application/apply-patch+yaml")
    );
    assert!(
        apply.query.contains("fieldManager=alice"),
        "{}",
        apply.query
    );
    assert!(!apply.body.contains("managedFields"));
}
