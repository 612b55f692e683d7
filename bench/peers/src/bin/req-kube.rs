//! The request benchmark's kube-rs client: `Api<ConfigMap>` over a
//! `kube::Client` built from a `kube::Config` for the server's URL, the way
//! an application calls it. Usage: see [`peers::requests::args`].

use kube::Api;
use kube::api::{ListParams, PostParams, WatchEvent, WatchParams};
use peers::requests::{ConfigMap, Page, RequestClient, client_error, count_modified, driver};
use peers::{BenchError, fixture};

/// kube-rs' API handle for ConfigMaps in the bench namespace.
#[derive(Clone)]
struct Kube(Api<ConfigMap>);

impl RequestClient for Kube {
    async fn get(&self, name: &str) -> Result<ConfigMap, BenchError> {
        self.0.get(name).await.map_err(client_error)
    }

    async fn list(
        &self,
        limit: Option<u32>,
        continue_token: Option<String>,
    ) -> Result<Page, BenchError> {
        let mut params = ListParams::default();
        if let Some(limit) = limit {
            params = params.limit(limit);
        }
        if let Some(token) = &continue_token {
            params = params.continue_token(token);
        }
        let list = self.0.list(&params).await.map_err(client_error)?;
        Ok(Page {
            items: list.items,
            continue_token: list.metadata.continue_.filter(|t| !t.is_empty()),
        })
    }

    async fn watch(&self, events: u64) -> Result<u64, BenchError> {
        let stream = self
            .0
            .watch(&WatchParams::default(), "0")
            .await
            .map_err(client_error)?;
        count_modified(stream, events, |e| matches!(e, WatchEvent::Modified(_))).await
    }

    async fn create(&self, obj: &ConfigMap) -> Result<ConfigMap, BenchError> {
        self.0
            .create(&PostParams::default(), obj)
            .await
            .map_err(client_error)
    }
}

fn main() -> Result<(), BenchError> {
    driver::run(|server| {
        let client = peers::clients::kube(server)?;
        Ok(Kube(Api::namespaced(client, fixture::NAMESPACE)))
    })
}
