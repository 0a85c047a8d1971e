//! AWS Secrets Manager commands. Each delegates to `vaultdeck_core::aws` (mutations and
//! reveals audited through [`AwsAudited`]); values cross to the UI only from
//! `aws_reveal_value`, as a [`RevealedValue`] that the page hides after the reveal timeout.

use secrecy::{ExposeSecret, SecretString};
use tauri::{AppHandle, Runtime, State};
use vaultdeck_core::aws::{AwsAudited, NewSecret, SecretPayload, VersionSelector};
use vaultdeck_types::{
    AwsCallerIdentity, AwsCopied, AwsCreateArgs, AwsDeleteArgs, AwsDeleteMode, AwsDeleteOutcome,
    AwsDiffArgs, AwsListArgs, AwsPolicyArgs, AwsPolicyReport, AwsPutArgs, AwsRevealArgs,
    AwsRevealed, AwsRollbackArgs, AwsRollbackPlan, AwsRotateArgs, AwsRotationOutcome,
    AwsSecretDetail, AwsSecretRef, AwsSecretSummary, AwsUpdateMetaArgs, AwsVersionDiff,
    AwsWriteOutcome, ErrorCode, IpcError, ProfileRef, RevealedValue,
};

use super::CmdResult;
use crate::state::AppState;

fn aws(state: &AppState, profile_id: &str) -> CmdResult<AwsAudited> {
    Ok(AwsAudited::for_profile(&state.deck, profile_id)?)
}

fn err(e: impl Into<vaultdeck_core::Error>) -> IpcError {
    IpcError::from(e.into())
}

/// Who the connection's credentials belong to.
#[tauri::command]
pub async fn aws_caller_identity(
    state: State<'_, AppState>,
    args: ProfileRef,
) -> CmdResult<AwsCallerIdentity> {
    let conn = state.deck.connection(&args.profile_id)?;
    conn.aws()?.client().caller_identity().await.map_err(err)
}

/// Every secret matching the filter (all pages).
#[tauri::command]
pub async fn aws_list_secrets(
    state: State<'_, AppState>,
    args: AwsListArgs,
) -> CmdResult<Vec<AwsSecretSummary>> {
    let a = aws(&state, &args.profile_id)?;
    a.client().list_all(&args.filter).await.map_err(err)
}

/// A secret's detail (no value).
#[tauri::command]
pub async fn aws_describe_secret(
    state: State<'_, AppState>,
    args: AwsSecretRef,
) -> CmdResult<AwsSecretDetail> {
    let a = aws(&state, &args.profile_id)?;
    a.client().describe(&args.secret).await.map_err(err)
}

/// Reveals one version's value (audited as `aws.reveal`).
#[tauri::command]
pub async fn aws_reveal_value(
    state: State<'_, AppState>,
    args: AwsRevealArgs,
) -> CmdResult<AwsRevealed> {
    let a = aws(&state, &args.profile_id)?;
    let sel = selector(args.version_id, args.stage);
    let v = a.get_value(&args.secret, &sel).await?;
    let (value, binary, json_keys) = match &v.value {
        SecretPayload::String(s) => {
            let keys = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(
                s.expose_secret(),
            )
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
            (RevealedValue::new(s.expose_secret()), false, keys)
        }
        SecretPayload::Binary(b) => {
            let hex: String = b
                .expose_secret()
                .iter()
                .map(|x| format!("{x:02x}"))
                .collect();
            (RevealedValue::new(hex), true, Vec::new())
        }
    };
    Ok(AwsRevealed {
        name: v.name.clone(),
        version_id: v.version_id.clone(),
        stages: v.stages.clone(),
        value,
        binary,
        json_keys,
        hide_after_secs: super::secrets::timeouts(&state).reveal_secs,
    })
}

