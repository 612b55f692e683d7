//! Shared plumbing for the examples: where they run and how they clean up.
//!
//! Every example runs against the embedded API server by default (no cluster
//! is touched). With `--kubeconfig PATH` and/or `--context NAME` it runs
//! against that cluster instead, in a namespace of its own that it deletes
//! when it ends.

use std::time::Duration;

use client_core::api::{CustomResourceDefinition, Namespace};
use client_core::watcher::WatcherConfig;
use client_core::{
    Config, CreateOptions, DeleteOptions, GetOptions, KubeconfigOptions, RestClient, TypedClient,
    wait,
};
use client_testserver::TestServer;

/// Where an example runs: the embedded server or a real cluster.
pub struct Target {
    /// The shared client every typed client clones.
    pub client: RestClient,
    /// The namespace the example works in.
    pub namespace: String,
    /// `true` when the example created `namespace` and must delete it.
    created_namespace: bool,
    /// CRDs this run installed, removed by [`Target::cleanup`] on a real cluster.
    installed_crds: std::sync::Mutex<Vec<String>>,
    /// Keeps the embedded server running for as long as the target lives.
    _server: Option<TestServer>,
}

/// What went wrong while choosing or preparing the target.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl Target {
    /// Reads `--kubeconfig PATH` and `--context NAME` from the command line:
    /// with either, a real cluster and a fresh namespace; without, the
    /// embedded server and its `default` namespace.
    ///
    /// # Errors
    /// A kubeconfig that does not load, a server that does not start, or a
    /// namespace that cannot be created.
    pub async fn from_args() -> Result<Self, BoxError> {
        let mut kubeconfig = None;
        let mut context = None;
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--kubeconfig" => kubeconfig = args.next(),
                "--context" => context = args.next(),
                "-h" | "--help" => {
                    println!("usage: [--kubeconfig PATH] [--context NAME]");
                    std::process::exit(0);
                }
                other => return Err(format!("unknown argument {other:?} (try --help)").into()),
            }
        }
        if kubeconfig.is_none() && context.is_none() {
            let server = TestServer::start().await?;
            println!("started the embedded API server at {}", server.url());
            return Ok(Self {
                client: server.rest_client()?,
                namespace: "default".to_owned(),
                created_namespace: false,
                installed_crds: std::sync::Mutex::default(),
                _server: Some(server),
            });
        }
        let options = KubeconfigOptions {
            context,
            ..KubeconfigOptions::default()
        };
        let config = match kubeconfig {
            Some(path) => {
                let kubeconfig = client_core::Kubeconfig::read_from(&path)?;
                Config::from_kubeconfig(&kubeconfig, &options)?
            }
            None => {
                let kubeconfig = client_core::Kubeconfig::read_path_list(
                    &std::env::var_os("KUBECONFIG").unwrap_or_else(default_kubeconfig),
                )?;
                Config::from_kubeconfig(&kubeconfig, &options)?
            }
        };
        println!("using the cluster at {}", config.cluster_url);
        // client-go's default of 5 requests per second would make the
        // quickstart's 250-object paging demo take a minute; the examples
        // allow 50 per second (burst 100), still polite to a shared cluster.
        let mut config = config;
        config.qps = 50.0;
        config.burst = 100;
        let client = RestClient::new(config)?;
        let namespace = format!("client-example-{}", fastrand::u32(..));
        TypedClient::<Namespace>::cluster(client.clone())
            .create(&Namespace::named(&namespace), &CreateOptions::default())
            .await?;
        println!("created namespace {namespace}");
        Ok(Self {
            client,
            namespace,
            created_namespace: true,
            installed_crds: std::sync::Mutex::default(),
            _server: None,
        })
    }

    /// `true` when running against the embedded server.
    pub fn is_embedded(&self) -> bool {
        self._server.is_some()
    }

    /// The embedded server, for fault injection; `None` against a real cluster.
    pub fn embedded_server(&self) -> Option<&TestServer> {
        self._server.as_ref()
    }

    /// Deletes what the example created in a real cluster: the CRDs it
    /// installed and its namespace. The embedded server goes away with the
    /// example anyway.
    ///
    /// # Errors
    /// A CRD or the namespace could not be deleted.
    pub async fn cleanup(self) -> Result<(), BoxError> {
        if !self.is_embedded() {
            let crds = TypedClient::<CustomResourceDefinition>::cluster(self.client.clone());
            let installed = std::mem::take(
                &mut *self
                    .installed_crds
                    .lock()
                    .unwrap_or_else(|e| e.into_inner()),
            );
            for name in installed {
                crds.delete(&name, &DeleteOptions::default()).await?;
                println!("deleted CRD {name}");
            }
        }
        if self.created_namespace {
            TypedClient::<Namespace>::cluster(self.client.clone())
                .delete(&self.namespace, &DeleteOptions::default())
                .await?;
            println!("deleted namespace {}", self.namespace);
        }
        Ok(())
    }
}

/// Prints the client's tracing spans and events to stderr, filtered by
/// `RUST_LOG` (nothing below ERROR without it). Every example calls it first.
///
/// `RUST_LOG=client_core=debug` prints one line per request when it ends: the
/// `request` span with `verb`, `path`, `status`, `retries` and `latency_ms`;
/// `RUST_LOG=trace` adds every library's events. The span and field names are
/// listed in `client_core`'s crate documentation ("Tracing").
pub fn init_tracing() {
    use tracing_subscriber::fmt::format::FmtSpan;
    // `try_init`: a second call (or a subscriber set elsewhere) is not an error.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_span_events(FmtSpan::CLOSE)
        .with_writer(std::io::stderr)
        .try_init();
}

fn default_kubeconfig() -> std::ffi::OsString {
    let home = std::env::var_os("HOME").unwrap_or_default();
    std::path::Path::new(&home)
        .join(".kube/config")
        .into_os_string()
}

impl Target {
    /// Installs `crd` and waits until the server reports it `Established`,
    /// with the library's [`client_core::wait::install_crd`]. On a real
    /// cluster a CRD of that name that already exists is left alone (only
    /// waited for), and a CRD installed here is removed by
    /// [`Target::cleanup`], whether the example succeeded or not.
    ///
    /// # Errors
    /// The CRD cannot be created or read, or it is not established within 30 s.
    pub async fn install_crd(&self, crd: &CustomResourceDefinition) -> Result<(), BoxError> {
        const WITHIN: Duration = Duration::from_secs(30);
        let name = crd.metadata.name.clone().unwrap_or_default();
        if !self.is_embedded() {
            let crds = TypedClient::<CustomResourceDefinition>::cluster(self.client.clone());
            match crds.get(&name, &GetOptions::default()).await {
                Ok(_) => {
                    println!("CRD {name} already exists: leaving it alone");
                    wait::await_condition(
                        crds.watcher(WatcherConfig::default().named(&name)),
                        &name,
                        wait::conditions::is_crd_established(),
                        WITHIN,
                    )
                    .await?;
                    return Ok(());
                }
                Err(e) if e.is_not_found() => {}
                Err(e) => return Err(e.into()),
            }
        }
        let installed = wait::install_crd(&self.client, crd, WITHIN).await?;
        if installed.created {
            println!("installed CRD {name}");
            self.installed_crds
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(name);
        } else {
            println!("updated CRD {name}");
        }
        Ok(())
    }
}
