//! Azure Key Vault commands. Each delegates to `vaultdeck_core::azure` (mutations and reveals
//! audited through [`AzureAudited`]); values cross to the UI only from `az_reveal_secret`, as a
//! [`RevealedValue`].

use std::ops::ControlFlow;

use secrecy::ExposeSecret;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};
use tokio_util::sync::CancellationToken;
use vaultdeck_core::azure::AzureAudited;
use vaultdeck_types::{
    AzCertificateProps, AzCopiedSecret, AzDeletedKey, AzDeletedSecret, AzDeviceCodePrompt,
    AzKeyProps, AzNameArgs, AzPurgeArgs, AzRevealedSecret, AzRollbackArgs, AzRotationPolicy,
    AzRotationPolicyArgs, AzSecretProps, AzSecretRefArgs, AzSetSecretArgs, IpcError, ProfileRef,
    RevealedValue,
};
use vaultdeck_types::{
    AzKeyEnabledArgs, AzListProgress, AzListReport, AzListSecretsArgs, AzSecretPage,
};

use super::secrets::{copy_then_clear, timeouts};

use super::CmdResult;
use crate::state::{lock, AppState};

fn az(state: &AppState, profile_id: &str) -> CmdResult<AzureAudited> {
    Ok(AzureAudited::for_profile(&state.deck, profile_id)?)
}

fn err(e: vaultdeck_azure::Error) -> IpcError {
    IpcError::from(vaultdeck_core::Error::from(e))
}

/// Every secret, streamed page by page through `on_batch` (empty pages too, so progress
/// moves) and into the profile's search index (the explorer's index, keyed by the profile id;
/// the profile's previous names are replaced). Cancel with `cancel_job`.
#[tauri::command]
pub async fn az_list_secrets(
    state: State<'_, AppState>,
    args: AzListSecretsArgs,
    on_batch: Channel<AzSecretPage>,
) -> CmdResult<AzListReport> {
    let vault = az(&state, &args.profile_id)?.vault().clone();
    let cancel = CancellationToken::new();
    lock(&state.jobs).insert(args.job_id.clone(), cancel.clone());
    let r = stream_secret_list(&state, &vault, &args.profile_id, &cancel, &on_batch).await;
    lock(&state.jobs).remove(&args.job_id);
    r
}

async fn stream_secret_list(
    state: &AppState,
    vault: &vaultdeck_azure::AzureVault,
    index_key: &str,
    cancel: &CancellationToken,
    on_batch: &Channel<AzSecretPage>,
) -> CmdResult<AzListReport> {
    lock(&state.search)
        .entry(index_key.to_owned())
        .or_default()
        .clear();
    let last = std::sync::Mutex::new(AzListProgress::default());
    let on_page = |secrets: Vec<AzSecretProps>, progress: AzListProgress| {
        if cancel.is_cancelled() {
            return ControlFlow::Break(());
        }
        *lock(&last) = progress;
        if let Some(index) = lock(&state.search).get_mut(index_key) {
            index.extend(secrets.iter().map(|s| s.name.clone()));
        }
        if let Err(e) = on_batch.send(AzSecretPage { secrets, progress }) {
            tracing::warn!(error = %e, "could not send a page of secrets to the UI");
        }
        ControlFlow::Continue(())
    };
    tokio::select! {
        r = vault.list_secrets_paged(on_page) => r.map_err(err),
        () = cancel.cancelled() => Ok(AzListReport { progress: *lock(&last), cancelled: true }),
    }
}

/// The device-code prompt of the profile's sign-in in progress (polled by the Azure screen
/// while its Connect runs); `None` before the authority issued it or when none runs.
#[tauri::command]
pub async fn az_sign_in_prompt(args: ProfileRef) -> CmdResult<Option<AzDeviceCodePrompt>> {
    Ok(vaultdeck_core::azure::pending_device_code(&args.profile_id))
}

/// Cancels the profile's device-code sign-in in progress (its Connect fails "cancelled").
#[tauri::command]
pub async fn az_cancel_sign_in(args: ProfileRef) -> CmdResult<bool> {
    Ok(vaultdeck_core::azure::cancel_sign_in(&args.profile_id))
}

/// Soft-deleted secrets.
#[tauri::command]
pub async fn az_list_deleted_secrets(
    state: State<'_, AppState>,
    args: ProfileRef,
) -> CmdResult<Vec<AzDeletedSecret>> {
    az(&state, &args.profile_id)?
        .vault()
        .list_deleted_secrets()
        .await
        .map_err(err)
}

/// Reveals a version's value (audited as `az.reveal`), with the reveal timeout in force
/// (the same settings as the Vault explorer).
#[tauri::command]
pub async fn az_reveal_secret(
    state: State<'_, AppState>,
    args: AzSecretRefArgs,
) -> CmdResult<AzRevealedSecret> {
    let a = az(&state, &args.profile_id)?;
    let v = a.reveal_secret(&args.name, args.version.as_deref()).await?;
    Ok(AzRevealedSecret {
        name: args.name,
        value: RevealedValue::new(v.expose_secret()),
        hide_after_secs: timeouts(&state).reveal_secs,
    })
}

