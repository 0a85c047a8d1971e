//! The Leases screen's pure logic: filtering and sorting the lease table, the revoke-prefix
//! preview count, and the geometry of the expiry timeline (an SVG bar chart).

use vaultdeck_types::{LeaseExpiryBucket, LeaseRow};

/// Column the lease table is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LeaseSort {
    /// Lease id, ascending.
    #[default]
    Id,
    /// Time left, soonest first (no expiry last).
    Ttl,
    /// Role, then id.
    Role,
}

/// Which leases the table shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LeaseFilter {
    /// Lease id prefix (`database/creds/readonly`); empty: all.
    pub prefix: String,
    /// Only leases with at most this many seconds left.
    pub max_ttl_secs: Option<i64>,
    /// Only renewable (`Some(true)`) or non-renewable (`Some(false)`) leases.
    pub renewable: Option<bool>,
}

impl LeaseFilter {
    /// Whether `l` passes the filter.
    pub fn matches(&self, l: &LeaseRow) -> bool {
        let p = self.prefix.trim();
        (p.is_empty() || l.id.starts_with(p))
            && self.max_ttl_secs.is_none_or(|m| l.ttl <= m)
            && self.renewable.is_none_or(|r| l.renewable == r)
    }
}

/// The rows to show, filtered and sorted.
pub fn visible<'a>(
    rows: &'a [LeaseRow],
    filter: &LeaseFilter,
    sort: LeaseSort,
) -> Vec<&'a LeaseRow> {
    let mut v: Vec<&LeaseRow> = rows.iter().filter(|l| filter.matches(l)).collect();
    match sort {
        LeaseSort::Id => v.sort_by(|a, b| a.id.cmp(&b.id)),
        LeaseSort::Ttl => v.sort_by_key(|l| (l.expire_time.is_none(), l.ttl, l.id.clone())),
        LeaseSort::Role => v.sort_by(|a, b| (&a.role, &a.id).cmp(&(&b.role, &b.id))),
    }
    v
}

/// Leases under `prefix` (trailing `/` ignored): the preview before a revoke-prefix.
pub fn count_under(rows: &[LeaseRow], prefix: &str) -> usize {
    let p = prefix.trim().trim_matches('/');
    if p.is_empty() {
        return rows.len();
    }
    let p = format!("{p}/");
    rows.iter().filter(|l| l.id.starts_with(&p)).count()
}

/// One bar of the timeline, in SVG user units.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineBar {
    /// Bucket label (`< 1h`).
    pub label: String,
    /// Leases in the bucket.
    pub count: u64,
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height (0 for an empty bucket).
    pub height: f64,
}

/// Lays the buckets out as bars in a `width` × `height` chart (the tallest bar fills the
/// height; a 2-unit gap between bars).
pub fn timeline_bars(buckets: &[LeaseExpiryBucket], width: f64, height: f64) -> Vec<TimelineBar> {
    let n = buckets.len().max(1) as f64;
    let slot = width / n;
    let max = buckets.iter().map(|b| b.count).max().unwrap_or(0).max(1) as f64;
    buckets
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let h = height * b.count as f64 / max;
            TimelineBar {
                label: b.label.clone(),
                count: b.count,
                x: i as f64 * slot + 1.0,
                y: height - h,
                width: (slot - 2.0).max(1.0),
                height: h,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lease(id: &str, ttl: i64, renewable: bool) -> LeaseRow {
        LeaseRow {
            id: id.into(),
            mount: "database/".into(),
            role: id
                .rsplit_once('/')
                .map(|(r, _)| r.to_owned())
                .unwrap_or_default(),
            issue_time: None,
            expire_time: Some("2030-01-01T00:00:00Z".into()),
            last_renewal: None,
            renewable,
            ttl,
        }
    }

    #[test]
    fn filters_and_sorts() {
        let rows = vec![
            lease("database/creds/rw/b", 300, true),
            lease("database/creds/ro/a", 7200, true),
            lease("database/creds/ro/c", 60, false),
        ];
        let f = LeaseFilter {
            prefix: "database/creds/ro".into(),
            ..Default::default()
        };
        let ids: Vec<_> = visible(&rows, &f, LeaseSort::Ttl)
            .iter()
            .map(|l| l.id.as_str())
            .collect();
        assert_eq!(ids, ["database/creds/ro/c", "database/creds/ro/a"]);
        let f = LeaseFilter {
            max_ttl_secs: Some(3600),
            renewable: Some(true),
            ..Default::default()
        };
        assert_eq!(visible(&rows, &f, LeaseSort::Id).len(), 1);
        assert_eq!(count_under(&rows, "database/creds/ro/"), 2);
        assert_eq!(count_under(&rows, "database/creds/r"), 0);
        assert_eq!(count_under(&rows, ""), 3);
    }

    #[test]
    fn timeline_scales_to_the_tallest_bucket() {
        let b = |label: &str, count| LeaseExpiryBucket {
            label: label.into(),
            from_secs: 0,
            to_secs: None,
            count,
        };
        let bars = timeline_bars(&[b("< 1h", 4), b("1h–6h", 2), b("6h–24h", 0)], 300.0, 100.0);
        assert_eq!(bars.len(), 3);
        assert_eq!(bars[0].height, 100.0);
        assert_eq!(bars[1].height, 50.0);
        assert_eq!(bars[1].y, 50.0);
        assert_eq!(bars[2].height, 0.0);
        assert_eq!(bars[1].x, 101.0);
        assert!(timeline_bars(&[], 10.0, 10.0).is_empty());
    }
}
