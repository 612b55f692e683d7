//! The request benchmark of issue 17: this project's typed client, kube-rs'
//! `Api<K>` and a floor of raw hyper + serde_json, each a binary of its own
//! (`req-ours`, `req-kube`, `req-floor`) behind [`RequestClient`], driven by
//! [`driver::run`] over the same workloads against one canned server.
//!
//! All three decode k8s-openapi's [`ConfigMap`]: one type, so the same
//! fields are decoded on every side.

pub mod args;
pub mod driver;
pub mod object;

use std::future::Future;

pub use k8s_openapi::api::core::v1::ConfigMap;

use crate::BenchError;

/// One page of a list: its objects and the token of the next page.
#[derive(Debug, Default)]
pub struct Page {
    /// The decoded objects.
    pub items: Vec<ConfigMap>,
    /// The non-empty `continue` token, when more pages remain.
    pub continue_token: Option<String>,
}

/// What one client does for the workloads, each the way an application
/// would call that client. Every method decodes what it receives.
pub trait RequestClient: Clone + Send + Sync + 'static {
    /// GETs the ConfigMap `name` in the bench namespace.
    fn get(&self, name: &str) -> impl Future<Output = Result<ConfigMap, BenchError>> + Send;

    /// Lists ConfigMaps in the bench namespace: everything (`limit` `None`)
    /// or one page from `continue_token`.
    fn list(
        &self,
        limit: Option<u32>,
        continue_token: Option<String>,
    ) -> impl Future<Output = Result<Page, BenchError>> + Send;

    /// Lists every ConfigMap in pages of `limit`, following the continue
    /// tokens; returns how many objects came. By default a loop over
    /// [`RequestClient::list`]; a client with its own pager overrides it.
    fn list_paged(&self, limit: u32) -> impl Future<Output = Result<usize, BenchError>> + Send {
        async move {
            let mut total = 0;
            let mut token = None;
            loop {
                let page = self.list(Some(limit), token.take()).await?;
                total += page.items.len();
                match page.continue_token {
                    Some(next) => token = Some(next),
                    None => return Ok(total),
                }
            }
        }
    }

    /// Watches the bench namespace and reads MODIFIED events until `events`
    /// came (or the stream ended); returns how many came. Any other event
    /// is an error.
    fn watch(&self, events: u64) -> impl Future<Output = Result<u64, BenchError>> + Send;

    /// Creates `obj` (POST) and returns what the server answered.
    fn create(&self, obj: &ConfigMap)
    -> impl Future<Output = Result<ConfigMap, BenchError>> + Send;
}

/// Reads `stream` until `events` events for which `modified` holds came
/// (or it ended); returns how many. Any other event, or an error, fails.
pub async fn count_modified<T: std::fmt::Debug, E: std::fmt::Display>(
    stream: impl futures_util::Stream<Item = Result<T, E>>,
    events: u64,
    modified: impl Fn(&T) -> bool,
) -> Result<u64, BenchError> {
    use futures_util::StreamExt;
    let mut stream = std::pin::pin!(stream);
    let mut seen = 0;
    while seen < events {
        match stream.next().await {
            Some(Ok(event)) if modified(&event) => seen += 1,
            Some(Ok(other)) => {
                return Err(BenchError::Client(format!("unexpected event {other:?}")));
            }
            Some(Err(e)) => return Err(client_error(e)),
            None => break,
        }
    }
    Ok(seen)
}

/// A client error of any side as a [`BenchError::Client`].
pub fn client_error(e: impl std::fmt::Display) -> BenchError {
    BenchError::Client(e.to_string())
}
