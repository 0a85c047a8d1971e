//! Secrets explorer commands: list folders, metadata and key names (no values), and the
//! explicit, audited reveal of one key. Every call goes to the namespace the explorer browses
//! on that profile ([`set_secrets_namespace`]); the reveal and clipboard timeouts come from the
//! settings file, overridden by `VAULTDECK_REVEAL_SECS` / `VAULTDECK_CLIPBOARD_SECS`.

use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};
use tauri::ipc::Channel;
use tauri::State;
use tauri::{AppHandle, Runtime};
use tauri_plugin_clipboard_manager::ClipboardExt;
use tokio_util::sync::CancellationToken;
use vaultdeck_core::capability::SecretStore;
use vaultdeck_core::secrets::{
    in_namespace, list_namespaces as namespaces_below, Audited, Created, MetadataUpdate,
    SecretData, SecretPatch, SecretValue,
};
use vaultdeck_core::settings::{self, SettingsFile};
use vaultdeck_core::walk::{walk, WalkOptions};
use vaultdeck_core::Connection;
use vaultdeck_types::{
    CancelJobArgs, CopiedKey, SearchResults, SearchSecretsArgs, StartWalkArgs, WalkBatch,
    WalkReport,
};
use vaultdeck_types::{
    CopiedSecret, CopySecretCommandArgs, CreateSecretArgs, KeySearchBatch, KeySearchReport,
    MountInfo, NamespaceList, NoArgs, ProfileRef, SaveSecretSettingsArgs, SecretCommandKind,
    SecretReadCommands, SecretSettings, SecretTimeouts, SetNamespaceArgs, StartKeySearchArgs,
};
use vaultdeck_types::{
    DeleteMetadataArgs, DestroyVersionsArgs, RollbackArgs, SecretVersionsArgs, WriteMetadataArgs,
};
use vaultdeck_types::{
    DiffSummary, DiffVersionsArgs, ErrorCode, IpcError, PatchSecretArgs, RevealedField,
    RevealedSecret, SecretField, WriteOutcome, WriteSecretArgs,
};
use vaultdeck_types::{
    RevealKeyArgs, RevealedKey, RevealedValue, SecretEntry, SecretKeys, SecretKeysArgs, SecretMeta,
    SecretPathArgs,
};

use super::CmdResult;
use crate::state::{lock, AppState};
use vaultdeck_core::audit::AuditRecord;

/// Names in a folder; folders end in `/`.
#[tauri::command]
pub async fn list_secrets(
    state: State<'_, AppState>,
    args: SecretPathArgs,
) -> CmdResult<Vec<SecretEntry>> {
    let store = store(&state, &args.profile_id)?;
    Ok(store.list(&args.path).await?)
}

/// Everything about a secret except its values.
#[tauri::command]
pub async fn get_secret_metadata(
    state: State<'_, AppState>,
    args: SecretPathArgs,
) -> CmdResult<SecretMeta> {
    let store = store(&state, &args.profile_id)?;
    Ok(store.metadata(&args.path).await?)
}

/// The key names of one version, without values.
#[tauri::command]
pub async fn get_secret_keys(
    state: State<'_, AppState>,
    args: SecretKeysArgs,
) -> CmdResult<SecretKeys> {
    let store = store(&state, &args.profile_id)?;
    Ok(store.subkeys(&args.path, args.version).await?)
}

/// Reveals one key's value (audited as `kv.reveal`).
#[tauri::command]
pub async fn reveal_secret_key(
    state: State<'_, AppState>,
    args: RevealKeyArgs,
) -> CmdResult<RevealedKey> {
    let store = store(&state, &args.profile_id)?;
    let v = store.read_key(&args.path, &args.key, args.version).await?;
    let value = RevealedValue::new(v.expose_secret());
    Ok(RevealedKey {
        path: args.path,
        key: args.key,
        value,
        hide_after_secs: timeouts(&state).reveal_secs,
    })
}

/// Copies one key's value to the clipboard (audited as `kv.reveal`); clears it after
/// `VAULTDECK_CLIPBOARD_SECS` (default 20) if the clipboard still holds it.
#[tauri::command]
pub async fn copy_secret_key<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    args: RevealKeyArgs,
) -> CmdResult<CopiedKey> {
    let store = store(&state, &args.profile_id)?;
    let v = store.read_key(&args.path, &args.key, args.version).await?;
    let secs = timeouts(&state).clipboard_secs;
    copy_then_clear(&app, v.expose_secret(), secs)?;
    let (path, key) = (args.path, args.key);
    Ok(CopiedKey {
        path,
        key,
        clear_after_secs: secs,
    })
}

