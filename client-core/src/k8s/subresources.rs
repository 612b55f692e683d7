//! Typed subresources of the built-in kinds that operators use.
//!
//! Methods on the typed clients of k8s-openapi's kinds:
//!
//! | subresource | method |
//! |---|---|
//! | `pods/log` | [`TypedClient::<Pod>::logs`] (bytes), [`TypedClient::<Pod>::log_stream`] (`follow`, a stream of lines) |
//! | `pods/eviction` | [`TypedClient::<Pod>::evict`] (`policy/v1` `Eviction`) |
//! | `pods/ephemeralcontainers` | [`TypedClient::<Pod>::get_ephemeral_containers`], `update_`, `patch_` |
//! | `serviceaccounts/token` | [`TypedClient::<ServiceAccount>::create_token`] |
//! | `namespaces/finalize` | [`TypedClient::<Namespace>::finalize`] |
//! | `*/status` | `update_status`, `patch_status`, `apply_status` where the API serves it ([`HasStatus`](crate::HasStatus): nodes, namespaces, pods, deployments, ...) |
//! | `*/scale` | `get_scale`, `update_scale`, `patch_scale` on deployments, replica sets, stateful sets and replication controllers ([`HasScale`](crate::HasScale)) |
//! | `SelfSubjectAccessReview`, `SelfSubjectRulesReview` | `create` on their typed clients (what `kubectl auth can-i` sends) |
//!
//! `pods/exec`, `pods/attach` and `pods/portforward` need websockets (or
//! SPDY) and come in the next round: no method exists for them yet.

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use futures_core::Stream;
use k8s_openapi::api::authentication::v1::TokenRequest;
use k8s_openapi::api::core::v1::{Namespace, Pod, ServiceAccount};

use crate::client::transport;
use crate::error::{RequestTarget, Result};
use crate::meta::query::QueryParams;
use crate::typed::ApiFuture;
use crate::{
    CreateOptions, DeleteOptions, GetOptions, ObjectMetaAccess, Patch, PatchOptions, Resource,
    Status, TypedClient, UpdateOptions,
};

/// Options of a pod log read (`v1.PodLogOptions`), sent as query parameters.
///
/// ```
/// use client_core::QueryParams;
/// use client_core::k8s::subresources::LogOptions;
///
/// let opts = LogOptions { container: Some("app".into()), tail_lines: Some(10), ..LogOptions::default() };
/// assert_eq!(opts.to_query_string(), "container=app&tailLines=10");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogOptions {
    /// The container; may be left out when the pod has one.
    pub container: Option<String>,
    /// Keep the stream open and send new lines as they are written
    /// ([`TypedClient::<Pod>::log_stream`] sets it).
    pub follow: bool,
    /// The previous, terminated instance of the container.
    pub previous: bool,
    /// Only lines newer than this many seconds.
    pub since_seconds: Option<i64>,
    /// Only lines after this RFC 3339 time.
    pub since_time: Option<String>,
    /// Prefix each line with its RFC 3339 timestamp.
    pub timestamps: bool,
    /// Only the last this many lines.
    pub tail_lines: Option<i64>,
    /// Stop after this many bytes.
    pub limit_bytes: Option<i64>,
    /// Skip verifying the kubelet's serving certificate (the server's choice to allow).
    pub insecure_skip_tls_verify_backend: bool,
}

impl QueryParams for LogOptions {
    fn append_query(&self, out: &mut Vec<(&'static str, String)>) {
        let mut flag = |key: &'static str, on: bool| {
            if on {
                out.push((key, "true".to_owned()));
            }
        };
        flag("follow", self.follow);
        flag("previous", self.previous);
        flag("timestamps", self.timestamps);
        flag(
            "insecureSkipTLSVerifyBackend",
            self.insecure_skip_tls_verify_backend,
        );
        let strings = [
            ("container", &self.container),
            ("sinceTime", &self.since_time),
        ];
        for (key, value) in strings {
            if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
                out.push((key, v.to_owned()));
            }
        }
        let numbers = [
            ("sinceSeconds", self.since_seconds),
            ("tailLines", self.tail_lines),
            ("limitBytes", self.limit_bytes),
        ];
        for (key, value) in numbers {
            if let Some(v) = value {
                out.push((key, v.to_string()));
            }
        }
    }
}

