//! The break-glass session report: the timeline of every action of a session (who, what,
//! when, result) with the audit-chain links covering it, as Markdown and self-contained HTML.
//! Built from the session's own timeline plus the audit log lines carrying its id; never
//! contains a share, an OTP or a token (the audit log never holds one).

use std::path::Path;

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use vaultdeck_types::{AuditFilter, ExportedFile};

use super::{BreakGlassSession, TimelineEntry};
use crate::audit::AuditRecord;
use crate::policies::analysis::write_export;
use crate::{Error, Result};

/// A finished (or running) session's report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionReport {
    /// Session id.
    pub id: String,
    /// Operator's name.
    pub operator: String,
    /// Cluster name.
    pub cluster: String,
    /// Start time (RFC 3339).
    pub started_at: String,
    /// When the report was made (RFC 3339).
    pub made_at: String,
    /// Every recorded action, oldest first.
    pub entries: Vec<TimelineEntry>,
    /// `(seq, prev_sha256)` of every audit line of the session, oldest first: the chain links
    /// `vdeck audit verify` checks.
    pub chain: Vec<(u64, String)>,
}

/// The Markdown and HTML files written for a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionReportFiles {
    /// The self-contained HTML file.
    pub html: ExportedFile,
    /// The Markdown file.
    pub markdown: ExportedFile,
    /// Actions in the timeline.
    pub actions: usize,
}

