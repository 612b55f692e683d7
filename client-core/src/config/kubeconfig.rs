//! Kubeconfig files: their types, loading one file, and merging several as kubectl does.
//!
//! Only what a client needs is modelled: clusters, users (client-go's
//! `AuthInfo`s), contexts and `current-context`. `preferences` and
//! `extensions` are accepted and ignored.
//!
//! Relative paths (`certificate-authority`, `client-certificate`,
//! `client-key`, `tokenFile`, and an exec `command` that contains a path
//! separator) are resolved against the directory of the file that names them
//! when the file is loaded, and every entry remembers that file
//! ([`NamedCluster::origin`] and friends), so that merged kubeconfigs keep
//! each entry's paths and errors can say where an entry came from.

use std::collections::HashSet;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer};

use super::error::{ConfigError, Location, strip_quoted_values};
use crate::SecretString;

/// A kubeconfig: named clusters, users and contexts, and the current context.
///
/// `Debug` never prints a secret (tokens, passwords, key data and exec
/// environment values are [`SecretString`]s).
///
/// ```
/// use client_core::Kubeconfig;
/// let yaml = r#"
/// current-context: dev
/// clusters:
/// - name: dev
///   cluster: { server: "https://127.0.0.1:6443" }
/// contexts:
/// - name: dev
///   context: { cluster: dev, namespace: team-a }
/// "#;
/// let kubeconfig = Kubeconfig::from_yaml(yaml)?;
/// assert_eq!(kubeconfig.current_context.as_deref(), Some("dev"));
/// assert_eq!(kubeconfig.clusters[0].cluster.server.as_deref(), Some("https://127.0.0.1:6443"));
/// # Ok::<(), client_core::ConfigError>(())
/// ```
#[derive(Clone, Debug, Default, Deserialize)]
#[non_exhaustive]
pub struct Kubeconfig {
    /// The `clusters` list.
    #[serde(default, deserialize_with = "null_as_default")]
    pub clusters: Vec<NamedCluster>,
    /// The `users` list.
    #[serde(default, deserialize_with = "null_as_default")]
    pub users: Vec<NamedUser>,
    /// The `contexts` list.
    #[serde(default, deserialize_with = "null_as_default")]
    pub contexts: Vec<NamedContext>,
    /// `current-context`; an empty string counts as unset.
    #[serde(
        default,
        rename = "current-context",
        deserialize_with = "empty_string_as_none"
    )]
    pub current_context: Option<String>,
    /// The files this kubeconfig was loaded from, in precedence order.
    #[serde(skip)]
    pub sources: Vec<PathBuf>,
}

/// A `clusters[]` entry.
#[derive(Clone, Debug, Default, Deserialize)]
#[non_exhaustive]
pub struct NamedCluster {
    /// The entry's name.
    pub name: String,
    /// The cluster's settings.
    #[serde(default, deserialize_with = "null_as_default")]
    pub cluster: ClusterEntry,
    /// The file that defined this entry, when loaded from a file.
    #[serde(skip)]
    pub origin: Option<PathBuf>,
}

/// Where a cluster is and how to trust it.
///
/// `Debug` hides credentials written into `server` or `proxy-url` (`https://user:password@host`).
#[derive(Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub struct ClusterEntry {
    /// The API server URL, possibly with a path prefix.
    #[serde(default)]
    pub server: Option<String>,
    /// A PEM CA bundle file (resolved against the kubeconfig's directory).
    #[serde(default)]
    pub certificate_authority: Option<PathBuf>,
    /// A base64-encoded PEM CA bundle; wins over `certificate-authority`.
    #[serde(default)]
    pub certificate_authority_data: Option<String>,
    /// Skip server certificate verification.
    #[serde(default, deserialize_with = "null_as_default")]
    pub insecure_skip_tls_verify: bool,
    /// The name to verify the server certificate against.
    #[serde(default)]
    pub tls_server_name: Option<String>,
    /// An HTTP(S) proxy URL.
    #[serde(default)]
    pub proxy_url: Option<String>,
}

