//! Certificates, read-only: list, versions, get (subject and issuer from the policy).

use std::collections::{BTreeMap, HashMap};

use azure_security_keyvault_certificates::models::{
    Certificate, CertificateAttributes, CertificateClientGetCertificateOptions,
    CertificateProperties,
};
use futures::TryStreamExt;
use tracing::instrument;
use vaultdeck_types::AzCertificateProps;

use crate::{check_name, name_version, unix, AzureVault, Error, Result};

fn tags(t: Option<HashMap<String, String>>) -> BTreeMap<String, String> {
    t.map(|t| t.into_iter().collect()).unwrap_or_default()
}

fn b64url(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

fn attrs_into(p: &mut AzCertificateProps, a: Option<&CertificateAttributes>) {
    p.enabled = a.and_then(|a| a.enabled).unwrap_or(true);
    p.created = unix(a.and_then(|a| a.created));
    p.updated = unix(a.and_then(|a| a.updated));
    p.not_before = unix(a.and_then(|a| a.not_before));
    p.expires = unix(a.and_then(|a| a.expires));
}

fn from_item(c: CertificateProperties) -> AzCertificateProps {
    let (name, version) = name_version(c.id.as_deref());
    let mut p = AzCertificateProps {
        name,
        version,
        thumbprint: c.x509_thumbprint.as_deref().map(b64url),
        tags: tags(c.tags),
        ..Default::default()
    };
    attrs_into(&mut p, c.attributes.as_ref());
    p
}

fn from_cert(c: Certificate) -> AzCertificateProps {
    let (name, version) = name_version(c.id.as_deref());
    let policy = c.policy.as_ref();
    let mut p = AzCertificateProps {
        name,
        version,
        subject: policy
            .and_then(|p| p.x509_certificate_properties.as_ref())
            .and_then(|x| x.subject.clone()),
        issuer: policy
            .and_then(|p| p.issuer_parameters.as_ref())
            .and_then(|i| i.name.clone()),
        thumbprint: c.x509_thumbprint.as_deref().map(b64url),
        tags: tags(c.tags),
        ..Default::default()
    };
    attrs_into(&mut p, c.attributes.as_ref());
    p
}

impl AzureVault {
    /// Every certificate (latest version).
    #[instrument(skip_all, fields(vault = %self.vault_url))]
    pub async fn list_certificates(&self) -> Result<Vec<AzCertificateProps>> {
        self.certificates
            .list_certificate_properties(None)?
            .map_err(Error::from)
            .map_ok(from_item)
            .try_collect()
            .await
    }

    /// Every version of certificate `name`, oldest first.
    #[instrument(skip_all, fields(vault = %self.vault_url, name = %name))]
    pub async fn certificate_versions(&self, name: &str) -> Result<Vec<AzCertificateProps>> {
        check_name("certificate", name)?;
        let mut v: Vec<AzCertificateProps> = self
            .certificates
            .list_certificate_properties_versions(name, None)?
            .map_err(Error::from)
            .map_ok(from_item)
            .try_collect()
            .await?;
        v.sort_by_key(|p| (p.created, p.updated));
        Ok(v)
    }

    /// Certificate `name` (latest or `version`) with subject, issuer and validity.
    #[instrument(skip_all, fields(vault = %self.vault_url, name = %name))]
    pub async fn get_certificate(
        &self,
        name: &str,
        version: Option<&str>,
    ) -> Result<AzCertificateProps> {
        check_name("certificate", name)?;
        let mut o = CertificateClientGetCertificateOptions::default();
        o.certificate_version = version.map(str::to_string);
        Ok(from_cert(
            self.certificates
                .get_certificate(name, Some(o))
                .await?
                .into_model()?,
        ))
    }
}
