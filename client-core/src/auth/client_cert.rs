//! [`CertResolver`]: the client certificate presented in TLS handshakes, replaceable at run time.

use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};

use rustls::SignatureScheme;
use rustls::client::ResolvesClientCert;
use rustls::sign::CertifiedKey;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

/// Serves the current client certificate to rustls.
///
/// The certificate lives in shared state: when an exec plugin hands out a new
/// certificate, [`CertResolver::replace`] swaps it and the next handshake uses
/// it, without rebuilding the TLS configuration or the HTTP client.
pub(crate) struct CertResolver {
    current: RwLock<Option<Arc<CertifiedKey>>>,
}

impl CertResolver {
    /// A resolver with no certificate yet.
    pub(crate) fn empty() -> Arc<Self> {
        Arc::new(Self {
            current: RwLock::new(None),
        })
    }

    /// A resolver serving the PEM certificate chain and key.
    ///
    /// # Errors
    /// A description (never the key) when the PEM cannot be used.
    #[cfg(test)]
    pub(crate) fn fixed(cert_pem: &[u8], key_pem: &[u8]) -> Result<Arc<Self>, String> {
        let resolver = Self::empty();
        resolver.replace(certified_key(cert_pem, key_pem)?);
        Ok(resolver)
    }

    /// Makes `key` the certificate of every later handshake.
    pub(crate) fn replace(&self, key: CertifiedKey) {
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(key));
    }

    fn current(&self) -> Option<Arc<CertifiedKey>> {
        self.current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl ResolvesClientCert for CertResolver {
    fn resolve(
        &self,
        _root_hint_subjects: &[&[u8]],
        _sigschemes: &[SignatureScheme],
    ) -> Option<Arc<CertifiedKey>> {
        self.current()
    }

    fn has_certs(&self) -> bool {
        self.current().is_some()
    }
}

impl fmt::Debug for CertResolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CertResolver")
            .field("has_certificate", &self.current().is_some())
            .finish()
    }
}

/// Parses a PEM chain and PEM key into a rustls certified key (ring), checking they match.
///
/// # Errors
/// A description of what is wrong; it never contains the key.
pub(crate) fn certified_key(cert_pem: &[u8], key_pem: &[u8]) -> Result<CertifiedKey, String> {
    let chain = CertificateDer::pem_slice_iter(cert_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| "the client certificate is not valid PEM".to_owned())?;
    if chain.is_empty() {
        return Err("the client certificate holds no CERTIFICATE block".to_owned());
    }
    let key = PrivateKeyDer::from_pem_slice(key_pem)
        .map_err(|_| "the client key holds no valid PEM private key".to_owned())?;
    CertifiedKey::from_der(chain, key, &crate::tls::provider()).map_err(|e| match e {
        rustls::Error::InconsistentKeys(_) => {
            "the client key does not match the client certificate".to_owned()
        }
        _ => "the client key is not a supported private key".to_owned(),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::test_pki::TestCa;

    #[test]
    fn replace_rotates_the_served_certificate() {
        let ca = TestCa::new("ca");
        let first = ca.client("first");
        let second = ca.client("second");
        let resolver = CertResolver::empty();
        assert!(!resolver.has_certs());
        assert!(resolver.resolve(&[], &[]).is_none());

        resolver
            .replace(certified_key(first.cert_pem.as_bytes(), first.key_pem.as_bytes()).unwrap());
        assert!(resolver.has_certs());
        assert_eq!(resolver.resolve(&[], &[]).unwrap().cert[0], first.cert_der);

        resolver
            .replace(certified_key(second.cert_pem.as_bytes(), second.key_pem.as_bytes()).unwrap());
        assert_eq!(resolver.resolve(&[], &[]).unwrap().cert[0], second.cert_der);
    }

    #[test]
    fn a_key_that_does_not_match_is_rejected() {
        let ca = TestCa::new("ca");
        let first = ca.client("first");
        let second = ca.client("second");
        let err = certified_key(first.cert_pem.as_bytes(), second.key_pem.as_bytes()).unwrap_err();
        assert!(err.contains("does not match"), "{err}");
        assert!(certified_key(b"junk", first.key_pem.as_bytes()).is_err());
        assert!(certified_key(first.cert_pem.as_bytes(), b"junk").is_err());
    }
}
