//! The watcher against `client-testserver`'s faults, under concurrent writers:
//! a consumer that applies every event to a map ends equal to the server's
//! list, never applies an old or repeated resourceVersion, and never deletes
//! what it does not have.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use client_core::QueryParams;
use client_core::api::ConfigMap;
use client_core::watcher::{BackoffConfig, Event, InitialList, WatcherConfig, WatcherError};
use client_core::{
    CreateOptions, DeleteOptions, ListOptions, ObjectMeta, Patch, PatchOptions, RestClient,
    TypedClient,
};
use client_testserver::{Fault, FaultAction, TestServer};
use futures_util::StreamExt;
use tokio::io::copy_bidirectional;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio::time::Instant;

const NS: &str = "default";

/// Every test runs under this hard limit.
async fn within<F: Future<Output = ()>>(limit: Duration, f: F) {
    tokio::time::timeout(limit, f)
        .await
        .expect("test exceeded its time limit");
}

/// Short real timings, so faults are handled in milliseconds.
fn fast_config() -> WatcherConfig {
    WatcherConfig::default()
        .page_size(7)
        .idle_timeout(Duration::from_secs(3))
        .watch_timeout(Duration::from_secs(1), Duration::from_secs(1))
        .short_watch(Duration::from_millis(50))
        .backoff(BackoffConfig {
            initial: Duration::from_millis(20),
            max: Duration::from_millis(200),
            factor: 2.0,
            jitter: 0.5,
            reset_after: Duration::from_secs(2),
        })
}

fn rv_num(cm: &ConfigMap) -> u64 {
    cm.metadata
        .resource_version
        .as_deref()
        .unwrap()
        .parse()
        .unwrap()
}

fn key(cm: &ConfigMap) -> (String, String) {
    (
        cm.metadata.namespace.clone().unwrap_or_default(),
        cm.metadata.name.clone().unwrap_or_default(),
    )
}

/// What the consumer has seen.
#[derive(Default, Debug)]
struct View {
    objects: BTreeMap<(String, String), u64>,
    /// An apply of a resourceVersion the consumer already had (or an older one),
    /// a delete of something it did not have: each is a broken guarantee.
    violations: Vec<String>,
    inits: usize,
    init_dones: usize,
    vanished: usize,
    errors: Vec<(Instant, String, Option<u16>)>,
    expired: usize,
    idle_timeouts: Vec<Instant>,
}

impl View {
    fn apply(&mut self, event: Event<ConfigMap>) {
        match event {
            Event::Init => self.inits += 1,
            Event::InitDone => self.init_dones += 1,
            Event::InitApply(cm) | Event::Apply(cm) => {
                let rv = rv_num(&cm);
                if let Some(old) = self.objects.insert(key(&cm), rv)
                    && old >= rv
                {
                    self.violations
                        .push(format!("{:?}: applied rv {rv} over {old}", key(&cm)));
                }
            }
            Event::Delete(cm) => match self.objects.remove(&key(&cm)) {
                None => self
                    .violations
                    .push(format!("{:?}: deleted twice", key(&cm))),
                Some(old) if old > rv_num(&cm) => self
                    .violations
                    .push(format!("{:?}: deleted at an older rv", key(&cm))),
                Some(_) => {}
            },
            Event::Vanished(gone) => {
                self.vanished += 1;
                let k = (gone.namespace.unwrap_or_default(), gone.name);
                if self.objects.remove(&k).is_none() {
                    self.violations.push(format!("{k:?}: vanished twice"));
                }
            }
        }
    }

    fn error(&mut self, error: &WatcherError) {
        let code = error.client_error().and_then(client_core::Error::code);
        match error {
            WatcherError::Expired { .. } => self.expired += 1,
            WatcherError::IdleTimeout { .. } => self.idle_timeouts.push(Instant::now()),
            _ => {}
        }
        self.errors.push((Instant::now(), error.to_string(), code));
    }
}

/// A watcher running in its own task, feeding a shared [`View`].
struct Consumer {
    view: Arc<Mutex<View>>,
    task: JoinHandle<()>,
}

