//! The Policies workbench's operations: ACL policies on the server ([`PolicyAdmin`]), local
//! validation and lint with `vaultdeck_policy`, offline simulation with provenance, and the
//! comparison with the server's `sys/capabilities-self` / `sys/capabilities-accessor`.
//!
//! Writes go through [`save`] and [`delete`], which validate locally first (the same
//! rejections as the server, with the line), use OpenBao's policy check-and-set (`cas`, a stale
//! version is a `Conflict` and leaves the server unchanged) and append `policy.write` /
//! `policy.delete` to the audit log. [`staging`] keeps several edits for a joint review and
//! apply.

pub mod analysis;
pub mod report;
pub mod staging;

use std::collections::BTreeMap;

use serde_json::{json, Value};
use vaultdeck_policy::{lint, LintOptions, Mount, Policy, PolicySet, RuleRef};
use vaultdeck_types::{
    MountClass, MountInfo, PathComparison, PathDecision, PolicyComparison, PolicyDocument,
    PolicyDraft, PolicyFinding, PolicyLintReport, PolicyParseProblem, PolicySimulation,
    RuleProvenance,
};

use crate::audit::AuditRecord;
use crate::capability::PolicyAdmin;
use crate::connection::VaultConnection;
use crate::sessions::Deck;
use crate::{Connection, Error, Result};

/// Policy names are path segments: refuse anything that could escape `sys/policies/acl/`.
fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@'))
        && name != "."
        && name != "..";
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidInput(format!(
            "policy name {name:?} is not valid: use letters, digits, `-`, `_`, `.` or `@`"
        )))
    }
}

