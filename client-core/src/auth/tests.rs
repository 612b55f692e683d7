#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use super::*;
use crate::config::{BasicAuth, ClientCertificate, ExecConfig, Impersonation};
use crate::test_pki::TestCa;

const HARD_TIMEOUT: Duration = Duration::from_secs(20);

fn config() -> Config {
    Config::new("https://127.0.0.1:6443/prefix".parse().unwrap())
}

fn plugin_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kubeconfig/exec-plugin.sh")
}

fn exec_config(log: &Path, env: &[(&str, &str)]) -> ExecConfig {
    let mut vars = vec![(
        "EXEC_TEST_LOG".to_owned(),
        SecretString::from(log.to_string_lossy().into_owned()),
    )];
    vars.extend(
        env.iter()
            .map(|(k, v)| ((*k).to_owned(), SecretString::from(*v))),
    );
    ExecConfig {
        api_version: "client.authentication.k8s.io/v1".into(),
        command: plugin_script(),
        args: vec![],
        env: vars,
        provide_cluster_info: true,
        install_hint: None,
        base_dir: None,
    }
}

fn runs(log: &Path) -> usize {
    std::fs::read_to_string(log)
        .map(|s| s.lines().count())
        .unwrap_or(0)
}

async fn header(auth: &Authenticator) -> Option<String> {
    tokio::time::timeout(HARD_TIMEOUT, auth.authorization())
        .await
        .expect("authorization timed out")
        .unwrap()
        .map(|v| {
            assert!(v.is_sensitive());
            v.to_str().unwrap().to_owned()
        })
}

#[tokio::test]
async fn no_credentials_means_no_header() {
    let auth = Authenticator::new(&config()).unwrap();
    assert_eq!(header(&auth).await, None);
    assert!(auth.client_cert_resolver().is_none());
}

#[tokio::test]
async fn static_token_and_basic_auth() {
    let mut with_token = config();
    with_token.auth.token = Some("abc".into());
    assert_eq!(
        header(&Authenticator::new(&with_token).unwrap())
            .await
            .as_deref(),
        Some("Bearer abc")
    );

    let mut with_basic = config();
    with_basic.auth.basic = Some(BasicAuth {
        username: "admin".into(),
        password: "s3cr3t".into(),
    });
    // base64("admin:s3cr3t")
    assert_eq!(
        header(&Authenticator::new(&with_basic).unwrap())
            .await
            .as_deref(),
        Some("Basic YWRtaW46czNjcjN0")
    );
}

#[tokio::test]
async fn a_token_with_a_newline_is_a_config_error_that_does_not_show_it() {
    let mut bad = config();
    bad.auth.token = Some("abc\ndef".into());
    let err = Authenticator::new(&bad).unwrap_err();
    assert!(matches!(err, ConfigError::Credential(_)));
    assert!(!err.to_string().contains("abc"));
}

#[tokio::test(start_paused = true)]
async fn token_file_is_reread_after_the_reload_period_and_after_invalidate() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("token");
    std::fs::write(&path, "one\n").unwrap();
    let mut cfg = config();
    cfg.auth.token_file = Some(path.clone());
    cfg.token_reload_period = Duration::from_secs(60);
    let auth = Authenticator::new(&cfg).unwrap();

    assert_eq!(header(&auth).await.as_deref(), Some("Bearer one"));
    std::fs::write(&path, "two\n").unwrap();
    tokio::time::advance(Duration::from_secs(59)).await;
    assert_eq!(
        header(&auth).await.as_deref(),
        Some("Bearer one"),
        "re-read before the period"
    );
    tokio::time::advance(Duration::from_secs(2)).await;
    assert_eq!(header(&auth).await.as_deref(), Some("Bearer two"));

    std::fs::write(&path, "three\n").unwrap();
    assert_eq!(header(&auth).await.as_deref(), Some("Bearer two"));
    auth.invalidate();
    assert_eq!(header(&auth).await.as_deref(), Some("Bearer three"));
}

