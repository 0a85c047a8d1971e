//! Policies workbench commands: list / read / lint / save / delete ACL policies, simulate
//! paths offline with provenance, compare with the server's `sys/capabilities*`.

use tauri::State;
use vaultdeck_core::capability::PolicyAdmin;
use vaultdeck_core::policies;
use vaultdeck_core::policies::analysis;
use vaultdeck_core::policies::report;
use vaultdeck_core::policies::staging::StagedEdits;
use vaultdeck_types::{
    ApplyStagedReport, ComparePolicyArgs, FormatPolicyArgs, LintPolicyArgs, PolicyComparison,
    PolicyDocument, PolicyLintReport, PolicyRef, PolicySaved, PolicySimulation, PreviewStagedArgs,
    ProfileRef, SavePolicyArgs, SimulatePolicyArgs, StagePolicyArgs, StagedPolicy, StagedPreview,
};
use vaultdeck_types::{
    ExportMatrixArgs, ExportedFile, PolicyMatrix, PolicyMatrixArgs, WhoCanAccess, WhoCanArgs,
};
use vaultdeck_types::{ReviewReportArgs, ReviewReportFiles};

use super::{blocking, CmdResult};
use crate::state::AppState;

/// ACL policy names on the connection.
#[tauri::command]
pub async fn list_policies(state: State<'_, AppState>, args: ProfileRef) -> CmdResult<Vec<String>> {
    let conn = state.deck.connection(&args.profile_id)?;
    Ok(conn.list_policies().await?)
}

/// One policy's text, version and modification time.
#[tauri::command]
pub async fn read_policy(state: State<'_, AppState>, args: PolicyRef) -> CmdResult<PolicyDocument> {
    let conn = state.deck.connection(&args.profile_id)?;
    Ok(conn.read_policy(&args.name).await?)
}

/// Parse and lint a draft, with the connection's mount table when there is one.
#[tauri::command]
pub async fn lint_policy(
    state: State<'_, AppState>,
    args: LintPolicyArgs,
) -> CmdResult<PolicyLintReport> {
    let mounts = match &args.profile_id {
        Some(p) => state.deck.mounts(p).await.ok(),
        None => None,
    };
    Ok(policies::lint_draft(&args.draft, mounts.as_deref()))
}

/// Canonical layout of a draft, keeping comments and meaning.
#[tauri::command]
pub fn format_policy(args: FormatPolicyArgs) -> CmdResult<String> {
    Ok(policies::format_draft(&args.text)?)
}

/// Validate, then write with check-and-set (audited).
#[tauri::command]
pub async fn save_policy(
    state: State<'_, AppState>,
    args: SavePolicyArgs,
) -> CmdResult<PolicySaved> {
    let (deck, base) = (&state.deck, args.base_text.as_deref());
    let document = policies::save(deck, &args.profile_id, &args.draft, args.cas, base).await?;
    Ok(PolicySaved { document })
}

/// Delete a policy (audited).
#[tauri::command]
pub async fn delete_policy(state: State<'_, AppState>, args: PolicyRef) -> CmdResult<()> {
    Ok(policies::delete(&state.deck, &args.profile_id, &args.name).await?)
}

/// Evaluate paths against drafts and server policies, with provenance.
#[tauri::command]
pub async fn simulate_policy(
    state: State<'_, AppState>,
    args: SimulatePolicyArgs,
) -> CmdResult<PolicySimulation> {
    let conn = match &args.profile_id {
        Some(p) if !args.names.is_empty() || args.entity.is_some() => {
            Some(state.deck.connection(p)?)
        }
        _ => None,
    };
    let names =
        policies::names_with_entity(conn.as_ref(), args.names, args.entity.as_deref()).await?;
    let set = policies::resolve(conn.as_ref(), &args.drafts, &names).await?;
    Ok(policies::simulate(set, &args.paths))
}

/// Compare the local evaluator with the server for a token.
#[tauri::command]
pub async fn compare_policy_with_server(
    state: State<'_, AppState>,
    args: ComparePolicyArgs,
) -> CmdResult<PolicyComparison> {
    let conn = state.deck.connection(&args.profile_id)?;
    let accessor = args.accessor.as_deref().filter(|a| !a.is_empty());
    Ok(policies::compare_with_server(&conn, accessor, &args.paths).await?)
}

