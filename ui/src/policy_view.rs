//! Pure helpers of the Policies workbench: a line diff for the conflict view and the draft
//! review, and the lint marks per editor line.

use std::collections::BTreeMap;

use vaultdeck_types::PolicyFinding;

/// One line of a [`line_diff`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffLine {
    /// In both texts.
    Same(String),
    /// Only in the old text.
    Removed(String),
    /// Only in the new text.
    Added(String),
}

impl DiffLine {
    /// `same`, `removed` or `added` (a CSS modifier).
    pub fn kind(&self) -> &'static str {
        match self {
            DiffLine::Same(_) => "same",
            DiffLine::Removed(_) => "removed",
            DiffLine::Added(_) => "added",
        }
    }

    /// The line's text.
    pub fn text(&self) -> &str {
        match self {
            DiffLine::Same(t) | DiffLine::Removed(t) | DiffLine::Added(t) => t,
        }
    }

    /// The prefix a unified diff shows.
    pub fn sign(&self) -> &'static str {
        match self {
            DiffLine::Same(_) => " ",
            DiffLine::Removed(_) => "-",
            DiffLine::Added(_) => "+",
        }
    }
}

/// A line diff of `old` → `new` (longest common subsequence; policies are small).
pub fn line_diff(old: &str, new: &str) -> Vec<DiffLine> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(n.max(m));
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            out.push(DiffLine::Same(a[i].to_owned()));
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j]) {
            out.push(DiffLine::Added(b[j].to_owned()));
            j += 1;
        } else {
            out.push(DiffLine::Removed(a[i].to_owned()));
            i += 1;
        }
    }
    out
}

/// Findings grouped by 1-based line (a line may carry several).
pub fn marks_by_line(findings: &[PolicyFinding]) -> BTreeMap<usize, Vec<&PolicyFinding>> {
    let mut out: BTreeMap<usize, Vec<&PolicyFinding>> = BTreeMap::new();
    for f in findings {
        out.entry(f.line).or_default().push(f);
    }
    out
}

/// Paths typed one per line or comma-separated, trimmed, without empties or repeats.
pub fn parse_paths(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in text
        .split([',', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        if !out.iter().any(|q| q == p) {
            out.push(p.to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_keeps_common_lines_and_marks_changes() {
        let d = line_diff("a\nb\nc", "a\nx\nc\nd");
        let signs: String = d.iter().map(DiffLine::sign).collect();
        assert_eq!(signs, " +- +");
        assert_eq!(d[0], DiffLine::Same("a".into()));
        assert!(d.contains(&DiffLine::Removed("b".into())));
        assert!(d.contains(&DiffLine::Added("x".into())));
        assert_eq!(d.last(), Some(&DiffLine::Added("d".into())));
        assert!(line_diff("", "").is_empty());
    }

    #[test]
    fn marks_group_by_line_and_paths_split() {
        let f = |line| PolicyFinding {
            id: "VDP001".into(),
            severity: "warning".into(),
            policy: "p".into(),
            line,
            pattern: "x".into(),
            message: String::new(),
            hint: String::new(),
        };
        let findings = [f(3), f(1), f(3)];
        let m = marks_by_line(&findings);
        assert_eq!(m[&3].len(), 2);
        assert_eq!(m.keys().copied().collect::<Vec<_>>(), [1, 3]);
        assert_eq!(parse_paths(" a/b, c\n\na/b "), ["a/b", "c"]);
    }
}