#[tokio::test(start_paused = true)]
async fn token_file_read_errors_keep_the_last_good_token_or_fail() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("token");
    let mut cfg = config();
    cfg.auth.token_file = Some(path.clone());
    let auth = Authenticator::new(&cfg).unwrap();
    let err = auth.authorization().await.unwrap_err();
    assert!(matches!(err, AuthError::TokenFile { .. }), "{err:?}");

    std::fs::write(&path, "  \n").unwrap();
    assert!(matches!(
        auth.authorization().await,
        Err(AuthError::EmptyTokenFile { .. })
    ));

    std::fs::write(&path, "good").unwrap();
    assert_eq!(header(&auth).await.as_deref(), Some("Bearer good"));
    std::fs::remove_file(&path).unwrap();
    auth.invalidate();
    assert_eq!(header(&auth).await.as_deref(), Some("Bearer good"));
    // After a failed read the file is tried again one period later, not on every request.
    std::fs::write(&path, "better").unwrap();
    assert_eq!(header(&auth).await.as_deref(), Some("Bearer good"));
    tokio::time::advance(cfg.token_reload_period + Duration::from_secs(1)).await;
    assert_eq!(header(&auth).await.as_deref(), Some("Bearer better"));

    // A static token stands in until the file has been read once.
    std::fs::remove_file(&path).unwrap();
    cfg.auth.token = Some("static".into());
    let auth = Authenticator::new(&cfg).unwrap();
    assert_eq!(header(&auth).await.as_deref(), Some("Bearer static"));
}

#[tokio::test]
async fn exec_without_expiry_is_cached_until_invalidated_and_gets_exec_info() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("runs");
    let mut cfg = config();
    cfg.tls.tls_server_name = Some("kubernetes.default".into());
    cfg.auth.exec = Some(exec_config(&log, &[("EXEC_TEST_TOKEN", "exec")]));
    let auth = Authenticator::new(&cfg).unwrap();

    assert_eq!(header(&auth).await.as_deref(), Some("Bearer exec-1"));
    assert_eq!(header(&auth).await.as_deref(), Some("Bearer exec-1"));
    assert_eq!(runs(&log), 1);
    auth.invalidate();
    assert_eq!(header(&auth).await.as_deref(), Some("Bearer exec-2"));
    assert_eq!(runs(&log), 2);

    let first = std::fs::read_to_string(&log).unwrap();
    let info: serde_json::Value = serde_json::from_str(first.lines().next().unwrap()).unwrap();
    assert_eq!(info["kind"], "ExecCredential");
    assert_eq!(info["apiVersion"], "client.authentication.k8s.io/v1");
    assert_eq!(info["spec"]["interactive"], false);
    assert_eq!(
        info["spec"]["cluster"]["server"],
        "https://127.0.0.1:6443/prefix"
    );
    assert_eq!(
        info["spec"]["cluster"]["tls-server-name"],
        "kubernetes.default"
    );
}

#[tokio::test]
async fn exec_is_rerun_once_expired() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("runs");

    // Already expired: every request runs the plugin again.
    let mut cfg = config();
    cfg.auth.exec = Some(exec_config(
        &log,
        &[("EXEC_TEST_EXPIRY", "2001-01-01T00:00:00Z")],
    ));
    let auth = Authenticator::new(&cfg).unwrap();
    assert_eq!(header(&auth).await.as_deref(), Some("Bearer token-1"));
    assert_eq!(header(&auth).await.as_deref(), Some("Bearer token-2"));

    // Expiring shortly: cached until then, re-run after.
    let log = dir.path().join("runs-soon");
    // Five seconds leave room for two plugin runs on a loaded machine.
    let expiry = (jiff::Timestamp::now() + jiff::SignedDuration::from_millis(5000)).to_string();
    cfg.auth.exec = Some(exec_config(&log, &[("EXEC_TEST_EXPIRY", &expiry)]));
    let auth = Authenticator::new(&cfg).unwrap();
    assert_eq!(header(&auth).await.as_deref(), Some("Bearer token-1"));
    assert_eq!(header(&auth).await.as_deref(), Some("Bearer token-1"));
    assert_eq!(runs(&log), 1);
    tokio::time::sleep(Duration::from_millis(5300)).await;
    assert_eq!(header(&auth).await.as_deref(), Some("Bearer token-2"));
    assert_eq!(runs(&log), 2);
}

