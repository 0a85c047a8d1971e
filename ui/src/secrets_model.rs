//! The secrets explorer's pure logic: splitting paths into mount and relative path, the vault
//! CLI form of a path, breadcrumbs, flattening the lazily loaded tree into rows, and the
//! virtualized list's visible window.

use std::collections::{BTreeMap, BTreeSet};

use vaultdeck_types::SecretEntry;

/// Height of one row of the virtualized tree, in CSS pixels (matches `.tree-row` in app.css).
pub const ROW_HEIGHT: f64 = 32.0;

/// Rows rendered above and below the visible ones, so fast scrolling shows no gap.
pub const OVERSCAN: usize = 8;

/// The state of one folder's listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FolderState {
    /// The listing is on its way.
    Loading,
    /// The names in the folder (possibly none).
    Loaded(Vec<SecretEntry>),
    /// The token may not list it.
    Denied,
    /// Listing failed for another reason (the message says why).
    Failed(String),
}

/// What a row of the flattened tree shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowKind {
    /// A folder; `expanded` when its children are shown below it.
    Folder {
        /// Whether its children follow.
        expanded: bool,
    },
    /// A secret.
    Secret,
    /// Placeholder under a folder still loading.
    Loading,
    /// Placeholder under a folder with no names.
    Empty,
    /// Placeholder under a folder the token may not list.
    Locked,
    /// Placeholder under a folder whose listing failed.
    Failed(String),
}

/// One row of the flattened tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeRow {
    /// Full path (placeholders carry their folder's path).
    pub path: String,
    /// The label.
    pub name: String,
    /// Nesting below the root folder (0 = the root's own children).
    pub depth: usize,
    /// What the row is.
    pub kind: RowKind,
}

/// Flattens the tree under `root` (a folder path ending in `/`) into display rows: each
/// folder's children follow it when it is in `expanded`.
pub fn flatten(
    root: &str,
    folders: &BTreeMap<String, FolderState>,
    expanded: &BTreeSet<String>,
) -> Vec<TreeRow> {
    let mut rows = Vec::new();
    push_children(root, 0, folders, expanded, &mut rows);
    rows
}

fn push_children(
    folder: &str,
    depth: usize,
    folders: &BTreeMap<String, FolderState>,
    expanded: &BTreeSet<String>,
    rows: &mut Vec<TreeRow>,
) {
    let placeholder = |kind: RowKind, name: &str| TreeRow {
        path: folder.to_owned(),
        name: name.to_owned(),
        depth,
        kind,
    };
    match folders.get(folder) {
        None | Some(FolderState::Loading) => rows.push(placeholder(RowKind::Loading, "loading…")),
        Some(FolderState::Denied) => {
            rows.push(placeholder(RowKind::Locked, "no permission to list"))
        }
        Some(FolderState::Failed(m)) => rows.push(placeholder(RowKind::Failed(m.clone()), m)),
        Some(FolderState::Loaded(entries)) if entries.is_empty() => {
            rows.push(placeholder(RowKind::Empty, "empty"))
        }
        Some(FolderState::Loaded(entries)) => {
            for e in entries {
                if e.is_folder {
                    let open = expanded.contains(&e.path);
                    rows.push(TreeRow {
                        path: e.path.clone(),
                        name: e.name.clone(),
                        depth,
                        kind: RowKind::Folder { expanded: open },
                    });
                    if open {
                        push_children(&e.path, depth + 1, folders, expanded, rows);
                    }
                } else {
                    rows.push(TreeRow {
                        path: e.path.clone(),
                        name: e.name.clone(),
                        depth,
                        kind: RowKind::Secret,
                    });
                }
            }
        }
    }
}

/// The rows `[start, end)` to render for a list of `len` rows of `row_height` scrolled to
/// `scroll_top` in a viewport `viewport` high, with [`OVERSCAN`] rows either side.
pub fn visible_range(
    scroll_top: f64,
    viewport: f64,
    row_height: f64,
    len: usize,
) -> (usize, usize) {
    if len == 0 || row_height <= 0.0 {
        return (0, 0);
    }
    let first = (scroll_top.max(0.0) / row_height).floor() as usize;
    let shown = (viewport.max(0.0) / row_height).ceil() as usize + 1;
    let start = first.saturating_sub(OVERSCAN).min(len);
    let end = (first + shown + OVERSCAN).min(len);
    (start, end)
}