/// The longest line [`LogLines`] holds before it hands the bytes on as a line
/// of their own: a container that never writes a newline cannot make the
/// client buffer without bound.
pub const MAX_LOG_LINE: usize = 1 << 20;

/// A followed pod log, line by line ([`TypedClient::<Pod>::log_stream`]).
///
/// Each item is one line without its `\n`, decoded as UTF-8 with invalid
/// bytes replaced (`U+FFFD`); a line longer than [`MAX_LOG_LINE`] bytes comes
/// in pieces. The stream ends when the server closes the log (the container
/// ended, or `limit_bytes` was reached).
pub struct LogLines {
    target: RequestTarget,
    body: Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>,
    /// The connection pool's watch slot, released when the stream is dropped.
    _slot: Option<crate::client::WatchSlot>,
    buffer: BytesMut,
    /// How much of `buffer` holds no newline.
    scanned: usize,
    ready: VecDeque<String>,
    done: bool,
}

impl std::fmt::Debug for LogLines {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogLines")
            .field("target", &self.target)
            .field("buffered", &self.buffer.len())
            .finish_non_exhaustive()
    }
}

impl LogLines {
    /// Queues `line` (without its newline), in pieces of at most [`MAX_LOG_LINE`] bytes.
    fn push_line(&mut self, line: &[u8]) {
        if line.is_empty() {
            self.ready.push_back(String::new());
        }
        for piece in line.chunks(MAX_LOG_LINE) {
            self.ready
                .push_back(String::from_utf8_lossy(piece).into_owned());
        }
    }

    /// Moves every complete line of `buffer` to `ready`, and a partial line
    /// that outgrew [`MAX_LOG_LINE`] in pieces; `scanned` bytes of the buffer
    /// are known to hold no newline, so a long line is searched once.
    fn split_lines(&mut self) {
        while let Some(at) = self.buffer[self.scanned..].iter().position(|b| *b == b'\n') {
            let end = self.scanned + at;
            let line = self.buffer.split_to(end + 1);
            self.scanned = 0;
            self.push_line(&line[..end]);
        }
        while self.buffer.len() > MAX_LOG_LINE {
            let piece = self.buffer.split_to(MAX_LOG_LINE);
            self.push_line(&piece);
        }
        self.scanned = self.buffer.len();
    }
}

impl Stream for LogLines {
    type Item = Result<String>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if let Some(line) = self.ready.pop_front() {
                return Poll::Ready(Some(Ok(line)));
            }
            if self.done {
                return Poll::Ready(None);
            }
            match self.body.as_mut().poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => {
                    self.buffer.extend_from_slice(&chunk);
                    self.split_lines();
                }
                Poll::Ready(Some(Err(e))) => {
                    self.done = true;
                    return Poll::Ready(Some(Err(transport(&self.target, e))));
                }
                Poll::Ready(None) => {
                    self.done = true;
                    if !self.buffer.is_empty() {
                        let rest = self.buffer.split();
                        self.push_line(&rest);
                    }
                }
            }
        }
    }
}

impl TypedClient<Pod> {
    fn log_request(&self, name: &str, opts: &LogOptions) -> crate::Request {
        self.target
            .requests
            .get(name, Some("log"), &GetOptions::default())
            .options(opts)
    }

    /// Reads the log of pod `name` (`GET .../pods/{name}/log`), whole, as bytes.
    ///
    /// With `opts.follow` set this waits until the server closes the log; use
    /// [`TypedClient::<Pod>::log_stream`] to read it as it grows.
    ///
    /// # Errors
    ///
    /// [`Error::Api`](crate::Error::Api) with the server's `Status` (the pod or container does
    /// not exist, the container has not started); transport errors.
    pub fn logs(&self, name: &str, opts: &LogOptions) -> ApiFuture<Bytes> {
        let request = self.log_request(name, opts);
        Box::pin(self.target.client.bytes(request))
    }

    /// Follows the log of pod `name`: a stream of its lines as they are
    /// written (`follow=true` is set). Like a watch, it has no default timeout.
    ///
    /// # Errors
    ///
    /// As [`TypedClient::<Pod>::logs`], for the answer that opens the stream;
    /// a broken connection ends the stream with a transport error.
    pub fn log_stream(&self, name: &str, opts: &LogOptions) -> ApiFuture<LogLines> {
        let opts = LogOptions {
            follow: true,
            ..opts.clone()
        };
        let request = self.log_request(name, &opts);
        let client = self.target.client.clone();
        Box::pin(async move {
            let (target, response, slot) = client.open_stream(request).await?;
            Ok(LogLines {
                target,
                _slot: slot,
                body: Box::pin(response.bytes_stream()),
                buffer: BytesMut::new(),
                scanned: 0,
                ready: VecDeque::new(),
                done: false,
            })
        })
    }

