//! Without flags: the embedded API server with the simulated cluster, one
//! replica of the operator in this process, and a user's script against it.

use std::future::Future;
use std::time::Duration;

use client_core::k8s::api::apps::v1::Deployment;
use client_core::k8s::api::core::v1::Service;
use client_core::{
    CreateOptions, DeleteOptions, GetOptions, ListOptions, Patch, PatchOptions, RestClient,
    TypedClient, wait,
};
use client_runtime::CancellationToken;
use client_runtime::events::EventV1;
use client_testserver::{Simulation, TestServer};
use examples::BoxError;

use crate::args::Args;
use crate::crd::Memcached;
use crate::metrics::Metrics;
use crate::replica::{self, Settings};

/// The name of the demo's `Memcached`.
const NAME: &str = "memcached-sample";
/// The demo's namespace.
const NAMESPACE: &str = "default";
/// How long one step may take.
const STEP: Duration = Duration::from_secs(30);

/// Polls `check` every 20 ms until it holds; prints `what` then.
async fn until<F, Fut>(what: &str, mut check: F) -> Result<(), BoxError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<bool, client_core::Error>>,
{
    let deadline = tokio::time::Instant::now() + STEP;
    while tokio::time::Instant::now() < deadline {
        if check().await? {
            println!("{what}");
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Err(format!("timed out after {STEP:?} waiting for: {what}").into())
}

/// `true` once `d` has `n` replicas, all available, and says `Available`.
pub fn available(d: &Deployment, n: i32) -> bool {
    let Some(status) = &d.status else {
        return false;
    };
    let condition = status
        .conditions
        .iter()
        .flatten()
        .any(|c| c.type_ == "Available" && c.status == "True");
    let observed = status.observed_generation >= d.metadata.generation;
    condition && observed && status.replicas == Some(n) && status.available_replicas == Some(n)
}

/// The deployment and `status.nodes` once both show `n` pods.
async fn wait_for_size(client: &RestClient, n: i32) -> Result<(), BoxError> {
    let deployments = TypedClient::<Deployment>::namespaced(client.clone(), NAMESPACE);
    let memcacheds = TypedClient::<Memcached>::namespaced(client.clone(), NAMESPACE);
    until(
        &format!("Deployment {NAME} is Available with {n} of {n} pods"),
        || async {
            match deployments.get(NAME, &GetOptions::default()).await {
                Ok(d) => Ok(available(&d, n)),
                Err(e) if e.is_not_found() => Ok(false),
                Err(e) => Err(e),
            }
        },
    )
    .await?;
    let size = usize::try_from(n).unwrap_or_default();
    until(&format!("status.nodes lists {n} pods"), || async {
        let m = memcacheds.get(NAME, &GetOptions::default()).await?;
        Ok(m.status.is_some_and(|s| s.nodes.len() == size))
    })
    .await?;
    let m = memcacheds.get(NAME, &GetOptions::default()).await?;
    let nodes = m.status.map(|s| s.nodes).unwrap_or_default();
    println!("status.nodes: {}", nodes.join(", "));
    Ok(())
}

async fn is_gone<F: Future<Output = Result<T, client_core::Error>>, T>(
    get: F,
) -> Result<bool, client_core::Error> {
    match get.await {
        Ok(_) => Ok(false),
        Err(e) if e.is_not_found() => Ok(true),
        Err(e) => Err(e),
    }
}

/// The script: create a Memcached of 3, scale it to 5, delete it.
///
/// # Errors
///
/// The server does not start, a step fails or takes longer than 30 s.
pub async fn run(args: &Args, metrics: &Metrics) -> Result<(), BoxError> {
    let server = TestServer::builder()
        .simulate(Simulation::default())
        .start()
        .await?;
    println!(
        "started the embedded API server with a simulated cluster at {}",
        server.url()
    );
    let client = server.rest_client()?;
    wait::install_crd(&client, &Memcached::crd()?, STEP).await?;
    println!("installed CRD memcacheds.cache.example.com");

    let memcacheds = TypedClient::<Memcached>::namespaced(client.clone(), NAMESPACE);
    // The schema comes from the Rust type: `size` is 1 to 5.
    let refused = memcacheds
        .create(&Memcached::new("too-big", 6), &CreateOptions::default())
        .await;
    match refused {
        Err(client_core::Error::Api { status, .. }) => {
            println!("a Memcached of 6 is refused: {}", status.message);
        }
        other => return Err(format!("a Memcached of 6 was not refused: {other:?}").into()),
    }

    let stop = CancellationToken::new();
    let settings = Settings {
        namespace: None,
        identity: args.identity.clone(),
        election: args.election,
    };
    let operator = replica::run(client.clone(), settings, metrics, stop.clone());
    let script = async {
        let created = memcacheds
            .create(&Memcached::new(NAME, 3), &CreateOptions::default())
            .await?;
        println!(
            "created Memcached {NAME} of 3 (image {})",
            created.spec.image
        );
        wait_for_size(&client, 3).await?;

        let service = TypedClient::<Service>::namespaced(client.clone(), NAMESPACE)
            .get(NAME, &GetOptions::default())
            .await?;
        let port = service
            .spec
            .and_then(|s| s.ports)
            .and_then(|p| p.first().map(|p| p.port));
        let owner = service
            .metadata
            .owner_references
            .unwrap_or_default()
            .into_iter()
            .find(|r| r.controller == Some(true))
            .map(|r| format!("{} {}", r.kind, r.name));
        println!("Service {NAME}: port {port:?}, controlled by {owner:?}");

        let scale = Patch::Merge(serde_json::json!({"spec": {"size": 5}}));
        memcacheds
            .patch(NAME, &scale, &PatchOptions::default())
            .await?;
        println!("scaled Memcached {NAME} to 5");
        wait_for_size(&client, 5).await?;

        memcacheds.delete(NAME, &DeleteOptions::default()).await?;
        println!("deleted Memcached {NAME}");
        until(
            &format!("Memcached {NAME} is gone (the finalizer ran)"),
            || is_gone(memcacheds.get(NAME, &GetOptions::default())),
        )
        .await?;
        let deployments = TypedClient::<Deployment>::namespaced(client.clone(), NAMESPACE);
        let services = TypedClient::<Service>::namespaced(client.clone(), NAMESPACE);
        until(
            "its Deployment and Service are gone (garbage collection)",
            || async {
                Ok(
                    is_gone(deployments.get(NAME, &GetOptions::default())).await?
                        && is_gone(services.get(NAME, &GetOptions::default())).await?,
                )
            },
        )
        .await?;
        let events = TypedClient::<EventV1>::namespaced(client.clone(), NAMESPACE)
            .list(&ListOptions::default())
            .await?
            .items;
        let mut reasons: Vec<String> = events
            .iter()
            .filter(|e| {
                e.regarding.as_ref().and_then(|r| r.uid.as_ref()) == created.metadata.uid.as_ref()
            })
            .filter_map(|e| e.reason.clone())
            .collect();
        reasons.sort();
        println!("events about {NAME}: {}", reasons.join(", "));
        Ok::<(), BoxError>(())
    };
    let (outcome, script) = tokio::join!(operator, async {
        let result = script.await;
        stop.cancel();
        result
    });
    script?;
    outcome?;
    for line in metrics.encode().lines().filter(|l| {
        l.starts_with("leader_election_master_status{") || l.starts_with("workqueue_adds_total{")
    }) {
        println!("metric {line}");
    }
    println!("done");
    Ok(())
}
