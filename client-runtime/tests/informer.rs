//! Informers against the embedded server: sharing, late handlers, indexes,
//! and exactly-once delivery through dropped watches and 410s.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use client_core::api::{ConfigMap, Secret};
use client_core::{CreateOptions, DeleteOptions, ListOptions, ObjectMeta, TypedClient};
use client_runtime::CancellationToken;
use client_runtime::controller::{Action, Controller};
use client_runtime::informer::{InformerFactory, Namespace, Notification};
use client_runtime::selector::LabelSelector;
use client_testserver::{Fault, FaultAction, TestServer};
use support::{fast_watcher, server, within};

fn cm(name: &str, app: &str) -> ConfigMap {
    ConfigMap {
        metadata: ObjectMeta::named(name).with_label("app", app),
        ..ConfigMap::default()
    }
}

async fn create(cms: &TypedClient<ConfigMap>, name: &str, app: &str) -> ConfigMap {
    cms.create(&cm(name, app), &CreateOptions::default())
        .await
        .unwrap()
}

/// How many watches of the collection at `path` the server was asked for.
fn watches_of(server: &TestServer, path: &str) -> usize {
    server
        .requests()
        .all()
        .iter()
        .filter(|r| r.path == path && r.query.contains("watch=true"))
        .count()
}

