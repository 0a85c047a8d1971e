//! The Vaultdeck desktop shell: Tauri builder, managed state, command registration. All domain
//! logic lives in `vaultdeck-core` and the provider crates.

#![forbid(unsafe_code)]

pub mod commands;
pub mod demo;
pub mod logging;
pub mod state;

use std::sync::{Arc, Mutex};
use std::time::Instant;

use tauri::Manager;
use vaultdeck_core::keychain::Keychain;
use vaultdeck_core::paths::AppPaths;
use vaultdeck_core::sessions::Deck;

use crate::state::{AppState, DemoOutcome};

/// Registers every command on `builder` (shared by the app and the IPC tests, which pass
/// Tauri's mock builder).
pub fn with_commands<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(tauri::generate_handler![
        commands::app::get_app_info,
        commands::app::ui_ready,
        commands::profiles::list_profiles,
        commands::profiles::save_profile,
        commands::profiles::delete_profile,
        commands::profiles::duplicate_profile,
        commands::profiles::import_env_profile,
        commands::connections::connect,
        commands::connections::disconnect,
        commands::connections::list_connections,
        commands::connections::refresh_connection,
        commands::connections::renew_token,
        commands::connections::list_mounts,
        commands::secrets::list_secrets,
        commands::secrets::get_secret_metadata,
        commands::secrets::get_secret_keys,
        commands::secrets::reveal_secret_key,
        commands::secrets::reveal_secret,
        commands::secrets::copy_secret_key,
        commands::secrets::write_secret,
        commands::secrets::patch_secret,
        commands::secrets::diff_secret_versions,
        commands::secrets::start_walk,
        commands::secrets::cancel_job,
        commands::aws::aws_caller_identity,
        commands::aws::aws_list_secrets,
        commands::aws::aws_describe_secret,
        commands::aws::aws_reveal_value,
        commands::aws::aws_copy_value,
        commands::aws::aws_diff_versions,
        commands::aws::aws_update_meta,
        commands::aws::aws_create_secret,
        commands::aws::aws_put_value,
        commands::aws::aws_preview_rollback,
        commands::aws::aws_rollback,
        commands::aws::aws_rotate_client_side,
        commands::aws::aws_rotate_now,
        commands::aws::aws_enable_rotation,
        commands::aws::aws_disable_rotation,
        commands::aws::aws_update_kms_key,
        commands::aws::aws_get_policy,
        commands::aws::aws_policy_review,
        commands::aws::aws_check_policy,
        commands::aws::aws_put_policy,
        commands::aws::aws_delete_policy,
        commands::aws::aws_delete_secret,
        commands::aws::aws_restore_secret,
        commands::azure::az_list_secrets,
        commands::azure::az_list_deleted_secrets,
        commands::azure::az_reveal_secret,
        commands::azure::az_copy_secret,
        commands::azure::az_set_secret,
        commands::azure::az_secret_versions,
        commands::azure::az_rollback_preview,
        commands::azure::az_rollback_secret,
        commands::azure::az_sign_in_prompt,
        commands::azure::az_cancel_sign_in,
        commands::azure::az_delete_secret,
        commands::azure::az_recover_secret,
        commands::azure::az_purge_secret,
        commands::azure::az_list_keys,
        commands::azure::az_get_rotation_policy,
        commands::azure::az_set_rotation_policy,
        commands::azure::az_rotate_key,
        commands::azure::az_list_certificates,
        commands::azure::az_update_secret,
        commands::azure::az_key_versions,
        commands::azure::az_create_key,
        commands::azure::az_certificate_versions,
        commands::azure::az_get_certificate,
        commands::azure::az_backup_secret,
        commands::azure::az_restore_secret,
        commands::azure::az_set_key_enabled,
        commands::azure::az_list_deleted_keys,
        commands::azure::az_delete_key,
        commands::azure::az_recover_key,
        commands::azure::az_purge_key,
        commands::leases::start_lease_scan,
        commands::leases::renew_lease,
        commands::leases::revoke_lease,
        commands::leases::revoke_lease_prefix,
        commands::leases::revoke_lease_force,
        commands::leases::list_tokens,
        commands::leases::revoke_token_accessor,
        commands::leases::issue_db_credentials,
        commands::leases::reveal_issued_password,
        commands::leases::copy_issued_password,
        commands::rotations::list_db_rotation_targets,
        commands::rotations::list_transit_keys,
        commands::rotations::get_kv_rotation_target,
        commands::rotations::rotate_db_root,
        commands::rotations::rotate_static_role,
        commands::rotations::rotate_transit_key,
        commands::rotations::set_transit_min_versions,
        commands::rotations::rotate_kv_value,
        commands::rotations::preview_rotation_plan,
        commands::rotations::run_rotation_plan,
        commands::rotations::list_cloud_rotation_targets,
        commands::rotations::export_rotation_report,
        commands::secrets::search_secrets,
        commands::secrets::rollback_secret,
        commands::secrets::delete_secret_versions,
        commands::secrets::undelete_secret_versions,
        commands::secrets::destroy_secret_versions,
        commands::secrets::delete_secret_metadata,
        commands::secrets::write_secret_metadata,
        commands::secrets::get_secret_settings,
        commands::secrets::save_secret_settings,
        commands::secrets::create_secret,
        commands::secrets::copy_secret_json,
        commands::secrets::copy_secret_command,
        commands::secrets::list_namespaces,
        commands::secrets::set_secrets_namespace,
        commands::secrets::list_secret_mounts,
        commands::secrets::start_key_search,
        commands::audit::list_audit,
        commands::audit::verify_audit,
        commands::policies::list_policies,
        commands::policies::read_policy,
        commands::policies::lint_policy,
        commands::policies::format_policy,
        commands::policies::save_policy,
        commands::policies::delete_policy,
        commands::policies::simulate_policy,
        commands::policies::compare_policy_with_server,
        commands::policies::list_staged_policies,
        commands::policies::stage_policy,
        commands::policies::unstage_policy,
        commands::policies::discard_staged_policies,
        commands::policies::preview_staged_policies,
        commands::policies::apply_staged_policies,
        commands::policies::policy_matrix,
        commands::policies::export_policy_matrix,
        commands::policies::who_can_access,
        commands::policies::export_policy_review,
        commands::breakglass::start_breakglass_session,
        commands::breakglass::end_breakglass_session,
        commands::breakglass::get_breakglass_session,
        commands::breakglass::breakglass_status,
        commands::breakglass::breakglass_unseal,
        commands::breakglass::breakglass_unseal_reset,
        commands::breakglass::breakglass_seal,
        commands::breakglass::breakglass_generate_root_state,
        commands::breakglass::breakglass_generate_root_start,
        commands::breakglass::breakglass_generate_root_submit,
        commands::breakglass::breakglass_generate_root_cancel,
        commands::breakglass::breakglass_root_session,
        commands::breakglass::breakglass_root_extend,
        commands::breakglass::breakglass_root_end,
        commands::breakglass::breakglass_lever,
        commands::breakglass::close_breakglass_window,
        commands::cluster::cluster_overview,
        commands::cluster::cluster_step_down,
        commands::cluster::cluster_raft_snapshot,
        commands::breakglass::open_breakglass_window,
    ])
}

