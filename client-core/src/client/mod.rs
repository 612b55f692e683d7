//! [`RestClient`]: one HTTP client shared by every typed client. It executes
//! [`Request`]s: rate limit, credentials, retries, transport, decoding.
//!
//! Building a request needs no client ([`Request`]); the client only
//! executes what a request renders, once per call.

mod body;
mod builder;
mod connections;
pub(crate) mod flowcontrol;
mod request_builder;
mod retry;

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::AUTHORIZATION;
use http::{HeaderMap, Method, StatusCode};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use self::body::{ERROR_BODY_LIMIT, OnOverflow, read_bounded, read_list};
pub use self::builder::RestClientBuilder;
use self::connections::WatchConnections;
pub(crate) use self::connections::WatchSlot;
use self::flowcontrol::RateLimiter;
pub use self::request_builder::RequestBuilder;
use self::retry::{RetryDecision, classify_transport, retry_after};
use crate::auth::Authenticator;
use crate::config::Config;
use crate::error::{Error, RequestTarget, Result};
use crate::request::{BaseUrl, Parts, Request};
use crate::watch::WatchStream;
use crate::{List, Status};

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
    /// Calls: never shares a connection with a watch.
    http: reqwest::Client,
    /// Watches, spread over connections so their streams never run out.
    watch_http: WatchConnections,
    /// [`Config::max_response_bytes`].
    max_response_bytes: usize,
    base_url: BaseUrl,
    /// `Impersonate-*` headers, several values of one name allowed; empty
    /// without impersonation.
    impersonation: HeaderMap,
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
            .field("base_url", &self.inner.base_url.as_str())
            .field("rate_limited", &self.inner.limiter.is_enabled())
            .field("max_retries", &self.inner.max_retries)
            .finish_non_exhaustive()
    }
}