/// The staged-edits file of this app instance (writes are atomic: temp file + rename).
fn staging(state: &AppState) -> StagedEdits {
    StagedEdits::in_data_dir(&state.paths.data_dir)
}

/// Staged policy edits of a connection.
#[tauri::command]
pub async fn list_staged_policies(
    state: State<'_, AppState>,
    args: ProfileRef,
) -> CmdResult<Vec<StagedPolicy>> {
    let st = staging(&state);
    blocking(move || st.list(&args.profile_id)).await
}

/// Stage (add or replace) an edit.
#[tauri::command]
pub async fn stage_policy(
    state: State<'_, AppState>,
    args: StagePolicyArgs,
) -> CmdResult<Vec<StagedPolicy>> {
    let st = staging(&state);
    blocking(move || st.stage(&args.profile_id, args.staged)).await
}

/// Drop one staged edit.
#[tauri::command]
pub async fn unstage_policy(
    state: State<'_, AppState>,
    args: PolicyRef,
) -> CmdResult<Vec<StagedPolicy>> {
    let st = staging(&state);
    blocking(move || st.unstage(&args.profile_id, &args.name)).await
}

/// Drop every staged edit of a connection.
#[tauri::command]
pub async fn discard_staged_policies(
    state: State<'_, AppState>,
    args: ProfileRef,
) -> CmdResult<()> {
    let st = staging(&state);
    blocking(move || st.discard(&args.profile_id)).await
}

/// The staged edits and their impact.
#[tauri::command]
pub async fn preview_staged_policies(
    state: State<'_, AppState>,
    args: PreviewStagedArgs,
) -> CmdResult<StagedPreview> {
    let st = staging(&state);
    blocking(move || st.preview(&args.profile_id, &args.extra_paths)).await
}

/// Apply every staged edit, stopping at the first failure (each write audited).
#[tauri::command]
pub async fn apply_staged_policies(
    state: State<'_, AppState>,
    args: ProfileRef,
) -> CmdResult<ApplyStagedReport> {
    let st = staging(&state);
    Ok(st.apply(&state.deck, &args.profile_id).await?)
}

/// The policies × paths capability matrix.
#[tauri::command]
pub async fn policy_matrix(
    state: State<'_, AppState>,
    args: PolicyMatrixArgs,
) -> CmdResult<PolicyMatrix> {
    let conn = state.deck.connection(&args.profile_id)?;
    let set = analysis::server_policies(&conn, &args.names).await?;
    Ok(analysis::matrix(set, &args.paths))
}

/// Write the matrix as CSV (to the chosen file, or under the data dir).
#[tauri::command]
pub async fn export_policy_matrix(
    state: State<'_, AppState>,
    args: ExportMatrixArgs,
) -> CmdResult<ExportedFile> {
    let conn = state.deck.connection(&args.matrix.profile_id)?;
    let set = analysis::server_policies(&conn, &args.matrix.names).await?;
    let csv = analysis::matrix_csv(&analysis::matrix(set, &args.matrix.paths));
    let dir = state.paths.data_dir.clone();
    blocking(move || {
        analysis::write_export(&dir, args.file.as_deref(), "policy-matrix", "csv", &csv)
    })
    .await
}

/// Which policies grant what on a path, and who carries them.
#[tauri::command]
pub async fn who_can_access(
    state: State<'_, AppState>,
    args: WhoCanArgs,
) -> CmdResult<WhoCanAccess> {
    let conn = state.deck.connection(&args.profile_id)?;
    Ok(match args.subtree {
        true => analysis::who_can_subtree(&conn, &args.path, 500).await?,
        false => analysis::who_can(&conn, &args.path).await?,
    })
}

/// Write the review report (HTML + Markdown), recorded in the audit log.
#[tauri::command]
pub async fn export_policy_review(
    state: State<'_, AppState>,
    args: ReviewReportArgs,
) -> CmdResult<ReviewReportFiles> {
    Ok(report::export_now(&state.deck, &state.paths.data_dir, &args).await?)
}
