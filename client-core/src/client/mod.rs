//! [`RestClient`]: one HTTP client shared by every typed client, and the
//! request pipeline (auth, rate limiting, retries, warnings, tracing).

pub mod flowcontrol;
mod request;
mod retry;

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::{ACCEPT, AUTHORIZATION, HeaderValue};
use http::{HeaderMap, Method, StatusCode};
use tracing::Instrument;

use self::flowcontrol::RateLimiter;
pub use self::request::Request;
use self::retry::{RetryDecision, classify_transport, retry_after};
use crate::api::Status;
use crate::auth::Authenticator;
use crate::config::Config;
use crate::error::{Error, RequestError, RequestTarget, Result};

/// What the client does with a server's `Warning` header (deprecations,
/// unknown fields dropped by `fieldValidation=Warn`, ...).
pub type WarningHandler = Arc<dyn Fn(&str) + Send + Sync>;

/// The shared REST client: one connection pool, one rate limiter, one set of credentials.
///
/// Cheap to clone (an `Arc` inside); make one per program and hand clones to
/// every typed client. Built from a [`Config`] with [`RestClient::new`] or
/// [`RestClient::builder`].
///
/// ```
/// # fn main() -> Result<(), client_core::Error> {
/// use client_core::{Config, RestClient};
/// let config = Config::new("https://127.0.0.1:6443".parse().expect("url"));
/// let client = RestClient::new(config)?;
/// let copy = client.clone(); // shares the pool and the limiter
/// # drop(copy);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RestClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    default_namespace: String,
    auth: Authenticator,
    limiter: RateLimiter,
    max_retries: u32,
    reset_retry_delay: Duration,
    default_timeout: Option<Duration>,
    warning_handler: WarningHandler,
}

impl std::fmt::Debug for RestClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RestClient")
            .field("base_url", &self.inner.base_url)
            .field("rate_limited", &self.inner.limiter.is_enabled())
            .field("max_retries", &self.inner.max_retries)
            .finish_non_exhaustive()
    }
}

