//! [`Request`]: a builder in the image of client-go's `rest.Request`.
//!
//! It knows Kubernetes' URL grammar (`/api/v1` for the core group,
//! `/apis/{group}/{version}` otherwise, then `namespaces/{ns}`, the resource,
//! the name and the subresource), validates every path segment before any I/O,
//! and encodes the query as client-go does (keys sorted, Go's escaping).

use std::borrow::Cow;
use std::fmt::Write as _;
use std::time::Duration;

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use http::{HeaderMap, Method};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::RestClient;
use crate::api::QueryParams;
use crate::api::options::query_escape_into;
use crate::error::{Error, RequestError, RequestTarget, Result};
use crate::watch::WatchStream;

/// One API request under construction.
///
/// Build it from a [`RestClient`] (`client.get()`, `client.post()`, ...), then
/// finish it with [`Request::send`] (decode into a type), [`Request::bytes`]
/// (raw body) or [`Request::watch`] (a stream of watch events). A mistake in
/// a builder step (an invalid name, say) is kept and returned by the final
/// step, so the chain stays readable.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use client_core::{Config, RestClient};
/// let client = RestClient::new(Config::new("https://127.0.0.1:6443/prefix".parse()?))?;
/// let request = client
///     .get()
///     .group_version("stable.example.com", "v1")
///     .namespace("default")
///     .resource("crontabs")
///     .name("nightly")
///     .param("resourceVersion", "42");
/// assert_eq!(
///     request.url()?.as_str(),
///     "https://127.0.0.1:6443/prefix/apis/stable.example.com/v1/namespaces/default/crontabs/nightly?resourceVersion=42"
/// );
/// assert!(client.get().resource("pods").name("../secrets").url().is_err());
/// # Ok(()) }
/// ```
#[must_use = "a request does nothing until it is sent"]
pub struct Request {
    pub(crate) client: RestClient,
    pub(crate) method: Method,
    group: Cow<'static, str>,
    version: Cow<'static, str>,
    namespace: Option<String>,
    resource: Option<Cow<'static, str>>,
    name: Option<String>,
    subresource: Option<Cow<'static, str>>,
    abs_path: Option<String>,
    params: Vec<(Cow<'static, str>, String)>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<Bytes>,
    pub(crate) timeout: Option<Duration>,
    /// `timeout` came from the config's default, not from [`Request::timeout`]:
    /// it does not apply to a watch, whose stream lives as long as the server keeps it.
    pub(crate) timeout_is_default: bool,
    error: Option<Error>,
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &self.path().ok())
            .field("params", &self.params.len())
            .finish_non_exhaustive()
    }
}

/// What a path segment may not hold literally (the URL standard's path
/// set plus `%` and `/`, which `check_segment` refuses anyway): a `?` or `#`
/// in a name must never start the query or a fragment.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'%')
    .add(b'/');

/// Appends `/` and the percent-encoded segment.
fn push_segment(path: &mut String, segment: &str) {
    path.push('/');
    path.extend(utf8_percent_encode(segment, SEGMENT));
}

/// Which segment a value is for, in error messages.
fn check_segment(segment: &'static str, value: &str) -> Result<(), RequestError> {
    let reason = if value.is_empty() {
        "it is empty"
    } else if value == "." || value == ".." {
        "it may not be '.' or '..'"
    } else if value.contains('/') {
        "it may not contain '/'"
    } else if value.contains('%') {
        "it may not contain '%'"
    } else {
        return Ok(());
    };
    Err(RequestError::InvalidSegment {
        segment,
        value: value.to_owned(),
        reason,
    })
}

impl Request {
    pub(crate) fn new(client: RestClient, method: Method) -> Self {
        Self {
            client,
            method,
            group: Cow::Borrowed(""),
            version: Cow::Borrowed("v1"),
            namespace: None,
            resource: None,
            name: None,
            subresource: None,
            abs_path: None,
            params: Vec::new(),
            headers: HeaderMap::new(),
            body: None,
            timeout: None,
            timeout_is_default: false,
            error: None,
        }
    }

