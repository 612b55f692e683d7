//! TLS over real loopback connections: a tokio-rustls server with an rcgen CA.

use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::ServerName;
use rustls::server::WebPkiClientVerifier;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::*;
use crate::test_pki::{TestCa, TestLeaf};

const HARD_TIMEOUT: Duration = Duration::from_secs(10);

/// What the server saw of one connection.
struct ServerOutcome {
    handshake: Result<(), String>,
    client_cert: Option<CertificateDer<'static>>,
}

/// Serves one TLS connection with `server_cert`; requires a client certificate
/// issued by `client_ca` when one is given.
async fn serve_once(
    server_cert: &TestLeaf,
    client_ca: Option<&TestCa>,
) -> (u16, tokio::task::JoinHandle<ServerOutcome>) {
    let builder = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap();
    let builder = match client_ca {
        Some(ca) => {
            let mut roots = RootCertStore::empty();
            roots.add(ca.cert_der()).unwrap();
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider())
                .build()
                .unwrap();
            builder.with_client_cert_verifier(verifier)
        }
        None => builder.with_no_client_auth(),
    };
    let mut config = builder
        .with_single_cert(vec![server_cert.cert_der.clone()], server_cert.key_der())
        .unwrap();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let task = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        match acceptor.accept(tcp).await {
            Ok(mut stream) => {
                let client_cert = stream
                    .get_ref()
                    .1
                    .peer_certificates()
                    .and_then(|certs| certs.first().cloned());
                // Prove the connection carries data both ways.
                let mut byte = [0u8; 1];
                let read = stream.read_exact(&mut byte).await.map(|_| ());
                let _ = stream.write_all(b"!").await;
                let _ = stream.shutdown().await;
                ServerOutcome {
                    handshake: read.map_err(|e| e.to_string()),
                    client_cert,
                }
            }
            Err(e) => ServerOutcome {
                handshake: Err(e.to_string()),
                client_cert: None,
            },
        }
    });
    (port, task)
}

/// Connects to 127.0.0.1:`port`, sends one byte and reads one back.
async fn exchange(config: rustls::ClientConfig, port: u16) -> Result<Vec<u8>, String> {
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = TcpStream::connect(("127.0.0.1", port))
        .await
        .map_err(|e| e.to_string())?;
    let name = ServerName::try_from("127.0.0.1").unwrap();
    let mut stream = connector
        .connect(name, tcp)
        .await
        .map_err(|e| e.to_string())?;
    let alpn = stream.get_ref().1.alpn_protocol().map(<[u8]>::to_vec);
    stream.write_all(b"?").await.map_err(|e| e.to_string())?;
    let mut byte = [0u8; 1];
    stream
        .read_exact(&mut byte)
        .await
        .map_err(|e| e.to_string())?;
    Ok(alpn.unwrap_or_default())
}

async fn run(
    config: rustls::ClientConfig,
    port: u16,
    server: tokio::task::JoinHandle<ServerOutcome>,
) -> (Result<Vec<u8>, String>, ServerOutcome) {
    let client = tokio::time::timeout(HARD_TIMEOUT, exchange(config, port))
        .await
        .expect("client timed out");
    let server = tokio::time::timeout(HARD_TIMEOUT, server)
        .await
        .expect("server timed out")
        .unwrap();
    (client, server)
}

fn with_roots(ca: &TestCa) -> TlsOptions {
    TlsOptions {
        root_certs: Some(vec![ca.cert_der()]),
        ..TlsOptions::default()
    }
}

#[cfg(feature = "http2")]
#[tokio::test]
async fn kubeconfig_ca_completes_a_handshake_and_offers_h2() {
    let ca = TestCa::new("test-ca");
    let (port, server) = serve_once(&ca.server(&["127.0.0.1"]), None).await;
    let config = rustls_config(&with_roots(&ca), None).unwrap();
    assert_eq!(
        config.alpn_protocols,
        [b"h2".to_vec(), b"http/1.1".to_vec()]
    );
    let (client, server) = run(config, port, server).await;
    assert_eq!(client.unwrap(), b"h2");
    server.handshake.unwrap();
}

#[tokio::test]
async fn system_roots_do_not_trust_the_test_ca() {
    let ca = TestCa::new("test-ca");
    let (port, server) = serve_once(&ca.server(&["127.0.0.1"]), None).await;
    match rustls_config(&TlsOptions::default(), None) {
        Ok(config) => {
            let (client, _server) = run(config, port, server).await;
            let err = client.unwrap_err();
            assert!(
                err.contains("UnknownIssuer") || err.contains("certificate"),
                "{err}"
            );
        }
        // A machine without any system root cannot trust it either.
        Err(err) => assert!(matches!(err, ConfigError::Tls { .. })),
    }
}

