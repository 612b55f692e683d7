//! In-cluster configuration (a pod's service account) and [`Config::infer`].

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::error::ConfigError;
use super::from_kubeconfig::parse_certificates;
use super::{BoundedReadError, Config, Kubeconfig, KubeconfigOptions, TOKEN_FILE_LIMIT};

/// Where Kubernetes mounts a pod's service-account credentials.
pub const SERVICE_ACCOUNT_DIR: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

/// The settings a pod gets to reach its API server: the service's host and
/// port (from `KUBERNETES_SERVICE_HOST` / `KUBERNETES_SERVICE_PORT`) and the
/// service-account directory (`token`, `ca.crt`, `namespace`).
///
/// ```
/// use client_core::config::InCluster;
/// let in_cluster = InCluster {
///     service_host: "fd00::1".into(),
///     service_port: "443".into(),
///     service_account_dir: "/var/run/secrets/kubernetes.io/serviceaccount".into(),
/// };
/// assert_eq!(in_cluster.server_url()?.as_str(), "https://[fd00::1]/");
/// # Ok::<(), client_core::ConfigError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InCluster {
    /// `KUBERNETES_SERVICE_HOST`: an IP address (v4 or v6) or a name.
    pub service_host: String,
    /// `KUBERNETES_SERVICE_PORT`.
    pub service_port: String,
    /// The directory holding `token`, `ca.crt` and `namespace`.
    pub service_account_dir: PathBuf,
}

impl InCluster {
    /// Reads `KUBERNETES_SERVICE_HOST` and `KUBERNETES_SERVICE_PORT`, with the standard
    /// service-account directory.
    ///
    /// # Errors
    /// [`ConfigError::NotInCluster`] when either variable is unset or empty.
    pub fn from_env() -> Result<Self, ConfigError> {
        let var = |name: &str| {
            std::env::var(name)
                .ok()
                .filter(|v| !v.is_empty())
                .ok_or_else(|| ConfigError::NotInCluster(format!("{name} is not set")))
        };
        Ok(Self {
            service_host: var("KUBERNETES_SERVICE_HOST")?,
            service_port: var("KUBERNETES_SERVICE_PORT")?,
            service_account_dir: PathBuf::from(SERVICE_ACCOUNT_DIR),
        })
    }

    /// The API server URL: `https://host:port`, with an IPv6 host in brackets.
    ///
    /// # Errors
    /// [`ConfigError::Url`] when host and port do not form a URL, [`ConfigError::NumericHost`]
    /// when the host is a number that is not a dotted-quad address.
    pub fn server_url(&self) -> Result<reqwest::Url, ConfigError> {
        let host = self
            .service_host
            .trim_start_matches('[')
            .trim_end_matches(']');
        let host = if host.contains(':') {
            format!("[{host}]")
        } else {
            host.to_owned()
        };
        let text = format!("https://{host}:{}", self.service_port);
        let url = reqwest::Url::parse(&text).map_err(|e| ConfigError::Url {
            context: "in-cluster environment".into(),
            field: "KUBERNETES_SERVICE_HOST/PORT",
            reason: e.to_string(),
        })?;
        super::server_url::check_host(
            &text,
            &url,
            "in-cluster environment",
            "KUBERNETES_SERVICE_HOST",
        )?;
        Ok(url)
    }

    /// Builds the config: the service URL, the service-account token file (re-read every
    /// [`Config::token_reload_period`], so rotated tokens are picked up), the CA
    /// (`ca.crt`, replacing the system roots) and the namespace (`namespace`, else `default`).
    ///
    /// # Errors
    /// [`ConfigError::ReadFile`] when the token file cannot be read;
    /// [`ConfigError::Pem`] when `ca.crt` exists but holds no certificate;
    /// [`ConfigError::Url`] as [`InCluster::server_url`].
    pub fn to_config(&self) -> Result<Config, ConfigError> {
        let mut config = Config::new(self.server_url()?);
        let token_file = self.service_account_dir.join("token");
        // Checked now so a missing mount is reported at start-up, not on the first request.
        std::fs::metadata(&token_file).map_err(|source| ConfigError::ReadFile {
            what: "service-account token".into(),
            path: token_file.clone(),
            source,
        })?;
        config.auth.token_file = Some(token_file);

        let ca_file = self.service_account_dir.join("ca.crt");
        match super::credential_file::read_bounded(&ca_file, super::PEM_FILE_LIMIT) {
            Ok(pem) => {
                let source_name = format!("service-account CA {}", ca_file.display());
                config.tls.root_certs = Some(parse_certificates(&pem, &source_name)?);
            }
            Err(BoundedReadError::Io(error)) => {
                tracing::warn!(path = %ca_file.display(), %error, "no service-account CA; trusting the system roots");
            }
            Err(other) => return Err(other.into_config_error("service-account CA", &ca_file)),
        }

        let namespace_file = self.service_account_dir.join("namespace");
        let namespace = super::credential_file::read_bounded(&namespace_file, TOKEN_FILE_LIMIT)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok());
        if let Some(namespace) = namespace {
            let namespace = namespace.trim();
            if !namespace.is_empty() {
                config.default_namespace = namespace.to_owned();
            }
        }
        Ok(config)
    }
}