    pub(crate) fn fail(mut self, error: impl Into<Error>) -> Self {
        if self.error.is_none() {
            self.error = Some(error.into());
        }
        self
    }

    /// The API group and version; `""` is the core group (`/api/v1`). Default: core `v1`.
    pub fn group_version(
        mut self,
        group: impl Into<Cow<'static, str>>,
        version: impl Into<Cow<'static, str>>,
    ) -> Self {
        self.group = group.into();
        self.version = version.into();
        if let Err(e) = check_segment("version", &self.version) {
            return self.fail(e);
        }
        if !self.group.is_empty()
            && let Err(e) = check_segment("group", &self.group)
        {
            return self.fail(e);
        }
        self
    }

    /// The namespace; `""` means all namespaces (no `namespaces/{ns}` segment).
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        let namespace = namespace.into();
        if namespace.is_empty() {
            self.namespace = None;
            return self;
        }
        if let Err(e) = check_segment("namespace", &namespace) {
            return self.fail(e);
        }
        self.namespace = Some(namespace);
        self
    }

    /// The resource, as its lowercase plural (`configmaps`).
    pub fn resource(mut self, resource: impl Into<Cow<'static, str>>) -> Self {
        let resource = resource.into();
        if let Err(e) = check_segment("resource", &resource) {
            return self.fail(e);
        }
        self.resource = Some(resource);
        self
    }

    /// The object's name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        let name = name.into();
        if let Err(e) = check_segment("name", &name) {
            return self.fail(e);
        }
        self.name = Some(name);
        self
    }

    /// A subresource (`status`, `scale`).
    pub fn subresource(mut self, subresource: impl Into<Cow<'static, str>>) -> Self {
        let subresource = subresource.into();
        if let Err(e) = check_segment("subresource", &subresource) {
            return self.fail(e);
        }
        self.subresource = Some(subresource);
        self
    }

    /// An absolute path outside the resource grammar (`/version`, `/apis`);
    /// it replaces group, version, namespace, resource and name.
    pub fn abs_path(mut self, path: impl Into<String>) -> Self {
        let path = path.into();
        if !path.starts_with('/') || path.split('/').any(|s| s == "." || s == "..") {
            return self.fail(RequestError::InvalidSegment {
                segment: "path",
                value: path,
                reason: "it must start with '/' and hold no '.' or '..' segment",
            });
        }
        self.abs_path = Some(path);
        self
    }

    /// Adds a query parameter; the same key may be given several times.
    pub fn param(mut self, key: impl Into<Cow<'static, str>>, value: impl Into<String>) -> Self {
        self.params.push((key.into(), value.into()));
        self
    }

    /// Adds the query parameters of an options value (`ListOptions`, `CreateOptions`, ...).
    pub fn options(mut self, options: &impl QueryParams) -> Self {
        let mut out = Vec::new();
        options.append_query(&mut out);
        self.params
            .extend(out.into_iter().map(|(k, v)| (Cow::Borrowed(k), v)));
        self
    }

    /// Sets a header (replacing an earlier value of the same name).
    pub fn header(
        mut self,
        name: impl TryInto<HeaderName>,
        value: impl TryInto<HeaderValue>,
    ) -> Self {
        match (name.try_into(), value.try_into()) {
            (Ok(name), Ok(value)) => {
                self.headers.insert(name, value);
                self
            }
            (Ok(name), Err(_)) => self.fail(RequestError::InvalidHeader(name.to_string())),
            (Err(_), _) => self.fail(RequestError::InvalidHeader("(name)".to_owned())),
        }
    }

    /// Serializes `body` as JSON and sends it with `Content-Type: application/json`.
    pub fn json_body<T: Serialize + ?Sized>(self, body: &T) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body(bytes, HeaderValue::from_static("application/json")),
            Err(e) => self.fail(Error::Encode(e)),
        }
    }

    /// Sends raw bytes with the given content type.
    pub fn body(mut self, bytes: impl Into<Bytes>, content_type: HeaderValue) -> Self {
        self.body = Some(bytes.into());
        self.headers.insert(CONTENT_TYPE, content_type);
        self
    }

    /// A timeout for this request, also sent to the server as `?timeout=` (Go duration syntax).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self.timeout_is_default = false;
        self
    }

    /// The URL path this request goes to (without the server's own prefix).
    ///
    /// # Errors
    /// The first builder mistake ([`RequestError`]), or a missing resource.
    pub fn path(&self) -> Result<String, RequestError> {
        if let Some(Error::InvalidRequest(e)) = &self.error {
            return Err(e.clone());
        }
        if let Some(path) = &self.abs_path {
            return Ok(path.clone());
        }
        let mut path = String::with_capacity(96);
        if self.group.is_empty() {
            path.push_str("/api");
        } else {
            path.push_str("/apis");
            push_segment(&mut path, &self.group);
        }
        push_segment(&mut path, &self.version);
        let Some(resource) = &self.resource else {
            // A group-version discovery document (`/apis/g/v`).
            if self.name.is_some() || self.namespace.is_some() {
                return Err(RequestError::MissingResource);
            }
            return Ok(path);
        };
        if let Some(ns) = &self.namespace {
            path.push_str("/namespaces");
            push_segment(&mut path, ns);
        }
        push_segment(&mut path, resource);
        if let Some(name) = &self.name {
            push_segment(&mut path, name);
        }
        if let Some(sub) = &self.subresource {
            if self.name.is_none() {
                return Err(RequestError::MissingName("a subresource request"));
            }
            push_segment(&mut path, sub);
        }
        Ok(path)
    }

    /// The query string, encoded as client-go's `url.Values.Encode` does:
    /// keys sorted (values of one key keep their order), Go's query escaping.
    pub fn query(&self) -> String {
        let mut params: Vec<(&str, &str)> = self
            .params
            .iter()
            .map(|(k, v)| (k.as_ref(), v.as_str()))
            .collect();
        let timeout = self.timeout.map(go_duration);
        if let Some(t) = &timeout
            && !params.iter().any(|(k, _)| *k == "timeout")
        {
            params.push(("timeout", t));
        }
        params.sort_by(|a, b| a.0.cmp(b.0));
        let mut out = String::new();
        for (k, v) in params {
            if !out.is_empty() {
                out.push('&');
            }
            query_escape_into(k, &mut out);
            out.push('=');
            query_escape_into(v, &mut out);
        }
        out
    }

    /// The full URL: the server's URL (with its path prefix), the path and the query.
    ///
    /// # Errors
    /// A mistake in the path (an invalid segment, a missing resource), or a
    /// server URL that cannot take a path.
    pub fn url(&self) -> Result<reqwest::Url> {
        // A body that failed to encode does not make the URL wrong: `path()`
        // reports the builder mistakes that do, and `send()` reports the rest.
        let path = self.path()?;
        let base = self.client.base_url();
        let query = self.query();
        let mut url = String::with_capacity(base.len() + path.len() + query.len() + 1);
        url.push_str(base);
        url.push_str(&path);
        if !query.is_empty() {
            url.push('?');
            url.push_str(&query);
        }
        reqwest::Url::parse(&url).map_err(|_| RequestError::InvalidBaseUrl(base.to_owned()).into())
    }

    /// The verb and path, for errors and traces.
    pub(crate) fn target(&self) -> RequestTarget {
        RequestTarget {
            verb: self.method.clone(),
            path: self.path().unwrap_or_else(|_| "(invalid path)".to_owned()),
        }
    }

    pub(crate) fn take_error(&mut self) -> Option<Error> {
        self.error.take()
    }

    /// Sends the request and decodes a successful answer as JSON into `T`.
    ///
    /// # Errors
    /// [`Error::Api`] with the server's `Status` for an error answer,
    /// [`Error::Http`] for a non-`Status` error body, transport, timeout and
    /// decode errors, each with the verb and path.
    pub async fn send<T: DeserializeOwned>(self) -> Result<T> {
        let (target, body) = self.client.clone().execute_for_body(self).await?;
        serde_json::from_slice(&body).map_err(|source| Error::Decode {
            target,
            what: std::any::type_name::<T>(),
            source,
        })
    }

    /// Sends the request and returns the raw body of a successful answer.
    ///
    /// # Errors
    /// As [`Request::send`], without decode errors.
    pub async fn bytes(self) -> Result<Bytes> {
        let (_, body) = self.client.clone().execute_for_body(self).await?;
        Ok(body)
    }

    /// Adds `watch=true` and opens a stream of watch events.
    ///
    /// Watches are exempt from client-side rate limiting, and the config's
    /// default timeout does not apply to them (an explicit
    /// [`Request::timeout`] does). Opening a watch is retried like any GET
    /// (429/5xx with `Retry-After`, connection resets); the stream is not.
    /// An error answer (such as 410 Gone) is returned here; errors inside the
    /// stream (an `ERROR` event) arrive as events.
    ///
    /// # Errors
    /// As [`Request::send`], for the answer that opens the stream.
    pub async fn watch<T: DeserializeOwned>(self) -> Result<WatchStream<T>> {
        let mut request = self.param("watch", "true");
        if request.timeout_is_default {
            request.timeout = None;
        }
        let client = request.client.clone();
        let (target, response) = client.execute_watch(request).await?;
        Ok(WatchStream::new(target, response))
    }
}

