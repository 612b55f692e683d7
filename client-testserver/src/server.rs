//! `TestServer`: start, address, credentials, and stop on drop.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::{TokioExecutor, TokioIo};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};
use tokio_rustls::TlsAcceptor;

use crate::certs::Certs;
use crate::error::ApiError;
use crate::faults::Faults;
use crate::handlers::{Settings, State, handle};
use crate::registry::Registry;
use crate::reqlog::RequestLog;
use crate::store::Store;
use crate::verbs::{Backend, parse};

/// Why a server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// Binding or reading the listener failed.
    #[error("cannot listen: {0}")]
    Io(#[from] std::io::Error),
    /// Certificates could not be generated or configured.
    #[error("TLS setup failed: {0}")]
    Tls(#[from] crate::certs::CertError),
    /// Seeding the built-in namespaces failed.
    #[error("seeding failed: {0}")]
    Seed(#[from] ApiError),
}

/// Configures a `TestServer`.
#[derive(Debug, Clone)]
pub struct Builder {
    listen: SocketAddr,
    plain_http: bool,
    token: TokenChoice,
    client_cert_auth: bool,
    history_size: usize,
    bookmark_interval: Duration,
    max_body_bytes: usize,
    hosts: Vec<String>,
}

#[derive(Debug, Clone)]
enum TokenChoice {
    Generate,
    Fixed(String),
    NoAuth,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            plain_http: false,
            token: TokenChoice::Generate,
            client_cert_auth: false,
            history_size: 10_000,
            bookmark_interval: Duration::from_secs(1),
            max_body_bytes: 3 * 1024 * 1024,
            hosts: Vec::new(),
        }
    }
}

impl Builder {
    /// Listen on this address (default `127.0.0.1:0`).
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// Serve plain HTTP instead of HTTPS.
    pub fn plain_http(mut self) -> Self {
        self.plain_http = true;
        self
    }

    /// Require this bearer token (default: a generated one).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = TokenChoice::Fixed(token.into());
        self
    }

    /// Accept every request without credentials.
    pub fn no_auth(mut self) -> Self {
        self.token = TokenChoice::NoAuth;
        self
    }

    /// Accept client certificates signed by the server's CA as
    /// authentication (HTTPS only).
    pub fn client_cert_auth(mut self) -> Self {
        self.client_cert_auth = true;
        self
    }

    /// Number of events kept for watch resumption (default 10 000).
    pub fn history_size(mut self, n: usize) -> Self {
        self.history_size = n;
        self
    }

    /// Interval between watch bookmarks (default 1 s).
    pub fn bookmark_interval(mut self, d: Duration) -> Self {
        self.bookmark_interval = d;
        self
    }

    /// Largest accepted request body (default 3 MiB); larger gets 413.
    pub fn max_body_bytes(mut self, n: usize) -> Self {
        self.max_body_bytes = n;
        self
    }

    /// Extra DNS names or IPs for the server certificate.
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.hosts.push(host.into());
        self
    }

    /// Binds, seeds the built-in namespaces and starts serving.
    ///
    /// # Errors
    /// [`StartError`] when the address cannot be bound or TLS setup fails.
    pub async fn start(self) -> Result<TestServer, StartError> {
        let store = Store::new(self.history_size);
        let backend = Backend {
            store: store.clone(),
            registry: Registry::with_builtins(),
        };
        let ns_kind = backend
            .registry
            .by_resource("", "namespaces")
            .ok_or_else(|| ApiError::internal("namespaces not registered"))?;
        for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
            backend.create(
                &ns_kind,
                "v1",
                None,
                json!({"metadata": {"name": ns}}),
                false,
            )?;
        }
        let token = match self.token {
            TokenChoice::Generate => Some(
                (0..32)
                    .map(|_| fastrand::alphanumeric())
                    .collect::<String>(),
            ),
            TokenChoice::Fixed(t) => Some(t),
            TokenChoice::NoAuth => None,
        };
        let certs = if self.plain_http {
            None
        } else {
            Some(Arc::new(Certs::generate(&self.hosts)?))
        };
        let tls = match &certs {
            Some(c) => Some(TlsAcceptor::from(Arc::new(
                c.server_config(self.client_cert_auth)?,
            ))),
            None => None,
        };
        let state = Arc::new(State {
            backend,
            faults: Faults::new(store),
            log: RequestLog::default(),
            settings: Settings {
                token: token.clone(),
                client_cert_auth: self.client_cert_auth && certs.is_some(),
                max_body_bytes: self.max_body_bytes,
                bookmark_interval: self.bookmark_interval,
            },
        });
        let listener = TcpListener::bind(self.listen).await?;
        let addr = listener.local_addr()?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        let host = if addr.is_ipv6() {
            format!("[{}]", addr.ip())
        } else {
            addr.ip().to_string()
        };
        let url = format!("{scheme}://{host}:{}", addr.port());
        let task = tokio::spawn(accept_loop(listener, tls, state.clone()));
        Ok(TestServer {
            url,
            addr,
            token,
            certs,
            state,
            task,
        })
    }
}

