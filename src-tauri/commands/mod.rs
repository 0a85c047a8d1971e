//! One `#[tauri::command]` per operation declared in `vaultdeck_types` (same name, one `args`
//! struct, `Result<Output, IpcError>`). Each delegates to core in a few lines.

pub mod app;
pub mod audit;
pub mod aws;
pub mod azure;
pub mod breakglass;
pub mod cluster;
pub mod connections;
pub mod leases;
pub mod policies;
pub mod profiles;
pub mod rotations;
pub mod secrets;

use vaultdeck_types::IpcError;

/// Result type of every command.
pub type CmdResult<T> = Result<T, IpcError>;

/// Runs blocking core work (keychain, files) off the async executor.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> vaultdeck_core::Result<T> + Send + 'static,
) -> CmdResult<T> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| IpcError::new(vaultdeck_types::ErrorCode::Internal, e.to_string()))?
        .map_err(IpcError::from)
}
