use std::sync::Arc;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use tokio::net::TcpStream;

use crate::client::{Resp, request_on};
use crate::*;

fn connector(ca_pem: &str, client: Option<(&str, &str)>) -> tokio_rustls::TlsConnector {
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(ca_pem.as_bytes()).unwrap())
        .unwrap();
    let b = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots);
    let cfg = match client {
        Some((cert, key)) => b
            .with_client_auth_cert(
                vec![CertificateDer::from_pem_slice(cert.as_bytes()).unwrap()],
                PrivateKeyDer::from_pem_slice(key.as_bytes()).unwrap(),
            )
            .unwrap(),
        None => b.with_no_client_auth(),
    };
    tokio_rustls::TlsConnector::from(Arc::new(cfg))
}

async fn get_tls(
    s: &client_testserver::TestServer,
    conn: &tokio_rustls::TlsConnector,
    path: &str,
    headers: &[(&str, &str)],
) -> Resp {
    let tcp = TcpStream::connect(s.addr()).await.unwrap();
    let tls = conn
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .unwrap();
    request_on(tls, "GET", path, headers, b"").await
}

#[tokio::test]
async fn https_with_generated_ca_and_token() {
    within(async {
        // Start-up time is measured by the benchmark, not asserted here.
        let s = client_testserver::TestServer::start().await.unwrap();
        assert!(s.url().starts_with("https://127.0.0.1:"));
        let conn = connector(s.ca_pem().unwrap(), None);
        let r = get_tls(&s, &conn, CMS, &[]).await;
        assert_status(&r, 401, "Unauthorized", "Unauthorized");
        let auth = format!("Bearer {}", s.token().unwrap());
        let r = get_tls(&s, &conn, CMS, &[("Authorization", &auth)]).await;
        assert_eq!(r.status, 200);
        let r = get_tls(&s, &conn, CMS, &[("Authorization", "Bearer wrong")]).await;
        assert_eq!(r.status, 401);
        let r = get_tls(&s, &conn, "/healthz", &[]).await;
        assert_eq!(r.status, 200);
    })
    .await;
}

#[tokio::test]
async fn client_certificate_authentication() {
    within(async {
        let s = client_testserver::TestServer::builder()
            .no_auth()
            .client_cert_auth()
            .start()
            .await
            .unwrap();
        let cert = s
            .certs()
            .unwrap()
            .issue_client("alice", &["dev".to_string()])
            .unwrap();
        let with = connector(s.ca_pem().unwrap(), Some((&cert.cert_pem, &cert.key_pem)));
        let r = get_tls(&s, &with, CMS, &[]).await;
        assert_eq!(r.status, 200, "{}", r.text());
        let without = connector(s.ca_pem().unwrap(), None);
        let r = get_tls(&s, &without, CMS, &[]).await;
        assert_eq!(r.status, 401);
    })
    .await;
}

#[tokio::test]
async fn plain_http_token_auth() {
    within(async {
        let (_s, c) = server().await;
        let mut anon = c.clone();
        anon.token = None;
        let r = anon.get(CMS).await;
        assert_status(&r, 401, "Unauthorized", "Unauthorized");
        assert_eq!(c.get(CMS).await.status, 200);
    })
    .await;
}
