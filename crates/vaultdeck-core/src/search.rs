//! An in-memory index of secret paths (filled by a [`walk`](crate::walk)) with fuzzy
//! search-as-you-type (the `nucleo-matcher` crate, Helix's matcher, with its path scoring),
//! an exact prefix filter and a glob filter (`globset`; `*` stays inside one path segment,
//! `**` crosses them).
//!
//! Keeping each keystroke under a frame (16 ms) at 100,000 paths:
//! - typing usually extends the previous query; the index remembers which paths matched it
//!   and scores only those for the longer query (a path that does not match `ab` cannot match
//!   `abc`), so each keystroke gets cheaper as the query grows;
//! - the paths passing the prefix/glob filters are kept while only the text changes;
//! - large candidate sets are scored on all cores (scoped threads, one matcher each);
//! - a very broad keystroke (more than 32,768 candidates, i.e. the first letters) is ranked
//!   with nucleo's linear greedy matcher, and the hits returned are re-scored with the optimal
//!   one, so the shown scores and highlights are always the optimal ones.

use std::cmp::Ordering;
use std::collections::HashSet;
pub use vaultdeck_types::{SearchHit, SearchQuery, SearchResults};

use globset::{GlobBuilder, GlobMatcher};
use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32String};

use crate::{Error, Result};

struct LastQuery {
    text: String,
    prefix: Option<String>,
    glob: Option<String>,
    /// Indices of the paths that matched.
    matched: Vec<u32>,
    /// Index length when it ran (later paths were not considered).
    indexed: usize,
}

/// The paths that pass the current prefix/glob filters, kept while the filters stay the same
/// (typing in the search box changes the text, not the filters).
struct FilterCache {
    prefix: Option<String>,
    glob: Option<String>,
    /// Ascending indices of passing paths among the first `indexed` paths.
    passing: Vec<u32>,
    indexed: usize,
}

/// Secret paths and a fuzzy matcher over them. Not `Sync`: keep it behind a `Mutex` when
/// shared (a search takes `&mut self` for the matcher's scratch space).
pub struct SearchIndex {
    paths: Vec<String>,
    hay: Vec<Utf32String>,
    seen: HashSet<String>,
    /// One matcher (scratch space) per worker thread; `[0]` also computes highlight indices.
    matchers: Vec<Matcher>,
    last: Option<LastQuery>,
    filter: Option<FilterCache>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("paths", &self.paths.len())
            .finish()
    }
}

impl Default for SearchIndex {
    fn default() -> Self {
        Self::new()
    }
}

impl SearchIndex {
    /// An empty index.
    pub fn new() -> Self {
        Self {
            paths: Vec::new(),
            hay: Vec::new(),
            seen: HashSet::new(),
            matchers: (0..workers())
                .map(|_| Matcher::new(Config::DEFAULT.match_paths()))
                .collect(),
            last: None,
            filter: None,
        }
    }

    /// Adds a path (duplicates are ignored).
    pub fn insert(&mut self, path: impl Into<String>) {
        let path = path.into();
        if self.seen.contains(&path) {
            return;
        }
        self.seen.insert(path.clone());
        self.hay.push(Utf32String::from(path.as_str()));
        self.paths.push(path);
    }

    /// Adds paths (e.g. a [`WalkBatch`](crate::walk::WalkBatch)'s keys).
    pub fn extend<I: IntoIterator<Item = String>>(&mut self, paths: I) {
        for p in paths {
            self.insert(p);
        }
    }

    /// Number of paths.
    pub fn len(&self) -> usize {
        self.paths.len()
    }