#[tokio::test]
async fn exec_v1beta1_and_version_mismatch() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("runs");
    let mut exec = exec_config(
        &log,
        &[(
            "EXEC_TEST_API_VERSION",
            "client.authentication.k8s.io/v1beta1",
        )],
    );
    exec.api_version = "client.authentication.k8s.io/v1beta1".into();
    let mut cfg = config();
    cfg.auth.exec = Some(exec.clone());
    assert_eq!(
        header(&Authenticator::new(&cfg).unwrap()).await.as_deref(),
        Some("Bearer token-1")
    );
    let info: serde_json::Value = serde_json::from_str(
        std::fs::read_to_string(&log)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(info["apiVersion"], "client.authentication.k8s.io/v1beta1");

    exec.api_version = "client.authentication.k8s.io/v1".into();
    cfg.auth.exec = Some(exec);
    let err = Authenticator::new(&cfg)
        .unwrap()
        .authorization()
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::ExecOutput { .. }), "{err:?}");
    assert!(err.to_string().contains("v1beta1"), "{err}");
    assert!(!err.to_string().contains("token-"), "{err}");
}

#[tokio::test]
async fn exec_failure_reports_status_and_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config();
    cfg.auth.exec = Some(exec_config(
        &dir.path().join("runs"),
        &[("EXEC_TEST_MODE", "fail")],
    ));
    let err = Authenticator::new(&cfg)
        .unwrap()
        .authorization()
        .await
        .unwrap_err();
    let AuthError::ExecFailed { status, stderr, .. } = &err else {
        panic!("expected ExecFailed, got {err:?}");
    };
    assert!(status.contains('3'), "{status}");
    assert_eq!(stderr, "plugin says: credentials unavailable");
    assert!(err.to_string().contains("exec-plugin.sh"));
}

#[tokio::test]
async fn exec_that_hangs_is_killed_after_the_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = config();
    cfg.auth.exec = Some(exec_config(
        &dir.path().join("runs"),
        &[("EXEC_TEST_MODE", "sleep")],
    ));
    let auth = Authenticator::with_exec_timeout(&cfg, Duration::from_millis(300)).unwrap();
    let started = std::time::Instant::now();
    let err = tokio::time::timeout(HARD_TIMEOUT, auth.authorization())
        .await
        .expect("the exec timeout did not fire")
        .unwrap_err();
    assert!(matches!(err, AuthError::ExecTimeout { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn a_missing_exec_command_shows_the_install_hint() {
    let dir = tempfile::tempdir().unwrap();
    let mut exec = exec_config(&dir.path().join("runs"), &[]);
    exec.command = dir.path().join("no-such-plugin");
    exec.install_hint = Some("install it with: brew install no-such-plugin".into());
    let mut cfg = config();
    cfg.auth.exec = Some(exec);
    let err = Authenticator::new(&cfg)
        .unwrap()
        .authorization()
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::ExecStart { .. }), "{err:?}");
    assert!(
        err.to_string().contains("brew install no-such-plugin"),
        "{err}"
    );
}

#[tokio::test]
async fn exec_client_certificates_rotate_in_the_resolver() {
    let ca = TestCa::new("client-ca");
    let dir = tempfile::tempdir().unwrap();
    let first = ca.client("first");
    let second = ca.client("second");
    for (run, leaf) in [(1, &first), (2, &second)] {
        std::fs::write(dir.path().join(format!("cert-{run}.pem")), &leaf.cert_pem).unwrap();
        std::fs::write(dir.path().join(format!("key-{run}.pem")), &leaf.key_pem).unwrap();
    }
    let mut cfg = config();
    let cert_dir = dir.path().to_string_lossy().into_owned();
    cfg.auth.exec = Some(exec_config(
        &dir.path().join("runs"),
        &[("EXEC_TEST_CERT_DIR", &cert_dir)],
    ));
    let auth = Authenticator::new(&cfg).unwrap();
    let resolver = auth
        .client_cert_resolver()
        .expect("exec may provide certificates");
    assert!(!resolver.has_certs());

    tokio::time::timeout(HARD_TIMEOUT, auth.prime())
        .await
        .unwrap()
        .unwrap();
    assert!(resolver.has_certs());
    assert_eq!(resolver.resolve(&[], &[]).unwrap().cert[0], first.cert_der);

    auth.invalidate();
    header(&auth).await;
    assert_eq!(resolver.resolve(&[], &[]).unwrap().cert[0], second.cert_der);
}

#[tokio::test]
async fn static_client_certificate_is_served() {
    let ca = TestCa::new("client-ca");
    let leaf = ca.client("alice");
    let mut cfg = config();
    cfg.auth.client_certificate = Some(ClientCertificate {
        cert_pem: leaf.cert_pem.clone().into_bytes(),
        key_pem: leaf.key_pem.clone().into(),
    });
    let auth = Authenticator::new(&cfg).unwrap();
    auth.prime().await.unwrap();
    let resolver = auth.client_cert_resolver().unwrap();
    assert_eq!(resolver.resolve(&[], &[]).unwrap().cert[0], leaf.cert_der);

    // A key that does not belong to the certificate is caught when the authenticator is built.
    cfg.auth.client_certificate = Some(ClientCertificate {
        cert_pem: leaf.cert_pem.clone().into_bytes(),
        key_pem: ca.client("bob").key_pem.into(),
    });
    let err = Authenticator::new(&cfg).unwrap_err();
    assert!(matches!(err, ConfigError::Pem { .. }), "{err:?}");
    assert!(!err.to_string().contains("PRIVATE KEY"));
}

#[tokio::test]
async fn impersonation_headers_are_applied() {
    let mut cfg = config();
    cfg.impersonate = Some(Impersonation {
        user: Some("jane".into()),
        groups: vec!["a".into(), "b".into()],
        ..Impersonation::default()
    });
    let auth = Authenticator::new(&cfg).unwrap();
    let mut headers = HeaderMap::new();
    auth.apply_impersonation(&mut headers);
    assert_eq!(headers["impersonate-user"], "jane");
    let groups: Vec<_> = headers.get_all("impersonate-group").iter().collect();
    assert_eq!(groups, ["a", "b"]);
}

#[test]
fn authenticator_is_send_sync_and_debug_shows_no_secret() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<Authenticator>();
    let mut cfg = config();
    cfg.auth.token = Some("very-secret-token".into());
    let auth = Authenticator::new(&cfg).unwrap();
    let debug = format!("{auth:?}");
    assert!(!debug.contains("very-secret-token"), "{debug}");
}