/// Polls `check` every 10 ms until it holds.
async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let limit = tokio::time::Instant::now() + Duration::from_secs(15);
    while !check() {
        assert!(tokio::time::Instant::now() < limit, "never: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn names(objs: &[Arc<ConfigMap>]) -> Vec<String> {
    let mut n: Vec<_> = objs
        .iter()
        .map(|o| o.metadata.name.clone().unwrap())
        .collect();
    n.sort();
    n
}

#[tokio::test]
async fn one_watch_per_kind_however_many_controllers_share_it() {
    within(Duration::from_secs(30), async {
        let (server, client) = server().await;
        let factory = InformerFactory::new(client.clone());
        let cms = TypedClient::<ConfigMap>::namespaced(client.clone(), "default");
        create(&cms, "a", "web").await;
        let token = CancellationToken::new();
        let mut controllers = Vec::new();
        let reconciled = Arc::new(AtomicUsize::new(0));
        for _ in 0..3 {
            let configmaps = factory.informer::<ConfigMap>(Namespace::All);
            let secrets = factory.informer::<Secret>(Namespace::All);
            let count = Arc::clone(&reconciled);
            controllers.push(tokio::spawn(
                Controller::new(configmaps)
                    .watches(secrets, |_s: &Secret| Vec::new())
                    .graceful_shutdown_on(token.clone())
                    .run(
                        move |_cm: Arc<ConfigMap>, _ctx: Arc<()>| {
                            count.fetch_add(1, Ordering::SeqCst);
                            async { Ok::<_, String>(Action::AwaitChange) }
                        },
                        |_, _, _| Action::Backoff,
                        Arc::new(()),
                    ),
            ));
        }
        factory.start();
        factory.wait_for_cache_sync().await;
        create(&cms, "b", "web").await;
        // Each of the three controllers reconciles both objects.
        eventually("six reconciles", || reconciled.load(Ordering::SeqCst) == 6).await;

        let requests = server.requests().all();
        for path in ["/api/v1/configmaps", "/api/v1/secrets"] {
            let reads: Vec<_> = requests
                .iter()
                .filter(|r| r.method == "GET" && r.path == path)
                .collect();
            assert_eq!(reads.len(), 1, "{path}: {reads:#?}");
            assert!(reads[0].query.contains("watch=true"), "{:?}", reads[0]);
        }
        token.cancel();
        for c in controllers {
            c.await.unwrap();
        }
        factory.shutdown();
    })
    .await;
}

#[tokio::test]
async fn a_late_handler_gets_the_current_state_first() {
    within(Duration::from_secs(30), async {
        let (_server, client) = server().await;
        let cms = TypedClient::<ConfigMap>::namespaced(client.clone(), "default");
        for i in 0..5 {
            create(&cms, &format!("cm{i}"), "web").await;
        }
        let factory = InformerFactory::new(client);
        let informer = factory.informer::<ConfigMap>(Namespace::named("default"));
        factory.start();
        factory.wait_for_cache_sync().await;
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        informer.add_handler(move |n: &Notification<ConfigMap>| {
            let kind = match n {
                Notification::Added(_) => "add",
                Notification::Updated { .. } => "update",
                Notification::Deleted(_) => "delete",
            };
            log.lock().unwrap().push(format!(
                "{kind} {}",
                n.object().metadata.name.as_deref().unwrap()
            ));
        });
        assert_eq!(seen.lock().unwrap().len(), 5);
        assert!(seen.lock().unwrap().iter().all(|l| l.starts_with("add ")));
        cms.delete("cm3", &DeleteOptions::default()).await.unwrap();
        eventually("the delete", || seen.lock().unwrap().len() == 6).await;
        assert_eq!(seen.lock().unwrap()[5], "delete cm3");
        factory.shutdown();
    })
    .await;
}

#[tokio::test]
async fn indexes_stay_right_through_updates_and_deletes() {
    within(Duration::from_secs(30), async {
        let (_server, client) = server().await;
        let cms = TypedClient::<ConfigMap>::namespaced(client.clone(), "default");
        let factory = InformerFactory::new(client);
        let informer = factory.informer::<ConfigMap>(Namespace::All);
        informer
            .add_index("app", |cm: &ConfigMap| {
                cm.metadata.labels.get("app").cloned().into_iter().collect()
            })
            .unwrap();
        factory.start();
        factory.wait_for_cache_sync().await;
        let store = informer.store().clone();
        let by_app = |app: &str| names(&store.by_index("app", app).unwrap());

        create(&cms, "a", "web").await;
        let b = create(&cms, "b", "web").await;
        create(&cms, "c", "db").await;
        eventually("three cached", || store.len() == 3).await;
        assert_eq!(by_app("web"), ["a", "b"]);

        let mut moved = b.clone();
        moved.metadata.labels.insert("app".into(), "db".into());
        cms.update(&moved, &Default::default()).await.unwrap();
        eventually("b moved", || by_app("db") == ["b", "c"]).await;
        assert_eq!(by_app("web"), ["a"]);

        cms.delete("a", &DeleteOptions::default()).await.unwrap();
        eventually("a gone", || by_app("web").is_empty()).await;
        assert!(
            !store
                .index_values("app")
                .unwrap()
                .contains(&"web".to_owned())
        );

        let lister = informer.lister();
        let db = LabelSelector::parse("app=db").unwrap();
        assert_eq!(names(&lister.namespace("default").list(&db)), ["b", "c"]);
        assert!(lister.namespace("other").list(&db).is_empty());
        assert!(lister.namespace("default").get("c").is_some());
        assert!(lister.namespace("default").get("a").is_none());
        factory.shutdown();
    })
    .await;
}

/// What the handler saw, applied to a map; and every broken guarantee.
#[derive(Default)]
struct View {
    objects: BTreeMap<String, String>,
    violations: Vec<String>,
}

fn server_state(list: &[ConfigMap]) -> BTreeMap<String, String> {
    list.iter()
        .map(|c| {
            (
                c.metadata.name.clone().unwrap(),
                c.metadata.resource_version.clone().unwrap(),
            )
        })
        .collect()
}

async fn churn(cms: TypedClient<ConfigMap>, writer: usize, rounds: usize) {
    for i in 0..rounds {
        let name = format!("w{writer}-{}", i % 7);
        let app = if i % 2 == 0 { "web" } else { "db" };
        if i % 5 == 4 {
            let _ = cms.delete(&name, &DeleteOptions::default()).await;
        } else if let Ok(mut current) = cms.get(&name, &Default::default()).await {
            current.metadata.labels.insert("app".into(), app.into());
            let _ = cms.update(&current, &Default::default()).await;
        } else {
            let _ = cms.create(&cm(&name, app), &CreateOptions::default()).await;
        }
        // Spread the writes over several watch lifetimes (1 s each).
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_lost_or_duplicated_events_through_dropped_watches_and_410s() {
    within(Duration::from_secs(60), async {
        let (server, client) = server().await;
        let direct = TypedClient::<ConfigMap>::namespaced(client.clone(), "default");
        for i in 0..10 {
            create(&direct, &format!("seed{i}"), "web").await;
        }
        let factory = InformerFactory::with_config(client.clone(), fast_watcher(), None);
        let informer = factory.informer::<ConfigMap>(Namespace::All);
        let view = Arc::new(Mutex::new(View::default()));
        let sink = Arc::clone(&view);
        informer.add_handler(move |n: &Notification<ConfigMap>| {
            let mut v = sink.lock().unwrap();
            let name = n.object().metadata.name.clone().unwrap();
            let rv = n.object().metadata.resource_version.clone().unwrap();
            match n {
                Notification::Added(_) => {
                    if let Some(old) = v.objects.insert(name.clone(), rv) {
                        v.violations
                            .push(format!("add of cached {name} (had {old})"));
                    }
                }
                Notification::Updated { old, .. } => {
                    let old_rv = old.metadata.resource_version.clone().unwrap();
                    if old_rv == rv {
                        v.violations.push(format!("repeated {name} at {rv}"));
                    }
                    if v.objects.insert(name.clone(), rv).as_ref() != Some(&old_rv) {
                        v.violations
                            .push(format!("update of {name} from unseen {old_rv}"));
                    }
                }
                Notification::Deleted(_) => {
                    if v.objects.remove(&name).is_none() {
                        v.violations.push(format!("delete of unknown {name}"));
                    }
                }
            }
        });
        factory.start();
        factory.wait_for_cache_sync().await;
        // From now on every watch is cut after 3 events (a streaming
        // re-list then falls back to paging).
        server.faults().add(
            Fault::new(FaultAction::DropWatch { after_events: 3 })
                .verb("watch")
                .resource("configmaps"),
        );

        // Forget history now and then: resumes from an old resourceVersion get 410.
        let compactor = tokio::spawn({
            let faults = server.faults();
            async move {
                for _ in 0..20 {
                    tokio::time::sleep(Duration::from_millis(150)).await;
                    faults.compact();
                }
            }
        });
        // Writers churn in rounds until the cuts really hit (several watches
        // opened): on a loaded machine the watcher's backoff can stretch one
        // round over only a few watch lifetimes. Bounded by the round count.
        for round in 0..6 {
            if round > 0 && watches_of(&server, "/api/v1/configmaps") > 5 {
                break;
            }
            let writers: Vec<_> = (0..3)
                .map(|w| tokio::spawn(churn(direct.clone(), w, 100)))
                .collect();
            for w in writers {
                w.await.unwrap();
            }
        }
        compactor.await.unwrap();
        server.faults().clear();

        let list = direct.list(&ListOptions::default()).await.unwrap().items;
        let want = server_state(&list);
        eventually("the handler's view equals the server's", || {
            view.lock().unwrap().objects == want
        })
        .await;
        let v = view.lock().unwrap();
        assert!(v.violations.is_empty(), "{:#?}", v.violations);
        let cached: BTreeMap<_, _> = informer
            .store()
            .list()
            .iter()
            .map(|c| {
                (
                    c.metadata.name.clone().unwrap(),
                    c.metadata.resource_version.clone().unwrap(),
                )
            })
            .collect();
        assert_eq!(cached, want);
        // The faults really hit: many watches were opened.
        let watches = watches_of(&server, "/api/v1/configmaps");
        assert!(watches > 5, "{watches} watches");
        // ... and compaction made some resumes re-list (the first list is one).
        let lists = server
            .requests()
            .all()
            .iter()
            .filter(|r| {
                r.path == "/api/v1/configmaps"
                    && (r.query.contains("sendInitialEvents=true")
                        || !r.query.contains("watch=true"))
            })
            .count();
        assert!(lists > 1, "{lists} lists");
        factory.shutdown();
    })
    .await;
}

#[tokio::test]
async fn a_metadata_informer_tracks_metadata_without_the_data() {
    within(Duration::from_secs(30), async {
        let (server, client) = server().await;
        let cms = TypedClient::<ConfigMap>::namespaced(client.clone(), "default");
        let mut full = cm("a", "web");
        full.data.insert("big".into(), "x".repeat(4096));
        cms.create(&full, &CreateOptions::default()).await.unwrap();
        let factory = InformerFactory::new(client);
        let names = factory.metadata_informer::<ConfigMap>(Namespace::All);
        // The same factory still hands out the full informer separately.
        let _full = factory.informer::<ConfigMap>(Namespace::All);
        factory.start();
        factory.wait_for_cache_sync().await;
        let a = names.lister().namespace("default").get("a").unwrap();
        assert_eq!(
            a.metadata.labels.get("app").map(String::as_str),
            Some("web")
        );
        assert!(a.metadata.managed_fields.is_empty(), "stripped by default");

        create(&cms, "b", "db").await;
        eventually("b arrives", || names.store().len() == 2).await;
        cms.delete("a", &DeleteOptions::default()).await.unwrap();
        eventually("a leaves", || names.store().len() == 1).await;
        // Two informers, two watches of configmaps: they are different informers.
        let watches = watches_of(&server, "/api/v1/configmaps");
        assert_eq!(watches, 2);
        factory.shutdown();
    })
    .await;
}
