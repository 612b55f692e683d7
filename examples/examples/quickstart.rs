//! The quickstart: a `CronTab` custom resource, its typed client from a
//! derive, and the verbs a controller uses, against the embedded API server.
//!
//! ```sh
//! cargo run -p examples --example quickstart                       # embedded server
//! cargo run -p examples --example quickstart -- --context my-kind  # a real cluster
//! ```

use std::time::Duration;

use client_core::watcher::{Event, WatcherConfig};
use client_core::{
    ApplyOptions, Clientset, CreateOptions, DeleteOptions, GetOptions, ListOptions, ObjectMeta,
    Patch, PatchOptions, Resource, RestClient, UpdateOptions,
};
use examples::{BoxError, Target};
use futures_util::{StreamExt, TryStreamExt};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A cron job, as the Kubernetes CRD tutorial defines it.
#[derive(Resource, JsonSchema, Clone, Debug, Default, Serialize, Deserialize)]
#[resource(
    group = "stable.example.com",
    version = "v1",
    kind = "CronTab",
    short_names("ct"),
    namespaced,
    status,
    schema
)]
pub struct CronTab {
    /// Standard object metadata.
    pub metadata: ObjectMeta,
    /// What the user wants.
    pub spec: CronTabSpec,
    /// What the controller observed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<CronTabStatus>,
}

/// The desired state of a [`CronTab`].
#[derive(JsonSchema, Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CronTabSpec {
    /// The schedule, in cron syntax.
    pub cron_spec: String,
    /// The container image to run.
    pub image: String,
    /// How many copies to run.
    #[serde(default)]
    pub replicas: i32,
}

/// The observed state of a [`CronTab`].
#[derive(JsonSchema, Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CronTabStatus {
    /// When the job last ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_schedule: Option<String>,
}

/// The typed clients of this program, grouped like client-go's Clientset.
#[derive(Clientset)]
#[clientset(group = "stable.example.com", version = "v1", resources(CronTab))]
pub struct Clientset(RestClient);

fn crontab(name: &str, schedule: &str) -> CronTab {
    CronTab {
        metadata: ObjectMeta {
            name: Some(name.to_owned()),
            labels: [("app".to_owned(), "quickstart".to_owned())].into(),
            ..ObjectMeta::default()
        },
        spec: CronTabSpec {
            cron_spec: schedule.to_owned(),
            image: "registry.example/cron:1".to_owned(),
            replicas: 1,
        },
        status: None,
    }
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let target = Target::from_args().await?;
    let result = run(&target).await;
    target.cleanup().await?;
    result
}

