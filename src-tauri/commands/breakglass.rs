//! Break-glass window commands (granted only to the `breakglass` window) and the browse command
//! that opens that window. Each delegates to `vaultdeck_core::breakglass`; shares arrive as
//! `SecretInput`, are turned into `SecretString`s at once and are never logged or returned.

use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;
use tauri::{AppHandle, Manager, Runtime, State, WebviewUrl, WebviewWindowBuilder};
use vaultdeck_core::breakglass::{
    cluster_status, report, BreakGlassSession, RevocationReport, RootWatch, DEFAULT_ROOT_TTL,
};
use vaultdeck_core::connection::vault_config;
use vaultdeck_core::leases::OffsetDateTime;
use vaultdeck_types::{
    BreakglassEnded, BreakglassNode, BreakglassNodeArgs, BreakglassSealArgs, BreakglassSessionView,
    BreakglassUnsealArgs, EndBreakglassArgs, ErrorCode, GenerateRootAttemptView,
    GenerateRootStartArgs, GenerateRootState, GenerateRootStep, GenerateRootSubmitArgs, IpcError,
    LeverArgs, LeverKind, LeverResult, NoArgs, ProfileKind, RevocationView, RootExtendArgs,
    RootSessionView, StartBreakglassArgs,
};
use vaultdeck_vault::breakglass::{NodeSealStatus, RootAttempt, RootFlow};
use vaultdeck_vault::{SealStatus, VaultClient, VaultConfig};

use super::CmdResult;
use crate::state::{lock, AppState};

/// Label of the break-glass window (its capability is `capabilities/breakglass.json`).
pub const WINDOW_LABEL: &str = "breakglass";

/// The running break-glass session and the cluster it acts on.
pub struct BreakglassSlot {
    /// The audited session.
    pub session: BreakGlassSession,
    /// The profile it was started from.
    pub profile_id: String,
    /// Client settings of the cluster (address of the seed node, CA, TLS).
    pub config: VaultConfig,
    /// The generate-root attempt in progress: the node's client and the attempt (with the OTP).
    pub attempt: Option<(VaultClient, Arc<RootAttempt>, u32)>,
    /// The time-boxed root session (its watchdog revokes the token at expiry).
    pub root: Option<RootWatch>,
}

fn no_session() -> IpcError {
    IpcError::new(
        ErrorCode::InvalidInput,
        "no break-glass session: type your name and start one",
    )
}

fn flow_name(f: RootFlow) -> &'static str {
    match f {
        RootFlow::Token => "token",
        RootFlow::Unauthenticated => "unauthenticated",
    }
}

fn revocation_view(r: &RevocationReport) -> RevocationView {
    RevocationView {
        revoked: r.revoked,
        verified: r.verified,
        problem: r.problem.clone(),
    }
}

async fn root_view(w: &RootWatch) -> RootSessionView {
    let now = OffsetDateTime::now_utc();
    match w.times().await {
        Some((started, expires)) => RootSessionView {
            active: true,
            started_at: rfc3339(started),
            expires_at: rfc3339(expires),
            expires_unix: expires.unix_timestamp(),
            remaining_secs: (expires - now).whole_seconds().max(0) as u64,
            revocation: None,
        },
        None => RootSessionView {
            revocation: w.last_revocation().as_ref().map(revocation_view),
            ..RootSessionView::default()
        },
    }
}

fn current_root(state: &AppState) -> CmdResult<Option<RootWatch>> {
    Ok(lock(&state.breakglass)
        .as_ref()
        .ok_or_else(no_session)?
        .root
        .clone())
}

fn current(state: &AppState) -> CmdResult<(BreakGlassSession, String, VaultConfig)> {
    lock(&state.breakglass)
        .as_ref()
        .map(|s| (s.session.clone(), s.profile_id.clone(), s.config.clone()))
        .ok_or_else(no_session)
}

