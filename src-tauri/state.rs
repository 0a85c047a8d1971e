//! State managed by Tauri and shared by all commands.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::sync::watch;
use tokio_util::sync::CancellationToken;
use vaultdeck_core::paths::AppPaths;
use vaultdeck_core::search::SearchIndex;
use vaultdeck_core::sessions::Deck;

/// Everything commands need.
pub struct AppState {
    /// Profiles, keychain, audit log and open connections.
    pub deck: Arc<Deck>,
    /// Where files live.
    pub paths: AppPaths,
    /// When the process started (startup timing).
    pub started: Instant,
    /// Demo bootstrap status: `None` while starting, then the demo profile id (if any).
    pub demo: watch::Receiver<Option<DemoOutcome>>,
    /// The embedded OpenBao dev server, kept alive for the app's lifetime.
    pub demo_server: Mutex<Option<vaultdeck_vault::dev::DevServer>>,
    /// Running jobs (walks) by id, for `cancel_job`.
    pub jobs: Mutex<HashMap<String, CancellationToken>>,
    /// Walked secret paths per profile id, for `search_secrets`.
    pub search: Mutex<HashMap<String, SearchIndex>>,
    /// The namespace the secrets explorer browses per profile id (relative to the profile's;
    /// absent = the profile's own).
    pub secret_namespaces: Mutex<HashMap<String, String>>,
    /// The running break-glass session (break-glass window only), if any.
    pub breakglass: Mutex<Option<crate::commands::breakglass::BreakglassSlot>>,
    /// Passwords of database credentials issued through the app (backend memory only).
    pub issued_passwords: crate::commands::leases::IssuedPasswords,
}

/// How the embedded demo bootstrap ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DemoOutcome {
    /// Profiles exist (or the demo is disabled): no demo.
    NotNeeded,
    /// The demo server runs; this is its profile id.
    Started(String),
    /// The demo could not start; the message says why.
    Failed(String),
}

/// Locks a mutex, recovering from poisoning (the data are caches and job handles).
pub fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl AppState {
    /// Waits until the demo bootstrap has finished (at most 60 s) and returns its outcome.
    pub async fn demo_outcome(&self) -> DemoOutcome {
        let mut rx = self.demo.clone();
        let waited = tokio::time::timeout(
            std::time::Duration::from_secs(60),
            rx.wait_for(|v| v.is_some()),
        )
        .await;
        match waited {
            Ok(Ok(v)) => v.clone().unwrap_or(DemoOutcome::NotNeeded),
            _ => DemoOutcome::Failed("the demo server did not start within 60 s".into()),
        }
    }
}
