//! Secrets: list (streamed, every page), versions, reveal, set, update attributes, soft delete,
//! deleted list/get, recover, purge, backup/restore, rollback (an older version's value set as
//! a new version, with a preview first).

use std::collections::{BTreeMap, HashMap};
use std::ops::ControlFlow;
use std::time::Duration;

use azure_security_keyvault_secrets::models::{
    DeletedSecret, DeletedSecretProperties, RestoreSecretParameters, Secret, SecretAttributes,
    SecretClientGetSecretOptions, SecretClientUpdateSecretPropertiesOptions, SecretProperties,
    SetSecretParameters, UpdateSecretPropertiesParameters,
};
use futures::{Stream, TryStreamExt};
use secrecy::{ExposeSecret, SecretString};
use tracing::instrument;
use vaultdeck_types::{
    AzDeletedSecret, AzListProgress, AzListReport, AzRollbackPreview, AzSecretProps, AzSecretUpdate,
};

use crate::{check_name, from_unix, name_version, unix, AzureVault, Error, Result};

/// How long the `*_when_ready` helpers wait out the service's soft-delete transitions.
pub const TRANSITION_TIMEOUT: Duration = Duration::from_secs(30);

fn tags(t: Option<HashMap<String, String>>) -> BTreeMap<String, String> {
    t.map(|t| t.into_iter().collect()).unwrap_or_default()
}

fn props(
    id: Option<&str>,
    a: Option<&SecretAttributes>,
    content_type: Option<String>,
    t: Option<HashMap<String, String>>,
    managed: Option<bool>,
) -> AzSecretProps {
    let (name, version) = name_version(id);
    AzSecretProps {
        name,
        version,
        enabled: a.and_then(|a| a.enabled).unwrap_or(true),
        content_type,
        tags: tags(t),
        created: unix(a.and_then(|a| a.created)),
        updated: unix(a.and_then(|a| a.updated)),
        not_before: unix(a.and_then(|a| a.not_before)),
        expires: unix(a.and_then(|a| a.expires)),
        managed: managed.unwrap_or(false),
    }
}

fn from_item(s: SecretProperties) -> AzSecretProps {
    props(
        s.id.as_deref(),
        s.attributes.as_ref(),
        s.content_type,
        s.tags,
        s.managed,
    )
}

fn from_secret(s: Secret) -> AzSecretProps {
    props(
        s.id.as_deref(),
        s.attributes.as_ref(),
        s.content_type,
        s.tags,
        s.managed,
    )
}

fn from_deleted(s: DeletedSecret) -> AzDeletedSecret {
    AzDeletedSecret {
        props: props(
            s.id.as_deref(),
            s.attributes.as_ref(),
            s.content_type,
            s.tags,
            s.managed,
        ),
        recovery_id: s.recovery_id,
        deleted_date: unix(s.deleted_date),
        scheduled_purge_date: unix(s.scheduled_purge_date),
    }
}

fn from_deleted_item(s: DeletedSecretProperties) -> AzDeletedSecret {
    AzDeletedSecret {
        props: props(
            s.id.as_deref(),
            s.attributes.as_ref(),
            s.content_type,
            s.tags,
            s.managed,
        ),
        recovery_id: s.recovery_id,
        deleted_date: unix(s.deleted_date),
        scheduled_purge_date: unix(s.scheduled_purge_date),
    }
}

/// Applies `u`'s attribute fields onto `attrs`.
fn apply_attrs(attrs: &mut SecretAttributes, u: &AzSecretUpdate) -> Result<()> {
    if let Some(e) = u.enabled {
        attrs.enabled = Some(e);
    }
    if let Some(exp) = u.expires {
        attrs.expires = exp.map(from_unix).transpose()?;
    }
    if let Some(nbf) = u.not_before {
        attrs.not_before = nbf.map(from_unix).transpose()?;
    }
    Ok(())
}

/// Retries `op` while the service reports a transition in progress: 409
/// `ObjectIsBeingDeleted`, and 404 when `not_found_is_transient` (right after our own delete or
/// recover, when 404 only means "not there yet").
pub(crate) async fn retry_transition<T, F, Fut>(
    what: &str,
    not_found_is_transient: bool,
    mut op: F,
) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    let deadline = tokio::time::Instant::now() + TRANSITION_TIMEOUT;
    let mut wait = Duration::from_millis(100);
    let transient =
        |e: &Error| e.is_being_deleted() || (not_found_is_transient && e.is_not_found());
    loop {
        match op().await {
            Err(e) if transient(&e) && tokio::time::Instant::now() < deadline => {
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(2));
            }
            Err(e) if transient(&e) => {
                return Err(Error::Transport(format!(
                    "{what} did not complete within {}s: {e}",
                    TRANSITION_TIMEOUT.as_secs()
                )))
            }
            other => return other,
        }
    }
}

