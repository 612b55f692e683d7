//! The reconcile: a `Memcached` becomes a Deployment of `spec.size` pods and
//! a Service, both controlled by it, and `status.nodes` lists its pods; a
//! finalizer records the cleanup when it is deleted.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use client_core::k8s::api::apps::v1::{Deployment, DeploymentSpec};
use client_core::k8s::api::core::v1::{
    Container, ContainerPort, Pod, PodSpec, PodTemplateSpec, Service, ServicePort, ServiceSpec,
};
use client_core::k8s::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use client_core::k8s::apimachinery::pkg::util::intstr::IntOrString;
use client_core::{
    CreateOptions, GetOptions, Patch, PatchOptions, RestClient, TypedClient, UpdateOptions,
};
use client_runtime::ObjectKey;
use client_runtime::controller::{Action, OwnerError, set_controller_reference};
use client_runtime::events::{EventType, NewEvent, Recorder};
use client_runtime::finalizer::{FinalizerError, FinalizerEvent, finalizer};
use client_runtime::lister::Lister;
use client_runtime::selector::{LabelSelector as Selector, SelectorError};

use crate::crd::Memcached;

/// The finalizer that makes deletion wait for the cleanup.
pub const FINALIZER: &str = "cache.example.com/finalizer";
/// The label every object of this operator carries.
pub const APP_LABEL: (&str, &str) = ("app", "memcached");
/// The label naming the `Memcached` a pod or Deployment belongs to.
pub const CR_LABEL: &str = "memcached_cr";
/// memcached's port.
pub const PORT: i32 = 11211;
/// The name of the container in every memcached pod.
const CONTAINER: &str = "memcached";

/// What a reconcile can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A call to the API server failed.
    #[error("the API call failed: {0}")]
    Api(#[from] client_core::Error),
    /// The controller reference could not be set.
    #[error("the owner reference could not be set: {0}")]
    Owner(#[from] OwnerError),
    /// The pods' label selector did not parse (a name the labels cannot hold).
    #[error("the pods' selector is invalid: {0}")]
    Selector(#[from] SelectorError),
}

/// What every reconcile shares: the client, the caches, the recorder.
pub struct Ctx {
    /// The shared client.
    pub client: RestClient,
    /// Deployments labelled `app=memcached`.
    pub deployments: Lister<Deployment>,
    /// Services labelled `app=memcached`.
    pub services: Lister<Service>,
    /// Pods labelled `app=memcached`.
    pub pods: Lister<Pod>,
    /// Publishes Events about the `Memcached`s.
    pub recorder: Recorder,
    /// Prefixes what this replica prints.
    pub identity: String,
}

/// The labels of the Deployment, its pods and the Service's selector.
pub fn labels(name: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        (APP_LABEL.0.to_owned(), APP_LABEL.1.to_owned()),
        (CR_LABEL.to_owned(), name.to_owned()),
    ])
}

fn name_of(m: &Memcached) -> &str {
    m.metadata.name.as_deref().unwrap_or_default()
}

fn namespace_of(m: &Memcached) -> &str {
    m.metadata.namespace.as_deref().unwrap_or("default")
}

/// The key of the `Memcached` a memcached pod belongs to (its `memcached_cr` label).
pub fn owner_of_pod(pod: &Pod) -> Vec<ObjectKey> {
    let labels = pod.metadata.labels.as_ref();
    match (
        labels.and_then(|l| l.get(CR_LABEL)),
        &pod.metadata.namespace,
    ) {
        (Some(name), Some(ns)) => vec![ObjectKey::namespaced(ns.clone(), name.clone())],
        _ => Vec::new(),
    }
}

fn meta(m: &Memcached) -> ObjectMeta {
    ObjectMeta {
        name: Some(name_of(m).to_owned()),
        namespace: Some(namespace_of(m).to_owned()),
        labels: Some(labels(name_of(m))),
        ..ObjectMeta::default()
    }
}

