//! Client configuration: where the API server is, how to trust it, who we are.
//!
//! A [`Config`] comes from a kubeconfig file, from the in-cluster service
//! account, or is written out by hand with [`Config::new`]; [`Config::infer`]
//! picks the first of `KUBECONFIG`, `~/.kube/config` and in-cluster.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use rustls_pki_types::CertificateDer;

use crate::SecretString;

mod credential_file;
pub mod error;
mod from_kubeconfig;
mod incluster;
pub mod kubeconfig;
mod server_url;

pub(crate) use credential_file::{BoundedReadError, read_bounded_async, read_config_file};
pub use credential_file::{KUBECONFIG_LIMIT, PEM_FILE_LIMIT, TOKEN_FILE_LIMIT};
pub use error::ConfigError;
pub use from_kubeconfig::KubeconfigOptions;
pub use incluster::{InCluster, SERVICE_ACCOUNT_DIR};
pub use kubeconfig::Kubeconfig;
pub(crate) use server_url::{redact_userinfo, without_userinfo};

/// Everything a [`crate::RestClient`] needs to reach and authenticate to an API server.
///
/// `Debug` never prints a secret, including credentials written into `cluster_url` or
/// `proxy_url` (`https://user:password@host`).
///
/// A `cluster_url` with credentials (`https://user:password@host`) authenticates with
/// them as HTTP basic authentication, in place of every credential of [`AuthInfo`], as
/// client-go does (Go's HTTP client sets them before client-go's authentication layers,
/// which then leave an existing `Authorization` header alone).
#[derive(Clone)]
pub struct Config {
    /// The API server's URL; it may carry a path prefix (`https://host/prefix`).
    pub cluster_url: reqwest::Url,
    /// The namespace to use when the user names none (`default` unless configured).
    pub default_namespace: String,
    /// How the server's certificate is verified.
    pub tls: TlsOptions,
    /// Who the client is.
    pub auth: AuthInfo,
    /// Impersonation headers to send (`kubectl --as`).
    pub impersonate: Option<Impersonation>,
    /// An HTTP(S) proxy for every request.
    pub proxy_url: Option<reqwest::Url>,
    /// The default timeout of one request (also sent as `?timeout=`); `None` waits forever.
    pub timeout: Option<Duration>,
    /// How long a TCP + TLS connect may take.
    pub connect_timeout: Duration,
    /// The `User-Agent`; `None` uses `client-core/VERSION (OS/ARCH)`.
    pub user_agent: Option<String>,
    /// Client-side rate limit in requests per second; `0` or less disables it. Default 5.
    pub qps: f32,
    /// Burst of the client-side rate limiter. Default 10.
    pub burst: u32,
    /// How many times a retryable answer (429/5xx with `Retry-After`) is retried. Default 10.
    pub max_retries: u32,
    /// How often a token file is re-read. Default one minute.
    pub token_reload_period: Duration,
    /// The largest response body the client reads, in bytes; a larger one
    /// fails with [`crate::Error::ResponseTooLarge`]. Default
    /// [`DEFAULT_MAX_RESPONSE_BYTES`] (256 MiB). Error answers are read up
    /// to [`ERROR_BODY_LIMIT`] only, and watch events are bounded per frame.
    pub max_response_bytes: usize,
}

/// The default of [`Config::max_response_bytes`]: 256 MiB, room for a list
/// of tens of thousands of objects, yet a bound on what a broken or hostile
/// server can make the client hold.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 256 * 1024 * 1024;

/// How much of an error answer's body the client reads: a `Status` is a
/// few kilobytes; the rest of a larger body is dropped unread.
pub const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// How the server's certificate is verified.
#[derive(Clone, Debug, Default)]
pub struct TlsOptions {
    /// Roots to trust instead of the system's (a kubeconfig CA replaces the
    /// system roots). `None` trusts the system roots.
    pub root_certs: Option<Vec<CertificateDer<'static>>>,
    /// Skip verification entirely. Only when the user asked for it explicitly.
    pub insecure_skip_tls_verify: bool,
    /// Verify the server's certificate against this name instead of the URL's host.
    pub tls_server_name: Option<String>,
}