impl AzureVault {
    /// Every secret (latest version's properties, no values), streamed page by page; follows
    /// `nextLink` through empty pages until it is absent.
    pub fn list_secrets(&self) -> impl Stream<Item = Result<AzSecretProps>> + Send + 'static {
        let pager = self.secrets.list_secret_properties(None);
        futures::stream::once(async move { pager.map_err(Error::from) })
            .map_ok(|p| p.map_err(Error::from).map_ok(from_item))
            .try_flatten()
    }

    /// Every secret, page by page as the service sends them: one item per page, empty pages
    /// (the service sends pages with no secret but a `nextLink`) included.
    pub fn list_secret_pages(
        &self,
    ) -> impl Stream<Item = Result<Vec<AzSecretProps>>> + Send + 'static {
        let pager = self.secrets.list_secret_properties(None);
        futures::stream::once(async move { pager.map_err(Error::from) })
            .map_ok(|p| {
                p.into_pages().map_err(Error::from).and_then(|page| async {
                    let page = page.into_model()?;
                    Ok(page.value.into_iter().map(from_item).collect::<Vec<_>>())
                })
            })
            .try_flatten()
    }

    /// Every secret, handed to `on_page` one page at a time with the progress so far (empty
    /// pages too); `on_page` returns [`ControlFlow::Break`] to stop early (the report then
    /// says `cancelled`, and no further page is requested).
    #[instrument(skip_all, fields(vault = %self.vault_url))]
    pub async fn list_secrets_paged<F>(&self, mut on_page: F) -> Result<AzListReport>
    where
        F: FnMut(Vec<AzSecretProps>, AzListProgress) -> ControlFlow<()>,
    {
        let mut progress = AzListProgress::default();
        let mut pages = Box::pin(self.list_secret_pages());
        while let Some(page) = pages.try_next().await? {
            progress.pages += 1;
            progress.count += page.len() as u64;
            if page.is_empty() {
                progress.empty_pages += 1;
            }
            if on_page(page, progress).is_break() {
                return Ok(AzListReport {
                    progress,
                    cancelled: true,
                });
            }
        }
        Ok(AzListReport {
            progress,
            cancelled: false,
        })
    }

    /// All secrets, collected.
    #[instrument(skip_all, fields(vault = %self.vault_url))]
    pub async fn list_secrets_all(&self) -> Result<Vec<AzSecretProps>> {
        self.list_secrets().try_collect().await
    }

    pub(crate) async fn list_secrets_page(&self) -> Result<Option<AzSecretProps>> {
        let mut s = Box::pin(self.list_secrets());
        s.try_next().await
    }

    /// Every version of `name`, oldest first by creation time.
    #[instrument(skip_all, fields(vault = %self.vault_url, name = %name))]
    pub async fn secret_versions(&self, name: &str) -> Result<Vec<AzSecretProps>> {
        check_name("secret", name)?;
        let mut v: Vec<AzSecretProps> = self
            .secrets
            .list_secret_properties_versions(name, None)?
            .map_err(Error::from)
            .map_ok(from_item)
            .try_collect()
            .await?;
        v.sort_by_key(|p| (p.created, p.updated));
        Ok(v)
    }

    async fn get_raw(&self, name: &str, version: Option<&str>) -> Result<Secret> {
        check_name("secret", name)?;
        let mut o = SecretClientGetSecretOptions::default();
        o.secret_version = version.map(str::to_string);
        Ok(self.secrets.get_secret(name, Some(o)).await?.into_model()?)
    }

    /// Properties of `name` (latest or `version`); reading a disabled version fails with
    /// 403 `SecretDisabled` like the service.
    #[instrument(skip_all, fields(vault = %self.vault_url, name = %name))]
    pub async fn secret_props(&self, name: &str, version: Option<&str>) -> Result<AzSecretProps> {
        self.get_raw(name, version).await.map(from_secret)
    }

    /// The value of `name` (latest or `version`): the reveal path.
    #[instrument(skip_all, fields(vault = %self.vault_url, name = %name))]
    pub async fn reveal_secret(&self, name: &str, version: Option<&str>) -> Result<SecretString> {
        let s = self.get_raw(name, version).await?;
        s.value
            .map(SecretString::from)
            .ok_or_else(|| Error::Transport("the vault returned a secret without a value".into()))
    }

    /// Sets `value` as a new version of `name`, with the content type, tags and attributes of
    /// `attrs` (unset fields: service defaults). On a soft-deleted name this fails with 409
    /// `ObjectIsDeletedButRecoverable` ([`Error::is_deleted_but_recoverable`]): recover it.
    #[instrument(skip_all, fields(vault = %self.vault_url, name = %name))]
    pub async fn set_secret(
        &self,
        name: &str,
        value: &SecretString,
        attrs: &AzSecretUpdate,
    ) -> Result<AzSecretProps> {
        check_name("secret", name)?;
        if value.expose_secret().len() > 25 * 1024 {
            return Err(Error::InvalidInput(
                "a Key Vault secret value can be at most 25 KB".into(),
            ));
        }
        let mut p = SetSecretParameters::default();
        p.value = Some(value.expose_secret().to_string());
        p.content_type = attrs.content_type.clone();
        p.tags = attrs.tags.clone().map(|t| t.into_iter().collect());
        if attrs.enabled.is_some() || attrs.expires.is_some() || attrs.not_before.is_some() {
            let mut a = SecretAttributes::default();
            apply_attrs(&mut a, attrs)?;
            p.secret_attributes = Some(a);
        }
        let s = self
            .secrets
            .set_secret(name, p.try_into()?, None)
            .await?
            .into_model()?;
        Ok(from_secret(s))
    }

    /// Changes attributes of `version` (or the latest): enabled, expiry, not-before, content
    /// type, tags. The value cannot change this way.
    #[instrument(skip_all, fields(vault = %self.vault_url, name = %name))]
    pub async fn update_secret(
        &self,
        name: &str,
        version: Option<&str>,
        update: &AzSecretUpdate,
    ) -> Result<AzSecretProps> {
        check_name("secret", name)?;
        let mut p = UpdateSecretPropertiesParameters::default();
        p.content_type = update.content_type.clone();
        p.tags = update.tags.clone().map(|t| t.into_iter().collect());
        if update.enabled.is_some() || update.expires.is_some() || update.not_before.is_some() {
            let mut a = SecretAttributes::default();
            apply_attrs(&mut a, update)?;
            p.secret_attributes = Some(a);
        }
        let mut o = SecretClientUpdateSecretPropertiesOptions::default();
        o.secret_version = version.map(str::to_string);
        let s = self
            .secrets
            .update_secret_properties(name, p.try_into()?, Some(o))
            .await?
            .into_model()?;
        Ok(from_secret(s))
    }

    /// Soft-deletes `name` (all versions). The deleted entry becomes readable shortly after
    /// (until then the service answers 404): see [`AzureVault::wait_secret_deleted`].
    #[instrument(skip_all, fields(vault = %self.vault_url, name = %name))]
    pub async fn delete_secret(&self, name: &str) -> Result<AzDeletedSecret> {
        check_name("secret", name)?;
        let d = self.secrets.delete_secret(name, None).await?.into_model()?;
        Ok(from_deleted(d))
    }

    /// Waits until the deleted secret `name` is visible in the deleted collection.
    pub async fn wait_secret_deleted(&self, name: &str) -> Result<AzDeletedSecret> {
        retry_transition("the delete", true, || self.deleted_secret(name)).await
    }

    /// Soft-deleted secrets with their scheduled purge dates.
    #[instrument(skip_all, fields(vault = %self.vault_url))]
    pub async fn list_deleted_secrets(&self) -> Result<Vec<AzDeletedSecret>> {
        self.secrets
            .list_deleted_secret_properties(None)?
            .map_err(Error::from)
            .map_ok(from_deleted_item)
            .try_collect()
            .await
    }

    /// One soft-deleted secret (404 right after the delete: the service is still moving it).
    #[instrument(skip_all, fields(vault = %self.vault_url, name = %name))]
    pub async fn deleted_secret(&self, name: &str) -> Result<AzDeletedSecret> {
        check_name("secret", name)?;
        let d = self
            .secrets
            .get_deleted_secret(name, None)
            .await?
            .into_model()?;
        Ok(from_deleted(d))
    }

    /// Recovers the soft-deleted `name` (one attempt; 409 `ObjectIsBeingDeleted` while the
    /// delete is still in progress).
    #[instrument(skip_all, fields(vault = %self.vault_url, name = %name))]
    pub async fn recover_secret(&self, name: &str) -> Result<AzSecretProps> {
        check_name("secret", name)?;
        let s = self
            .secrets
            .recover_deleted_secret(name, None)
            .await?
            .into_model()?;
        Ok(from_secret(s))
    }

    /// Recovers `name`, waiting out a delete still in progress, then until the secret is
    /// readable again (the service answers 404 for a moment after a recover).
    pub async fn recover_secret_when_ready(&self, name: &str) -> Result<AzSecretProps> {
        let p = retry_transition("the delete", false, || self.recover_secret(name)).await?;
        retry_transition("the recover", true, || async {
            match self.secret_props(name, None).await {
                Err(e) if e.is_disabled() => Ok(p.clone()),
                other => other,
            }
        })
        .await?;
        Ok(p)
    }

    /// Purges the soft-deleted `name` for good (one attempt; 409 `ObjectIsBeingDeleted` while
    /// the delete is still in progress).
    #[instrument(skip_all, fields(vault = %self.vault_url, name = %name))]
    pub async fn purge_secret(&self, name: &str) -> Result<()> {
        check_name("secret", name)?;
        self.secrets.purge_deleted_secret(name, None).await?;
        Ok(())
    }

    /// Purges `name`, waiting out a delete still in progress (409 `ObjectIsBeingDeleted`).
    pub async fn purge_secret_when_ready(&self, name: &str) -> Result<()> {
        let deadline = tokio::time::Instant::now() + TRANSITION_TIMEOUT;
        loop {
            match self.purge_secret(name).await {
                Err(e) if e.is_being_deleted() && tokio::time::Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(200)).await
                }
                other => return other,
            }
        }
    }

    /// A backup of every version of `name` (opaque bytes, only restorable into a vault of the
    /// same geography/subscription).
    #[instrument(skip_all, fields(vault = %self.vault_url, name = %name))]
    pub async fn backup_secret(&self, name: &str) -> Result<Vec<u8>> {
        check_name("secret", name)?;
        self.secrets
            .backup_secret(name, None)
            .await?
            .into_model()?
            .value
            .ok_or_else(|| Error::Transport("the backup reply has no value".into()))
    }

    /// Restores a backup made by [`AzureVault::backup_secret`]; 409 if the name exists (or is
    /// soft-deleted).
    #[instrument(skip_all, fields(vault = %self.vault_url))]
    pub async fn restore_secret(&self, backup: &[u8]) -> Result<AzSecretProps> {
        if backup.is_empty() {
            return Err(Error::InvalidInput("the backup file is empty".into()));
        }
        let mut p = RestoreSecretParameters::default();
        p.secret_backup = Some(backup.to_vec());
        let s = self
            .secrets
            .restore_secret(p.try_into()?, None)
            .await?
            .into_model()?;
        Ok(from_secret(s))
    }

    /// What a rollback of `name` to `from_version` would do (reads both values, returns none).
    #[instrument(skip_all, fields(vault = %self.vault_url, name = %name))]
    pub async fn rollback_preview(
        &self,
        name: &str,
        from_version: &str,
    ) -> Result<AzRollbackPreview> {
        let old = self.get_raw(name, Some(from_version)).await?;
        let current = self.get_raw(name, None).await?;
        let (_, current_version) = name_version(current.id.as_deref());
        Ok(AzRollbackPreview {
            name: name.to_string(),
            from_version: from_version.to_string(),
            current_version,
            value_differs: old.value != current.value,
            content_type: old.content_type,
        })
    }

    /// Makes `from_version`'s value current again by setting it as a new version (with that
    /// version's content type and tags). `expected_current` is the current version the preview
    /// showed: if another version became current since, nothing is written (409-like
    /// [`Error::Service`] with code `Conflict`).
    #[instrument(skip_all, fields(vault = %self.vault_url, name = %name))]
    pub async fn rollback_secret(
        &self,
        name: &str,
        from_version: &str,
        expected_current: Option<&str>,
    ) -> Result<AzSecretProps> {
        let old = self.get_raw(name, Some(from_version)).await?;
        if let Some(expected) = expected_current {
            let current = self.get_raw(name, None).await?;
            let (_, cur) = name_version(current.id.as_deref());
            if cur.as_deref() != Some(expected) {
                return Err(Error::Service {
                    status: 409,
                    code: "Conflict".into(),
                    inner: Some("VersionChanged".into()),
                    message: format!(
                        "secret {name} changed since the preview (current version is now {}); \
                         preview the rollback again",
                        cur.unwrap_or_default()
                    ),
                });
            }
        }
        let value = SecretString::from(
            old.value
                .ok_or_else(|| Error::Transport("the old version has no value".into()))?,
        );
        let attrs = AzSecretUpdate {
            content_type: old.content_type,
            tags: old.tags.map(|t| t.into_iter().collect()),
            ..Default::default()
        };
        self.set_secret(name, &value, &attrs).await
    }
}