/// State for a process with the given paths and keychain, plus the sender that reports how
/// the demo bootstrap ended (send `DemoOutcome::NotNeeded` when no demo runs).
pub fn app_state(
    paths: AppPaths,
    keychain: Keychain,
) -> (AppState, tokio::sync::watch::Sender<Option<DemoOutcome>>) {
    let (tx, rx) = tokio::sync::watch::channel(None);
    let state = AppState {
        deck: Arc::new(Deck::new(&paths, keychain)),
        paths,
        started: Instant::now(),
        demo: rx,
        demo_server: Mutex::new(None),
        jobs: Mutex::default(),
        search: Mutex::default(),
        secret_namespaces: Mutex::default(),
        breakglass: Mutex::default(),
        issued_passwords: Default::default(),
    };
    (state, tx)
}

/// Runs the desktop app.
pub fn run() {
    let started = Instant::now();
    let paths = AppPaths::from_env();
    let _log_guard = logging::init(&paths.log_dir());
    tracing::info!(config = %paths.config_dir.display(), data = %paths.data_dir.display(), "starting Vaultdeck");
    let (mut state, tx) = app_state(paths, Keychain::detect());
    state.started = started;
    let deck = state.deck.clone();
    let app = with_commands(tauri::Builder::default())
        .plugin(tauri_plugin_clipboard_manager::init())
        .manage(state)
        .setup(move |app| {
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(demo::bootstrap(deck, tx, move |server| {
                *handle
                    .state::<AppState>()
                    .demo_server
                    .lock()
                    .unwrap_or_else(|p| p.into_inner()) = Some(server);
            }));
            Ok(())
        })
        .build(tauri::generate_context!())
        .expect("error while building the Vaultdeck app");
    app.run(|handle, event| {
        if let tauri::RunEvent::WindowEvent {
            label,
            event: tauri::WindowEvent::Destroyed,
            ..
        } = &event
        {
            if label == commands::breakglass::WINDOW_LABEL {
                commands::breakglass::on_window_closed(handle);
            }
        }
        if let tauri::RunEvent::Exit = event {
            // Stop the embedded demo server with the app.
            let server = handle
                .state::<AppState>()
                .demo_server
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .take();
            drop(server);
        }
    });
}
