//! A small operator on `client-runtime`: every ConfigMap labelled
//! `example.com/summarize=true` gets a `<name>-summary` ConfigMap listing its
//! keys, controlled by it; deleting the source runs a finalizer that removes
//! the summary and records an Event.
//!
//! The pieces an operator needs, end to end: a shared informer factory (the
//! summaries' informer is shared by the controller's `owns` and the
//! example's own lister), a controller with two workers, a finalizer, an
//! event recorder, queue metrics, and leader election on a Lease around it
//! all. It runs against the embedded server unless given `--kubeconfig`.
//!
//! ```sh
//! cargo run -p examples --example operator
//! ```

use std::sync::Arc;
use std::time::Duration;

use client_core::api::ConfigMap;
use client_core::{
    ApplyOptions, CreateOptions, DeleteOptions, ListOptions, ObjectMeta, TypedClient,
};
use client_runtime::controller::{Action, Controller, set_controller_reference};
use client_runtime::events::{EventType, EventV1, NewEvent, Recorder, Reporter};
use client_runtime::finalizer::{FinalizerError, FinalizerEvent, finalizer};
use client_runtime::informer::{InformerFactory, Namespace, Selectors};
use client_runtime::leader_election::{LeaderElectionConfig, LeaderElector, LeaseLock};
use client_runtime::workqueue::QueueMetrics;
use client_runtime::{CancellationToken, ObjectKey};
use examples::{BoxError, Target};
use prometheus_client::registry::Registry;

const LABEL: &str = "example.com/summarize";
const FINALIZER: &str = "example.com/summary-cleanup";
const MANAGER: &str = "summarizer";

