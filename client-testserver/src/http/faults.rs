//! Fault injection: rules targeted by verb, resource and count, set from
//! Rust or `POST /__testserver/faults`.

use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use crate::storage::store::Store;

/// What a matching request suffers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum FaultAction {
    /// Answer with this status code (429 carries reason TooManyRequests,
    /// 5xx InternalError/ServiceUnavailable), optionally with `Retry-After`.
    Status {
        /// HTTP code.
        code: u16,
        /// Seconds for `Retry-After`.
        #[serde(default, rename = "retryAfterSeconds")]
        retry_after_seconds: Option<u64>,
    },
    /// Delay the answer.
    Latency {
        /// Milliseconds to wait before handling.
        millis: u64,
    },
    /// Cut a watch connection after this many events.
    DropWatch {
        /// Events sent before the connection is cut.
        #[serde(rename = "afterEvents")]
        after_events: u64,
    },
}

/// One rule. `verb` and `resource` (plural, e.g. `configmaps`) match any
/// when absent; `count` is how many requests it hits (absent: all).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fault {
    /// Kubernetes verb: get, list, watch, create, update, patch, delete,
    /// deletecollection.
    #[serde(default)]
    pub verb: Option<String>,
    /// Plural resource name.
    #[serde(default)]
    pub resource: Option<String>,
    /// How many matching requests it applies to.
    #[serde(default)]
    pub count: Option<u64>,
    /// What happens.
    pub action: FaultAction,
}

impl Fault {
    /// A rule for every request.
    pub fn new(action: FaultAction) -> Fault {
        Fault {
            verb: None,
            resource: None,
            count: None,
            action,
        }
    }

    /// Only for `verb`.
    pub fn verb(mut self, verb: &str) -> Fault {
        self.verb = Some(verb.to_string());
        self
    }

    /// Only for `resource` (plural).
    pub fn resource(mut self, resource: &str) -> Fault {
        self.resource = Some(resource.to_string());
        self
    }

    /// Only the next `n` matching requests.
    pub fn times(mut self, n: u64) -> Fault {
        self.count = Some(n);
        self
    }
}

/// The active fault rules; cheap to clone.
#[derive(Clone)]
pub struct Faults {
    rules: Arc<Mutex<Vec<Fault>>>,
    store: Store,
}

impl Faults {
    pub(crate) fn new(store: Store) -> Faults {
        Faults {
            rules: Arc::default(),
            store,
        }
    }

    /// Adds a rule.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), client_testserver::StartError> {
    /// use client_testserver::{Fault, FaultAction};
    /// let server = client_testserver::TestServer::builder().plain_http().start().await?;
    /// // The next two lists of secrets answer 503 with Retry-After: 1.
    /// server.faults().add(
    ///     Fault::new(FaultAction::Status { code: 503, retry_after_seconds: Some(1) })
    ///         .verb("list")
    ///         .resource("secrets")
    ///         .times(2),
    /// );
    /// // Cut every watch after 3 events.
    /// server.faults().add(Fault::new(FaultAction::DropWatch { after_events: 3 }).verb("watch"));
    /// # Ok(()) }
    /// ```
    pub fn add(&self, fault: Fault) {
        self.rules
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(fault);
    }

    /// Removes every rule.
    pub fn clear(&self) {
        self.rules.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// Forgets the event history now: the next watch (or continue token)
    /// from an older resourceVersion gets 410 Expired.
    pub fn compact(&self) {
        self.store.compact();
    }

    /// The actions that apply to a request, consuming counts.
    pub(crate) fn take(&self, verb: &str, resource: &str) -> Vec<FaultAction> {
        let mut rules = self.rules.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = Vec::new();
        for r in rules.iter_mut() {
            let hit = r.verb.as_deref().is_none_or(|v| v == verb)
                && r.resource.as_deref().is_none_or(|x| x == resource)
                && r.count != Some(0);
            if hit {
                if let Some(c) = r.count.as_mut() {
                    *c -= 1;
                }
                out.push(r.action.clone());
            }
        }
        rules.retain(|r| r.count != Some(0));
        out
    }
}