#[tokio::test]
async fn the_fixture_kubeconfigs_exec_user_runs_its_relative_plugin() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("runs");
    let kubeconfig = crate::Kubeconfig::read_from(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kubeconfig/auth-forms.yaml"),
    )
    .unwrap();
    let options = crate::KubeconfigOptions {
        context: Some("exec-v1".into()),
        ..crate::KubeconfigOptions::default()
    };
    let mut cfg = Config::from_kubeconfig(&kubeconfig, &options).unwrap();
    if let Some(exec) = cfg.auth.exec.as_mut() {
        exec.env.push((
            "EXEC_TEST_LOG".into(),
            SecretString::from(log.to_string_lossy().into_owned()),
        ));
    }
    let auth = Authenticator::new(&cfg).unwrap();
    // The kubeconfig's env reaches the plugin (it prefixes the token).
    assert_eq!(
        header(&auth).await.as_deref(),
        Some("Bearer fixture-exec-secret-1")
    );
    let info: serde_json::Value = serde_json::from_str(
        std::fs::read_to_string(&log)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        info["spec"]["cluster"]["server"],
        "https://127.0.0.1:6443/api-prefix"
    );
    assert!(info["spec"]["cluster"]["certificate-authority-data"].is_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_run_the_exec_plugin_once() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("runs");
    let mut cfg = config();
    cfg.auth.exec = Some(exec_config(&log, &[]));
    let auth = Authenticator::new(&cfg).unwrap();
    let calls: Vec<_> = (0..8)
        .map(|_| {
            let auth = auth.clone();
            tokio::spawn(async move { header(&auth).await })
        })
        .collect();
    for call in calls {
        let value = tokio::time::timeout(HARD_TIMEOUT, call)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(value.as_deref(), Some("Bearer token-1"));
    }
    assert_eq!(runs(&log), 1);
}

/// Whether process `pid` is still running (a zombie counts as gone: in a container the
/// reaper may be slow to collect it).
#[cfg(target_os = "linux")]
fn is_running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| {
            stat.rsplit_once(')')
                .and_then(|(_, rest)| rest.trim_start().chars().next())
        })
        .is_some_and(|state| state != 'Z' && state != 'X')
}