/// Writes `value` to the clipboard and, `secs` later, empties it when it still holds the
/// same value (compared by SHA-256, so the value itself is not kept).
pub(crate) fn copy_then_clear<R: Runtime>(
    app: &AppHandle<R>,
    value: &str,
    secs: u32,
) -> CmdResult<()> {
    let digest = |s: &str| Sha256::digest(s.as_bytes());
    let ours = digest(value);
    app.clipboard().write_text(value.to_owned()).map_err(|e| {
        IpcError::new(
            ErrorCode::Unavailable,
            format!("could not write the clipboard: {e}"),
        )
    })?;
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_secs(secs.into())).await;
        let current = app.clipboard().read_text().unwrap_or_default();
        if digest(&current) == ours {
            if let Err(e) = app.clipboard().write_text(String::new()) {
                tracing::warn!(error = %e, "could not clear the clipboard");
            }
        }
    });
    Ok(())
}

/// The timeouts in force: the settings file, overridden by the environment. A broken file
/// is logged and the defaults (with overrides) apply, so a reveal still hides itself.
pub(crate) fn timeouts(state: &AppState) -> SecretTimeouts {
    match SettingsFile::in_dir(&state.paths.config_dir).secret_settings() {
        Ok(s) => s.effective,
        Err(e) => {
            tracing::warn!(error = %e, "could not read the settings; using the default timeouts");
            settings::effective(SecretTimeouts::default(), |k| std::env::var(k).ok()).effective
        }
    }
}

/// The audited connection of `profile_id`, in the namespace the explorer browses.
fn store(state: &AppState, profile_id: &str) -> CmdResult<Audited<Connection>> {
    let conn = connection(state, profile_id)?;
    let name = state.deck.profile(profile_id)?.name;
    let ns = namespace(state, profile_id);
    let label = if ns.is_empty() {
        name
    } else {
        format!("{name} [namespace {ns}]")
    };
    Ok(Audited::new(conn, state.deck.audit().clone(), label))
}

/// The connection of `profile_id` in the namespace the explorer browses.
fn connection(state: &AppState, profile_id: &str) -> CmdResult<Connection> {
    let conn = state.deck.connection(profile_id)?;
    Ok(in_namespace(&conn, &namespace(state, profile_id)))
}

fn namespace(state: &AppState, profile_id: &str) -> String {
    lock(&state.secret_namespaces)
        .get(profile_id)
        .cloned()
        .unwrap_or_default()
}

/// The search index of a profile's browsed namespace.
fn index_key(state: &AppState, profile_id: &str) -> String {
    let ns = namespace(state, profile_id);
    if ns.is_empty() {
        profile_id.to_owned()
    } else {
        format!("{profile_id}\u{0}{ns}")
    }
}

/// Reveals every key of one version, for editing (audited as `kv.reveal`).
#[tauri::command]
pub async fn reveal_secret(
    state: State<'_, AppState>,
    args: SecretKeysArgs,
) -> CmdResult<RevealedSecret> {
    let store = store(&state, &args.profile_id)?;
    let v = store.read_all(&args.path, args.version).await?;
    let data = v
        .data
        .iter()
        .map(|(k, v)| (k.to_owned(), revealed_field(v)));
    let data = data.collect();
    Ok(RevealedSecret {
        path: v.path.clone(),
        version: v.version,
        data,
        hide_after_secs: timeouts(&state).reveal_secs,
    })
}

/// Writes a new version with check-and-set.
#[tauri::command]
pub async fn write_secret(
    state: State<'_, AppState>,
    args: WriteSecretArgs,
) -> CmdResult<WriteOutcome> {
    let store = store(&state, &args.profile_id)?;
    let mut data = SecretData::new();
    for (k, f) in &args.data {
        data.insert(k.clone(), field_value(k, f)?);
    }
    Ok(store.write(&args.path, &data, args.cas).await?)
}

/// Sets or removes some keys with check-and-set.
#[tauri::command]
pub async fn patch_secret(
    state: State<'_, AppState>,
    args: PatchSecretArgs,
) -> CmdResult<WriteOutcome> {
    let store = store(&state, &args.profile_id)?;
    let mut patch = SecretPatch::new();
    for (k, f) in &args.set {
        patch = patch.set(k.clone(), field_value(k, f)?);
    }
    let patch = args.remove.iter().fold(patch, |p, k| p.remove(k.clone()));
    Ok(store.patch(&args.path, &patch, args.cas).await?)
}