#[tokio::test]
async fn a_different_ca_is_rejected() {
    let ca = TestCa::new("test-ca");
    let other = TestCa::new("other-ca");
    let (port, server) = serve_once(&ca.server(&["127.0.0.1"]), None).await;
    let config = rustls_config(&with_roots(&other), None).unwrap();
    let (client, _server) = run(config, port, server).await;
    assert!(client.unwrap_err().contains("UnknownIssuer"));
}

#[tokio::test]
async fn tls_server_name_verifies_against_the_configured_name() {
    let ca = TestCa::new("test-ca");
    let leaf = ca.server(&["kubernetes.default"]);

    // Without the override the certificate does not match 127.0.0.1.
    let (port, server) = serve_once(&leaf, None).await;
    let (client, _) = run(rustls_config(&with_roots(&ca), None).unwrap(), port, server).await;
    let err = client.unwrap_err();
    assert!(
        err.contains("NotValidForName") || err.contains("not valid for name"),
        "{err}"
    );

    let mut tls = with_roots(&ca);
    tls.tls_server_name = Some("kubernetes.default".into());
    let (port, server) = serve_once(&leaf, None).await;
    let (client, server) = run(rustls_config(&tls, None).unwrap(), port, server).await;
    client.unwrap();
    server.handshake.unwrap();

    // The override is checked, not just accepted.
    tls.tls_server_name = Some("kubernetes.other".into());
    let (port, server) = serve_once(&leaf, None).await;
    let (client, _) = run(rustls_config(&tls, None).unwrap(), port, server).await;
    let err = client.unwrap_err();
    assert!(
        err.contains("NotValidForName") || err.contains("not valid for name"),
        "{err}"
    );
}

#[tokio::test]
async fn an_invalid_tls_server_name_is_a_config_error() {
    let tls = TlsOptions {
        root_certs: Some(vec![TestCa::new("ca").cert_der()]),
        tls_server_name: Some("not a name!".into()),
        ..TlsOptions::default()
    };
    assert!(matches!(
        rustls_config(&tls, None),
        Err(ConfigError::Tls { .. })
    ));
}

#[tokio::test]
async fn the_client_certificate_is_presented() {
    let ca = TestCa::new("test-ca");
    let client_ca = TestCa::new("client-ca");
    let client = client_ca.client("alice");
    let resolver =
        crate::auth::CertResolver::fixed(client.cert_pem.as_bytes(), client.key_pem.as_bytes())
            .unwrap();
    let (port, server) = serve_once(&ca.server(&["127.0.0.1"]), Some(&client_ca)).await;
    let (result, server) = run(
        rustls_config(&with_roots(&ca), Some(resolver)).unwrap(),
        port,
        server,
    )
    .await;
    result.unwrap();
    server.handshake.unwrap();
    assert_eq!(server.client_cert, Some(client.cert_der.clone()));

    // Without a certificate the server refuses the connection.
    let (port, server) = serve_once(&ca.server(&["127.0.0.1"]), Some(&client_ca)).await;
    let (_, server) = run(rustls_config(&with_roots(&ca), None).unwrap(), port, server).await;
    assert!(server.handshake.is_err());
    assert!(server.client_cert.is_none());
}

#[tokio::test]
async fn insecure_mode_connects_to_an_untrusted_server() {
    let ca = TestCa::new("untrusted");
    let (port, server) = serve_once(&ca.server(&["somewhere.else"]), None).await;
    let tls = TlsOptions {
        insecure_skip_tls_verify: true,
        ..TlsOptions::default()
    };
    let (client, server) = run(rustls_config(&tls, None).unwrap(), port, server).await;
    client.unwrap();
    server.handshake.unwrap();
}

#[test]
fn a_configured_root_that_is_not_a_certificate_is_rejected() {
    let tls = TlsOptions {
        root_certs: Some(vec![CertificateDer::from(vec![1, 2, 3])]),
        ..TlsOptions::default()
    };
    let err = rustls_config(&tls, None).unwrap_err();
    assert!(err.to_string().contains("certificate 1"), "{err}");
}

