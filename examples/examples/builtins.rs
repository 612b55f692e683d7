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
//! The embedded server serves every built-in kind but runs no controllers
//! (as envtest): the Deployment gets no pods, so the example creates one
//! pod from the Deployment's template itself, as a ReplicaSet would, and
//! reads its (empty: there is no kubelet) logs and evicts it. Against a
//! cluster the Deployment's own pod is used.

use client_core::k8s::K8sClientset;
use client_core::k8s::api::apps::v1::{Deployment, DeploymentSpec};
use client_core::k8s::api::core::v1::{ConfigMap, Container, Pod, PodSpec, PodTemplateSpec};
use client_core::k8s::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use client_core::k8s::subresources::LogOptions;
use client_core::{CreateOptions, DeleteOptions, GetOptions, ListOptions, ObjectMetaAccess};
use examples::{BoxError, Target};

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

    // apps/v1 Deployment, and its scale subresource.
    let deployments = cs.apps_v1().deployments(ns);
    let d = deployments
        .create(&deployment("web"), &CreateOptions::default())
        .await?;
    println!(
        "created deployment {} with {} replica(s)",
        d.metadata.name().unwrap_or("?"),
        d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(0)
    );
    let scale = deployments.get_scale("web", &GetOptions::default()).await?;
    println!(
        "scale of deployment web: {} replica(s), selector {}",
        scale.spec.replicas.unwrap_or(0),
        scale.status.selector.unwrap_or_default()
    );

    // The seed's call: clientset.CoreV1().Pods("").List(ctx, opts).
    let pods = cs
        .core_v1()
        .pods_all()
        .list(&ListOptions::default())
        .await?;
    println!("listed {} pod(s) in all namespaces", pods.items.len());

    // A pod of the deployment: the cluster's, or one made from the template
    // where no controller runs.
    let mine = cs
        .core_v1()
        .pods(ns)
        .list(&ListOptions::default().labels("app=builtins-example"))
        .await?;
    let name = match mine.items.first() {
        Some(pod) => pod.metadata.name().unwrap_or_default().to_owned(),
        None => {
            let template = deployment("web").spec.map(|s| s.template);
            let pod = Pod {
                metadata: ObjectMeta {
                    generate_name: Some("web-".to_owned()),
                    labels: Some(labels()),
                    ..ObjectMeta::default()
                },
                spec: template.and_then(|t| t.spec),
                status: None,
            };
            let made = cs
                .core_v1()
                .pods(ns)
                .create(&pod, &CreateOptions::default())
                .await?;
            let name = made.metadata.name().unwrap_or_default().to_owned();
            println!("no controller made a pod: created pod {name} from the template");
            name
        }
    };
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

    let outcome = deployments.delete("web", &DeleteOptions::default()).await?;
    println!("deleted deployment web: {}", outcome.is_deleted());
    cs.core_v1()
        .config_maps(ns)
        .delete("builtins-settings", &DeleteOptions::default())
        .await?;
    println!("deleted configmap builtins-settings");
    println!("done");
    target.cleanup().await
}
