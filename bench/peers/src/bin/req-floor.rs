//! The request benchmark's floor: raw hyper 1.x through hyper-util's pooled
//! legacy client, bodies collected whole, UTF-8 checked once and decoded
//! with `serde_json::from_str` into the same k8s-openapi types; watch lines
//! framed with `memchr`. No retries, no rate limiting, no headers beyond
//! `accept` and `content-type`. Usage: see [`peers::requests::args`].

use std::future::Future;
use std::sync::Arc;

use bytes::Bytes;
use http::{Method, Request, StatusCode, Uri, header};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ListMeta;
use peers::requests::{ConfigMap, Page, RequestClient, client_error, driver};
use peers::{BenchError, fixture};
use serde::Deserialize;
use serde::de::{DeserializeOwned, IgnoredAny};

/// A ConfigMapList: what the floor decodes a list into.
#[derive(Deserialize)]
struct List {
    metadata: ListMeta,
    items: Vec<ConfigMap>,
}

/// One watch line: `{"type": ..., "object": ...}`.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", content = "object", rename_all = "UPPERCASE")]
#[allow(
    clippy::large_enum_variant,
    reason = "kube-rs' and client-core's events hold the object unboxed too; a Box would cost the floor an allocation per event the others do not pay"
)]
enum Event {
    Added(IgnoredAny),
    Modified(ConfigMap),
    Deleted(IgnoredAny),
    Bookmark(IgnoredAny),
    Error(IgnoredAny),
}

/// hyper-util's pooled client and the collection's URL.
#[derive(Clone)]
struct Floor {
    client: Client<HttpConnector, Full<Bytes>>,
    collection: Arc<str>,
}

impl Floor {
    /// Sends a request to `uri` and checks for status `want`.
    async fn send(
        &self,
        method: Method,
        uri: String,
        body: Option<Vec<u8>>,
        want: StatusCode,
    ) -> Result<hyper::body::Incoming, BenchError> {
        let uri: Uri = uri.parse().map_err(client_error)?;
        let mut request = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::ACCEPT, "application/json");
        if body.is_some() {
            request = request.header(header::CONTENT_TYPE, "application/json");
        }
        let body = body.map(|b| Full::new(Bytes::from(b))).unwrap_or_default();
        let request = request.body(body).map_err(client_error)?;
        let response = self.client.request(request).await.map_err(client_error)?;
        if response.status() != want {
            return Err(BenchError::Client(format!("status {}", response.status())));
        }
        Ok(response.into_body())
    }

    /// Sends a request and decodes the whole answer as `T`.
    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        uri: String,
        body: Option<Vec<u8>>,
        want: StatusCode,
    ) -> Result<T, BenchError> {
        let body = self.send(method, uri, body, want).await?;
        let bytes = body.collect().await.map_err(client_error)?.to_bytes();
        decode(&bytes)
    }
}

/// UTF-8 checked once, then `from_str`.
fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, BenchError> {
    let text = std::str::from_utf8(bytes).map_err(client_error)?;
    serde_json::from_str(text).map_err(client_error)
}

impl RequestClient for Floor {
    fn get(&self, name: &str) -> impl Future<Output = Result<ConfigMap, BenchError>> + Send {
        let uri = format!("{}/{name}", self.collection);
        self.call(Method::GET, uri, None, StatusCode::OK)
    }

    async fn list(
        &self,
        limit: Option<u32>,
        continue_token: Option<String>,
    ) -> Result<Page, BenchError> {
        // The canned server's tokens are numbers: no percent-encoding needed.
        let uri = match (limit, continue_token) {
            (None, _) => self.collection.to_string(),
            (Some(limit), None) => format!("{}?limit={limit}", self.collection),
            (Some(limit), Some(token)) => {
                format!("{}?limit={limit}&continue={token}", self.collection)
            }
        };
        let list: List = self.call(Method::GET, uri, None, StatusCode::OK).await?;
        Ok(Page {
            items: list.items,
            continue_token: list.metadata.continue_.filter(|t| !t.is_empty()),
        })
    }

    async fn watch(&self, events: u64) -> Result<u64, BenchError> {
        let uri = format!("{}?watch=true", self.collection);
        let mut body = self.send(Method::GET, uri, None, StatusCode::OK).await?;
        let mut buf = Vec::with_capacity(128 * 1024);
        let mut seen = 0;
        while seen < events {
            let Some(frame) = body.frame().await else {
                break;
            };
            let Ok(data) = frame.map_err(client_error)?.into_data() else {
                continue;
            };
            buf.extend_from_slice(&data);
            let mut start = 0;
            while let Some(end) = memchr::memchr(b'\n', &buf[start..]) {
                let line = &buf[start..start + end];
                start += end + 1;
                match decode::<Event>(line)? {
                    Event::Modified(object) => {
                        std::hint::black_box(&object);
                        seen += 1;
                    }
                    other => {
                        return Err(BenchError::Client(format!("unexpected event {other:?}")));
                    }
                }
                if seen == events {
                    break;
                }
            }
            buf.drain(..start);
        }
        Ok(seen)
    }

    fn create(
        &self,
        obj: &ConfigMap,
    ) -> impl Future<Output = Result<ConfigMap, BenchError>> + Send {
        let uri = self.collection.to_string();
        let body = serde_json::to_vec(obj).map_err(client_error);
        async move {
            self.call(Method::POST, uri, Some(body?), StatusCode::CREATED)
                .await
        }
    }
}

fn main() -> Result<(), BenchError> {
    driver::run(|server| {
        let client = Client::builder(TokioExecutor::new()).build_http();
        let collection = format!(
            "{}/api/v1/namespaces/{}/configmaps",
            server.trim_end_matches('/'),
            fixture::NAMESPACE
        );
        Ok(Floor {
            client,
            collection: collection.into(),
        })
    })
}
