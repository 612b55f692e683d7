//! [`ResourceTarget`]: a resource's request values and the client that
//! executes them, shared by every typed client, the dynamic client, [`Pages`]
//! and the watcher; and what a call returns ([`ApiFuture`], [`DeleteOutcome`]).
//!
//! [`Pages`]: crate::Pages

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;

use serde::de::DeserializeOwned;

use crate::client::RestClient;
use crate::error::{Error, RequestTarget, Result};
use crate::request::{Request, ResourceRequests};
use crate::watch::WatchStream;
use crate::{DeleteOptions, List, ListOptions, Status};

/// The future every typed call returns: `Send + 'static`, so it can be
/// spawned; dropping it cancels the request.
pub type ApiFuture<T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'static>>;

/// What a delete did: the object is gone, or it waits on finalizers.
///
/// kube-apiserver answers a delete in one of three ways: built-in kinds send a
/// Success `Status`, custom resources send the object as it was deleted, and
/// an object held by finalizers comes back with its `deletionTimestamp` set.
#[derive(Debug, Clone)]
pub enum DeleteOutcome<K> {
    /// The object was removed; the server's Success `Status`.
    Deleted(Box<Status>),
    /// The object was removed; the server sent its last state (custom resources do).
    DeletedObject(K),
    /// The object has finalizers: it now carries a `deletionTimestamp` and
    /// stays until they are removed.
    Finalizing(K),
}

impl<K> DeleteOutcome<K> {
    /// `true` when the object is gone.
    pub fn is_deleted(&self) -> bool {
        !matches!(self, Self::Finalizing(_))
    }
}

/// A resource's requests and the client that executes them: what every
/// typed client, [`Pages`](crate::Pages) and [`Watcher`](crate::watcher::Watcher) hold.
#[derive(Clone, Debug)]
pub(crate) struct ResourceTarget {
    pub(crate) client: RestClient,
    pub(crate) requests: ResourceRequests,
}

impl ResourceTarget {
    /// Sends `request` and decodes the answer as `T`.
    pub(crate) fn send<T: DeserializeOwned + Send + 'static>(
        &self,
        request: Request,
    ) -> ApiFuture<T> {
        Box::pin(self.client.send::<T>(request))
    }

    /// GET of the collection, decoded as a list of `K` item by item while
    /// the body arrives (the body is never held whole).
    pub(crate) fn list<K: DeserializeOwned + Send + 'static>(
        &self,
        opts: &ListOptions,
    ) -> ApiFuture<List<K>> {
        Box::pin(self.client.send_list::<K>(self.requests.list(opts)))
    }

    /// A watch of the collection, decoded as events of `K`.
    pub(crate) fn watch<K: DeserializeOwned + Send + 'static>(
        &self,
        opts: &ListOptions,
    ) -> ApiFuture<WatchStream<K>> {
        Box::pin(self.client.watch::<K>(self.requests.watch(opts)))
    }

    /// A DELETE, decoded as what it did.
    pub(crate) fn delete<K: DeserializeOwned + Send + 'static>(
        &self,
        name: &str,
        opts: &DeleteOptions,
    ) -> ApiFuture<DeleteOutcome<K>> {
        let body = self
            .client
            .clone()
            .fetch_body(self.requests.delete(name, opts));
        Box::pin(async move {
            let (target, body) = body.await?;
            decode_delete(&target, &body)
        })
    }
}

/// Decodes a DELETE answer: a `Status`, the deleted object, or the object
/// held by finalizers (it has finalizers and a `deletionTimestamp`).
fn decode_delete<K: DeserializeOwned>(
    target: &RequestTarget,
    body: &[u8],
) -> Result<DeleteOutcome<K>> {
    #[derive(serde::Deserialize)]
    struct Peek<'a> {
        #[serde(borrow)]
        kind: Option<Cow<'a, str>>,
        #[serde(default)]
        metadata: PeekMeta,
    }
    #[derive(serde::Deserialize, Default)]
    #[serde(rename_all = "camelCase")]
    struct PeekMeta {
        deletion_timestamp: Option<serde::de::IgnoredAny>,
        #[serde(default)]
        finalizers: Option<Vec<serde::de::IgnoredAny>>,
    }
    let decode_error = |source| Error::Decode {
        target: target.clone(),
        what: std::any::type_name::<K>(),
        source,
    };
    let text =
        std::str::from_utf8(body).map_err(|e| decode_error(crate::decode::not_utf8(body, e)))?;
    let peek: Peek<'_> = serde_json::from_str(text).map_err(decode_error)?;
    if peek.kind.as_deref() == Some("Status") {
        let status: Status = serde_json::from_str(text).map_err(decode_error)?;
        return Ok(DeleteOutcome::Deleted(Box::new(status)));
    }
    let held = peek.metadata.deletion_timestamp.is_some()
        && peek.metadata.finalizers.is_some_and(|f| !f.is_empty());
    let object = serde_json::from_str(text).map_err(decode_error)?;
    Ok(if held {
        DeleteOutcome::Finalizing(object)
    } else {
        DeleteOutcome::DeletedObject(object)
    })
}
