//! The generic object store: one global resourceVersion counter, objects kept
//! as serialized JSON bytes in ordered maps per resource, and a bounded event
//! history that watches and paged lists read from.
//!
//! No lock is held across I/O or `.await`: every operation takes the store's
//! mutex, does in-memory work, and releases it.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::ops::Bound;
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;

use crate::error::ApiError;

/// The key of an object inside one resource: (namespace, name); the
/// namespace is empty for cluster-scoped objects. Ordering gives the
/// namespace/name order lists use.
pub(crate) type ObjectKey = (String, String);

/// What happened to an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EventType {
    /// The object was created.
    Added,
    /// The object was changed.
    Modified,
    /// The object was removed.
    Deleted,
}

impl EventType {
    /// The watch event type as kube-apiserver spells it.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            EventType::Added => "ADDED",
            EventType::Modified => "MODIFIED",
            EventType::Deleted => "DELETED",
        }
    }
}

/// One change in the history.
#[derive(Debug)]
pub(crate) struct Event {
    /// The resourceVersion this change produced.
    pub rv: u64,
    /// The group-resource (`plural` or `plural.group`) of the object.
    pub resource: Arc<str>,
    /// The object's key.
    pub key: ObjectKey,
    /// What happened.
    pub kind: EventType,
    /// The object after the change (for a deletion: the last state, with the
    /// deletion's resourceVersion).
    pub object: Bytes,
    /// The object before the change, if it existed.
    pub prev: Option<Bytes>,
}

/// What a write closure decided.
pub(crate) enum WriteOutcome {
    /// Store these bytes (created or replaced).
    Put(Bytes),
    /// Remove the object; the bytes are its final state (with the new
    /// resourceVersion) sent in the DELETED event.
    Delete(Bytes),
    /// Nothing changes: no resourceVersion bump, no event.
    Unchanged,
}

#[derive(Debug, Clone)]
struct Stored {
    json: Bytes,
}

/// The largest object the store keeps, in bytes of its JSON encoding:
/// etcd's default request limit (`--max-request-bytes`, 1.5 MiB), which
/// is what stops a kube-apiserver write of a bigger object.
pub(crate) const MAX_OBJECT_BYTES: usize = 1024 * 1024 * 3 / 2;

/// The default bound on the bytes the event history holds (objects and
/// their previous states), so a burst of large writes cannot pin memory
/// the object count alone does not bound.
pub(crate) const DEFAULT_HISTORY_BYTES: usize = 64 * 1024 * 1024;

/// How many objects a list reads under the store's lock at a time.
pub(crate) const PAGE_BATCH: usize = 256;

/// The message of the 413 for an object over [`MAX_OBJECT_BYTES`]: etcd's
/// answer, which kube-apiserver passes on.
const TOO_LARGE: &str = "etcdserver: request is too large";

struct Inner {
    rv: u64,
    tables: HashMap<Arc<str>, BTreeMap<ObjectKey, Stored>>,
    history: VecDeque<Arc<Event>>,
    history_cap: usize,
    /// Bytes held by `history` (each event's object and previous state).
    history_bytes: usize,
    /// The most bytes `history` may hold; the oldest events go first.
    history_bytes_cap: usize,
    /// Every event with `rv > compacted` is in `history`.
    compacted: u64,
}

/// The shared object store; cheap to clone.
#[derive(Clone)]
pub(crate) struct Store {
    inner: Arc<Mutex<Inner>>,
    notify: Arc<tokio::sync::watch::Sender<u64>>,
}

/// A [`Store`] that may have been dropped.
#[derive(Clone)]
pub(crate) struct WeakStore {
    inner: std::sync::Weak<Mutex<Inner>>,
    notify: std::sync::Weak<tokio::sync::watch::Sender<u64>>,
}

impl WeakStore {
    /// The store, while anything else still holds it.
    pub(crate) fn upgrade(&self) -> Option<Store> {
        Some(Store {
            inner: self.inner.upgrade()?,
            notify: self.notify.upgrade()?,
        })
    }
}

