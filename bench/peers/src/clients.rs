//! The clients every binary builds for the canned server's URL: ours
//! (client-core's `RestClient`, no rate limit) and kube-rs' `Client`.

use crate::BenchError;

/// client-core's `RestClient` for `server`, without client-side rate
/// limiting (kube-rs has none).
pub fn ours(server: &str) -> Result<client_core::RestClient, BenchError> {
    let url = server
        .parse()
        .map_err(|e| BenchError::Args(format!("{server}: {e}")))?;
    client_core::RestClient::builder(client_core::Config::new(url))
        .no_rate_limit()
        .build()
        .map_err(|e| BenchError::Client(e.to_string()))
}

/// kube-rs' `Client` for `server`, from `kube::Config::new` (inside a tokio
/// runtime: it spawns its buffer worker).
pub fn kube(server: &str) -> Result<kube::Client, BenchError> {
    let url = server
        .parse()
        .map_err(|e| BenchError::Args(format!("{server}: {e}")))?;
    kube::Client::try_from(kube::Config::new(url)).map_err(|e| BenchError::Client(e.to_string()))
}
