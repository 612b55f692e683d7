//! A CRD built from k8s-openapi's parts, as kopium generates them: its
//! `metadata` is k8s-openapi's `ObjectMeta` and its spec holds a
//! `PodTemplateSpec`. End to end through the derived client, a user's
//! Clientset that lists it beside `apps/v1 Deployment`, and the watcher
//! (whose bookkeeping and managed-field stripping read k8s-openapi's metadata).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use client_core::k8s::api::apps::v1::Deployment;
use client_core::k8s::api::core::v1::{Container, PodSpec, PodTemplateSpec};
use client_core::k8s::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use client_core::watcher::{Event, WatcherConfig};
use client_core::{
    ApplyOptions, Clientset, CreateOptions, DeleteOptions, GetOptions, ListOptions,
    ObjectMetaAccess, Resource, RestClient, UpdateOptions,
};
use client_testserver::TestServer;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// A workload whose pods are described by a k8s-openapi `PodTemplateSpec`.
#[derive(Resource, Clone, Debug, Default, Serialize, Deserialize)]
#[resource(group = "batch.example.com", version = "v1", kind = "Runner", status)]
struct Runner {
    metadata: ObjectMeta,
    spec: RunnerSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<RunnerStatus>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct RunnerSpec {
    replicas: i32,
    template: PodTemplateSpec,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct RunnerStatus {
    ready: i32,
}

#[derive(Clientset)]
#[clientset(group = "batch.example.com", version = "v1", resources(Runner))]
#[clientset(api_version = "apps/v1", resources(Deployment))]
struct Clientset(RestClient);

fn runner(name: &str) -> Runner {
    Runner {
        metadata: ObjectMeta {
            name: Some(name.to_owned()),
            labels: Some([("app".to_owned(), "runner".to_owned())].into()),
            ..ObjectMeta::default()
        },
        spec: RunnerSpec {
            replicas: 2,
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some([("app".to_owned(), "runner".to_owned())].into()),
                    ..ObjectMeta::default()
                }),
                spec: Some(PodSpec {
                    containers: vec![Container {
                        name: "main".to_owned(),
                        image: Some("registry.example/runner:1".to_owned()),
                        ..Container::default()
                    }],
                    ..PodSpec::default()
                }),
            },
        },
        status: None,
    }
}

#[tokio::test]
async fn crd_with_k8s_openapi_metadata_and_pod_template_end_to_end() {
    tokio::time::timeout(Duration::from_secs(60), async {
        let server = TestServer::builder()
            .plain_http()
            .token("t")
            .start()
            .await
            .unwrap();
        let rest = server.rest_client().unwrap();
        let crds = client_core::BuiltinClientset::new(rest.clone());
        crds.apiextensions_v1()
            .customresourcedefinitions()
            .create(&Runner::crd(), &CreateOptions::default())
            .await
            .unwrap();
        let cs = Clientset::new(rest);
        let runners = cs.batch_v1().runners("default");

        let mut watcher = cs
            .batch_v1()
            .runners_all()
            .watcher(WatcherConfig::default().strip_managed_fields());
        assert!(matches!(watcher.next().await, Some(Ok(Event::Init))));
        assert!(matches!(watcher.next().await, Some(Ok(Event::InitDone))));

        let created = runners
            .create(&runner("r1"), &CreateOptions::default())
            .await
            .unwrap();
        assert!(created.metadata().uid().is_some());
        let template = created.spec.template.spec.as_ref().unwrap();
        assert_eq!(
            template.containers[0].image.as_deref(),
            Some("registry.example/runner:1"),
            "the PodTemplateSpec round-trips"
        );

        let mut got = runners.get("r1", &GetOptions::default()).await.unwrap();
        got.spec.replicas = 3;
        let updated = runners
            .update(&got, &UpdateOptions::default())
            .await
            .unwrap();
        assert_eq!(updated.spec.replicas, 3);
        assert_eq!(updated.metadata().generation(), Some(2));

        let mut with_status = updated.clone();
        with_status.status = Some(RunnerStatus { ready: 3 });
        let updated = runners
            .update_status(&with_status, &UpdateOptions::default())
            .await
            .unwrap();
        assert_eq!(updated.status.as_ref().map(|s| s.ready), Some(3));

        let applied = runners
            .apply(
                "r1",
                &json!({"metadata": {"name": "r1"}, "spec": {"replicas": 4}}),
                &ApplyOptions::new("runner-test").force(),
            )
            .await
            .unwrap();
        assert_eq!(applied.spec.replicas, 4);
        assert!(applied.metadata().managed_fields_len() >= 1);

        let list = runners.list(&ListOptions::default()).await.unwrap();
        assert_eq!(list.items.len(), 1);

        let deleted = runners
            .delete("r1", &DeleteOptions::default())
            .await
            .unwrap();
        assert!(deleted.is_deleted());

        // The watcher saw it all, keyed by k8s-openapi metadata, fields stripped.
        let mut replicas = Vec::new();
        loop {
            match watcher.next().await.unwrap().unwrap() {
                Event::Apply(r) => {
                    assert_eq!(r.metadata().managed_fields_len(), 0, "stripped");
                    assert_eq!(r.metadata().namespace(), Some("default"));
                    replicas.push(r.spec.replicas);
                }
                Event::Delete(r) => {
                    assert_eq!(r.metadata().name(), Some("r1"));
                    break;
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(replicas.first(), Some(&2));
        assert_eq!(replicas.last(), Some(&4));

        // The Deployment getter of the same user Clientset reaches the
        // built-in kind the embedded server serves, at kube-apiserver's path.
        let deployments = cs
            .apps_v1()
            .deployments("default")
            .list(&ListOptions::default())
            .await
            .unwrap();
        assert!(deployments.items.is_empty());
        let last = server.requests().all().pop().unwrap();
        assert_eq!(last.path, "/apis/apps/v1/namespaces/default/deployments");
    })
    .await
    .expect("the test finished in time");
}