/// What [`Config::infer`] looks at; separate so tests need not touch the process environment.
#[derive(Clone, Debug, Default)]
pub(crate) struct InferSources {
    /// The value of `KUBECONFIG`.
    pub(crate) kubeconfig_env: Option<OsString>,
    /// The home directory (for `~/.kube/config`).
    pub(crate) home: Option<PathBuf>,
    /// The in-cluster settings, or why there are none.
    pub(crate) in_cluster: Option<InCluster>,
}

impl InferSources {
    fn from_env() -> Self {
        let home = std::env::var_os("HOME")
            .or_else(|| std::env::var_os("USERPROFILE"))
            .filter(|h| !h.is_empty())
            .map(PathBuf::from);
        Self {
            kubeconfig_env: std::env::var_os("KUBECONFIG"),
            home,
            in_cluster: InCluster::from_env().ok(),
        }
    }
}

impl Config {
    /// Finds the configuration the way kubectl and client-go do, in order:
    ///
    /// 1. `KUBECONFIG`: every listed file that exists, merged (the first file to define a
    ///    name wins; `current-context` from the first file that sets it);
    /// 2. `~/.kube/config`;
    /// 3. the in-cluster service account ([`Config::incluster`]).
    ///
    /// A source is used when it exists; an error in a kubeconfig that exists is returned
    /// rather than skipped. It reads a few small files (no network).
    ///
    /// # Errors
    /// The errors of [`Config::from_kubeconfig`] and [`InCluster::to_config`], or
    /// [`ConfigError::NoConfiguration`] listing what was tried.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), client_core::ConfigError> {
    /// let config = client_core::Config::infer().await?;
    /// println!("talking to {}", config.cluster_url);
    /// # Ok(()) }
    /// ```
    pub async fn infer() -> Result<Config, ConfigError> {
        Self::infer_from(&InferSources::from_env())
    }

    pub(crate) fn infer_from(sources: &InferSources) -> Result<Config, ConfigError> {
        let mut tried = Vec::new();
        if let Some(list) = sources.kubeconfig_env.as_deref().filter(|l| !l.is_empty()) {
            let kubeconfig = Kubeconfig::read_path_list(list)?;
            if !kubeconfig.sources.is_empty() {
                return Config::from_kubeconfig(&kubeconfig, &KubeconfigOptions::default());
            }
            tried.push(format!(
                "KUBECONFIG={} (no listed file exists)",
                Path::new(list).display()
            ));
        } else {
            tried.push("KUBECONFIG (unset)".to_owned());
        }
        match &sources.home {
            Some(home) => {
                let path = home.join(".kube").join("config");
                if path.exists() {
                    let kubeconfig = Kubeconfig::read_from(&path)?;
                    return Config::from_kubeconfig(&kubeconfig, &KubeconfigOptions::default());
                }
                tried.push(format!("{} (does not exist)", path.display()));
            }
            None => tried.push("~/.kube/config (no home directory)".to_owned()),
        }
        match &sources.in_cluster {
            Some(in_cluster) => in_cluster.to_config(),
            None => {
                tried.push("in-cluster (KUBERNETES_SERVICE_HOST/PORT unset)".to_owned());
                Err(ConfigError::NoConfiguration {
                    tried: tried.join("; "),
                })
            }
        }
    }

