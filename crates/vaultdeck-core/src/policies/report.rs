//! The policy review report: for chosen policies and sensitive paths, the capability matrix,
//! the lint findings and who can access each sensitive path, with the reviewer's name and the
//! time, as self-contained HTML and as Markdown. Written to files and recorded in the audit log
//! (`policy.review_report`).

use std::path::Path;

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use vaultdeck_policy::{lint, LintOptions};
use vaultdeck_types::{
    PolicyFinding, PolicyMatrix, ReviewReportArgs, ReviewReportFiles, WhoCanAccess,
};

use super::analysis;
use crate::audit::AuditRecord;
use crate::sessions::Deck;
use crate::{Error, Result};

/// Everything a report shows.
#[derive(Debug, Clone)]
pub struct ReviewReport {
    /// Who reviewed.
    pub reviewer: String,
    /// When (RFC 3339, UTC).
    pub time: String,
    /// The connection (profile name and server address).
    pub target: String,
    /// Policies × sensitive paths.
    pub matrix: PolicyMatrix,
    /// Lint findings over the reviewed policies (as one set, with the mount table).
    pub findings: Vec<PolicyFinding>,
    /// One answer per sensitive path.
    pub who: Vec<WhoCanAccess>,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn md(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

impl ReviewReport {
    /// The report as Markdown.
    pub fn markdown(&self) -> String {
        let mut o = format!(
            "# Policy review\n\n- Reviewer: {}\n- Time: {}\n- Server: {}\n- Policies: {}\n\n## Matrix\n\n| Path |",
            md(&self.reviewer),
            self.time,
            md(&self.target),
            self.matrix.policies.join(", ")
        );
        for p in &self.matrix.policies {
            o.push_str(&format!(" {} |", md(p)));
        }
        o.push_str("\n|---|");
        o.push_str(&"---|".repeat(self.matrix.policies.len()));
        o.push('\n');
        for (path, row) in self.matrix.paths.iter().zip(&self.matrix.cells) {
            o.push_str(&format!("| `{}` |", md(path)));
            for caps in row {
                o.push_str(&format!(" {} |", caps.join(", ")));
            }
            o.push('\n');
        }
        o.push_str(&format!("\n## Lint findings ({})\n\n", self.findings.len()));
        if self.findings.is_empty() {
            o.push_str("None.\n");
        }
        for f in &self.findings {
            o.push_str(&format!(
                "- **{}** {} `{}` line {}: {} — {}\n",
                f.id,
                f.severity,
                md(&f.policy),
                f.line,
                md(&f.message),
                md(&f.hint)
            ));
        }
        o.push_str("\n## Who can access\n");
        for w in &self.who {
            o.push_str(&format!("\n### `{}`\n\n", md(&w.path)));
            for g in &w.grants {
                o.push_str(&format!(
                    "- policy `{}`: {}\n",
                    md(&g.policy),
                    g.capabilities.join(", ")
                ));
            }
            for h in &w.holders {
                o.push_str(&format!(
                    "- carried by {} `{}` at `{}` ({})\n",
                    h.kind.replace('_', " "),
                    md(&h.name),
                    h.mount,
                    h.policies.join(", ")
                ));
            }
            if !w.unlisted.is_empty() {
                o.push_str(&format!("- not listable: {}\n", md(&w.unlisted.join("; "))));
            }
        }
        o
    }

    /// The report as one self-contained HTML file (inline style, no scripts, no links).
    pub fn html(&self) -> String {
        let mut o = String::from(
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Policy review</title>\n<style>\
             body{font:14px system-ui,sans-serif;margin:2em;color:#1b1f24}\
             table{border-collapse:collapse}td,th{border:1px solid #d5d9e0;padding:3px 8px;text-align:left}\
             th{background:#eef0f3}.deny{color:#5d6672}.root{background:#fbe6e4}.grant{background:#e3eafb}\
             .error{color:#c0322b}.warning{color:#8a5a00}code{font-family:ui-monospace,monospace}\
             </style></head><body>\n",
        );
        o.push_str(&format!(
            "<h1>Policy review</h1>\n<dl><dt>Reviewer</dt><dd id=\"reviewer\">{}</dd><dt>Time</dt><dd id=\"time\">{}</dd><dt>Server</dt><dd>{}</dd></dl>\n",
            esc(&self.reviewer),
            esc(&self.time),
            esc(&self.target)
        ));
        o.push_str("<h2>Matrix</h2>\n<table id=\"matrix\"><tr><th>Path</th>");
        for p in &self.matrix.policies {
            o.push_str(&format!("<th>{}</th>", esc(p)));
        }
        o.push_str("</tr>\n");
        for (path, row) in self.matrix.paths.iter().zip(&self.matrix.cells) {
            o.push_str(&format!("<tr><th><code>{}</code></th>", esc(path)));
            for caps in row {
                let class = match caps.as_slice() {
                    [c] if c == "deny" => "deny",
                    [c] if c == "root" => "root",
                    _ => "grant",
                };
                o.push_str(&format!(
                    "<td class=\"{class}\">{}</td>",
                    esc(&caps.join(", "))
                ));
            }
            o.push_str("</tr>\n");
        }
        o.push_str(&format!(
            "</table>\n<h2>Lint findings ({})</h2>\n<ul id=\"findings\">\n",
            self.findings.len()
        ));
        for f in &self.findings {
            o.push_str(&format!(
                "<li class=\"{}\"><b>{}</b> {} <code>{}</code> line {}: {} <i>{}</i></li>\n",
                esc(&f.severity),
                esc(&f.id),
                esc(&f.severity),
                esc(&f.policy),
                f.line,
                esc(&f.message),
                esc(&f.hint)
            ));
        }
        o.push_str("</ul>\n<h2>Who can access</h2>\n");
        for w in &self.who {
            o.push_str(&format!("<h3><code>{}</code></h3>\n<ul>\n", esc(&w.path)));
            for g in &w.grants {
                o.push_str(&format!(
                    "<li>policy <code>{}</code>: {}</li>\n",
                    esc(&g.policy),
                    esc(&g.capabilities.join(", "))
                ));
            }
            for h in &w.holders {
                o.push_str(&format!(
                    "<li>carried by {} <code>{}</code> at <code>{}</code> ({})</li>\n",
                    esc(&h.kind.replace('_', " ")),
                    esc(&h.name),
                    esc(&h.mount),
                    esc(&h.policies.join(", "))
                ));
            }
            if !w.unlisted.is_empty() {
                o.push_str(&format!(
                    "<li>not listable: {}</li>\n",
                    esc(&w.unlisted.join("; "))
                ));
            }
            o.push_str("</ul>\n");
        }
        o.push_str("</body></html>\n");
        o
    }
}

/// Gathers the report for `args` on an open connection at `now`, writes both files (into
/// `args.folder` or `data_dir/exports/`) and records `policy.review_report` in the audit log.
pub async fn export(
    deck: &Deck,
    data_dir: &Path,
    args: &ReviewReportArgs,
    now: OffsetDateTime,
) -> Result<ReviewReportFiles> {
    let reviewer = args.reviewer.trim();
    if reviewer.is_empty() {
        return Err(Error::InvalidInput(
            "a review report needs the reviewer's name".into(),
        ));
    }
    let conn = deck.connection(&args.profile_id)?;
    let profile = deck.profile(&args.profile_id)?;
    let policies = analysis::server_policies(&conn, &args.policies).await?;
    let mounts = conn.mounts().await.unwrap_or_default();
    let options = LintOptions {
        mounts: super::lint_mounts(&mounts),
    };
    let findings = lint(&policies, &options)
        .into_iter()
        .map(super::finding)
        .collect();
    let mut who = Vec::new();
    for p in &args.sensitive_paths {
        let mut w = analysis::who_can(&conn, p).await?;
        w.grants
            .retain(|g| policies.iter().any(|q| q.name == g.policy));
        who.push(w);
    }
    let target = match &profile.kind {
        vaultdeck_types::ProfileKind::Vault(v) => format!("{} ({})", profile.name, v.address),
        _ => profile.name.clone(),
    };
    let report = ReviewReport {
        reviewer: reviewer.to_owned(),
        time: now
            .format(&Rfc3339)
            .map_err(|e| Error::Internal(format!("format time: {e}")))?,
        target,
        matrix: analysis::matrix(policies, &args.sensitive_paths),
        findings,
        who,
    };
    let stem = format!("policy-review-{}", now.unix_timestamp());
    let folder = args
        .folder
        .as_deref()
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| data_dir.join("exports"));
    let file = |ext: &str| folder.join(format!("{stem}.{ext}")).display().to_string();
    let html =
        analysis::write_export(data_dir, Some(&file("html")), &stem, "html", &report.html())?;
    let markdown =
        analysis::write_export(data_dir, Some(&file("md")), &stem, "md", &report.markdown())?;
    let out = ReviewReportFiles {
        html,
        markdown,
        findings: report.findings.len(),
    };
    let rec = AuditRecord::ok("policy.review_report")
        .profile(&profile.name)
        .target(&out.html.path)
        .detail(format!(
            "reviewer {reviewer}; {} policies; {} paths; {} findings",
            report.matrix.policies.len(),
            report.matrix.paths.len(),
            out.findings
        ));
    deck.audit().append(rec)?;
    Ok(out)
}

/// [`export`] at the current time.
pub async fn export_now(
    deck: &Deck,
    data_dir: &Path,
    args: &ReviewReportArgs,
) -> Result<ReviewReportFiles> {
    export(deck, data_dir, args, OffsetDateTime::now_utc()).await
}
