//! [`Action`]: what a reconcile asks of the controller next.

use std::time::Duration;

/// What to do with an object's key after a reconcile (or its error policy).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Reconcile again after this long (even without a change).
    RequeueAfter(Duration),
    /// Reconcile again only when the object (or a trigger) changes.
    AwaitChange,
    /// Retry after the queue's per-key backoff (client-go's `AddRateLimited`:
    /// 5 ms doubling to 1000 s by default). The backoff resets when a
    /// reconcile of the key succeeds.
    Backoff,
}

impl Action {
    /// [`Action::RequeueAfter`].
    pub fn requeue(after: Duration) -> Self {
        Self::RequeueAfter(after)
    }

    /// [`Action::AwaitChange`].
    pub fn await_change() -> Self {
        Self::AwaitChange
    }
}
