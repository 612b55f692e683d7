//! [`finalizer`]: add a finalizer before the first reconcile, run a cleanup
//! when the object is being deleted, then remove it.
//!
//! Every write is a JSON patch that first tests `metadata.resourceVersion`:
//! if anything changed the object since it was read (another controller
//! removed its own finalizer, a user edited it), the server answers 422 and
//! nothing is written; the controller retries with the fresh object. So an
//! index-based `remove` can never hit another controller's finalizer, and
//! the helper never overwrites a concurrent update.
//!
//! Cleanup may run more than once (a failed removal is retried after a
//! fresh read; a cache that is behind hands over an object already gone):
//! it must be idempotent. A patch answered 404 counts as done: the object
//! no longer exists.

use std::future::Future;
use std::sync::Arc;

use client_core::{Patch, PatchOptions, Resource, TypedClient};
use serde_json::{Value, json};

use crate::controller::Action;
use crate::meta_access;

/// What the closure given to [`finalizer`] is asked to do.
#[derive(Debug)]
pub enum FinalizerEvent<K> {
    /// The object is live and carries the finalizer: reconcile it.
    Apply(Arc<K>),
    /// The object is being deleted and still carries the finalizer: clean
    /// up; on success the finalizer is removed.
    Cleanup(Arc<K>),
}

/// Why [`finalizer`] failed.
#[derive(Debug, thiserror::Error)]
pub enum FinalizerError<E: std::error::Error + 'static> {
    /// The apply closure failed.
    #[error("apply failed: {0}")]
    ApplyFailed(#[source] E),
    /// The cleanup closure failed; the finalizer stays.
    #[error("cleanup failed: {0}")]
    CleanupFailed(#[source] E),
    /// Adding the finalizer failed (422 when the object changed since it was read).
    #[error("adding the finalizer failed: {0}")]
    AddFinalizer(#[source] client_core::Error),
    /// Removing the finalizer failed (422 when the object changed since it was read).
    #[error("removing the finalizer failed: {0}")]
    RemoveFinalizer(#[source] client_core::Error),
    /// The object has no name or no resourceVersion: it was not read from the server.
    #[error("the object has no name or resourceVersion; pass one read from the server")]
    NotFromServer,
}

/// Runs `reconcile` under the finalizer `name`; see the [module docs](self).
///
/// - live, without the finalizer: adds it and returns
///   [`Action::AwaitChange`] (the write itself triggers the next reconcile);
/// - live, with it: `reconcile(FinalizerEvent::Apply)`;
/// - deleting, with it: `reconcile(FinalizerEvent::Cleanup)`, then removes it;
/// - deleting, without it: nothing to do.
///
/// `client` must address `obj`'s namespace (or the cluster).
///
/// # Errors
///
/// [`FinalizerError`]: the closure's error, or a failed patch.
pub async fn finalizer<K, F, Fut, E>(
    client: &TypedClient<K>,
    name: &str,
    obj: Arc<K>,
    reconcile: F,
) -> Result<Action, FinalizerError<E>>
where
    K: Resource,
    F: FnOnce(FinalizerEvent<K>) -> Fut,
    Fut: Future<Output = Result<Action, E>>,
    E: std::error::Error + 'static,
{
    let object_name = meta_access::name(obj.as_ref()).to_owned();
    let Some(rv) = meta_access::resource_version(obj.as_ref()).map(str::to_owned) else {
        return Err(FinalizerError::NotFromServer);
    };
    if object_name.is_empty() {
        return Err(FinalizerError::NotFromServer);
    }
    let finalizers = meta_access::finalizers(obj.as_ref());
    let position = finalizers.iter().position(|f| f == name);
    let test_rv = json!({"op": "test", "path": "/metadata/resourceVersion", "value": rv});
    match (meta_access::is_deleting(obj.as_ref()), position) {
        (false, None) => {
            let add = if finalizers.is_empty() {
                json!({"op": "add", "path": "/metadata/finalizers", "value": [name]})
            } else {
                json!({"op": "add", "path": "/metadata/finalizers/-", "value": name})
            };
            gone_is_done(patch(client, &object_name, vec![test_rv, add]).await)
                .map_err(FinalizerError::AddFinalizer)?;
            Ok(Action::AwaitChange)
        }
        (false, Some(_)) => reconcile(FinalizerEvent::Apply(obj))
            .await
            .map_err(FinalizerError::ApplyFailed),
        (true, Some(i)) => {
            reconcile(FinalizerEvent::Cleanup(Arc::clone(&obj)))
                .await
                .map_err(FinalizerError::CleanupFailed)?;
            let path = format!("/metadata/finalizers/{i}");
            let ops = vec![
                test_rv,
                json!({"op": "test", "path": path, "value": name}),
                json!({"op": "remove", "path": path}),
            ];
            gone_is_done(patch(client, &object_name, ops).await)
                .map_err(FinalizerError::RemoveFinalizer)?;
            Ok(Action::AwaitChange)
        }
        (true, None) => Ok(Action::AwaitChange),
    }
}

/// A 404 means the object is gone (the cache was behind): nothing is left to
/// add a finalizer to or remove one from.
fn gone_is_done<K>(result: Result<K, client_core::Error>) -> Result<(), client_core::Error> {
    match result {
        Ok(_) => Ok(()),
        Err(client_core::Error::Api { status, .. }) if status.code == 404 => Ok(()),
        Err(e) => Err(e),
    }
}

async fn patch<K: Resource>(
    client: &TypedClient<K>,
    name: &str,
    ops: Vec<Value>,
) -> Result<K, client_core::Error> {
    client
        .patch(
            name,
            &Patch::Json(Value::Array(ops)),
            &PatchOptions::default(),
        )
        .await
}
