//! Authentication at request time: the `Authorization` header, impersonation headers and
//! the client certificate, refreshed from token files and exec plugins as they expire.
//!
//! The [`Authenticator`] is built once per client from a [`Config`] and shared by
//! every request. Credential sources, in order of precedence: credentials in the server
//! URL (`https://user:password@host`, sent as basic authentication, as client-go does), an
//! exec plugin, a token file, a static token, basic authentication. Exactly one
//! `Authorization` header is ever produced. A client certificate (static, or the
//! exec plugin's) is presented in TLS handshakes alongside any of them.
//!
//! How [`crate::RestClient`] wires it. No priming is needed: `authorization()` runs
//! before each request is sent, so an exec plugin's certificate is in the resolver
//! before the handshake of the first connection.
//!
//! ```text
//! let auth = Authenticator::new(&config)?;               // ConfigError
//! let tls = tls::rustls_config(&config.tls, auth.client_cert_resolver())?;
//! let http = reqwest::Client::builder().tls_backend_preconfigured(tls).build()?;
//! // per request:
//! if let Some(value) = auth.authorization().await? { headers.insert(AUTHORIZATION, value); }
//! auth.apply_impersonation(&mut headers);
//! // on a 401: auth.invalidate(), then retry once with fresh credentials.
//! ```

mod client_cert;
mod exec;
mod impersonation;
mod plugin_process;

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use base64::Engine as _;
use http::{HeaderMap, HeaderName, HeaderValue};
use tokio::time::Instant;

pub(crate) use client_cert::CertResolver;
use exec::ExecPlugin;

use crate::SecretString;
use crate::config::{BoundedReadError, Config, ConfigError, TOKEN_FILE_LIMIT, read_bounded_async};

/// How long an exec plugin may run before it is killed.
pub(crate) const DEFAULT_EXEC_TIMEOUT: Duration = Duration::from_secs(60);

/// Why credentials could not be obtained for a request.
///
/// Messages name the file or command at fault, never a credential.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The token file could not be read (and no earlier token is available).
    #[error("cannot read token file {}", path.display())]
    TokenFile {
        /// The token file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },

    /// The token file is a device, FIFO or socket, so it was not read.
    #[error("token file {} is not a regular file ({kind})", path.display())]
    TokenFileNotRegular {
        /// The token file.
        path: PathBuf,
        /// What it is instead (`a character device`, `a FIFO`, …).
        kind: &'static str,
    },

    /// The token file holds more than [`crate::config::TOKEN_FILE_LIMIT`] bytes, so it was not read.
    #[error("token file {} is larger than the limit of {limit} bytes", path.display())]
    TokenFileTooLarge {
        /// The token file.
        path: PathBuf,
        /// The limit, in bytes.
        limit: u64,
    },

    /// The token file is empty.
    #[error("token file {} is empty", path.display())]
    EmptyTokenFile {
        /// The token file.
        path: PathBuf,
    },

    /// A token or password cannot be sent in an HTTP header (it contains control characters).
    #[error("the {what} contains characters not allowed in an HTTP header")]
    InvalidHeaderValue {
        /// Which credential (`token from tokenFile /path`, `exec plugin token`, …).
        what: String,
    },

    /// The exec plugin could not be started (typically: command not found).
    #[error("cannot run exec plugin {}{}", command.display(), install_hint.as_deref().map(|h| format!(": {h}")).unwrap_or_default())]
    ExecStart {
        /// The command.
        command: PathBuf,
        /// The kubeconfig's `installHint`, if any.
        install_hint: Option<String>,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },

    /// The exec plugin exited unsuccessfully.
    #[error("exec plugin {} failed ({status}): {stderr}", command.display())]
    ExecFailed {
        /// The command.
        command: PathBuf,
        /// Its exit status.
        status: String,
        /// The end of what it wrote to stderr (at most 1 KiB), with
        /// anything that looks like a credential replaced by `[redacted]`; its stdout is
        /// never shown.
        stderr: String,
    },

    /// The exec plugin ran longer than allowed and was killed, with every process it
    /// started (its process group, on Unix).
    #[error("exec plugin {} did not finish within {after:?}", command.display())]
    ExecTimeout {
        /// The command.
        command: PathBuf,
        /// The time limit.
        after: Duration,
    },

    /// The exec plugin printed more than 4 MiB on stdout (an `ExecCredential` is a few
    /// KiB); it was killed, with every process it started.
    #[error("exec plugin {} printed more than the limit of {limit} bytes", command.display())]
    ExecOutputTooLarge {
        /// The command.
        command: PathBuf,
        /// The limit, in bytes.
        limit: usize,
    },

    /// The exec plugin's output is not a usable `ExecCredential`.
    #[error("exec plugin {}: {problem}", command.display())]
    ExecOutput {
        /// The command.
        command: PathBuf,
        /// What is wrong (never the output itself).
        problem: String,
    },

    /// The exec plugin's client certificate or key cannot be used.
    #[error("exec plugin {}: {problem}", command.display())]
    ExecClientCertificate {
        /// The command.
        command: PathBuf,
        /// What is wrong with the certificate or key.
        problem: String,
    },
}

