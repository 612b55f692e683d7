//! The rustls client configuration: roots, server-name override, insecure mode, client certificates.
//!
//! Always the `ring` provider, named explicitly (never the process-wide default).

use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};

use crate::config::{ConfigError, TlsOptions};

/// The crypto provider of every TLS connection: ring.
pub(crate) fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Builds the rustls client configuration for `tls`, presenting the certificates
/// `client_cert` resolves (see `Authenticator::client_cert_resolver`).
///
/// A `root_certs` list replaces the system roots; `tls_server_name` is the name the
/// server's certificate is checked against; `insecure_skip_tls_verify` accepts any
/// certificate (handshake signatures are still checked). ALPN offers `h2`, then `http/1.1`.
///
/// # Errors
/// [`ConfigError::Tls`] when a configured root is not a usable CA certificate, when no
/// system root can be loaded, or when `tls_server_name` is not a valid name.
pub(crate) fn rustls_config(
    tls: &TlsOptions,
    client_cert: Option<Arc<dyn rustls::client::ResolvesClientCert>>,
) -> Result<rustls::ClientConfig, ConfigError> {
    let provider = provider();
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| tls_error("no usable protocol version", e))?;

    let builder = if tls.insecure_skip_tls_verify {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAnyServerCert {
                algorithms: provider.signature_verification_algorithms,
            }))
    } else {
        let roots = match &tls.root_certs {
            Some(certs) => configured_roots(certs)?,
            None => system_roots()?,
        };
        let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
            .build()
            .map_err(|e| ConfigError::Tls {
                problem: format!("cannot build the certificate verifier: {e}"),
                source: None,
            })?;
        match tls.tls_server_name.as_deref() {
            Some(name) => {
                let name = ServerName::try_from(name.to_owned()).map_err(|_| ConfigError::Tls {
                    problem: format!(
                        "tls-server-name {name:?} is not a valid DNS name or IP address"
                    ),
                    source: None,
                })?;
                builder
                    .dangerous()
                    .with_custom_certificate_verifier(Arc::new(FixedServerName {
                        inner: webpki,
                        name,
                    }))
            }
            None => builder.with_webpki_verifier(webpki),
        }
    };

    let mut config = match client_cert {
        Some(resolver) => builder.with_client_cert_resolver(resolver),
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = alpn_protocols();
    Ok(config)
}

/// The ALPN protocols the client offers: `h2` first when the `http2`
/// feature is on (the server picks), always `http/1.1`.
fn alpn_protocols() -> Vec<Vec<u8>> {
    let mut protocols = Vec::with_capacity(2);
    if cfg!(feature = "http2") {
        protocols.push(b"h2".to_vec());
    }
    protocols.push(b"http/1.1".to_vec());
    protocols
}

fn tls_error(problem: &str, source: rustls::Error) -> ConfigError {
    ConfigError::Tls {
        problem: problem.to_owned(),
        source: Some(source),
    }
}

fn configured_roots(certs: &[CertificateDer<'static>]) -> Result<RootCertStore, ConfigError> {
    let mut roots = RootCertStore::empty();
    for (index, cert) in certs.iter().enumerate() {
        roots.add(cert.clone()).map_err(|e| {
            tls_error(
                &format!(
                    "certificate {} of the configured CA bundle is not usable",
                    index + 1
                ),
                e,
            )
        })?;
    }
    Ok(roots)
}

fn system_roots() -> Result<RootCertStore, ConfigError> {
    let loaded = rustls_native_certs::load_native_certs();
    for error in &loaded.errors {
        tracing::debug!(%error, "skipping unreadable system root certificate");
    }
    let mut roots = RootCertStore::empty();
    let (added, ignored) = roots.add_parsable_certificates(loaded.certs);
    if ignored > 0 {
        tracing::debug!(ignored, "skipping unparsable system root certificates");
    }
    if added == 0 {
        return Err(ConfigError::Tls {
            problem: format!(
                "no system root certificate could be loaded ({} errors); set certificate-authority",
                loaded.errors.len()
            ),
            source: None,
        });
    }
    Ok(roots)
}

/// Verifies the server certificate against a configured name (`tls-server-name`)
/// instead of the host the connection was made to.
#[derive(Debug)]
struct FixedServerName {
    inner: Arc<WebPkiServerVerifier>,
    name: ServerName<'static>,
}

impl ServerCertVerifier for FixedServerName {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _connected_to: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.inner
            .verify_server_cert(end_entity, intermediates, &self.name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// `insecure-skip-tls-verify`: any certificate is accepted, but the handshake
/// signatures must still be valid for the certificate presented.
#[derive(Debug)]
struct AcceptAnyServerCert {
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for AcceptAnyServerCert {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;