impl Consumer {
    fn start(client: &TypedClient<ConfigMap>, config: WatcherConfig) -> Self {
        Self::run(client.watcher(config))
    }

    fn run(mut watcher: client_core::watcher::Watcher<ConfigMap>) -> Self {
        let view = Arc::new(Mutex::new(View::default()));
        let shared = view.clone();
        let task = tokio::spawn(async move {
            while let Some(item) = watcher.next().await {
                let mut view = shared.lock().unwrap();
                match item {
                    Ok(event) => view.apply(event),
                    Err(error) => view.error(&error),
                }
            }
        });
        Self { view, task }
    }

    fn with<T>(&self, f: impl FnOnce(&View) -> T) -> T {
        f(&self.view.lock().unwrap())
    }

    async fn wait_for(&self, what: &str, limit: Duration, cond: impl Fn(&View) -> bool) {
        let deadline = Instant::now() + limit;
        while !self.with(&cond) {
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}: {:#?}",
                self.with(|v| (v.inits, v.init_dones, v.errors.clone()))
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Waits until the view equals the server's list, then checks the guarantees.
    async fn converges_to(&self, direct: &TypedClient<ConfigMap>) {
        let list = direct.list(&ListOptions::default()).await.unwrap();
        let want: BTreeMap<_, _> = list.items.iter().map(|cm| (key(cm), rv_num(cm))).collect();
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let same = self.with(|v| v.objects == want);
            if same {
                break;
            }
            if Instant::now() >= deadline {
                let got = self.with(|v| v.objects.clone());
                panic!("view did not converge:\n want {want:?}\n got  {got:?}");
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        self.with(|v| assert!(v.violations.is_empty(), "{:#?}", v.violations));
        assert!(!self.task.is_finished(), "the watcher ended on its own");
    }
}

impl Drop for Consumer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Spawned writers that create, update and delete configmaps until stopped.
struct Writers {
    stop: Arc<AtomicBool>,
    tasks: Vec<JoinHandle<usize>>,
}

impl Writers {
    fn start(client: &TypedClient<ConfigMap>, count: usize) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let tasks = (0..count)
            .map(|w| {
                let client = client.clone();
                let stop = stop.clone();
                tokio::spawn(async move {
                    let mut alive = [false; 6];
                    let mut ops = 0;
                    let mut n = 0u64;
                    while !stop.load(Ordering::Relaxed) {
                        let i = fastrand::usize(..alive.len());
                        let name = format!("w{w}-{i}");
                        n += 1;
                        if !alive[i] {
                            let mut cm = ConfigMap {
                                metadata: ObjectMeta::named(&name),
                                ..Default::default()
                            };
                            cm.data.insert("n".into(), n.to_string());
                            client.create(&cm, &CreateOptions::default()).await.unwrap();
                            alive[i] = true;
                        } else if fastrand::u8(..10) < 7 {
                            let patch =
                                Patch::Merge(serde_json::json!({"data": {"n": n.to_string()}}));
                            client
                                .patch(&name, &patch, &PatchOptions::default())
                                .await
                                .unwrap();
                        } else {
                            client
                                .delete(&name, &DeleteOptions::default())
                                .await
                                .unwrap();
                            alive[i] = false;
                        }
                        ops += 1;
                        tokio::time::sleep(Duration::from_millis(fastrand::u64(2..8))).await;
                    }
                    ops
                })
            })
            .collect();
        Self { stop, tasks }
    }

    async fn stop(self) -> usize {
        self.stop.store(true, Ordering::Relaxed);
        let mut total = 0;
        for task in self.tasks {
            total += task.await.unwrap();
        }
        total
    }
}

/// A TCP proxy between the client and the server that a test can cut,
/// restart (stop listening, then listen again on the same port) or freeze
/// (stop forwarding on open connections without closing them).
struct Proxy {
    addr: SocketAddr,
    upstream: SocketAddr,
    conns: Arc<Mutex<Vec<Conn>>>,
    accept: Mutex<Option<JoinHandle<()>>>,
}

struct Conn {
    task: JoinHandle<()>,
    freeze: tokio::sync::watch::Sender<bool>,
}

impl Proxy {
    async fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let proxy = Self {
            addr: listener.local_addr().unwrap(),
            upstream,
            conns: Arc::default(),
            accept: Mutex::new(None),
        };
        proxy.serve(listener);
        proxy
    }

    fn serve(&self, listener: TcpListener) {
        let conns = self.conns.clone();
        let upstream = self.upstream;
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    continue;
                };
                let (freeze, mut frozen) = tokio::sync::watch::channel(false);
                let task = tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    let froze = tokio::select! {
                        _ = copy_bidirectional(&mut client, &mut server) => false,
                        r = frozen.wait_for(|f| *f) => r.is_ok(),
                    };
                    if froze {
                        // Half-open: both sockets stay open, nothing moves.
                        std::future::pending::<()>().await;
                    }
                });
                conns.lock().unwrap().push(Conn { task, freeze });
            }
        });
        *self.accept.lock().unwrap() = Some(task);
    }

    /// Closes every open connection.
    fn cut(&self) {
        for conn in self.conns.lock().unwrap().drain(..) {
            conn.task.abort();
        }
    }

    /// Stops forwarding on every open connection, leaving it open.
    fn freeze(&self) {
        for conn in self.conns.lock().unwrap().iter() {
            let _ = conn.freeze.send(true);
        }
    }

    /// Closes the listener and every connection (connections are refused), waits, listens again.
    async fn restart(&self, down: Duration, while_down: impl FnOnce()) {
        if let Some(task) = self.accept.lock().unwrap().take() {
            task.abort();
        }
        self.cut();
        // The aborted accept task drops its listener on its next poll.
        tokio::time::sleep(Duration::from_millis(20)).await;
        while_down();
        tokio::time::sleep(down).await;
        let listener = TcpListener::bind(self.addr).await.unwrap();
        self.serve(listener);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        if let Some(task) = self.accept.lock().unwrap().take() {
            task.abort();
        }
        self.cut();
    }
}

