//! [`RestClientBuilder`]: a [`RestClient`] with settings beyond the [`Config`].

use std::sync::Arc;
use std::time::Duration;

use http::HeaderMap;
use http::header::{ACCEPT, HeaderValue};

use super::connections::WatchConnections;
use super::flowcontrol::RateLimiter;
use super::{Inner, RestClient, WarningHandler};
use crate::auth::Authenticator;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::request::BaseUrl;

/// Builds a [`RestClient`] with settings beyond the [`Config`].
#[must_use]
pub struct RestClientBuilder {
    pub(super) config: Config,
    pub(super) reset_retry_delay: Duration,
    pub(super) warning_handler: Option<WarningHandler>,
}

impl std::fmt::Debug for RestClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RestClientBuilder")
            .field("config", &self.config)
            .field("reset_retry_delay", &self.reset_retry_delay)
            .field("warning_handler", &self.warning_handler.is_some())
            .finish()
    }
}

impl RestClientBuilder {
    /// How long to wait before retrying a GET whose connection was reset. Default: one second.
    pub fn reset_retry_delay(mut self, delay: Duration) -> Self {
        self.reset_retry_delay = delay;
        self
    }

    /// Where `Warning` headers go. Default: a `tracing` warning per header.
    pub fn warning_handler(mut self, handler: impl Fn(&str) + Send + Sync + 'static) -> Self {
        self.warning_handler = Some(Arc::new(handler));
        self
    }

    /// Turns client-side rate limiting off (tests, benchmarks, the embedded server).
    pub fn no_rate_limit(mut self) -> Self {
        self.config.qps = 0.0;
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// [`Error::Config`] when TLS material or credentials in the config are unusable.
    pub fn build(self) -> Result<RestClient> {
        let config = self.config;
        let auth = Authenticator::new(&config)?;
        let tls = crate::tls::rustls_config(&config.tls, auth.client_cert_resolver())?;
        // reqwest adds a default header only where the request has none, so
        // a request's own `Accept` still wins. Impersonation is not a default
        // header: reqwest would send one value of a repeated header (one
        // `Impersonate-Group` of several); the client adds it per attempt.
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let mut impersonation = HeaderMap::new();
        auth.apply_impersonation(&mut impersonation);
        let user_agent = config.user_agent.clone().unwrap_or_else(default_user_agent);
        let proxy = match &config.proxy_url {
            Some(proxy) => Some(reqwest::Proxy::all(proxy.clone()).map_err(|e| {
                Error::Config(crate::config::ConfigError::InvalidProxy {
                    reason: e.to_string(),
                })
            })?),
            None => None,
        };
        let connect_timeout = config.connect_timeout;
        // Every connection of the client (calls and the watch pool) is
        // built the same way.
        let make_http = move || {
            let mut http = reqwest::Client::builder()
                .tls_backend_preconfigured(tls.clone())
                .default_headers(headers.clone())
                .connect_timeout(connect_timeout)
                .tcp_nodelay(true)
                .pool_idle_timeout(Duration::from_secs(90));
            #[cfg(feature = "http2")]
            {
                http = http
                    .http2_keep_alive_interval(Duration::from_secs(30))
                    .http2_keep_alive_timeout(Duration::from_secs(15))
                    .http2_adaptive_window(true);
            }
            if let Ok(value) = HeaderValue::from_str(&user_agent) {
                http = http.user_agent(value);
            }
            http = match &proxy {
                Some(proxy) => http.proxy(proxy.clone()),
                None => http.no_proxy(),
            };
            http.build()
        };
        let http = make_http().map_err(|e| {
            Error::Config(crate::config::ConfigError::HttpClient {
                reason: e.to_string(),
            })
        })?;
        // Credentials in the URL are the authenticator's (basic auth); left in, reqwest would
        // send them as a second `Authorization` header, and `Debug` would print them.
        let base_url = BaseUrl::new(crate::config::without_userinfo(&config.cluster_url))?;
        Ok(RestClient {
            inner: Arc::new(Inner {
                http,
                watch_http: WatchConnections::new(Box::new(make_http)),
                max_response_bytes: config.max_response_bytes,
                base_url,
                impersonation,
                default_namespace: config.default_namespace.clone(),
                auth,
                limiter: RateLimiter::new(config.qps, config.burst),
                max_retries: config.max_retries,
                reset_retry_delay: self.reset_retry_delay,
                default_timeout: config.timeout,
                warning_handler: self.warning_handler.unwrap_or_else(|| {
                    Arc::new(|w: &str| tracing::warn!(warning = w, "server warning"))
                }),
            }),
        })
    }
}

/// `client-core/VERSION (OS/ARCH)`, with Go's names for OS and architecture.
pub(super) fn default_user_agent() -> String {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        other => other,
    };
    format!(
        "client-core/{} ({}/{arch}) kubernetes-client-rs",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agent_names_go_arch() {
        let ua = default_user_agent();
        assert!(ua.starts_with("client-core/"));
        assert!(!ua.contains("x86_64"));
    }
}