/// Splits `secret/app/db` into mount (`secret/`) and path (`app/db`) given the known mounts
/// (paths ending in `/`); the longest matching mount wins.
pub fn split_mount<'a>(path: &'a str, mounts: &[String]) -> Option<(&'a str, &'a str)> {
    mounts
        .iter()
        .filter(|m| path.starts_with(m.as_str()) || path == m.trim_end_matches('/'))
        .max_by_key(|m| m.len())
        .map(|m| {
            let n = m.len().min(path.len());
            (&path[..n], &path[n..])
        })
}

/// The vault CLI command that reads `path`: `vault kv get -mount=secret app/db`, or
/// `vault kv list -mount=secret app/` for a folder.
pub fn cli_command(mount: &str, rel: &str) -> String {
    let mount = mount.trim_end_matches('/');
    let verb = if rel.is_empty() || rel.ends_with('/') {
        "list"
    } else {
        "get"
    };
    if rel.is_empty() {
        format!("vault kv {verb} {mount}")
    } else {
        format!("vault kv {verb} -mount={mount} {rel}")
    }
}

/// Checks the path typed for a new secret: it must start with one of `kv_mounts` (`secret/`)
/// and name a secret below it (see [`vaultdeck_types::validate_secret_name`]). Returns the
/// mount and the relative path, or a message saying what to fix.
pub fn new_secret_path(path: &str, kv_mounts: &[String]) -> Result<(String, String), String> {
    let path = path.trim();
    let Some((mount, rel)) = split_mount(path, kv_mounts) else {
        let known = kv_mounts.join(", ");
        return Err(if known.is_empty() {
            "no KV mount is visible to this token".to_owned()
        } else {
            format!("start the path with a KV mount ({known})")
        });
    };
    vaultdeck_types::validate_secret_name(rel)?;
    Ok((mount.to_owned(), rel.to_owned()))
}

/// Values revealed in one secret view, each hidden by its own timer.
///
/// Every reveal gets a fresh generation number; a timer hides its key only if the key still
/// holds the generation the timer was started for. So revealing key B never hides key A, a
/// timer of an earlier reveal of A never hides a newer reveal of A (the timer restarts), and
/// hiding one key leaves the others alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RevealSet {
    shown: BTreeMap<String, (vaultdeck_types::RevealedValue, u64)>,
    next: u64,
}

impl RevealSet {
    /// A new generation number, for the timer of the next [`RevealSet::show`].
    pub fn next_generation(&mut self) -> u64 {
        self.next += 1;
        self.next
    }

    /// Shows `key` with `value`, for the timer of generation `gen`.
    pub fn show(&mut self, key: &str, value: vaultdeck_types::RevealedValue, gen: u64) {
        self.next = self.next.max(gen);
        self.shown.insert(key.to_owned(), (value, gen));
    }

    /// The timer of generation `gen` fired: hides `key` if it still shows that reveal.
    /// Returns whether it hid something.
    pub fn expire(&mut self, key: &str, gen: u64) -> bool {
        if self.shown.get(key).is_some_and(|(_, g)| *g == gen) {
            self.shown.remove(key);
            true
        } else {
            false
        }
    }

    /// Hides `key` now (the user clicked Hide).
    pub fn hide(&mut self, key: &str) {
        self.shown.remove(key);
    }

    /// The value shown for `key`, if any.
    pub fn get(&self, key: &str) -> Option<&vaultdeck_types::RevealedValue> {
        self.shown.get(key).map(|(v, _)| v)
    }

    /// Keys shown now.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.shown.keys().map(String::as_str)
    }
}

