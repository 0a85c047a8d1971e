//! AWS Secrets Manager commands. Each delegates to `vaultdeck_core::aws` (mutations and
//! reveals audited through [`AwsAudited`]); values cross to the UI only from
//! `aws_reveal_value`, as a [`RevealedValue`] that the page hides after the reveal timeout.

use secrecy::{ExposeSecret, SecretString};
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};
use tokio_util::sync::CancellationToken;
use vaultdeck_core::aws::{
    list_streamed, AwsAudited, NewSecret, RotationSchedule, SecretPayload, VersionSelector,
};
use vaultdeck_types::{
    AwsCallerIdentity, AwsCopied, AwsCreateArgs, AwsDeleteArgs, AwsDeleteMode, AwsDeleteOutcome,
    AwsDiffArgs, AwsEnableRotationArgs, AwsKmsArgs, AwsListArgs, AwsListBatch, AwsListReport,
    AwsPolicyArgs, AwsPolicyReport, AwsPolicyReviewArgs, AwsPolicyReviewRow, AwsPutArgs,
    AwsRevealArgs, AwsRevealed, AwsRollbackArgs, AwsRollbackPlan, AwsRotateArgs,
    AwsRotationOutcome, AwsSecretDetail, AwsSecretRef, AwsUpdateMetaArgs, AwsVersionDiff,
    AwsWriteOutcome, ErrorCode, IpcError, ProfileRef, RevealedValue,
};

use super::CmdResult;
use crate::state::{lock, AppState};

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

/// Lists the secrets matching the filter; every page goes through `on_batch` as it arrives
/// and its names into the profile's search index (the one `search_secrets` reads; an AWS
/// profile never browses a Vault namespace, so the key is the profile id, as `index_key` in
/// `secrets.rs` makes it). A listing without filters replaces the names indexed before.
/// Cancel with `cancel_job`.
#[tauri::command]
pub async fn aws_list_secrets(
    state: State<'_, AppState>,
    args: AwsListArgs,
    on_batch: Channel<AwsListBatch>,
) -> CmdResult<AwsListReport> {
    let a = aws(&state, &args.profile_id)?;
    let cancel = CancellationToken::new();
    if !args.job_id.is_empty() {
        lock(&state.jobs).insert(args.job_id.clone(), cancel.clone());
    }
    let key = args.profile_id.clone();
    {
        let mut all = lock(&state.search);
        let index = all.entry(key.clone()).or_default();
        if args.filter.is_unfiltered() {
            index.clear();
        }
    }
    let r = list_streamed(a.client(), &args.filter, args.page_size, &cancel, |batch| {
        if let Some(index) = lock(&state.search).get_mut(&key) {
            index.extend(batch.secrets.iter().map(|s| s.name.clone()));
        }
        if let Err(e) = on_batch.send(batch) {
            tracing::warn!(error = %e, "could not send a page of AWS secrets to the UI");
        }
    })
    .await;
    if !args.job_id.is_empty() {
        lock(&state.jobs).remove(&args.job_id);
    }
    Ok(r?)
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

/// Turns on Lambda rotation after checking the ARN and the schedule (audited); the refreshed
/// detail. The service's error (e.g. an unknown Lambda) is returned as is.
#[tauri::command]
pub async fn aws_enable_rotation(
    state: State<'_, AppState>,
    args: AwsEnableRotationArgs,
) -> CmdResult<AwsSecretDetail> {
    let a = aws(&state, &args.profile_id)?;
    let s = args.schedule;
    let schedule = RotationSchedule {
        automatically_after_days: s.automatically_after_days,
        schedule_expression: s.schedule_expression,
        duration: s.duration,
    };
    a.enable_rotation(
        &args.secret,
        &args.lambda_arn,
        &schedule,
        args.rotate_immediately,
    )
    .await?;
    a.client().describe(&args.secret).await.map_err(err)
}

/// Turns rotation off (audited); the refreshed detail.
#[tauri::command]
pub async fn aws_disable_rotation(
    state: State<'_, AppState>,
    args: AwsSecretRef,
) -> CmdResult<AwsSecretDetail> {
    let a = aws(&state, &args.profile_id)?;
    a.disable_rotation(&args.secret).await?;
    a.client().describe(&args.secret).await.map_err(err)
}

/// Changes the KMS key new versions are encrypted with (audited); the refreshed detail.
#[tauri::command]
pub async fn aws_update_kms_key(
    state: State<'_, AppState>,
    args: AwsKmsArgs,
) -> CmdResult<AwsSecretDetail> {
    let key = args.kms_key_id.trim();
    if key.is_empty() {
        return Err(IpcError::new(
            ErrorCode::InvalidInput,
            "type a KMS key id, key ARN or alias (alias/NAME); nothing was changed",
        ));
    }
    let a = aws(&state, &args.profile_id)?;
    a.update(&args.secret, None, Some(key)).await?;
    a.client().describe(&args.secret).await.map_err(err)
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

/// Every matching secret's resource policy through the local checks (read-only).
#[tauri::command]
pub async fn aws_policy_review(
    state: State<'_, AppState>,
    args: AwsPolicyReviewArgs,
) -> CmdResult<Vec<AwsPolicyReviewRow>> {
    let a = aws(&state, &args.profile_id)?;
    a.client().policy_review(&args.filter).await.map_err(err)
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
