//! [`Driver`]: the list-then-watch state machine behind a [`Watcher`](super::Watcher).

use std::collections::VecDeque;
use std::pin::Pin;

use futures_util::StreamExt;
use tokio::time::{Instant, Sleep};

use super::backoff::Backoff;
use super::config::{InitialList, WatcherConfig};
use super::error::{self, WatcherError};
use super::event::Event;
use super::known::{Known, Rv};
use crate::ObjectMetaAccess;
use crate::error::Error;
use crate::pages::Pages;
use crate::resource::Resource;
use crate::typed::ResourceTarget;
use crate::watch::{FrameError, WatchStream};
use crate::{List, ListOptions, ResourceVersionMatch, WatchEvent};

type Item<K> = Result<Event<K>, WatcherError>;

/// What the driver does next.
enum Phase<K> {
    /// Wait (backoff), then connect: list when there is no resume point, else watch.
    Connect { delay: std::time::Duration },
    /// A paged list is under way.
    Listing { pages: Box<Pages<K>>, started: bool },
    /// A watch is open.
    Watching(Box<OpenWatch<K>>),
    /// A terminal error was reported: the stream is over.
    Done,
}

struct OpenWatch<K> {
    stream: WatchStream<K>,
    /// A streaming list whose initial events are still arriving.
    initial: bool,
    opened: Instant,
    last_activity: Instant,
    events: u64,
    /// A transport error was seen: the end of this stream is a failure.
    broken: bool,
    idle: Pin<Box<Sleep>>,
}

/// The state behind a watcher: what the consumer has, where to resume, what to do next.
pub(crate) struct Driver<K> {
    target: ResourceTarget,
    config: WatcherConfig,
    known: Known,
    /// Where the next watch starts; `None`: a (re)list is needed.
    resume_rv: Option<String>,
    streaming: bool,
    backoff: Backoff,
    pending: VecDeque<Item<K>>,
    phase: Phase<K>,
}

fn key_of<K: Resource>(obj: &K) -> (&str, &str) {
    let meta = obj.metadata();
    (meta.namespace().unwrap_or(""), meta.name().unwrap_or(""))
}

fn rv_of<K: Resource>(obj: &K) -> Option<&str> {
    obj.metadata().resource_version()
}

impl<K: Resource> Driver<K> {
    pub(crate) fn new(target: ResourceTarget, config: WatcherConfig) -> Self {
        Self {
            target,
            streaming: config.initial_list == InitialList::StreamingWithFallback,
            backoff: Backoff::new(config.backoff.clone()),
            config,
            known: Known::default(),
            resume_rv: None,
            pending: VecDeque::new(),
            phase: Phase::Connect {
                delay: std::time::Duration::ZERO,
            },
        }
    }

    fn base_options(&self) -> ListOptions {
        ListOptions {
            label_selector: self.config.label_selector.clone(),
            field_selector: self.config.field_selector.clone(),
            ..ListOptions::default()
        }
    }

    fn prepare(&self, mut obj: K) -> K {
        if self.config.strip_managed_fields {
            obj.metadata_mut().clear_managed_fields();
        }
        obj
    }

    /// Reports an error and schedules the next attempt after a backoff (or ends on a terminal error).
    fn fail(&mut self, error: WatcherError, retry_after: Option<std::time::Duration>) {
        if error.is_terminal() {
            self.pending.push_back(Err(error));
            self.phase = Phase::Done;
            return;
        }
        tracing::debug!(error = %error, "watcher: retrying after an error");
        self.pending.push_back(Err(error));
        self.schedule_retry(retry_after);
    }

    fn schedule_retry(&mut self, retry_after: Option<std::time::Duration>) {
        let delay = self.backoff.failure(Instant::now());
        let delay = retry_after.map_or(delay, |wait| wait.max(delay));
        self.phase = Phase::Connect { delay };
    }

