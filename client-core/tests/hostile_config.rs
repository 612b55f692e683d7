//! Hostile configuration (issue 11, items 12-14): credential files that never end, URLs
//! that carry passwords, and servers the URL parser would turn into numeric addresses.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::Path;
use std::time::Duration;

use client_core::{
    AuthError, Config, ConfigError, Error, Kubeconfig, KubeconfigOptions, RestClient,
};
use support::{Reply, STEP, ScriptServer};
use tokio::time::timeout;

/// Runs a blocking configuration step on its own thread with a hard limit, so a read that
/// never ends fails the test instead of hanging it.
fn within<T: Send + 'static>(limit: Duration, step: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(step());
    });
    rx.recv_timeout(limit)
        .expect("the configuration step did not finish in time")
}

fn kubeconfig_with(cluster: &str, user: &str) -> Kubeconfig {
    Kubeconfig::from_yaml(&format!(
        "current-context: c\ncontexts: [{{name: c, context: {{cluster: c, user: u}}}}]\nclusters: [{{name: c, cluster: {cluster}}}]\nusers: [{{name: u, user: {user}}}]\n"
    ))
    .unwrap()
}

fn config_from(kubeconfig: &Kubeconfig) -> Result<Config, ConfigError> {
    Config::from_kubeconfig(kubeconfig, &KubeconfigOptions::default())
}

// Item 12: `tokenFile: /dev/zero` read forever (2 GB in 4 s). Files are capped and
// non-regular files refused, with a typed error naming the file.
#[cfg(unix)]
#[tokio::test]
async fn item12_dev_zero_and_fifo_credential_files_are_refused() {
    let server = ScriptServer::replies(vec![Reply::json(200, "{}")]).await;

    // The token file, read at request time.
    let mut config = Config::new(server.url.parse().unwrap());
    config.qps = 0.0;
    config.auth.token_file = Some("/dev/zero".into());
    let client = RestClient::new(config).unwrap();
    let err = timeout(STEP, client.get().resource("configmaps").bytes())
        .await
        .expect("reading /dev/zero as a token file never ended")
        .unwrap_err();
    let Error::Auth(AuthError::TokenFileNotRegular { path, kind }) = &err else {
        panic!("expected TokenFileNotRegular, got {err:?}");
    };
    assert_eq!(path, Path::new("/dev/zero"));
    assert_eq!(*kind, "a character device");
    assert!(
        server.requests().is_empty(),
        "nothing is sent without the token"
    );

    // A CA file that is a device, and a client key that is a FIFO nobody writes to.
    let kubeconfig = kubeconfig_with(
        "{server: 'https://127.0.0.1:1', certificate-authority: /dev/zero}",
        "{}",
    );
    let err = within(STEP, move || config_from(&kubeconfig)).unwrap_err();
    assert!(
        matches!(&err, ConfigError::NotARegularFile { path, .. } if path == Path::new("/dev/zero")),
        "{err:?}"
    );
    assert!(err.to_string().contains("certificate-authority"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("key.pem");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let cert = dir.path().join("cert.pem");
    std::fs::write(&cert, "not read before the key").unwrap();
    let kubeconfig = kubeconfig_with(
        "{server: 'https://127.0.0.1:1'}",
        &format!(
            "{{client-certificate: '{}', client-key: '{}'}}",
            cert.display(),
            fifo.display()
        ),
    );
    let err = within(STEP, move || config_from(&kubeconfig)).unwrap_err();
    assert!(
        matches!(&err, ConfigError::NotARegularFile { kind: "a FIFO", .. }),
        "{err:?}"
    );
}

// Item 12, the size cap: a kubeconfig or token file past its limit is refused by size,
// without reading it into memory.
#[tokio::test]
async fn item12_oversized_files_are_refused_by_their_limit() {
    let dir = tempfile::tempdir().unwrap();
    let huge = dir.path().join("huge");
    // Sparse: the size is real, the disk use is not.
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(client_core::config::KUBECONFIG_LIMIT + 1)
        .unwrap();
    let err = Kubeconfig::read_from(&huge).unwrap_err();
    let ConfigError::FileTooLarge { what, path, limit } = &err else {
        panic!("expected FileTooLarge, got {err:?}");
    };
    assert_eq!(what, "kubeconfig");
    assert_eq!(path, &huge);
    assert_eq!(*limit, client_core::config::KUBECONFIG_LIMIT);
    assert!(err.to_string().contains("16777216"), "{err}");

    let mut config = Config::new("http://127.0.0.1:1".parse().unwrap());
    config.auth.token_file = Some(huge.clone());
    let client = RestClient::new(config).unwrap();
    let err = timeout(STEP, client.get().resource("configmaps").bytes())
        .await
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Auth(AuthError::TokenFileTooLarge { limit, .. })
                if *limit == client_core::config::TOKEN_FILE_LIMIT
        ),
        "{err:?}"
    );
}

/// `debug` shows none of the test's secrets, and shows `expected` (a redacted URL).
fn assert_redacted(what: &str, debug: &str, expected: &str) {
    for secret in ["hunter2", "pr0xypass", "tok3n"] {
        assert!(
            !debug.contains(secret),
            "{what} Debug shows {secret}: {debug}"
        );
    }
    assert!(debug.contains(expected), "{what} Debug: {debug}");
}

