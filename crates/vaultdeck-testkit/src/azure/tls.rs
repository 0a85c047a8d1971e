//! The test PKI: a CA generated at start and a server certificate it signs (SAN `localhost`,
//! `*.localhost`, `*.vault.localhost`, `127.0.0.1`; serverAuth; not a CA, which rustls
//! requires of end-entity certificates).

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType,
};
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::TlsAcceptor;

/// CA + server certificate for one server run.
pub(crate) struct TestPki {
    pub(crate) ca_pem: String,
    ca_der: CertificateDer<'static>,
    leaf_der: CertificateDer<'static>,
    leaf_key: Vec<u8>,
}

impl TestPki {
    pub(crate) fn generate() -> Result<Self, rcgen::Error> {
        let mut ca = CertificateParams::new(Vec::<String>::new())?;
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(DnType::CommonName, "Vaultdeck Azure test CA");
        ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca_key = KeyPair::generate()?;
        let ca_cert = ca.self_signed(&ca_key)?;
        let issuer = Issuer::new(ca, ca_key);

        let mut leaf = CertificateParams::new(vec![
            "localhost".to_string(),
            "*.localhost".to_string(),
            "*.vault.localhost".to_string(),
        ])?;
        leaf.subject_alt_names
            .push(SanType::IpAddress([127, 0, 0, 1].into()));
        leaf.distinguished_name
            .push(DnType::CommonName, "vault.localhost");
        leaf.is_ca = IsCa::ExplicitNoCa;
        leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        let leaf_key = KeyPair::generate()?;
        let leaf_cert = leaf.signed_by(&leaf_key, &issuer)?;
        Ok(Self {
            ca_pem: ca_cert.pem(),
            ca_der: ca_cert.der().clone(),
            leaf_der: leaf_cert.der().clone(),
            leaf_key: leaf_key.serialize_der(),
        })
    }

    pub(crate) fn acceptor(&self) -> Result<TlsAcceptor, rustls::Error> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_single_cert(
                vec![self.leaf_der.clone(), self.ca_der.clone()],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.leaf_key.clone())),
            )?;
        Ok(TlsAcceptor::from(Arc::new(config)))
    }
}

/// The RSA-2048 key of seeded certificates: a fixed test key (ring signs RSA but cannot
/// generate RSA keys), so certificates look like Key Vault's default policy (RSA 2048).
const CERT_RSA_KEY: &str = include_str!("cert_rsa_key.pem");

/// A self-signed RSA-2048 certificate (DER) with subject `CN=<cn>`, valid from now for `days`.
pub(crate) fn self_signed(cn: &str, days: i64) -> Result<Vec<u8>, rcgen::Error> {
    let mut params = CertificateParams::new(vec![format!("{cn}.example")])?;
    params.distinguished_name.push(DnType::CommonName, cn);
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::minutes(5);
    params.not_after = now + time::Duration::days(days);
    let key = KeyPair::from_pkcs8_pem_and_sign_algo(CERT_RSA_KEY, &rcgen::PKCS_RSA_SHA256)?;
    Ok(params.self_signed(&key)?.der().to_vec())
}