/// Breadcrumbs of a folder or secret path: `(label, folder path)` for the mount and every
/// folder, then the secret's own name (its path) when `path` is a secret.
pub fn breadcrumbs(mount: &str, rel: &str) -> Vec<(String, String)> {
    let mut crumbs = vec![(mount.trim_end_matches('/').to_owned(), mount.to_owned())];
    let mut acc = mount.to_owned();
    let parts: Vec<&str> = rel.split('/').filter(|p| !p.is_empty()).collect();
    let is_folder = rel.ends_with('/');
    for (i, part) in parts.iter().enumerate() {
        acc.push_str(part);
        if i + 1 < parts.len() || is_folder {
            acc.push('/');
        }
        crumbs.push(((*part).to_owned(), acc.clone()));
    }
    crumbs
}

/// The folder holding a secret path (`secret/app/db` → `secret/app/`).
pub fn parent_folder(path: &str) -> String {
    let t = path.trim_end_matches('/');
    match t.rfind('/') {
        Some(i) => t[..=i].to_owned(),
        None => format!("{t}/"),
    }
}

/// Adds a batch of key-name search hits to those shown, kept sorted by path (batches arrive
/// in completion order, not path order); a path found again replaces its earlier hit.
pub fn merge_key_hits(
    shown: &[vaultdeck_types::KeyNameHit],
    batch: Vec<vaultdeck_types::KeyNameHit>,
) -> Vec<vaultdeck_types::KeyNameHit> {
    let mut all: std::collections::BTreeMap<String, vaultdeck_types::KeyNameHit> =
        shown.iter().map(|h| (h.path.clone(), h.clone())).collect();
    for h in batch {
        all.insert(h.path.clone(), h);
    }
    all.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_hits_stay_sorted_by_path_across_batches() {
        use vaultdeck_types::KeyNameHit;
        let hit = |p: &str, k: &str| KeyNameHit {
            path: p.into(),
            keys: vec![k.into()],
        };
        let first = merge_key_hits(&[], vec![hit("b/x", "pw"), hit("a/y", "pw")]);
        let paths = |v: &[KeyNameHit]| v.iter().map(|h| h.path.clone()).collect::<Vec<_>>();
        assert_eq!(paths(&first), ["a/y", "b/x"]);
        let next = merge_key_hits(&first, vec![hit("a/a", "pw"), hit("b/x", "password")]);
        assert_eq!(paths(&next), ["a/a", "a/y", "b/x"]);
        assert_eq!(next[2].keys, ["password"]);
    }

    #[test]
    fn each_reveal_hides_itself_and_a_new_reveal_restarts_the_timer() {
        use vaultdeck_types::RevealedValue;
        let mut r = RevealSet::default();
        let ga = r.next_generation();
        r.show("a", RevealedValue::new("va"), ga);
        let gb = r.next_generation();
        r.show("b", RevealedValue::new("vb"), gb);
        // A's timer hides A only.
        assert!(r.expire("a", ga));
        assert!(r.get("a").is_none());
        assert_eq!(r.get("b").unwrap().expose(), "vb");
        // Reveal A again, then the old timer of A's first reveal (if it fired late) is a no-op.
        let ga2 = r.next_generation();
        r.show("a", RevealedValue::new("va2"), ga2);
        assert!(!r.expire("a", ga));
        assert_eq!(r.get("a").unwrap().expose(), "va2");
        // B's timer hides B only.
        assert!(r.expire("b", gb));
        assert_eq!(r.keys().collect::<Vec<_>>(), ["a"]);
        r.hide("a");
        assert!(r.get("a").is_none());
        assert!(!r.expire("a", ga2));
        assert!(ga < gb && gb < ga2);
    }

    #[test]
    fn new_secret_paths_need_a_kv_mount_and_a_name() {
        let mounts = vec!["secret/".to_owned(), "kv1/".to_owned()];
        assert_eq!(
            new_secret_path(" secret/app/db ", &mounts).unwrap(),
            ("secret/".to_owned(), "app/db".to_owned())
        );
        assert!(new_secret_path("other/app", &mounts)
            .unwrap_err()
            .contains("secret/, kv1/"));
        assert!(new_secret_path("secret/", &mounts).is_err());
        assert!(new_secret_path("secret/app/", &mounts).is_err());
        assert!(new_secret_path("secret/a//b", &mounts).is_err());
        assert!(new_secret_path("kv1/x", &[])
            .unwrap_err()
            .contains("no KV mount"));
    }

    fn entry(path: &str) -> SecretEntry {
        let name = path
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap()
            .to_owned();
        let is_folder = path.ends_with('/');
        SecretEntry {
            name: if is_folder { format!("{name}/") } else { name },
            path: path.into(),
            is_folder,
        }
    }

    #[test]
    fn flatten_shows_expanded_children_and_placeholders() {
        let mut f = BTreeMap::new();
        f.insert(
            "secret/".into(),
            FolderState::Loaded(vec![
                entry("secret/app/"),
                entry("secret/empty/"),
                entry("secret/locked/"),
                entry("secret/top"),
            ]),
        );
        f.insert(
            "secret/app/".into(),
            FolderState::Loaded(vec![entry("secret/app/db")]),
        );
        f.insert("secret/empty/".into(), FolderState::Loaded(vec![]));
        f.insert("secret/locked/".into(), FolderState::Denied);
        let expanded: BTreeSet<String> = ["secret/app/", "secret/empty/", "secret/locked/"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let rows = flatten("secret/", &f, &expanded);
        let kinds: Vec<(&str, usize, &RowKind)> = rows
            .iter()
            .map(|r| (r.name.as_str(), r.depth, &r.kind))
            .collect();
        assert_eq!(
            kinds,
            vec![
                ("app/", 0, &RowKind::Folder { expanded: true }),
                ("db", 1, &RowKind::Secret),
                ("empty/", 0, &RowKind::Folder { expanded: true }),
                ("empty", 1, &RowKind::Empty),
                ("locked/", 0, &RowKind::Folder { expanded: true }),
                ("no permission to list", 1, &RowKind::Locked),
                ("top", 0, &RowKind::Secret),
            ]
        );
        assert_eq!(
            flatten("secret/x/", &f, &expanded)[0].kind,
            RowKind::Loading
        );
    }

    #[test]
    fn visible_range_covers_the_viewport_plus_overscan() {
        assert_eq!(visible_range(0.0, 320.0, 32.0, 10_000), (0, 11 + OVERSCAN));
        let (s, e) = visible_range(32_000.0, 320.0, 32.0, 10_000);
        assert_eq!(s, 1000 - OVERSCAN);
        assert_eq!(e, 1000 + 11 + OVERSCAN);
        assert_eq!(visible_range(1e9, 320.0, 32.0, 50), (50, 50));
        assert_eq!(visible_range(0.0, 320.0, 32.0, 0), (0, 0));
    }

    #[test]
    fn cli_form_and_breadcrumbs() {
        let mounts = vec!["secret/".to_string(), "secret/team/".to_string()];
        assert_eq!(
            split_mount("secret/app/db", &mounts),
            Some(("secret/", "app/db"))
        );
        assert_eq!(
            split_mount("secret/team/x", &mounts),
            Some(("secret/team/", "x"))
        );
        assert_eq!(split_mount("other/x", &mounts), None);
        assert_eq!(
            cli_command("secret/", "app/db"),
            "vault kv get -mount=secret app/db"
        );
        assert_eq!(
            cli_command("secret/", "app/"),
            "vault kv list -mount=secret app/"
        );
        assert_eq!(cli_command("secret/", ""), "vault kv list secret");
        assert_eq!(
            breadcrumbs("secret/", "app/db"),
            vec![
                ("secret".to_string(), "secret/".to_string()),
                ("app".to_string(), "secret/app/".to_string()),
                ("db".to_string(), "secret/app/db".to_string()),
            ]
        );
        assert_eq!(breadcrumbs("secret/", "app/").len(), 2);
        assert_eq!(parent_folder("secret/app/db"), "secret/app/");
        assert_eq!(parent_folder("secret/app/"), "secret/");
    }
}