/// Produces the credentials of each request; cheap to clone (an `Arc` inside).
///
/// Build it with [`Authenticator::new`]; when the config has an exec plugin that may
/// hand out client certificates, `prime().await` it before the first TLS handshake.
#[derive(Clone)]
pub(crate) struct Authenticator {
    inner: Arc<Inner>,
}

struct Inner {
    credential: Credential,
    impersonation: Vec<(HeaderName, HeaderValue)>,
    cert_resolver: Option<Arc<CertResolver>>,
}

enum Credential {
    None,
    /// A static bearer token or basic authentication.
    Fixed(HeaderValue),
    TokenFile(TokenFileSource),
    Exec(ExecSource),
}

/// A cached header and the instant it stops being fresh (`None`: never).
#[derive(Clone)]
struct Cached {
    header: Option<HeaderValue>,
    fresh_until: Option<Instant>,
}

impl Cached {
    fn is_fresh(&self) -> bool {
        self.fresh_until.is_none_or(|until| Instant::now() < until)
    }
}

/// Shared cache logic: a fast path under a std mutex, and one refresh at a time.
struct Refreshing {
    cache: Mutex<Option<Cached>>,
    refresh: tokio::sync::Mutex<()>,
}

impl Refreshing {
    fn new() -> Self {
        Self {
            cache: Mutex::new(None),
            refresh: tokio::sync::Mutex::new(()),
        }
    }

    fn fresh(&self) -> Option<Option<HeaderValue>> {
        let cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        cache
            .as_ref()
            .filter(|c| c.is_fresh())
            .map(|c| c.header.clone())
    }

    fn last(&self) -> Option<Cached> {
        self.cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn store(&self, cached: Cached) {
        *self.cache.lock().unwrap_or_else(PoisonError::into_inner) = Some(cached);
    }

    fn invalidate(&self) {
        if let Some(cached) = self
            .cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_mut()
        {
            cached.fresh_until = Some(Instant::now());
        }
    }
}

struct TokenFileSource {
    path: PathBuf,
    period: Duration,
    /// The static token, used until the file has been read once successfully.
    fallback: Option<HeaderValue>,
    state: Refreshing,
}

struct ExecSource {
    plugin: ExecPlugin,
    state: Refreshing,
    certs: Arc<CertResolver>,
}

impl Authenticator {
    /// Prepares the credentials of `config.auth` and the headers of `config.impersonate`.
    ///
    /// Reads nothing yet: token files and exec plugins are read and run on the first
    /// [`Authenticator::authorization`] (or [`Authenticator::prime`]).
    ///
    /// # Errors
    /// [`ConfigError::Pem`] when the static client certificate or key cannot be used,
    /// [`ConfigError::Credential`] when a static token or password cannot be a header value,
    /// [`ConfigError::Impersonation`] when impersonation values cannot be headers.
    pub(crate) fn new(config: &Config) -> Result<Self, ConfigError> {
        Self::with_exec_timeout(config, DEFAULT_EXEC_TIMEOUT)
    }