    /// Evicts pod `name`: POSTs a `policy/v1` `Eviction` to `.../pods/{name}/eviction`,
    /// which deletes the pod unless a PodDisruptionBudget forbids it.
    ///
    /// # Errors
    ///
    /// [`Error::Api`](crate::Error::Api) with code 429 (`TooManyRequests`) when a disruption budget
    /// forbids the eviction now (the client's retry of 429 answers with
    /// `Retry-After` applies first); 404 when the pod does not exist.
    pub fn evict(&self, name: &str, opts: &DeleteOptions) -> ApiFuture<Status> {
        let eviction = serde_json::json!({
            "apiVersion": "policy/v1",
            "kind": "Eviction",
            "metadata": { "name": name, "namespace": self.namespace().unwrap_or("") },
            "deleteOptions": opts,
        });
        self.subresource_create(name, "eviction", &eviction, &CreateOptions::default())
    }

    /// Reads pod `name` through its `ephemeralcontainers` subresource.
    ///
    /// # Errors
    ///
    /// [`Error::Api`](crate::Error::Api) with the server's `Status`; transport and decode errors.
    pub fn get_ephemeral_containers(&self, name: &str, opts: &GetOptions) -> ApiFuture<Pod> {
        self.subresource_get(name, "ephemeralcontainers", opts)
    }

    /// Replaces the pod's `spec.ephemeralContainers` (PUT `.../ephemeralcontainers`);
    /// the server ignores every other change. Ephemeral containers can be added, not removed.
    ///
    /// # Errors
    ///
    /// [`Error::Api`](crate::Error::Api) with the server's `Status` (422 for a removed or changed
    /// ephemeral container, 409 on a stale resourceVersion).
    pub fn update_ephemeral_containers(&self, pod: &Pod, opts: &UpdateOptions) -> ApiFuture<Pod> {
        let name = pod.metadata().name().unwrap_or("");
        self.subresource_update(name, "ephemeralcontainers", pod, opts)
    }

    /// Patches the pod's ephemeral containers (PATCH `.../ephemeralcontainers`).
    ///
    /// # Errors
    ///
    /// As [`TypedClient::<Pod>::update_ephemeral_containers`].
    pub fn patch_ephemeral_containers<P: serde::Serialize>(
        &self,
        name: &str,
        patch: &Patch<P>,
        opts: &PatchOptions,
    ) -> ApiFuture<Pod> {
        self.subresource_patch(name, "ephemeralcontainers", patch, opts)
    }
}

impl TypedClient<ServiceAccount> {
    /// Requests a token for service account `name` (POST `.../serviceaccounts/{name}/token`,
    /// what `kubectl create token` does). The answer's `status.token` is a
    /// bearer credential: note that k8s-openapi's `Debug` of `TokenRequest`
    /// prints it, so do not log the value.
    ///
    /// # Errors
    ///
    /// [`Error::Api`](crate::Error::Api) with the server's `Status` (404 for an unknown account,
    /// 403 without the `create` right on `serviceaccounts/token`).
    pub fn create_token(
        &self,
        name: &str,
        request: &TokenRequest,
        opts: &CreateOptions,
    ) -> ApiFuture<TokenRequest> {
        self.subresource_create(name, "token", request, opts)
    }
}

impl TypedClient<Namespace> {
    /// Replaces the namespace's `spec.finalizers` (PUT `namespaces/{name}/finalize`):
    /// how the namespace controller, or a stuck namespace's operator, clears them.
    ///
    /// # Errors
    ///
    /// [`Error::Api`](crate::Error::Api) with the server's `Status`; a namespace without a name
    /// is refused before any I/O.
    pub fn finalize(&self, namespace: &Namespace, opts: &UpdateOptions) -> ApiFuture<Namespace> {
        let name = namespace.metadata().name().unwrap_or("");
        self.subresource_update(name, "finalize", namespace, opts)
    }
}