    /// The next item for the consumer; `None` only after a terminal error.
    pub(crate) async fn next(&mut self) -> Option<Item<K>> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(item);
            }
            match &mut self.phase {
                Phase::Done => return None,
                Phase::Connect { delay } => {
                    let delay = *delay;
                    if !delay.is_zero() {
                        tokio::time::sleep(delay).await;
                    }
                    self.connect().await;
                }
                Phase::Listing { .. } => self.list_step().await,
                Phase::Watching(_) => {
                    if let Some(item) = self.watch_step().await {
                        return Some(item);
                    }
                }
            }
        }
    }

    async fn connect(&mut self) {
        match self.resume_rv.clone() {
            Some(rv) => self.open_watch(Some(rv)).await,
            None if self.streaming => self.open_watch(None).await,
            None => {
                let opts = self.base_options().limit(i64::from(self.config.page_size));
                self.phase = Phase::Listing {
                    pages: Box::new(Pages::new(self.target.clone(), opts)),
                    started: false,
                };
            }
        }
    }

    /// Opens a watch from `rv`, or a streaming list when `rv` is `None`.
    async fn open_watch(&mut self, rv: Option<String>) {
        let mut opts = self.base_options().bookmarks();
        opts.timeout_seconds = Some(self.config.pick_watch_timeout());
        let initial = rv.is_none();
        match &rv {
            Some(rv) => opts.resource_version = Some(rv.clone()),
            None => {
                opts.send_initial_events = Some(true);
                opts.resource_version_match = Some(ResourceVersionMatch::NotOlderThan);
            }
        }
        // The config's default timeout does not apply to watches: the stream
        // lives as long as the server keeps it open.
        let opened = self.target.watch::<K>(&opts);
        let idle = self.config.idle_timeout;
        let opened = tokio::time::timeout(idle, opened).await;
        match opened {
            Err(_) => self.fail(
                WatcherError::IdleTimeout {
                    waiting_for: "watch headers",
                    after: idle,
                },
                None,
            ),
            Ok(Ok(stream)) => {
                let now = Instant::now();
                if initial {
                    self.known.begin_list();
                    self.pending.push_back(Ok(Event::Init));
                }
                self.phase = Phase::Watching(Box::new(OpenWatch {
                    stream,
                    initial,
                    opened: now,
                    last_activity: now,
                    events: 0,
                    broken: false,
                    idle: Box::pin(tokio::time::sleep_until(now + idle)),
                }));
            }
            Ok(Err(source)) => {
                if initial && refuses_streaming(&source) {
                    tracing::info!(error = %source, "watcher: the server refuses streaming lists; falling back to list-then-watch");
                    self.streaming = false;
                    self.phase = Phase::Connect {
                        delay: std::time::Duration::ZERO,
                    };
                } else if !initial && error::is_expired(&source) {
                    self.expired(rv, source.to_string());
                } else {
                    let retry_after = error::retry_after(&source);
                    self.fail(
                        WatcherError::WatchOpen {
                            resource_version: rv,
                            source,
                        },
                        retry_after,
                    );
                }
            }
        }
    }

    /// The resume point is gone: report it and re-list.
    fn expired(&mut self, rv: Option<String>, message: String) {
        self.resume_rv = None;
        self.pending.push_back(Err(WatcherError::Expired {
            resource_version: rv,
            message,
        }));
        self.schedule_retry(None);
    }

    async fn list_step(&mut self) {
        let idle = self.config.idle_timeout;
        let Phase::Listing { pages, started } = &mut self.phase else {
            return;
        };
        let page = match tokio::time::timeout(idle, pages.next()).await {
            Err(_) => {
                return self.fail(
                    WatcherError::IdleTimeout {
                        waiting_for: "a list page",
                        after: idle,
                    },
                    None,
                );
            }
            Ok(None) => {
                // Pages ends after the last page, which was handled already.
                self.phase = Phase::Connect {
                    delay: std::time::Duration::ZERO,
                };
                return;
            }
            Ok(Some(Err(source))) => {
                let retry_after = error::retry_after(&source);
                // An expired continue token: the list starts over (a fresh Pages does).
                return self.fail(WatcherError::List(source), retry_after);
            }
            Ok(Some(Ok(page))) => page,
        };
        if !*started {
            *started = true;
            self.known.begin_list();
            self.pending.push_back(Ok(Event::Init));
        }
        self.apply_page(page);
    }

    fn apply_page(&mut self, page: List<K>) {
        let last = page.metadata.continue_.as_deref().is_none_or(str::is_empty);
        let list_rv = page.metadata.resource_version.clone();
        for obj in page.items {
            if self.observe(&obj) {
                let obj = self.prepare(obj);
                self.pending.push_back(Ok(Event::InitApply(obj)));
            }
        }
        if last {
            self.finish_list(list_rv.filter(|rv| !rv.is_empty()));
        }
    }

    /// Records an object of a list or an ADDED/MODIFIED event; `true` when the consumer needs it.
    fn observe(&mut self, obj: &K) -> bool {
        let (namespace, name) = key_of(obj);
        let rv = rv_of(obj).map_or(Rv::Opaque("".into()), Rv::parse);
        self.known.apply(namespace, name, rv)
    }

    /// Ends a (re)list: vanished objects, `InitDone`, and the resume point.
    fn finish_list(&mut self, rv: Option<String>) {
        for gone in self.known.end_list() {
            self.pending.push_back(Ok(Event::Vanished(gone)));
        }
        self.pending.push_back(Ok(Event::InitDone));
        tracing::debug!(objects = self.known.len(), resource_version = ?rv, "watcher: list complete");
        let resumable = rv.is_some();
        self.resume_rv = rv;
        if !resumable {
            // A list without a resourceVersion (not a real server) can only
            // be re-listed: do it with backoff rather than in a busy loop.
            self.schedule_retry(None);
        } else if !matches!(self.phase, Phase::Watching(_)) {
            self.phase = Phase::Connect {
                delay: std::time::Duration::ZERO,
            };
        }
    }

    /// Waits for the next watch event and turns it into an item (or into
    /// pending items and a phase change).
    async fn watch_step(&mut self) -> Option<Item<K>> {
        let idle_timeout = self.config.idle_timeout;
        let Phase::Watching(watch) = &mut self.phase else {
            return None;
        };
        let next = loop {
            let woke = tokio::select! {
                biased;
                next = watch.stream.next() => Some(next),
                () = watch.idle.as_mut() => None,
            };
            if let Some(next) = woke {
                break next;
            }
            // The timer is only moved when it fires: cheaper than resetting it per event.
            let deadline = watch.last_activity + idle_timeout;
            if deadline > Instant::now() {
                watch.idle.as_mut().reset(deadline);
                continue;
            }
            self.fail(
                WatcherError::IdleTimeout {
                    waiting_for: "a watch event",
                    after: idle_timeout,
                },
                None,
            );
            return None;
        };
        let now = Instant::now();
        watch.last_activity = now;
        let event = match next {
            Some(Ok(event)) => event,
            Some(Err(source)) => {
                // A malformed event is skipped and the stream goes on; a
                // transport error or a cut inside an event ends the stream
                // at the next poll, and that end is a failure.
                let skipped = matches!(
                    &source,
                    Error::Watch { source, .. } if !matches!(source, FrameError::Truncated { .. })
                );
                if !skipped {
                    watch.broken = true;
                }
                return Some(Err(WatcherError::Stream(source)));
            }
            None => {
                let failed = watch.broken
                    || (watch.events == 0
                        && now.saturating_duration_since(watch.opened) < self.config.short_watch);
                let initial = watch.initial;
                self.watch_ended(failed, initial);
                return None;
            }
        };
        watch.events += 1;
        let initial = watch.initial;
        match event {
            WatchEvent::Added(obj) | WatchEvent::Modified(obj) => {
                if !initial && let Some(rv) = rv_of(&obj) {
                    set_resume(&mut self.resume_rv, rv);
                }
                if self.observe(&obj) {
                    let obj = self.prepare(obj);
                    return Some(Ok(if initial {
                        Event::InitApply(obj)
                    } else {
                        Event::Apply(obj)
                    }));
                }
                None
            }
            WatchEvent::Deleted(obj) => {
                let rv = rv_of(&obj).map(Rv::parse);
                if !initial && let Some(rv) = rv_of(&obj) {
                    set_resume(&mut self.resume_rv, rv);
                }
                let (namespace, name) = key_of(&obj);
                if self.known.delete(namespace, name, rv) {
                    return Some(Ok(Event::Delete(self.prepare(obj))));
                }
                None
            }
            WatchEvent::Bookmark(bookmark) => {
                let rv = bookmark.metadata.resource_version;
                if initial {
                    if bookmark
                        .metadata
                        .annotations
                        .get(crate::INITIAL_EVENTS_END_ANNOTATION)
                        .is_some_and(|v| v == "true")
                    {
                        watch.initial = false;
                        self.finish_list(Some(rv).filter(|rv| !rv.is_empty()));
                    }
                } else if !rv.is_empty() {
                    self.resume_rv = Some(rv);
                }
                None
            }
            WatchEvent::Error(status) => {
                if status.code == 410 || status.is_gone() || status.is_expired() {
                    let rv = if initial {
                        None
                    } else {
                        self.resume_rv.clone()
                    };
                    self.expired(rv, status.to_string());
                } else {
                    let retry_after = status
                        .retry_after_seconds()
                        .and_then(|s| u64::try_from(s).ok())
                        .map(std::time::Duration::from_secs);
                    if initial {
                        self.resume_rv = None;
                    }
                    self.fail(WatcherError::ErrorEvent(Box::new(status)), retry_after);
                }
                None
            }
        }
    }

    /// A watch stream ended: `failed` when it broke or closed at once.
    fn watch_ended(&mut self, failed: bool, initial: bool) {
        if initial {
            // The partial initial state cannot be resumed: list again.
            self.resume_rv = None;
            self.fail(WatcherError::InitialEventsIncomplete, None);
        } else if failed {
            self.schedule_retry(None);
        } else {
            // A clean end (the server's timeoutSeconds): resume at once, no re-list.
            self.phase = Phase::Connect {
                delay: std::time::Duration::ZERO,
            };
        }
    }
}

/// Moves the resume point to `rv`, reusing the string's buffer (this runs for every event).
fn set_resume(resume: &mut Option<String>, rv: &str) {
    match resume {
        Some(current) => {
            current.clear();
            current.push_str(rv);
        }
        None => *resume = Some(rv.to_owned()),
    }
}

/// A 4xx answer to a streaming list that says nothing about credentials,
/// the resource, time or load: the server does not take `sendInitialEvents`.
fn refuses_streaming(e: &Error) -> bool {
    matches!(e.code(), Some(code @ 400..=499) if !matches!(code, 401 | 404 | 408 | 410 | 429))
}