/// The credentials of a user, as a kubeconfig `user` entry holds them.
#[derive(Clone, Debug, Default)]
pub struct AuthInfo {
    /// A static bearer token.
    pub token: Option<SecretString>,
    /// A file holding a bearer token, re-read every [`Config::token_reload_period`].
    pub token_file: Option<PathBuf>,
    /// HTTP basic authentication.
    pub basic: Option<BasicAuth>,
    /// A client certificate and its key, both PEM.
    pub client_certificate: Option<ClientCertificate>,
    /// An exec credential plugin.
    pub exec: Option<ExecConfig>,
}

/// HTTP basic authentication.
#[derive(Clone, Debug)]
pub struct BasicAuth {
    /// The user name.
    pub username: String,
    /// The password (redacted in `Debug`).
    pub password: SecretString,
}

/// A PEM client certificate chain and its PEM private key.
#[derive(Clone, Debug)]
pub struct ClientCertificate {
    /// The certificate chain, PEM.
    pub cert_pem: Vec<u8>,
    /// The private key, PEM (redacted in `Debug`).
    pub key_pem: SecretString,
}

/// An exec credential plugin (`client.authentication.k8s.io` v1 or v1beta1).
#[derive(Clone, Debug)]
pub struct ExecConfig {
    /// `client.authentication.k8s.io/v1` or `client.authentication.k8s.io/v1beta1`.
    pub api_version: String,
    /// The program to run; relative paths were resolved against the kubeconfig's directory.
    pub command: PathBuf,
    /// Its arguments.
    pub args: Vec<String>,
    /// Extra environment variables (values may be secret: redacted in `Debug`).
    pub env: Vec<(String, SecretString)>,
    /// Whether the plugin wants `KUBERNETES_EXEC_INFO` to carry cluster information.
    pub provide_cluster_info: bool,
    /// The kubeconfig's `installHint`, shown when the command cannot be found.
    pub install_hint: Option<String>,
    /// The directory relative commands and paths resolve against.
    pub base_dir: Option<PathBuf>,
}

/// Impersonation: act as another user (`Impersonate-*` headers).
#[derive(Clone, Debug, Default)]
pub struct Impersonation {
    /// `Impersonate-User`.
    pub user: Option<String>,
    /// `Impersonate-Uid`.
    pub uid: Option<String>,
    /// `Impersonate-Group`, one header each.
    pub groups: Vec<String>,
    /// `Impersonate-Extra-{key}`, one header per value.
    pub extra: BTreeMap<String, Vec<String>>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("cluster_url", &redact_userinfo(self.cluster_url.as_str()))
            .field("default_namespace", &self.default_namespace)
            .field("tls", &self.tls)
            .field("auth", &self.auth)
            .field("impersonate", &self.impersonate)
            .field(
                "proxy_url",
                &self.proxy_url.as_ref().map(|u| redact_userinfo(u.as_str())),
            )
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("user_agent", &self.user_agent)
            .field("qps", &self.qps)
            .field("burst", &self.burst)
            .field("max_retries", &self.max_retries)
            .field("token_reload_period", &self.token_reload_period)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish()
    }
}

impl Config {
    /// A config for `cluster_url` with no credentials, system roots, and client-go's defaults
    /// (QPS 5, burst 10, 10 retries, namespace `default`).
    ///
    /// ```
    /// let config = client_core::Config::new("https://127.0.0.1:6443".parse().unwrap());
    /// assert_eq!(config.default_namespace, "default");
    /// assert_eq!(config.burst, 10);
    /// ```
    pub fn new(cluster_url: reqwest::Url) -> Self {
        Self {
            cluster_url,
            default_namespace: "default".to_owned(),
            tls: TlsOptions::default(),
            auth: AuthInfo::default(),
            impersonate: None,
            proxy_url: None,
            timeout: None,
            connect_timeout: Duration::from_secs(30),
            user_agent: None,
            qps: 5.0,
            burst: 10,
            max_retries: 10,
            token_reload_period: Duration::from_secs(60),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }
}