/// Key names that differ between two versions; values never leave the backend.
#[tauri::command]
pub async fn diff_secret_versions(
    state: State<'_, AppState>,
    args: DiffVersionsArgs,
) -> CmdResult<DiffSummary> {
    let store = store(&state, &args.profile_id)?;
    let d = store
        .diff_versions(&args.path, args.from, args.to, false)
        .await?;
    Ok(d.summary())
}

fn revealed_field(v: &SecretValue) -> RevealedField {
    RevealedField {
        value: RevealedValue::new(v.expose()),
        json: v.is_json(),
    }
}

/// A typed field as a KV value; JSON text must parse (the error names the key, not the value).
fn field_value(key: &str, f: &SecretField) -> CmdResult<SecretValue> {
    if !f.json {
        return Ok(SecretValue::string(f.value.expose()));
    }
    serde_json::from_str(f.value.expose())
        .map(SecretValue::from_json)
        .map_err(|e| {
            let msg = format!(
                "the value of {key} is not valid JSON (line {}, column {}); untick JSON to store it as text",
                e.line(),
                e.column()
            );
            IpcError::new(ErrorCode::InvalidInput, msg)
        })
}

/// Walks a mount or folder; batches stream through `on_batch` and into the profile's search
/// index (paths under the walked root are replaced). Cancel with `cancel_job`.
#[tauri::command]
pub async fn start_walk(
    state: State<'_, AppState>,
    args: StartWalkArgs,
    on_batch: Channel<WalkBatch>,
) -> CmdResult<WalkReport> {
    let conn = connection(&state, &args.profile_id)?;
    let cancel = CancellationToken::new();
    lock(&state.jobs).insert(args.job_id.clone(), cancel.clone());
    let r = run_walk(&state, &conn, &args, &cancel, &on_batch).await;
    lock(&state.jobs).remove(&args.job_id);
    r
}

async fn run_walk(
    state: &AppState,
    conn: &vaultdeck_core::Connection,
    args: &StartWalkArgs,
    cancel: &CancellationToken,
    on_batch: &Channel<WalkBatch>,
) -> CmdResult<WalkReport> {
    let root = args.path.trim_end_matches('/').to_owned() + "/";
    let key = index_key(state, &args.profile_id);
    lock(&state.search)
        .entry(key.clone())
        .or_default()
        .remove_prefix(&root);
    let on = |batch: WalkBatch| {
        if let Some(index) = lock(&state.search).get_mut(&key) {
            index.extend(batch.keys.iter().cloned());
        }
        if let Err(e) = on_batch.send(batch) {
            tracing::warn!(error = %e, "could not send a walk batch to the UI");
        }
    };
    let opts = WalkOptions::default();
    Ok(walk(conn, &args.path, &opts, cancel, on).await?)
}

/// Cancels a running job; `false` when it is not running.
#[tauri::command]
pub async fn cancel_job(state: State<'_, AppState>, args: CancelJobArgs) -> CmdResult<bool> {
    let token = lock(&state.jobs).get(&args.job_id).cloned();
    Ok(token.map(|t| t.cancel()).is_some())
}

/// Searches the paths walked on the connection.
#[tauri::command]
pub async fn search_secrets(
    state: State<'_, AppState>,
    args: SearchSecretsArgs,
) -> CmdResult<SearchResults> {
    let key = index_key(&state, &args.profile_id);
    let mut all = lock(&state.search);
    let index = all.entry(key).or_default();
    Ok(index.search(&args.query)?)
}

/// Writes an old version's data as a new version (check-and-set).
#[tauri::command]
pub async fn rollback_secret(
    state: State<'_, AppState>,
    args: RollbackArgs,
) -> CmdResult<WriteOutcome> {
    let store = store(&state, &args.profile_id)?;
    Ok(store.rollback(&args.path, args.version, args.cas).await?)
}

/// Soft-deletes versions (empty = the latest).
#[tauri::command]
pub async fn delete_secret_versions(
    state: State<'_, AppState>,
    args: SecretVersionsArgs,
) -> CmdResult<()> {
    let store = store(&state, &args.profile_id)?;
    Ok(store.delete(&args.path, &args.versions).await?)
}

/// Brings soft-deleted versions back.
#[tauri::command]
pub async fn undelete_secret_versions(
    state: State<'_, AppState>,
    args: SecretVersionsArgs,
) -> CmdResult<()> {
    let store = store(&state, &args.profile_id)?;
    Ok(store.undelete(&args.path, &args.versions).await?)
}