async fn run(target: &Target) -> Result<(), BoxError> {
    let ns = target.namespace.as_str();
    let cs = Clientset::new(target.client.clone());

    // 1. Install the CRD that the derive describes, unless it is already there.
    target.install_crd(&CronTab::crd()?).await?;

    let crontabs = cs.stable_v1().crontabs(ns);

    // 2. A watcher (list, then watch, resuming on its own) prints events as they arrive.
    let mut watcher = crontabs.watcher(WatcherConfig::default().labels("app=quickstart"));
    let printer = tokio::spawn(async move {
        let mut seen = 0usize;
        while let Some(event) = watcher.next().await {
            match event {
                Ok(Event::InitDone) => println!("  watcher: in sync"),
                Ok(Event::InitApply(o) | Event::Apply(o)) => {
                    seen += 1;
                    println!("  watcher: applied {} (rv {})", name_of(&o), rv_of(&o));
                }
                Ok(Event::Delete(o)) => {
                    seen += 1;
                    println!("  watcher: deleted {}", name_of(&o));
                    break;
                }
                Ok(_) => {}
                Err(e) => println!("  watcher: recovering from {e}"),
            }
        }
        seen
    });

    // 3. Create, get, list with a label selector.
    let created = crontabs
        .create(&crontab("nightly", "0 3 * * *"), &CreateOptions::default())
        .await?;
    println!(
        "created {} (resourceVersion {})",
        name_of(&created),
        rv_of(&created)
    );
    let got = crontabs.get("nightly", &GetOptions::default()).await?;
    println!(
        "got {} with schedule {:?}",
        name_of(&got),
        got.spec.cron_spec
    );
    let listed = crontabs
        .list(&ListOptions::default().labels("app=quickstart"))
        .await?;
    println!(
        "listed {} crontab(s) with app=quickstart",
        listed.items.len()
    );

    // 4. Update the spec, then the status through its subresource.
    let mut changed = got.clone();
    changed.spec.replicas = 2;
    let updated = crontabs.update(&changed, &UpdateOptions::default()).await?;
    println!(
        "updated replicas to {} (generation {})",
        updated.spec.replicas,
        updated.metadata.generation.unwrap_or_default()
    );
    let mut with_status = updated.clone();
    with_status.status = Some(CronTabStatus {
        last_schedule: Some("2026-11-24T03:00:00Z".to_owned()),
    });
    let updated = crontabs
        .update_status(&with_status, &UpdateOptions::default())
        .await?;
    let last = updated
        .status
        .as_ref()
        .and_then(|s| s.last_schedule.as_deref());
    println!("updated status: last schedule {}", last.unwrap_or("-"));

    // 5. A merge patch.
    let patch = Patch::Merge(serde_json::json!({"spec": {"image": "registry.example/cron:2"}}));
    let patched = crontabs
        .patch("nightly", &patch, &PatchOptions::default())
        .await?;
    println!("merge-patched image to {}", patched.spec.image);

    // 6. Server-side apply: the fields earlier writes set belong to their
    //    field manager, so applying another value conflicts until forced.
    let config = serde_json::json!({"metadata": {"name": "nightly"}, "spec": {"replicas": 3}});
    let applier = ApplyOptions::new("quickstart-apply");
    match crontabs.apply("nightly", &config, &applier).await {
        Err(e) if e.is_conflict() => println!("server-side apply refused: Conflict"),
        Err(e) => return Err(e.into()),
        Ok(_) => return Err("an apply over another manager's field was accepted".into()),
    }
    let applied = crontabs
        .apply("nightly", &config, &applier.clone().force())
        .await?;
    println!(
        "force-applied replicas {} as quickstart-apply",
        applied.spec.replicas
    );

    // 7. A stale update is refused with Conflict; read again and retry.
    let mut stale = got;
    stale.spec.replicas = 5;
    match crontabs.update(&stale, &UpdateOptions::default()).await {
        Err(e) if e.is_conflict() => println!("stale update refused: Conflict"),
        Err(e) => return Err(e.into()),
        Ok(_) => return Err("a stale update was accepted".into()),
    }
    let mut fresh = crontabs.get("nightly", &GetOptions::default()).await?;
    fresh.spec.replicas = 5;
    let retried = crontabs.update(&fresh, &UpdateOptions::default()).await?;
    println!(
        "retried after a fresh get: replicas {}",
        retried.spec.replicas
    );

    // 8. Paging: 250 objects, read 100 at a time.
    let creates = (0..250).map(|i| {
        let crontabs = crontabs.clone();
        async move {
            let mut obj = crontab(&format!("batch-{i:03}"), "*/5 * * * *");
            obj.metadata
                .labels
                .insert("batch".to_owned(), "yes".to_owned());
            obj.metadata.labels.remove("app");
            crontabs.create(&obj, &CreateOptions::default()).await
        }
    });
    futures_util::stream::iter(creates)
        .buffer_unordered(16)
        .try_collect::<Vec<_>>()
        .await?;
    let pages: Vec<_> = crontabs
        .list_pages(&ListOptions::default().labels("batch=yes").limit(100))
        .try_collect()
        .await?;
    let total: usize = pages.iter().map(|p| p.items.len()).sum();
    println!(
        "paged through {total} crontabs in {} pages of at most 100",
        pages.len()
    );

    // 9. Delete, and see NotFound afterwards.
    crontabs
        .delete("nightly", &DeleteOptions::default())
        .await?;
    match crontabs.get("nightly", &GetOptions::default()).await {
        Err(e) if e.is_not_found() => println!("deleted nightly: get now says NotFound"),
        Err(e) => return Err(e.into()),
        Ok(_) => return Err("nightly is still there".into()),
    }

    let seen = tokio::time::timeout(Duration::from_secs(10), printer).await??;
    println!("the watcher reported {seen} changes");

    // Clean up: the batch, and the CRD if this run installed it.
    crontabs
        .delete_collection(
            &DeleteOptions::default(),
            &ListOptions::default().labels("batch=yes"),
        )
        .await?;
    println!("done");
    Ok(())
}

fn name_of(obj: &CronTab) -> &str {
    obj.metadata.name.as_deref().unwrap_or("?")
}

fn rv_of(obj: &CronTab) -> &str {
    obj.metadata.resource_version.as_deref().unwrap_or("?")
}