/// Copies a version's value to the clipboard (audited as `az.reveal`); the Vault explorer's
/// clipboard path clears it after the clipboard timeout if the clipboard still holds it.
#[tauri::command]
pub async fn az_copy_secret<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    args: AzSecretRefArgs,
) -> CmdResult<AzCopiedSecret> {
    let a = az(&state, &args.profile_id)?;
    let v = a.copy_secret(&args.name, args.version.as_deref()).await?;
    let secs = timeouts(&state).clipboard_secs;
    copy_then_clear(&app, v.expose_secret(), secs)?;
    Ok(AzCopiedSecret {
        name: args.name,
        clear_after_secs: secs,
    })
}

/// Sets a new value (a new version) of a secret (audited as `az.set`). A name taken by a
/// soft-deleted secret is refused (409 conflict) so nothing is silently overwritten.
#[tauri::command]
pub async fn az_set_secret(
    state: State<'_, AppState>,
    args: AzSetSecretArgs,
) -> CmdResult<AzSecretProps> {
    let value = secrecy::SecretString::from(args.value.expose().to_owned());
    Ok(az(&state, &args.profile_id)?
        .set_secret(
            &args.name,
            &value,
            &vaultdeck_types::AzSecretUpdate::default(),
        )
        .await?)
}

/// A secret's versions (properties, no values).
#[tauri::command]
pub async fn az_secret_versions(
    state: State<'_, AppState>,
    args: AzNameArgs,
) -> CmdResult<Vec<AzSecretProps>> {
    az(&state, &args.profile_id)?
        .vault()
        .secret_versions(&args.name)
        .await
        .map_err(err)
}

/// What rolling back to an older version would do (no change made, no value returned).
#[tauri::command]
pub async fn az_rollback_preview(
    state: State<'_, AppState>,
    args: AzRollbackArgs,
) -> CmdResult<vaultdeck_types::AzRollbackPreview> {
    Ok(az(&state, &args.profile_id)?
        .rollback_preview(&args.name, &args.from_version)
        .await?)
}

/// Rolls back to an older version if the current version is still the previewed one
/// (audited as `az.rollback`).
#[tauri::command]
pub async fn az_rollback_secret(
    state: State<'_, AppState>,
    args: AzRollbackArgs,
) -> CmdResult<AzSecretProps> {
    Ok(az(&state, &args.profile_id)?
        .rollback_secret(
            &args.name,
            &args.from_version,
            args.expected_current.as_deref(),
        )
        .await?)
}

/// Soft-deletes a secret (audited), then waits (like the SDKs' delete poller) until the
/// service shows it in the deleted collection, so a reload lists it there.
#[tauri::command]
pub async fn az_delete_secret(
    state: State<'_, AppState>,
    args: AzNameArgs,
) -> CmdResult<AzDeletedSecret> {
    let a = az(&state, &args.profile_id)?;
    let d = a.delete_secret(&args.name).await?;
    Ok(a.vault().wait_secret_deleted(&args.name).await.unwrap_or(d))
}

/// Recovers a soft-deleted secret (audited).
#[tauri::command]
pub async fn az_recover_secret(
    state: State<'_, AppState>,
    args: AzNameArgs,
) -> CmdResult<AzSecretProps> {
    Ok(az(&state, &args.profile_id)?
        .recover_secret(&args.name)
        .await?)
}

/// Purges a soft-deleted secret for good; the typed name must match (audited).
#[tauri::command]
pub async fn az_purge_secret(state: State<'_, AppState>, args: AzPurgeArgs) -> CmdResult<()> {
    Ok(az(&state, &args.profile_id)?
        .purge_secret(&args.name, &args.confirm_name)
        .await?)
}

/// Every key.
#[tauri::command]
pub async fn az_list_keys(
    state: State<'_, AppState>,
    args: ProfileRef,
) -> CmdResult<Vec<AzKeyProps>> {
    az(&state, &args.profile_id)?
        .vault()
        .list_keys()
        .await
        .map_err(err)
}

/// A key's rotation policy.
#[tauri::command]
pub async fn az_get_rotation_policy(
    state: State<'_, AppState>,
    args: AzNameArgs,
) -> CmdResult<AzRotationPolicy> {
    az(&state, &args.profile_id)?
        .vault()
        .rotation_policy(&args.name)
        .await
        .map_err(err)
}

/// Replaces a key's rotation policy (audited).
#[tauri::command]
pub async fn az_set_rotation_policy(
    state: State<'_, AppState>,
    args: AzRotationPolicyArgs,
) -> CmdResult<AzRotationPolicy> {
    Ok(az(&state, &args.profile_id)?
        .set_rotation_policy(&args.name, &args.policy)
        .await?)
}

/// Rotates a key now (audited).
#[tauri::command]
pub async fn az_rotate_key(state: State<'_, AppState>, args: AzNameArgs) -> CmdResult<AzKeyProps> {
    Ok(az(&state, &args.profile_id)?.rotate_key(&args.name).await?)
}

