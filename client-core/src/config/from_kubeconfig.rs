//! Turning a [`Kubeconfig`] context into a [`Config`].

use std::path::{Path, PathBuf};

use base64::Engine as _;
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

use super::error::{ConfigError, EntryKind, EntryRef};
use super::kubeconfig::{ClusterEntry, Kubeconfig, NamedCluster, NamedUser, UserEntry};
use super::server_url::{check_host, parse_server_url};
use super::{AuthInfo, BasicAuth, ClientCertificate, Config, ExecConfig, Impersonation};
use crate::SecretString;

/// The exec plugin API versions this client speaks.
pub(crate) const EXEC_API_V1: &str = "client.authentication.k8s.io/v1";
/// The older exec plugin API version, still common.
pub(crate) const EXEC_API_V1BETA1: &str = "client.authentication.k8s.io/v1beta1";

/// Which parts of a kubeconfig to use instead of the current context's (`kubectl --context` and friends).
///
/// ```
/// use client_core::KubeconfigOptions;
/// let options = KubeconfigOptions { context: Some("prod".into()), ..Default::default() };
/// assert!(options.namespace.is_none());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KubeconfigOptions {
    /// Use this context instead of `current-context`.
    pub context: Option<String>,
    /// Use this cluster instead of the context's.
    pub cluster: Option<String>,
    /// Use this user instead of the context's.
    pub user: Option<String>,
    /// Use this namespace instead of the context's.
    pub namespace: Option<String>,
}

impl Config {
    /// Builds a config from a kubeconfig's context (the current one unless
    /// `options` names another), with the cluster, user and namespace
    /// overrides of `options`.
    ///
    /// Reads the certificate, key and CA files the entries name (a token
    /// file is only checked later, when requests are made, since it is re-read).
    ///
    /// # Errors
    /// [`ConfigError::MissingCurrentContext`], [`ConfigError::UnknownContext`],
    /// [`ConfigError::UnknownCluster`], [`ConfigError::UnknownUser`] when the
    /// names do not resolve; [`ConfigError::InvalidEntry`],
    /// [`ConfigError::Base64`], [`ConfigError::Pem`], [`ConfigError::Url`],
    /// [`ConfigError::NumericHost`], [`ConfigError::Exec`], [`ConfigError::ReadFile`],
    /// [`ConfigError::NotARegularFile`], [`ConfigError::FileTooLarge`] when an entry
    /// cannot be used.
    ///
    /// A `server` without a scheme gets `https://` when the cluster has a CA or
    /// `insecure-skip-tls-verify`, or the user a client certificate, and `http://`
    /// otherwise, as client-go's `DefaultServerURL` does.
    ///
    /// ```
    /// use client_core::{Config, Kubeconfig, KubeconfigOptions};
    /// let kubeconfig = Kubeconfig::from_yaml(r#"
    /// current-context: dev
    /// clusters: [{name: dev, cluster: {server: "https://10.0.0.1:6443/prefix"}}]
    /// users: [{name: me, user: {token: abc}}]
    /// contexts: [{name: dev, context: {cluster: dev, user: me, namespace: team}}]
    /// "#)?;
    /// let config = Config::from_kubeconfig(&kubeconfig, &KubeconfigOptions::default())?;
    /// assert_eq!(config.cluster_url.as_str(), "https://10.0.0.1:6443/prefix");
    /// assert_eq!(config.default_namespace, "team");
    /// assert_eq!(config.auth.token.as_ref().map(|t| t.expose()), Some("abc"));
    /// # Ok::<(), client_core::ConfigError>(())
    /// ```
    pub fn from_kubeconfig(
        kubeconfig: &Kubeconfig,
        options: &KubeconfigOptions,
    ) -> Result<Config, ConfigError> {
        let context_name = match options.context.as_deref().filter(|c| !c.is_empty()) {
            Some(name) => name,
            None => kubeconfig.current_context.as_deref().ok_or_else(|| {
                ConfigError::MissingCurrentContext {
                    sources: kubeconfig.sources.clone(),
                }
            })?,
        };
        let context =
            kubeconfig
                .context(context_name)
                .ok_or_else(|| ConfigError::UnknownContext {
                    name: context_name.to_owned(),
                    sources: kubeconfig.sources.clone(),
                })?;
        let context_ref = EntryRef {
            kind: EntryKind::Context,
            name: context.name.clone(),
            origin: context.origin.clone(),
        };

        let (cluster_name, cluster_referrer) = match non_empty(&options.cluster) {
            Some(name) => (name, "override".to_owned()),
            None => (context.context.cluster.as_str(), context_ref.to_string()),
        };
        let cluster =
            kubeconfig
                .cluster(cluster_name)
                .ok_or_else(|| ConfigError::UnknownCluster {
                    name: cluster_name.to_owned(),
                    referrer: cluster_referrer,
                })?;

        let (user_name, user_referrer) = match non_empty(&options.user) {
            Some(name) => (name, "override".to_owned()),
            None => (context.context.user.as_str(), context_ref.to_string()),
        };
        let user = if user_name.is_empty() {
            None
        } else {
            Some(
                kubeconfig
                    .user(user_name)
                    .ok_or_else(|| ConfigError::UnknownUser {
                        name: user_name.to_owned(),
                        referrer: user_referrer,
                    })?,
            )
        };

        // client-go's `defaultServerUrlFor` also counts the user's client certificate
        // when it picks the scheme of a scheme-less server.
        let user_has_cert = user.is_some_and(|u| {
            u.user
                .client_certificate_data
                .as_deref()
                .is_some_and(|d| !d.is_empty())
                || u.user
                    .client_certificate
                    .as_ref()
                    .is_some_and(|p| !p.as_os_str().is_empty())
        });
        let mut config = cluster_config(cluster, user_has_cert)?;
        if let Some(namespace) =
            non_empty(&options.namespace).or(context.context.namespace.as_deref())
        {
            config.default_namespace = namespace.to_owned();
        }
        if let Some(user) = user {
            let (auth, impersonate) = user_auth(user)?;
            config.auth = auth;
            config.impersonate = impersonate;
        }
        Ok(config)
    }