#[tokio::test]
async fn exec_client_certificates_rotate_without_rebuilding_the_tls_config() {
    let server_ca = TestCa::new("server-ca");
    let client_ca = TestCa::new("client-ca");
    let dir = tempfile::tempdir().unwrap();
    let leaves = [client_ca.client("first"), client_ca.client("second")];
    for (run, leaf) in leaves.iter().enumerate() {
        std::fs::write(
            dir.path().join(format!("cert-{}.pem", run + 1)),
            &leaf.cert_pem,
        )
        .unwrap();
        std::fs::write(
            dir.path().join(format!("key-{}.pem", run + 1)),
            &leaf.key_pem,
        )
        .unwrap();
    }
    let mut config = crate::Config::new("https://127.0.0.1:6443".parse().unwrap());
    config.tls = with_roots(&server_ca);
    config.auth.exec = Some(crate::config::ExecConfig {
        api_version: "client.authentication.k8s.io/v1".into(),
        command: std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/kubeconfig/exec-plugin.sh"),
        args: vec![],
        env: vec![
            (
                "EXEC_TEST_LOG".into(),
                dir.path()
                    .join("runs")
                    .to_string_lossy()
                    .into_owned()
                    .into(),
            ),
            (
                "EXEC_TEST_CERT_DIR".into(),
                dir.path().to_string_lossy().into_owned().into(),
            ),
        ],
        provide_cluster_info: false,
        install_hint: None,
        base_dir: None,
    });
    let auth = crate::auth::Authenticator::new(&config).unwrap();
    tokio::time::timeout(HARD_TIMEOUT, auth.prime())
        .await
        .unwrap()
        .unwrap();
    // One TLS configuration for the whole test, as a client keeps one for its lifetime.
    let tls = rustls_config(&config.tls, auth.client_cert_resolver()).unwrap();

    let server_leaf = server_ca.server(&["127.0.0.1"]);
    let (port, server) = serve_once(&server_leaf, Some(&client_ca)).await;
    let (client, server) = run(tls.clone(), port, server).await;
    client.unwrap();
    assert_eq!(server.client_cert.as_ref(), Some(&leaves[0].cert_der));

    // A 401 makes the client invalidate; the next credentials come with a new certificate.
    auth.invalidate();
    tokio::time::timeout(HARD_TIMEOUT, auth.authorization())
        .await
        .unwrap()
        .unwrap();
    let (port, server) = serve_once(&server_leaf, Some(&client_ca)).await;
    let (client, server) = run(tls, port, server).await;
    client.unwrap();
    assert_eq!(server.client_cert.as_ref(), Some(&leaves[1].cert_der));
}

/// Serves HTTPS (HTTP/1.1 and HTTP/2) on loopback; every response body is
/// `{version:?} {authorization} {impersonate-user}` of the request.
async fn serve_https(server_cert: &TestLeaf) -> (u16, tokio::task::JoinHandle<()>) {
    use hyper_util::rt::{TokioExecutor, TokioIo};

    let mut config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![server_cert.cert_der.clone()], server_cert.key_der())
        .unwrap();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let task = tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let service = hyper::service::service_fn(
                    |request: http::Request<hyper::body::Incoming>| async move {
                        let header = |name: &str| {
                            request
                                .headers()
                                .get(name)
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or("-")
                                .to_owned()
                        };
                        let body = format!(
                            "{:?} {} {}",
                            request.version(),
                            header("authorization"),
                            header("impersonate-user")
                        );
                        Ok::<_, std::convert::Infallible>(http::Response::new(
                            http_body_util::Full::new(bytes::Bytes::from(body)),
                        ))
                    },
                );
                let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(tls), service)
                    .await;
            });
        }
    });
    (port, task)
}

#[cfg(feature = "http2")]
#[tokio::test]
async fn reqwest_with_the_preconfigured_config_speaks_h2_and_sends_credentials() {
    let ca = TestCa::new("test-ca");
    let (port, server) = serve_https(&ca.server(&["kubernetes.default"])).await;
    let mut config = crate::Config::new(format!("https://127.0.0.1:{port}").parse().unwrap());
    config.tls = with_roots(&ca);
    config.tls.tls_server_name = Some("kubernetes.default".into());
    config.auth.token = Some("loopback-token".into());
    config.impersonate = Some(crate::config::Impersonation {
        user: Some("jane".into()),
        ..Default::default()
    });

    // The wiring the RestClient does.
    let auth = crate::auth::Authenticator::new(&config).unwrap();
    auth.prime().await.unwrap();
    let tls = rustls_config(&config.tls, auth.client_cert_resolver()).unwrap();
    let client = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .build()
        .unwrap();
    let mut headers = http::HeaderMap::new();
    if let Some(authorization) = auth.authorization().await.unwrap() {
        headers.insert(http::header::AUTHORIZATION, authorization);
    }
    auth.apply_impersonation(&mut headers);
    let response = tokio::time::timeout(
        HARD_TIMEOUT,
        client
            .get(config.cluster_url.clone())
            .headers(headers)
            .send(),
    )
    .await
    .expect("request timed out")
    .unwrap();
    assert_eq!(response.version(), http::Version::HTTP_2);
    let body = tokio::time::timeout(HARD_TIMEOUT, response.text())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(body, "HTTP/2.0 Bearer loopback-token jane");
    server.abort();
}