/// Formats a UTC time (sessions start at `now_utc`) as RFC 3339.
fn rfc3339(t: vaultdeck_core::leases::OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn view(s: &BreakglassSlot) -> BreakglassSessionView {
    BreakglassSessionView {
        id: s.session.id().to_string(),
        operator: s.session.operator().to_owned(),
        cluster: s.session.cluster().to_owned(),
        profile_id: s.profile_id.clone(),
        started_at: rfc3339(s.session.started_at()),
    }
}

/// A client for the node at `address`, carrying the profile's open connection token (if any).
fn node(
    state: &AppState,
    profile_id: &str,
    config: &VaultConfig,
    address: &str,
) -> CmdResult<VaultClient> {
    let cfg = VaultConfig {
        address: address.trim().trim_end_matches('/').to_owned(),
        ..config.clone()
    };
    let c = VaultClient::new(cfg).map_err(vaultdeck_core::Error::from)?;
    let token = match state.deck.connection(profile_id) {
        Ok(vaultdeck_core::Connection::Vault(v)) => v.client().token().cloned(),
        Ok(_) => None,
        Err(_) => None,
    };
    Ok(match token {
        Some(t) => c.with_token(t),
        None => c,
    })
}

fn from_seal(address: &str, s: &SealStatus) -> BreakglassNode {
    BreakglassNode {
        address: address.to_owned(),
        initialized: Some(s.initialized),
        sealed: Some(s.sealed),
        seal_type: s.seal_type.clone(),
        threshold: s.threshold,
        shares: s.shares,
        progress: s.progress,
        nonce: s.nonce.clone(),
        version: s.version.clone(),
        role: if s.sealed { "sealed" } else { "unsealed" }.into(),
        error: None,
    }
}

fn from_node(n: &NodeSealStatus) -> BreakglassNode {
    let mut v = match &n.seal {
        Some(s) => from_seal(&n.address, s),
        None => BreakglassNode {
            address: n.address.clone(),
            ..Default::default()
        },
    };
    if let Some(st) = n.state {
        v.role = serde_json::to_value(st)
            .ok()
            .and_then(|j| j.as_str().map(str::to_owned))
            .unwrap_or_default();
    } else if v.role.is_empty() {
        v.role = "unknown".into();
    }
    if v.version.is_empty() {
        v.version = n.version.clone().unwrap_or_default();
    }
    v.error = n.error.clone();
    v
}

/// Starts a break-glass session on the profile's cluster for the typed operator name.
#[tauri::command]
pub async fn start_breakglass_session(
    state: State<'_, AppState>,
    args: StartBreakglassArgs,
) -> CmdResult<BreakglassSessionView> {
    if lock(&state.breakglass).is_some() {
        return Err(IpcError::new(
            ErrorCode::Conflict,
            "a break-glass session is already running: end it first",
        ));
    }
    let profile = state.deck.profile(&args.profile_id)?;
    let ProfileKind::Vault(vp) = &profile.kind else {
        return Err(IpcError::new(
            ErrorCode::Unsupported,
            "break-glass needs a Vault / OpenBao profile",
        ));
    };
    let config = vault_config(vp)?;
    let session =
        BreakGlassSession::start_now(&args.operator, &profile.name, state.deck.audit().clone())?;
    let slot = BreakglassSlot {
        session,
        profile_id: profile.id.clone(),
        config,
        attempt: None,
        root: None,
    };
    let v = view(&slot);
    *lock(&state.breakglass) = Some(slot);
    Ok(v)
}

/// Ends the session: cancels a pending generate-root, revokes a live root token (verified),
/// records `breakglass.session.end`, then writes the session report.
#[tauri::command]
pub async fn end_breakglass_session(
    state: State<'_, AppState>,
    args: EndBreakglassArgs,
) -> CmdResult<BreakglassEnded> {
    let Some(slot) = lock(&state.breakglass).take() else {
        return Err(no_session());
    };
    let session = slot.session.clone();
    let revocation = end_slot(slot).await?;
    let mut out = BreakglassEnded {
        revocation: revocation.as_ref().map(revocation_view),
        ..BreakglassEnded::default()
    };
    match report::write(
        &session,
        &state.paths.data_dir,
        args.report_folder.as_deref(),
        OffsetDateTime::now_utc(),
    ) {
        Ok(files) => {
            out.report_html = Some(files.html.path);
            out.report_markdown = Some(files.markdown.path);
            out.actions = files.actions;
        }
        Err(e) => out.report_error = Some(IpcError::from(e).message),
    }
    Ok(out)
}

/// Cancels the pending attempt, revokes the root token, records the end of the session.
async fn end_slot(slot: BreakglassSlot) -> CmdResult<Option<RevocationReport>> {
    if let Some((client, attempt, _)) = &slot.attempt {
        if let Err(e) = slot
            .session
            .generate_root_cancel(client, attempt.flow)
            .await
        {
            tracing::warn!(error = %e, "could not cancel the generate-root attempt at session end");
        }
    }
    let revocation = match &slot.root {
        Some(w) => w.end().await,
        None => None,
    };
    slot.session.end()?;
    Ok(revocation)
}

/// Ends the running session, if any (called when the break-glass window closes): revokes a
/// live root token first (waiting at most 20 s).
pub fn end_session(state: &AppState) -> CmdResult<()> {
    let slot = lock(&state.breakglass).take();
    match slot {
        Some(s) => tauri::async_runtime::block_on(async {
            match tokio::time::timeout(Duration::from_secs(20), end_slot(s)).await {
                Ok(r) => r.map(|_| ()),
                Err(_) => Err(IpcError::new(
                    ErrorCode::Unavailable,
                    "ending the break-glass session timed out: check the root token is revoked",
                )),
            }
        }),
        None => Ok(()),
    }
}

/// The running session, if any.
#[tauri::command]
pub async fn get_breakglass_session(
    state: State<'_, AppState>,
    args: NoArgs,
) -> CmdResult<Option<BreakglassSessionView>> {
    let _ = args;
    Ok(lock(&state.breakglass).as_ref().map(view))
}

/// Seal status of every node of the session's cluster.
#[tauri::command]
pub async fn breakglass_status(
    state: State<'_, AppState>,
    args: NoArgs,
) -> CmdResult<Vec<BreakglassNode>> {
    let _ = args;
    let (_, profile_id, config) = current(&state)?;
    let seed = node(&state, &profile_id, &config, &config.address)?;
    let nodes = cluster_status(&seed, &config, std::slice::from_ref(&config.address)).await;
    Ok(nodes.iter().map(from_node).collect())
}

/// Submits one unseal share to a node.
#[tauri::command]
pub async fn breakglass_unseal(
    state: State<'_, AppState>,
    args: BreakglassUnsealArgs,
) -> CmdResult<BreakglassNode> {
    let (session, profile_id, config) = current(&state)?;
    if args.share.is_empty() {
        return Err(IpcError::new(
            ErrorCode::InvalidInput,
            "paste an unseal key share",
        ));
    }
    let client = node(&state, &profile_id, &config, &args.address)?;
    let share = SecretString::from(args.share.expose().trim().to_owned());
    let s = session.unseal(&client, share).await?;
    Ok(from_seal(client.address(), &s))
}

/// Discards the node's unseal progress.
#[tauri::command]
pub async fn breakglass_unseal_reset(
    state: State<'_, AppState>,
    args: BreakglassNodeArgs,
) -> CmdResult<BreakglassNode> {
    let (session, profile_id, config) = current(&state)?;
    let client = node(&state, &profile_id, &config, &args.address)?;
    let s = session.unseal_reset(&client).await?;
    Ok(from_seal(client.address(), &s))
}

/// Emergency seal of a node, confirmed by typing the cluster name.
#[tauri::command]
pub async fn breakglass_seal(
    state: State<'_, AppState>,
    args: BreakglassSealArgs,
) -> CmdResult<()> {
    let (session, profile_id, config) = current(&state)?;
    let client = node(&state, &profile_id, &config, &args.address)?;
    Ok(session.seal(&client, &args.typed_cluster_name).await?)
}

/// Which generate-root flows the node offers (with the profile's token), and the attempt.
#[tauri::command]
pub async fn breakglass_generate_root_state(
    state: State<'_, AppState>,
    args: BreakglassNodeArgs,
) -> CmdResult<GenerateRootState> {
    let (_, profile_id, config) = current(&state)?;
    let client = node(&state, &profile_id, &config, &args.address)?;
    let flows = client
        .generate_root_flows()
        .await
        .map_err(vaultdeck_core::Error::from)?;
    let attempt = lock(&state.breakglass)
        .as_ref()
        .and_then(|s| s.attempt.as_ref())
        .map(|(c, a, progress)| GenerateRootAttemptView {
            address: c.address().to_owned(),
            flow: flow_name(a.flow).into(),
            nonce: a.nonce.clone(),
            progress: *progress,
            required: a.required,
        });
    Ok(GenerateRootState {
        address: client.address().to_owned(),
        token_flow: flows.token,
        unauthenticated_flow: flows.unauthenticated,
        preferred: flows.preferred().map(|f| flow_name(f).to_owned()),
        attempt,
    })
}

/// Starts generate-root on a node (the flow the server offers unless one is named).
#[tauri::command]
pub async fn breakglass_generate_root_start(
    state: State<'_, AppState>,
    args: GenerateRootStartArgs,
) -> CmdResult<GenerateRootAttemptView> {
    let (session, profile_id, config) = current(&state)?;
    {
        let g = lock(&state.breakglass);
        let slot = g.as_ref().ok_or_else(no_session)?;
        if slot.attempt.is_some() {
            return Err(IpcError::new(
                ErrorCode::Conflict,
                "a generate-root attempt is already running: finish or cancel it",
            ));
        }
    }
    if let Some(w) = current_root(&state)? {
        if w.times().await.is_some() {
            return Err(IpcError::new(
                ErrorCode::Conflict,
                "a root token is already live in this session: end it first",
            ));
        }
    }
    let client = node(&state, &profile_id, &config, &args.address)?;
    let flow = match args.flow.as_deref().map(str::trim) {
        Some("token") => RootFlow::Token,
        Some("unauthenticated") => RootFlow::Unauthenticated,
        Some(other) if !other.is_empty() => {
            return Err(IpcError::new(
                ErrorCode::InvalidInput,
                format!("unknown generate-root flow `{other}`: use token or unauthenticated"),
            ))
        }
        _ => client
            .generate_root_flows()
            .await
            .map_err(vaultdeck_core::Error::from)?
            .preferred()
            .ok_or_else(|| {
                IpcError::new(
                    ErrorCode::Unsupported,
                    "this node offers no generate-root flow: connect the profile with a token \
                     that has sudo, or use a listener that allows unauthenticated generate-root",
                )
            })?,
    };
    let attempt = session.generate_root_start(&client, flow).await?;
    let view = GenerateRootAttemptView {
        address: client.address().to_owned(),
        flow: flow_name(flow).into(),
        nonce: attempt.nonce.clone(),
        progress: 0,
        required: attempt.required,
    };
    match lock(&state.breakglass).as_mut() {
        Some(slot) => slot.attempt = Some((client, Arc::new(attempt), 0)),
        None => return Err(no_session()),
    }
    Ok(view)
}

/// Submits one key share; on completion the token goes, decoded, into the watched root session.
#[tauri::command]
pub async fn breakglass_generate_root_submit(
    state: State<'_, AppState>,
    args: GenerateRootSubmitArgs,
) -> CmdResult<GenerateRootStep> {
    let (session, _, _) = current(&state)?;
    if args.share.is_empty() {
        return Err(IpcError::new(ErrorCode::InvalidInput, "paste a key share"));
    }
    let (client, attempt) = lock(&state.breakglass)
        .as_ref()
        .and_then(|s| s.attempt.as_ref())
        .map(|(c, a, _)| (c.clone(), a.clone()))
        .ok_or_else(|| {
            IpcError::new(
                ErrorCode::InvalidInput,
                "no generate-root attempt: start one first",
            )
        })?;
    let share = SecretString::from(args.share.expose().trim().to_owned());
    let (p, root) = session
        .generate_root_submit(&client, &attempt, share, DEFAULT_ROOT_TTL)
        .await?;
    let mut step = GenerateRootStep {
        progress: p.progress,
        required: p.required.max(attempt.required),
        complete: p.complete,
        root: None,
    };
    match root {
        Some(root) => {
            let watch = RootWatch::spawn(root);
            step.root = Some(root_view(&watch).await);
            if let Some(slot) = lock(&state.breakglass).as_mut() {
                slot.attempt = None;
                slot.root = Some(watch);
            }
        }
        None => {
            if let Some((_, _, progress)) = lock(&state.breakglass)
                .as_mut()
                .and_then(|s| s.attempt.as_mut())
            {
                *progress = p.progress;
            }
        }
    }
    Ok(step)
}

/// Cancels the running generate-root attempt.
#[tauri::command]
pub async fn breakglass_generate_root_cancel(
    state: State<'_, AppState>,
    args: NoArgs,
) -> CmdResult<()> {
    let _ = args;
    let (session, _, _) = current(&state)?;
    let pending = lock(&state.breakglass)
        .as_mut()
        .and_then(|s| s.attempt.take());
    let Some((client, attempt, _)) = pending else {
        return Err(IpcError::new(
            ErrorCode::InvalidInput,
            "no generate-root attempt is running",
        ));
    };
    Ok(session.generate_root_cancel(&client, attempt.flow).await?)
}

/// The root session: countdown while live, else how it was revoked.
#[tauri::command]
pub async fn breakglass_root_session(
    state: State<'_, AppState>,
    args: NoArgs,
) -> CmdResult<Option<RootSessionView>> {
    let _ = args;
    match current_root(&state)? {
        Some(w) => Ok(Some(root_view(&w).await)),
        None => Ok(None),
    }
}

/// Extends the root session's time box by 1–60 minutes, with a reason.
#[tauri::command]
pub async fn breakglass_root_extend(
    state: State<'_, AppState>,
    args: RootExtendArgs,
) -> CmdResult<RootSessionView> {
    if !(1..=60).contains(&args.minutes) {
        return Err(IpcError::new(
            ErrorCode::InvalidInput,
            "extend by 1 to 60 minutes",
        ));
    }
    let w = current_root(&state)?
        .ok_or_else(|| IpcError::new(ErrorCode::InvalidInput, "no root session to extend"))?;
    w.extend(
        Duration::from_secs(u64::from(args.minutes) * 60),
        &args.reason,
        OffsetDateTime::now_utc(),
    )
    .await?;
    Ok(root_view(&w).await)
}

/// Revokes the root token now and verifies it is dead.
#[tauri::command]
pub async fn breakglass_root_end(
    state: State<'_, AppState>,
    args: NoArgs,
) -> CmdResult<RevocationView> {
    let _ = args;
    let w = current_root(&state)?
        .ok_or_else(|| IpcError::new(ErrorCode::InvalidInput, "no root session to end"))?;
    let r = w.end().await.ok_or_else(|| {
        IpcError::new(
            ErrorCode::Internal,
            "the root session has no revocation record",
        )
    })?;
    Ok(revocation_view(&r))
}

/// Pulls an emergency lever, with the root token while live (else the profile's token).
#[tauri::command]
pub async fn breakglass_lever(
    state: State<'_, AppState>,
    args: LeverArgs,
) -> CmdResult<LeverResult> {
    let (session, profile_id, config) = current(&state)?;
    let target = args.target.trim();
    if target.is_empty() || args.typed_confirm.trim() != target {
        return Err(IpcError::new(
            ErrorCode::InvalidInput,
            "type the target again, exactly, to confirm the lever",
        ));
    }
    let now = OffsetDateTime::now_utc();
    let root = match current_root(&state)? {
        Some(w) => w.client(now).await.ok(),
        None => None,
    };
    let used_root = root.is_some();
    let client = match root {
        Some(c) => c,
        None => node(&state, &profile_id, &config, &config.address)?,
    };
    let out = match args.kind {
        LeverKind::RevokeLeasePrefix => session.revoke_lease_prefix(&client, target).await,
        LeverKind::RevokeTokenAccessor => session.revoke_token_accessor(&client, target).await,
        LeverKind::RevokeAuthMount => session.revoke_auth_mount_tokens(&client, target).await,
        LeverKind::DisableAuthMethod => session.disable_auth_method(&client, target).await,
    }?;
    Ok(LeverResult {
        action: out.action,
        target: out.target,
        message: out.message,
        used_root,
    })
}

/// Closes the break-glass window the way its close button does; the `Destroyed` event then
/// ends the session (see [`on_window_closed`]).
#[tauri::command]
pub async fn close_breakglass_window<R: Runtime>(app: AppHandle<R>, args: NoArgs) -> CmdResult<()> {
    let _ = args;
    if let Some(w) = app.get_webview_window(WINDOW_LABEL) {
        w.close().map_err(|e| {
            IpcError::new(
                ErrorCode::Internal,
                format!("could not close the break-glass window: {e}"),
            )
        })?;
    }
    Ok(())
}

/// Opens (or focuses) the break-glass window, which loads the same UI at its own route.
#[tauri::command]
pub async fn open_breakglass_window<R: Runtime>(app: AppHandle<R>, args: NoArgs) -> CmdResult<()> {
    let _ = args;
    if let Some(w) = app.get_webview_window(WINDOW_LABEL) {
        let _ = w.set_focus();
        return Ok(());
    }
    WebviewWindowBuilder::new(
        &app,
        WINDOW_LABEL,
        WebviewUrl::App("index.html#/breakglass-window".into()),
    )
    .title("Vaultdeck — Break-glass")
    .inner_size(1100.0, 800.0)
    .build()
    .map_err(|e| {
        IpcError::new(
            ErrorCode::Internal,
            format!("could not open the break-glass window: {e}"),
        )
    })?;
    Ok(())
}

/// The break-glass window closed: end the session (audited) so nothing outlives the window.
pub fn on_window_closed<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    match end_session(&state) {
        Ok(()) => tracing::info!("break-glass window closed: session ended"),
        Err(e) => {
            tracing::error!(error = %e.message, "break-glass window closed: could not record the end of the session")
        }
    }
}