// Item 13: credentials in the server URL or proxy URL were printed by `Debug`, and the
// server URL's credentials went out as a second `Authorization` header.
#[test]
fn item13_url_credentials_are_redacted_in_debug() {
    let kubeconfig = kubeconfig_with(
        "{server: 'https://alice:hunter2@127.0.0.1:6443/prefix', proxy-url: 'http://proxyuser:pr0xypass@127.0.0.1:3128'}",
        "{token: tok3n}",
    );
    assert_redacted(
        "Kubeconfig",
        &format!("{kubeconfig:?}"),
        "https://[redacted]@127.0.0.1:6443/prefix",
    );
    let config = config_from(&kubeconfig).unwrap();
    assert_redacted(
        "Config",
        &format!("{config:?}"),
        "http://[redacted]@127.0.0.1:3128",
    );

    let builder = RestClient::builder(config.clone());
    let debug = format!("{builder:?}");
    assert!(
        !debug.contains("hunter2") && !debug.contains("pr0xypass"),
        "{debug}"
    );

    let client = RestClient::new(config).unwrap();
    let debug = format!("{client:?}");
    assert!(
        !debug.contains("hunter2") && !debug.contains("alice"),
        "{debug}"
    );
    assert_eq!(client.base_url(), "https://127.0.0.1:6443/prefix");
}

// Item 13, precedence: as client-go (Go's http.Client sets basic auth from URL userinfo
// before client-go's bearer/basic/exec round trippers, which then leave an existing
// Authorization header alone), the URL's credentials win and exactly one header is sent.
#[tokio::test]
async fn item13_url_credentials_send_exactly_one_authorization_header() {
    let server = ScriptServer::replies(vec![Reply::json(200, "{}")]).await;
    let with_userinfo = server.url.replacen("http://", "http://alice:p%40ss@", 1);
    // base64("alice:p@ss"): the percent-encoded password is decoded, as Go's Userinfo does.
    assert_eq!(
        authorization_headers_sent(&server, &with_userinfo).await,
        ["Basic YWxpY2U6cEBzcw=="]
    );
    // Without URL credentials the configured token is the one header.
    assert_eq!(
        authorization_headers_sent(&server, &server.url).await,
        ["Bearer configured-token"]
    );
}

/// Sends one GET to `url` with a configured token and returns the `Authorization`
/// headers the server saw on it.
async fn authorization_headers_sent(server: &ScriptServer, url: &str) -> Vec<String> {
    let mut config = Config::new(url.parse().unwrap());
    config.qps = 0.0;
    config.auth.token = Some("configured-token".into());
    let client = RestClient::new(config).unwrap();
    let before = server.requests().len();
    timeout(STEP, client.get().resource("configmaps").bytes())
        .await
        .unwrap()
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), before + 1);
    requests[before]
        .headers
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("authorization"))
        .map(|(_, value)| value.clone())
        .collect()
}

// Item 14: `server: 12345` became the IPv4 address 0.0.48.57 and the client connected
// there. It is refused with a typed error; nothing connects.
#[test]
fn item14_a_numeric_server_never_becomes_an_ipv4_address() {
    let kubeconfig = kubeconfig_with("{server: '12345'}", "{}");
    let err = config_from(&kubeconfig).unwrap_err();
    let ConfigError::NumericHost {
        field,
        host,
        read_as,
        ..
    } = &err
    else {
        panic!("expected NumericHost, got {err:?}");
    };
    assert_eq!(*field, "server");
    assert_eq!(host, "12345");
    assert_eq!(read_as.to_string(), "0.0.48.57");

    for server in ["'https://12345:6443'", "'127.1'", "'010.0.0.1:6443'"] {
        let kubeconfig = kubeconfig_with(&format!("{{server: {server}}}"), "{}");
        assert!(
            matches!(
                config_from(&kubeconfig),
                Err(ConfigError::NumericHost { .. })
            ),
            "{server}"
        );
    }
    let kubeconfig = kubeconfig_with(
        "{server: 'https://a.example', proxy-url: 'http://3128'}",
        "{}",
    );
    assert!(matches!(
        config_from(&kubeconfig),
        Err(ConfigError::NumericHost {
            field: "proxy-url",
            ..
        })
    ));
}

// Item 14, the scheme: client-go's `DefaultServerURL` adds `https://` when TLS settings are
// present (a CA, insecure-skip-tls-verify, or a client certificate) and `http://` otherwise.
#[test]
fn item14_a_server_without_scheme_gets_client_gos_default_scheme() {
    let plain = kubeconfig_with("{server: 'kube.example:6443'}", "{}");
    assert_eq!(
        config_from(&plain).unwrap().cluster_url.as_str(),
        "http://kube.example:6443/"
    );
    let insecure = kubeconfig_with(
        "{server: 'kube.example:6443', insecure-skip-tls-verify: true}",
        "{}",
    );
    assert_eq!(
        config_from(&insecure).unwrap().cluster_url.as_str(),
        "https://kube.example:6443/"
    );
    let ipv4 = kubeconfig_with("{server: '10.1.2.3', insecure-skip-tls-verify: true}", "{}");
    assert_eq!(
        config_from(&ipv4).unwrap().cluster_url.as_str(),
        "https://10.1.2.3/"
    );
    let with_path = kubeconfig_with("{server: 'kube.example:6443/prefix'}", "{}");
    assert!(matches!(
        config_from(&with_path),
        Err(ConfigError::Url {
            field: "server",
            ..
        })
    ));
}
