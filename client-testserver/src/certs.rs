//! A throwaway certificate authority for the server's HTTPS listener and for
//! client-certificate authentication.
//!
//! [`Certs::generate`] makes a fresh ECDSA P-256 CA and a server certificate
//! for `localhost`, `127.0.0.1`, `::1` and any extra hosts (IP SANs for
//! addresses, DNS SANs otherwise). [`Certs::server_config`] turns them into a
//! `rustls::ServerConfig` using the `ring` provider, optionally asking for
//! client certificates from the same CA while still accepting clients that
//! send none (so bearer tokens keep working). [`Certs::issue_client`] issues
//! the client certificates kube-apiserver's x509 authenticator understands
//! (user in `CN`, groups as repeated `O`), and [`peer_identity`] reads them
//! back from the verified chain of a connection.

use base64::Engine as _;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, PKCS_ECDSA_P256_SHA256, PublicKeyData as _, SigningKey as _,
};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::sync::Arc;

/// Errors from generating certificates or building the TLS configuration.
#[derive(Debug, thiserror::Error)]
pub enum CertError {
    /// Key or certificate generation failed.
    #[error("certificate generation failed: {0}")]
    Generate(#[from] rcgen::Error),
    /// rustls refused the configuration.
    #[error("TLS configuration failed: {0}")]
    Tls(#[from] rustls::Error),
    /// The client certificate verifier could not be built.
    #[error("client certificate verifier: {0}")]
    Verifier(#[from] rustls::server::VerifierBuilderError),
    /// The generated CA certificate could not be read back (a bug).
    #[error("malformed CA certificate: {0}")]
    Malformed(&'static str),
}

/// A client certificate and its private key, both PEM, ready for a kubeconfig.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientCert {
    /// The certificate, `-----BEGIN CERTIFICATE-----`.
    pub cert_pem: String,
    /// The PKCS#8 private key, `-----BEGIN PRIVATE KEY-----`.
    pub key_pem: String,
}

/// A generated CA and the server certificate it signed.
pub struct Certs {
    ca_key: KeyPair,
    ca_der: CertificateDer<'static>,
    ca_pem: String,
    ca_subject: Vec<u8>,
    server_der: CertificateDer<'static>,
    server_key_der: Vec<u8>,
}

impl std::fmt::Debug for Certs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Certs")
            .field("ca_pem", &self.ca_pem)
            .finish_non_exhaustive()
    }
}

fn ring_provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

impl Certs {
    /// Generates a CA and a server certificate valid for `localhost`,
    /// `127.0.0.1`, `::1` and `extra_hosts` (IP addresses, optionally in
    /// brackets, become IP SANs; anything else a DNS SAN).
    ///
    /// # Errors
    ///
    /// [`CertError::Generate`] when a host is not a valid DNS name or key
    /// generation fails.
    pub(crate) fn generate(extra_hosts: &[String]) -> Result<Certs, CertError> {
        let ca_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
        let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "client-testserver-ca");
        ca_params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let ca_cert = ca_params.self_signed(&ca_key)?;
        let ca_der = ca_cert.der().clone();
        let ca_subject = subject_tlv(&ca_der)
            .ok_or(CertError::Malformed("no subject"))?
            .to_vec();

        let mut hosts: Vec<String> = vec!["localhost".into(), "127.0.0.1".into(), "::1".into()];
        for h in extra_hosts {
            let h = h.trim_start_matches('[').trim_end_matches(']').to_string();
            if !hosts.contains(&h) {
                hosts.push(h);
            }
        }
        let server_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
        let mut params = CertificateParams::new(hosts)?;
        params
            .distinguished_name
            .push(DnType::CommonName, "client-testserver");
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.use_authority_key_identifier_extension = true;
        let issuer = Issuer::from_params(&ca_params, &ca_key);
        let server_cert = params.signed_by(&server_key, &issuer)?;

        Ok(Certs {
            ca_pem: ca_cert.pem(),
            ca_der,
            ca_subject,
            server_der: server_cert.der().clone(),
            server_key_der: server_key.serialize_der(),
            ca_key,
        })
    }