/// Destroys versions for good, once the user typed the path.
#[tauri::command]
pub async fn destroy_secret_versions(
    state: State<'_, AppState>,
    args: DestroyVersionsArgs,
) -> CmdResult<()> {
    confirmed(&args.path, &args.confirm_path)?;
    let store = store(&state, &args.profile_id)?;
    Ok(store.destroy(&args.path, &args.versions).await?)
}

/// Deletes the metadata and every version, once the user typed the path.
#[tauri::command]
pub async fn delete_secret_metadata(
    state: State<'_, AppState>,
    args: DeleteMetadataArgs,
) -> CmdResult<()> {
    confirmed(&args.path, &args.confirm_path)?;
    let store = store(&state, &args.profile_id)?;
    Ok(store.delete_metadata(&args.path).await?)
}

/// Changes max versions, CAS requirement, delete-after and custom metadata.
#[tauri::command]
pub async fn write_secret_metadata(
    state: State<'_, AppState>,
    args: WriteMetadataArgs,
) -> CmdResult<()> {
    let store = store(&state, &args.profile_id)?;
    let e = args.edit;
    let update = MetadataUpdate {
        max_versions: e.max_versions,
        cas_required: e.cas_required,
        delete_version_after: e.delete_version_after,
        custom_metadata: e.custom_metadata,
    };
    Ok(store.write_metadata(&args.path, &update).await?)
}

// ------------------------------------------------------------------- settings

/// The reveal and clipboard timeouts: saved, in force, and which environment variables
/// override them.
#[tauri::command]
pub async fn get_secret_settings(
    state: State<'_, AppState>,
    args: NoArgs,
) -> CmdResult<SecretSettings> {
    let _ = args;
    let file = SettingsFile::in_dir(&state.paths.config_dir);
    super::blocking(move || file.secret_settings()).await
}

/// Saves the reveal and clipboard timeouts (audited as `settings.write`).
#[tauri::command]
pub async fn save_secret_settings(
    state: State<'_, AppState>,
    args: SaveSecretSettingsArgs,
) -> CmdResult<SecretSettings> {
    let file = SettingsFile::in_dir(&state.paths.config_dir);
    let t = args.timeouts;
    let r =
        super::blocking(move || file.save_timeouts(&t).and_then(|_| file.secret_settings())).await;
    let rec = match &r {
        Ok(_) => AuditRecord::ok("settings.write"),
        Err(e) => AuditRecord::failed("settings.write", e.message.clone()),
    };
    let rec = rec.target("secrets timeouts").detail(format!(
        "reveal {} s, clipboard {} s",
        t.reveal_secs, t.clipboard_secs
    ));
    if let Err(e) = state.deck.audit().append(rec) {
        tracing::error!(error = %e, "could not append to the audit log");
    }
    r
}

// ------------------------------------------------------------------- create, copy

/// Creates a secret that must not exist yet; an existing one is a `Conflict` and stays as
/// it is.
#[tauri::command]
pub async fn create_secret(
    state: State<'_, AppState>,
    args: CreateSecretArgs,
) -> CmdResult<WriteOutcome> {
    let store = store(&state, &args.profile_id)?;
    let mut data = SecretData::new();
    for (k, f) in &args.data {
        data.insert(k.clone(), field_value(k, f)?);
    }
    match store.create(&args.path, &data).await? {
        Created::Written(out) => Ok(out),
        Created::AlreadyExists(path) => Err(IpcError::new(
            ErrorCode::Conflict,
            format!(
                "a secret already exists at {path}; nothing was written. Open it to edit it, \
                 or choose another path (your draft is kept)"
            ),
        )),
    }
}

/// Copies every key of one version to the clipboard as one JSON object (audited as a reveal of
/// all keys, copied as JSON); cleared after the clipboard timeout if still ours.
#[tauri::command]
pub async fn copy_secret_json<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    args: SecretKeysArgs,
) -> CmdResult<CopiedSecret> {
    let store = store(&state, &args.profile_id)?;
    let (json, read) = store.reveal_json(&args.path, args.version).await?;
    let secs = timeouts(&state).clipboard_secs;
    copy_then_clear(&app, json.expose_secret(), secs)?;
    Ok(CopiedSecret {
        keys: read.data.keys().map(str::to_owned).collect(),
        path: read.path.clone(),
        version: read.version,
        clear_after_secs: secs,
    })
}

