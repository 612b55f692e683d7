//! [`Request`]: one API call as a plain value, built and rendered without a
//! client or any I/O.
//!
//! A request is its method, where it goes (Kubernetes' URL grammar, in
//! [`path`]), its query parameters (encoded by the one encoder, which the
//! option types share),
//! headers, body and timeout. [`Request::render`] turns it into what goes on
//! the wire exactly once; the [`RestClient`](crate::RestClient) only executes
//! the result (rate limit, credentials, retries, transport, decoding). This is
//! the sans-IO split of kube-core's `Request` and reqwest's `build_split`.

pub(crate) mod path;
mod resource;

use std::borrow::Cow;
use std::time::Duration;

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use http::{HeaderMap, Method};
use serde::Serialize;

use self::path::{PathParts, check_abs_path, check_segment};
pub(crate) use self::resource::{ResourceRequests, json_body};
use crate::QueryParams;
use crate::error::{Error, RequestError, RequestTarget, Result};
use crate::meta::query::{encode_sorted, go_duration};

/// One API request as a plain value: method, path, query, headers, body and timeout.
///
/// It needs no client: build it, look at its [`path`](Request::path),
/// [`query`](Request::query) or [`url`](Request::url), then hand it to
/// [`RestClient::send`](crate::RestClient::send) (or start from
/// [`RestClient::get`](crate::RestClient::get) and friends, which bind it to
/// a client). A mistake in a builder step (an invalid name, say) is kept and
/// returned when the request is rendered, so the chain stays readable.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use client_core::Request;
/// use http::Method;
///
/// let request = Request::new(Method::GET)
///     .group_version("stable.example.com", "v1")
///     .namespace("default")
///     .resource("crontabs")
///     .name("nightly")
///     .param("resourceVersion", "42");
/// assert_eq!(
///     request.path()?,
///     "/apis/stable.example.com/v1/namespaces/default/crontabs/nightly"
/// );
/// assert_eq!(request.query(), "resourceVersion=42");
/// let base = "https://127.0.0.1:6443/prefix".parse()?;
/// assert_eq!(
///     request.url(&base)?.as_str(),
///     "https://127.0.0.1:6443/prefix/apis/stable.example.com/v1/namespaces/default/crontabs/nightly?resourceVersion=42"
/// );
/// assert!(Request::new(Method::GET).resource("pods").name("../secrets").path().is_err());
/// # Ok(()) }
/// ```
#[must_use = "a request does nothing until it is sent"]
pub struct Request {
    method: Method,
    path: PathParts,
    params: Vec<(Cow<'static, str>, String)>,
    headers: HeaderMap,
    body: Option<Bytes>,
    /// Set by [`Request::timeout`]; `None` takes the client's default (not for a watch).
    timeout: Option<Duration>,
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

impl Request {
    /// A request with `method` to the core group's `v1` and nothing else set yet.
    pub fn new(method: Method) -> Self {
        Self {
            method,
            path: PathParts::default(),
            params: Vec::new(),
            headers: HeaderMap::new(),
            body: None,
            timeout: None,
            error: None,
        }
    }

    /// Keeps the first mistake; rendering returns it.
    pub(crate) fn fail(mut self, error: impl Into<Error>) -> Self {
        if self.error.is_none() {
            self.error = Some(error.into());
        }
        self
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The headers set so far (the client adds `Accept`, credentials and its defaults).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The API group and version; `""` is the core group (`/api/v1`). Default: core `v1`.
    pub fn group_version(
        mut self,
        group: impl Into<Cow<'static, str>>,
        version: impl Into<Cow<'static, str>>,
    ) -> Self {
        self.path.group = group.into();
        self.path.version = version.into();
        if let Err(e) = check_segment("version", &self.path.version) {
            return self.fail(e);
        }
        if !self.path.group.is_empty()
            && let Err(e) = check_segment("group", &self.path.group)
        {
            return self.fail(e);
        }
        self
    }

    /// The namespace; `""` means all namespaces (no `namespaces/{ns}` segment).
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        let namespace = namespace.into();
        if namespace.is_empty() {
            self.path.namespace = None;
            return self;
        }
        if let Err(e) = check_segment("namespace", &namespace) {
            return self.fail(e);
        }
        self.path.namespace = Some(namespace);
        self
    }

    /// The resource, as its lowercase plural (`configmaps`).
    pub fn resource(mut self, resource: impl Into<Cow<'static, str>>) -> Self {
        let resource = resource.into();
        if let Err(e) = check_segment("resource", &resource) {
            return self.fail(e);
        }
        self.path.resource = Some(resource);
        self
    }

    /// The object's name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        let name = name.into();
        if let Err(e) = check_segment("name", &name) {
            return self.fail(e);
        }
        self.path.name = Some(name);
        self
    }

    /// A subresource (`status`, `scale`).
    pub fn subresource(mut self, subresource: impl Into<Cow<'static, str>>) -> Self {
        let subresource = subresource.into();
        if let Err(e) = check_segment("subresource", &subresource) {
            return self.fail(e);
        }
        self.path.subresource = Some(subresource);
        self
    }

    /// An absolute path outside the resource grammar (`/version`, `/apis`);
    /// it replaces group, version, namespace, resource and name.
    pub fn abs_path(mut self, path: impl Into<String>) -> Self {
        match check_abs_path(path.into()) {
            Ok(path) => {
                self.path.abs_path = Some(path);
                self
            }
            Err(e) => self.fail(e),
        }
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
        self.params.reserve(out.len());
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

    /// Keeps `body`, or the encoding error, as the body with `content_type`.
    pub(crate) fn with_body(self, body: Result<Bytes>, content_type: HeaderValue) -> Self {
        match body {
            Ok(bytes) => self.body(bytes, content_type),
            Err(e) => self.fail(e),
        }
    }

    /// A timeout for this request, also sent to the server as `?timeout=` (Go
    /// duration syntax). Without one the client's default applies, except to
    /// a watch.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
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
        self.path.render()
    }

    /// The query string, encoded as client-go's `url.Values.Encode` does:
    /// keys sorted (values of one key keep their order), Go's query escaping.
    /// It holds `timeout=` when [`Request::timeout`] was set (the client's
    /// default timeout is added when the request is sent).
    pub fn query(&self) -> String {
        self.query_with_default(None)
    }

    /// The query string with `timeout=` from the request's timeout, else `default_timeout`.
    pub(crate) fn query_with_default(&self, default_timeout: Option<Duration>) -> String {
        let mut params: Vec<(Cow<'static, str>, String)> = self.params.clone();
        push_timeout(&mut params, self.timeout.or(default_timeout));
        let mut out = String::new();
        encode_sorted(&mut params, &mut out);
        out
    }

    /// The full URL on the server at `base` (whose path is a prefix).
    ///
    /// # Errors
    /// A mistake in the request's path (as [`Request::path`]), or a `base`
    /// that cannot take a path.
    pub fn url(&self, base: &reqwest::Url) -> Result<reqwest::Url> {
        self.url_on(&BaseUrl::new(base.clone())?, None)
    }

    /// The full URL on `base`, with `default_timeout` when the request sets none.
    ///
    /// A body that failed to encode does not make the URL wrong: only the
    /// mistakes [`Request::path`] reports do.
    pub(crate) fn url_on(
        &self,
        base: &BaseUrl,
        default_timeout: Option<Duration>,
    ) -> Result<reqwest::Url> {
        let path = self.path()?;
        base.join(&path, &self.query_with_default(default_timeout))
    }

    /// Renders the request once for sending: the path, the query (with
    /// `timeout=` from its own timeout, else `default_timeout`), and the parts
    /// the transport takes over without copying.
    ///
    /// # Errors
    /// The first builder mistake, including a body that failed to encode.
    pub(crate) fn render(mut self, default_timeout: Option<Duration>) -> Result<Rendered> {
        if let Some(error) = self.error.take() {
            return Err(error);
        }
        let path = self.path.render()?;
        let timeout = self.timeout.or(default_timeout);
        push_timeout(&mut self.params, timeout);
        let mut query = String::new();
        encode_sorted(&mut self.params, &mut query);
        Ok(Rendered {
            method: self.method,
            path,
            query,
            headers: self.headers,
            body: self.body,
            timeout,
        })
    }
}

/// Adds `timeout=` unless a `timeout` parameter was given explicitly.
fn push_timeout(params: &mut Vec<(Cow<'static, str>, String)>, timeout: Option<Duration>) {
    if let Some(t) = timeout
        && !params.iter().any(|(k, _)| k == "timeout")
    {
        params.push((Cow::Borrowed("timeout"), go_duration(t)));
    }
}

/// A request rendered for the wire; the client executes it.
#[derive(Debug)]
pub(crate) struct Rendered {
    pub(crate) method: Method,
    /// The path, percent-encoded, without the server's prefix.
    pub(crate) path: String,
    /// The encoded query, without `?`; empty for none.
    pub(crate) query: String,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<Bytes>,
    /// The timeout of the whole call, retries included.
    pub(crate) timeout: Option<Duration>,
}

impl Rendered {
    /// The verb and path, for errors and traces; takes the path over.
    pub(crate) fn into_target(self) -> (RequestTarget, Parts) {
        (
            RequestTarget {
                verb: self.method.clone(),
                path: self.path,
            },
            Parts {
                method: self.method,
                headers: self.headers,
                body: self.body,
                timeout: self.timeout,
            },
        )
    }
}

/// What the transport needs of a rendered request once its URL is built.
#[derive(Debug)]
pub(crate) struct Parts {
    pub(crate) method: Method,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<Bytes>,
    pub(crate) timeout: Option<Duration>,
}

/// The server's URL, parsed once; request paths are joined onto it.
#[derive(Clone, Debug)]
pub(crate) struct BaseUrl {
    url: reqwest::Url,
    /// The URL as text without a trailing `/` (what requests are appended to).
    text: String,
    /// The URL's path without a trailing `/`: the prefix of every request path.
    prefix: String,
}

impl BaseUrl {
    /// Parses nothing: takes `url` apart once.
    ///
    /// # Errors
    /// [`RequestError::InvalidBaseUrl`] for a URL that cannot take a path.
    pub(crate) fn new(url: reqwest::Url) -> Result<Self, RequestError> {
        let text = url.as_str().trim_end_matches('/').to_owned();
        if url.cannot_be_a_base() {
            return Err(RequestError::InvalidBaseUrl(text));
        }
        let prefix = url.path().trim_end_matches('/').to_owned();
        Ok(Self { url, text, prefix })
    }

    /// The URL as text, without a trailing `/`.
    pub(crate) fn as_str(&self) -> &str {
        &self.text
    }

    /// The URL of `path` (percent-encoded) with `query` (encoded; empty for none).
    ///
    /// # Errors
    /// [`RequestError::InvalidBaseUrl`] when the joined URL does not parse.
    pub(crate) fn join(&self, path: &str, query: &str) -> Result<reqwest::Url> {
        if path.contains(['?', '#']) || self.url.query().is_some() || self.url.fragment().is_some()
        {
            // An absolute path may carry its own `?` or `#`, and a server URL
            // its own query: the URL parser decides, as it always did.
            return self.parse_joined(path, query);
        }
        let mut url = self.url.clone();
        if self.prefix.is_empty() {
            url.set_path(path);
        } else {
            let mut full = String::with_capacity(self.prefix.len() + path.len());
            full.push_str(&self.prefix);
            full.push_str(path);
            url.set_path(&full);
        }
        url.set_query((!query.is_empty()).then_some(query));
        Ok(url)
    }

    fn parse_joined(&self, path: &str, query: &str) -> Result<reqwest::Url> {
        let mut url = String::with_capacity(self.text.len() + path.len() + query.len() + 1);
        url.push_str(&self.text);
        url.push_str(path);
        if !query.is_empty() {
            url.push('?');
            url.push_str(query);
        }
        reqwest::Url::parse(&url)
            .map_err(|_| RequestError::InvalidBaseUrl(self.text.clone()).into())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn base(url: &str) -> BaseUrl {
        BaseUrl::new(url.parse().unwrap()).unwrap()
    }

    /// Joining onto the parsed base gives what parsing the concatenation gave.
    #[test]
    fn joining_equals_parsing_the_whole_url() {
        let paths = [
            "/api/v1/namespaces/ns/configmaps/x%23y%3Fz%20w",
            "/apis/stable.example.com/v1/crontabs",
            "/version",
            "/version?x=1",
            "/a#frag",
            "/api/v1/namespaces/a\\b/configmaps",
        ];
        for b in [
            "https://example.test:6443",
            "https://example.test:6443/",
            "https://example.test:6443/prefix/",
            "http://127.0.0.1:1/a/b",
            "https://example.test/p?x=y",
        ] {
            let base = base(b);
            for path in paths {
                for query in ["", "dryRun=All&fieldManager=a%3Db+c"] {
                    assert_eq!(
                        base.join(path, query).unwrap(),
                        base.parse_joined(path, query).unwrap(),
                        "{b} + {path} + {query}"
                    );
                }
            }
        }
    }

    #[test]
    fn rendering_takes_the_default_timeout_only_when_none_is_set() {
        let request = Request::new(Method::GET).resource("configmaps");
        let rendered = request.render(Some(Duration::from_secs(5))).unwrap();
        assert_eq!(rendered.query, "timeout=5s");
        assert_eq!(rendered.timeout, Some(Duration::from_secs(5)));
        let own = Request::new(Method::GET)
            .resource("configmaps")
            .timeout(Duration::from_secs(90))
            .render(Some(Duration::from_secs(5)))
            .unwrap();
        assert_eq!(own.query, "timeout=1m30s");
        let explicit = Request::new(Method::GET)
            .resource("configmaps")
            .param("timeout", "7s")
            .render(Some(Duration::from_secs(5)))
            .unwrap();
        assert_eq!(explicit.query, "timeout=7s");
        assert_eq!(explicit.timeout, Some(Duration::from_secs(5)));
    }

    /// The URL parser reads `\` as `/` in http(s) paths: unescaped, a name
    /// like `..\..\secrets` would climb out of its segment.
    #[test]
    fn a_backslash_stays_inside_its_segment() {
        let request = Request::new(Method::GET)
            .namespace("ns")
            .resource("configmaps")
            .name("..\\..\\..\\secrets");
        let url = request.url(&"https://h".parse().unwrap()).unwrap();
        assert_eq!(
            url.path(),
            "/api/v1/namespaces/ns/configmaps/..%5C..%5C..%5Csecrets"
        );
    }

    #[test]
    fn a_kept_mistake_is_what_rendering_returns() {
        let err = Request::new(Method::GET)
            .resource("configmaps")
            .name("a/b")
            .name("fine")
            .render(None)
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidRequest(RequestError::InvalidSegment {
                    segment: "name",
                    ..
                })
            ),
            "{err}"
        );
    }
}
