//! [`Pages`]: a list that follows `continue` tokens, one page at a time.

use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use serde::de::DeserializeOwned;

use crate::error::Result;
use crate::typed::{ApiFuture, ResourceTarget};
use crate::{List, ListOptions};

/// A stream of list pages: each item is one page (`limit` objects at most,
/// 500 when `limit` is unset), fetched when the previous one is consumed.
///
/// Pages come from one consistent snapshot on the server. A `continue` token
/// that expired yields an error for which `is_expired()` holds: start again
/// from a fresh list.
///
/// ```no_run
/// # async fn demo(cms: client_core::TypedClient<client_core::api::ConfigMap>) -> client_core::Result<()> {
/// use futures_util::TryStreamExt;
/// let mut pages = cms.list_pages(&client_core::ListOptions::default().limit(100));
/// while let Some(page) = pages.try_next().await? {
///     println!("{} objects", page.items.len());
/// }
/// # Ok(()) }
/// ```
pub struct Pages<K> {
    target: ResourceTarget,
    options: ListOptions,
    in_flight: Option<ApiFuture<List<K>>>,
    done: bool,
    _kind: PhantomData<fn() -> K>,
}

impl<K> std::fmt::Debug for Pages<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages")
            .field("resource", &self.target.requests.plural)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

/// The page size used when the caller sets none (client-go's pager default).
const DEFAULT_PAGE_SIZE: i64 = 500;

impl<K> Pages<K> {
    pub(crate) fn new(target: ResourceTarget, mut options: ListOptions) -> Self {
        if options.limit.is_none() {
            options.limit = Some(DEFAULT_PAGE_SIZE);
        }
        Self {
            target,
            options,
            in_flight: None,
            done: false,
            _kind: PhantomData,
        }
    }
}

impl<K: DeserializeOwned + Send + 'static> Stream for Pages<K> {
    type Item = Result<List<K>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        let future = this
            .in_flight
            .get_or_insert_with(|| this.target.list::<K>(&this.options));
        let page = match future.as_mut().poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(page) => page,
        };
        this.in_flight = None;
        match page {
            Ok(list) => {
                match list.metadata.continue_.as_deref() {
                    Some(token) if !token.is_empty() => {
                        this.options.continue_ = Some(token.to_owned());
                        // Later pages come from the first page's snapshot.
                        this.options.resource_version = None;
                        this.options.resource_version_match = None;
                    }
                    _ => this.done = true,
                }
                Poll::Ready(Some(Ok(list)))
            }
            Err(error) => {
                this.done = true;
                Poll::Ready(Some(Err(error)))
            }
        }
    }
}