    /// As [`Authenticator::new`], killing an exec plugin that runs longer than `exec_timeout`.
    ///
    /// # Errors
    /// As [`Authenticator::new`].
    pub(crate) fn with_exec_timeout(
        config: &Config,
        exec_timeout: Duration,
    ) -> Result<Self, ConfigError> {
        let auth = &config.auth;
        let static_cert = match &auth.client_certificate {
            Some(cert) => Some(
                client_cert::certified_key(&cert.cert_pem, cert.key_pem.expose().as_bytes())
                    .map_err(|problem| ConfigError::Pem {
                        source_name: "client certificate".into(),
                        problem,
                    })?,
            ),
            None => None,
        };
        let static_header = match (&auth.token, &auth.basic) {
            (Some(token), _) => Some(bearer(token, "token")?),
            (None, Some(basic)) => Some(basic_header(&basic.username, &basic.password)?),
            (None, None) => None,
        };

        let mut cert_resolver = None;
        if let Some(cert) = static_cert {
            let resolver = CertResolver::empty();
            resolver.replace(cert);
            cert_resolver = Some(resolver);
        }
        let credential = if let Some(header) = url_credentials(&config.cluster_url)? {
            // As client-go: Go's HTTP client turns URL credentials into basic
            // authentication before client-go's token, basic and exec layers run, and each
            // of those leaves an existing `Authorization` header alone. So they win, and
            // exactly one `Authorization` header is sent.
            Credential::Fixed(header)
        } else if let Some(exec) = &auth.exec {
            let certs = cert_resolver
                .get_or_insert_with(CertResolver::empty)
                .clone();
            Credential::Exec(ExecSource {
                plugin: ExecPlugin::new(exec, config, exec_timeout),
                state: Refreshing::new(),
                certs,
            })
        } else if let Some(path) = &auth.token_file {
            Credential::TokenFile(TokenFileSource {
                path: path.clone(),
                period: config.token_reload_period,
                fallback: static_header.filter(|_| auth.token.is_some()),
                state: Refreshing::new(),
            })
        } else if let Some(header) = static_header {
            Credential::Fixed(header)
        } else {
            Credential::None
        };

        let impersonation = match &config.impersonate {
            Some(impersonate) => impersonation::impersonation_headers(impersonate)?,
            None => Vec::new(),
        };
        Ok(Self {
            inner: Arc::new(Inner {
                credential,
                impersonation,
                cert_resolver,
            }),
        })
    }

    /// Runs the exec plugin once if there is one, so that a client certificate it hands
    /// out is in place before the first TLS handshake. Does nothing otherwise.
    ///
    /// # Errors
    /// Those of [`Authenticator::authorization`].
    #[cfg(test)]
    pub(crate) async fn prime(&self) -> Result<(), AuthError> {
        if matches!(self.inner.credential, Credential::Exec(_)) {
            self.authorization().await?;
        }
        Ok(())
    }

    /// The `Authorization` header of the next request (marked sensitive), if any.
    ///
    /// A token file is re-read once its last read is older than the reload period; an
    /// exec plugin is re-run once its credential expires (never, without an expiry),
    /// and its client certificate, if any, replaces the one presented in handshakes.
    ///
    /// # Errors
    /// [`AuthError`] when the token file cannot be read or the exec plugin fails.
    pub(crate) async fn authorization(&self) -> Result<Option<HeaderValue>, AuthError> {
        match &self.inner.credential {
            Credential::None => Ok(None),
            Credential::Fixed(header) => Ok(Some(header.clone())),
            Credential::TokenFile(source) => source.authorization().await,
            Credential::Exec(source) => source.authorization().await,
        }
    }

