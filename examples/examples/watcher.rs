//! A watcher that rides out a dropped connection.
//!
//! Against the embedded server, the example cuts the watch connection after
//! two events, so the watcher must resume from its last resourceVersion
//! without losing or repeating a change. Its consumer keeps a set of names
//! from the events alone, and ends equal to the server's list. (The
//! watcher's own tests cover 410 re-lists, 429 storms and half-open
//! connections.)
//!
//! ```sh
//! cargo run -p examples --example watcher
//! ```

use std::collections::BTreeSet;
use std::time::Duration;

use client_core::api::ConfigMap;
use client_core::watcher::{BackoffConfig, Event, WatcherConfig};
use client_core::{
    BuiltinClientset, CreateOptions, DeleteOptions, ListOptions, ObjectMeta, StreamExt,
};
use client_testserver::{Fault, FaultAction};
use examples::{BoxError, Target};

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    examples::init_tracing();
    let target = Target::from_args().await?;
    let cs = BuiltinClientset::new(target.client.clone());
    let configmaps = cs.core_v1().configmaps(&target.namespace);

    if let Some(server) = target.embedded_server() {
        // The next watch of configmaps is cut after two events.
        server.faults().add(
            Fault::new(FaultAction::DropWatch { after_events: 2 })
                .verb("watch")
                .resource("configmaps")
                .times(1),
        );
    }

    let config = WatcherConfig::default().backoff(BackoffConfig {
        initial: Duration::from_millis(50),
        max: Duration::from_secs(1),
        ..BackoffConfig::default()
    });
    let mut watcher = configmaps.watcher(config);

    // Writes happen in the background while the watcher runs.
    let writer = {
        let configmaps = configmaps.clone();
        tokio::spawn(async move {
            for i in 0..6 {
                let cm = ConfigMap {
                    metadata: ObjectMeta::named(format!("cm-{i}")),
                    data: [("n".to_owned(), i.to_string())].into(),
                    ..ConfigMap::default()
                };
                configmaps.create(&cm, &CreateOptions::default()).await?;
                tokio::time::sleep(Duration::from_millis(30)).await;
            }
            configmaps.delete("cm-1", &DeleteOptions::default()).await?;
            Ok::<_, client_core::Error>(())
        })
    };

    let mut view = BTreeSet::new();
    let wanted: BTreeSet<String> = [0, 2, 3, 4, 5].iter().map(|i| format!("cm-{i}")).collect();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while view != wanted {
        let next = tokio::time::timeout_at(deadline, watcher.next()).await;
        let Ok(Some(item)) = next else {
            return Err("the watcher did not converge within 30 s".into());
        };
        match item {
            Ok(Event::Init) => println!("  (re)list starts"),
            Ok(Event::InitDone) => println!("  in sync with the server"),
            Ok(Event::InitApply(cm) | Event::Apply(cm)) => {
                let name = cm.metadata.name.unwrap_or_default();
                // A real cluster adds kube-root-ca.crt to every namespace: track ours only.
                if name.starts_with("cm-") {
                    println!("  applied {name}");
                    view.insert(name);
                }
            }
            Ok(Event::Delete(cm)) => {
                let name = cm.metadata.name.unwrap_or_default();
                println!("  deleted {name}");
                view.remove(&name);
            }
            Ok(Event::Vanished(gone)) => {
                println!("  vanished {}", gone.name);
                view.remove(&gone.name);
            }
            Err(error) => println!("  watcher recovered from: {error}"),
        }
    }
    writer.await??;

    let server_names: BTreeSet<String> = configmaps
        .list(&ListOptions::default())
        .await?
        .items
        .into_iter()
        .filter_map(|cm| cm.metadata.name)
        .filter(|name| name.starts_with("cm-"))
        .collect();
    println!(
        "the consumer's view matches the server: {} ({} configmaps)",
        view == server_names,
        view.len()
    );
    target.cleanup().await
}