async fn accept_loop(listener: TcpListener, tls: Option<TlsAcceptor>, state: Arc<State>) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            r = listener.accept() => {
                let Ok((stream, _)) = r else {
                    // Out of descriptors or a transient error: do not spin a core.
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                    continue;
                };
                let _ = stream.set_nodelay(true);
                conns.spawn(connection(stream, tls.clone(), state.clone()));
            }
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
}

async fn connection(stream: tokio::net::TcpStream, tls: Option<TlsAcceptor>, state: Arc<State>) {
    match tls {
        Some(acceptor) => {
            let Ok(s) = acceptor.accept(stream).await else {
                return;
            };
            let peer = s
                .get_ref()
                .1
                .peer_certificates()
                .is_some_and(|c| !c.is_empty());
            serve_io(TokioIo::new(s), state, peer).await;
        }
        None => serve_io(TokioIo::new(stream), state, false).await,
    }
}

async fn serve_io<I>(io: TokioIo<I>, state: Arc<State>, peer: bool)
where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let svc = hyper::service::service_fn(move |req| {
        let st = state.clone();
        async move { Ok::<_, Infallible>(handle(st, req, peer).await) }
    });
    let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
        .serve_connection(io, svc)
        .await;
}

/// A running server; stops (listener closed, connections aborted) on drop.
pub struct TestServer {
    url: String,
    addr: SocketAddr,
    token: Option<String>,
    certs: Option<Arc<Certs>>,
    state: Arc<State>,
    task: JoinHandle<()>,
}

impl TestServer {
    /// Starts a server with defaults: HTTPS with a generated CA and a
    /// generated bearer token, on `127.0.0.1:0`.
    ///
    /// # Errors
    /// [`StartError`].
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// let server = client_testserver::TestServer::start().await?;
    /// let dir = std::env::temp_dir().join("kubeconfig");
    /// server.write_kubeconfig(&dir)?; // kubectl --kubeconfig works against it
    /// assert!(server.url().starts_with("https://127.0.0.1:"));
    /// # Ok(()) }
    /// ```
    pub async fn start() -> Result<TestServer, StartError> {
        Builder::default().start().await
    }

    /// A builder for other settings.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), client_testserver::StartError> {
    /// use std::time::Duration;
    /// let server = client_testserver::TestServer::builder()
    ///     .plain_http()
    ///     .token("t")
    ///     .history_size(100)
    ///     .bookmark_interval(Duration::from_millis(100))
    ///     .start()
    ///     .await?;
    /// assert_eq!(server.token(), Some("t"));
    /// # Ok(()) }
    /// ```
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// Base URL, e.g. `https://127.0.0.1:41234`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The CA certificate (PEM), when serving HTTPS.
    pub fn ca_pem(&self) -> Option<&str> {
        self.certs.as_deref().map(Certs::ca_pem)
    }

    /// The generated certificates, when serving HTTPS (to issue client
    /// certificates).
    pub fn certs(&self) -> Option<&Certs> {
        self.certs.as_deref()
    }

    /// The bearer token required, if any.
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// A kubeconfig (YAML) for this server with its token.
    pub fn kubeconfig(&self) -> String {
        let user = match &self.token {
            Some(t) => crate::kubeconfig::KubeconfigUser::Token(t.clone()),
            None => crate::kubeconfig::KubeconfigUser::Anonymous,
        };
        crate::kubeconfig::render_kubeconfig(&self.url, self.ca_pem(), &user)
    }

    /// A kubeconfig authenticating with a fresh client certificate for
    /// user `common_name` in `groups` (for a server built with
    /// [`Builder::client_cert_auth`]); `None` for a plain-HTTP server.
    ///
    /// # Errors
    /// [`crate::certs::CertError`] when the certificate cannot be issued.
    pub fn client_cert_kubeconfig(
        &self,
        common_name: &str,
        groups: &[String],
    ) -> Result<Option<String>, crate::certs::CertError> {
        let Some(certs) = self.certs.as_deref() else {
            return Ok(None);
        };
        let c = certs.issue_client(common_name, groups)?;
        let user = crate::kubeconfig::KubeconfigUser::ClientCert {
            cert_pem: c.cert_pem,
            key_pem: c.key_pem,
        };
        Ok(Some(crate::kubeconfig::render_kubeconfig(
            &self.url,
            self.ca_pem(),
            &user,
        )))
    }