    /// Forgets the cached token, so the next [`Authenticator::authorization`] re-reads the
    /// token file or re-runs the exec plugin. The client calls it on a 401.
    pub(crate) fn invalidate(&self) {
        match &self.inner.credential {
            Credential::TokenFile(source) => source.state.invalidate(),
            Credential::Exec(source) => source.state.invalidate(),
            Credential::None | Credential::Fixed(_) => {}
        }
    }

    /// `true` when [`Authenticator::invalidate`] can bring new credentials (a token
    /// file or an exec plugin), so a 401 is worth one more try.
    pub(crate) fn can_refresh(&self) -> bool {
        matches!(
            self.inner.credential,
            Credential::TokenFile(_) | Credential::Exec(_)
        )
    }

    /// The client certificate resolver for the TLS configuration: the static certificate,
    /// or the exec plugin's latest one. `None` when no certificate can ever be presented.
    pub(crate) fn client_cert_resolver(
        &self,
    ) -> Option<Arc<dyn rustls::client::ResolvesClientCert>> {
        self.inner
            .cert_resolver
            .clone()
            .map(|resolver| resolver as Arc<dyn rustls::client::ResolvesClientCert>)
    }

    /// Adds the `Impersonate-*` headers (none unless the config impersonates).
    pub(crate) fn apply_impersonation(&self, headers: &mut HeaderMap) {
        for (name, value) in &self.inner.impersonation {
            headers.append(name.clone(), value.clone());
        }
    }
}

impl fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match &self.inner.credential {
            Credential::None => "none",
            Credential::Fixed(_) => "static",
            Credential::TokenFile(_) => "token file",
            Credential::Exec(_) => "exec plugin",
        };
        f.debug_struct("Authenticator")
            .field("credential", &kind)
            .field("impersonation_headers", &self.inner.impersonation.len())
            .field("client_certificate", &self.inner.cert_resolver.is_some())
            .finish()
    }
}

impl TokenFileSource {
    async fn authorization(&self) -> Result<Option<HeaderValue>, AuthError> {
        if let Some(header) = self.state.fresh() {
            return Ok(header);
        }
        let _refreshing = self.state.refresh.lock().await;
        if let Some(header) = self.state.fresh() {
            return Ok(header);
        }
        match self.read().await {
            Ok(header) => {
                self.state.store(Cached {
                    header: Some(header.clone()),
                    fresh_until: Some(Instant::now() + self.period),
                });
                Ok(Some(header))
            }
            Err(error) => {
                // As client-go: keep using the last good token (or the static one) when a
                // re-read fails, and try again on the next request.
                let previous = self
                    .state
                    .last()
                    .and_then(|c| c.header)
                    .or_else(|| self.fallback.clone());
                match previous {
                    Some(header) => {
                        tracing::warn!(%error, "keeping the previous token until the next reload");
                        // Try the file again after a period (or a 401), not on every request.
                        self.state.store(Cached {
                            header: Some(header.clone()),
                            fresh_until: Some(Instant::now() + self.period),
                        });
                        Ok(Some(header))
                    }
                    None => Err(error),
                }
            }
        }
    }