fn selector(version_id: Option<String>, stage: Option<String>) -> VersionSelector {
    match (version_id, stage) {
        (Some(v), _) if !v.is_empty() => VersionSelector::Id(v),
        (_, Some(s)) if !s.is_empty() => VersionSelector::Stage(s),
        _ => VersionSelector::Current,
    }
}

/// Copies a version's value to the clipboard (audited as `aws.reveal`); the clipboard is
/// cleared after the clipboard timeout if it still holds the value (as `az_copy_secret`).
#[tauri::command]
pub async fn aws_copy_value<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    args: AwsRevealArgs,
) -> CmdResult<AwsCopied> {
    let a = aws(&state, &args.profile_id)?;
    let v = a
        .copy_value(&args.secret, &selector(args.version_id, args.stage))
        .await?;
    let secs = super::secrets::timeouts(&state).clipboard_secs;
    match &v.value {
        SecretPayload::String(s) => super::secrets::copy_then_clear(&app, s.expose_secret(), secs)?,
        SecretPayload::Binary(_) => {
            return Err(IpcError::new(
                ErrorCode::InvalidInput,
                "a binary value cannot be copied as text; reveal it instead (shown as hex)",
            ))
        }
    }
    Ok(AwsCopied {
        name: v.name.clone(),
        version_id: v.version_id.clone(),
        clear_after_secs: secs,
    })
}

/// Compares two versions in the backend (both reads audited as `aws.reveal`); the values
/// cross as [`RevealedValue`]s that the page masks until revealed and drops after the
/// reveal timeout.
#[tauri::command]
pub async fn aws_diff_versions(
    state: State<'_, AppState>,
    args: AwsDiffArgs,
) -> CmdResult<AwsVersionDiff> {
    let a = aws(&state, &args.profile_id)?;
    let mut d = a
        .diff_versions(&args.secret, &args.from_version, &args.to_version)
        .await?;
    d.hide_after_secs = super::secrets::timeouts(&state).reveal_secs;
    Ok(d)
}

/// Sets the description and the tag set (each change audited); the refreshed detail.
#[tauri::command]
pub async fn aws_update_meta(
    state: State<'_, AppState>,
    args: AwsUpdateMetaArgs,
) -> CmdResult<AwsSecretDetail> {
    Ok(aws(&state, &args.profile_id)?
        .set_meta(&args.secret, args.description.trim(), &args.tags)
        .await?)
}

/// Creates a secret (audited).
#[tauri::command]
pub async fn aws_create_secret(
    state: State<'_, AppState>,
    args: AwsCreateArgs,
) -> CmdResult<AwsWriteOutcome> {
    let a = aws(&state, &args.profile_id)?;
    let value = SecretPayload::String(SecretString::from(args.value.expose().to_owned()));
    Ok(a.create(NewSecret {
        name: args.name,
        value: Some(value),
        description: args.description.filter(|d| !d.is_empty()),
        kms_key_id: args.kms_key_id.filter(|k| !k.is_empty()),
        tags: args.tags,
        client_request_token: None,
    })
    .await?)
}

/// Puts a new value after checking AWSCURRENT (audited).
#[tauri::command]
pub async fn aws_put_value(
    state: State<'_, AppState>,
    args: AwsPutArgs,
) -> CmdResult<AwsWriteOutcome> {
    let a = aws(&state, &args.profile_id)?;
    let value = SecretPayload::String(SecretString::from(args.value.expose().to_owned()));
    Ok(a.put_value(
        &args.secret,
        &value,
        args.expected_current.as_deref(),
        args.client_request_token.as_deref(),
    )
    .await?)
}

/// What a rollback would change.
#[tauri::command]
pub async fn aws_preview_rollback(
    state: State<'_, AppState>,
    args: AwsRollbackArgs,
) -> CmdResult<AwsRollbackPlan> {
    let a = aws(&state, &args.profile_id)?;
    a.client()
        .rollback_preview(&args.secret, &args.target_version)
        .await
        .map_err(err)
}

