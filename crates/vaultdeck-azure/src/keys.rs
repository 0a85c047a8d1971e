//! Keys: list, versions, get, create (RSA/EC), enable/disable, rotate now, rotation policy,
//! soft delete (deleted list/get, recover, purge).

use std::collections::{BTreeMap, HashMap};

use azure_security_keyvault_keys::models::{
    CreateKeyParameters, CurveName, DeletedKey, DeletedKeyProperties, Key, KeyAttributes,
    KeyClientGetKeyOptions, KeyClientUpdateKeyPropertiesOptions, KeyProperties, KeyRotationPolicy,
    KeyRotationPolicyAction, KeyRotationPolicyAttributes, KeyType, LifetimeAction,
    LifetimeActionTrigger, LifetimeActionType, UpdateKeyPropertiesParameters,
};
use futures::TryStreamExt;
use tracing::instrument;
use vaultdeck_types::{
    AzDeletedKey, AzKeyProps, AzKeySpec, AzLifetimeAction, AzRotationAction, AzRotationPolicy,
};

use crate::secrets::retry_transition;

use crate::{check_name, name_version, unix, AzureVault, Error, Result};

fn tags(t: Option<HashMap<String, String>>) -> BTreeMap<String, String> {
    t.map(|t| t.into_iter().collect()).unwrap_or_default()
}

fn attrs_into(p: &mut AzKeyProps, a: Option<&KeyAttributes>) {
    p.enabled = a.and_then(|a| a.enabled).unwrap_or(true);
    p.created = unix(a.and_then(|a| a.created));
    p.updated = unix(a.and_then(|a| a.updated));
    p.not_before = unix(a.and_then(|a| a.not_before));
    p.expires = unix(a.and_then(|a| a.expires));
}

fn from_item(k: KeyProperties) -> AzKeyProps {
    let (name, version) = name_version(k.kid.as_deref());
    let mut p = AzKeyProps {
        name,
        version,
        tags: tags(k.tags),
        managed: k.managed.unwrap_or(false),
        ..Default::default()
    };
    attrs_into(&mut p, k.attributes.as_ref());
    p
}

fn from_key(k: Key) -> AzKeyProps {
    let jwk = k.key.as_ref();
    let (name, version) = name_version(jwk.and_then(|j| j.kid.as_deref()));
    let mut p = AzKeyProps {
        name,
        version,
        kty: jwk.and_then(|j| j.kty.as_ref()).map(|t| t.to_string()),
        key_size: jwk.and_then(|j| j.n.as_ref()).map(|n| (n.len() * 8) as u32),
        curve: jwk.and_then(|j| j.crv.as_ref()).map(|c| c.to_string()),
        key_ops: jwk
            .and_then(|j| j.key_ops.as_ref())
            .map(|ops| ops.iter().map(|o| o.to_string()).collect())
            .unwrap_or_default(),
        tags: tags(k.tags),
        managed: k.managed.unwrap_or(false),
        ..Default::default()
    };
    attrs_into(&mut p, k.attributes.as_ref());
    p
}

fn from_deleted(k: DeletedKey) -> AzDeletedKey {
    let mut key = Key::default();
    key.key = k.key;
    key.attributes = k.attributes;
    key.tags = k.tags;
    key.managed = k.managed;
    AzDeletedKey {
        props: from_key(key),
        recovery_id: k.recovery_id,
        deleted_date: unix(k.deleted_date),
        scheduled_purge_date: unix(k.scheduled_purge_date),
    }
}

fn from_deleted_item(k: DeletedKeyProperties) -> AzDeletedKey {
    let mut item = KeyProperties::default();
    item.kid = k.kid;
    item.attributes = k.attributes;
    item.tags = k.tags;
    item.managed = k.managed;
    AzDeletedKey {
        props: from_item(item),
        recovery_id: k.recovery_id,
        deleted_date: unix(k.deleted_date),
        scheduled_purge_date: unix(k.scheduled_purge_date),
    }
}