    /// The CA certificate, PEM: what clients trust (`certificate-authority-data`).
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// The CA certificate, DER.
    pub fn ca_der(&self) -> CertificateDer<'static> {
        self.ca_der.clone()
    }

    /// The server's certificate chain: the leaf, then the CA.
    pub(crate) fn server_chain(&self) -> Vec<CertificateDer<'static>> {
        vec![self.server_der.clone(), self.ca_der.clone()]
    }

    /// The server's private key (PKCS#8).
    pub(crate) fn server_key(&self) -> PrivateKeyDer<'static> {
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.server_key_der.clone()))
    }

    /// Issues a client certificate for user `common_name` in `groups`
    /// (one `O` attribute per group, as kube-apiserver reads them), with the
    /// `clientAuth` extended key usage, valid from an hour ago for a year.
    ///
    /// # Errors
    ///
    /// [`CertError::Generate`] when key generation or signing fails.
    pub fn issue_client(
        &self,
        common_name: &str,
        groups: &[String],
    ) -> Result<ClientCert, CertError> {
        let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
        let now = jiff::Timestamp::now();
        let not_before = now - jiff::SignedDuration::from_hours(1);
        let not_after = now + jiff::SignedDuration::from_hours(24 * 365);
        let tbs = der::tbs_certificate(&der::TbsInput {
            serial: &random_serial(),
            issuer: &self.ca_subject,
            not_before: &utc_time(not_before),
            not_after: &utc_time(not_after),
            common_name,
            organizations: groups,
            spki: &key.subject_public_key_info(),
        });
        let signature = self.ca_key.sign(&tbs)?;
        let cert = der::certificate(&tbs, &signature);
        Ok(ClientCert {
            cert_pem: pem("CERTIFICATE", &cert),
            key_pem: key.serialize_pem(),
        })
    }

    /// A rustls server configuration (ring provider, TLS 1.2 and 1.3, ALPN
    /// `h2` then `http/1.1`) presenting the server certificate. With
    /// `client_auth`, client certificates signed by this CA are verified, and
    /// clients sending none are still accepted (for bearer tokens); a
    /// certificate from another CA fails the handshake.
    ///
    /// # Errors
    ///
    /// [`CertError`] when rustls rejects the configuration.
    pub(crate) fn server_config(
        &self,
        client_auth: bool,
    ) -> Result<rustls::ServerConfig, CertError> {
        let provider = ring_provider();
        let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()?;
        let builder = if client_auth {
            let mut roots = rustls::RootCertStore::empty();
            roots.add(self.ca_der.clone())?;
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                Arc::new(roots),
                provider,
            )
            .allow_unauthenticated()
            .build()?;
            builder.with_client_cert_verifier(verifier)
        } else {
            builder.with_no_client_auth()
        };
        let mut config = builder.with_single_cert(self.server_chain(), self.server_key())?;
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(config)
    }
}

fn random_serial() -> Vec<u8> {
    let mut serial: Vec<u8> = (0..16).map(|_| fastrand::u8(..)).collect();
    // Positive and minimally encoded: clear the sign bit, avoid a zero lead.
    serial[0] = (serial[0] & 0x7f) | 0x01;
    serial
}

fn utc_time(ts: jiff::Timestamp) -> String {
    ts.strftime("%y%m%d%H%M%SZ").to_string()
}

