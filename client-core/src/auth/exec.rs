//! Running an exec credential plugin (`client.authentication.k8s.io` v1 / v1beta1).

use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine as _;
use serde::Deserialize;

use super::AuthError;
use super::plugin_process::{self, RunError};
use crate::SecretString;
use crate::config::{Config, ExecConfig};

/// What the plugin printed, once checked.
pub(crate) struct ExecOutput {
    /// `status.token`.
    pub(crate) token: Option<SecretString>,
    /// `status.clientCertificateData` and `status.clientKeyData`, PEM.
    pub(crate) client_cert: Option<(Vec<u8>, SecretString)>,
    /// `status.expirationTimestamp`; `None` means the credential does not expire.
    pub(crate) expires: Option<jiff::Timestamp>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExecCredential {
    #[serde(default)]
    api_version: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    status: Option<ExecCredentialStatus>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExecCredentialStatus {
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    client_certificate_data: Option<String>,
    #[serde(default)]
    client_key_data: Option<String>,
    #[serde(default)]
    expiration_timestamp: Option<String>,
}

/// How the plugin is started: its configuration and the `KUBERNETES_EXEC_INFO` it receives.
pub(crate) struct ExecPlugin {
    config: ExecConfig,
    exec_info: String,
    timeout: Duration,
}

impl ExecPlugin {
    /// Prepares the plugin of `config.auth.exec`, with the cluster details if it asks for them.
    pub(crate) fn new(exec: &ExecConfig, config: &Config, timeout: Duration) -> Self {
        Self {
            exec_info: exec_info(exec, config).to_string(),
            config: exec.clone(),
            timeout,
        }
    }

    /// The command, for messages.
    pub(crate) fn command(&self) -> &Path {
        &self.config.command
    }

    fn command_name(&self) -> PathBuf {
        self.config.command.clone()
    }

    /// Runs the plugin once and checks what it printed.
    ///
    /// # Errors
    /// [`AuthError::ExecStart`], [`AuthError::ExecFailed`], [`AuthError::ExecTimeout`],
    /// [`AuthError::ExecOutputTooLarge`], [`AuthError::ExecOutput`].
    pub(crate) async fn run(&self) -> Result<ExecOutput, AuthError> {
        let mut command = tokio::process::Command::new(&self.config.command);
        command
            .args(&self.config.args)
            .env("KUBERNETES_EXEC_INFO", &self.exec_info);
        for (name, value) in &self.config.env {
            command.env(name, value.expose());
        }
        let child = plugin_process::spawn(command).map_err(|source| AuthError::ExecStart {
            command: self.command_name(),
            install_hint: self.config.install_hint.clone(),
            source,
        })?;
        let finished =
            plugin_process::run(child, self.timeout)
                .await
                .map_err(|error| match error {
                    RunError::TimedOut => AuthError::ExecTimeout {
                        command: self.command_name(),
                        after: self.timeout,
                    },
                    RunError::TooMuchOutput => AuthError::ExecOutputTooLarge {
                        command: self.command_name(),
                        limit: plugin_process::STDOUT_LIMIT,
                    },
                    RunError::Io(source) => AuthError::ExecStart {
                        command: self.command_name(),
                        install_hint: None,
                        source,
                    },
                })?;
        if !finished.status.success() {
            return Err(AuthError::ExecFailed {
                command: self.command_name(),
                status: finished.status.to_string(),
                stderr: self.stderr_for_messages(&finished),
            });
        }
        if !finished.stderr_tail.is_empty() {
            tracing::debug!(command = %self.config.command.display(), stderr = %self.stderr_for_messages(&finished), "exec plugin wrote to stderr");
        }
        self.parse(&finished.stdout)
    }

    /// The end of the plugin's stderr with its secrets removed: any credential it
    /// printed on stdout, the values of its `env`, and whatever looks like a token.
    fn stderr_for_messages(&self, finished: &plugin_process::Finished) -> String {
        let printed: Option<ExecCredential> = serde_json::from_slice(&finished.stdout).ok();
        let status = printed.as_ref().and_then(|c| c.status.as_ref());
        let mut known: Vec<&str> = self.config.env.iter().map(|(_, v)| v.expose()).collect();
        if let Some(status) = status {
            known.extend(status.token.as_deref());
            known.extend(status.client_key_data.as_deref());
        }
        let text = String::from_utf8_lossy(&finished.stderr_tail);
        stderr_excerpt(plugin_process::redact(&text, &known).as_bytes())
    }

    fn parse(&self, stdout: &[u8]) -> Result<ExecOutput, AuthError> {
        let output_error = |problem: String| AuthError::ExecOutput {
            command: self.command_name(),
            problem,
        };
        // serde_json errors may quote the input; report only where and what kind.
        let credential: ExecCredential = serde_json::from_slice(stdout).map_err(|e| {
            output_error(format!(
                "stdout is not an ExecCredential ({:?} error at line {} column {})",
                e.classify(),
                e.line(),
                e.column()
            ))
        })?;
        if credential.kind != "ExecCredential" {
            return Err(output_error(format!(
                "kind is {:?}, expected \"ExecCredential\"",
                credential.kind
            )));
        }
        if credential.api_version != self.config.api_version {
            return Err(output_error(format!(
                "apiVersion is {:?}, but the kubeconfig asks for {:?}",
                credential.api_version, self.config.api_version
            )));
        }
        let status = credential
            .status
            .ok_or_else(|| output_error("no status".into()))?;
        let token = status
            .token
            .filter(|t| !t.is_empty())
            .map(SecretString::from);
        let cert = status.client_certificate_data.filter(|c| !c.is_empty());
        let key = status.client_key_data.filter(|k| !k.is_empty());
        let client_cert = match (cert, key) {
            (Some(cert), Some(key)) => Some((cert.into_bytes(), SecretString::from(key))),
            (None, None) => None,
            (Some(_), None) => {
                return Err(output_error(
                    "clientCertificateData without clientKeyData".into(),
                ));
            }
            (None, Some(_)) => {
                return Err(output_error(
                    "clientKeyData without clientCertificateData".into(),
                ));
            }
        };
        if token.is_none() && client_cert.is_none() {
            return Err(output_error(
                "status has neither a token nor a client certificate".into(),
            ));
        }
        let expires = match status.expiration_timestamp.filter(|t| !t.is_empty()) {
            Some(text) => Some(text.parse::<jiff::Timestamp>().map_err(|_| {
                output_error(format!("expirationTimestamp {text:?} is not RFC 3339"))
            })?),
            None => None,
        };
        Ok(ExecOutput {
            token,
            client_cert,
            expires,
        })
    }
}

/// The `KUBERNETES_EXEC_INFO` document: the plugin's API version, `interactive: false`
/// (stdin is never a terminal) and, when asked for, the cluster.
fn exec_info(exec: &ExecConfig, config: &Config) -> serde_json::Value {
    let mut spec = serde_json::json!({ "interactive": false });
    if exec.provide_cluster_info {
        let mut cluster = serde_json::json!({ "server": config.cluster_url.as_str() });
        if let Some(name) = &config.tls.tls_server_name {
            cluster["tls-server-name"] = name.as_str().into();
        }
        if config.tls.insecure_skip_tls_verify {
            cluster["insecure-skip-tls-verify"] = true.into();
        }
        if let Some(roots) = &config.tls.root_certs {
            let pem: String = roots.iter().map(|der| pem_certificate(der)).collect();
            cluster["certificate-authority-data"] =
                base64::engine::general_purpose::STANDARD.encode(pem).into();
        }
        if let Some(proxy) = &config.proxy_url {
            cluster["proxy-url"] = proxy.as_str().into();
        }
        spec["cluster"] = cluster;
    }
    serde_json::json!({
        "apiVersion": exec.api_version,
        "kind": "ExecCredential",
        "spec": spec,
    })
}

fn pem_certificate(der: &[u8]) -> String {
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    let mut pem = String::from("-----BEGIN CERTIFICATE-----\n");
    for line in body.as_bytes().chunks(64) {
        pem.push_str(&String::from_utf8_lossy(line));
        pem.push('\n');
    }
    pem.push_str("-----END CERTIFICATE-----\n");
    pem
}

/// The plugin's stderr, trimmed and capped, for error messages.
fn stderr_excerpt(stderr: &[u8]) -> String {
    const LIMIT: usize = 2048;
    let text = String::from_utf8_lossy(stderr);
    let text = text.trim();
    if text.len() <= LIMIT {
        return text.to_owned();
    }
    let mut end = LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// Parses arbitrary plugin output with a `client.authentication.k8s.io/v1`
/// plugin's settings (for the fuzz targets).
#[cfg(feature = "fuzzing")]
pub(crate) fn parse_for_fuzzing(stdout: &[u8]) -> Result<(), String> {
    let exec = ExecConfig {
        api_version: "client.authentication.k8s.io/v1".into(),
        command: "plugin".into(),
        args: vec![],
        env: vec![],
        provide_cluster_info: false,
        install_hint: None,
        base_dir: None,
    };
    let url = reqwest::Url::parse("https://127.0.0.1:6443").map_err(|e| e.to_string())?;
    let plugin = ExecPlugin::new(&exec, &Config::new(url), Duration::from_secs(1));
    plugin.parse(stdout).map(drop).map_err(|e| e.to_string())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn plugin(api_version: &str) -> ExecPlugin {
        let exec = ExecConfig {
            api_version: api_version.into(),
            command: "plugin".into(),
            args: vec![],
            env: vec![],
            provide_cluster_info: true,
            install_hint: None,
            base_dir: None,
        };
        let mut config = Config::new("https://10.0.0.1:6443/prefix".parse().unwrap());
        config.tls.tls_server_name = Some("kubernetes.default".into());
        config.tls.root_certs = Some(vec![vec![1u8, 2, 3].into()]);
        ExecPlugin::new(&exec, &config, Duration::from_secs(1))
    }

    #[test]
    fn exec_info_carries_the_cluster_when_asked() {
        let plugin = plugin("client.authentication.k8s.io/v1");
        let info: serde_json::Value = serde_json::from_str(&plugin.exec_info).unwrap();
        assert_eq!(info["kind"], "ExecCredential");
        assert_eq!(info["apiVersion"], "client.authentication.k8s.io/v1");
        assert_eq!(info["spec"]["interactive"], false);
        assert_eq!(
            info["spec"]["cluster"]["server"],
            "https://10.0.0.1:6443/prefix"
        );
        assert_eq!(
            info["spec"]["cluster"]["tls-server-name"],
            "kubernetes.default"
        );
        let ca = info["spec"]["cluster"]["certificate-authority-data"]
            .as_str()
            .unwrap();
        let pem = base64::engine::general_purpose::STANDARD
            .decode(ca)
            .unwrap();
        assert!(
            String::from_utf8(pem)
                .unwrap()
                .starts_with("-----BEGIN CERTIFICATE-----\nAQID\n")
        );
    }

    #[test]
    fn parse_checks_kind_version_and_status_without_echoing_secrets() {
        let plugin = plugin("client.authentication.k8s.io/v1");
        let ok = plugin
            .parse(br#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"t0p","expirationTimestamp":"2030-01-01T00:00:00Z"}}"#)
            .unwrap();
        assert_eq!(ok.token.unwrap().expose(), "t0p");
        assert_eq!(ok.expires.unwrap().to_string(), "2030-01-01T00:00:00Z");

        let cases: [&[u8]; 6] = [
            br#"{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"t0p"}}"#,
            br#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"Other","status":{"token":"t0p"}}"#,
            br#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential"}"#,
            br#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"clientKeyData":"t0p"}}"#,
            br#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"t0p","expirationTimestamp":"soon"}}"#,
            br#"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":7,"x":"t0p"}}"#,
        ];
        for case in cases {
            let err = plugin.parse(case).map(|_| ()).unwrap_err();
            assert!(matches!(err, AuthError::ExecOutput { .. }), "{err:?}");
            assert!(!err.to_string().contains("t0p"), "{err}");
        }
    }

    use proptest::prelude::*;

    /// JSON values that exercise the parser's paths: strings, timestamps, wrong types.
    fn json_value() -> impl Strategy<Value = serde_json::Value> {
        prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            Just(serde_json::Value::from("2030-01-01T00:00:00Z")),
            Just(serde_json::Value::from("ExecCredential")),
            Just(serde_json::Value::from("client.authentication.k8s.io/v1")),
            "\\PC{0,16}".prop_map(serde_json::Value::from),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_stdout_parses_or_fails_with_a_typed_error(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
            let plugin = plugin("client.authentication.k8s.io/v1");
            if let Err(err) = plugin.parse(&bytes) {
                prop_assert!(matches!(err, AuthError::ExecOutput { .. }), "{:?}", err);
            }
        }

        #[test]
        fn credential_shaped_stdout_never_panics_or_echoes_the_token(
            fields in prop::collection::vec((prop::sample::select(vec![
                "token", "clientCertificateData", "clientKeyData", "expirationTimestamp", "other",
            ]), json_value()), 0..5),
            kind in json_value(),
            api_version in json_value(),
        ) {
            let mut status = serde_json::Map::new();
            status.insert("token".into(), "t0p-s3cret".into());
            for (key, value) in fields {
                status.insert(key.into(), value);
            }
            let document = serde_json::json!({"kind": kind, "apiVersion": api_version, "status": status});
            let plugin = plugin("client.authentication.k8s.io/v1");
            if let Err(err) = plugin.parse(document.to_string().as_bytes()) {
                prop_assert!(!err.to_string().contains("t0p-s3cret"), "{}", err);
            }
        }

        #[test]
        fn redacting_arbitrary_stderr_never_panics_and_removes_known_secrets(
            text in "\\PC{0,200}",
            secret in "[A-Za-z0-9]{6,12}",
            at in 0usize..200,
        ) {
            let mut cut = at.min(text.len());
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            let stderr = format!("{} {secret} {}", &text[..cut], &text[cut..]);
            let redacted = super::plugin_process::redact(&stderr, &[secret.as_str()]);
            prop_assert!(!redacted.contains(secret.as_str()), "{}", redacted);
        }
    }

    #[test]
    fn stderr_is_capped_on_a_char_boundary() {
        let long = "é".repeat(3000);
        let excerpt = stderr_excerpt(long.as_bytes());
        assert!(excerpt.len() <= 2048 + '…'.len_utf8());
        assert!(excerpt.ends_with('…'));
    }
}
