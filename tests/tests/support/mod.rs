//! What the end-to-end tests against client-testserver share: a hard
//! timeout and a plain-HTTP server with a ready client.

use std::future::Future;
use std::time::Duration;

use client_core::RestClient;
use client_testserver::TestServer;

/// Runs `f`, failing the test after 60 seconds.
pub async fn within<F: Future<Output = ()>>(f: F) {
    tokio::time::timeout(Duration::from_secs(60), f)
        .await
        .expect("the test finished in time");
}

/// A plain-HTTP server with token auth, and a client for it.
pub async fn start() -> (TestServer, RestClient) {
    let server = TestServer::builder()
        .plain_http()
        .token("t")
        .start()
        .await
        .unwrap();
    let rest = server.rest_client().unwrap();
    (server, rest)
}
