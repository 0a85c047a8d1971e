//! Matrix (policies × paths, CSV export) and who-can-access for a path: which policies grant
//! what, and which userpass users, AppRole roles, token roles and identity groups/entities carry
//! them, where the server lets us list them.

use std::path::{Path, PathBuf};

use serde_json::Value;
use vaultdeck_policy::{Policy, PolicySet};
use vaultdeck_types::{
    ExportedFile, MountClass, PolicyGrant, PolicyHolder, PolicyMatrix, WhoCanAccess, WhoCanRow,
    WhoCanSubtree,
};

use crate::capability::PolicyAdmin;
use crate::connection::VaultConnection;
use crate::{Connection, Error, Result};

/// Every policy on the server (or the named ones), parsed. A policy the local parser cannot
/// read is an error naming it.
pub async fn server_policies<P: PolicyAdmin + Sync>(
    admin: &P,
    names: &[String],
) -> Result<Vec<Policy>> {
    let names = if names.is_empty() {
        admin.list_policies().await?
    } else {
        names.to_vec()
    };
    super::resolve(Some(admin), &[], &names).await
}

/// What each policy alone grants on each path.
pub fn matrix(policies: Vec<Policy>, paths: &[String]) -> PolicyMatrix {
    let set = PolicySet::new(policies);
    let m = set.matrix(paths);
    let cells = (0..paths.len())
        .map(|row| {
            (0..m.policies.len())
                .map(|col| {
                    m.get(row, col)
                        .to_server_list()
                        .into_iter()
                        .map(String::from)
                        .collect()
                })
                .collect()
        })
        .collect();
    PolicyMatrix {
        policies: m.policies.clone(),
        paths: paths.to_vec(),
        cells,
    }
}

fn csv_field(s: &str) -> String {
    // Quote always; neutralise spreadsheet formulas.
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// The matrix as CSV: header `path,<policy>...`, one row per path, capabilities joined by `|`.
pub fn matrix_csv(m: &PolicyMatrix) -> String {
    let mut out = String::from("\"path\"");
    for p in &m.policies {
        out.push(',');
        out.push_str(&csv_field(p));
    }
    out.push('\n');
    for (path, row) in m.paths.iter().zip(&m.cells) {
        out.push_str(&csv_field(path));
        for caps in row {
            out.push(',');
            out.push_str(&csv_field(&caps.join("|")));
        }
        out.push('\n');
    }
    out
}

/// Writes `contents` to `file`, or to `data_dir/exports/<stem>-<unix time>.<ext>`.
pub fn write_export(
    data_dir: &Path,
    file: Option<&str>,
    stem: &str,
    ext: &str,
    contents: &str,
) -> Result<ExportedFile> {
    let path = match file.map(str::trim).filter(|f| !f.is_empty()) {
        Some(f) => PathBuf::from(f),
        None => {
            let now = time::OffsetDateTime::now_utc();
            data_dir.join("exports").join(format!(
                "{stem}-{}{:03}.{ext}",
                now.unix_timestamp(),
                now.millisecond()
            ))
        }
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, e))?;
    }
    std::fs::write(&path, contents).map_err(|e| Error::io("write", &path, e))?;
    let path = std::fs::canonicalize(&path).unwrap_or(path);
    Ok(ExportedFile {
        path: path.display().to_string(),
        bytes: contents.len() as u64,
    })
}

/// Which policies have a rule on `path` (granting or denying), over `policies`.
pub fn grants(policies: Vec<Policy>, path: &str) -> Vec<PolicyGrant> {
    grants_in(&PolicySet::new(policies), path)
}

