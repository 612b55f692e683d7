//! Every built-in kind through k8s-openapi's types and `K8sClientset`:
//! creates a Deployment, lists the pods of all namespaces (the seed's
//! `clientset.CoreV1().Pods("").List(ctx, opts)`), reads a pod's logs and
//! evicts a pod.
//!
//! ```sh
//! cargo run -p examples --example builtins                        # embedded server
//! cargo run -p examples --example builtins -- --kubeconfig ~/.kube/config
//! ```
//!
//! The embedded server serves only some built-in kinds today (ConfigMap,
//! Secret, Namespace, Lease, Event, CRD): a step whose resource it does not
//! serve answers NotFound, and the example says so and goes on. Against a
//! cluster every step runs.

use client_core::k8s::K8sClientset;
use client_core::k8s::api::apps::v1::{Deployment, DeploymentSpec};
use client_core::k8s::api::core::v1::{ConfigMap, Container, PodSpec, PodTemplateSpec};
use client_core::k8s::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use client_core::k8s::subresources::LogOptions;
use client_core::{
    CreateOptions, DeleteOptions, Error, ListOptions, ObjectMetaAccess, Result as ApiResult,
};
use examples::{BoxError, Target};

/// `Ok(None)` when the server does not serve the resource (404 NotFound),
/// after saying so; every other error stays an error.
fn served<T>(step: &str, result: ApiResult<T>) -> Result<Option<T>, Error> {
    match result {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is_not_found() => {
            println!("skipped {step}: the server answered NotFound ({e})");
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

fn labels() -> std::collections::BTreeMap<String, String> {
    [("app".to_owned(), "builtins-example".to_owned())].into()
}

fn deployment(name: &str) -> Deployment {
    Deployment {
        metadata: ObjectMeta {
            name: Some(name.to_owned()),
            labels: Some(labels()),
            ..ObjectMeta::default()
        },
        spec: Some(DeploymentSpec {
            replicas: Some(1),
            selector: LabelSelector {
                match_labels: Some(labels()),
                ..LabelSelector::default()
            },
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(labels()),
                    ..ObjectMeta::default()
                }),
                spec: Some(PodSpec {
                    containers: vec![Container {
                        name: "web".to_owned(),
                        image: Some("registry.k8s.io/pause:3.10".to_owned()),
                        ..Container::default()
                    }],
                    ..PodSpec::default()
                }),
            },
            ..DeploymentSpec::default()
        }),
        status: None,
    }
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    examples::init_tracing();
    let target = Target::from_args().await?;
    let cs = K8sClientset::new(target.client.clone());
    let ns = target.namespace.as_str();

    // A kind the embedded server serves, through k8s-openapi's type.
    let cm = ConfigMap {
        metadata: ObjectMeta {
            name: Some("builtins-settings".to_owned()),
            ..ObjectMeta::default()
        },
        data: Some([("mode".to_owned(), "demo".to_owned())].into()),
        ..ConfigMap::default()
    };
    let created = cs
        .core_v1()
        .config_maps(ns)
        .create(&cm, &CreateOptions::default())
        .await?;
    println!(
        "created configmap {} (uid set: {})",
        created.metadata.name().unwrap_or("?"),
        created.metadata.uid().is_some()
    );

    // apps/v1 Deployment.
    let deployments = cs.apps_v1().deployments(ns);
    let step = "create deployment web";
    if let Some(d) = served(
        step,
        deployments
            .create(&deployment("web"), &CreateOptions::default())
            .await,
    )? {
        println!(
            "created deployment {} with {} replica(s)",
            d.metadata.name().unwrap_or("?"),
            d.spec.and_then(|s| s.replicas).unwrap_or(0)
        );
    }

    // The seed's call: clientset.CoreV1().Pods("").List(ctx, opts).
    let pods = served(
        "list pods of all namespaces",
        cs.core_v1().pods_all().list(&ListOptions::default()).await,
    )?;
    if let Some(pods) = &pods {
        println!("listed {} pod(s) in all namespaces", pods.items.len());
    }

    // A pod's logs and its eviction: only where pods exist (a cluster).
    let mine = served(
        "list pods of the deployment",
        cs.core_v1()
            .pods(ns)
            .list(&ListOptions::default().labels("app=builtins-example"))
            .await,
    )?;
    match mine.as_ref().and_then(|l| l.items.first()) {
        Some(pod) => {
            let name = pod.metadata.name().unwrap_or_default().to_owned();
            let opts = LogOptions {
                tail_lines: Some(5),
                ..LogOptions::default()
            };
            match cs.core_v1().pods(ns).logs(&name, &opts).await {
                Ok(log) => println!("read {} byte(s) of logs of pod {name}", log.len()),
                // a pod still starting has no logs yet: say so, go on
                Err(e) => println!("no logs of pod {name} yet: {e}"),
            }
            match cs
                .core_v1()
                .pods(ns)
                .evict(&name, &DeleteOptions::default())
                .await
            {
                Ok(_) => println!("evicted pod {name}"),
                Err(e) if e.status().is_some_and(|s| s.code == 429) => {
                    println!("a disruption budget forbids evicting pod {name} now (429)");
                }
                Err(e) => return Err(e.into()),
            }
        }
        None => println!("skipped logs and eviction: no pod of the deployment to read or evict"),
    }

    if let Some(outcome) = served(
        "delete deployment web",
        deployments.delete("web", &DeleteOptions::default()).await,
    )? {
        println!("deleted deployment web: {}", outcome.is_deleted());
    }
    cs.core_v1()
        .config_maps(ns)
        .delete("builtins-settings", &DeleteOptions::default())
        .await?;
    println!("deleted configmap builtins-settings");
    println!("done");
    target.cleanup().await
}