impl std::fmt::Debug for ClusterEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClusterEntry")
            .field(
                "server",
                &self.server.as_deref().map(super::redact_userinfo),
            )
            .field("certificate_authority", &self.certificate_authority)
            .field(
                "certificate_authority_data",
                &self.certificate_authority_data,
            )
            .field("insecure_skip_tls_verify", &self.insecure_skip_tls_verify)
            .field("tls_server_name", &self.tls_server_name)
            .field(
                "proxy_url",
                &self.proxy_url.as_deref().map(super::redact_userinfo),
            )
            .finish()
    }
}

/// A `users[]` entry (client-go's `NamedAuthInfo`).
#[derive(Clone, Debug, Default, Deserialize)]
#[non_exhaustive]
pub struct NamedUser {
    /// The entry's name.
    pub name: String,
    /// The user's credentials.
    #[serde(default, deserialize_with = "null_as_default")]
    pub user: UserEntry,
    /// The file that defined this entry, when loaded from a file.
    #[serde(skip)]
    pub origin: Option<PathBuf>,
}

/// A user's credentials as a kubeconfig holds them (client-go's `AuthInfo`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub struct UserEntry {
    /// A PEM client certificate file.
    #[serde(default)]
    pub client_certificate: Option<PathBuf>,
    /// A base64-encoded PEM client certificate; wins over `client-certificate`.
    #[serde(default)]
    pub client_certificate_data: Option<String>,
    /// A PEM private key file.
    #[serde(default)]
    pub client_key: Option<PathBuf>,
    /// A base64-encoded PEM private key; wins over `client-key`.
    #[serde(default, deserialize_with = "secret_opt")]
    pub client_key_data: Option<SecretString>,
    /// A bearer token.
    #[serde(default, deserialize_with = "secret_opt")]
    pub token: Option<SecretString>,
    /// A file holding a bearer token, re-read periodically.
    #[serde(default, rename = "tokenFile")]
    pub token_file: Option<PathBuf>,
    /// `Impersonate-User`.
    #[serde(default, rename = "as")]
    pub impersonate: Option<String>,
    /// `Impersonate-Uid`.
    #[serde(default, rename = "as-uid")]
    pub impersonate_uid: Option<String>,
    /// `Impersonate-Group`, one per group.
    #[serde(default, rename = "as-groups", deserialize_with = "null_as_default")]
    pub impersonate_groups: Vec<String>,
    /// `Impersonate-Extra-{key}`, one per value.
    #[serde(
        default,
        rename = "as-user-extra",
        deserialize_with = "null_as_default"
    )]
    pub impersonate_user_extra: std::collections::BTreeMap<String, Vec<String>>,
    /// Basic authentication user name.
    #[serde(default)]
    pub username: Option<String>,
    /// Basic authentication password.
    #[serde(default, deserialize_with = "secret_opt")]
    pub password: Option<SecretString>,
    /// An exec credential plugin.
    #[serde(default)]
    pub exec: Option<ExecEntry>,
    /// A legacy `auth-provider` (gcp, azure, oidc); only its name is kept, it is not supported.
    #[serde(default, rename = "auth-provider")]
    pub auth_provider: Option<AuthProviderEntry>,
}

/// A legacy `auth-provider` entry. Only the name is read, to report it as unsupported.
#[derive(Clone, Debug, Default, Deserialize)]
#[non_exhaustive]
pub struct AuthProviderEntry {
    /// The provider's name (`gcp`, `oidc`, …).
    #[serde(default)]
    pub name: String,
}

/// An exec credential plugin as a kubeconfig describes it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ExecEntry {
    /// `client.authentication.k8s.io/v1` or `…/v1beta1`.
    #[serde(default)]
    pub api_version: Option<String>,
    /// The program; resolved against the kubeconfig's directory when it is a relative path
    /// containing a separator, otherwise looked up in `PATH`.
    #[serde(default)]
    pub command: String,
    /// Its arguments.
    #[serde(default, deserialize_with = "null_as_default")]
    pub args: Vec<String>,
    /// Extra environment variables.
    #[serde(default, deserialize_with = "null_as_default")]
    pub env: Vec<ExecEnvVar>,
    /// Shown when the command cannot be found.
    #[serde(default)]
    pub install_hint: Option<String>,
    /// Send the cluster's details in `KUBERNETES_EXEC_INFO`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub provide_cluster_info: bool,
    /// `Never`, `IfAvailable` or `Always` (v1 requires it; v1beta1 defaults to `IfAvailable`).
    #[serde(default)]
    pub interactive_mode: Option<String>,
}