    /// Whether the index is empty.
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }

    /// Removes every path.
    pub fn clear(&mut self) {
        self.paths.clear();
        self.hay.clear();
        self.seen.clear();
        self.last = None;
        self.filter = None;
    }

    /// Removes every path under `prefix` (before re-walking a subtree).
    pub fn remove_prefix(&mut self, prefix: &str) {
        let mut i = 0;
        while i < self.paths.len() {
            if self.paths[i].starts_with(prefix) {
                let p = self.paths.swap_remove(i);
                self.hay.swap_remove(i);
                self.seen.remove(&p);
            } else {
                i += 1;
            }
        }
        self.last = None;
        self.filter = None;
    }

    /// Runs a query. An invalid glob is `InvalidInput`.
    pub fn search(&mut self, query: &SearchQuery) -> Result<SearchResults> {
        let limit = if query.limit == 0 { 50 } else { query.limit };
        let glob = match query.glob.as_deref().filter(|g| !g.is_empty()) {
            Some(g) => Some(compile_glob(g)?),
            None => None,
        };
        let prefix = query.prefix.as_deref().filter(|p| !p.is_empty());
        let pattern = Pattern::new(
            &query.text,
            CaseMatching::Smart,
            Normalization::Smart,
            AtomKind::Fuzzy,
        );

        let len = self.paths.len();
        let filtered = prefix.is_some() || glob.is_some();
        if filtered {
            let same = self
                .filter
                .as_ref()
                .is_some_and(|f| f.prefix.as_deref() == prefix && f.glob == query.glob);
            if !same {
                self.filter = Some(FilterCache {
                    prefix: prefix.map(str::to_owned),
                    glob: query.glob.clone(),
                    passing: Vec::new(),
                    indexed: 0,
                });
            }
            if let Some(f) = self.filter.as_mut() {
                let paths = &self.paths;
                let passes = |i: usize| {
                    let p = &paths[i];
                    prefix.is_none_or(|pre| p.starts_with(pre))
                        && glob.as_ref().is_none_or(|g| g.is_match(p))
                };
                let range: Vec<u32> = (f.indexed as u32..len as u32).collect();
                let parts = parallel(&range, self.matchers.len(), |chunk, _| {
                    chunk
                        .iter()
                        .copied()
                        .filter(|&i| passes(i as usize))
                        .collect::<Vec<u32>>()
                });
                f.passing.extend(parts.into_iter().flatten());
                f.indexed = len;
            }
        }

        // Narrow from the previous query's matches when this one extends it; paths added since
        // are considered too.
        let reuse = self.last.take().filter(|l| {
            l.prefix.as_deref() == prefix
                && l.glob == query.glob
                && query.text.starts_with(&l.text)
                && !l.text.contains('\\')
                && l.indexed <= len
        });
        let candidates: Vec<u32> = match (reuse, filtered.then_some(()).and(self.filter.as_ref())) {
            (Some(l), Some(f)) => {
                let mut c = l.matched;
                let from = f.passing.partition_point(|&i| (i as usize) < l.indexed);
                c.extend_from_slice(&f.passing[from..]);
                c
            }
            (Some(l), None) => {
                let mut c = l.matched;
                c.extend(l.indexed as u32..len as u32);
                c
            }
            (None, Some(f)) => f.passing.clone(),
            (None, None) => (0..len as u32).collect(),
        };

        let paths = &self.paths;
        let hay = &self.hay;
        let pattern = &pattern;
        // Very broad keystrokes (the first letters over a big index) rank with the linear
        // greedy matcher; the hits shown are re-scored with the optimal one below.
        let greedy = candidates.len() > GREEDY_ABOVE;
        let mut scored: Vec<(u32, u32)> = match candidates.len() {
            n if n < PARALLEL_MIN || self.matchers.len() == 1 => {
                score(pattern, hay, &candidates, &mut self.matchers[0], greedy)
            }
            _ => parallel_mut(&candidates, &mut self.matchers, |chunk, m| {
                score(pattern, hay, chunk, m, greedy)
            })
            .into_iter()
            .flatten()
            .collect(),
        };
        let matcher = &mut self.matchers[0];
        self.last = Some(LastQuery {
            text: query.text.clone(),
            prefix: prefix.map(str::to_owned),
            glob: query.glob.clone(),
            matched: scored.iter().map(|(i, _)| *i).collect(),
            indexed: self.paths.len(),
        });

        let total_matches = scored.len();
        // Best score first; among equals the shorter path (fuzzy) or alphabetical (no text).
        let by_length = !pattern.atoms.is_empty();
        let order = |a: &(u32, u32), b: &(u32, u32)| -> Ordering {
            let (pa, pb) = (&paths[a.0 as usize], &paths[b.0 as usize]);
            let length = if by_length {
                pa.len().cmp(&pb.len())
            } else {
                Ordering::Equal
            };
            b.1.cmp(&a.1).then(length).then_with(|| pa.cmp(pb))
        };
        if scored.len() > limit {
            scored.select_nth_unstable_by(limit - 1, order);
            scored.truncate(limit);
        }
        scored.sort_unstable_by(order);

        let mut hits = Vec::with_capacity(scored.len());
        let mut indices = Vec::new();
        for (i, score) in scored {
            indices.clear();
            let optimal = pattern.indices(hay[i as usize].slice(..), matcher, &mut indices);
            let score = if greedy {
                optimal.unwrap_or(score)
            } else {
                score
            };
            indices.sort_unstable();
            indices.dedup();
            hits.push(SearchHit {
                path: paths[i as usize].clone(),
                score,
                indices: indices.clone(),
            });
        }
        if greedy {
            hits.sort_by(|a, b| {
                b.score
                    .cmp(&a.score)
                    .then(a.path.len().cmp(&b.path.len()))
                    .then_with(|| a.path.cmp(&b.path))
            });
        }
        Ok(SearchResults {
            hits,
            total_matches,
            indexed: self.paths.len(),
        })
    }
}