fn pem(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// Reads the user of a verified client certificate chain: the leaf's subject
/// common name and its organizations (kube-apiserver's user name and
/// groups). `None` when the chain is empty, the certificate cannot be read,
/// or it has no common name. Never panics, whatever the bytes.
#[cfg_attr(not(test), allow(dead_code))] // reached from the unit tests only
pub(crate) fn peer_identity(certs: &[CertificateDer<'_>]) -> Option<(String, Vec<String>)> {
    let leaf = certs.first()?;
    let subject = subject_tlv(leaf)?;
    let (tag, name, _) = der::read_tlv(subject)?;
    if tag != der::SEQUENCE {
        return None;
    }
    let mut cn = None;
    let mut orgs = Vec::new();
    let mut rdns = name;
    while !rdns.is_empty() {
        let (tag, set, rest) = der::read_tlv(rdns)?;
        rdns = rest;
        if tag != der::SET {
            return None;
        }
        let mut attrs = set;
        while !attrs.is_empty() {
            let (tag, attr, rest) = der::read_tlv(attrs)?;
            attrs = rest;
            if tag != der::SEQUENCE {
                return None;
            }
            let (tag, oid, rest) = der::read_tlv(attr)?;
            if tag != der::OID {
                return None;
            }
            let (vtag, value, _) = der::read_tlv(rest)?;
            let Some(text) = der::decode_string(vtag, value) else {
                continue;
            };
            if oid == der::OID_CN {
                cn = Some(text);
            } else if oid == der::OID_O {
                orgs.push(text);
            }
        }
    }
    let cn = cn.filter(|c| !c.is_empty())?;
    Some((cn, orgs))
}

/// The subject Name (whole TLV) of a DER certificate.
fn subject_tlv(cert: &[u8]) -> Option<&[u8]> {
    let (tag, body, _) = der::read_tlv(cert)?;
    if tag != der::SEQUENCE {
        return None;
    }
    let (tag, tbs, _) = der::read_tlv(body)?;
    if tag != der::SEQUENCE {
        return None;
    }
    let mut rest = tbs;
    let (tag, _, after) = der::read_tlv(rest)?;
    if tag == 0xa0 {
        rest = after; // explicit version
    }
    // serial, signature algorithm, issuer, validity
    for expected in [der::INTEGER, der::SEQUENCE, der::SEQUENCE, der::SEQUENCE] {
        let (tag, _, after) = der::read_tlv(rest)?;
        if tag != expected {
            return None;
        }
        rest = after;
    }
    let (tag, _, after) = der::read_tlv(rest)?;
    if tag != der::SEQUENCE {
        return None;
    }
    Some(&rest[..rest.len() - after.len()])
}

/// Just enough DER to build a client certificate and read a subject.
mod der {
    pub(super) const INTEGER: u8 = 0x02;
    pub(super) const OID: u8 = 0x06;
    pub(super) const SEQUENCE: u8 = 0x30;
    pub(super) const SET: u8 = 0x31;
    pub(super) const OID_CN: &[u8] = &[0x55, 0x04, 0x03];
    pub(super) const OID_O: &[u8] = &[0x55, 0x04, 0x0a];
    const OID_ECDSA_SHA256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
    const OID_KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x0f];
    const OID_EXT_KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x25];
    const OID_BASIC_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x13];
    const OID_CLIENT_AUTH: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02];

    /// Splits one tag-length-value off `input`: (tag, content, rest).
    /// Only single-byte tags and definite lengths up to 4 bytes.
    pub(super) fn read_tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
        let (&tag, rest) = input.split_first()?;
        if tag & 0x1f == 0x1f {
            return None;
        }
        let (&first, mut rest) = rest.split_first()?;
        let len = if first < 0x80 {
            usize::from(first)
        } else {
            let n = usize::from(first & 0x7f);
            if n == 0 || n > 4 || rest.len() < n {
                return None;
            }
            let mut len = 0usize;
            for &b in &rest[..n] {
                len = (len << 8) | usize::from(b);
            }
            rest = &rest[n..];
            len
        };
        if rest.len() < len {
            return None;
        }
        Some((tag, &rest[..len], &rest[len..]))
    }

    /// Decodes the directory string types certificates use.
    #[cfg_attr(not(test), allow(dead_code))] // reached from the unit tests only
    pub(super) fn decode_string(tag: u8, value: &[u8]) -> Option<String> {
        match tag {
            // UTF8String, PrintableString, IA5String
            0x0c | 0x13 | 0x16 => String::from_utf8(value.to_vec()).ok(),
            // TeletexString, read as Latin-1
            0x14 => Some(value.iter().map(|&b| char::from(b)).collect()),
            // BMPString (UTF-16BE)
            0x1e => {
                if !value.len().is_multiple_of(2) {
                    return None;
                }
                let units: Vec<u16> = value
                    .chunks_exact(2)
                    .map(|c| u16::from_be_bytes([c[0], c[1]]))
                    .collect();
                String::from_utf16(&units).ok()
            }
            _ => None,
        }
    }

    pub(super) fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        let len = content.len();
        if len < 0x80 {
            out.push(len as u8);
        } else {
            let bytes = len.to_be_bytes();
            let skip = bytes.iter().take_while(|&&b| b == 0).count();
            out.push(0x80 | (bytes.len() - skip) as u8);
            out.extend_from_slice(&bytes[skip..]);
        }
        out.extend_from_slice(content);
        out
    }

    fn seq(parts: &[&[u8]]) -> Vec<u8> {
        tlv(SEQUENCE, &parts.concat())
    }

    fn algorithm() -> Vec<u8> {
        seq(&[&tlv(OID, OID_ECDSA_SHA256)])
    }

    fn bit_string(bytes: &[u8]) -> Vec<u8> {
        let mut content = vec![0u8];
        content.extend_from_slice(bytes);
        tlv(0x03, &content)
    }

    fn attribute(oid: &[u8], value: &str) -> Vec<u8> {
        tlv(SET, &seq(&[&tlv(OID, oid), &tlv(0x0c, value.as_bytes())]))
    }

    fn extension(oid: &[u8], critical: bool, value: &[u8]) -> Vec<u8> {
        let crit = if critical {
            tlv(0x01, &[0xff])
        } else {
            Vec::new()
        };
        seq(&[&tlv(OID, oid), &crit, &tlv(0x04, value)])
    }

    pub(super) struct TbsInput<'a> {
        pub(super) serial: &'a [u8],
        pub(super) issuer: &'a [u8],
        pub(super) not_before: &'a str,
        pub(super) not_after: &'a str,
        pub(super) common_name: &'a str,
        pub(super) organizations: &'a [String],
        pub(super) spki: &'a [u8],
    }

    pub(super) fn tbs_certificate(input: &TbsInput<'_>) -> Vec<u8> {
        let version = tlv(0xa0, &tlv(INTEGER, &[2]));
        let validity = seq(&[
            &tlv(0x17, input.not_before.as_bytes()),
            &tlv(0x17, input.not_after.as_bytes()),
        ]);
        let mut subject = Vec::new();
        for org in input.organizations {
            subject.extend(attribute(OID_O, org));
        }
        subject.extend(attribute(OID_CN, input.common_name));
        let subject = tlv(SEQUENCE, &subject);
        let key_usage = extension(OID_KEY_USAGE, true, &tlv(0x03, &[0x07, 0x80]));
        let eku = extension(
            OID_EXT_KEY_USAGE,
            false,
            &seq(&[&tlv(OID, OID_CLIENT_AUTH)]),
        );
        let basic = extension(OID_BASIC_CONSTRAINTS, true, &seq(&[]));
        let extensions = tlv(0xa3, &seq(&[&key_usage, &eku, &basic]));
        seq(&[
            &version,
            &tlv(INTEGER, input.serial),
            &algorithm(),
            input.issuer,
            &validity,
            &subject,
            input.spki,
            &extensions,
        ])
    }

    pub(super) fn certificate(tbs: &[u8], signature: &[u8]) -> Vec<u8> {
        seq(&[tbs, &algorithm(), &bit_string(signature)])
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    fn pem_to_der(pem: &str) -> Vec<u8> {
        let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap()
    }

    fn client_config(ca_pem: &str, client: Option<&ClientCert>) -> Arc<rustls::ClientConfig> {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(CertificateDer::from(pem_to_der(ca_pem))).unwrap();
        let builder = rustls::ClientConfig::builder_with_provider(ring_provider())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots);
        let mut config = match client {
            Some(c) => builder
                .with_client_auth_cert(
                    vec![CertificateDer::from(pem_to_der(&c.cert_pem))],
                    PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pem_to_der(&c.key_pem))),
                )
                .unwrap(),
            None => builder.with_no_client_auth(),
        };
        config.alpn_protocols = vec![b"h2".to_vec()];
        Arc::new(config)
    }

    /// Runs one TLS exchange on loopback; returns the server's view of the
    /// client identity, or the server-side handshake error.
    async fn handshake(
        server: rustls::ServerConfig,
        client: Arc<rustls::ClientConfig>,
        host: &str,
    ) -> Result<Option<(String, Vec<String>)>, String> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(server));
        let server_task = tokio::spawn(async move {
            let (tcp, _) = listener.accept().await.map_err(|e| e.to_string())?;
            let mut tls = acceptor.accept(tcp).await.map_err(|e| e.to_string())?;
            let mut buf = [0u8; 4];
            tls.read_exact(&mut buf).await.map_err(|e| e.to_string())?;
            tls.write_all(b"pong").await.map_err(|e| e.to_string())?;
            tls.flush().await.map_err(|e| e.to_string())?;
            let (_, conn) = tls.get_ref();
            assert_eq!(conn.alpn_protocol(), Some(&b"h2"[..]));
            Ok::<_, String>(conn.peer_certificates().and_then(peer_identity))
        });
        let client_side = async {
            let tcp = tokio::net::TcpStream::connect(addr)
                .await
                .map_err(|e| e.to_string())?;
            let connector = tokio_rustls::TlsConnector::from(client);
            let name = rustls_pki_types::ServerName::try_from(host.to_string()).unwrap();
            let mut tls = connector
                .connect(name, tcp)
                .await
                .map_err(|e| e.to_string())?;
            tls.write_all(b"ping").await.map_err(|e| e.to_string())?;
            let mut buf = [0u8; 4];
            tls.read_exact(&mut buf).await.map_err(|e| e.to_string())?;
            assert_eq!(&buf, b"pong");
            Ok::<_, String>(())
        };
        let client_result = client_side.await;
        let server_result = server_task.await.unwrap();
        let identity = server_result?;
        client_result?;
        Ok(identity)
    }

    async fn with_timeout<T>(f: impl std::future::Future<Output = T>) -> T {
        tokio::time::timeout(Duration::from_secs(20), f)
            .await
            .expect("TLS test timed out")
    }

    #[tokio::test]
    async fn server_handshake_with_ca_trust() {
        let certs = Certs::generate(&[]).unwrap();
        let client = client_config(certs.ca_pem(), None);
        for host in ["localhost", "127.0.0.1"] {
            let id = with_timeout(handshake(
                certs.server_config(false).unwrap(),
                client.clone(),
                host,
            ))
            .await
            .unwrap();
            assert_eq!(id, None);
        }
        // Client auth enabled still lets clients without a certificate in.
        let id = with_timeout(handshake(
            certs.server_config(true).unwrap(),
            client,
            "localhost",
        ))
        .await
        .unwrap();
        assert_eq!(id, None);
    }

    #[tokio::test]
    async fn extra_hosts_are_in_the_certificate() {
        let certs =
            Certs::generate(&["test.example".into(), "[::1]".into(), "10.1.2.3".into()]).unwrap();
        let client = client_config(certs.ca_pem(), None);
        let id = with_timeout(handshake(
            certs.server_config(false).unwrap(),
            client.clone(),
            "test.example",
        ))
        .await;
        assert_eq!(id, Ok(None));
        let id = with_timeout(handshake(
            certs.server_config(false).unwrap(),
            client,
            "10.1.2.3",
        ))
        .await;
        assert_eq!(id, Ok(None));
        // A host that was not requested is refused by the client.
        let other = Certs::generate(&[]).unwrap();
        let client = client_config(other.ca_pem(), None);
        let id = with_timeout(handshake(
            other.server_config(false).unwrap(),
            client,
            "test.example",
        ))
        .await;
        assert!(id.is_err());
    }

    #[tokio::test]
    async fn client_certificate_identity() {
        let certs = Certs::generate(&[]).unwrap();
        let groups = vec!["system:masters".to_string(), "team-a".to_string()];
        let cc = certs.issue_client("alice", &groups).unwrap();
        assert!(cc.cert_pem.starts_with("-----BEGIN CERTIFICATE-----\n"));
        assert!(cc.key_pem.contains("PRIVATE KEY"));
        let client = client_config(certs.ca_pem(), Some(&cc));
        let id = with_timeout(handshake(
            certs.server_config(true).unwrap(),
            client,
            "localhost",
        ))
        .await
        .unwrap();
        assert_eq!(id, Some(("alice".to_string(), groups)));
    }

    #[tokio::test]
    async fn client_certificate_from_another_ca_is_rejected() {
        let certs = Certs::generate(&[]).unwrap();
        let stranger = Certs::generate(&[]).unwrap();
        let cc = stranger.issue_client("mallory", &[]).unwrap();
        let client = client_config(certs.ca_pem(), Some(&cc));
        let result = with_timeout(handshake(
            certs.server_config(true).unwrap(),
            client,
            "localhost",
        ))
        .await;
        assert!(result.is_err(), "{result:?}");
    }

    #[test]
    fn peer_identity_reads_rcgen_and_own_certificates() {
        let certs = Certs::generate(&[]).unwrap();
        // The server leaf made by rcgen: CN only.
        assert_eq!(
            peer_identity(&certs.server_chain()),
            Some(("client-testserver".to_string(), vec![]))
        );
        let cc = certs.issue_client("bob", &[]).unwrap();
        let der = CertificateDer::from(pem_to_der(&cc.cert_pem));
        assert_eq!(peer_identity(&[der]), Some(("bob".to_string(), vec![])));
        let cc = certs.issue_client("", &["g".to_string()]).unwrap();
        let der = CertificateDer::from(pem_to_der(&cc.cert_pem));
        assert_eq!(peer_identity(&[der]), None);
    }

    #[test]
    fn peer_identity_survives_garbage() {
        let certs = Certs::generate(&[]).unwrap();
        let cc = certs
            .issue_client("carol", &["a".to_string(), "b".to_string()])
            .unwrap();
        let good = pem_to_der(&cc.cert_pem);
        let mut rng = fastrand::Rng::with_seed(11);
        for _ in 0..5000 {
            let mut bytes = good.clone();
            match rng.u8(0..3) {
                0 => bytes.truncate(rng.usize(0..good.len())),
                1 => {
                    for _ in 0..rng.usize(1..5) {
                        let at = rng.usize(0..bytes.len());
                        bytes[at] = rng.u8(..);
                    }
                }
                _ => {
                    let at = rng.usize(0..bytes.len());
                    bytes.insert(at, rng.u8(..));
                }
            }
            let _ = peer_identity(&[CertificateDer::from(bytes)]);
        }
        for junk in [
            &[][..],
            &[0x30],
            &[0x30, 0x84, 0xff, 0xff, 0xff, 0xff],
            &[0x1f, 0x00],
        ] {
            assert_eq!(peer_identity(&[CertificateDer::from(junk.to_vec())]), None);
        }
    }

    #[test]
    fn decodes_string_types() {
        assert_eq!(der::decode_string(0x13, b"abc").as_deref(), Some("abc"));
        assert_eq!(der::decode_string(0x14, &[0xe9]).as_deref(), Some("é"));
        assert_eq!(
            der::decode_string(0x1e, &[0, b'h', 0, b'i']).as_deref(),
            Some("hi")
        );
        assert_eq!(der::decode_string(0x1e, &[0]), None);
        assert_eq!(der::decode_string(0x0c, &[0xff]), None);
        assert_eq!(der::decode_string(0x04, b"x"), None);
        let long = vec![7u8; 300];
        let encoded = der::tlv(0x04, &long);
        assert_eq!(&encoded[..4], &[0x04, 0x82, 0x01, 0x2c]);
        let (tag, content, rest) = der::read_tlv(&encoded).unwrap();
        assert_eq!((tag, content.len(), rest.len()), (0x04, 300, 0));
    }

    #[test]
    #[ignore = "writes /tmp/client-testserver-*.pem and a kubeconfig for manual checks with openssl and kubectl"]
    fn dump_client_cert() {
        let certs = Certs::generate(&[]).unwrap();
        let cc = certs
            .issue_client("alice", &["g1".to_string(), "g2".to_string()])
            .unwrap();
        std::fs::write("/tmp/client-testserver-client.pem", &cc.cert_pem).unwrap();
        std::fs::write("/tmp/client-testserver-client-key.pem", &cc.key_pem).unwrap();
        std::fs::write("/tmp/client-testserver-ca.pem", certs.ca_pem()).unwrap();
        let leaf = pem("CERTIFICATE", &certs.server_chain()[0]);
        std::fs::write("/tmp/client-testserver-server.pem", leaf).unwrap();
        let PrivateKeyDer::Pkcs8(key) = certs.server_key() else {
            panic!("not pkcs8")
        };
        let key = pem("PRIVATE KEY", key.secret_pkcs8_der());
        std::fs::write("/tmp/client-testserver-server-key.pem", key).unwrap();
        let kubeconfig = crate::kubeconfig::render_kubeconfig(
            "https://127.0.0.1:18443",
            Some(certs.ca_pem()),
            &crate::kubeconfig::KubeconfigUser::ClientCert {
                cert_pem: cc.cert_pem,
                key_pem: cc.key_pem,
            },
        );
        std::fs::write("/tmp/client-testserver-kubeconfig", kubeconfig).unwrap();
    }

    #[test]
    fn certs_can_be_shared_across_tasks() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<Certs>();
        assert_send_sync::<ClientCert>();
        assert_send_sync::<CertError>();
    }

    #[test]
    fn generation_is_fast() {
        let start = Instant::now();
        let certs = Certs::generate(&[]).unwrap();
        let generate = start.elapsed();
        let start = Instant::now();
        certs.issue_client("u", &[]).unwrap();
        let issue = start.elapsed();
        eprintln!("Certs::generate took {generate:?}, issue_client took {issue:?}");
        assert!(generate < Duration::from_secs(2), "{generate:?}");
    }
}

/// The examples that were doc tests while this module was public.
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod examples {
    #[test]
    fn module_doc_example() {
        use crate::certs::Certs;
        let certs = Certs::generate(&[]).unwrap();
        assert!(certs.ca_pem().starts_with("-----BEGIN CERTIFICATE-----"));
        let config = certs.server_config(true).unwrap();
        assert_eq!(
            config.alpn_protocols,
            [b"h2".to_vec(), b"http/1.1".to_vec()]
        );
    }

    #[test]
    fn peer_identity_example() {
        use crate::certs::peer_identity;
        assert_eq!(peer_identity(&[]), None);
    }
}