/// A consistent page of a list.
#[derive(Debug)]
pub(crate) struct Page {
    /// The revision the page was read at.
    pub rv: u64,
    /// The objects, in namespace/name order.
    pub items: Vec<(ObjectKey, Bytes)>,
}

impl Store {
    /// An empty store keeping at most `history_cap` events, and at most
    /// [`DEFAULT_HISTORY_BYTES`] of them.
    #[cfg(test)]
    pub(crate) fn new(history_cap: usize) -> Store {
        Store::bounded(history_cap, DEFAULT_HISTORY_BYTES)
    }

    /// An empty store keeping at most `history_cap` events holding at most
    /// `history_bytes` bytes (the newest event is always kept).
    pub(crate) fn bounded(history_cap: usize, history_bytes: usize) -> Store {
        let (tx, _rx) = tokio::sync::watch::channel(0);
        Store {
            inner: Arc::new(Mutex::new(Inner {
                rv: 0,
                tables: HashMap::new(),
                history: VecDeque::new(),
                history_cap: history_cap.max(1),
                history_bytes: 0,
                history_bytes_cap: history_bytes,
                compacted: 0,
            })),
            notify: Arc::new(tx),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave a half-applied write:
        // writes are applied after the closure returns. Recover the guard.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The current global resourceVersion.
    pub(crate) fn current_rv(&self) -> u64 {
        self.lock().rv
    }

    /// The highest revision no longer in the event history.
    pub(crate) fn compacted_rv(&self) -> u64 {
        self.lock().compacted
    }

    /// A receiver that changes whenever the resourceVersion moves.
    pub(crate) fn subscribe(&self) -> tokio::sync::watch::Receiver<u64> {
        self.notify.subscribe()
    }

    /// The stored bytes of one object.
    pub(crate) fn get(&self, resource: &str, key: &ObjectKey) -> Option<Bytes> {
        let inner = self.lock();
        inner
            .tables
            .get(resource)
            .and_then(|t| t.get(key))
            .map(|s| s.json.clone())
    }

    /// Applies a write atomically: `f` sees the current object (if any) and
    /// the resourceVersion the write would get, and decides.
    ///
    /// # Errors
    /// `f`'s error; 413 when the object to store is larger than
    /// [`MAX_OBJECT_BYTES`].
    pub(crate) fn write<R>(
        &self,
        resource: &str,
        key: &ObjectKey,
        f: impl FnOnce(Option<&Bytes>, u64) -> Result<(WriteOutcome, R), ApiError>,
    ) -> Result<R, ApiError> {
        let new_rv;
        let result;
        {
            let mut inner = self.lock();
            let next = inner.rv + 1;
            let current = inner
                .tables
                .get(resource)
                .and_then(|t| t.get(key))
                .map(|s| s.json.clone());
            let (outcome, r) = f(current.as_ref(), next)?;
            result = r;
            let (kind, object) = match outcome {
                WriteOutcome::Unchanged => return Ok(result),
                WriteOutcome::Put(b) => {
                    if b.len() > MAX_OBJECT_BYTES {
                        return Err(ApiError::new(413, "RequestEntityTooLarge", TOO_LARGE));
                    }
                    let kind = if current.is_some() {
                        EventType::Modified
                    } else {
                        EventType::Added
                    };
                    (kind, b)
                }
                WriteOutcome::Delete(b) => (EventType::Deleted, b),
            };
            inner.rv = next;
            new_rv = next;
            let res: Arc<str> = match inner.tables.get_key_value(resource) {
                Some((k, _)) => k.clone(),
                None => Arc::from(resource),
            };
            let table = inner.tables.entry(res.clone()).or_default();
            match kind {
                EventType::Deleted => {
                    table.remove(key);
                }
                _ => {
                    table.insert(
                        key.clone(),
                        Stored {
                            json: object.clone(),
                        },
                    );
                }
            }
            inner.push_event(Event {
                rv: next,
                resource: res,
                key: key.clone(),
                kind,
                object,
                prev: current,
            });
        }
        self.notify.send_replace(new_rv);
        Ok(result)
    }

    /// A page of `resource` (optionally one namespace) at revision `at`
    /// (`None`: now), starting after `after`, at most `limit` items that
    /// satisfy `keep`. Returns the page and whether more items remain.
    ///
    /// The store's lock is held for one batch of [`PAGE_BATCH`] objects at
    /// a time, never for the whole table, and `keep` (parsing, selectors)
    /// runs without it: a list of a big store, or with a costly selector,
    /// does not hold up writes.
    ///
    /// # Errors
    /// 410 Expired-style `ApiError::expired_continue` is the caller's job:
    /// this returns `Err(current_rv)` when `at` is older than the history
    /// (or the history moved past it while the list was read).
    pub(crate) fn page(
        &self,
        resource: &str,
        namespace: Option<&str>,
        at: Option<u64>,
        after: Option<&ObjectKey>,
        limit: Option<usize>,
        mut keep: impl FnMut(&Bytes) -> bool,
    ) -> Result<(Page, Option<ObjectKey>), u64> {
        let snap = {
            let inner = self.lock();
            let snap = at.unwrap_or(inner.rv);
            if snap < inner.compacted || snap > inner.rv {
                return Err(inner.rv);
            }
            snap
        };
        let mut items: Vec<(ObjectKey, Bytes)> = Vec::new();
        let mut cursor = after.cloned();
        loop {
            let (batch, exhausted) =
                self.batch_at(resource, namespace, snap, cursor.as_ref(), PAGE_BATCH)?;
            for (key, value) in batch {
                cursor = Some(key.clone());
                if !keep(&value) {
                    continue;
                }
                if limit.is_some_and(|l| items.len() >= l) {
                    let more = items.last().map(|(k, _)| k.clone());
                    return Ok((Page { rv: snap, items }, more));
                }
                items.push((key, value));
            }
            if exhausted {
                return Ok((Page { rv: snap, items }, None));
            }
        }
    }

    /// Up to `max` objects of `resource` as they were at revision `snap`,
    /// in key order after `after`, and whether the table ends there. Holds
    /// the lock for the batch only.
    fn batch_at(
        &self,
        resource: &str,
        namespace: Option<&str>,
        snap: u64,
        after: Option<&ObjectKey>,
        max: usize,
    ) -> Result<(Vec<(ObjectKey, Bytes)>, bool), u64> {
        let inner = self.lock();
        if snap < inner.compacted {
            return Err(inner.rv);
        }
        // State at `snap` of keys touched since: the first later event's prev.
        let mut overlay: BTreeMap<&ObjectKey, Option<&Bytes>> = BTreeMap::new();
        let since = inner.history.partition_point(|e| e.rv <= snap);
        for ev in inner.history.iter().skip(since) {
            if &*ev.resource == resource {
                overlay.entry(&ev.key).or_insert(ev.prev.as_ref());
            }
        }
        let lower = match after {
            Some(k) => Bound::Excluded(k.clone()),
            None => match namespace {
                Some(ns) => Bound::Included((ns.to_string(), String::new())),
                None => Bound::Unbounded,
            },
        };
        let empty = BTreeMap::new();
        let table = inner.tables.get(resource).unwrap_or(&empty);
        let mut cur = table
            .range((lower.clone(), Bound::Unbounded))
            .map(|(k, v)| (k, Some(&v.json)))
            .peekable();
        let mut ov = overlay
            .range::<ObjectKey, _>((lower.as_ref(), Bound::Unbounded))
            .map(|(k, v)| (*k, *v))
            .peekable();
        let mut batch = Vec::new();
        loop {
            // Merge the two ordered streams; the overlay wins on equal keys.
            let next = match (cur.peek(), ov.peek()) {
                (None, None) => return Ok((batch, true)),
                (Some(_), None) => cur.next(),
                (None, Some(_)) => ov.next(),
                (Some((a, _)), Some((b, _))) => {
                    if a < b {
                        cur.next()
                    } else if a > b {
                        ov.next()
                    } else {
                        cur.next();
                        ov.next()
                    }
                }
            };
            let Some((key, value)) = next else {
                return Ok((batch, true));
            };
            if let Some(ns) = namespace
                && key.0.as_str() > ns
            {
                return Ok((batch, true));
            }
            if namespace.is_some_and(|ns| key.0 != ns) {
                continue;
            }
            let Some(value) = value else { continue };
            batch.push((key.clone(), value.clone()));
            if batch.len() >= max {
                return Ok((batch, false));
            }
        }
    }

    /// Events for `resource` with `rv > after`, or `Err(compacted)` when the
    /// history no longer reaches back that far.
    pub(crate) fn events_since(&self, after: u64) -> Result<Vec<Arc<Event>>, u64> {
        let inner = self.lock();
        if after < inner.compacted {
            return Err(inner.compacted);
        }
        let start = inner.history.partition_point(|e| e.rv <= after);
        Ok(inner.history.iter().skip(start).cloned().collect())
    }

    /// Drops the whole event history (forced compaction): watches and
    /// continue tokens from before now get 410 Expired.
    pub(crate) fn compact(&self) {
        let mut inner = self.lock();
        inner.history.clear();
        inner.history_bytes = 0;
        inner.compacted = inner.rv;
    }

    /// Removes every object of `resource` without events (the resource
    /// stopped being served).
    pub(crate) fn drop_resource(&self, resource: &str) {
        let mut inner = self.lock();
        inner.tables.remove(resource);
    }

    /// A handle that does not keep the store alive (background tasks hold
    /// one so they end with the server).
    pub(crate) fn downgrade(&self) -> WeakStore {
        WeakStore {
            inner: Arc::downgrade(&self.inner),
            notify: Arc::downgrade(&self.notify),
        }
    }
}

impl Inner {
    fn push_event(&mut self, ev: Event) {
        self.history_bytes += ev.bytes();
        self.history.push_back(Arc::new(ev));
        while self.history.len() > self.history_cap
            || (self.history_bytes > self.history_bytes_cap && self.history.len() > 1)
        {
            if let Some(old) = self.history.pop_front() {
                self.history_bytes -= old.bytes();
                self.compacted = old.rv;
            }
        }
    }
}

impl Event {
    /// The bytes this event holds: the object and its previous state.
    fn bytes(&self) -> usize {
        self.object.len() + self.prev.as_ref().map_or(0, Bytes::len)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn key(ns: &str, n: &str) -> ObjectKey {
        (ns.to_string(), n.to_string())
    }

    fn put(s: &Store, k: &ObjectKey, v: &str) {
        let b = Bytes::from(v.to_string());
        s.write("r", k, |_, _| Ok((WriteOutcome::Put(b), ())))
            .unwrap();
    }

    #[test]
    fn page_at_old_revision_sees_old_state() {
        let s = Store::new(100);
        put(&s, &key("a", "1"), "a1");
        put(&s, &key("a", "2"), "a2");
        let snap = s.current_rv();
        put(&s, &key("a", "1"), "a1'");
        put(&s, &key("a", "3"), "a3");
        s.write("r", &key("a", "2"), |_, _| {
            Ok((WriteOutcome::Delete(Bytes::from("x")), ()))
        })
        .unwrap();
        let (p, more) = s
            .page("r", Some("a"), Some(snap), None, None, |_| true)
            .unwrap();
        let v: Vec<_> = p.items.iter().map(|(_, b)| b.clone()).collect();
        assert_eq!(v, vec![Bytes::from("a1"), Bytes::from("a2")]);
        assert!(more.is_none());
        let (p, _) = s.page("r", None, None, None, None, |_| true).unwrap();
        let v: Vec<_> = p.items.iter().map(|(_, b)| b.clone()).collect();
        assert_eq!(v, vec![Bytes::from("a1'"), Bytes::from("a3")]);
    }

    #[test]
    fn history_is_bounded_and_compaction_expires() {
        let s = Store::new(2);
        for i in 0..5 {
            put(&s, &key("", &i.to_string()), "x");
        }
        assert_eq!(s.compacted_rv(), 3);
        assert!(s.events_since(1).is_err());
        assert_eq!(s.events_since(3).unwrap().len(), 2);
        assert!(s.page("r", None, Some(1), None, None, |_| true).is_err());
        s.compact();
        assert_eq!(s.events_since(4).err(), Some(5));
    }

    #[test]
    fn history_is_bounded_by_bytes_too() {
        let s = Store::bounded(1000, 100);
        for i in 0..10 {
            put(&s, &key("", &i.to_string()), &"x".repeat(30));
        }
        // Three 30-byte events fit in 100 bytes; the rest are compacted.
        assert_eq!(s.events_since(s.compacted_rv()).unwrap().len(), 3);
        assert_eq!(s.compacted_rv(), 7);
        // An event larger than the whole bound is still kept (the newest).
        put(&s, &key("", "big"), &"y".repeat(500));
        assert_eq!(s.events_since(s.compacted_rv()).unwrap().len(), 1);
    }

    #[test]
    fn objects_over_the_etcd_limit_are_refused() {
        let s = Store::new(10);
        let big = Bytes::from(vec![b'x'; MAX_OBJECT_BYTES + 1]);
        let e = s
            .write("r", &key("", "a"), |_, _| Ok((WriteOutcome::Put(big), ())))
            .unwrap_err();
        assert_eq!((e.code, e.reason.as_str()), (413, "RequestEntityTooLarge"));
        assert_eq!(s.current_rv(), 0, "nothing stored");
        let fits = Bytes::from(vec![b'x'; MAX_OBJECT_BYTES]);
        s.write("r", &key("", "a"), |_, _| Ok((WriteOutcome::Put(fits), ())))
            .unwrap();
    }

    #[test]
    fn a_list_does_not_hold_the_lock_while_it_filters() {
        // `keep` writes to the store: with the lock held across the whole
        // list this would deadlock; the page still shows the snapshot.
        let s = Store::new(100_000);
        for i in 0..1000 {
            put(&s, &key("a", &format!("{i:04}")), "old");
        }
        let (tx, rx) = std::sync::mpsc::channel();
        let s2 = s.clone();
        std::thread::spawn(move || {
            let mut n = 0;
            let page = s2.page("r", None, None, None, None, |_| {
                n += 1;
                put(&s2, &key("a", &format!("{:04}", 1999 - n)), "new");
                put(&s2, &key("a", "0000"), "changed");
                true
            });
            let _ = tx.send(page);
        });
        let (page, more) = rx
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("the list held the lock while filtering")
            .unwrap();
        assert!(more.is_none());
        assert_eq!(
            page.items.len(),
            1000,
            "objects created meanwhile are not in the snapshot"
        );
        assert!(page.items.iter().all(|(_, b)| b == &Bytes::from("old")));
    }

    #[test]
    fn page_limits_and_namespace_filter() {
        let s = Store::new(10);
        put(&s, &key("a", "1"), "1");
        put(&s, &key("b", "1"), "2");
        put(&s, &key("b", "2"), "3");
        put(&s, &key("c", "1"), "4");
        let (p, more) = s
            .page("r", Some("b"), None, None, Some(1), |_| true)
            .unwrap();
        assert_eq!(p.items.len(), 1);
        let more = more.unwrap();
        assert_eq!(more, key("b", "1"));
        let (p, more) = s
            .page("r", Some("b"), None, Some(&more), Some(1), |_| true)
            .unwrap();
        assert_eq!(p.items[0].0, key("b", "2"));
        assert!(more.is_none());
    }
}
