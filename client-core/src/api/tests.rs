//! Unit tests of the kinds: built-in kinds, CRD, Scale and dynamic objects.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::api::{
    ApiResource, ByteString, ConfigMap, CustomResourceDefinition, DynamicObject, Event, Lease,
    Namespace, ObjectReference, Scale, Secret,
};
use crate::api::{
    CustomResourceDefinitionNames, CustomResourceDefinitionSpec, CustomResourceDefinitionVersion,
    CustomResourceSubresourceScale, CustomResourceSubresourceStatus, CustomResourceSubresources,
    CustomResourceValidation, ResourceScope,
};
use crate::resource::{Resource, Scope};
use crate::test_fixtures::Widget;
use crate::{ObjectMeta, WithTypeMeta};

fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(json: &str) -> T {
    let value: T = serde_json::from_str(json).unwrap();
    assert_eq!(serde_json::to_string(&value).unwrap(), json);
    value
}

#[test]
fn secret_debug_redacts_every_value() {
    let secret: Secret = serde_json::from_str(
        r#"{"kind":"Secret","apiVersion":"v1","metadata":{"name":"db","namespace":"prod"},
            "data":{"password":"aHVudGVyMg==","token":"c3VwZXItc2VjcmV0LXRva2Vu"},
            "stringData":{"extra":"plain-text-secret"},"type":"Opaque"}"#,
    )
    .unwrap();
    assert_eq!(secret.data["password"].0, b"hunter2");
    for shown in [format!("{secret:?}"), format!("{secret:#?}")] {
        for leaked in [
            "hunter2",
            "aHVudGVyMg",
            "super-secret-token",
            "c3VwZXIt",
            "plain-text-secret",
        ] {
            assert!(!shown.contains(leaked), "{leaked} in {shown}");
        }
        for key in ["password", "token", "extra", "db", "Opaque"] {
            assert!(shown.contains(key), "{key} missing from {shown}");
        }
        assert!(shown.contains("<redacted>"));
    }
    assert_eq!(
        format!("{:?}", secret.data["password"]),
        "ByteString(<7 bytes>)"
    );
}

