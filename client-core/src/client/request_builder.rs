//! [`RequestBuilder`]: a [`Request`] bound to a [`RestClient`], for chains
//! that end in `send()`.

use std::borrow::Cow;
use std::time::Duration;

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::RestClient;
use crate::QueryParams;
use crate::error::{RequestError, Result};
use crate::request::Request;
use crate::watch::WatchStream;

/// A [`Request`] under construction, bound to the client that will send it.
///
/// Start it from a [`RestClient`] (`client.get()`, `client.post()`, ...), then
/// finish it with [`send`](Self::send) (decode into a type),
/// [`bytes`](Self::bytes) (raw body) or [`watch`](Self::watch) (a stream of
/// watch events). Each builder step is [`Request`]'s; [`build_split`](Self::build_split)
/// hands back the client and the plain request.
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
#[derive(Debug)]
pub struct RequestBuilder {
    client: RestClient,
    request: Request,
}

impl RequestBuilder {
    pub(crate) fn new(client: RestClient, request: Request) -> Self {
        Self { client, request }
    }

    fn map(self, step: impl FnOnce(Request) -> Request) -> Self {
        Self {
            client: self.client,
            request: step(self.request),
        }
    }

    /// See [`Request::group_version`].
    pub fn group_version(
        self,
        group: impl Into<Cow<'static, str>>,
        version: impl Into<Cow<'static, str>>,
    ) -> Self {
        self.map(|r| r.group_version(group, version))
    }

    /// See [`Request::namespace`].
    pub fn namespace(self, namespace: impl Into<String>) -> Self {
        self.map(|r| r.namespace(namespace))
    }

    /// See [`Request::resource`].
    pub fn resource(self, resource: impl Into<Cow<'static, str>>) -> Self {
        self.map(|r| r.resource(resource))
    }

    /// See [`Request::name`].
    pub fn name(self, name: impl Into<String>) -> Self {
        self.map(|r| r.name(name))
    }

    /// See [`Request::subresource`].
    pub fn subresource(self, subresource: impl Into<Cow<'static, str>>) -> Self {
        self.map(|r| r.subresource(subresource))
    }

    /// See [`Request::abs_path`].
    pub fn abs_path(self, path: impl Into<String>) -> Self {
        self.map(|r| r.abs_path(path))
    }

    /// See [`Request::param`].
    pub fn param(self, key: impl Into<Cow<'static, str>>, value: impl Into<String>) -> Self {
        self.map(|r| r.param(key, value))
    }

    /// See [`Request::options`].
    pub fn options(self, options: &impl QueryParams) -> Self {
        self.map(|r| r.options(options))
    }

    /// See [`Request::header`].
    pub fn header(self, name: impl TryInto<HeaderName>, value: impl TryInto<HeaderValue>) -> Self {
        self.map(|r| r.header(name, value))
    }

    /// See [`Request::json_body`].
    pub fn json_body<T: Serialize + ?Sized>(self, body: &T) -> Self {
        self.map(|r| r.json_body(body))
    }

    /// See [`Request::body`].
    pub fn body(self, bytes: impl Into<Bytes>, content_type: HeaderValue) -> Self {
        self.map(|r| r.body(bytes, content_type))
    }

    /// See [`Request::timeout`].
    pub fn timeout(self, timeout: Duration) -> Self {
        self.map(|r| r.timeout(timeout))
    }

    /// See [`Request::path`].
    ///
    /// # Errors
    /// The first builder mistake ([`RequestError`]), or a missing resource.
    pub fn path(&self) -> Result<String, RequestError> {
        self.request.path()
    }

    /// The query string as it will be sent: [`Request::query`] with the
    /// client's default timeout when the request sets none.
    pub fn query(&self) -> String {
        self.request
            .query_with_default(self.client.default_timeout())
    }

    /// The full URL: the server's URL (with its path prefix), the path and the query.
    ///
    /// # Errors
    /// A mistake in the path (an invalid segment, a missing resource), or a
    /// server URL that cannot take a path.
    pub fn url(&self) -> Result<reqwest::Url> {
        self.client.url_of(&self.request)
    }

    /// The plain request, without the client.
    pub fn build(self) -> Request {
        self.request
    }

    /// The client and the plain request, apart.
    pub fn build_split(self) -> (RestClient, Request) {
        (self.client, self.request)
    }

    /// Sends the request and decodes a successful answer as JSON into `T`.
    ///
    /// # Errors
    /// As [`RestClient::send`].
    pub async fn send<T: DeserializeOwned + 'static>(self) -> Result<T> {
        self.client.send(self.request).await
    }

    /// Sends the request and returns the raw body of a successful answer.
    ///
    /// # Errors
    /// As [`RestClient::send`], without decode errors.
    pub async fn bytes(self) -> Result<Bytes> {
        self.client.bytes(self.request).await
    }

    /// Adds `watch=true` and opens a stream of watch events; see [`RestClient::watch`].
    ///
    /// # Errors
    /// As [`RestClient::send`], for the answer that opens the stream.
    pub async fn watch<T: DeserializeOwned + 'static>(self) -> Result<WatchStream<T>> {
        self.client.watch(self.request).await
    }
}
