//! `TestServer`: start, address, credentials, and stop on drop.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

use crate::certs::Certs;
use crate::error::ApiError;
use crate::http::faults::Faults;
use crate::http::listener::{ConnectionLimits, accept_loop};
use crate::http::request_log::RequestLog;
use crate::http::state::{Settings, State};
use crate::registry::{Backend, Registry};
use crate::storage::store::Store;
use crate::store_handle::StoreHandle;

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
    history_bytes: usize,
    bookmark_interval: Duration,
    max_body_bytes: usize,
    hosts: Vec<String>,
    connections: ConnectionLimits,
    simulation: Option<crate::simulation::Simulation>,
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
            history_bytes: crate::storage::store::DEFAULT_HISTORY_BYTES,
            bookmark_interval: Duration::from_secs(1),
            max_body_bytes: 3 * 1024 * 1024,
            hosts: Vec::new(),
            connections: ConnectionLimits::default(),
            simulation: None,
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

    /// Most bytes the watch history may hold, counting each event's object
    /// and its previous state (default 64 MiB); the oldest events are
    /// compacted first, as [`Builder::history_size`] does by count.
    pub fn history_bytes(mut self, n: usize) -> Self {
        self.history_bytes = n;
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

    /// How long a new connection may take to send its first complete
    /// request header (TLS handshake included) before it is closed. Default 32 s, kube-apiserver's
    /// `ReadHeaderTimeout`.
    pub fn header_timeout(mut self, d: Duration) -> Self {
        self.connections.header_timeout = d;
        self
    }

    /// How long a connection with no request in flight (a keep-alive
    /// connection between requests, or one whose next header stalls) is
    /// kept before it is closed. Default 90 s, kube-apiserver's `IdleTimeout` (HTTP/1.1
    /// and HTTP/2).
    pub fn idle_timeout(mut self, d: Duration) -> Self {
        self.connections.idle_timeout = d;
        self
    }

    /// The most connections served at once (default 5,000); a connection
    /// past the cap is closed as soon as it is accepted.
    pub fn max_connections(mut self, n: usize) -> Self {
        self.connections.max_connections = n;
        self
    }

    /// Extra DNS names or IPs for the server certificate.
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.hosts.push(host.into());
        self
    }

    /// Runs a simulated cluster inside the server: the garbage collector,
    /// the workload controllers, `simulation`'s nodes, a scheduler and a
    /// kubelet, each writing through the normal write path (see
    /// [`crate::Simulation`]). Without this the server is kube-apiserver
    /// alone, like envtest.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), client_testserver::StartError> {
    /// use client_testserver::{Simulation, TestServer};
    /// let server = TestServer::builder().simulate(Simulation::default().nodes(3)).start().await?;
    /// # let _ = server; Ok(()) }
    /// ```
    pub fn simulate(mut self, simulation: crate::simulation::Simulation) -> Self {
        self.simulation = Some(simulation);
        self
    }

    /// Binds, seeds the built-in namespaces and starts serving.
    ///
    /// # Errors
    /// [`StartError`] when the address cannot be bound or TLS setup fails.
    pub async fn start(self) -> Result<TestServer, StartError> {
        let store = Store::bounded(self.history_size, self.history_bytes);
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
        let simulation = self
            .simulation
            .map(|s| crate::simulation::runner::start(backend.clone(), s));
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
        let task = tokio::spawn(accept_loop(
            listener,
            tls,
            state.clone(),
            self.connections.clone(),
        ));
        Ok(TestServer {
            url,
            addr,
            token,
            certs,
            state,
            task,
            _simulation: simulation,
        })
    }
}

/// A running server; stops (listener closed, connections aborted) on drop.
pub struct TestServer {
    url: String,
    addr: SocketAddr,
    token: Option<String>,
    certs: Option<Arc<Certs>>,
    state: Arc<State>,
    task: JoinHandle<()>,
    /// The simulated cluster's tasks, stopped when this is dropped.
    _simulation: Option<crate::simulation::runner::Running>,
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

    /// Writes [`TestServer::kubeconfig`] to `path`, readable by its owner
    /// only (mode 0600 on Unix: it holds the bearer token) and atomically:
    /// a reader sees the old file or the whole new one, never a part.
    ///
    /// # Errors
    /// I/O errors.
    pub fn write_kubeconfig(&self, path: impl AsRef<std::path::Path>) -> std::io::Result<()> {
        crate::kubeconfig::write_private(path.as_ref(), self.kubeconfig().as_bytes())
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