    /// Reads one kubeconfig file and builds a config from its current context.
    ///
    /// # Errors
    /// Those of [`Kubeconfig::read_from`] and [`Config::from_kubeconfig`].
    ///
    /// ```no_run
    /// let config = client_core::Config::from_kubeconfig_file("/home/me/.kube/config")?;
    /// # Ok::<(), client_core::ConfigError>(())
    /// ```
    pub fn from_kubeconfig_file(path: impl AsRef<Path>) -> Result<Config, ConfigError> {
        let kubeconfig = Kubeconfig::read_from(path)?;
        Config::from_kubeconfig(&kubeconfig, &KubeconfigOptions::default())
    }
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|v| !v.is_empty())
}

fn cluster_config(named: &NamedCluster, user_has_cert: bool) -> Result<Config, ConfigError> {
    let entry_ref = EntryRef {
        kind: EntryKind::Cluster,
        name: named.name.clone(),
        origin: named.origin.clone(),
    };
    let cluster: &ClusterEntry = &named.cluster;
    let server = cluster
        .server
        .as_deref()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ConfigError::InvalidEntry {
            entry: entry_ref.clone(),
            problem: "no server".into(),
        })?;
    let has_ca = cluster
        .certificate_authority_data
        .as_deref()
        .is_some_and(|d| !d.is_empty())
        || cluster
            .certificate_authority
            .as_ref()
            .is_some_and(|p| !p.as_os_str().is_empty());
    let default_tls = has_ca || cluster.insecure_skip_tls_verify || user_has_cert;
    let cluster_url = parse_server_url(server, default_tls, &entry_ref.to_string())?;
    let mut config = Config::new(cluster_url);
    if cluster.insecure_skip_tls_verify && has_ca {
        return Err(ConfigError::InvalidEntry {
            entry: entry_ref,
            problem: "insecure-skip-tls-verify cannot be combined with a certificate-authority"
                .into(),
        });
    }
    config.tls.insecure_skip_tls_verify = cluster.insecure_skip_tls_verify;
    if let Some(ca_pem) = pem_field(
        &entry_ref,
        cluster.certificate_authority_data.as_deref(),
        "certificate-authority-data",
        cluster.certificate_authority.as_deref(),
        "certificate-authority",
    )? {
        let source_name = format!("certificate-authority of {entry_ref}");
        config.tls.root_certs = Some(parse_certificates(&ca_pem, &source_name)?);
    }
    config.tls.tls_server_name = cluster.tls_server_name.clone().filter(|n| !n.is_empty());
    if let Some(proxy) = cluster.proxy_url.as_deref().filter(|p| !p.is_empty()) {
        let proxy_url = reqwest::Url::parse(proxy).map_err(|e| ConfigError::Url {
            context: entry_ref.to_string(),
            field: "proxy-url",
            reason: e.to_string(),
        })?;
        check_host(proxy, &proxy_url, &entry_ref.to_string(), "proxy-url")?;
        config.proxy_url = Some(proxy_url);
    }
    Ok(config)
}