/// Whether a call is a watch: watches skip the rate limiter and the default timeout.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Call,
    Watch,
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
        self.inner.base_url.as_str()
    }

    /// The namespace of the config's context (`default` unless set).
    pub fn default_namespace(&self) -> &str {
        &self.inner.default_namespace
    }

    /// The timeout a request without its own gets (the config's `timeout`).
    pub(crate) fn default_timeout(&self) -> Option<Duration> {
        self.inner.default_timeout
    }

    /// The full URL of `request` on this client's server, with the default timeout.
    pub(crate) fn url_of(&self, request: &Request) -> Result<reqwest::Url> {
        request.url_on(&self.inner.base_url, self.inner.default_timeout)
    }

    /// Starts a request with any verb, bound to this client.
    pub fn request(&self, method: Method) -> RequestBuilder {
        RequestBuilder::new(self.clone(), Request::new(method))
    }

    /// Starts a GET.
    pub fn get(&self) -> RequestBuilder {
        self.request(Method::GET)
    }

    /// Starts a POST.
    pub fn post(&self) -> RequestBuilder {
        self.request(Method::POST)
    }

    /// Starts a PUT.
    pub fn put(&self) -> RequestBuilder {
        self.request(Method::PUT)
    }

    /// Starts a PATCH.
    pub fn patch(&self) -> RequestBuilder {
        self.request(Method::PATCH)
    }

    /// Starts a DELETE.
    pub fn delete(&self) -> RequestBuilder {
        self.request(Method::DELETE)
    }

    /// Sends `request` and decodes a successful answer as JSON into `T`.
    ///
    /// The future owns a clone of the client: it is `Send + 'static`.
    ///
    /// # Errors
    /// A mistake kept by the request ([`Error::InvalidRequest`],
    /// [`Error::Encode`]) before any I/O; [`Error::Api`] with the server's
    /// `Status` for an error answer, [`Error::Http`] for a non-`Status` error
    /// body, transport, timeout and decode errors, each with the verb and path.
    pub fn send<T: DeserializeOwned + 'static>(
        &self,
        request: Request,
    ) -> impl Future<Output = Result<T>> + Send + 'static {
        let client = self.clone();
        async move {
            let (target, body) = client.fetch_body(request).await?;
            decode(&target, &body)
        }
    }

    /// Sends `request` and returns the raw body of a successful answer.
    ///
    /// # Errors
    /// As [`RestClient::send`], without decode errors.
    pub fn bytes(&self, request: Request) -> impl Future<Output = Result<Bytes>> + Send + 'static {
        let client = self.clone();
        async move { client.fetch_body(request).await.map(|(_, body)| body) }
    }

    /// Adds `watch=true` to `request` and opens a stream of watch events.
    ///
    /// Watches are exempt from client-side rate limiting, and the config's
    /// default timeout does not apply to them (a request's own
    /// [`Request::timeout`] does). Opening a watch is retried like any GET
    /// (429/5xx with `Retry-After`, connection resets); the stream is not.
    /// An error answer (such as 410 Gone) is returned here; errors inside the
    /// stream (an `ERROR` event) arrive as events.
    ///
    /// # Errors
    /// As [`RestClient::send`], for the answer that opens the stream.
    pub fn watch<T: DeserializeOwned + 'static>(
        &self,
        request: Request,
    ) -> impl Future<Output = Result<WatchStream<T>>> + Send + 'static {
        let client = self.clone();
        async move {
            let request = request.param("watch", "true");
            let answer = client.execute(request, Mode::Watch).await?;
            let status = answer.response.status();
            if status.is_success() {
                return Ok(WatchStream::new(
                    answer.target,
                    answer.response,
                    answer.slot,
                ));
            }
            let (target, body) = answer.error_body().await;
            Err(error_from_answer(target, status, &body?))
        }
    }

    /// Sends `request` and returns the successful answer with its body unread,
    /// for bodies that stream (a followed pod log). Like a watch: no default
    /// timeout, no client-side rate limit, and it holds a watch slot of the
    /// connection pool (returned with the response) for as long as it is read.
    #[cfg(feature = "k8s-openapi")]
    pub(crate) async fn open_stream(
        self,
        request: Request,
    ) -> Result<(RequestTarget, reqwest::Response, Option<WatchSlot>)> {
        let answer = self.execute(request, Mode::Watch).await?;
        let status = answer.response.status();
        if status.is_success() {
            return Ok((answer.target, answer.response, answer.slot));
        }
        let (target, body) = answer.error_body().await;
        Err(error_from_answer(target, status, &body?))
    }

    /// Sends `request` and returns the body of a successful answer, read
    /// within [`Config::max_response_bytes`].
    pub(crate) async fn fetch_body(self, request: Request) -> Result<(RequestTarget, Bytes)> {
        let answer = self.successful(request).await?;
        let body = read_bounded(
            &answer.target,
            answer.response,
            self.inner.max_response_bytes,
            OnOverflow::Fail,
            answer.timeout,
        )
        .await?;
        Ok((answer.target, body))
    }

    /// Sends a list `request` and decodes the items of a successful answer
    /// as its body arrives ([`read_list`]): the whole body is never held,
    /// and [`Config::max_response_bytes`] bounds what is read.
    pub(crate) fn send_list<K: DeserializeOwned + Send + 'static>(
        &self,
        request: Request,
    ) -> impl Future<Output = Result<List<K>>> + Send + 'static {
        let client = self.clone();
        async move {
            let answer = client.successful(request).await?;
            let limit = client.inner.max_response_bytes;
            read_list(&answer.target, answer.response, limit, answer.timeout).await
        }
    }

    /// Executes a call; an error answer becomes its error, read within [`ERROR_BODY_LIMIT`].
    async fn successful(&self, request: Request) -> Result<Answer> {
        let answer = self.execute(request, Mode::Call).await?;
        let status = answer.response.status();
        if !status.is_success() {
            let (target, body) = answer.error_body().await;
            return Err(error_from_answer(target, status, &body?));
        }
        Ok(answer)
    }

    /// The request pipeline: render once, then rate limit, credentials, send, retry.
    async fn execute(&self, request: Request, mode: Mode) -> Result<Answer> {
        let default_timeout = match mode {
            Mode::Call => self.inner.default_timeout,
            Mode::Watch => None,
        };
        let rendered = request.render(default_timeout)?;
        let url = self.inner.base_url.join(&rendered.path, &rendered.query)?;
        let (target, parts) = rendered.into_target();
        let (http, slot) = match mode {
            Mode::Call => (self.inner.http.clone(), None),
            Mode::Watch => {
                let (http, slot) = self
                    .inner
                    .watch_http
                    .checkout()
                    .map_err(|e| transport(&target, e))?;
                (http, Some(slot))
            }
        };
        let span = tracing::debug_span!(
            "request",
            verb = %target.verb,
            path = %target.path,
            status = tracing::field::Empty,
            retries = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        let result = if span.is_disabled() {
            // No subscriber wants the span: neither the clock nor the fields.
            self.send_with_retries(&http, &parts, url, mode, &target)
                .await
        } else {
            let started = Instant::now();
            let result = self
                .send_with_retries(&http, &parts, url, mode, &target)
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
            result
        };
        result.map(|(response, _)| Answer {
            target,
            response,
            timeout: parts.timeout,
            slot,
        })
    }

    async fn send_with_retries(
        &self,
        http: &reqwest::Client,
        request: &Parts,
        url: reqwest::Url,
        mode: Mode,
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
        loop {
            if mode == Mode::Call {
                inner.limiter.acquire().await;
            }
            let mut attempt = reqwest::Request::new(request.method.clone(), url.clone());
            // Usually empty (a body's `Content-Type` at most): `Accept` and
            // impersonation are the reqwest client's default headers.
            *attempt.headers_mut() = request.headers.clone();
            add_impersonation(
                attempt.headers_mut(),
                &request.headers,
                &inner.impersonation,
            );
            if let Some(auth) = inner.auth.authorization().await? {
                attempt.headers_mut().insert(AUTHORIZATION, auth);
            }
            if let Some(body) = &request.body {
                // `Bytes` clones share the buffer: the body can be sent again.
                *attempt.body_mut() = Some(body.clone().into());
            }
            if let Some(deadline) = deadline {
                let now = tokio::time::Instant::now();
                if now >= deadline {
                    return Err(timed_out());
                }
                *attempt.timeout_mut() = Some(deadline - now);
            }
            match http.execute(attempt).await {
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

/// Appends every impersonation header (each value of a repeated one, as
/// client-go's `ImpersonatingRoundTripper` adds them) whose name the
/// request does not set itself.
fn add_impersonation(headers: &mut HeaderMap, own: &HeaderMap, impersonation: &HeaderMap) {
    for name in impersonation.keys() {
        if own.contains_key(name) {
            continue;
        }
        for value in impersonation.get_all(name) {
            headers.append(name.clone(), value.clone());
        }
    }
}

/// Decodes a successful answer's body as JSON into `T`.
///
/// The body is checked as UTF-8 once, then parsed as text: `from_slice`
/// would check every string as it goes, which costs more.
pub(crate) fn decode<T: DeserializeOwned>(target: &RequestTarget, body: &[u8]) -> Result<T> {
    let decode_error = |source| Error::Decode {
        target: target.clone(),
        what: std::any::type_name::<T>(),
        source,
    };
    crate::decode::from_bytes(body).map_err(decode_error)
}

/// Reads and drops a small answer so its connection can be reused (at
/// most [`ERROR_BODY_LIMIT`] of it, for at most a second).
async fn drain(response: reqwest::Response) {
    let target = RequestTarget {
        verb: Method::GET,
        path: String::new(),
    };
    let read = read_bounded(
        &target,
        response,
        ERROR_BODY_LIMIT,
        OnOverflow::Truncate,
        None,
    );
    let _ = tokio::time::timeout(Duration::from_secs(1), read).await;
}

/// A response whose head has arrived.
struct Answer {
    target: RequestTarget,
    response: reqwest::Response,
    /// The request's timeout, for a body read that runs into it.
    timeout: Option<Duration>,
    /// The watch's place on a pooled connection (watches only).
    slot: Option<WatchSlot>,
}

impl Answer {
    /// The start of an error answer's body (at most [`ERROR_BODY_LIMIT`]
    /// bytes, the rest dropped unread) and the request it answers.
    async fn error_body(self) -> (RequestTarget, Result<Bytes>) {
        let body = read_bounded(
            &self.target,
            self.response,
            ERROR_BODY_LIMIT,
            OnOverflow::Truncate,
            self.timeout,
        )
        .await;
        (self.target, body)
    }
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

pub(crate) fn transport(target: &RequestTarget, error: reqwest::Error) -> Error {
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
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn target() -> RequestTarget {
        RequestTarget {
            verb: Method::GET,
            path: "/api/v1/namespaces/a/configmaps/b".to_owned(),
        }
    }

    #[test]
    fn decode_reads_text_and_reports_bad_bytes() {
        let value: serde_json::Value = decode(&target(), b"{\"a\":\"\\u00e9\xc3\xa9\"}").unwrap();
        assert_eq!(value["a"], "\u{e9}\u{e9}");
        for bad in [&b"{\"a\":\"\xff\"}"[..], b"{\"a\":", b"[1] x"] {
            let err = decode::<serde_json::Value>(&target(), bad).unwrap_err();
            assert!(
                matches!(&err, Error::Decode { target, what, .. }
                    if target.path.ends_with("/b") && what.contains("Value")),
                "{err}"
            );
        }
    }

    #[test]
    fn warning_header_text() {
        assert_eq!(
            warning_text(r#"299 - "unknown field \"spec.x\"""#),
            r#"unknown field "spec.x""#
        );
        assert_eq!(warning_text(r#"299 - "deprecated API""#), "deprecated API");
        assert_eq!(warning_text("free text"), "free text");
    }
}