/// Formats a duration as Go's `time.Duration.String` does (`30s`, `1m30s`, `1.5s`, `500ms`).
pub(crate) fn go_duration(d: Duration) -> String {
    let nanos = d.as_nanos();
    if nanos == 0 {
        return "0s".to_owned();
    }
    let mut out = String::new();
    if nanos < 1_000_000_000 {
        // Below one second Go picks the largest unit that keeps an integer part.
        let (unit, div) = if nanos < 1_000 {
            ("ns", 1)
        } else if nanos < 1_000_000 {
            ("µs", 1_000)
        } else {
            ("ms", 1_000_000)
        };
        write_fraction(&mut out, nanos, div);
        out.push_str(unit);
        return out;
    }
    let total_secs = nanos / 1_000_000_000;
    let hours = total_secs / 3600;
    let minutes = (total_secs % 3600) / 60;
    let sub_minute_nanos = nanos % 60_000_000_000;
    if hours > 0 {
        let _ = write!(out, "{hours}h");
    }
    if hours > 0 || minutes > 0 {
        let _ = write!(out, "{minutes}m");
    }
    write_fraction(&mut out, sub_minute_nanos, 1_000_000_000);
    out.push('s');
    out
}

/// Writes `value / div` with trailing zeros of the fraction trimmed.
fn write_fraction(out: &mut String, value: u128, div: u128) {
    let _ = write!(out, "{}", value / div);
    let frac = value % div;
    if frac != 0 {
        let width = div.ilog10() as usize;
        let digits = format!("{frac:0width$}");
        out.push('.');
        out.push_str(digits.trim_end_matches('0'));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        let cases = [
            (Duration::from_secs(30), "30s"),
            (Duration::from_secs(90), "1m30s"),
            (Duration::from_secs(3600), "1h0m0s"),
            (Duration::from_secs(3661), "1h1m1s"),
            (Duration::from_millis(1500), "1.5s"),
            (Duration::from_millis(500), "500ms"),
            (Duration::from_micros(1500), "1.5ms"),
            (Duration::from_nanos(7), "7ns"),
            (Duration::ZERO, "0s"),
            (Duration::from_secs(60), "1m0s"),
        ];
        for (d, want) in cases {
            assert_eq!(go_duration(d), want, "{d:?}");
        }
    }

    #[test]
    fn segments() {
        assert!(check_segment("name", "ok-name.1").is_ok());
        for bad in ["", ".", "..", "a/b", "a%2F"] {
            assert!(check_segment("name", bad).is_err(), "{bad:?}");
        }
    }
}