/// A server, a direct client for writers and checks, and a client for the watcher
/// (through `proxy` when given).
struct Setup {
    server: TestServer,
    direct: TypedClient<ConfigMap>,
    watched: TypedClient<ConfigMap>,
    proxy: Option<Proxy>,
}

async fn setup(
    builder: client_testserver::Builder,
    via_proxy: bool,
    max_retries: Option<u32>,
) -> Setup {
    let server = builder.start().await.unwrap();
    let direct = TypedClient::namespaced(server.rest_client().unwrap(), NS);
    let mut config = server.client_config().unwrap();
    if let Some(n) = max_retries {
        config.max_retries = n;
    }
    let proxy = if via_proxy {
        let proxy = Proxy::start(server.addr()).await;
        config
            .cluster_url
            .set_port(Some(proxy.addr.port()))
            .unwrap();
        Some(proxy)
    } else {
        None
    };
    let watched = TypedClient::namespaced(RestClient::new(config).unwrap(), NS);
    Setup {
        server,
        direct,
        watched,
        proxy,
    }
}

fn watch_requests(server: &TestServer) -> Vec<client_testserver::LoggedRequest> {
    server
        .requests()
        .all()
        .into_iter()
        .filter(|r| r.path.ends_with("/configmaps") && r.query.contains("watch=true"))
        .collect()
}

