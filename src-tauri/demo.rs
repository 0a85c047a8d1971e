//! The embedded default: with no profile configured, start a local OpenBao dev server, seed it
//! with demo data and open the app on a session-only "Demo (local OpenBao)" profile.
//!
//! Disabled with `VAULTDECK_DEMO=0`. PostgreSQL for the demo's database engine is optional and
//! given by `VAULTDECK_DEMO_PG=host:port:user:password` (scripts/run.sh starts a throwaway one).

use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};
use tokio::sync::watch;
use vaultdeck_core::sessions::Deck;
use vaultdeck_types::{Profile, ProfileKind, VaultAuth, VaultProfile};
use vaultdeck_vault::{demo, dev::DevServer};

use crate::state::DemoOutcome;

/// Name of the demo profile.
pub const DEMO_PROFILE_NAME: &str = "Demo (local OpenBao)";

/// Starts the demo when needed; reports the outcome on `tx` and hands the server to `keep`.
pub async fn bootstrap(
    deck: Arc<Deck>,
    tx: watch::Sender<Option<DemoOutcome>>,
    keep: impl FnOnce(DevServer),
) {
    let outcome = match run(&deck).await {
        Ok(Some((server, profile_id))) => {
            keep(server);
            DemoOutcome::Started(profile_id)
        }
        Ok(None) => DemoOutcome::NotNeeded,
        Err(message) => {
            tracing::error!(%message, "demo server could not start");
            DemoOutcome::Failed(message)
        }
    };
    let _ = tx.send(Some(outcome));
}

async fn run(deck: &Arc<Deck>) -> Result<Option<(DevServer, String)>, String> {
    if std::env::var("VAULTDECK_DEMO").is_ok_and(|v| v == "0") {
        return Ok(None);
    }
    match deck.profiles().list() {
        Ok(p) if !p.is_empty() => return Ok(None),
        Ok(_) => {}
        Err(e) => return Err(format!("cannot read profiles: {e}")),
    }
    let bao = vaultdeck_vault::find_bao_binary().map_err(|e| e.to_string())?;
    let server = tokio::task::spawn_blocking(move || DevServer::start(&bao))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    let root = SecretString::from(server.root_token.expose_secret().to_owned());
    let client = server.client().map_err(|e| e.to_string())?;
    let pg = demo_pg_from_env();
    let summary = demo::seed(&client, pg.as_ref())
        .await
        .map_err(|e| format!("seeding the demo server failed: {e}"))?;
    tracing::info!(?summary, addr = %server.addr, "demo server seeded");
    let profile = deck.add_session_profile(
        Profile {
            id: String::new(),
            name: DEMO_PROFILE_NAME.into(),
            kind: ProfileKind::Vault(VaultProfile {
                address: server.addr.clone(),
                namespace: String::new(),
                ca_cert: None,
                tls_verify: true,
                allow_plain_http: false,
                auth: VaultAuth::Token,
            }),
        },
        root,
    );
    if let Err(e) = deck.connect(&profile.id, None, false).await {
        tracing::warn!(error = %e, "could not open the demo connection");
    }
    Ok(Some((server, profile.id)))
}

fn demo_pg_from_env() -> Option<demo::PgTarget> {
    let spec = std::env::var("VAULTDECK_DEMO_PG").ok()?;
    let mut it = spec.splitn(4, ':');
    let (host, port, user, password) = (it.next()?, it.next()?, it.next()?, it.next()?);
    Some(demo::PgTarget {
        host: host.to_owned(),
        port: port.parse().ok()?,
        user: user.to_owned(),
        password: SecretString::from(password.to_owned()),
        database: "postgres".to_owned(),
    })
}