/// The Deployment `m` asks for, controlled by `m` (operator-sdk's tutorial's
/// container: `memcached -m=64 -o modern -v` on port 11211).
///
/// # Errors
///
/// [`OwnerError`] when `m` was never created (it has no uid).
pub fn desired_deployment(m: &Memcached) -> Result<Deployment, OwnerError> {
    let labels = labels(name_of(m));
    let mut deployment = Deployment {
        metadata: meta(m),
        spec: Some(DeploymentSpec {
            replicas: Some(m.spec.size),
            selector: LabelSelector {
                match_labels: Some(labels.clone()),
                ..LabelSelector::default()
            },
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(labels),
                    ..ObjectMeta::default()
                }),
                spec: Some(PodSpec {
                    containers: vec![Container {
                        name: CONTAINER.to_owned(),
                        image: Some(m.spec.image.clone()),
                        command: Some(
                            ["memcached", "-m=64", "-o", "modern", "-v"]
                                .map(str::to_owned)
                                .into(),
                        ),
                        ports: Some(vec![ContainerPort {
                            container_port: PORT,
                            name: Some("memcached".to_owned()),
                            ..ContainerPort::default()
                        }]),
                        ..Container::default()
                    }],
                    ..PodSpec::default()
                }),
            },
            ..DeploymentSpec::default()
        }),
        status: None,
    };
    set_controller_reference(m, &mut deployment)?;
    Ok(deployment)
}

/// The Service in front of `m`'s pods, controlled by `m`.
///
/// # Errors
///
/// [`OwnerError`] when `m` was never created (it has no uid).
pub fn desired_service(m: &Memcached) -> Result<Service, OwnerError> {
    let mut service = Service {
        metadata: meta(m),
        spec: Some(ServiceSpec {
            selector: Some(labels(name_of(m))),
            ports: Some(vec![ServicePort {
                name: Some("memcached".to_owned()),
                port: PORT,
                target_port: Some(IntOrString::Int(PORT)),
                ..ServicePort::default()
            }]),
            ..ServiceSpec::default()
        }),
        status: None,
    };
    set_controller_reference(m, &mut service)?;
    Ok(service)
}

/// The size and image a Deployment runs: what the reconcile compares.
fn size_and_image(d: &Deployment) -> (Option<i32>, Option<&str>) {
    let spec = d.spec.as_ref();
    let image = spec
        .and_then(|s| s.template.spec.as_ref())
        .and_then(|p| p.containers.iter().find(|c| c.name == CONTAINER))
        .and_then(|c| c.image.as_deref());
    (spec.and_then(|s| s.replicas), image)
}

fn event(reason: &str, action: &str, note: String) -> NewEvent {
    NewEvent {
        type_: EventType::Normal,
        reason: reason.to_owned(),
        action: action.to_owned(),
        note: Some(note),
        related: None,
    }
}