/// A config whose exec plugin is the fixture script with `env`, logging runs in `dir`.
fn exec_test_config(dir: &Path, env: &[(&str, &str)]) -> Config {
    let mut cfg = config();
    cfg.auth.exec = Some(exec_config(&dir.join("runs"), env));
    cfg
}

/// The error of one exec plugin run killed after `timeout`, under a hard limit.
async fn exec_error(cfg: &Config, timeout: Duration) -> AuthError {
    let auth = Authenticator::with_exec_timeout(cfg, timeout).unwrap();
    tokio::time::timeout(HARD_TIMEOUT, auth.authorization())
        .await
        .expect("the exec plugin run did not end")
        .unwrap_err()
}

// Issue 11, item 11: a timed-out plugin left its children running. Its whole process
// group is killed now.
#[cfg(target_os = "linux")]
#[tokio::test]
async fn item11_a_timed_out_plugin_is_killed_with_its_children() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("child.pid");
    let cfg = exec_test_config(
        dir.path(),
        &[
            ("EXEC_TEST_MODE", "spawn-and-hang"),
            ("EXEC_TEST_PID_FILE", &pid_file.to_string_lossy()),
        ],
    );
    let err = exec_error(&cfg, Duration::from_millis(500)).await;
    assert!(matches!(err, AuthError::ExecTimeout { .. }), "{err:?}");
    let child: u32 = std::fs::read_to_string(&pid_file)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while is_running(child) && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let survived = is_running(child);
    if survived {
        // Do not leave it behind for the next test run.
        let _ = std::process::Command::new("kill")
            .arg(child.to_string())
            .status();
    }
    assert!(!survived, "the plugin's child {child} outlived the timeout");
}

// Item 11: a plugin printing without end drove the client to 990 MB. Stdout is capped
// and the plugin killed at the cap.
#[tokio::test]
async fn item11_endless_stdout_is_capped_with_a_typed_error() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = exec_test_config(dir.path(), &[("EXEC_TEST_MODE", "flood")]);
    let err = exec_error(&cfg, Duration::from_secs(15)).await;
    let AuthError::ExecOutputTooLarge { limit, .. } = &err else {
        panic!("expected ExecOutputTooLarge, got {err:?}");
    };
    assert_eq!(*limit, 4 * 1024 * 1024);
    assert!(err.to_string().contains("4194304"), "{err}");
}

// Item 11: a plugin that exits 0 but leaves a child holding stdout made the client wait
// for the timeout. The run ends on the exit status plus a short grace.
#[tokio::test]
async fn item11_a_child_holding_stdout_does_not_stall_the_plugin_run() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = exec_test_config(dir.path(), &[("EXEC_TEST_MODE", "linger")]);
    let auth = Authenticator::new(&cfg).unwrap();
    let started = std::time::Instant::now();
    assert_eq!(header(&auth).await.as_deref(), Some("Bearer token-1"));
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
}

// Item 11: plugin stderr went verbatim into the error and carried a token. Only a short
// tail is kept, with credentials redacted.
#[tokio::test]
async fn item11_plugin_stderr_is_a_short_redacted_tail() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = exec_test_config(
        dir.path(),
        &[
            ("EXEC_TEST_MODE", "leak"),
            ("EXEC_TEST_SECRET", "env-s3cret-value"),
        ],
    );
    let err = exec_error(&cfg, Duration::from_secs(15)).await;
    let AuthError::ExecFailed { stderr, .. } = &err else {
        panic!("expected ExecFailed, got {err:?}");
    };
    assert!(stderr.len() <= 1024, "{} bytes kept", stderr.len());
    assert!(!stderr.contains("noise line 0:"), "the head is dropped");
    assert!(
        stderr.contains("refresh failed"),
        "the tail is kept: {stderr}"
    );
    let message = err.to_string();
    for secret in [
        "leaked-bearer-value",
        "sup3r-s3cr3t",
        "eyJhbGciOiJSUzI1NiJ9",
        "env-s3cret-value",
    ] {
        assert!(!message.contains(secret), "{secret} in {message}");
    }
}