/// Reads a PEM value from its `*-data` field (base64, wins) or its file field.
fn pem_field(
    entry: &EntryRef,
    data: Option<&str>,
    data_field: &'static str,
    file: Option<&Path>,
    file_field: &'static str,
) -> Result<Option<Vec<u8>>, ConfigError> {
    if let Some(data) = data.filter(|d| !d.trim().is_empty()) {
        return decode_base64(data, entry, data_field).map(Some);
    }
    match file.filter(|f| !f.as_os_str().is_empty()) {
        Some(path) => super::read_config_file(
            path,
            format!("{file_field} of {entry}"),
            super::PEM_FILE_LIMIT,
        )
        .map(Some),
        None => Ok(None),
    }
}

fn decode_base64(
    data: &str,
    entry: &EntryRef,
    field: &'static str,
) -> Result<Vec<u8>, ConfigError> {
    let compact: String = data.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .map_err(|_| ConfigError::Base64 {
            entry: entry.clone(),
            field,
        })
}

/// Parses every certificate of a PEM bundle; at least one is required.
pub(crate) fn parse_certificates(
    pem: &[u8],
    source_name: &str,
) -> Result<Vec<CertificateDer<'static>>, ConfigError> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ConfigError::Pem {
            source_name: source_name.to_owned(),
            problem: format!("not valid PEM ({})", pem_error_kind(&e)),
        })?;
    if certs.is_empty() {
        return Err(ConfigError::Pem {
            source_name: source_name.to_owned(),
            problem: "no CERTIFICATE block".into(),
        });
    }
    Ok(certs)
}

/// Checks that a PEM blob holds a private key, without ever printing it.
pub(crate) fn check_private_key(pem: &[u8], source_name: &str) -> Result<(), ConfigError> {
    rustls_pki_types::PrivateKeyDer::from_pem_slice(pem)
        .map(|_| ())
        .map_err(|e| ConfigError::Pem {
            source_name: source_name.to_owned(),
            problem: match e {
                rustls_pki_types::pem::Error::NoItemsFound => "no PRIVATE KEY block".into(),
                other => format!("not valid PEM ({})", pem_error_kind(&other)),
            },
        })
}

/// A description of a PEM error that never includes the input.
fn pem_error_kind(error: &rustls_pki_types::pem::Error) -> &'static str {
    use rustls_pki_types::pem::Error;
    match error {
        Error::MissingSectionEnd { .. } => "a section has no END line",
        Error::IllegalSectionStart { .. } => "malformed BEGIN line",
        Error::Base64Decode(_) => "bad base64 inside a section",
        Error::Io(_) => "read error",
        Error::NoItemsFound => "no items found",
        _ => "malformed",
    }
}