/// Moves AWSCURRENT to the target version (audited).
#[tauri::command]
pub async fn aws_rollback(
    state: State<'_, AppState>,
    args: AwsRollbackArgs,
) -> CmdResult<AwsRollbackPlan> {
    let a = aws(&state, &args.profile_id)?;
    Ok(a.rollback(
        &args.secret,
        &args.target_version,
        args.expected_current.as_deref(),
    )
    .await?)
}

/// Client-side rotation (audited).
#[tauri::command]
pub async fn aws_rotate_client_side(
    state: State<'_, AppState>,
    args: AwsRotateArgs,
) -> CmdResult<AwsRotationOutcome> {
    let a = aws(&state, &args.profile_id)?;
    Ok(a.rotate_client_side(
        &args.secret,
        &args.spec,
        args.json_key.as_deref().filter(|k| !k.is_empty()),
        args.expected_current.as_deref(),
    )
    .await?)
}

/// Runs the rotation Lambda now (audited).
#[tauri::command]
pub async fn aws_rotate_now(
    state: State<'_, AppState>,
    args: AwsSecretRef,
) -> CmdResult<Option<String>> {
    Ok(aws(&state, &args.profile_id)?
        .rotate_now(&args.secret)
        .await?)
}

/// The resource policy, if any.
#[tauri::command]
pub async fn aws_get_policy(
    state: State<'_, AppState>,
    args: AwsSecretRef,
) -> CmdResult<Option<String>> {
    let a = aws(&state, &args.profile_id)?;
    a.client().get_policy(&args.secret).await.map_err(err)
}

/// Local checks and the server's validation.
#[tauri::command]
pub async fn aws_check_policy(
    state: State<'_, AppState>,
    args: AwsPolicyArgs,
) -> CmdResult<AwsPolicyReport> {
    let a = aws(&state, &args.profile_id)?;
    a.client()
        .review_policy(&args.secret, &args.text, args.block_public_policy)
        .await
        .map_err(err)
}

/// Checks, then saves a policy; refused (nothing sent) when a check finds an error.
#[tauri::command]
pub async fn aws_put_policy(
    state: State<'_, AppState>,
    args: AwsPolicyArgs,
) -> CmdResult<AwsPolicyReport> {
    let a = aws(&state, &args.profile_id)?;
    let report = a
        .client()
        .review_policy(&args.secret, &args.text, args.block_public_policy)
        .await
        .map_err(err)?;
    if report.has_errors() {
        return Err(IpcError::new(
            ErrorCode::InvalidInput,
            format!(
                "the policy was not saved: {}",
                report
                    .findings
                    .iter()
                    .map(|f| f.message.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        ));
    }
    a.put_policy(&args.secret, &args.text, args.block_public_policy)
        .await?;
    Ok(report)
}

/// Deletes the resource policy (audited).
#[tauri::command]
pub async fn aws_delete_policy(state: State<'_, AppState>, args: AwsSecretRef) -> CmdResult<()> {
    Ok(aws(&state, &args.profile_id)?
        .delete_policy(&args.secret)
        .await?)
}

/// Deletes a secret; a force delete needs the typed name (audited).
#[tauri::command]
pub async fn aws_delete_secret(
    state: State<'_, AppState>,
    args: AwsDeleteArgs,
) -> CmdResult<AwsDeleteOutcome> {
    if args.mode == AwsDeleteMode::Force && args.confirm_name != args.secret {
        return Err(IpcError::new(
            ErrorCode::InvalidInput,
            format!(
                "type the secret name {:?} to delete it without recovery",
                args.secret
            ),
        ));
    }
    Ok(aws(&state, &args.profile_id)?
        .delete(&args.secret, args.mode)
        .await?)
}

/// Cancels a scheduled deletion (audited).
#[tauri::command]
pub async fn aws_restore_secret(state: State<'_, AppState>, args: AwsSecretRef) -> CmdResult<()> {
    Ok(aws(&state, &args.profile_id)?.restore(&args.secret).await?)
}