    /// The in-cluster configuration of a pod: see [`InCluster::to_config`].
    ///
    /// # Errors
    /// [`ConfigError::NotInCluster`] outside a pod, and those of [`InCluster::to_config`].
    ///
    /// ```no_run
    /// let config = client_core::Config::incluster()?;
    /// # Ok::<(), client_core::ConfigError>(())
    /// ```
    pub fn incluster() -> Result<Config, ConfigError> {
        InCluster::from_env()?.to_config()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    const CLUSTER_YAML: &str = "current-context: {name}\nclusters: [{name: {name}, cluster: {server: \"https://{name}.example:6443\"}}]\ncontexts: [{name: {name}, context: {cluster: {name}}}]\n";

    fn write_kubeconfig(dir: &Path, file: &str, name: &str) -> PathBuf {
        let path = dir.join(file);
        std::fs::write(&path, CLUSTER_YAML.replace("{name}", name)).unwrap();
        path
    }

    fn service_account_dir(dir: &Path) -> PathBuf {
        let sa = dir.join("sa");
        std::fs::create_dir_all(&sa).unwrap();
        std::fs::write(sa.join("token"), "sa-token\n").unwrap();
        std::fs::write(sa.join("namespace"), "kube-system\n").unwrap();
        sa
    }

    #[test]
    fn incluster_brackets_ipv6_and_reads_the_service_account() {
        let dir = tempfile::tempdir().unwrap();
        let in_cluster = InCluster {
            service_host: "fd00:10:96::1".into(),
            service_port: "6443".into(),
            service_account_dir: service_account_dir(dir.path()),
        };
        let config = in_cluster.to_config().unwrap();
        assert_eq!(config.cluster_url.as_str(), "https://[fd00:10:96::1]:6443/");
        assert_eq!(config.default_namespace, "kube-system");
        assert_eq!(
            config.auth.token_file.as_deref(),
            Some(dir.path().join("sa/token").as_path())
        );
        assert!(config.auth.token.is_none());
        // No ca.crt in this directory: system roots.
        assert!(config.tls.root_certs.is_none());
    }

    #[test]
    fn incluster_without_token_is_a_read_error() {
        let dir = tempfile::tempdir().unwrap();
        let in_cluster = InCluster {
            service_host: "10.96.0.1".into(),
            service_port: "443".into(),
            service_account_dir: dir.path().to_path_buf(),
        };
        let err = in_cluster.to_config().unwrap_err();
        assert!(matches!(err, ConfigError::ReadFile { ref path, .. } if path.ends_with("token")));
    }

    #[test]
    fn incluster_with_a_broken_ca_is_a_pem_error() {
        let dir = tempfile::tempdir().unwrap();
        let sa = service_account_dir(dir.path());
        std::fs::write(sa.join("ca.crt"), "not a certificate").unwrap();
        let in_cluster = InCluster {
            service_host: "10.96.0.1".into(),
            service_port: "443".into(),
            service_account_dir: sa,
        };
        assert!(matches!(
            in_cluster.to_config(),
            Err(ConfigError::Pem { .. })
        ));
    }

    #[test]
    fn infer_prefers_kubeconfig_env_then_home_then_in_cluster() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        std::fs::create_dir_all(home.join(".kube")).unwrap();
        write_kubeconfig(&home.join(".kube"), "config", "home");
        let env_file = write_kubeconfig(dir.path(), "env.yaml", "env");
        let in_cluster = InCluster {
            service_host: "10.96.0.1".into(),
            service_port: "443".into(),
            service_account_dir: service_account_dir(dir.path()),
        };
        let mut sources = InferSources {
            kubeconfig_env: Some(env_file.into_os_string()),
            home: Some(home.clone()),
            in_cluster: Some(in_cluster),
        };
        let host = |c: Config| c.cluster_url.host_str().unwrap().to_owned();
        assert_eq!(host(Config::infer_from(&sources).unwrap()), "env.example");

        // KUBECONFIG naming only missing files falls through to ~/.kube/config.
        sources.kubeconfig_env = Some(dir.path().join("missing.yaml").into_os_string());
        assert_eq!(host(Config::infer_from(&sources).unwrap()), "home.example");

        // An empty KUBECONFIG is ignored.
        sources.kubeconfig_env = Some(OsString::new());
        assert_eq!(host(Config::infer_from(&sources).unwrap()), "home.example");

        sources.home = Some(dir.path().join("nowhere"));
        assert_eq!(host(Config::infer_from(&sources).unwrap()), "10.96.0.1");

        sources.in_cluster = None;
        let err = Config::infer_from(&sources).unwrap_err();
        let ConfigError::NoConfiguration { tried } = &err else {
            panic!("expected NoConfiguration, got {err:?}");
        };
        assert!(tried.contains("in-cluster"), "{tried}");
    }

    #[test]
    fn infer_reports_a_broken_kubeconfig_instead_of_skipping_it() {
        let dir = tempfile::tempdir().unwrap();
        let broken = dir.path().join("broken.yaml");
        std::fs::write(&broken, "clusters: [unclosed").unwrap();
        let sources = InferSources {
            kubeconfig_env: Some(broken.into_os_string()),
            ..InferSources::default()
        };
        assert!(matches!(
            Config::infer_from(&sources),
            Err(ConfigError::Yaml { path: Some(_), .. })
        ));
    }
}