fn rfc(t: OffsetDateTime) -> String {
    t.format(&Rfc3339)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
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

impl SessionReport {
    /// The report of `session` at `now`: its timeline and the audit-chain links of the lines
    /// that carry its id.
    pub fn of(session: &BreakGlassSession, now: OffsetDateTime) -> Result<Self> {
        let id = session.id().to_string();
        let mut lines = session.audit_log().list(&AuditFilter {
            text: Some(format!("session={id}")),
            limit: Some(100_000),
            ..AuditFilter::default()
        })?;
        lines.sort_by_key(|l| l.seq);
        Ok(Self {
            id,
            operator: session.operator().to_owned(),
            cluster: session.cluster().to_owned(),
            started_at: rfc(session.started_at()),
            made_at: rfc(now),
            entries: session.timeline(),
            chain: lines.into_iter().map(|l| (l.seq, l.prev_sha256)).collect(),
        })
    }

    fn result(e: &TimelineEntry) -> &'static str {
        if e.ok {
            "ok"
        } else {
            "FAILED"
        }
    }

    /// The report as Markdown.
    pub fn markdown(&self) -> String {
        let mut out = format!(
            "# Break-glass session report\n\n\
             - Session: `{}`\n- Operator: {}\n- Cluster: {}\n- Started: {}\n- Report made: {}\n\
             - Actions: {} ({} failed)\n\n## Timeline\n\n\
             | # | Time (UTC) | Who | Action | Target | Result | Detail |\n\
             |---|---|---|---|---|---|---|\n",
            self.id,
            md(&self.operator),
            md(&self.cluster),
            self.started_at,
            self.made_at,
            self.entries.len(),
            self.entries.iter().filter(|e| !e.ok).count(),
        );
        for e in &self.entries {
            out.push_str(&format!(
                "| {} | {} | {} | `{}` | {} | {} | {} |\n",
                e.seq,
                rfc(e.time),
                md(&self.operator),
                e.action,
                md(e.target.as_deref().unwrap_or("")),
                Self::result(e),
                md(e.detail.as_deref().unwrap_or("")),
            ));
        }
        out.push_str(
            "\n## Audit chain\n\nEach line of the local audit log carries the SHA-256 of the \
             line before it; `vdeck audit verify` checks the whole chain.\n\n\
             | Audit line | SHA-256 of the previous line |\n|---|---|\n",
        );
        for (seq, prev) in &self.chain {
            out.push_str(&format!("| {seq} | `{prev}` |\n"));
        }
        out
    }

    /// The report as one self-contained HTML page (inline CSS, no scripts, no external
    /// resources).
    pub fn html(&self) -> String {
        let mut rows = String::new();
        for e in &self.entries {
            rows.push_str(&format!(
                "<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td>\
                 <td>{}</td><td>{}</td><td>{}</td></tr>\n",
                if e.ok { "ok" } else { "failed" },
                e.seq,
                esc(&rfc(e.time)),
                esc(&self.operator),
                esc(&e.action),
                esc(e.target.as_deref().unwrap_or("")),
                Self::result(e),
                esc(e.detail.as_deref().unwrap_or("")),
            ));
        }
        let chain: String = self
            .chain
            .iter()
            .map(|(seq, prev)| {
                format!(
                    "<tr><td>{seq}</td><td><code>{}</code></td></tr>\n",
                    esc(prev)
                )
            })
            .collect();
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <title>Break-glass session {id}</title><style>\
             body{{font-family:system-ui,sans-serif;margin:2rem;color:#111}}\
             table{{border-collapse:collapse;width:100%;margin-bottom:2rem}}\
             th,td{{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}}\
             tr.failed td{{background:#fde8e8;color:#8a1010;font-weight:600}}\
             code{{font-size:.85em}}</style></head><body>\
             <h1>Break-glass session report</h1><dl>\
             <dt>Session</dt><dd><code>{id}</code></dd><dt>Operator</dt><dd>{op}</dd>\
             <dt>Cluster</dt><dd>{cl}</dd><dt>Started</dt><dd>{st}</dd>\
             <dt>Report made</dt><dd>{made}</dd><dt>Actions</dt><dd>{n} ({f} failed)</dd></dl>\
             <h2>Timeline</h2><table><thead><tr><th>#</th><th>Time (UTC)</th><th>Who</th>\
             <th>Action</th><th>Target</th><th>Result</th><th>Detail</th></tr></thead>\
             <tbody>\n{rows}</tbody></table>\
             <h2>Audit chain</h2><p>Each line of the local audit log carries the SHA-256 of the \
             line before it; <code>vdeck audit verify</code> checks the whole chain.</p>\
             <table><thead><tr><th>Audit line</th><th>SHA-256 of the previous line</th></tr>\
             </thead><tbody>\n{chain}</tbody></table></body></html>\n",
            id = esc(&self.id),
            op = esc(&self.operator),
            cl = esc(&self.cluster),
            st = esc(&self.started_at),
            made = esc(&self.made_at),
            n = self.entries.len(),
            f = self.entries.iter().filter(|e| !e.ok).count(),
        )
    }
}

/// Writes the report of `session` as `breakglass-<id>.html` and `.md` into `folder` (default:
/// the data dir's `exports/`) and records `breakglass.session.report` in the audit log.
pub fn write(
    session: &BreakGlassSession,
    data_dir: &Path,
    folder: Option<&str>,
    now: OffsetDateTime,
) -> Result<SessionReportFiles> {
    let report = SessionReport::of(session, now)?;
    let stem = format!("breakglass-{}", report.id);
    let folder = folder
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| data_dir.join("exports"));
    if folder.is_file() {
        return Err(Error::InvalidInput(format!(
            "`{}` is a file: choose a folder for the report",
            folder.display()
        )));
    }
    let file = |ext: &str| folder.join(format!("{stem}.{ext}")).display().to_string();
    let html = write_export(data_dir, Some(&file("html")), &stem, "html", &report.html())?;
    let markdown = write_export(data_dir, Some(&file("md")), &stem, "md", &report.markdown())?;
    session.audit_log().append(
        AuditRecord::ok("breakglass.session.report")
            .profile(session.cluster())
            .target(&html.path)
            .detail(format!(
                "session={} operator={}; {} actions",
                report.id,
                report.operator,
                report.entries.len()
            )),
    )?;
    Ok(SessionReportFiles {
        html,
        markdown,
        actions: report.entries.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::AuditLog;

    #[test]
    fn report_lists_every_action_with_chain_links_and_escapes() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::new(dir.path().join("audit.jsonl"));
        log.append(AuditRecord::ok("unrelated")).unwrap();
        let s = BreakGlassSession::start(
            "alice <ops>",
            "lab|1",
            log.clone(),
            OffsetDateTime::now_utc(),
        )
        .unwrap();
        s.record(AuditRecord::failed("breakglass.seal", "denied").target("http://n1"))
            .unwrap();
        s.clone().end().unwrap();
        let files = write(
            &s,
            dir.path(),
            Some(dir.path().join("out").to_str().unwrap()),
            OffsetDateTime::now_utc(),
        )
        .unwrap();
        assert_eq!(files.actions, 3);
        let md = std::fs::read_to_string(&files.markdown.path).unwrap();
        assert!(md.contains("`breakglass.session.start`"));
        assert!(md.contains("| FAILED | denied |"), "{md}");
        assert!(md.contains("lab\\|1"));
        assert!(!md.contains("unrelated"));
        let html = std::fs::read_to_string(&files.html.path).unwrap();
        assert!(html.contains("alice &lt;ops&gt;"));
        assert!(!html.contains("<script"));
        assert!(html.contains("class=\"failed\""));
        let r = SessionReport::of(&s, OffsetDateTime::now_utc()).unwrap();
        // start, seal, end and the first report line (not the unrelated line 1).
        assert_eq!(
            r.chain.iter().map(|c| c.0).collect::<Vec<_>>(),
            vec![2, 3, 4, 5]
        );
        assert!(r.chain.iter().all(|c| c.1.len() == 64));
        // The report itself is audited.
        let all = log.list(&AuditFilter::default()).unwrap();
        assert_eq!(all[0].action, "breakglass.session.report");
    }
}