/// Every certificate (read-only).
#[tauri::command]
pub async fn az_list_certificates(
    state: State<'_, AppState>,
    args: ProfileRef,
) -> CmdResult<Vec<AzCertificateProps>> {
    Ok(az(&state, &args.profile_id)?.list_certificates().await?)
}

/// Changes a secret version's attributes (enabled, expires, not-before, content type, tags;
/// audited as `az.update`).
#[tauri::command]
pub async fn az_update_secret(
    state: State<'_, AppState>,
    args: vaultdeck_types::AzUpdateSecretArgs,
) -> CmdResult<AzSecretProps> {
    Ok(az(&state, &args.profile_id)?
        .update_secret(&args.name, args.version.as_deref(), &args.update)
        .await?)
}

/// A key's versions.
#[tauri::command]
pub async fn az_key_versions(
    state: State<'_, AppState>,
    args: AzNameArgs,
) -> CmdResult<Vec<AzKeyProps>> {
    Ok(az(&state, &args.profile_id)?
        .key_versions(&args.name)
        .await?)
}

/// Creates an RSA or EC key, or a new version of it (audited as `az.key.create`).
#[tauri::command]
pub async fn az_create_key(
    state: State<'_, AppState>,
    args: vaultdeck_types::AzCreateKeyArgs,
) -> CmdResult<AzKeyProps> {
    Ok(az(&state, &args.profile_id)?
        .create_key(&args.name, &args.spec, &args.tags)
        .await?)
}

/// Enables or disables one key version (or the latest; audited as `az.key.update`).
#[tauri::command]
pub async fn az_set_key_enabled(
    state: State<'_, AppState>,
    args: AzKeyEnabledArgs,
) -> CmdResult<AzKeyProps> {
    Ok(az(&state, &args.profile_id)?
        .set_key_enabled(&args.name, args.version.as_deref(), args.enabled)
        .await?)
}

/// A certificate's versions (read-only).
#[tauri::command]
pub async fn az_certificate_versions(
    state: State<'_, AppState>,
    args: AzNameArgs,
) -> CmdResult<Vec<AzCertificateProps>> {
    Ok(az(&state, &args.profile_id)?
        .certificate_versions(&args.name)
        .await?)
}

/// One certificate version with subject and issuer (read-only).
#[tauri::command]
pub async fn az_get_certificate(
    state: State<'_, AppState>,
    args: AzSecretRefArgs,
) -> CmdResult<AzCertificateProps> {
    Ok(az(&state, &args.profile_id)?
        .get_certificate(&args.name, args.version.as_deref())
        .await?)
}

/// Backs a secret up to a new file (audited as `az.backup`); an existing file is refused.
#[tauri::command]
pub async fn az_backup_secret(
    state: State<'_, AppState>,
    args: vaultdeck_types::AzBackupArgs,
) -> CmdResult<vaultdeck_types::AzBackupDone> {
    let bytes = az(&state, &args.profile_id)?
        .backup_secret_to_file(&args.name, std::path::Path::new(&args.path))
        .await?;
    Ok(vaultdeck_types::AzBackupDone {
        path: args.path,
        bytes,
    })
}

/// Restores a secret from a backup file (audited as `az.restore`).
#[tauri::command]
pub async fn az_restore_secret(
    state: State<'_, AppState>,
    args: vaultdeck_types::AzRestoreArgs,
) -> CmdResult<AzSecretProps> {
    Ok(az(&state, &args.profile_id)?
        .restore_secret_from_file(std::path::Path::new(&args.path))
        .await?)
}

/// Soft-deleted keys with their scheduled purge dates.
#[tauri::command]
pub async fn az_list_deleted_keys(
    state: State<'_, AppState>,
    args: ProfileRef,
) -> CmdResult<Vec<AzDeletedKey>> {
    az(&state, &args.profile_id)?
        .vault()
        .list_deleted_keys()
        .await
        .map_err(err)
}

/// Soft-deletes a key, every version (audited as `az.key.delete`), then waits (like the SDKs'
/// delete poller) until the service shows it in the deleted collection, so a reload lists it
/// there.
#[tauri::command]
pub async fn az_delete_key(
    state: State<'_, AppState>,
    args: AzNameArgs,
) -> CmdResult<AzDeletedKey> {
    let a = az(&state, &args.profile_id)?;
    let d = a.delete_key(&args.name).await?;
    Ok(a.vault().wait_key_deleted(&args.name).await.unwrap_or(d))
}

/// Recovers a soft-deleted key, waiting out the service's transitions (audited as
/// `az.key.recover`).
#[tauri::command]
pub async fn az_recover_key(state: State<'_, AppState>, args: AzNameArgs) -> CmdResult<AzKeyProps> {
    Ok(az(&state, &args.profile_id)?
        .recover_key(&args.name)
        .await?)
}

/// Purges a soft-deleted key for good; the typed name must match (audited as
/// `az.key.purge`).
#[tauri::command]
pub async fn az_purge_key(state: State<'_, AppState>, args: AzPurgeArgs) -> CmdResult<()> {
    Ok(az(&state, &args.profile_id)?
        .purge_key(&args.name, &args.confirm_name)
        .await?)
}