/// The vault CLI and curl commands that read a secret (no token in them); copies the chosen
/// one to the clipboard.
#[tauri::command]
pub async fn copy_secret_command<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    args: CopySecretCommandArgs,
) -> CmdResult<SecretReadCommands> {
    let cmds = store(&state, &args.profile_id)?
        .read_commands(&args.path)
        .await?;
    let text = match args.kind {
        SecretCommandKind::Cli => cmds.cli.clone(),
        SecretCommandKind::Curl => cmds.curl.clone(),
    };
    app.clipboard().write_text(text).map_err(|e| {
        IpcError::new(
            ErrorCode::Unavailable,
            format!("could not write the clipboard: {e}"),
        )
    })?;
    Ok(cmds)
}

// ------------------------------------------------------------------- namespaces

/// Child namespaces (nested) of the profile's own, and the one being browsed.
#[tauri::command]
pub async fn list_namespaces(
    state: State<'_, AppState>,
    args: ProfileRef,
) -> CmdResult<NamespaceList> {
    let conn = state.deck.connection(&args.profile_id)?;
    let (namespaces, note) = namespaces_below(&conn).await?;
    Ok(NamespaceList {
        current: namespace(&state, &args.profile_id),
        namespaces,
        note,
    })
}

/// Browses another namespace of the connection (empty = the profile's own). The namespace
/// must answer (its mounts are listed) before it is chosen.
#[tauri::command]
pub async fn set_secrets_namespace(
    state: State<'_, AppState>,
    args: SetNamespaceArgs,
) -> CmdResult<NamespaceList> {
    let ns = args.namespace.trim().trim_matches('/').to_owned();
    let conn = state.deck.connection(&args.profile_id)?;
    in_namespace(&conn, &ns).mounts().await?;
    lock(&state.secret_namespaces).insert(args.profile_id.clone(), ns.clone());
    let (namespaces, note) = namespaces_below(&conn).await.unwrap_or_default();
    Ok(NamespaceList {
        current: ns,
        namespaces,
        note,
    })
}

/// Mounts visible in the namespace the explorer browses.
#[tauri::command]
pub async fn list_secret_mounts(
    state: State<'_, AppState>,
    args: ProfileRef,
) -> CmdResult<Vec<MountInfo>> {
    Ok(connection(&state, &args.profile_id)?.mounts().await?)
}

// ------------------------------------------------------------------- key-name search

/// Searches key names in every secret under a folder (opt-in; audited as `kv.search.keys`);
/// hits stream through `on_batch`. Cancel with `cancel_job`.
#[tauri::command]
pub async fn start_key_search(
    state: State<'_, AppState>,
    args: StartKeySearchArgs,
    on_batch: Channel<KeySearchBatch>,
) -> CmdResult<KeySearchReport> {
    let store = store(&state, &args.profile_id)?;
    let cancel = CancellationToken::new();
    lock(&state.jobs).insert(args.job_id.clone(), cancel.clone());
    let r = store
        .search_key_names(&args.path, &args.query, &cancel, |b| {
            if let Err(e) = on_batch.send(b) {
                tracing::warn!(error = %e, "could not send a search batch to the UI");
            }
        })
        .await;
    lock(&state.jobs).remove(&args.job_id);
    Ok(r?)
}

/// A destructive action needs the path typed exactly.
fn confirmed(path: &str, typed: &str) -> CmdResult<()> {
    if typed.trim() == path.trim() && !path.trim().is_empty() {
        Ok(())
    } else {
        Err(IpcError::new(
            ErrorCode::InvalidInput,
            format!("type the path {path} exactly to confirm"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destructive_actions_need_the_exact_path() {
        assert!(confirmed("secret/app/db", "secret/app/db").is_ok());
        assert!(confirmed("secret/app/db", " secret/app/db ").is_ok());
        let e = confirmed("secret/app/db", "secret/app").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
        assert!(confirmed("", "").is_err());
    }

    #[test]
    fn json_fields_must_parse_and_errors_name_the_key_only() {
        let f = |v: &str, json| SecretField {
            value: vaultdeck_types::SecretInput::new(v),
            json,
        };
        assert!(field_value("port", &f("5432", true)).unwrap().is_json());
        assert!(!field_value("k", &f("{not json", false)).unwrap().is_json());
        let e = field_value("k", &f("{SENTINEL", true)).unwrap_err();
        assert!(e.message.contains('k') && !e.message.contains("SENTINEL"));
    }
}