fn from_policy(p: KeyRotationPolicy) -> AzRotationPolicy {
    let a = p.attributes.as_ref();
    AzRotationPolicy {
        expiry_time: a.and_then(|a| a.expiry_time.clone()),
        created: unix(a.and_then(|a| a.created)),
        updated: unix(a.and_then(|a| a.updated)),
        actions: p
            .lifetime_actions
            .unwrap_or_default()
            .into_iter()
            .filter_map(|la| {
                let action = match la.action.and_then(|a| a.type_prop)? {
                    KeyRotationPolicyAction::Rotate => AzRotationAction::Rotate,
                    KeyRotationPolicyAction::Notify => AzRotationAction::Notify,
                };
                let trigger = la.trigger.unwrap_or_default();
                Some(AzLifetimeAction {
                    action,
                    time_after_create: trigger.time_after_create,
                    time_before_expiry: trigger.time_before_expiry,
                })
            })
            .collect(),
    }
}

/// Checks an ISO 8601 duration the way the service will (`P90D`, `P1Y6M`, `PT12H`), so a
/// typo is reported before any request.
pub fn check_duration(field: &str, s: &str) -> Result<()> {
    let ok = (|| {
        let rest = s.strip_prefix('P')?;
        let (date, time) = match rest.split_once('T') {
            Some((d, t)) => (d, Some(t)),
            None => (rest, None),
        };
        let valid = |part: &str, units: &str| -> Option<bool> {
            let mut digits = 0;
            let mut any = false;
            for c in part.chars() {
                if c.is_ascii_digit() {
                    digits += 1;
                } else if units.contains(c) && digits > 0 {
                    digits = 0;
                    any = true;
                } else {
                    return None;
                }
            }
            (digits == 0).then_some(any)
        };
        let d = valid(date, "YMWD")?;
        let t = match time {
            Some(t) => valid(t, "HMS")?,
            None => false,
        };
        (d || t).then_some(())
    })();
    ok.ok_or_else(|| {
        Error::InvalidInput(format!(
            "{field} {s:?} is not an ISO 8601 duration such as P90D, P1Y or PT12H"
        ))
    })
}

impl AzureVault {
    /// Every key (latest version's properties).
    #[instrument(skip_all, fields(vault = %self.vault_url))]
    pub async fn list_keys(&self) -> Result<Vec<AzKeyProps>> {
        self.keys
            .list_key_properties(None)?
            .map_err(Error::from)
            .map_ok(from_item)
            .try_collect()
            .await
    }

    /// Every version of key `name`, oldest first.
    #[instrument(skip_all, fields(vault = %self.vault_url, name = %name))]
    pub async fn key_versions(&self, name: &str) -> Result<Vec<AzKeyProps>> {
        check_name("key", name)?;
        let mut v: Vec<AzKeyProps> = self
            .keys
            .list_key_properties_versions(name, None)?
            .map_err(Error::from)
            .map_ok(from_item)
            .try_collect()
            .await?;
        v.sort_by_key(|p| (p.created, p.updated));
        Ok(v)
    }

    /// Key `name` (latest or `version`) with its public parameters.
    #[instrument(skip_all, fields(vault = %self.vault_url, name = %name))]
    pub async fn get_key(&self, name: &str, version: Option<&str>) -> Result<AzKeyProps> {
        check_name("key", name)?;
        let mut o = KeyClientGetKeyOptions::default();
        o.key_version = version.map(str::to_string);
        Ok(from_key(
            self.keys.get_key(name, Some(o)).await?.into_model()?,
        ))
    }