/// Creates `desired` if absent; a 409 means the cache is behind: the watch
/// brings the object and another reconcile.
async fn create_if_absent<K: client_core::Resource>(
    client: &TypedClient<K>,
    desired: &K,
) -> Result<bool, Error> {
    match client.create(desired, &CreateOptions::default()).await {
        Ok(_) => Ok(true),
        Err(e) if e.is_already_exists() => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Makes the Deployment match `m`: created when missing; when its size or
/// image differ, those two are updated on the cached copy (so a concurrent
/// change is a 409 and a retry).
async fn ensure_deployment(m: &Memcached, ctx: &Ctx) -> Result<(), Error> {
    let (ns, name) = (namespace_of(m), name_of(m));
    let deployments = TypedClient::<Deployment>::namespaced(ctx.client.clone(), ns);
    let desired = desired_deployment(m)?;
    let Some(current) = ctx.deployments.namespace(ns).get(name) else {
        if create_if_absent(&deployments, &desired).await? {
            println!(
                "[{}] created Deployment {ns}/{name} of {}",
                ctx.identity, m.spec.size
            );
            let note = format!("created Deployment {name} of {} pod(s)", m.spec.size);
            ctx.recorder
                .publish_for(m, &event("Created", "Reconciling", note))
                .await?;
        }
        return Ok(());
    };
    if size_and_image(&current) == size_and_image(&desired) {
        return Ok(());
    }
    // Only what the Memcached decides changes; the rest of the spec (and
    // what the server defaulted) stays, so scaling rolls nothing out.
    let mut updated = (*current).clone();
    let container = updated
        .spec
        .as_mut()
        .and_then(|s| s.template.spec.as_mut())
        .and_then(|p| p.containers.iter_mut().find(|c| c.name == CONTAINER));
    match container {
        Some(container) => container.image = Some(m.spec.image.clone()),
        None => updated.spec = desired.spec,
    }
    if let Some(spec) = updated.spec.as_mut() {
        spec.replicas = Some(m.spec.size);
    }
    // Refuses a Deployment of that name another object controls (and
    // adopts an orphan), as controller-runtime's SetControllerReference does.
    set_controller_reference(m, &mut updated)?;
    deployments
        .update(&updated, &UpdateOptions::default())
        .await?;
    println!(
        "[{}] updated Deployment {ns}/{name}: {} pod(s) of {}",
        ctx.identity, m.spec.size, m.spec.image
    );
    let note = format!(
        "Deployment {name} now runs {} pod(s) of {}",
        m.spec.size, m.spec.image
    );
    ctx.recorder
        .publish_for(m, &event("Updated", "Reconciling", note))
        .await?;
    Ok(())
}

/// Creates the Service when missing (its spec never changes with `m`).
async fn ensure_service(m: &Memcached, ctx: &Ctx) -> Result<(), Error> {
    let (ns, name) = (namespace_of(m), name_of(m));
    if ctx.services.namespace(ns).get(name).is_some() {
        return Ok(());
    }
    let services = TypedClient::<Service>::namespaced(ctx.client.clone(), ns);
    if create_if_absent(&services, &desired_service(m)?).await? {
        println!("[{}] created Service {ns}/{name}", ctx.identity);
    }
    Ok(())
}

/// The sorted names of `m`'s pods that are not being deleted.
fn pod_names(m: &Memcached, ctx: &Ctx) -> Result<Vec<String>, Error> {
    let selector = Selector::parse(&format!(
        "{}={},{CR_LABEL}={}",
        APP_LABEL.0,
        APP_LABEL.1,
        name_of(m)
    ))?;
    let mut names: Vec<String> = ctx
        .pods
        .namespace(namespace_of(m))
        .list(&selector)
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .filter_map(|p| p.metadata.name.clone())
        .collect();
    names.sort();
    Ok(names)
}

/// Writes `status.nodes` when the pods differ from what it lists.
async fn update_status(m: &Memcached, ctx: &Ctx) -> Result<(), Error> {
    let nodes = pod_names(m, ctx)?;
    let current = m
        .status
        .as_ref()
        .map(|s| s.nodes.as_slice())
        .unwrap_or_default();
    if current == nodes.as_slice() {
        return Ok(());
    }
    let memcacheds = TypedClient::<Memcached>::namespaced(ctx.client.clone(), namespace_of(m));
    let patch = Patch::Merge(serde_json::json!({"status": {"nodes": nodes}}));
    memcacheds
        .patch_status(name_of(m), &patch, &PatchOptions::default())
        .await?;
    Ok(())
}

async fn apply(m: &Memcached, ctx: &Ctx) -> Result<Action, Error> {
    ensure_deployment(m, ctx).await?;
    ensure_service(m, ctx).await?;
    update_status(m, ctx).await?;
    // Every change of the Memcached, its Deployment, Service or pods
    // triggers a reconcile; the requeue only repairs what a lost write left.
    Ok(Action::requeue(Duration::from_secs(300)))
}

/// Records the cleanup. The Deployment and Service carry a controller
/// reference to `m`, so the garbage collector removes them once it is gone.
///
/// A cache that is behind can hand over an object whose finalizer was
/// already removed (a trigger queued the key while the last cleanup ran):
/// the object is read afresh first, so the Event is recorded once.
async fn cleanup(m: &Memcached, ctx: &Ctx) -> Result<Action, Error> {
    let name = name_of(m);
    let memcacheds = TypedClient::<Memcached>::namespaced(ctx.client.clone(), namespace_of(m));
    match memcacheds.get(name, &GetOptions::default()).await {
        Ok(fresh) if fresh.metadata.finalizers.iter().any(|f| f == FINALIZER) => {}
        Ok(_) => return Ok(Action::AwaitChange),
        Err(e) if e.is_not_found() => return Ok(Action::AwaitChange),
        Err(e) => return Err(e.into()),
    }
    println!(
        "[{}] finalizing Memcached {}/{name}",
        ctx.identity,
        namespace_of(m)
    );
    let note = format!("Memcached {name} is being deleted: its Deployment and Service go with it");
    ctx.recorder
        .publish_for(m, &event("Finalized", "Finalizing", note))
        .await?;
    Ok(Action::AwaitChange)
}

/// The controller's reconcile: under [`FINALIZER`], apply or clean up.
///
/// # Errors
///
/// [`FinalizerError`]: the apply or cleanup's [`Error`], or a failed finalizer patch.
pub async fn reconcile(m: Arc<Memcached>, ctx: Arc<Ctx>) -> Result<Action, FinalizerError<Error>> {
    let memcacheds = TypedClient::<Memcached>::namespaced(ctx.client.clone(), namespace_of(&m));
    finalizer(&memcacheds, FINALIZER, m, |event| async {
        match event {
            FinalizerEvent::Apply(m) => apply(&m, &ctx).await,
            FinalizerEvent::Cleanup(m) => cleanup(&m, &ctx).await,
        }
    })
    .await
}

/// Prints the failure and retries after the queue's per-key backoff.
pub fn error_policy(m: Arc<Memcached>, error: &FinalizerError<Error>, ctx: Arc<Ctx>) -> Action {
    println!(
        "[{}] reconcile of {} failed, backing off: {error}",
        ctx.identity,
        name_of(&m)
    );
    Action::Backoff
}

#[cfg(test)]
mod tests {
    use super::*;

    fn persisted(size: i32) -> Memcached {
        let mut m = Memcached::new("cache", size);
        m.metadata.namespace = Some("team".to_owned());
        m.metadata.uid = Some("uid-1".to_owned());
        m
    }

    #[test]
    fn the_deployment_is_controlled_and_sized_by_the_memcached() -> Result<(), OwnerError> {
        let d = desired_deployment(&persisted(3))?;
        assert_eq!(
            size_and_image(&d),
            (Some(3), Some(crate::crd::DEFAULT_IMAGE))
        );
        let owners = d.metadata.owner_references.unwrap_or_default();
        assert_eq!(owners.len(), 1);
        assert_eq!(
            (owners[0].kind.as_str(), owners[0].uid.as_str()),
            ("Memcached", "uid-1")
        );
        assert_eq!(owners[0].controller, Some(true));
        assert_eq!(d.metadata.labels, Some(labels("cache")));
        Ok(())
    }

    #[test]
    fn a_memcached_never_created_cannot_own_anything() {
        let mut m = persisted(1);
        m.metadata.uid = None;
        assert!(matches!(
            desired_service(&m),
            Err(OwnerError::OwnerNotPersisted { .. })
        ));
    }

    #[test]
    fn pods_map_to_their_memcached_by_label() {
        let mut pod = Pod::default();
        pod.metadata.namespace = Some("team".to_owned());
        assert!(owner_of_pod(&pod).is_empty());
        pod.metadata.labels = Some(labels("cache"));
        assert_eq!(
            owner_of_pod(&pod),
            vec![ObjectKey::namespaced("team", "cache")]
        );
    }
}