async fn seed(direct: &TypedClient<ConfigMap>, n: usize) {
    for i in 0..n {
        let cm = ConfigMap {
            metadata: ObjectMeta::named(format!("seed-{i}")),
            ..Default::default()
        };
        direct.create(&cm, &CreateOptions::default()).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_watches_resume_without_a_relist() {
    within(Duration::from_secs(40), async {
        let s = setup(TestServer::builder(), false, None).await;
        seed(&s.direct, 20).await;
        let consumer = Consumer::start(&s.watched, fast_config());
        consumer
            .wait_for("the initial state", Duration::from_secs(10), |v| {
                v.init_dones == 1
            })
            .await;
        consumer.with(|v| assert_eq!(v.objects.len(), 20));
        let writers = Writers::start(&s.direct, 3);
        s.server.faults().add(
            Fault::new(FaultAction::DropWatch { after_events: 4 })
                .verb("watch")
                .resource("configmaps")
                .times(5),
        );
        // The open watch ends at its 1 s timeout; the next ones are cut.
        let before = watch_requests(&s.server).len();
        consumer
            .wait_for("watches that were dropped", Duration::from_secs(10), |v| {
                v.errors.len() >= 3
            })
            .await;
        let ops = writers.stop().await;
        consumer.converges_to(&s.direct).await;
        assert!(ops > 20, "writers made only {ops} changes");
        assert!(watch_requests(&s.server).len() > before);
        consumer.with(|v| {
            assert_eq!(v.inits, 1, "a dropped watch must resume, not re-list");
            assert_eq!(v.expired, 0);
        });
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compaction_and_http_410_relist_and_converge() {
    within(Duration::from_secs(40), async {
        let s = setup(TestServer::builder(), false, None).await;
        seed(&s.direct, 15).await;
        let consumer = Consumer::start(&s.watched, fast_config());
        consumer
            .wait_for("the initial state", Duration::from_secs(10), |v| {
                v.init_dones == 1
            })
            .await;
        let writers = Writers::start(&s.direct, 3);
        tokio::time::sleep(Duration::from_millis(200)).await;

        // Hold the next watch request at the server, then compact the history
        // behind it: it resumes from a resourceVersion that is gone, and gets
        // 410 Expired as an ERROR event inside its 200 stream.
        let faults = s.server.faults();
        faults.add(
            // Long enough for the deletes and the compaction below to land
            // first even on a loaded machine; the watcher just waits.
            Fault::new(FaultAction::Latency { millis: 4000 })
                .verb("watch")
                .resource("configmaps")
                .times(1),
        );
        let before = watch_requests(&s.server).len();
        let deadline = Instant::now() + Duration::from_secs(10);
        while watch_requests(&s.server).len() == before {
            assert!(Instant::now() < deadline, "no new watch request");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        // Deletions during the gap must come back as vanished objects.
        for i in 0..5 {
            s.direct
                .delete(&format!("seed-{i}"), &DeleteOptions::default())
                .await
                .unwrap();
        }
        faults.compact();
        consumer
            .wait_for("a re-list after compaction", Duration::from_secs(10), |v| {
                v.expired >= 1 && v.init_dones >= 2
            })
            .await;
        consumer.with(|v| assert!(v.vanished >= 5, "vanished: {}", v.vanished));

        // 410 as an HTTP answer to the watch request.
        faults.add(
            Fault::new(FaultAction::Status {
                code: 410,
                retry_after_seconds: None,
            })
            .verb("watch")
            .resource("configmaps")
            .times(1),
        );
        consumer
            .wait_for(
                "a re-list after an HTTP 410",
                Duration::from_secs(10),
                |v| v.expired >= 2 && v.init_dones >= 3,
            )
            .await;
        writers.stop().await;
        consumer.converges_to(&s.direct).await;
        consumer.with(|v| assert_eq!(v.inits, v.init_dones));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_storm_is_waited_out_with_retry_after() {
    within(Duration::from_secs(40), async {
        // No client-side retries: the watcher itself handles every 429.
        let s = setup(TestServer::builder(), false, Some(0)).await;
        seed(&s.direct, 30).await;
        let faults = s.server.faults();
        for verb in ["list", "watch"] {
            faults.add(
                Fault::new(FaultAction::Status {
                    code: 429,
                    retry_after_seconds: Some(1),
                })
                .verb(verb)
                .resource("configmaps")
                .times(2),
            );
        }
        let writers = Writers::start(&s.direct, 3);
        let consumer = Consumer::start(
            &s.watched,
            fast_config().initial_list(InitialList::ListThenWatch),
        );
        consumer
            .wait_for("four 429 answers", Duration::from_secs(15), |v| {
                v.errors.iter().filter(|e| e.2 == Some(429)).count() >= 4
            })
            .await;
        consumer
            .wait_for("the initial state", Duration::from_secs(10), |v| {
                v.init_dones >= 1
            })
            .await;
        let errors = consumer.with(|v| v.errors.clone());
        let storm: Vec<_> = errors.iter().filter(|e| e.2 == Some(429)).collect();
        assert_eq!(storm.len(), 4, "{errors:#?}");
        // Each retry waited at least the server's Retry-After (1 s).
        for pair in storm.windows(2) {
            let gap = pair[1].0 - pair[0].0;
            assert!(gap >= Duration::from_millis(950), "retried after {gap:?}");
        }
        writers.stop().await;
        consumer.converges_to(&s.direct).await;
        consumer.with(|v| assert_eq!(v.inits, 1));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_restart_is_survived() {
    within(Duration::from_secs(40), async {
        let s = setup(TestServer::builder(), true, None).await;
        let proxy = s.proxy.as_ref().unwrap();
        seed(&s.direct, 10).await;
        let consumer = Consumer::start(&s.watched, fast_config());
        consumer
            .wait_for("the initial state", Duration::from_secs(10), |v| {
                v.init_dones == 1
            })
            .await;
        let writers = Writers::start(&s.direct, 3);
        tokio::time::sleep(Duration::from_millis(200)).await;

        // A restart that keeps the history (etcd survives): resume, no re-list.
        proxy.restart(Duration::from_millis(400), || {}).await;
        consumer
            .wait_for(
                "errors while the server is down",
                Duration::from_secs(10),
                |v| !v.errors.is_empty(),
            )
            .await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        consumer.with(|v| assert_eq!(v.inits, 1, "{:#?}", v.errors));

        // A restart whose new watch cache starts at the current revision:
        // resuming from before it gets 410, and the watcher re-lists.
        let faults = s.server.faults();
        proxy
            .restart(Duration::from_millis(400), move || faults.compact())
            .await;
        consumer
            .wait_for(
                "a re-list after the restart",
                Duration::from_secs(10),
                |v| v.init_dones >= 2,
            )
            .await;
        writers.stop().await;
        consumer.converges_to(&s.direct).await;
        consumer.with(|v| assert!(v.expired >= 1, "{:#?}", v.errors));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watches_that_fail_at_once_back_off_exponentially() {
    within(Duration::from_secs(30), async {
        let s = setup(TestServer::builder(), false, None).await;
        let config = fast_config().backoff(BackoffConfig {
            initial: Duration::from_millis(100),
            max: Duration::from_secs(5),
            factor: 2.0,
            jitter: 0.5,
            reset_after: Duration::from_secs(20),
        });
        let consumer = Consumer::start(&s.watched, config);
        consumer
            .wait_for("the initial state", Duration::from_secs(10), |v| {
                v.init_dones == 1
            })
            .await;
        // After the open watch times out, the next six are cut before their first event.
        s.server.faults().add(
            Fault::new(FaultAction::DropWatch { after_events: 0 })
                .verb("watch")
                .resource("configmaps")
                .times(6),
        );
        let writers = Writers::start(&s.direct, 1);
        consumer
            .wait_for("six cut watches", Duration::from_secs(15), |v| {
                v.errors.len() >= 6
            })
            .await;
        let times: Vec<Instant> = consumer.with(|v| v.errors.iter().map(|e| e.0).collect());
        // The first retry waits up to `initial`; then 100, 200, 400, 800 ms at least.
        for (gap, base) in times.windows(2).skip(1).zip([100u64, 200, 400, 800]) {
            let gap = gap[1] - gap[0];
            assert!(
                gap >= Duration::from_millis(base * 95 / 100),
                "waited {gap:?}, less than {base} ms"
            );
        }
        writers.stop().await;
        consumer.converges_to(&s.direct).await;
        consumer.with(|v| assert_eq!(v.inits, 1));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_half_open_connection_is_detected_within_the_idle_timeout() {
    within(Duration::from_secs(40), async {
        // HTTP/1.1 (plain HTTP): a new request takes a new connection, so the
        // re-watch reaches the server while the frozen one stays open.
        let builder = TestServer::builder()
            .plain_http()
            .bookmark_interval(Duration::from_millis(200));
        let s = setup(builder, true, None).await;
        let proxy = s.proxy.as_ref().unwrap();
        seed(&s.direct, 5).await;
        let idle = Duration::from_millis(1500);
        let config = fast_config()
            .idle_timeout(idle)
            .watch_timeout(Duration::from_secs(60), Duration::from_secs(60));
        let consumer = Consumer::start(&s.watched, config);
        consumer
            .wait_for("the initial state", Duration::from_secs(10), |v| {
                v.init_dones == 1
            })
            .await;
        // Bookmarks keep a quiet, healthy watch alive past the idle timeout.
        tokio::time::sleep(idle * 2).await;
        consumer.with(|v| assert!(v.idle_timeouts.is_empty(), "{:#?}", v.errors));
        assert_eq!(watch_requests(&s.server).len(), 1);

        let writers = Writers::start(&s.direct, 2);
        let frozen_at = Instant::now();
        proxy.freeze();
        let slack = Duration::from_secs(4);
        consumer
            .wait_for("the idle timeout", idle + slack, |v| {
                !v.idle_timeouts.is_empty()
            })
            .await;
        let detected = consumer.with(|v| v.idle_timeouts[0]) - frozen_at;
        // Not before the silence could have lasted most of the idle timeout
        // (the last bookmark may have come up to an interval before the
        // freeze; a loaded machine may delay one further).
        assert!(detected >= idle / 2, "detected after {detected:?}");
        let deadline = frozen_at + idle + slack;
        while watch_requests(&s.server).len() < 2 {
            assert!(
                Instant::now() < deadline,
                "no re-watch within {:?}",
                idle + slack
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let rewatch = &watch_requests(&s.server)[1];
        assert!(
            rewatch.query.contains("resourceVersion="),
            "{}",
            rewatch.query
        );
        assert!(
            !rewatch.query.contains("sendInitialEvents"),
            "{}",
            rewatch.query
        );
        writers.stop().await;
        consumer.converges_to(&s.direct).await;
        consumer.with(|v| assert_eq!(v.inits, 1));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streaming_lists_fall_back_once_and_watches_carry_bookmarks_and_timeouts() {
    within(Duration::from_secs(30), async {
        let s = setup(TestServer::builder(), false, None).await;
        seed(&s.direct, 12).await;
        // A server that refuses sendInitialEvents (as before WatchList).
        s.server.faults().add(
            Fault::new(FaultAction::Status {
                code: 422,
                retry_after_seconds: None,
            })
            .verb("watch")
            .resource("configmaps")
            .times(1),
        );
        let config = fast_config().watch_timeout(Duration::from_secs(1), Duration::from_secs(2));
        let consumer = Consumer::start(&s.watched, config);
        consumer
            .wait_for("the initial state", Duration::from_secs(10), |v| {
                v.init_dones == 1
            })
            .await;
        consumer.with(|v| {
            assert_eq!(v.objects.len(), 12);
            assert!(
                v.errors.is_empty(),
                "a fallback is not an error: {:#?}",
                v.errors
            );
        });
        // A 410 re-lists with a paged list: the fallback is remembered.
        s.server.faults().add(
            Fault::new(FaultAction::Status {
                code: 410,
                retry_after_seconds: None,
            })
            .verb("watch")
            .resource("configmaps")
            .times(1),
        );
        consumer
            .wait_for("a re-list", Duration::from_secs(10), |v| v.init_dones == 2)
            .await;
        let log = s.server.requests().all();
        let lists: Vec<_> = log
            .iter()
            .filter(|r| r.path.ends_with("/configmaps") && r.method == "GET")
            .filter(|r| !r.query.contains("watch=true"))
            .collect();
        // 12 objects in pages of 7: two pages per list, two lists.
        assert_eq!(lists.len(), 4, "{lists:#?}");
        assert!(lists.iter().all(|r| r.query.contains("limit=7")));
        let watches = watch_requests(&s.server);
        assert_eq!(
            watches
                .iter()
                .filter(|r| r.query.contains("sendInitialEvents=true"))
                .count(),
            1,
            "streaming is tried once"
        );
        for w in &watches {
            assert!(w.query.contains("allowWatchBookmarks=true"), "{}", w.query);
            let seconds: u64 = w
                .query
                .split('&')
                .find_map(|kv| kv.strip_prefix("timeoutSeconds="))
                .unwrap()
                .parse()
                .unwrap();
            assert!((1..=2).contains(&seconds), "{}", w.query);
        }
        consumer.converges_to(&s.direct).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_selector_ends_the_watcher() {
    within(Duration::from_secs(20), async {
        let s = setup(TestServer::builder(), false, None).await;
        let mut watcher = s.watched.watcher(
            fast_config()
                .labels("not a (valid selector")
                .initial_list(InitialList::ListThenWatch),
        );
        let error = watcher.next().await.unwrap().unwrap_err();
        assert!(error.is_terminal(), "{error}");
        assert!(matches!(error, WatcherError::List(_)), "{error:?}");
        assert!(watcher.next().await.is_none());
        // The query the watcher would send is the selector, verbatim.
        let opts = ListOptions::default().labels("not a (valid selector");
        assert!(opts.to_query_string().starts_with("labelSelector="));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn managed_fields_can_be_stripped() {
    within(Duration::from_secs(20), async {
        let s = setup(TestServer::builder(), false, None).await;
        for i in 0..3 {
            s.server
                .store()
                .insert(
                    "v1",
                    "configmaps",
                    serde_json::json!({"metadata": {
                        "name": format!("mf-{i}"),
                        "namespace": NS,
                        "managedFields": [{"manager": "kubectl", "operation": "Apply",
                                           "apiVersion": "v1", "fieldsType": "FieldsV1",
                                           "fieldsV1": {"f:data": {}}}],
                    }}),
                )
                .unwrap();
        }
        let has_managed = |cm: &ConfigMap| !cm.metadata.managed_fields.is_empty();
        let raw = s.direct.list(&ListOptions::default()).await.unwrap();
        assert!(
            raw.items.iter().all(has_managed),
            "the server must keep managedFields"
        );
        let mut watcher = s.watched.watcher(fast_config().strip_managed_fields());
        let mut seen = 0;
        while seen < 3 {
            if let Event::InitApply(cm) = watcher.next().await.unwrap().unwrap() {
                assert!(!has_managed(&cm));
                seen += 1;
            }
        }
        s.direct
            .patch(
                "mf-0",
                &Patch::Merge(serde_json::json!({"data": {"k": "v"}})),
                &PatchOptions::default().field_manager("me"),
            )
            .await
            .unwrap();
        loop {
            if let Event::Apply(cm) = watcher.next().await.unwrap().unwrap() {
                assert!(!has_managed(&cm));
                break;
            }
        }
    })
    .await;
}

#[test]
fn a_watcher_is_send_and_static() {
    fn spawnable<T: Send + 'static>(_: &T) {}
    let client = client_core::RestClient::new(client_core::Config::new(
        "https://127.0.0.1:1".parse().unwrap(),
    ))
    .unwrap();
    let watcher =
        TypedClient::<ConfigMap>::namespaced(client.clone(), NS).watcher(WatcherConfig::default());
    spawnable(&watcher);
    let all = client_core::AllNamespacesClient::<ConfigMap>::new(client)
        .watcher(WatcherConfig::default());
    spawnable(&all);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_all_namespaces_watcher_keys_objects_by_namespace() {
    within(Duration::from_secs(20), async {
        let s = setup(TestServer::builder(), false, None).await;
        let client = s.server.rest_client().unwrap();
        let all = client_core::AllNamespacesClient::<ConfigMap>::new(client.clone());
        let consumer = Consumer::run(all.watcher(fast_config()));
        consumer
            .wait_for("the initial state", Duration::from_secs(10), |v| {
                v.init_dones == 1
            })
            .await;
        for ns in ["default", "kube-system"] {
            let cm = ConfigMap {
                metadata: ObjectMeta::named("same-name"),
                ..Default::default()
            };
            TypedClient::<ConfigMap>::namespaced(client.clone(), ns)
                .create(&cm, &CreateOptions::default())
                .await
                .unwrap();
        }
        let want: BTreeMap<_, _> = all
            .list(&ListOptions::default())
            .await
            .unwrap()
            .items
            .iter()
            .map(|cm| (key(cm), rv_num(cm)))
            .collect();
        assert_eq!(want.len(), 2);
        consumer
            .wait_for("both objects", Duration::from_secs(10), |v| {
                v.objects == want
            })
            .await;
        consumer.with(|v| assert!(v.violations.is_empty()));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_streaming_list_cut_midway_starts_over_without_repeats() {
    within(Duration::from_secs(20), async {
        let s = setup(TestServer::builder(), false, None).await;
        seed(&s.direct, 20).await;
        // The first two streaming lists are cut after 5 of their 21 events.
        s.server.faults().add(
            Fault::new(FaultAction::DropWatch { after_events: 5 })
                .verb("watch")
                .resource("configmaps")
                .times(2),
        );
        let consumer = Consumer::start(&s.watched, fast_config());
        consumer
            .wait_for("the initial state", Duration::from_secs(10), |v| {
                v.init_dones == 1
            })
            .await;
        consumer.with(|v| {
            // Each cut is reported once: as "ended before its initial events
            // were complete" when the client had read the answer's head, or
            // as a failure to open the watch when the reset overtook it (the
            // kernel may drop unread data on a reset). Either way the cut
            // list never completes, so only the third list says InitDone.
            let cuts = v
                .errors
                .iter()
                .filter(|e| {
                    e.1.contains("before its initial events were complete")
                        || e.1.contains("opening a watch")
                })
                .count();
            assert_eq!(cuts, 2, "{:#?}", v.errors);
            assert!(
                (1..=3).contains(&v.inits),
                "{} inits: {:#?}",
                v.inits,
                v.errors
            );
            assert_eq!(v.init_dones, 1);
            assert_eq!(v.objects.len(), 20);
        });
        assert_eq!(
            watch_requests(&s.server).len(),
            3,
            "two cut lists, then one whole"
        );
        consumer.converges_to(&s.direct).await;
    })
    .await;
}

#[cfg(feature = "http2")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_half_open_http2_connection_is_detected_and_never_hangs_the_watcher() {
    within(Duration::from_secs(30), async {
        // HTTPS negotiates HTTP/2: every request shares the frozen connection
        // until the client's HTTP/2 keepalive drops it (tens of seconds), so
        // the watcher cannot reconnect sooner; it must still notice the
        // silence, and keep noticing it, instead of hanging.
        let builder = TestServer::builder().bookmark_interval(Duration::from_millis(200));
        let s = setup(builder, true, None).await;
        let proxy = s.proxy.as_ref().unwrap();
        let idle = Duration::from_millis(1000);
        let config = fast_config()
            .idle_timeout(idle)
            .watch_timeout(Duration::from_secs(60), Duration::from_secs(60));
        let consumer = Consumer::start(&s.watched, config);
        consumer
            .wait_for("the initial state", Duration::from_secs(10), |v| {
                v.init_dones == 1
            })
            .await;
        let watches = watch_requests(&s.server).len();
        proxy.freeze();
        let slack = Duration::from_secs(4);
        consumer
            .wait_for("the idle timeout", idle + slack, |v| {
                !v.idle_timeouts.is_empty()
            })
            .await;
        // Then it either reconnects or, stuck behind the same dead
        // connection, times out again: it never waits forever.
        let deadline = Instant::now() + idle + slack;
        loop {
            let reconnected = watch_requests(&s.server).len() > watches;
            let retried = consumer.with(|v| v.idle_timeouts.len() >= 2);
            if reconnected || retried {
                break;
            }
            assert!(Instant::now() < deadline, "the watcher hangs");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
}
