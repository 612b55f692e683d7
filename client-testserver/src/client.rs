//! Glue for `client-core` (feature `client`): a ready [`client_core::Config`]
//! and [`client_core::RestClient`] for a running [`TestServer`].

use client_core::{Config, ConfigError, Kubeconfig, KubeconfigOptions, RestClient};

use crate::TestServer;

impl TestServer {
    /// A `client-core` config for this server, read from the same kubeconfig
    /// that [`TestServer::kubeconfig`] gives kubectl: its URL, its generated CA
    /// as the only trusted root, and its credentials.
    ///
    /// Client-side rate limiting is off: tests should not wait on a limiter
    /// that only a shared, real cluster needs.
    ///
    /// # Errors
    /// A [`ConfigError`] if the kubeconfig does not load (it always should).
    pub fn client_config(&self) -> Result<Config, ConfigError> {
        let kubeconfig = Kubeconfig::from_yaml(&self.kubeconfig())?;
        let mut config = Config::from_kubeconfig(&kubeconfig, &KubeconfigOptions::default())?;
        config.qps = 0.0;
        Ok(config)
    }

    /// A [`RestClient`] for this server, from [`TestServer::client_config`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let server = client_testserver::TestServer::start().await?;
    /// let client = server.rest_client()?;
    /// let version: serde_json::Value = client.get().abs_path("/version").send().await?;
    /// assert!(version["gitVersion"].is_string());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// What [`TestServer::client_config`] and [`RestClient::new`] report.
    pub fn rest_client(&self) -> Result<RestClient, client_core::Error> {
        RestClient::new(self.client_config()?)
    }
}