/// One `env` entry of an exec plugin. The value is redacted in `Debug`.
#[derive(Clone, Debug, Default, Deserialize)]
#[non_exhaustive]
pub struct ExecEnvVar {
    /// The variable's name.
    pub name: String,
    /// Its value.
    #[serde(deserialize_with = "secret")]
    pub value: SecretString,
}

/// A `contexts[]` entry.
#[derive(Clone, Debug, Default, Deserialize)]
#[non_exhaustive]
pub struct NamedContext {
    /// The entry's name.
    pub name: String,
    /// Which cluster, user and namespace.
    #[serde(default, deserialize_with = "null_as_default")]
    pub context: ContextEntry,
    /// The file that defined this entry, when loaded from a file.
    #[serde(skip)]
    pub origin: Option<PathBuf>,
}

/// A context: a cluster, a user and a default namespace.
#[derive(Clone, Debug, Default, Deserialize)]
#[non_exhaustive]
pub struct ContextEntry {
    /// The cluster's name.
    #[serde(default)]
    pub cluster: String,
    /// The user's name; empty means no credentials.
    #[serde(default, deserialize_with = "null_as_default")]
    pub user: String,
    /// The default namespace; empty means `default`.
    #[serde(default, deserialize_with = "empty_string_as_none")]
    pub namespace: Option<String>,
}

impl Kubeconfig {
    /// Parses a kubeconfig from YAML text. Relative paths stay relative.
    ///
    /// An empty document is an empty kubeconfig.
    ///
    /// # Errors
    /// [`ConfigError::Yaml`] with the location when the text is not a kubeconfig.
    pub fn from_yaml(text: &str) -> Result<Self, ConfigError> {
        parse_yaml(text, None)
    }

