//! Break-glass window commands (granted only to the `breakglass` window) and the browse command
//! that opens that window. Each delegates to `vaultdeck_core::breakglass`; shares arrive as
//! `SecretInput`, are turned into `SecretString`s at once and are never logged or returned.

use secrecy::SecretString;
use tauri::{AppHandle, Manager, Runtime, State, WebviewUrl, WebviewWindowBuilder};
use vaultdeck_core::breakglass::{cluster_status, BreakGlassSession};
use vaultdeck_core::connection::vault_config;
use vaultdeck_types::{
    BreakglassNode, BreakglassNodeArgs, BreakglassSealArgs, BreakglassSessionView,
    BreakglassUnsealArgs, ErrorCode, IpcError, NoArgs, ProfileKind, StartBreakglassArgs,
};
use vaultdeck_vault::breakglass::NodeSealStatus;
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
}

fn no_session() -> IpcError {
    IpcError::new(
        ErrorCode::InvalidInput,
        "no break-glass session: type your name and start one",
    )
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
    };
    let v = view(&slot);
    *lock(&state.breakglass) = Some(slot);
    Ok(v)
}

/// Ends the session (audited `breakglass.session.end`).
#[tauri::command]
pub async fn end_breakglass_session(state: State<'_, AppState>, args: NoArgs) -> CmdResult<()> {
    let _ = args;
    end_session(&state)
}

/// Ends the running session, if any (also called when the break-glass window closes).
pub fn end_session(state: &AppState) -> CmdResult<()> {
    let slot = lock(&state.breakglass).take();
    match slot {
        Some(s) => Ok(s.session.end()?),
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