    async fn read(&self) -> Result<HeaderValue, AuthError> {
        let path = || self.path.clone();
        let bytes = read_bounded_async(self.path.clone(), TOKEN_FILE_LIMIT)
            .await
            .map_err(|error| match error {
                BoundedReadError::Io(source) => AuthError::TokenFile {
                    path: path(),
                    source,
                },
                BoundedReadError::NotRegular { kind } => {
                    AuthError::TokenFileNotRegular { path: path(), kind }
                }
                BoundedReadError::TooLarge { limit } => AuthError::TokenFileTooLarge {
                    path: path(),
                    limit,
                },
            })?;
        let text = String::from_utf8(bytes).map_err(|_| AuthError::TokenFile {
            path: path(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8 text"),
        })?;
        let token = text.trim();
        if token.is_empty() {
            return Err(AuthError::EmptyTokenFile {
                path: self.path.clone(),
            });
        }
        bearer_value(token).ok_or_else(|| AuthError::InvalidHeaderValue {
            what: format!("token in {}", self.path.display()),
        })
    }
}

impl ExecSource {
    async fn authorization(&self) -> Result<Option<HeaderValue>, AuthError> {
        if let Some(header) = self.state.fresh() {
            return Ok(header);
        }
        let _refreshing = self.state.refresh.lock().await;
        if let Some(header) = self.state.fresh() {
            return Ok(header);
        }
        let output = self.plugin.run().await?;
        let command = || self.plugin.command().to_path_buf();
        if let Some((cert_pem, key_pem)) = &output.client_cert {
            let key = client_cert::certified_key(cert_pem, key_pem.expose().as_bytes()).map_err(
                |problem| AuthError::ExecClientCertificate {
                    command: command(),
                    problem,
                },
            )?;
            self.certs.replace(key);
        }
        let header =
            match &output.token {
                Some(token) => Some(bearer_value(token.expose()).ok_or_else(|| {
                    AuthError::InvalidHeaderValue {
                        what: format!("token of exec plugin {}", self.plugin.command().display()),
                    }
                })?),
                None => None,
            };
        let fresh_until = output.expires.map(|expires| {
            let remaining = expires.duration_since(jiff::Timestamp::now());
            Instant::now() + Duration::try_from(remaining).unwrap_or(Duration::ZERO)
        });
        self.state.store(Cached {
            header: header.clone(),
            fresh_until,
        });
        Ok(header)
    }
}

/// The basic authentication header of credentials written into the server URL
/// (`https://user:password@host`), percent-decoded as Go's `url.Userinfo` gives them.
fn url_credentials(url: &reqwest::Url) -> Result<Option<HeaderValue>, ConfigError> {
    if url.username().is_empty() && url.password().is_none() {
        return Ok(None);
    }
    let decode = |text: &str| {
        percent_encoding::percent_decode_str(text)
            .decode_utf8()
            .map(|s| s.into_owned())
            .map_err(|_| {
                ConfigError::Credential("the server URL's user information is not UTF-8".into())
            })
    };
    let username = decode(url.username())?;
    let password = SecretString::from(decode(url.password().unwrap_or_default())?);
    basic_header(&username, &password).map(Some)
}

fn bearer_value(token: &str) -> Option<HeaderValue> {
    let mut value = HeaderValue::from_str(&format!("Bearer {token}")).ok()?;
    value.set_sensitive(true);
    Some(value)
}

fn bearer(token: &SecretString, what: &str) -> Result<HeaderValue, ConfigError> {
    bearer_value(token.expose()).ok_or_else(|| {
        ConfigError::Credential(format!(
            "the {what} contains characters not allowed in an HTTP header"
        ))
    })
}

fn basic_header(username: &str, password: &SecretString) -> Result<HeaderValue, ConfigError> {
    let encoded = base64::engine::general_purpose::STANDARD
        .encode(format!("{username}:{}", password.expose()));
    let mut value = HeaderValue::from_str(&format!("Basic {encoded}"))
        .map_err(|_| ConfigError::Credential("basic authentication cannot be encoded".into()))?;
    value.set_sensitive(true);
    Ok(value)
}

#[cfg(test)]
mod tests;

/// [`crate::fuzzing::exec_credential`]: the ExecCredential parser over
/// arbitrary plugin output.
#[cfg(feature = "fuzzing")]
pub(crate) fn parse_exec_credential_for_fuzzing(stdout: &[u8]) -> Result<(), String> {
    exec::parse_for_fuzzing(stdout)
}