#[test]
fn secret_round_trips_base64() {
    let s: Secret = round_trip(
        r#"{"metadata":{"name":"tls"},"data":{"tls.crt":"LS0tLS1CRUdJTg==","tls.key":""},"type":"kubernetes.io/tls","immutable":true}"#,
    );
    assert_eq!(s.data["tls.crt"].as_ref(), b"-----BEGIN");
    assert!(s.data["tls.key"].0.is_empty());
    let err =
        serde_json::from_str::<Secret>(r#"{"data":{"k":"not base64!!c2VjcmV0"}}"#).unwrap_err();
    assert!(!err.to_string().contains("c2VjcmV0"), "{err}");
    let nulls: Secret = serde_json::from_str(r#"{"data":{"k":null},"stringData":null}"#).unwrap();
    assert!(nulls.data["k"].0.is_empty());
}

#[test]
fn config_map_round_trip_and_type_meta() {
    let cm: ConfigMap = round_trip(
        r#"{"metadata":{"name":"cfg","namespace":"default","uid":"u","resourceVersion":"5","creationTimestamp":"2024-05-01T12:30:00Z"},"data":{"a.yaml":"x: 1\n"},"binaryData":{"blob":"AAEC/w=="},"immutable":false}"#,
    );
    assert_eq!(cm.binary_data["blob"].0, [0, 1, 2, 255]);
    let out = serde_json::to_string(&WithTypeMeta(&ConfigMap::default())).unwrap();
    assert_eq!(
        out,
        r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{}}"#
    );
}

#[test]
fn namespace_decodes_as_served() {
    let ns: Namespace = serde_json::from_str(
        r#"{"kind":"Namespace","apiVersion":"v1","metadata":{"name":"kube-system","uid":"x","resourceVersion":"4","creationTimestamp":"2024-05-01T12:30:00Z","labels":{"kubernetes.io/metadata.name":"kube-system"}},"spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active"}}"#,
    )
    .unwrap();
    assert_eq!(ns.phase(), Some("Active"));
    assert_eq!(ns.spec.as_ref().unwrap().finalizers, ["kubernetes"]);
    assert_eq!(
        serde_json::to_string(&WithTypeMeta(&Namespace::named("a"))).unwrap(),
        r#"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"}}"#
    );
}

#[test]
fn event_round_trip() {
    let ev: Event = round_trip(concat!(
        r#"{"metadata":{"name":"web.17c","namespace":"default"},"#,
        r#""involvedObject":{"kind":"Widget","namespace":"default","name":"web","uid":"u1","apiVersion":"example.com/v1","resourceVersion":"9","fieldPath":"spec"},"#,
        r#""reason":"Synced","message":"synced ok","source":{"component":"ctrl","host":"node-1"},"#,
        r#""firstTimestamp":"2024-05-01T12:30:00Z","lastTimestamp":"2024-05-01T12:35:00Z","count":3,"type":"Normal","#,
        r#""eventTime":"2024-05-01T12:30:00.123456Z","series":{"count":2,"lastObservedTime":"2024-05-01T12:35:00.000001Z"},"#,
        r#""action":"Sync","related":{"kind":"Pod","name":"p"},"reportingComponent":"example.com/ctrl","reportingInstance":"ctrl-0"}"#
    ));
    assert_eq!(ev.count, Some(3));
    assert_eq!(
        ev.event_time.unwrap().to_string(),
        "2024-05-01T12:30:00.123456Z"
    );
    // reportingComponent/reportingInstance have no omitempty in Go.
    assert_eq!(
        serde_json::to_string(&Event::default()).unwrap(),
        r#"{"metadata":{},"involvedObject":{},"reportingComponent":"","reportingInstance":""}"#
    );
    let w = Widget::new("w", 1);
    let r = ObjectReference::to(&w);
    assert_eq!(r.kind.as_deref(), Some("Widget"));
    assert_eq!(r.namespace.as_deref(), Some("default"));
    assert_eq!(r.api_version.as_deref(), Some("example.com/v1"));
}

#[test]
fn lease_round_trip() {
    let lease: Lease = round_trip(
        r#"{"metadata":{"name":"leader","namespace":"kube-system"},"spec":{"holderIdentity":"node-1_abc","leaseDurationSeconds":15,"acquireTime":"2024-05-01T12:30:00.000000Z","renewTime":"2024-05-01T12:30:10.500000Z","leaseTransitions":0}}"#,
    );
    assert_eq!(lease.spec.unwrap().lease_transitions, Some(0));
    assert_eq!(Lease::API_VERSION, "coordination.k8s.io/v1");
    assert_eq!(Lease::GROUP, "coordination.k8s.io");
}

#[test]
fn built_in_identities() {
    fn id<K: Resource>() -> (&'static str, &'static str, &'static str, &'static str, bool) {
        (
            K::API_VERSION,
            K::KIND,
            K::PLURAL,
            K::SINGULAR,
            <K::Scope as Scope>::NAMESPACED,
        )
    }
    assert_eq!(
        id::<Namespace>(),
        ("v1", "Namespace", "namespaces", "namespace", false)
    );
    assert_eq!(
        id::<ConfigMap>(),
        ("v1", "ConfigMap", "configmaps", "configmap", true)
    );
    assert_eq!(id::<Secret>(), ("v1", "Secret", "secrets", "secret", true));
    assert_eq!(id::<Event>(), ("v1", "Event", "events", "event", true));
    assert_eq!(
        id::<Lease>(),
        ("coordination.k8s.io/v1", "Lease", "leases", "lease", true)
    );
    assert_eq!(
        id::<CustomResourceDefinition>(),
        (
            "apiextensions.k8s.io/v1",
            "CustomResourceDefinition",
            "customresourcedefinitions",
            "customresourcedefinition",
            false
        )
    );
    assert_eq!(Namespace::SHORT_NAMES, ["ns"]);
    assert_eq!(ConfigMap::SHORT_NAMES, ["cm"]);
    assert_eq!(Event::SHORT_NAMES, ["ev"]);
    assert_eq!(CustomResourceDefinition::SHORT_NAMES, ["crd", "crds"]);
}

const SERVED_CRD: &str = concat!(
    r#"{"kind":"CustomResourceDefinition","apiVersion":"apiextensions.k8s.io/v1","#,
    r#""metadata":{"name":"crontabs.stable.example.com","uid":"c1","resourceVersion":"100","generation":1,"creationTimestamp":"2024-05-01T12:30:00Z"},"#,
    r#""spec":{"group":"stable.example.com","names":{"plural":"crontabs","singular":"crontab","shortNames":["ct"],"kind":"CronTab","listKind":"CronTabList","categories":["all"]},"#,
    r#""scope":"Namespaced","versions":[{"name":"v1","served":true,"storage":true,"#,
    r#""schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}},"#,
    r#""subresources":{"status":{},"scale":{"specReplicasPath":".spec.replicas","statusReplicasPath":".status.replicas","labelSelectorPath":".status.selector"}},"#,
    r#""additionalPrinterColumns":[{"name":"Spec","type":"string","description":"the cron spec","jsonPath":".spec.cronSpec"},{"name":"Age","type":"date","priority":1,"jsonPath":".metadata.creationTimestamp"}],"#,
    r#""selectableFields":[{"jsonPath":".spec.color"}]},"#,
    r#"{"name":"v1beta1","served":false,"storage":false,"deprecated":true,"deprecationWarning":"use v1"}],"#,
    r#""conversion":{"strategy":"None"}},"#,
    r#""status":{"conditions":[{"type":"NamesAccepted","status":"True","lastTransitionTime":"2024-05-01T12:30:00Z","reason":"NoConflicts","message":"no conflicts found"},"#,
    r#"{"type":"Established","status":"True","lastTransitionTime":"2024-05-01T12:30:00Z","reason":"InitialNamesAccepted","message":"the initial names have been accepted"}],"#,
    r#""acceptedNames":{"plural":"crontabs","singular":"crontab","shortNames":["ct"],"kind":"CronTab","listKind":"CronTabList","categories":["all"]},"storedVersions":["v1"]}}"#
);

#[test]
fn crd_decodes_as_served_and_round_trips() {
    let crd: CustomResourceDefinition = serde_json::from_str(SERVED_CRD).unwrap();
    assert!(crd.is_established() && crd.names_accepted());
    assert_eq!(crd.spec.scope, ResourceScope::Namespaced);
    assert_eq!(crd.storage_version().unwrap().name, "v1");
    let v1 = &crd.spec.versions[0];
    let scale = v1.subresources.as_ref().unwrap().scale.as_ref().unwrap();
    assert_eq!(
        scale.label_selector_path.as_deref(),
        Some(".status.selector")
    );
    assert_eq!(v1.additional_printer_columns[1].priority, 1);
    assert!(crd.spec.versions[1].deprecated);
    // Re-encoded through WithTypeMeta, byte for byte (apiVersion first, as the adapter writes it).
    let expected = SERVED_CRD.replacen(
        r#"{"kind":"CustomResourceDefinition","apiVersion":"apiextensions.k8s.io/v1","#,
        r#"{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","#,
        1,
    );
    assert_eq!(
        serde_json::to_string(&WithTypeMeta(&crd)).unwrap(),
        expected
    );

    let mut pending = crd.clone();
    pending.status.as_mut().unwrap().conditions[1].status = "False".into();
    assert!(!pending.is_established());
}

#[test]
fn crd_built_in_rust_serializes_minimally() {
    let crd = CustomResourceDefinition {
        metadata: ObjectMeta::named("widgets.example.com"),
        spec: CustomResourceDefinitionSpec {
            group: "example.com".into(),
            names: CustomResourceDefinitionNames {
                plural: "widgets".into(),
                kind: "Widget".into(),
                ..Default::default()
            },
            scope: ResourceScope::Cluster,
            versions: vec![CustomResourceDefinitionVersion {
                name: "v1".into(),
                served: true,
                storage: true,
                schema: Some(CustomResourceValidation::permissive()),
                subresources: Some(CustomResourceSubresources {
                    status: Some(CustomResourceSubresourceStatus {}),
                    scale: Some(CustomResourceSubresourceScale {
                        spec_replicas_path: ".spec.replicas".into(),
                        status_replicas_path: ".status.replicas".into(),
                        label_selector_path: None,
                    }),
                }),
                ..Default::default()
            }],
            ..Default::default()
        },
        status: None,
    };
    assert_eq!(
        serde_json::to_string(&crd).unwrap(),
        concat!(
            r#"{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","#,
            r#""metadata":{"name":"widgets.example.com"},"spec":{"group":"example.com","names":{"plural":"widgets","kind":"Widget"},"#,
            r#""scope":"Cluster","versions":[{"name":"v1","served":true,"storage":true,"#,
            r#""schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}},"#,
            r#""subresources":{"status":{},"scale":{"specReplicasPath":".spec.replicas","statusReplicasPath":".status.replicas"}}}]}}"#
        )
    );
    assert!(!crd.is_established());
    assert_eq!(ResourceScope::Cluster.as_str(), "Cluster");
}

#[test]
fn scale_round_trip_and_defaults() {
    let served = r#"{"kind":"Scale","apiVersion":"autoscaling/v1","metadata":{"name":"web","namespace":"default","resourceVersion":"8"},"spec":{"replicas":3},"status":{"replicas":2,"selector":"app=web"}}"#;
    let scale: Scale = serde_json::from_str(served).unwrap();
    assert_eq!(scale.spec.replicas, Some(3));
    assert_eq!(scale.status.selector.as_deref(), Some("app=web"));
    assert_eq!(
        serde_json::to_string(&scale).unwrap(),
        r#"{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":"web","namespace":"default","resourceVersion":"8"},"spec":{"replicas":3},"status":{"replicas":2,"selector":"app=web"}}"#
    );
    let bare: Scale = serde_json::from_str(r#"{"spec":{}}"#).unwrap();
    assert_eq!(bare, Scale::default());
    assert_eq!(bare.api_version, "autoscaling/v1");
    assert_eq!(bare.kind, "Scale");
}

#[test]
fn dynamic_objects() {
    let json = r#"{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","namespace":"default"},"spec":{"size":4},"status":{"ready":true}}"#;
    let obj: DynamicObject = round_trip(json);
    assert_eq!(obj.data["spec"]["size"], 4);
    assert!(obj.data.get("metadata").is_none());
    let widget: Widget = obj.try_parse().unwrap();
    assert_eq!(widget, Widget::new("w", 4));

    let ar = ApiResource::of::<Widget>();
    assert_eq!(
        ar,
        ApiResource::new("example.com", "v1", "Widget", "widgets", true)
    );
    assert!(!ApiResource::of::<Namespace>().namespaced);
    assert_eq!(ApiResource::of::<Namespace>().api_version, "v1");

    let empty = DynamicObject::new("x", &ar).within("ns");
    assert_eq!(
        serde_json::to_string(&empty).unwrap(),
        r#"{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"x","namespace":"ns"}}"#
    );
    assert_eq!(
        serde_json::to_string(&DynamicObject::default()).unwrap(),
        r#"{"metadata":{}}"#
    );
    let bare: DynamicObject = serde_json::from_str("{}").unwrap();
    assert_eq!(bare, DynamicObject::default());
}

#[test]
fn byte_string_conversions() {
    assert_eq!(ByteString::from("a").0, b"a");
    assert_eq!(ByteString::from(String::from("b")).0, b"b");
    assert_eq!(ByteString::from(&b"c"[..]).0, b"c");
    assert_eq!(ByteString::from(vec![1u8]).0, [1]);
}

#[test]
fn secret_debug_redacts_the_last_applied_annotation() {
    let secret: Secret = serde_json::from_str(
        r#"{"metadata":{"name":"db","annotations":{"team":"core",
            "kubectl.kubernetes.io/last-applied-configuration":"{\"data\":{\"password\":\"aHVudGVyMg==\"}}"}},
            "data":{"password":"aHVudGVyMg=="}}"#,
    )
    .unwrap();
    let shown = format!("{secret:?}");
    assert!(!shown.contains("aHVudGVyMg"), "{shown}");
    assert!(
        shown.contains("last-applied-configuration") && shown.contains("core"),
        "{shown}"
    );
    // Debug does not change the object.
    let annotation =
        &secret.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"];
    assert!(annotation.contains("aHVudGVyMg"));
}