    /// Reads one kubeconfig file, resolving its relative paths against its
    /// directory and recording it as every entry's origin.
    ///
    /// # Errors
    /// [`ConfigError::ReadFile`] when the file cannot be read,
    /// [`ConfigError::NotARegularFile`] for a device, FIFO or directory,
    /// [`ConfigError::FileTooLarge`] beyond [`super::KUBECONFIG_LIMIT`],
    /// [`ConfigError::Yaml`] when it is not a kubeconfig.
    ///
    /// ```no_run
    /// let kubeconfig = client_core::Kubeconfig::read_from("/home/me/.kube/config")?;
    /// # Ok::<(), client_core::ConfigError>(())
    /// ```
    pub fn read_from(path: impl AsRef<Path>) -> Result<Self, ConfigError> {
        let path = path.as_ref();
        let bytes = super::read_config_file(path, "kubeconfig", super::KUBECONFIG_LIMIT)?;
        let text = String::from_utf8(bytes).map_err(|e| ConfigError::Yaml {
            path: Some(path.to_path_buf()),
            location: None,
            message: format!(
                "not UTF-8 (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        })?;
        let mut kubeconfig = parse_yaml(&text, Some(path))?;
        let dir = path.parent().unwrap_or_else(|| Path::new(""));
        kubeconfig.resolve_relative_paths(dir);
        kubeconfig.set_origin(path);
        Ok(kubeconfig)
    }

    /// Reads and merges several kubeconfig files as kubectl merges a `KUBECONFIG` list.
    ///
    /// For each cluster, user and context name, the first file that defines
    /// it wins; `current-context` comes from the first file that sets it.
    /// Files that do not exist are skipped; an empty path is ignored.
    ///
    /// # Errors
    /// Any error of [`Kubeconfig::read_from`] other than a missing file.
    pub fn read_merged<P: AsRef<Path>>(
        paths: impl IntoIterator<Item = P>,
    ) -> Result<Self, ConfigError> {
        let mut merged = Kubeconfig::default();
        let mut seen = HashSet::new();
        for path in paths {
            let path = path.as_ref();
            if path.as_os_str().is_empty() || !seen.insert(path.to_path_buf()) {
                continue;
            }
            match Kubeconfig::read_from(path) {
                Ok(next) => merged = merged.merge(next),
                Err(ConfigError::ReadFile { source, .. })
                    if source.kind() == std::io::ErrorKind::NotFound =>
                {
                    tracing::debug!(path = %path.display(), "skipping missing kubeconfig");
                }
                Err(other) => return Err(other),
            }
        }
        Ok(merged)
    }

    /// Reads the files a `KUBECONFIG`-style value lists (separated by `:`, or
    /// `;` on Windows), merged by [`Kubeconfig::read_merged`].
    ///
    /// # Errors
    /// As [`Kubeconfig::read_merged`].
    pub fn read_path_list(list: &OsStr) -> Result<Self, ConfigError> {
        Self::read_merged(std::env::split_paths(list))
    }

    /// Merges `other` into `self`: entries and `current-context` already in
    /// `self` win; `other` only fills in names `self` does not define.
    ///
    /// ```
    /// use client_core::Kubeconfig;
    /// let first = Kubeconfig::from_yaml("current-context: a\ncontexts: [{name: a, context: {cluster: one}}]")?;
    /// let second = Kubeconfig::from_yaml("current-context: b\ncontexts: [{name: a, context: {cluster: two}}, {name: b}]")?;
    /// let merged = first.merge(second);
    /// assert_eq!(merged.current_context.as_deref(), Some("a"));
    /// assert_eq!(merged.contexts.len(), 2);
    /// assert_eq!(merged.contexts[0].context.cluster, "one");
    /// # Ok::<(), client_core::ConfigError>(())
    /// ```
    #[must_use]
    pub fn merge(mut self, other: Kubeconfig) -> Self {
        if self.current_context.is_none() {
            self.current_context = other.current_context;
        }
        merge_named(&mut self.clusters, other.clusters, |c| &c.name);
        merge_named(&mut self.users, other.users, |u| &u.name);
        merge_named(&mut self.contexts, other.contexts, |c| &c.name);
        for source in other.sources {
            if !self.sources.contains(&source) {
                self.sources.push(source);
            }
        }
        self
    }

    /// The context called `name`.
    pub fn context(&self, name: &str) -> Option<&NamedContext> {
        self.contexts.iter().find(|c| c.name == name)
    }

    /// The cluster called `name`.
    pub fn cluster(&self, name: &str) -> Option<&NamedCluster> {
        self.clusters.iter().find(|c| c.name == name)
    }

    /// The user called `name`.
    pub fn user(&self, name: &str) -> Option<&NamedUser> {
        self.users.iter().find(|u| u.name == name)
    }

    fn resolve_relative_paths(&mut self, dir: &Path) {
        for cluster in &mut self.clusters {
            resolve(&mut cluster.cluster.certificate_authority, dir);
        }
        for user in &mut self.users {
            let entry = &mut user.user;
            resolve(&mut entry.client_certificate, dir);
            resolve(&mut entry.client_key, dir);
            resolve(&mut entry.token_file, dir);
            if let Some(exec) = &mut entry.exec {
                let command = Path::new(&exec.command);
                if command_has_separator(&exec.command) && command.is_relative() {
                    exec.command = dir.join(command).to_string_lossy().into_owned();
                }
            }
        }
    }

    fn set_origin(&mut self, path: &Path) {
        for cluster in &mut self.clusters {
            cluster.origin = Some(path.to_path_buf());
        }
        for user in &mut self.users {
            user.origin = Some(path.to_path_buf());
        }
        for context in &mut self.contexts {
            context.origin = Some(path.to_path_buf());
        }
        self.sources = vec![path.to_path_buf()];
    }
}

fn command_has_separator(command: &str) -> bool {
    command.contains('/') || command.contains(std::path::MAIN_SEPARATOR)
}

fn resolve(path: &mut Option<PathBuf>, dir: &Path) {
    if let Some(p) = path
        && !p.as_os_str().is_empty()
        && p.is_relative()
    {
        *p = dir.join(&*p);
    }
}

fn merge_named<T>(into: &mut Vec<T>, from: Vec<T>, name: impl Fn(&T) -> &String) {
    for item in from {
        if !into.iter().any(|existing| name(existing) == name(&item)) {
            into.push(item);
        }
    }
}

fn parse_yaml(text: &str, path: Option<&Path>) -> Result<Kubeconfig, ConfigError> {
    let parsed: Result<Option<Kubeconfig>, _> = serde_yaml_ng::from_str(text);
    match parsed {
        Ok(kubeconfig) => Ok(kubeconfig.unwrap_or_default()),
        Err(err) => {
            // An empty or comment-only document is an empty kubeconfig, as for kubectl.
            if text.lines().all(|l| {
                let l = l.trim();
                l.is_empty() || l.starts_with('#') || l == "---"
            }) {
                return Ok(Kubeconfig::default());
            }
            Err(ConfigError::Yaml {
                path: path.map(Path::to_path_buf),
                location: err.location().map(|l| Location {
                    line: l.line(),
                    column: l.column(),
                }),
                message: strip_quoted_values(&err.to_string()),
            })
        }
    }
}

fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

fn empty_string_as_none<'de, D>(deserializer: D) -> Result<Option<String>, D::Error>
where
    D: Deserializer<'de>,
{
    Ok(Option::<String>::deserialize(deserializer)?.filter(|s| !s.is_empty()))
}

fn secret_opt<'de, D>(deserializer: D) -> Result<Option<SecretString>, D::Error>
where
    D: Deserializer<'de>,
{
    Ok(Option::<String>::deserialize(deserializer)?.map(SecretString::from))
}

fn secret<'de, D>(deserializer: D) -> Result<SecretString, D::Error>
where
    D: Deserializer<'de>,
{
    Ok(SecretString::from(String::deserialize(deserializer)?))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn null_lists_and_entries_are_empty() {
        let kubeconfig = Kubeconfig::from_yaml(
            "clusters: null\nusers:\n- name: u\n  user: null\ncontexts: ~\ncurrent-context: \"\"\n",
        )
        .unwrap();
        assert!(kubeconfig.clusters.is_empty());
        assert_eq!(kubeconfig.users.len(), 1);
        assert!(kubeconfig.users[0].user.token.is_none());
        assert!(kubeconfig.current_context.is_none());
    }

    #[test]
    fn empty_and_comment_only_documents_are_empty_kubeconfigs() {
        for text in ["", "   \n", "# nothing here\n", "---\n"] {
            let kubeconfig = Kubeconfig::from_yaml(text).unwrap();
            assert!(kubeconfig.contexts.is_empty(), "{text:?}");
        }
    }

    #[test]
    fn yaml_error_has_location_and_no_value() {
        let err = Kubeconfig::from_yaml(
            "clusters:\n- name: c\n  cluster:\n    insecure-skip-tls-verify: hunter2\n",
        )
        .unwrap_err();
        let ConfigError::Yaml {
            location, message, ..
        } = &err
        else {
            panic!("expected a YAML error, got {err:?}");
        };
        assert_eq!(location.map(|l| l.line), Some(4));
        assert!(!message.contains("hunter2"), "{message}");
        assert!(!err.to_string().contains("hunter2"));
    }

    #[test]
    fn exec_command_resolution_needs_a_separator() {
        let mut kubeconfig = Kubeconfig::from_yaml(
            "users:\n- name: a\n  user: {exec: {command: ./bin/plugin}}\n- name: b\n  user: {exec: {command: plugin}}\n- name: c\n  user: {exec: {command: /abs/plugin}}\n",
        )
        .unwrap();
        kubeconfig.resolve_relative_paths(Path::new("/base"));
        let commands: Vec<_> = kubeconfig
            .users
            .iter()
            .map(|u| u.user.exec.as_ref().unwrap().command.clone())
            .collect();
        assert_eq!(commands, ["/base/./bin/plugin", "plugin", "/abs/plugin"]);
    }
}
