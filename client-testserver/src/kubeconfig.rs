//! Kubeconfig files pointing at the test server, for kubectl and clients.
//!
//! The cluster, the user and the context are all named `client-testserver`,
//! the context is current and its namespace is `default`. Every string is
//! written as a double-quoted YAML scalar, so no value can change the
//! document's structure.
//!
//! ```
//! use client_testserver::kubeconfig::{render_kubeconfig, KubeconfigUser};
//! let yaml = render_kubeconfig(
//!     "http://127.0.0.1:8080",
//!     None,
//!     &KubeconfigUser::Token("secret".into()),
//! );
//! assert!(yaml.contains("current-context: \"client-testserver\""));
//! ```

use base64::Engine as _;
use std::fmt::Write as _;

/// The name of the cluster, user and context in rendered kubeconfigs.
pub const NAME: &str = "client-testserver";

/// The credentials a kubeconfig carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KubeconfigUser {
    /// A bearer token (`token`).
    Token(String),
    /// A client certificate and key, PEM (`client-certificate-data`,
    /// `client-key-data`, base64 of the PEM as kubectl expects).
    ClientCert {
        /// The certificate, PEM.
        cert_pem: String,
        /// The private key, PEM.
        key_pem: String,
    },
    /// No credentials.
    Anonymous,
}

/// A YAML double-quoted scalar; JSON string syntax is valid YAML.
fn quoted(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s.as_bytes())
}

/// Renders a kubeconfig for `server_url` that trusts `ca_pem` (embedded as
/// base64 `certificate-authority-data`; omitted for plain HTTP) and
/// authenticates as `user`.
pub fn render_kubeconfig(server_url: &str, ca_pem: Option<&str>, user: &KubeconfigUser) -> String {
    let name = quoted(NAME);
    let mut out = String::new();
    // `write!` to a String cannot fail.
    let _ = writeln!(out, "apiVersion: v1");
    let _ = writeln!(out, "kind: Config");
    let _ = writeln!(out, "clusters:");
    let _ = writeln!(out, "- name: {name}");
    let _ = writeln!(out, "  cluster:");
    let _ = writeln!(out, "    server: {}", quoted(server_url));
    if let Some(ca) = ca_pem {
        let _ = writeln!(out, "    certificate-authority-data: {}", quoted(&b64(ca)));
    }
    let _ = writeln!(out, "contexts:");
    let _ = writeln!(out, "- name: {name}");
    let _ = writeln!(out, "  context:");
    let _ = writeln!(out, "    cluster: {name}");
    let _ = writeln!(out, "    user: {name}");
    let _ = writeln!(out, "    namespace: \"default\"");
    let _ = writeln!(out, "current-context: {name}");
    let _ = writeln!(out, "users:");
    let _ = writeln!(out, "- name: {name}");
    match user {
        KubeconfigUser::Token(token) => {
            let _ = writeln!(out, "  user:");
            let _ = writeln!(out, "    token: {}", quoted(token));
        }
        KubeconfigUser::ClientCert { cert_pem, key_pem } => {
            let _ = writeln!(out, "  user:");
            let _ = writeln!(
                out,
                "    client-certificate-data: {}",
                quoted(&b64(cert_pem))
            );
            let _ = writeln!(out, "    client-key-data: {}", quoted(&b64(key_pem)));
        }
        KubeconfigUser::Anonymous => {
            let _ = writeln!(out, "  user: {{}}");
        }
    }
    let _ = writeln!(out, "preferences: {{}}");
    out
}