    /// Creates key `name` (a new version if it exists).
    #[instrument(skip_all, fields(vault = %self.vault_url, name = %name))]
    pub async fn create_key(
        &self,
        name: &str,
        spec: &AzKeySpec,
        tags: &BTreeMap<String, String>,
    ) -> Result<AzKeyProps> {
        check_name("key", name)?;
        let mut p = CreateKeyParameters::default();
        match spec {
            AzKeySpec::Rsa { size } => {
                if ![2048, 3072, 4096].contains(size) {
                    return Err(Error::InvalidInput(format!(
                        "RSA key size {size} is not supported: use 2048, 3072 or 4096"
                    )));
                }
                p.kty = Some(KeyType::Rsa);
                p.key_size = Some(*size as i32);
            }
            AzKeySpec::Ec { curve } => {
                p.kty = Some(KeyType::Ec);
                p.curve = Some(match curve.as_str() {
                    "P-256" => CurveName::P256,
                    "P-384" => CurveName::P384,
                    "P-521" => CurveName::P521,
                    "P-256K" => CurveName::P256K,
                    other => {
                        return Err(Error::InvalidInput(format!(
                            "curve {other:?} is not supported: use P-256, P-384, P-521 or P-256K"
                        )))
                    }
                });
            }
        }
        if !tags.is_empty() {
            p.tags = Some(tags.clone().into_iter().collect());
        }
        Ok(from_key(
            self.keys
                .create_key(name, p.try_into()?, None)
                .await?
                .into_model()?,
        ))
    }

    /// Enables or disables `version` (or the latest) of key `name`.
    #[instrument(skip_all, fields(vault = %self.vault_url, name = %name))]
    pub async fn set_key_enabled(
        &self,
        name: &str,
        version: Option<&str>,
        enabled: bool,
    ) -> Result<AzKeyProps> {
        check_name("key", name)?;
        let mut a = KeyAttributes::default();
        a.enabled = Some(enabled);
        let mut p = UpdateKeyPropertiesParameters::default();
        p.key_attributes = Some(a);
        let mut o = KeyClientUpdateKeyPropertiesOptions::default();
        o.key_version = version.map(str::to_string);
        Ok(from_key(
            self.keys
                .update_key_properties(name, p.try_into()?, Some(o))
                .await?
                .into_model()?,
        ))
    }

    /// Soft-deletes key `name` (all versions; the rotation policy is kept for a recover). The
    /// deleted entry becomes readable shortly after (404 until then):
    /// [`AzureVault::wait_key_deleted`].
    #[instrument(skip_all, fields(vault = %self.vault_url, name = %name))]
    pub async fn delete_key(&self, name: &str) -> Result<AzDeletedKey> {
        check_name("key", name)?;
        let d = self.keys.delete_key(name, None).await?.into_model()?;
        Ok(from_deleted(d))
    }

    /// One soft-deleted key (404 right after the delete: the service is still moving it).
    #[instrument(skip_all, fields(vault = %self.vault_url, name = %name))]
    pub async fn deleted_key(&self, name: &str) -> Result<AzDeletedKey> {
        check_name("key", name)?;
        let d = self.keys.get_deleted_key(name, None).await?.into_model()?;
        Ok(from_deleted(d))
    }

    /// Waits until the deleted key `name` is visible in the deleted collection.
    pub async fn wait_key_deleted(&self, name: &str) -> Result<AzDeletedKey> {
        retry_transition("the delete", true, || self.deleted_key(name)).await
    }

    /// Soft-deleted keys with their scheduled purge dates.
    #[instrument(skip_all, fields(vault = %self.vault_url))]
    pub async fn list_deleted_keys(&self) -> Result<Vec<AzDeletedKey>> {
        self.keys
            .list_deleted_key_properties(None)?
            .map_err(Error::from)
            .map_ok(from_deleted_item)
            .try_collect()
            .await
    }

    /// Recovers the soft-deleted key `name` (one attempt; 409 `ObjectIsBeingDeleted` while
    /// the delete is still in progress).
    #[instrument(skip_all, fields(vault = %self.vault_url, name = %name))]
    pub async fn recover_key(&self, name: &str) -> Result<AzKeyProps> {
        check_name("key", name)?;
        let k = self
            .keys
            .recover_deleted_key(name, None)
            .await?
            .into_model()?;
        Ok(from_key(k))
    }