/// Builds a [`RestClient`] with settings beyond the [`Config`].
#[must_use]
pub struct RestClientBuilder {
    config: Config,
    reset_retry_delay: Duration,
    warning_handler: Option<WarningHandler>,
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
        let mut headers = HeaderMap::new();
        auth.apply_impersonation(&mut headers);
        let user_agent = config.user_agent.clone().unwrap_or_else(default_user_agent);
        let mut http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .default_headers(headers)
            .connect_timeout(config.connect_timeout)
            .tcp_nodelay(true)
            .pool_idle_timeout(Duration::from_secs(90))
            .http2_keep_alive_interval(Duration::from_secs(30))
            .http2_keep_alive_timeout(Duration::from_secs(15))
            .http2_adaptive_window(true);
        if let Ok(value) = HeaderValue::from_str(&user_agent) {
            http = http.user_agent(value);
        }
        http = match &config.proxy_url {
            Some(proxy) => http.proxy(reqwest::Proxy::all(proxy.clone()).map_err(|e| {
                Error::Config(crate::config::ConfigError::InvalidProxy {
                    reason: e.to_string(),
                })
            })?),
            None => http.no_proxy(),
        };
        let http = http.build().map_err(|e| {
            Error::Config(crate::config::ConfigError::HttpClient {
                reason: e.to_string(),
            })
        })?;
        // Credentials in the URL are the authenticator's (basic auth); left in, reqwest would
        // send them as a second `Authorization` header, and `Debug` would print them.
        let cluster_url = crate::config::without_userinfo(&config.cluster_url);
        let base_url = cluster_url.as_str().trim_end_matches('/').to_owned();
        if config.cluster_url.cannot_be_a_base() {
            return Err(RequestError::InvalidBaseUrl(base_url).into());
        }
        Ok(RestClient {
            inner: Arc::new(Inner {
                http,
                base_url,
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
fn default_user_agent() -> String {
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

impl RestClient {
    /// A client for `config`.
    ///
    /// # Errors
    /// [`Error::Config`] when TLS material or credentials in the config are unusable.
    pub fn new(config: Config) -> Result<Self> {
        Self::builder(config).build()
    }

    /// A builder for settings beyond the [`Config`].
    pub fn builder(config: Config) -> RestClientBuilder {
        RestClientBuilder {
            config,
            reset_retry_delay: Duration::from_secs(1),
            warning_handler: None,
        }
    }

    /// The server URL requests go to (with its path prefix, no trailing `/`).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The namespace of the config's context (`default` unless set).
    pub fn default_namespace(&self) -> &str {
        &self.inner.default_namespace
    }

    /// Starts a request with any verb.
    pub fn request(&self, method: Method) -> Request {
        let mut request = Request::new(self.clone(), method);
        if let Some(t) = self.inner.default_timeout {
            request.timeout = Some(t);
            request.timeout_is_default = true;
        }
        request
    }

    /// Starts a GET.
    pub fn get(&self) -> Request {
        self.request(Method::GET)
    }

    /// Starts a POST.
    pub fn post(&self) -> Request {
        self.request(Method::POST)
    }

    /// Starts a PUT.
    pub fn put(&self) -> Request {
        self.request(Method::PUT)
    }

    /// Starts a PATCH.
    pub fn patch(&self) -> Request {
        self.request(Method::PATCH)
    }

    /// Starts a DELETE.
    pub fn delete(&self) -> Request {
        self.request(Method::DELETE)
    }

    /// Sends `request` and returns the body of a successful answer.
    pub(crate) async fn execute_for_body(self, request: Request) -> Result<(RequestTarget, Bytes)> {
        let target = request.target();
        let (target, response) = self.execute(request, false, target).await?;
        let status = response.status();
        let body = response.bytes().await.map_err(|e| transport(&target, e))?;
        if status.is_success() {
            Ok((target, body))
        } else {
            Err(error_from_answer(target, status, &body))
        }
    }

    /// Sends a watch request and returns the streaming answer once it is a success.
    pub(crate) async fn execute_watch(
        self,
        request: Request,
    ) -> Result<(RequestTarget, reqwest::Response)> {
        let target = request.target();
        let (target, response) = self.execute(request, true, target).await?;
        let status = response.status();
        if status.is_success() {
            return Ok((target, response));
        }
        let body = response.bytes().await.map_err(|e| transport(&target, e))?;
        Err(error_from_answer(target, status, &body))
    }

    /// The request pipeline: rate limit, credentials, send, retry.
    async fn execute(
        &self,
        mut request: Request,
        is_watch: bool,
        target: RequestTarget,
    ) -> Result<(RequestTarget, reqwest::Response)> {
        if let Some(error) = request.take_error() {
            return Err(error);
        }
        let url = request.url()?;
        let span = tracing::debug_span!(
            "request",
            verb = %target.verb,
            path = %target.path,
            status = tracing::field::Empty,
            retries = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        let started = Instant::now();
        let result = self
            .send_with_retries(&mut request, url, is_watch, &target)
            .instrument(span.clone())
            .await;
        span.record("latency_ms", started.elapsed().as_millis() as u64);
        match &result {
            Ok((response, retries)) => {
                span.record("status", response.status().as_u16());
                span.record("retries", *retries);
            }
            Err(_) => {
                span.record("status", 0u16);
            }
        }
        result.map(|(response, _)| (target, response))
    }

    async fn send_with_retries(
        &self,
        request: &mut Request,
        url: reqwest::Url,
        is_watch: bool,
        target: &RequestTarget,
    ) -> Result<(reqwest::Response, u32)> {
        let inner = &self.inner;
        let mut retries = 0u32;
        let mut reauthenticated = false;
        // A request's timeout bounds the whole call, retries and their waits
        // included, as client-go's does.
        let deadline = request.timeout.map(|t| tokio::time::Instant::now() + t);
        let timed_out = || Error::Timeout {
            target: target.clone(),
            after: request.timeout.unwrap_or_default(),
        };
        // Whether a retry after `delay` still fits before the deadline.
        let fits =
            |delay: Duration| deadline.is_none_or(|d| tokio::time::Instant::now() + delay < d);
        if !request.headers.contains_key(ACCEPT) {
            request
                .headers
                .insert(ACCEPT, HeaderValue::from_static("application/json"));
        }
        loop {
            if !is_watch {
                inner.limiter.acquire().await;
            }
            let mut builder = inner
                .http
                .request(request.method.clone(), url.clone())
                .headers(request.headers.clone());
            if let Some(auth) = inner.auth.authorization().await? {
                builder = builder.header(AUTHORIZATION, auth);
            }
            if let Some(body) = &request.body {
                // `Bytes` clones share the buffer: the body can be sent again.
                builder = builder.body(body.clone());
            }
            if let Some(deadline) = deadline {
                let now = tokio::time::Instant::now();
                if now >= deadline {
                    return Err(timed_out());
                }
                builder = builder.timeout(deadline - now);
            }
            match builder.send().await {
                Err(error) => {
                    if error.is_timeout() {
                        return Err(timed_out());
                    }
                    let kind = classify_transport(&error);
                    let decision = RetryDecision::for_transport(
                        &request.method,
                        kind,
                        retries,
                        inner.max_retries,
                        inner.reset_retry_delay,
                    );
                    match decision {
                        RetryDecision::After(delay) if fits(delay) => {
                            retries += 1;
                            tracing::debug!(retries, ?delay, "retrying after a connection reset");
                            tokio::time::sleep(delay).await;
                        }
                        RetryDecision::After(_) | RetryDecision::Stop => {
                            return Err(transport(target, error));
                        }
                    }
                }
                Ok(response) => {
                    self.report_warnings(response.headers());
                    let status = response.status();
                    if status == StatusCode::UNAUTHORIZED
                        && !reauthenticated
                        && inner.auth.can_refresh()
                    {
                        // Credentials may have rotated: re-read them once.
                        reauthenticated = true;
                        inner.auth.invalidate();
                        drain(response).await;
                        continue;
                    }
                    let wait = retry_after(status, response.headers());
                    match (wait, retries < inner.max_retries) {
                        (Some(delay), true) if fits(delay) => {
                            retries += 1;
                            tracing::debug!(
                                retries,
                                ?delay,
                                status = status.as_u16(),
                                "retrying after Retry-After"
                            );
                            drain(response).await;
                            tokio::time::sleep(delay).await;
                        }
                        _ => return Ok((response, retries)),
                    }
                }
            }
        }
    }

    fn report_warnings(&self, headers: &HeaderMap) {
        for value in headers.get_all("warning") {
            if let Ok(text) = value.to_str() {
                (self.inner.warning_handler)(&warning_text(text));
            }
        }
    }
}

/// Reads and drops a small answer so its connection can be reused.
async fn drain(response: reqwest::Response) {
    let _ = tokio::time::timeout(Duration::from_secs(1), response.bytes()).await;
}

/// The text of a `Warning: 299 - "text"` header (RFC 7234, quoted-string
/// unescaped), or the whole value when it is not in that form.
pub(crate) fn warning_text(value: &str) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    let mut parts = value.splitn(3, ' ');
    let (Some(code), Some(_agent), Some(rest)) = (parts.next(), parts.next(), parts.next()) else {
        return Cow::Borrowed(value);
    };
    if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Cow::Borrowed(value);
    }
    let Some(quoted) = rest.trim().strip_prefix('"') else {
        return Cow::Borrowed(rest.trim());
    };
    let mut text = String::with_capacity(quoted.len());
    let mut chars = quoted.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => text.extend(chars.next()),
            '"' => break,
            c => text.push(c),
        }
    }
    Cow::Owned(text)
}

fn transport(target: &RequestTarget, error: reqwest::Error) -> Error {
    Error::Transport {
        target: target.clone(),
        kind: classify_transport(&error),
        source: error.without_url(),
    }
}

/// Turns an error answer into [`Error::Api`] (a `Status` body) or [`Error::Http`].
pub(crate) fn error_from_answer(target: RequestTarget, code: StatusCode, body: &[u8]) -> Error {
    match Status::from_bytes(body) {
        Some(mut status) => {
            if status.code == 0 {
                status.code = code.as_u16();
            }
            Error::Api {
                target,
                status: Box::new(status),
            }
        }
        None => {
            let text = String::from_utf8_lossy(&body[..body.len().min(512)]);
            Error::Http {
                target,
                code: code.as_u16(),
                body: text.trim().to_owned(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warning_header_text() {
        assert_eq!(
            warning_text(r#"299 - "unknown field \"spec.x\"""#),
            r#"unknown field "spec.x""#
        );
        assert_eq!(warning_text(r#"299 - "deprecated API""#), "deprecated API");
        assert_eq!(warning_text("free text"), "free text");
    }

    #[test]
    fn user_agent_names_go_arch() {
        let ua = default_user_agent();
        assert!(ua.starts_with("client-core/"));
        assert!(!ua.contains("x86_64"));
    }
}