fn user_auth(named: &NamedUser) -> Result<(AuthInfo, Option<Impersonation>), ConfigError> {
    let entry_ref = EntryRef {
        kind: EntryKind::User,
        name: named.name.clone(),
        origin: named.origin.clone(),
    };
    let user: &UserEntry = &named.user;
    if let Some(provider) = &user.auth_provider {
        return Err(ConfigError::InvalidEntry {
            entry: entry_ref,
            problem: format!(
                "auth-provider {:?} is not supported; use an exec credential plugin",
                provider.name
            ),
        });
    }
    let mut auth = AuthInfo {
        token: user.token.clone().filter(|t| !t.is_empty()),
        token_file: user
            .token_file
            .clone()
            .filter(|p| !p.as_os_str().is_empty()),
        ..AuthInfo::default()
    };

    let username = user.username.as_deref().filter(|u| !u.is_empty());
    let password = user.password.as_ref().filter(|p| !p.is_empty());
    match (username, password) {
        (Some(username), password) => {
            auth.basic = Some(BasicAuth {
                username: username.to_owned(),
                password: password.cloned().unwrap_or_default(),
            });
        }
        (None, Some(_)) => {
            return Err(ConfigError::InvalidEntry {
                entry: entry_ref,
                problem: "password without username".into(),
            });
        }
        (None, None) => {}
    }

    let cert = pem_field(
        &entry_ref,
        user.client_certificate_data.as_deref(),
        "client-certificate-data",
        user.client_certificate.as_deref(),
        "client-certificate",
    )?;
    let key = pem_field(
        &entry_ref,
        user.client_key_data.as_ref().map(SecretString::expose),
        "client-key-data",
        user.client_key.as_deref(),
        "client-key",
    )?;
    match (cert, key) {
        (Some(cert_pem), Some(key_pem)) => {
            parse_certificates(&cert_pem, &format!("client-certificate of {entry_ref}"))?;
            check_private_key(&key_pem, &format!("client-key of {entry_ref}"))?;
            let key_pem = String::from_utf8(key_pem).map_err(|_| ConfigError::Pem {
                source_name: format!("client-key of {entry_ref}"),
                problem: "not UTF-8 text".into(),
            })?;
            auth.client_certificate = Some(ClientCertificate {
                cert_pem,
                key_pem: SecretString::from(key_pem),
            });
        }
        (Some(_), None) => {
            return Err(ConfigError::InvalidEntry {
                entry: entry_ref,
                problem: "client-certificate without client-key".into(),
            });
        }
        (None, Some(_)) => {
            return Err(ConfigError::InvalidEntry {
                entry: entry_ref,
                problem: "client-key without client-certificate".into(),
            });
        }
        (None, None) => {}
    }

    if let Some(exec) = &user.exec {
        auth.exec = Some(exec_config(exec, &entry_ref)?);
    }

    let impersonate = impersonation(user);
    Ok((auth, impersonate))
}

fn exec_config(
    exec: &super::kubeconfig::ExecEntry,
    entry_ref: &EntryRef,
) -> Result<ExecConfig, ConfigError> {
    let exec_error = |problem: String| ConfigError::Exec {
        entry: entry_ref.clone(),
        problem,
    };
    if exec.command.is_empty() {
        return Err(exec_error("no command".into()));
    }
    let api_version = exec.api_version.clone().unwrap_or_default();
    if api_version != EXEC_API_V1 && api_version != EXEC_API_V1BETA1 {
        return Err(exec_error(format!(
            "unsupported apiVersion {api_version:?} (expected {EXEC_API_V1} or {EXEC_API_V1BETA1})"
        )));
    }
    match exec.interactive_mode.as_deref() {
        None if api_version == EXEC_API_V1 => {
            return Err(exec_error("interactiveMode is required for v1".into()));
        }
        None | Some("Never") | Some("IfAvailable") => {}
        Some("Always") => {
            return Err(exec_error(
                "interactiveMode Always needs a terminal, and this client never gives the plugin one"
                    .into(),
            ));
        }
        Some(other) => return Err(exec_error(format!("unknown interactiveMode {other:?}"))),
    }
    let base_dir: Option<PathBuf> = entry_ref
        .origin
        .as_deref()
        .and_then(Path::parent)
        .map(Path::to_path_buf);
    Ok(ExecConfig {
        api_version,
        command: PathBuf::from(&exec.command),
        args: exec.args.clone(),
        env: exec
            .env
            .iter()
            .map(|var| (var.name.clone(), var.value.clone()))
            .collect(),
        provide_cluster_info: exec.provide_cluster_info,
        install_hint: exec.install_hint.clone().filter(|h| !h.is_empty()),
        base_dir,
    })
}

fn impersonation(user: &UserEntry) -> Option<Impersonation> {
    let impersonate = Impersonation {
        user: user.impersonate.clone().filter(|u| !u.is_empty()),
        uid: user.impersonate_uid.clone().filter(|u| !u.is_empty()),
        groups: user.impersonate_groups.clone(),
        extra: user.impersonate_user_extra.clone(),
    };
    let empty = impersonate.user.is_none()
        && impersonate.uid.is_none()
        && impersonate.groups.is_empty()
        && impersonate.extra.is_empty();
    (!empty).then_some(impersonate)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn entry() -> EntryRef {
        EntryRef {
            kind: EntryKind::Cluster,
            name: "c".into(),
            origin: None,
        }
    }

    #[test]
    fn base64_with_line_breaks_is_accepted() {
        assert_eq!(
            decode_base64("aGVs\n bG8=", &entry(), "x").unwrap(),
            b"hello"
        );
        assert!(matches!(
            decode_base64("!!", &entry(), "certificate-authority-data"),
            Err(ConfigError::Base64 {
                field: "certificate-authority-data",
                ..
            })
        ));
    }
}