/// Candidate sets smaller than this are scored on the calling thread.
const PARALLEL_MIN: usize = 8_192;

/// Worker threads for large scans: the machine's cores, at most 8.
fn workers() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8)
}

/// Candidate sets larger than this are ranked with the greedy matcher.
const GREEDY_ABOVE: usize = 32_768;

fn score(
    pattern: &Pattern,
    hay: &[Utf32String],
    ids: &[u32],
    m: &mut Matcher,
    greedy: bool,
) -> Vec<(u32, u32)> {
    if !greedy {
        return ids
            .iter()
            .filter_map(|&i| pattern.score(hay[i as usize].slice(..), m).map(|s| (i, s)))
            .collect();
    }
    ids.iter()
        .filter_map(|&i| {
            let h = hay[i as usize].slice(..);
            let mut total = 0u32;
            for atom in &pattern.atoms {
                let needle = atom.needle_text();
                // Smart case, as the atom was built: any upper-case letter = case-sensitive.
                m.config.ignore_case = !needle.chars().any(char::is_uppercase);
                m.config.normalize = true;
                total += u32::from(m.fuzzy_match_greedy(h, needle)?);
            }
            Some((i, total))
        })
        .collect()
}

/// Runs `work` over up to `parts` consecutive chunks of `items` on scoped threads; results in
/// chunk order. Small inputs run on the calling thread.
fn parallel<T: Sync, R: Send>(
    items: &[T],
    parts: usize,
    work: impl Fn(&[T], usize) -> R + Sync,
) -> Vec<R> {
    if parts <= 1 || items.len() < PARALLEL_MIN {
        return vec![work(items, 0)];
    }
    let chunk = items.len().div_ceil(parts);
    std::thread::scope(|s| {
        let work = &work;
        let handles: Vec<_> = items
            .chunks(chunk)
            .enumerate()
            .map(|(n, c)| s.spawn(move || work(c, n)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("search worker panicked"))
            .collect()
    })
}

/// Like [`parallel`], giving each chunk its own matcher.
fn parallel_mut<R: Send>(
    items: &[u32],
    matchers: &mut [Matcher],
    work: impl Fn(&[u32], &mut Matcher) -> R + Sync,
) -> Vec<R> {
    let chunk = items.len().div_ceil(matchers.len().max(1)).max(1);
    std::thread::scope(|s| {
        let work = &work;
        let handles: Vec<_> = items
            .chunks(chunk)
            .zip(matchers.iter_mut())
            .map(|(c, m)| s.spawn(move || work(c, m)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("search worker panicked"))
            .collect()
    })
}

fn compile_glob(glob: &str) -> Result<GlobMatcher> {
    GlobBuilder::new(glob)
        .literal_separator(true)
        .build()
        .map(|g| g.compile_matcher())
        .map_err(|e| Error::InvalidInput(format!("invalid glob `{glob}`: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> SearchIndex {
        let mut ix = SearchIndex::new();
        ix.extend(
            [
                "secret/app/prod/db",
                "secret/app/prod/api",
                "secret/app/dev/db",
                "secret/infra/tls/cert",
                "secret/team-a/payments/db-password",
                "kv1/legacy/db",
                "secret/app/prod/db", // duplicate
            ]
            .map(String::from),
        );
        ix
    }

    fn q(text: &str) -> SearchQuery {
        SearchQuery {
            text: text.into(),
            ..SearchQuery::default()
        }
    }

    fn paths(r: &SearchResults) -> Vec<&str> {
        r.hits.iter().map(|h| h.path.as_str()).collect()
    }

    #[test]
    fn fuzzy_ranks_and_reports_indices() {
        let mut ix = index();
        assert_eq!(ix.len(), 6);
        let r = ix.search(&q("proddb")).unwrap();
        assert_eq!(paths(&r)[0], "secret/app/prod/db");
        let hit = &r.hits[0];
        let highlighted: String = hit
            .indices
            .iter()
            .map(|&i| hit.path.as_bytes()[i as usize] as char)
            .collect();
        assert_eq!(highlighted, "proddb");
        assert!(ix.search(&q("zzz")).unwrap().hits.is_empty());
    }

    #[test]
    fn words_match_in_any_order_and_case_is_smart() {
        let mut ix = index();
        let r = ix.search(&q("db prod")).unwrap();
        assert_eq!(paths(&r), ["secret/app/prod/db"]);
        assert_eq!(ix.search(&q("TLS")).unwrap().total_matches, 0);
        assert_eq!(ix.search(&q("tls")).unwrap().total_matches, 1);
    }

    #[test]
    fn prefix_and_glob_filter() {
        let mut ix = index();
        let r = ix
            .search(&SearchQuery {
                text: "db".into(),
                prefix: Some("secret/app/".into()),
                ..SearchQuery::default()
            })
            .unwrap();
        let mut p = paths(&r);
        p.sort();
        assert_eq!(p, ["secret/app/dev/db", "secret/app/prod/db"]);
        let r = ix
            .search(&SearchQuery {
                glob: Some("secret/*/*/db".into()),
                ..SearchQuery::default()
            })
            .unwrap();
        assert_eq!(paths(&r), ["secret/app/dev/db", "secret/app/prod/db"]);
        let r = ix
            .search(&SearchQuery {
                glob: Some("**/db*".into()),
                ..SearchQuery::default()
            })
            .unwrap();
        assert_eq!(r.total_matches, 4);
        let e = ix
            .search(&SearchQuery {
                glob: Some("a[".into()),
                ..SearchQuery::default()
            })
            .unwrap_err();
        assert_eq!(e.code(), vaultdeck_types::ErrorCode::InvalidInput);
    }

    #[test]
    fn typing_narrows_and_new_paths_still_count() {
        let mut ix = index();
        let full: Vec<usize> = (1..=6)
            .map(|n| ix.search(&q(&"payments"[..n])).unwrap().total_matches)
            .collect();
        assert!(full.windows(2).all(|w| w[1] <= w[0]), "{full:?}");
        ix.insert("secret/new/payments-key");
        let r = ix.search(&q("payments")).unwrap();
        assert_eq!(r.total_matches, 2, "{:?}", paths(&r));
        // Backspace: not an extension, full rescan.
        assert!(ix.search(&q("pay")).unwrap().total_matches >= 2);

        // The same with a filter: cached filter results include later paths too.
        let filtered = |text: &str| SearchQuery {
            text: text.into(),
            prefix: Some("secret/".into()),
            glob: Some("**/*pay*".into()),
            ..SearchQuery::default()
        };
        assert_eq!(ix.search(&filtered("pay")).unwrap().total_matches, 1);
        ix.insert("secret/x/payroll");
        ix.insert("kv1/x/payroll");
        let r = ix.search(&filtered("payr")).unwrap();
        assert_eq!(paths(&r), ["secret/x/payroll"]);
        assert_eq!(ix.search(&filtered("")).unwrap().total_matches, 2);
    }

    #[test]
    fn large_indexes_are_searched_on_several_threads_with_the_same_results() {
        let mut ix = SearchIndex::new();
        ix.extend((0..40_000).map(|i| format!("kv/team-{}/svc-{i}", i % 7)));
        let all = ix.search(&q("svc")).unwrap();
        assert_eq!(all.total_matches, 40_000);
        let globbed = ix
            .search(&SearchQuery {
                text: "svc".into(),
                glob: Some("kv/team-3/*".into()),
                ..SearchQuery::default()
            })
            .unwrap();
        assert_eq!(
            globbed.total_matches,
            (0..40_000).filter(|i| i % 7 == 3).count()
        );
        let one = ix.search(&q("svc-39999")).unwrap();
        assert_eq!(
            one.hits[0].path,
            format!("kv/team-{}/svc-39999", 39_999 % 7)
        );
    }

    #[test]
    fn empty_query_lists_alphabetically_with_limit() {
        let mut ix = index();
        let r = ix
            .search(&SearchQuery {
                limit: 2,
                ..SearchQuery::default()
            })
            .unwrap();
        assert_eq!(r.total_matches, 6);
        assert_eq!(paths(&r), ["kv1/legacy/db", "secret/app/dev/db"]);
        ix.remove_prefix("secret/app/");
        assert_eq!(ix.len(), 3);
    }
}
