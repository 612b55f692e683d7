//! Shared by the runtime's tests against the embedded server.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::future::Future;
use std::time::Duration;

use client_core::RestClient;
use client_core::watcher::{BackoffConfig, WatcherConfig};
use client_testserver::TestServer;

/// Runs `f` under a hard time limit.
pub async fn within<F: Future>(limit: Duration, f: F) -> F::Output {
    tokio::time::timeout(limit, f)
        .await
        .expect("test exceeded its time limit")
}

/// A plain-HTTP server with a token, and a client for it.
pub async fn server() -> (TestServer, RestClient) {
    let server = TestServer::builder()
        .plain_http()
        .token("t")
        .start()
        .await
        .expect("server starts");
    let client = server.rest_client().expect("client builds");
    (server, client)
}

/// Short real timings, so faults are handled in milliseconds.
pub fn fast_watcher() -> WatcherConfig {
    WatcherConfig::default()
        .page_size(7)
        .idle_timeout(Duration::from_secs(3))
        .watch_timeout(Duration::from_secs(1), Duration::from_secs(1))
        .short_watch(Duration::from_millis(50))
        .backoff(BackoffConfig {
            initial: Duration::from_millis(20),
            max: Duration::from_millis(200),
            factor: 2.0,
            jitter: 0.5,
            reset_after: Duration::from_secs(2),
        })
}