fn str_list(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

impl PolicyAdmin for VaultConnection {
    async fn list_policies(&self) -> Result<Vec<String>> {
        let mut names = self.client().list("sys/policies/acl").await?;
        names.sort();
        Ok(names)
    }

    async fn read_policy(&self, name: &str) -> Result<PolicyDocument> {
        check_name(name)?;
        let body = self
            .client()
            .read(&format!("sys/policies/acl/{name}"))
            .await?
            .ok_or_else(|| Error::NotFound(format!("no ACL policy named {name:?}")))?;
        let data = body.get("data").unwrap_or(&Value::Null);
        Ok(PolicyDocument {
            name: name.to_owned(),
            text: data
                .get("policy")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            version: data.get("version").and_then(Value::as_u64),
            cas_required: data
                .get("cas_required")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            modified: data
                .get("modified")
                .and_then(Value::as_str)
                .map(str::to_owned),
        })
    }

    async fn write_policy(&self, name: &str, text: &str, cas: Option<u64>) -> Result<()> {
        check_name(name)?;
        let mut body = json!({ "policy": text });
        if let Some(cas) = cas {
            body["cas"] = json!(cas);
        }
        self.client()
            .write(&format!("sys/policies/acl/{name}"), &body)
            .await?;
        Ok(())
    }

    async fn delete_policy(&self, name: &str) -> Result<()> {
        check_name(name)?;
        self.client()
            .delete(&format!("sys/policies/acl/{name}"))
            .await?;
        Ok(())
    }

    async fn token_policies(&self, accessor: Option<&str>) -> Result<Vec<String>> {
        let body = match accessor {
            None => self.client().read("auth/token/lookup-self").await?,
            Some(a) => {
                self.client()
                    .write("auth/token/lookup-accessor", &json!({ "accessor": a }))
                    .await?
            }
        }
        .unwrap_or(Value::Null);
        let data = body.get("data").unwrap_or(&Value::Null);
        let mut names = str_list(data.get("policies"));
        for n in str_list(data.get("identity_policies")) {
            if !names.contains(&n) {
                names.push(n);
            }
        }
        Ok(names)
    }

    async fn server_capabilities(
        &self,
        accessor: Option<&str>,
        paths: &[String],
    ) -> Result<BTreeMap<String, Vec<String>>> {
        let body = match accessor {
            None => {
                self.client()
                    .write("sys/capabilities-self", &json!({ "paths": paths }))
                    .await?
            }
            Some(a) => {
                self.client()
                    .write(
                        "sys/capabilities-accessor",
                        &json!({ "accessor": a, "paths": paths }),
                    )
                    .await?
            }
        }
        .unwrap_or(Value::Null);
        let data = body.get("data").unwrap_or(&body);
        Ok(paths
            .iter()
            .map(|p| {
                let mut caps = str_list(data.get(p.as_str()));
                caps.sort();
                (p.clone(), caps)
            })
            .collect())
    }
}

impl PolicyAdmin for Connection {
    async fn list_policies(&self) -> Result<Vec<String>> {
        match self {
            Connection::Aws(a) => Err(a.unsupported("Vault ACL policies")),
            Connection::Azure(z) => Err(z.unsupported("Vault ACL policies")),
            Connection::Vault(v) => v.list_policies().await,
        }
    }

    async fn read_policy(&self, name: &str) -> Result<PolicyDocument> {
        match self {
            Connection::Aws(a) => Err(a.unsupported("Vault ACL policies")),
            Connection::Azure(z) => Err(z.unsupported("Vault ACL policies")),
            Connection::Vault(v) => v.read_policy(name).await,
        }
    }

    async fn write_policy(&self, name: &str, text: &str, cas: Option<u64>) -> Result<()> {
        match self {
            Connection::Aws(a) => Err(a.unsupported("Vault ACL policies")),
            Connection::Azure(z) => Err(z.unsupported("Vault ACL policies")),
            Connection::Vault(v) => v.write_policy(name, text, cas).await,
        }
    }

    async fn delete_policy(&self, name: &str) -> Result<()> {
        match self {
            Connection::Aws(a) => Err(a.unsupported("Vault ACL policies")),
            Connection::Azure(z) => Err(z.unsupported("Vault ACL policies")),
            Connection::Vault(v) => v.delete_policy(name).await,
        }
    }

    async fn token_policies(&self, accessor: Option<&str>) -> Result<Vec<String>> {
        match self {
            Connection::Aws(a) => Err(a.unsupported("Vault ACL policies")),
            Connection::Azure(z) => Err(z.unsupported("Vault ACL policies")),
            Connection::Vault(v) => v.token_policies(accessor).await,
        }
    }

    async fn server_capabilities(
        &self,
        accessor: Option<&str>,
        paths: &[String],
    ) -> Result<BTreeMap<String, Vec<String>>> {
        match self {
            Connection::Aws(a) => Err(a.unsupported("Vault ACL policies")),
            Connection::Azure(z) => Err(z.unsupported("Vault ACL policies")),
            Connection::Vault(v) => v.server_capabilities(accessor, paths).await,
        }
    }
}

/// Parses a draft as the server would, or the line-numbered reason it would be rejected.
pub fn parse(draft: &PolicyDraft) -> std::result::Result<Policy, PolicyParseProblem> {
    Policy::parse(&draft.name, &draft.text).map_err(|e| PolicyParseProblem {
        line: e.line(),
        message: e.to_string(),
    })
}

/// Formats a draft's layout without changing its rules; an invalid draft is `InvalidInput`
/// naming the line.
pub fn format_draft(text: &str) -> Result<String> {
    vaultdeck_policy::format(text).map_err(|e| Error::InvalidInput(e.to_string()))
}

/// The KV mounts of a mount table, for the KV v2 lint checks.
pub fn lint_mounts(mounts: &[MountInfo]) -> Vec<Mount> {
    mounts
        .iter()
        .filter(|m| m.class == MountClass::Secret)
        .filter_map(|m| m.kv_version.map(|v| Mount::new(&m.path, v)))
        .collect()
}

/// Parses and lints a draft; `mounts` (from the connection) enables the KV v2 checks.
pub fn lint_draft(draft: &PolicyDraft, mounts: Option<&[MountInfo]>) -> PolicyLintReport {
    let policy = match parse(draft) {
        Ok(p) => p,
        Err(problem) => {
            return PolicyLintReport {
                problem: Some(problem),
                ..PolicyLintReport::default()
            }
        }
    };
    let options = LintOptions {
        mounts: mounts.map(lint_mounts).unwrap_or_default(),
    };
    let findings = lint(&[policy], &options).into_iter().map(finding).collect();
    PolicyLintReport {
        problem: None,
        findings,
        with_mounts: mounts.is_some(),
    }
}

pub(crate) fn finding(f: vaultdeck_policy::Finding) -> PolicyFinding {
    PolicyFinding {
        id: f.id.to_owned(),
        severity: f.severity.as_str().to_owned(),
        policy: f.policy,
        line: f.line,
        pattern: f.pattern,
        message: f.message,
        hint: f.hint,
    }
}

pub(crate) fn provenance(r: &RuleRef) -> RuleProvenance {
    RuleProvenance {
        policy: r.policy.clone(),
        pattern: r.pattern.clone(),
        line: r.line,
        capabilities: r
            .capabilities
            .to_server_list()
            .into_iter()
            .map(str::to_owned)
            .collect(),
    }
}

fn owned(v: Vec<&str>) -> Vec<String> {
    v.into_iter().map(str::to_owned).collect()
}

/// Evaluates `paths` against `policies`, with the deciding and the overridden rules.
pub fn simulate(policies: Vec<Policy>, paths: &[String]) -> PolicySimulation {
    let names = policies.iter().map(|p| p.name.clone()).collect();
    let set = PolicySet::new(policies);
    let results = paths
        .iter()
        .map(|path| {
            let d = set.evaluate(path);
            PathDecision {
                path: path.clone(),
                capabilities: owned(d.capabilities()),
                decided_by: d.decided_by.iter().map(provenance).collect(),
                overridden: d.overridden.iter().map(provenance).collect(),
            }
        })
        .collect();
    PolicySimulation {
        policies: names,
        results,
    }
}

/// The policy set for `drafts` plus the server policies `names` (a draft wins over a
/// same-named server policy; `root` needs no text).
pub async fn resolve<P: PolicyAdmin + Sync>(
    admin: Option<&P>,
    drafts: &[PolicyDraft],
    names: &[String],
) -> Result<Vec<Policy>> {
    let mut out = Vec::new();
    for d in drafts {
        out.push(
            parse(d)
                .map_err(|p| Error::InvalidInput(format!("policy {:?}: {}", d.name, p.message)))?,
        );
    }
    for name in names {
        if out.iter().any(|p: &Policy| &p.name == name) {
            continue;
        }
        if name == "root" {
            out.push(Policy {
                name: "root".into(),
                rules: Vec::new(),
            });
            continue;
        }
        let admin = admin.ok_or_else(|| {
            Error::InvalidInput(format!(
                "policy {name:?} is on a server: connect to resolve it"
            ))
        })?;
        let doc = admin.read_policy(name).await?;
        out.push(Policy::parse(name, &doc.text).map_err(|e| {
            Error::Internal(format!("the server's policy {name:?} does not parse: {e}"))
        })?);
    }
    Ok(out)
}

/// The policies an identity entity carries: its own and those of every group it belongs to
/// (directly or inherited), as the server adds them to the entity's tokens.
pub async fn entity_policies(conn: &Connection, entity: &str) -> Result<Vec<String>> {
    let Connection::Vault(v) = conn else {
        return Err(crate::Error::Unsupported(
            "Vault ACL policies need a Vault / OpenBao connection".into(),
        ));
    };
    let client = v.client();
    let path = format!("identity/entity/name/{}", entity.trim());
    let body = client
        .read(&path)
        .await?
        .ok_or_else(|| Error::NotFound(format!("no identity entity named {:?}", entity.trim())))?;
    let data = &body["data"];
    let strings = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut names = strings(&data["policies"]);
    for group in strings(&data["group_ids"]) {
        if let Some(g) = client.read(&format!("identity/group/id/{group}")).await? {
            names.extend(strings(&g["data"]["policies"]));
        }
    }
    names.sort();
    names.dedup();
    Ok(names)
}

/// `names` plus the policies of `entity` (when given; needs a connection).
pub async fn names_with_entity(
    conn: Option<&Connection>,
    mut names: Vec<String>,
    entity: Option<&str>,
) -> Result<Vec<String>> {
    if let Some(entity) = entity.filter(|e| !e.trim().is_empty()) {
        let conn = conn.ok_or_else(|| {
            Error::InvalidInput("an identity entity is on a server: connect to resolve it".into())
        })?;
        for n in entity_policies(conn, entity).await? {
            if !names.contains(&n) {
                names.push(n);
            }
        }
    }
    Ok(names)
}

/// Compares the local evaluator with the server for a token (`None`: the connection's own):
/// its token and identity policies are read from the server and evaluated locally.
pub async fn compare_with_server<P: PolicyAdmin + Sync>(
    admin: &P,
    accessor: Option<&str>,
    paths: &[String],
) -> Result<PolicyComparison> {
    let names = admin.token_policies(accessor).await?;
    let policies = resolve(Some(admin), &[], &names).await?;
    let set = PolicySet::new(policies);
    let server = admin.server_capabilities(accessor, paths).await?;
    let rows: Vec<PathComparison> = paths
        .iter()
        .map(|p| {
            let local = owned(set.capabilities(p));
            let server = server.get(p).cloned().unwrap_or_default();
            PathComparison {
                agree: local == server,
                path: p.clone(),
                local,
                server,
            }
        })
        .collect();
    Ok(PolicyComparison {
        agree: rows.iter().all(|r| r.agree),
        policies: names,
        paths: rows,
    })
}

/// Validates `draft` locally, then writes it with check-and-set.
///
/// `cas` is the version the draft started from (`Some(0)`: must not exist); the server
/// refuses a stale one with code `Conflict`. When the server reports no versions and
/// `base_text` is given, the current text is compared right before writing instead.
pub async fn save_checked<P: PolicyAdmin + Sync>(
    admin: &P,
    draft: &PolicyDraft,
    cas: Option<u64>,
    base_text: Option<&str>,
) -> Result<PolicyDocument> {
    check_name(&draft.name)?;
    parse(draft).map_err(|p| {
        Error::InvalidInput(format!(
            "policy {:?} was not saved: {}",
            draft.name, p.message
        ))
    })?;
    let current = match admin.read_policy(&draft.name).await {
        Ok(doc) => Some(doc),
        Err(e) if e.code() == vaultdeck_types::ErrorCode::NotFound => None,
        Err(e) => return Err(e),
    };
    let server_has_versions = current.as_ref().is_some_and(|d| d.version.is_some());
    if let (false, Some(base)) = (server_has_versions, base_text) {
        let now = current.as_ref().map(|d| d.text.as_str()).unwrap_or("");
        if now != base {
            return Err(conflict(&draft.name));
        }
    }
    // OpenBao versions policies; `cas` makes the server itself refuse a concurrent change.
    let cas = if current.is_some() && !server_has_versions {
        None
    } else {
        cas
    };
    admin
        .write_policy(&draft.name, &draft.text, cas)
        .await
        .map_err(|e| {
            if e.code() == vaultdeck_types::ErrorCode::Conflict {
                conflict(&draft.name)
            } else {
                e
            }
        })?;
    admin.read_policy(&draft.name).await
}

fn conflict(name: &str) -> Error {
    Error::Vault(vaultdeck_vault::Error::Api {
        method: "POST",
        path: format!("sys/policies/acl/{name}"),
        status: 409,
        errors: vec![format!(
            "policy {name:?} changed on the server since it was opened"
        )],
        code: vaultdeck_types::ErrorCode::Conflict,
        hint: ". Your draft is kept: compare it with the server's text, merge, and save again"
            .into(),
    })
}

fn profile_label(deck: &Deck, profile_id: &str) -> String {
    deck.profile(profile_id)
        .map(|p| p.name)
        .unwrap_or_else(|_| profile_id.to_owned())
}

/// [`save_checked`] on an open connection, audited as `policy.write`.
pub async fn save(
    deck: &Deck,
    profile_id: &str,
    draft: &PolicyDraft,
    cas: Option<u64>,
    base_text: Option<&str>,
) -> Result<PolicyDocument> {
    let conn = deck.connection(profile_id)?;
    let r = save_checked(&conn, draft, cas, base_text).await;
    let rec = match &r {
        Ok(doc) => AuditRecord::ok("policy.write").detail(match doc.version {
            Some(v) => format!("version {v}"),
            None => String::new(),
        }),
        Err(e) => AuditRecord::failed("policy.write", e.to_string()),
    };
    append(
        deck,
        rec.profile(profile_label(deck, profile_id))
            .target(&draft.name),
    );
    r
}

/// Deletes a policy on an open connection, audited as `policy.delete`.
pub async fn delete(deck: &Deck, profile_id: &str, name: &str) -> Result<()> {
    let conn = deck.connection(profile_id)?;
    let r = conn.delete_policy(name).await;
    let rec = match &r {
        Ok(()) => AuditRecord::ok("policy.delete"),
        Err(e) => AuditRecord::failed("policy.delete", e.to_string()),
    };
    append(
        deck,
        rec.profile(profile_label(deck, profile_id)).target(name),
    );
    r
}

fn append(deck: &Deck, rec: AuditRecord) {
    if let Err(e) = deck.audit().append(rec) {
        tracing::error!(error = %e, "could not append to the audit log");
    }
}