/// [`grants`] against an already compiled set.
fn grants_in(set: &PolicySet, path: &str) -> Vec<PolicyGrant> {
    set.access_by_policy(path)
        .into_iter()
        .map(|a| PolicyGrant {
            policy: a.policy,
            capabilities: a
                .access
                .to_server_list()
                .into_iter()
                .map(String::from)
                .collect(),
            rules: a.decided_by.iter().map(super::provenance).collect(),
        })
        .collect()
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        Some(Value::String(s)) => s
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

/// Policies named by a role/user/group body (`token_policies`, `policies`, `allowed_policies`).
fn carried(data: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for key in ["token_policies", "policies", "allowed_policies"] {
        for p in strings(data.get(key)) {
            if !out.contains(&p) {
                out.push(p);
            }
        }
    }
    out
}

/// Where holders are listed: (kind, mount label, list path, read path prefix).
fn holder_sources(auth_mounts: &[(String, String)]) -> Vec<(String, String, String, String)> {
    let mut out = Vec::new();
    for (path, kind) in auth_mounts {
        let base = format!("auth/{}", path.trim_end_matches('/'));
        match kind.as_str() {
            "userpass" => out.push((
                "userpass".into(),
                format!("{base}/"),
                format!("{base}/users"),
                format!("{base}/users/"),
            )),
            "approle" => out.push((
                "approle".into(),
                format!("{base}/"),
                format!("{base}/role"),
                format!("{base}/role/"),
            )),
            _ => {}
        }
    }
    out.push((
        "token_role".into(),
        "auth/token/".into(),
        "auth/token/roles".into(),
        "auth/token/roles/".into(),
    ));
    out.push((
        "identity_group".into(),
        "identity/".into(),
        "identity/group/name".into(),
        "identity/group/name/".into(),
    ));
    out.push((
        "identity_entity".into(),
        "identity/".into(),
        "identity/entity/name".into(),
        "identity/entity/name/".into(),
    ));
    out
}

async fn vault_holders(
    v: &VaultConnection,
    granting: &[String],
) -> Result<(Vec<PolicyHolder>, Vec<String>)> {
    let auth: Vec<(String, String)> = Connection::Vault(v.clone())
        .mounts()
        .await?
        .into_iter()
        .filter(|m| m.class == MountClass::Auth)
        .map(|m| (m.path, m.engine_type))
        .collect();
    let mut holders = Vec::new();
    let mut unlisted = Vec::new();
    for (kind, mount, list, read) in holder_sources(&auth) {
        let names = match v.client().list(&list).await {
            Ok(n) => n,
            Err(e) => {
                unlisted.push(format!("{kind} at {mount}: {}", e.code().label()));
                continue;
            }
        };
        for name in names {
            let body = match v.client().read(&format!("{read}{name}")).await {
                Ok(Some(b)) => b,
                Ok(None) => continue,
                Err(e) => {
                    unlisted.push(format!("{kind} {name} at {mount}: {}", e.code().label()));
                    continue;
                }
            };
            let policies: Vec<String> = carried(body.get("data").unwrap_or(&Value::Null))
                .into_iter()
                .filter(|p| granting.contains(p))
                .collect();
            if !policies.is_empty() {
                holders.push(PolicyHolder {
                    kind: kind.clone(),
                    mount: mount.clone(),
                    name,
                    policies,
                });
            }
        }
    }
    Ok((holders, unlisted))
}

/// Who can access `path` on the connection's server: policies with a rule there (from every
/// readable policy) and who carries the granting ones.
pub async fn who_can(conn: &Connection, path: &str) -> Result<WhoCanAccess> {
    let policies = server_policies(conn, &[]).await?;
    let grants = grants(policies, path);
    let granting: Vec<String> = grants
        .iter()
        .filter(|g| g.capabilities != ["deny"])
        .map(|g| g.policy.clone())
        .collect();
    let (holders, unlisted) = match conn {
        Connection::Aws(a) => return Err(a.unsupported("Vault ACL policies")),
        Connection::Azure(z) => return Err(z.unsupported("Vault ACL policies")),
        Connection::Vault(v) => vault_holders(v, &granting).await?,
    };
    Ok(WhoCanAccess {
        path: path.to_owned(),
        grants,
        holders,
        unlisted,
        subtree: None,
    })
}

/// Who can access every secret under a KV folder (the explorer's subtree): walks it (SCAN when
/// the token may, else LIST; denied folders are skipped), evaluates each secret's API path
/// (`<mount>data/<key>` on KV v2, `<mount><key>` on KV v1) and aggregates per policy: the union
/// of what it grants anywhere in the subtree, with the rules of its first grant. The first
/// `limit` secrets are listed row by row in `subtree`.
pub async fn who_can_subtree(
    conn: &Connection,
    folder: &str,
    limit: usize,
) -> Result<WhoCanAccess> {
    let Connection::Vault(v) = conn else {
        return Err(crate::Error::Unsupported(
            "Vault ACL policies need a Vault / OpenBao connection".into(),
        ));
    };
    let (kv, _) = vaultdeck_vault::kv::Kv::open(v.client(), folder).await?;
    let (keys, report) = crate::walk::collect(
        conn,
        folder,
        &crate::walk::WalkOptions::default(),
        &tokio_util::sync::CancellationToken::new(),
    )
    .await?;
    let set = PolicySet::new(server_policies(conn, &[]).await?);
    let mut rows = Vec::new();
    let mut by_policy: Vec<PolicyGrant> = Vec::new();
    for key in &keys {
        let rel = key.strip_prefix(kv.mount()).unwrap_or(key);
        let api = match kv.version() {
            vaultdeck_vault::kv::KvVersion::V2 => format!("{}data/{rel}", kv.mount()),
            vaultdeck_vault::kv::KvVersion::V1 => key.clone(),
        };
        let grants = grants_in(&set, &api);
        for g in &grants {
            match by_policy.iter_mut().find(|a| a.policy == g.policy) {
                Some(agg) => {
                    for c in &g.capabilities {
                        if !agg.capabilities.contains(c) {
                            agg.capabilities.push(c.clone());
                        }
                    }
                }
                None => by_policy.push(g.clone()),
            }
        }
        if rows.len() < limit {
            rows.push(WhoCanRow { path: api, grants });
        }
    }
    for g in &mut by_policy {
        if g.capabilities.len() > 1 {
            g.capabilities.retain(|c| c != "deny");
        }
        g.capabilities.sort();
    }
    let granting: Vec<String> = by_policy
        .iter()
        .filter(|g| g.capabilities != ["deny"])
        .map(|g| g.policy.clone())
        .collect();
    let (holders, mut unlisted) = vault_holders(v, &granting).await?;
    unlisted.extend(
        report
            .denied_folders
            .iter()
            .map(|f| format!("folder {f}: permission denied (not walked)")),
    );
    Ok(WhoCanAccess {
        path: kv.full_path(folder.strip_prefix(kv.mount()).unwrap_or("")),
        grants: by_policy,
        holders,
        unlisted,
        subtree: Some(WhoCanSubtree {
            secrets: keys.len(),
            truncated: keys.len() > rows.len(),
            rows,
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrix_and_csv() {
        let a = Policy::parse("a", r#"path "kv/*" { capabilities = ["read"] }"#).unwrap();
        let b = Policy::parse("b", r#"path "kv/x" { capabilities = ["deny"] }"#).unwrap();
        let m = matrix(vec![a, b], &["kv/x".into(), "=cmd".into()]);
        assert_eq!(m.cells[0], [vec!["read"], vec!["deny"]]);
        let csv = matrix_csv(&m);
        assert_eq!(
            csv,
            "\"path\",\"a\",\"b\"\n\"kv/x\",\"read\",\"deny\"\n\"'=cmd\",\"deny\",\"deny\"\n"
        );
        assert_eq!(
            carried(&serde_json::json!({"token_policies": ["x"], "policies": "y, x"})),
            ["x", "y"]
        );
    }
}
