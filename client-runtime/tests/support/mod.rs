//! Shared by the runtime's tests against the embedded server.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::future::Future;
use std::time::Duration;

use client_core::RestClient;
use client_core::watcher::{BackoffConfig, WatcherConfig};
use client_testserver::TestServer;

pub mod bulk;

/// Runs `f` under a hard time limit.
pub async fn within<F: Future>(limit: Duration, f: F) -> F::Output {
    tokio::time::timeout(limit, f)
        .await
        .expect("test exceeded its time limit")
}

/// A plain-HTTP server with a token, and an unthrottled client for it.
pub async fn server() -> (TestServer, RestClient) {
    let server = TestServer::builder()
        .plain_http()
        .token("t")
        .start()
        .await
        .expect("server starts");
    let client = unthrottled(&server);
    (server, client)
}

/// A client of its own for `server` (as a separate process would have),
/// without client-side throttling: the tests write faster than 5 qps.
pub fn unthrottled(server: &TestServer) -> RestClient {
    let mut config = server.client_config().expect("config");
    config.qps = 1000.0;
    config.burst = 1000;
    RestClient::new(config).expect("client builds")
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