    /// Recovers `name`, waiting out a delete still in progress, then until the key is
    /// readable again (the service answers 404 for a moment after a recover).
    pub async fn recover_key_when_ready(&self, name: &str) -> Result<AzKeyProps> {
        let k = retry_transition("the delete", false, || self.recover_key(name)).await?;
        retry_transition("the recover", true, || self.get_key(name, None)).await?;
        Ok(k)
    }

    /// Purges the soft-deleted key `name` for good (one attempt; 409 `ObjectIsBeingDeleted`
    /// while the delete is still in progress).
    #[instrument(skip_all, fields(vault = %self.vault_url, name = %name))]
    pub async fn purge_key(&self, name: &str) -> Result<()> {
        check_name("key", name)?;
        self.keys.purge_deleted_key(name, None).await?;
        Ok(())
    }

    /// Purges `name`, waiting out a delete still in progress.
    pub async fn purge_key_when_ready(&self, name: &str) -> Result<()> {
        retry_transition("the delete", false, || self.purge_key(name)).await
    }

    /// Rotates key `name` now: a new version with the same type and size/curve.
    #[instrument(skip_all, fields(vault = %self.vault_url, name = %name))]
    pub async fn rotate_key(&self, name: &str) -> Result<AzKeyProps> {
        check_name("key", name)?;
        Ok(from_key(
            self.keys.rotate_key(name, None).await?.into_model()?,
        ))
    }

    /// Key `name`'s rotation policy (the service's default if none was set).
    #[instrument(skip_all, fields(vault = %self.vault_url, name = %name))]
    pub async fn rotation_policy(&self, name: &str) -> Result<AzRotationPolicy> {
        check_name("key", name)?;
        Ok(from_policy(
            self.keys
                .get_key_rotation_policy(name, None)
                .await?
                .into_model()?,
        ))
    }

    /// Replaces key `name`'s rotation policy. Durations are checked before the request; each
    /// action needs exactly one trigger.
    #[instrument(skip_all, fields(vault = %self.vault_url, name = %name))]
    pub async fn set_rotation_policy(
        &self,
        name: &str,
        policy: &AzRotationPolicy,
    ) -> Result<AzRotationPolicy> {
        check_name("key", name)?;
        if let Some(e) = &policy.expiry_time {
            check_duration("expiry time", e)?;
        }
        let mut actions = Vec::new();
        for a in &policy.actions {
            match (&a.time_after_create, &a.time_before_expiry) {
                (Some(t), None) => check_duration("time after create", t)?,
                (None, Some(t)) => check_duration("time before expiry", t)?,
                _ => {
                    return Err(Error::InvalidInput(
                        "each lifetime action needs exactly one trigger: time after create or \
                         time before expiry"
                            .into(),
                    ))
                }
            }
            let mut trigger = LifetimeActionTrigger::default();
            trigger.time_after_create = a.time_after_create.clone();
            trigger.time_before_expiry = a.time_before_expiry.clone();
            let mut action = LifetimeActionType::default();
            action.type_prop = Some(match a.action {
                AzRotationAction::Rotate => KeyRotationPolicyAction::Rotate,
                AzRotationAction::Notify => KeyRotationPolicyAction::Notify,
            });
            let mut la = LifetimeAction::default();
            la.trigger = Some(trigger);
            la.action = Some(action);
            actions.push(la);
        }
        let mut attrs = KeyRotationPolicyAttributes::default();
        attrs.expiry_time = policy.expiry_time.clone();
        let mut p = KeyRotationPolicy::default();
        p.attributes = Some(attrs);
        p.lifetime_actions = Some(actions);
        Ok(from_policy(
            self.keys
                .update_key_rotation_policy(name, p.try_into()?, None)
                .await?
                .into_model()?,
        ))
    }
}