    /// Writes [`TestServer::kubeconfig`] to `path`.
    ///
    /// # Errors
    /// I/O errors.
    pub fn write_kubeconfig(&self, path: impl AsRef<std::path::Path>) -> std::io::Result<()> {
        std::fs::write(path, self.kubeconfig())
    }

    /// Seeding and inspecting the store.
    pub fn store(&self) -> StoreHandle {
        StoreHandle {
            backend: self.state.backend.clone(),
        }
    }

    /// Fault injection.
    pub fn faults(&self) -> Faults {
        self.state.faults.clone()
    }

    /// The request log.
    pub fn requests(&self) -> RequestLog {
        self.state.log.clone()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Seeds and inspects objects from Rust through the same write path as
/// HTTP (validation, resourceVersions, watch events).
#[derive(Clone)]
pub struct StoreHandle {
    backend: Backend,
}

fn split_api_version(api_version: &str) -> (&str, &str) {
    match api_version.split_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api_version),
    }
}

impl StoreHandle {
    fn kind(
        &self,
        api_version: &str,
        plural: &str,
    ) -> Result<(Arc<crate::kinds::ResourceKind>, String), ApiError> {
        let (g, v) = split_api_version(api_version);
        self.backend
            .registry
            .lookup(g, v, plural)
            .map(|k| (k, v.to_string()))
            .ok_or_else(|| ApiError::not_found(g, plural, ""))
    }

    /// Creates `obj` (its `metadata.namespace` picks the namespace) as a
    /// POST would.
    ///
    /// # Errors
    /// The create errors of the contract, or 404 for an unknown resource.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// let server = client_testserver::TestServer::builder().plain_http().start().await?;
    /// let cm = server.store().insert("v1", "configmaps", serde_json::json!({
    ///     "metadata": {"name": "seed", "namespace": "default"},
    ///     "data": {"a": "1"},
    /// }))?;
    /// assert!(cm["metadata"]["uid"].is_string());
    /// # Ok(()) }
    /// ```
    pub fn insert(&self, api_version: &str, plural: &str, obj: Value) -> Result<Value, ApiError> {
        let (k, v) = self.kind(api_version, plural)?;
        let ns = obj
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .map(str::to_string);
        self.backend.create(&k, &v, ns.as_deref(), obj, false)
    }

    /// Reads one object.
    pub fn get(
        &self,
        api_version: &str,
        plural: &str,
        namespace: Option<&str>,
        name: &str,
    ) -> Option<Value> {
        let (k, v) = self.kind(api_version, plural).ok()?;
        let o = self.backend.get(&k, namespace, name).ok()?;
        Some(self.backend.present(&k, &v, o))
    }

    /// Every object of a resource (optionally in one namespace), in
    /// namespace/name order.
    pub fn list(&self, api_version: &str, plural: &str, namespace: Option<&str>) -> Vec<Value> {
        let Ok((k, v)) = self.kind(api_version, plural) else {
            return Vec::new();
        };
        let Ok((page, _)) =
            self.backend
                .store
                .page(&k.resource(), namespace, None, None, None, |_| true)
        else {
            return Vec::new();
        };
        page.items
            .iter()
            .map(|(_, b)| self.backend.present(&k, &v, parse(b)))
            .collect()
    }

    /// Deletes one object as a DELETE would (finalizers honoured).
    ///
    /// # Errors
    /// 404 and precondition errors.
    pub fn delete(
        &self,
        api_version: &str,
        plural: &str,
        namespace: Option<&str>,
        name: &str,
    ) -> Result<(), ApiError> {
        let (k, _) = self.kind(api_version, plural)?;
        self.backend
            .delete(&k, namespace, name, &json!({}), false)
            .map(|_| ())
    }

    /// Registers a CustomResourceDefinition (as if POSTed) and serves its
    /// resource.
    ///
    /// # Errors
    /// 409 when it exists, 422 when it is incomplete.
    pub fn register_crd(&self, crd: Value) -> Result<Value, ApiError> {
        self.insert("apiextensions.k8s.io/v1", "customresourcedefinitions", crd)
    }

    /// The current global resourceVersion.
    pub fn resource_version(&self) -> u64 {
        self.backend.store.current_rv()
    }
}