/// Writes `contents` to `path` for its owner only, atomically: into a new
/// file beside `path` created with mode 0600 (on Unix), synced, then
/// renamed over `path`. An existing file at `path` is replaced whatever its
/// mode was; a failed write leaves it untouched and removes the temporary.
///
/// # Errors
/// I/O errors creating, writing or renaming the file.
pub(crate) fn write_private(path: &std::path::Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => std::path::Path::new("."),
    };
    let file_name = path.file_name().ok_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, "the path names no file")
    })?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(file_name);
    tmp_name.push(format!(".{}.{}.tmp", std::process::id(), fastrand::u64(..)));
    let tmp = dir.join(tmp_name);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let result = options.open(&tmp).and_then(|mut f| {
        f.write_all(contents)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use serde_json::Value;
    use std::process::Command;

    const CA: &str = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

    #[cfg(unix)]
    #[test]
    fn written_kubeconfig_is_private_and_replaces_a_world_readable_one() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kubeconfig");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_private(&path, b"token: secret").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "mode {mode:o}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "token: secret");
        // No temporary file is left beside it.
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    fn decode(s: &Value) -> String {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(s.as_str().unwrap())
            .unwrap();
        String::from_utf8(bytes).unwrap()
    }

    /// Parses with serde_yaml_ng and checks the common structure.
    fn parse(yaml: &str) -> Value {
        let v: Value = serde_yaml_ng::from_str(yaml).unwrap();
        assert_eq!(v["apiVersion"], "v1");
        assert_eq!(v["kind"], "Config");
        assert_eq!(v["current-context"], NAME);
        assert_eq!(v["clusters"][0]["name"], NAME);
        assert_eq!(v["contexts"][0]["name"], NAME);
        assert_eq!(v["contexts"][0]["context"]["cluster"], NAME);
        assert_eq!(v["contexts"][0]["context"]["user"], NAME);
        assert_eq!(v["contexts"][0]["context"]["namespace"], "default");
        assert_eq!(v["users"][0]["name"], NAME);
        v
    }

    #[test]
    fn token_with_ca() {
        let yaml = render_kubeconfig(
            "https://127.0.0.1:6443",
            Some(CA),
            &KubeconfigUser::Token("abc".into()),
        );
        let v = parse(&yaml);
        assert_eq!(
            v["clusters"][0]["cluster"]["server"],
            "https://127.0.0.1:6443"
        );
        assert_eq!(
            decode(&v["clusters"][0]["cluster"]["certificate-authority-data"]),
            CA
        );
        assert_eq!(v["users"][0]["user"]["token"], "abc");
    }

    #[test]
    fn client_cert_and_anonymous() {
        let user = KubeconfigUser::ClientCert {
            cert_pem: "CERT".into(),
            key_pem: "KEY".into(),
        };
        let v = parse(&render_kubeconfig("https://[::1]:1", Some(CA), &user));
        assert_eq!(
            decode(&v["users"][0]["user"]["client-certificate-data"]),
            "CERT"
        );
        assert_eq!(decode(&v["users"][0]["user"]["client-key-data"]), "KEY");
        let v = parse(&render_kubeconfig(
            "http://127.0.0.1:1",
            None,
            &KubeconfigUser::Anonymous,
        ));
        assert_eq!(v["users"][0]["user"], serde_json::json!({}));
        assert!(
            v["clusters"][0]["cluster"]
                .get("certificate-authority-data")
                .is_none()
        );
    }

    #[test]
    fn hostile_values_stay_scalars() {
        let token = "a\"b: c\n- d #e '\\ {x}";
        let v = parse(&render_kubeconfig(
            "http://h:1/#x: y",
            None,
            &KubeconfigUser::Token(token.into()),
        ));
        assert_eq!(v["users"][0]["user"]["token"], token);
        assert_eq!(v["clusters"][0]["cluster"]["server"], "http://h:1/#x: y");
    }

    fn kubectl_view(yaml: &str) -> Value {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kubeconfig");
        std::fs::write(&path, yaml).unwrap();
        let out = Command::new("timeout")
            .args([
                "20",
                "kubectl",
                "config",
                "view",
                "--raw",
                "-o",
                "json",
                "--kubeconfig",
            ])
            .arg(&path)
            .env("HOME", dir.path())
            .env("KUBECACHEDIR", dir.path().join("cache"))
            .env_remove("KUBECONFIG")
            .output()
            .expect("run kubectl");
        assert!(
            out.status.success(),
            "kubectl failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    #[test]
    fn kubectl_accepts_it() {
        let certs = crate::certs::Certs::generate(&[]).unwrap();
        let yaml = render_kubeconfig(
            "https://127.0.0.1:6443",
            Some(certs.ca_pem()),
            &KubeconfigUser::Token("tok-123".into()),
        );
        let v = kubectl_view(&yaml);
        assert_eq!(v["current-context"], NAME);
        assert_eq!(
            v["clusters"][0]["cluster"]["server"],
            "https://127.0.0.1:6443"
        );
        assert_eq!(
            decode(&v["clusters"][0]["cluster"]["certificate-authority-data"]),
            certs.ca_pem()
        );
        assert_eq!(v["users"][0]["user"]["token"], "tok-123");
        assert_eq!(v["contexts"][0]["context"]["namespace"], "default");

        let cc = certs.issue_client("alice", &["g".into()]).unwrap();
        let yaml = render_kubeconfig(
            "https://127.0.0.1:6443",
            Some(certs.ca_pem()),
            &KubeconfigUser::ClientCert {
                cert_pem: cc.cert_pem.clone(),
                key_pem: cc.key_pem.clone(),
            },
        );
        let v = kubectl_view(&yaml);
        assert_eq!(
            decode(&v["users"][0]["user"]["client-certificate-data"]),
            cc.cert_pem
        );
        assert_eq!(
            decode(&v["users"][0]["user"]["client-key-data"]),
            cc.key_pem
        );

        let v = kubectl_view(&render_kubeconfig(
            "http://127.0.0.1:8080",
            None,
            &KubeconfigUser::Anonymous,
        ));
        assert_eq!(v["users"][0]["name"], NAME);
        assert_eq!(
            v["clusters"][0]["cluster"]["server"],
            "http://127.0.0.1:8080"
        );
    }
}
