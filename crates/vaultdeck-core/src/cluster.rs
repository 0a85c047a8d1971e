//! The cluster view's operations on an open Vault/OpenBao connection: the overview (raft
//! peers, HA nodes, autopilot), an audited step-down confirmed by the typed profile name, and
//! an audited raft snapshot download (backup) with progress.

use std::path::Path;

use time::OffsetDateTime;
use tracing::instrument;
use vaultdeck_types::{ClusterHaNode, ClusterOverview, ClusterPeer, ExportedFile};
use vaultdeck_vault::VaultClient;

use crate::audit::{AuditLog, AuditRecord};
use crate::{Error, Result};

/// Leader, raft peers (with autopilot's status), HA nodes and autopilot health, read from the
/// node `client` talks to; what cannot be read lands in `problems`.
#[instrument(skip_all, fields(addr = %client.address()))]
pub async fn overview(client: &VaultClient) -> ClusterOverview {
    let v = client.cluster_view().await;
    let auto = v.autopilot.as_ref();
    let peers = v
        .raft_peers
        .iter()
        .map(|p| {
            let a = auto.and_then(|a| a.servers.get(&p.node_id));
            ClusterPeer {
                node_id: p.node_id.clone(),
                address: p.address.clone(),
                leader: p.leader,
                voter: p.voter,
                autopilot_status: a.map(|a| a.status.clone()),
                healthy: a.map(|a| a.healthy),
            }
        })
        .collect();
    let mut ha_nodes: Vec<ClusterHaNode> = v
        .ha_nodes
        .iter()
        .map(|n| ClusterHaNode {
            api_address: n.api_address.clone(),
            active: n.active_node,
            last_echo: n.last_echo.clone(),
            version: n.version.clone(),
        })
        .collect();
    ha_nodes.sort_by(|a, b| a.api_address.cmp(&b.api_address));
    ClusterOverview {
        address: client.address().to_owned(),
        ha_enabled: v.leader.as_ref().is_some_and(|l| l.ha_enabled),
        leader_address: v.leader.as_ref().and_then(|l| l.leader_address.clone()),
        is_self_active: v.leader.as_ref().is_some_and(|l| l.is_self),
        raft_committed_index: v.leader.as_ref().and_then(|l| l.raft_committed_index),
        peers,
        ha_nodes,
        autopilot_healthy: auto.map(|a| a.healthy),
        failure_tolerance: auto.map(|a| a.failure_tolerance),
        problems: v.problems,
    }
}

/// The active node steps down, once `typed_confirm` equals `profile_name`; audited
/// `cluster.step_down` (also when it fails).
#[instrument(skip_all, fields(addr = %client.address(), profile = %profile_name))]
pub async fn step_down(
    client: &VaultClient,
    audit: &AuditLog,
    profile_name: &str,
    typed_confirm: &str,
) -> Result<()> {
    if typed_confirm.trim() != profile_name {
        return Err(Error::InvalidInput(format!(
            "type the profile name `{profile_name}` to confirm the step-down"
        )));
    }
    let r = client.step_down().await;
    let rec = match &r {
        Ok(()) => AuditRecord::ok("cluster.step_down"),
        Err(e) => AuditRecord::failed("cluster.step_down", e.to_string()),
    };
    audit.append(rec.profile(profile_name).target(client.address()))?;
    Ok(r?)
}

/// Downloads a raft snapshot into `file` (default: `exports/raft-snapshot-<time>.snap` under
/// `data_dir`), written to a `.part` file first and renamed when complete; `progress` gets the
/// bytes so far. Audited `cluster.raft_snapshot` with the size.
#[instrument(skip_all, fields(addr = %client.address(), profile = %profile_name))]
pub async fn raft_snapshot(
    client: &VaultClient,
    audit: &AuditLog,
    profile_name: &str,
    data_dir: &Path,
    file: Option<&str>,
    progress: &mut (dyn FnMut(u64) + Send),
    now: OffsetDateTime,
) -> Result<ExportedFile> {
    let path = match file.map(str::trim).filter(|f| !f.is_empty()) {
        Some(f) => std::path::PathBuf::from(f),
        None => data_dir
            .join("exports")
            .join(format!("raft-snapshot-{}.snap", now.unix_timestamp())),
    };
    if path.is_dir() {
        return Err(Error::InvalidInput(format!(
            "`{}` is a folder: give a file name for the snapshot",
            path.display()
        )));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, e))?;
    }
    let mut part = path.clone().into_os_string();
    part.push(".part");
    let part = std::path::PathBuf::from(part);
    let f = std::fs::File::create(&part).map_err(|e| Error::io("create", &part, e))?;
    let mut w = std::io::BufWriter::new(f);
    let r = client.raft_snapshot(&mut w, progress).await;
    drop(w);
    let bytes = match r {
        Ok(b) => b,
        Err(e) => {
            let _ = std::fs::remove_file(&part);
            audit.append(
                AuditRecord::failed("cluster.raft_snapshot", e.to_string())
                    .profile(profile_name)
                    .target(path.display().to_string()),
            )?;
            return Err(e.into());
        }
    };
    std::fs::rename(&part, &path).map_err(|e| Error::io("rename", &part, e))?;
    let path = std::fs::canonicalize(&path).unwrap_or(path);
    audit.append(
        AuditRecord::ok("cluster.raft_snapshot")
            .profile(profile_name)
            .target(path.display().to_string())
            .detail(format!("{bytes} bytes from {}", client.address())),
    )?;
    Ok(ExportedFile {
        path: path.display().to_string(),
        bytes,
    })
}
