//! The request benchmark's client of this project: client-core's
//! `TypedClient<ConfigMap>` over a `RestClient` without rate limiting, the
//! way an application calls it. Usage: see [`peers::requests::args`].

use std::future::Future;

use client_core::{CreateOptions, GetOptions, ListOptions, TryStreamExt, TypedClient, WatchEvent};
use peers::requests::{ConfigMap, Page, RequestClient, client_error, count_modified, driver};
use peers::{BenchError, fixture};

/// client-core's typed client for ConfigMaps in the bench namespace.
#[derive(Clone)]
struct Ours(TypedClient<ConfigMap>);

impl RequestClient for Ours {
    fn get(&self, name: &str) -> impl Future<Output = Result<ConfigMap, BenchError>> + Send {
        let call = self.0.get(name, &GetOptions::default());
        async move { call.await.map_err(client_error) }
    }

    fn list(
        &self,
        limit: Option<u32>,
        continue_token: Option<String>,
    ) -> impl Future<Output = Result<Page, BenchError>> + Send {
        let mut options = ListOptions::default();
        if let Some(limit) = limit {
            options = options.limit(i64::from(limit));
        }
        if let Some(token) = continue_token {
            options = options.continue_token(token);
        }
        let call = self.0.list(&options);
        async move {
            let list = call.await.map_err(client_error)?;
            let continue_token = list.metadata.continue_token().map(str::to_owned);
            Ok(Page {
                items: list.items,
                continue_token,
            })
        }
    }

    /// client-core's own pager, [`TypedClient::list_pages`].
    fn list_paged(&self, limit: u32) -> impl Future<Output = Result<usize, BenchError>> + Send {
        let mut pages = self
            .0
            .list_pages(&ListOptions::default().limit(i64::from(limit)));
        async move {
            let mut total = 0;
            while let Some(page) = pages.try_next().await.map_err(client_error)? {
                total += page.items.len();
            }
            Ok(total)
        }
    }

    fn watch(&self, events: u64) -> impl Future<Output = Result<u64, BenchError>> + Send {
        let call = self.0.watch(&ListOptions::default());
        async move {
            let stream = call.await.map_err(client_error)?;
            count_modified(stream, events, |e| matches!(e, WatchEvent::Modified(_))).await
        }
    }

    fn create(
        &self,
        obj: &ConfigMap,
    ) -> impl Future<Output = Result<ConfigMap, BenchError>> + Send {
        let call = self.0.create(obj, &CreateOptions::default());
        async move { call.await.map_err(client_error) }
    }
}

fn main() -> Result<(), BenchError> {
    driver::run(|server| {
        let client = peers::clients::ours(server)?;
        Ok(Ours(TypedClient::namespaced(client, fixture::NAMESPACE)))
    })
}
