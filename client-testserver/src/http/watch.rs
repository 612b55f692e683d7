//! Watch streams: initial state, history replay from a resourceVersion,
//! live events with selector transitions, bookmarks, timeouts, 410 Expired.

use std::sync::Arc;
use std::time::Duration;

use bytes::{BufMut, Bytes, BytesMut};
use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::error::ApiError;
use crate::http::body::Body;
use crate::registry::Backend;
use crate::registry::backend::parse;
use crate::registry::kind::ResourceKind;
use crate::registry::read::ListOptions;
use crate::storage::store::{Event, EventType};

/// Turns an object into what a watch event carries (e.g. a Table).
pub(crate) type Transform = Arc<dyn Fn(Value) -> Value + Send + Sync>;

/// How a watch was asked for.
pub(crate) struct WatchParams {
    /// The `resourceVersion` parameter (`None` or `"0"`: from now, with
    /// the current state first).
    pub resource_version: Option<u64>,
    /// `sendInitialEvents=true` (with `resourceVersionMatch=NotOlderThan`).
    pub send_initial_events: bool,
    /// `allowWatchBookmarks=true`.
    pub bookmarks: bool,
    /// `timeoutSeconds`.
    pub timeout: Option<Duration>,
    /// How often bookmarks are sent.
    pub bookmark_interval: Duration,
    /// Fault: cut the connection after this many events.
    pub drop_after: Option<u64>,
    /// Object transform for Table output; `None` sends objects as stored.
    pub transform: Option<Transform>,
}

/// Everything a watch needs about its target.
pub(crate) struct WatchTarget {
    /// Resource served.
    pub kind: Arc<ResourceKind>,
    /// Requested version.
    pub version: String,
    /// Namespace filter.
    pub namespace: Option<String>,
    /// Selectors.
    pub options: ListOptions,
}

fn line(kind: &str, object: &[u8]) -> Bytes {
    let mut b = BytesMut::with_capacity(object.len() + 32);
    b.put_slice(b"{\"type\":\"");
    b.put_slice(kind.as_bytes());
    b.put_slice(b"\",\"object\":");
    b.put_slice(object);
    b.put_slice(b"}\n");
    b.freeze()
}

struct Sender {
    tx: mpsc::Sender<Result<Bytes, std::io::Error>>,
    sent: u64,
    drop_after: Option<u64>,
}

impl Sender {
    /// Sends one line; `false` when the watch must end.
    async fn send(&mut self, b: Bytes) -> bool {
        if self.drop_after.is_some_and(|n| self.sent >= n) {
            let _ = self
                .tx
                .send(Err(std::io::Error::other(
                    "watch dropped by fault injection",
                )))
                .await;
            return false;
        }
        self.sent += 1;
        self.tx.send(Ok(b)).await.is_ok()
    }
}

/// Starts a watch; the returned body streams its events.
pub(crate) fn start(backend: Backend, target: WatchTarget, params: WatchParams) -> Body {
    let (tx, rx) = mpsc::channel(256);
    let drop_after = params.drop_after;
    tokio::spawn(run(
        backend,
        target,
        params,
        Sender {
            tx,
            sent: 0,
            drop_after,
        },
    ));
    Body::Stream(rx)
}

impl WatchTarget {
    fn encode(&self, backend: &Backend, params: &WatchParams, raw: &Bytes) -> Bytes {
        if params.transform.is_none() {
            return backend.encode_for(&self.kind, &self.version, raw);
        }
        let mut v = backend.present(&self.kind, &self.version, parse(raw));
        if let Some(t) = &params.transform {
            v = t(v);
        }
        Bytes::from(serde_json::to_vec(&v).unwrap_or_default())
    }

    fn bookmark(&self, rv: u64, initial_end: bool) -> Bytes {
        let mut md = json!({"resourceVersion": rv.to_string()});
        if initial_end {
            md["annotations"] = json!({"k8s.io/initial-events-end": "true"});
        }
        let o = json!({
            "kind": self.kind.kind,
            "apiVersion": self.kind.api_version(&self.version),
            "metadata": md,
        });
        line("BOOKMARK", &serde_json::to_vec(&o).unwrap_or_default())
    }

    /// The event type to send for `ev`, if any, with selector transitions.
    fn classify(&self, resource: &str, ev: &Event) -> Option<EventType> {
        if &*ev.resource != resource {
            return None;
        }
        if let Some(ns) = &self.namespace
            && self.kind.namespaced
            && &ev.key.0 != ns
        {
            return None;
        }
        if self.options.is_empty() {
            return Some(ev.kind);
        }
        let m = |b: &Bytes| self.options.matches(&self.kind, &parse(b));
        let before = ev.prev.as_ref().is_some_and(m);
        match ev.kind {
            EventType::Deleted => before.then_some(EventType::Deleted),
            _ => {
                let after = m(&ev.object);
                match (before, after) {
                    (true, true) => Some(EventType::Modified),
                    (false, true) => Some(EventType::Added),
                    (true, false) => Some(EventType::Deleted),
                    (false, false) => None,
                }
            }
        }
    }
}

async fn run(backend: Backend, target: WatchTarget, params: WatchParams, mut out: Sender) {
    let mut changes = backend.store.subscribe();
    let resource = target.kind.resource();
    // Far-off values (huge timeoutSeconds) must not overflow the clock.
    let far = Duration::from_secs(365 * 24 * 3600);
    let deadline = params
        .timeout
        .map(|t| tokio::time::Instant::now() + t.min(far));
    let mut last;
    let initial = params.send_initial_events || params.resource_version.unwrap_or(0) == 0;
    if initial {
        let page = backend.store.page(
            &resource,
            target
                .namespace
                .as_deref()
                .filter(|_| target.kind.namespaced),
            None,
            None,
            None,
            |b| target.options.is_empty() || target.options.matches(&target.kind, &parse(b)),
        );
        let Ok((page, _)) = page else { return };
        last = page.rv;
        for (_, raw) in &page.items {
            if !out
                .send(line("ADDED", &target.encode(&backend, &params, raw)))
                .await
            {
                return;
            }
        }
        if params.send_initial_events && !out.send(target.bookmark(last, true)).await {
            return;
        }
    } else {
        last = params.resource_version.unwrap_or(0);
    }
    let every = params
        .bookmark_interval
        .clamp(Duration::from_millis(1), far);
    let mut bookmark = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    loop {
        match backend.store.events_since(last) {
            Err(compacted) => {
                let e =
                    ApiError::expired(format!("too old resource version: {last} ({compacted})"));
                let _ = out
                    .send(line(
                        "ERROR",
                        &serde_json::to_vec(&e.to_status()).unwrap_or_default(),
                    ))
                    .await;
                return;
            }
            Ok(events) => {
                for ev in events {
                    last = ev.rv;
                    if let Some(t) = target.classify(&resource, &ev) {
                        let obj = target.encode(&backend, &params, &ev.object);
                        if !out.send(line(t.as_str(), &obj)).await {
                            return;
                        }
                    }
                }
            }
        }
        let sleep_until = deadline
            .unwrap_or_else(|| tokio::time::Instant::now() + Duration::from_secs(365 * 24 * 3600));
        tokio::select! {
            r = changes.changed() => if r.is_err() { return },
            _ = bookmark.tick() => {
                if params.bookmarks && !out.send(target.bookmark(last, false)).await {
                    return;
                }
            }
            _ = tokio::time::sleep_until(sleep_until) => return,
            _ = out.tx.closed() => return,
        }
    }
}