/// What a reconcile can fail with.
#[derive(Debug, thiserror::Error)]
enum Error {
    #[error("the API call failed: {0}")]
    Api(#[from] client_core::Error),
    #[error("the owner reference could not be set: {0}")]
    Owner(#[from] client_runtime::controller::OwnerError),
}

/// What every reconcile shares.
struct Ctx {
    configmaps: TypedClient<ConfigMap>,
    recorder: Recorder,
}

fn summary_name(cm: &ConfigMap) -> String {
    format!(
        "{}-summary",
        cm.metadata.name.as_deref().unwrap_or_default()
    )
}

fn event(reason: &str, note: String) -> NewEvent {
    NewEvent {
        type_: EventType::Normal,
        reason: reason.to_owned(),
        action: "Reconciling".to_owned(),
        note: Some(note),
        related: None,
    }
}

/// Writes the summary (server-side apply: the same object every time).
async fn summarize(cm: &ConfigMap, ctx: &Ctx) -> Result<Action, Error> {
    let keys: Vec<&str> = cm.data.keys().map(String::as_str).collect();
    let mut summary = ConfigMap {
        metadata: ObjectMeta::named(summary_name(cm)),
        data: [("keys".to_owned(), keys.join(","))].into(),
        ..ConfigMap::default()
    };
    summary
        .metadata
        .namespace
        .clone_from(&cm.metadata.namespace);
    set_controller_reference(cm, &mut summary)?;
    let opts = ApplyOptions::new(MANAGER).force();
    ctx.configmaps
        .apply(&summary_name(cm), &summary, &opts)
        .await?;
    ctx.recorder
        .publish_for(
            cm,
            &event("Summarized", format!("keys: {}", keys.join(","))),
        )
        .await?;
    Ok(Action::requeue(Duration::from_secs(300)))
}

/// Removes the summary before the source goes.
async fn cleanup(cm: &ConfigMap, ctx: &Ctx) -> Result<Action, Error> {
    match ctx
        .configmaps
        .delete(&summary_name(cm), &DeleteOptions::default())
        .await
    {
        Ok(_) => {}
        Err(client_core::Error::Api { status, .. }) if status.code == 404 => {}
        Err(e) => return Err(e.into()),
    }
    ctx.recorder
        .publish_for(
            cm,
            &event("Cleaned", format!("deleted {}", summary_name(cm))),
        )
        .await?;
    Ok(Action::AwaitChange)
}

async fn reconcile(cm: Arc<ConfigMap>, ctx: Arc<Ctx>) -> Result<Action, FinalizerError<Error>> {
    finalizer(&ctx.configmaps, FINALIZER, cm, |event| async {
        match event {
            FinalizerEvent::Apply(cm) => summarize(&cm, &ctx).await,
            FinalizerEvent::Cleanup(cm) => cleanup(&cm, &ctx).await,
        }
    })
    .await
}

fn error_policy(_cm: Arc<ConfigMap>, error: &FinalizerError<Error>, _ctx: Arc<Ctx>) -> Action {
    println!("reconcile failed, backing off: {error}");
    Action::Backoff
}

/// Polls `check` until it holds (at most 30 s).
async fn wait_until(what: &str, mut check: impl FnMut() -> bool) -> Result<(), BoxError> {
    for _ in 0..3000 {
        if check() {
            println!("{what}");
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Err(format!("timed out waiting for: {what}").into())
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let target = Target::from_args().await?;
    let (client, ns) = (target.client.clone(), target.namespace.clone());
    let configmaps = TypedClient::<ConfigMap>::namespaced(client.clone(), ns.clone());

    let factory = InformerFactory::new(client.clone());
    let sources = factory.informer_with::<ConfigMap>(
        Namespace::named(&ns),
        Selectors {
            labels: Some(format!("{LABEL}=true")),
            fields: None,
        },
    );
    let everything = factory.informer::<ConfigMap>(Namespace::named(&ns));
    let mut registry = Registry::default();
    let metrics = QueueMetrics::register(&mut registry);
    let ctx = Arc::new(Ctx {
        configmaps: configmaps.clone(),
        recorder: Recorder::new(
            client.clone(),
            Reporter {
                controller: "example.com/summarizer".to_owned(),
                instance: "summarizer-0".to_owned(),
            },
        ),
    });
    factory.start();

    let stop = CancellationToken::new();
    let controller = Controller::new(sources)
        .owns(everything.clone())
        .workers(2)
        .metrics(&metrics)
        .graceful_shutdown_on(stop.clone())
        .run(reconcile, error_policy, ctx);
    let lock = LeaseLock::new(client.clone(), ns.clone(), "summarizer", "summarizer-0");
    let elector = LeaderElector::new(lock, LeaderElectionConfig::default())?;
    let operator = tokio::spawn(async move {
        // Stopping the controller ends the leading future: the Lease is released.
        elector.run(controller, &CancellationToken::new()).await
    });

    let source = ConfigMap {
        metadata: ObjectMeta::named("settings").with_label(LABEL, "true"),
        data: [("a", "1"), ("b", "2")]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .into(),
        ..ConfigMap::default()
    };
    let created = configmaps
        .create(&source, &CreateOptions::default())
        .await?;
    println!("created settings with keys a,b");

    let lister = everything.lister();
    let keys_of = |name: &str| {
        lister
            .namespace(&ns)
            .get(name)
            .and_then(|cm| cm.data.get("keys").cloned())
    };
    wait_until("settings-summary lists keys a,b", || {
        keys_of("settings-summary").as_deref() == Some("a,b")
    })
    .await?;

    let mut changed = configmaps.get("settings", &Default::default()).await?;
    changed.data.insert("c".to_owned(), "3".to_owned());
    configmaps.update(&changed, &Default::default()).await?;
    wait_until("settings-summary lists keys a,b,c", || {
        keys_of("settings-summary").as_deref() == Some("a,b,c")
    })
    .await?;

    configmaps
        .delete("settings", &DeleteOptions::default())
        .await?;
    let store = everything.store().clone();
    let gone = |name: &str| {
        store
            .get(&ObjectKey::namespaced(ns.clone(), name))
            .is_none()
    };
    wait_until(
        "the finalizer removed settings-summary, then settings went",
        || gone("settings") && gone("settings-summary"),
    )
    .await?;

    let events = TypedClient::<EventV1>::namespaced(client.clone(), ns.clone())
        .list(&ListOptions::default())
        .await?
        .items;
    let about_settings = events.iter().filter(|e| {
        e.regarding.as_ref().and_then(|r| r.uid.as_ref()) == created.metadata.uid.as_ref()
    });
    let mut reasons: Vec<String> = about_settings
        .map(|e| {
            let count = e.series.as_ref().map_or(1, |s| s.count);
            format!("{} x{count}", e.reason.as_deref().unwrap_or_default())
        })
        .collect();
    reasons.sort();
    println!("events about settings: {}", reasons.join(", "));

    stop.cancel();
    operator.await??;
    println!("the controller stopped and the lease was released");
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &registry)?;
    for line in text
        .lines()
        .filter(|l| l.starts_with("workqueue_adds_total"))
    {
        println!("metric {line}");
    }
    factory.shutdown();
    target.cleanup().await
}
