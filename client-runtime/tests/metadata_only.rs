//! Metadata-only lists and informers over 20 000 ConfigMaps of about 1.2 KB:
//! the bytes a list saves (exact, so asserted) and an informer that caches
//! the metadata alone. The time saved is measured by `benches/metadata_only.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use client_core::api::ConfigMap;
use client_runtime::ObjectKey;
use client_runtime::informer::{InformerFactory, Namespace};
use support::bulk::{self, NAMESPACE, OBJECTS};
use support::{server, within};

/// The metadata-only body of this fixture is at least this many times
/// smaller than the full one (measured: 2.10x, 1 626 against 776 bytes an
/// object; both keep the `managedFields` entry the server writes, as
/// kube-apiserver's PartialObjectMetadata does).
const MIN_FACTOR: f64 = 2.0;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_metadata_only_list_of_20k_configmaps_is_smaller_by_a_stated_factor() {
    within(Duration::from_secs(240), async {
        let (server, client) = server().await;
        bulk::seed(&server);

        let full = bulk::list_body_len(&client, false).await;
        let metadata = bulk::list_body_len(&client, true).await;
        let factor = full as f64 / metadata as f64;
        println!(
            "list of {OBJECTS}: full {full} bytes ({} per object), metadata-only {metadata} \
             bytes ({} per object), {factor:.2}x smaller",
            full / OBJECTS,
            metadata / OBJECTS
        );
        assert!(
            factor >= MIN_FACTOR,
            "full {full} B / metadata-only {metadata} B = {factor:.2}, below {MIN_FACTOR}"
        );
        // Each object is written as about 1.2 KB; the server adds uid,
        // resourceVersion, creationTimestamp and a managedFields entry.
        assert!((1_500..1_800).contains(&(full / OBJECTS)), "{full}");

        // The typed lists decode every item in either shape.
        assert_eq!(bulk::list_full(&client).await, OBJECTS);
        assert_eq!(bulk::list_metadata(&client).await, OBJECTS);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_metadata_only_informer_caches_every_objects_metadata() {
    within(Duration::from_secs(240), async {
        let (server, client) = server().await;
        bulk::seed(&server);

        let factory = InformerFactory::new(client);
        let informer = factory.metadata_informer::<ConfigMap>(Namespace::named(NAMESPACE));
        factory.start();
        factory.wait_for_cache_sync().await;
        assert_eq!(informer.store().len(), OBJECTS);
        let one = informer
            .store()
            .get(&ObjectKey::namespaced(NAMESPACE, "widget-config-00017"))
            .expect("cached");
        assert_eq!(
            one.metadata
                .labels
                .get("app.kubernetes.io/instance")
                .map(String::as_str),
            Some("widget-1")
        );
        assert!(one.metadata.resource_version.is_some());
        let watches = server
            .requests()
            .all()
            .iter()
            .filter(|r| r.path.ends_with("/configmaps") && r.query.contains("watch=true"))
            .count();
        assert!(watches <= 1, "{watches} watches");
        factory.shutdown();
    })
    .await;
}
