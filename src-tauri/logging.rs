//! Tracing setup: human-readable lines on stderr plus a daily rolling file in the app's log dir.
//! Fields are allow-listed at each `#[instrument(skip_all, fields(..))]`; no secret is ever a
//! field. The audit trail is separate (vaultdeck_core::audit).

use std::io::IsTerminal;
use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::{fmt, layer::SubscriberExt, util::SubscriberInitExt, EnvFilter};

/// Installs the global subscriber. Keep the guard alive for the process lifetime so buffered
/// lines reach the file.
pub fn init(log_dir: &Path) -> Option<WorkerGuard> {
    let filter = EnvFilter::try_from_env("VAULTDECK_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,tao=warn,wry=warn,reqwest=warn,hyper=warn"));
    let (file_layer, guard) = match std::fs::create_dir_all(log_dir) {
        Ok(()) => {
            let appender = tracing_appender::rolling::daily(log_dir, "vaultdeck.log");
            let (writer, guard) = tracing_appender::non_blocking(appender);
            (
                Some(fmt::layer().with_ansi(false).with_writer(writer)),
                Some(guard),
            )
        }
        Err(e) => {
            eprintln!(
                "vaultdeck: cannot create log dir {}: {e}",
                log_dir.display()
            );
            (None, None)
        }
    };
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(
            fmt::layer()
                .with_ansi(std::io::stderr().is_terminal())
                .with_writer(std::io::stderr),
        )
        .with(file_layer)
        .try_init();
    guard
}
