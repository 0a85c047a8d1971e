//! One versioned-object store for the two kinds that share the service's lifecycle: secrets
//! and keys. Each name holds its versions (newest last) with attributes and tags; a soft
//! delete moves the whole object aside with its deletion date. The service's transitions are
//! the same for both kinds and live only here:
//! - right after a delete, the deleted object is not visible yet (`GET /deleted…/{name}` 404)
//!   and purge / recover answer 409 `ObjectIsBeingDeleted`;
//! - right after a recover, the live object answers 404 for a moment;
//! - setting / creating a soft-deleted name answers 409 `ObjectIsDeletedButRecoverable`;
//! - restoring a backup onto a name in use (live or deleted) answers 409.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use serde_json::{Map, Value};

use super::http::Resp;
use super::state::{bad, kv_error, not_found, tags_from, Attrs};

/// A version of a stored object.
pub(super) trait Version: Clone {
    /// The 32-hex version id.
    fn id(&self) -> &str;
    /// Its attributes.
    fn attrs_mut(&mut self) -> &mut Attrs;
    /// Its tags.
    fn tags_mut(&mut self) -> &mut Option<Map<String, Value>>;
}

/// Which collection a store is: names its paths and error codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// `/secrets`, `/deletedsecrets`.
    Secret,
    /// `/keys`, `/deletedkeys`.
    Key,
}

impl Kind {
    /// `secrets` / `keys`: the collection in paths.
    pub(super) fn collection(self) -> &'static str {
        match self {
            Kind::Secret => "secrets",
            Kind::Key => "keys",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Kind::Secret => "Secret",
            Kind::Key => "Key",
        }
    }

    fn not_found_code(self) -> &'static str {
        match self {
            Kind::Secret => "SecretNotFound",
            Kind::Key => "KeyNotFound",
        }
    }
}

/// One name's versions (oldest first) and the kind's per-name extra (a key's rotation policy).
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub(super) struct Object<V, X = ()> {
    /// The name.
    pub(super) name: String,
    /// Versions, oldest first; the last is current.
    pub(super) versions: Vec<V>,
    /// Per-name state that is not a version (not part of a backup).
    #[serde(skip)]
    pub(super) extra: X,
}

struct Deleted<T> {
    item: T,
    deleted_date: i64,
    at: Instant,
}

/// Live and soft-deleted objects of one kind.
pub(super) struct Store<V, X = ()> {
    kind: Kind,
    live: BTreeMap<String, Object<V, X>>,
    deleted: BTreeMap<String, Deleted<Object<V, X>>>,
    recovered: HashMap<String, Instant>,
    delete_delay: Duration,
    recover_delay: Duration,
}

impl<V: Version, X: Default> Store<V, X> {
    /// An empty store; `delete_delay` / `recover_delay` are the service's transition windows.
    pub(super) fn new(kind: Kind, delete_delay: Duration, recover_delay: Duration) -> Self {
        Self {
            kind,
            live: BTreeMap::new(),
            deleted: BTreeMap::new(),
            recovered: HashMap::new(),
            delete_delay,
            recover_delay,
        }
    }

    /// The kind's 404.
    pub(super) fn not_found(&self, name: &str) -> Resp {
        not_found(self.kind.collection(), name)
    }

    fn deleted_not_found(&self, name: &str) -> Resp {
        kv_error(
            404,
            self.kind.not_found_code(),
            &format!("Deleted {} not found: {name}", self.kind.noun()),
            None,
        )
    }

    fn being_deleted(&self, name: &str) -> Resp {
        kv_error(
            409,
            "Conflict",
            &format!("{} is currently being deleted: {name}", self.kind.noun()),
            Some("ObjectIsBeingDeleted"),
        )
    }

    fn deleting(&self, d: &Deleted<Object<V, X>>) -> bool {
        d.at.elapsed() < self.delete_delay
    }

    /// The live object `name`; 404 when missing or recovered a moment ago.
    pub(super) fn live(&self, name: &str) -> Result<&Object<V, X>, Resp> {
        if self
            .recovered
            .get(name)
            .is_some_and(|t| t.elapsed() < self.recover_delay)
        {
            return Err(self.not_found(name));
        }
        self.live.get(name).ok_or_else(|| self.not_found(name))
    }

    /// The live object `name`, mutable; same 404s as [`Store::live`].
    pub(super) fn live_mut(&mut self, name: &str) -> Result<&mut Object<V, X>, Resp> {
        self.live(name)?;
        let nf = self.not_found(name);
        self.live.get_mut(name).ok_or(nf)
    }

    /// `version` of `name` (`None`: the current one).
    pub(super) fn version(&self, name: &str, version: Option<&str>) -> Result<&V, Resp> {
        let o = self.live(name)?;
        match version {
            None => o.versions.last(),
            Some(ver) => o.versions.iter().find(|v| v.id() == ver),
        }
        .ok_or_else(|| self.not_found(&format!("{name}/{}", version.unwrap_or(""))))
    }

    /// Every live name with its current version (recovering ones included, like the service's
    /// lists which are not filtered by the get path's consistency window).
    pub(super) fn current(&self) -> impl Iterator<Item = (&str, &V)> {
        self.live
            .iter()
            .filter_map(|(n, o)| Some((n.as_str(), o.versions.last()?)))
    }

    /// 409 `ObjectIsDeletedButRecoverable` when `name` is soft-deleted (a new version may not
    /// be created under it).
    pub(super) fn check_reusable(&self, name: &str) -> Result<(), Resp> {
        if self.deleted.contains_key(name) {
            let noun = self.kind.noun();
            return Err(kv_error(
                409,
                "Conflict",
                &format!(
                    "{noun} {name} is currently in a deleted but recoverable state, and its name \
                     cannot be reused; in this state, the {} can only be recovered or purged.",
                    noun.to_lowercase()
                ),
                Some("ObjectIsDeletedButRecoverable"),
            ));
        }
        Ok(())
    }

    /// Appends `v` as the new current version of `name` (created if new).
    pub(super) fn push(&mut self, name: &str, v: V) {
        self.live
            .entry(name.to_string())
            .or_insert_with(|| Object {
                name: name.to_string(),
                versions: Vec::new(),
                extra: X::default(),
            })
            .versions
            .push(v);
    }

    /// PATCH of `version` (`None`: current) from `body`: `attributes` (enabled, nbf, exp),
    /// `tags`, and what `specific` reads for the kind (content type, key operations). All or
    /// nothing: an invalid field changes no field.
    pub(super) fn update(
        &mut self,
        name: &str,
        version: Option<&str>,
        body: &Value,
        now: i64,
        specific: impl FnOnce(&mut V, &Value) -> Result<(), Resp>,
    ) -> Result<V, Resp> {
        let tags = tags_from(body.get("tags"))?;
        let nf = self.not_found(&format!("{name}/{}", version.unwrap_or("")));
        let o = self.live_mut(name)?;
        let slot = match version {
            None => o.versions.last_mut(),
            Some(ver) => o.versions.iter_mut().find(|v| v.id() == ver),
        }
        .ok_or(nf)?;
        let mut v = slot.clone();
        if let Some(a) = body.get("attributes") {
            v.attrs_mut().apply(a, now)?;
        }
        specific(&mut v, body)?;
        if body.get("tags").is_some() {
            *v.tags_mut() = tags;
        }
        v.attrs_mut().updated = now;
        *slot = v.clone();
        Ok(v)
    }

    /// Soft-deletes `name` (every version): its current version and the deletion date.
    pub(super) fn delete(&mut self, name: &str, now: i64) -> Result<(V, i64), Resp> {
        self.live(name)?;
        let o = self.live.remove(name).ok_or_else(|| self.not_found(name))?;
        let latest = o.versions.last().cloned();
        self.deleted.insert(
            name.to_string(),
            Deleted {
                item: o,
                deleted_date: now,
                at: Instant::now(),
            },
        );
        latest.map(|v| (v, now)).ok_or_else(|| self.not_found(name))
    }

    /// Soft-deleted names visible in the deleted collection, with their current version and
    /// deletion date.
    pub(super) fn deleted(&self) -> impl Iterator<Item = (&str, &V, i64)> {
        self.deleted
            .iter()
            .filter(|(_, d)| !self.deleting(d))
            .filter_map(|(n, d)| Some((n.as_str(), d.item.versions.last()?, d.deleted_date)))
    }

    /// One soft-deleted object (404 while the delete is still in progress).
    pub(super) fn get_deleted(&self, name: &str) -> Result<(&V, i64), Resp> {
        match self.deleted.get(name) {
            Some(d) if !self.deleting(d) => d
                .item
                .versions
                .last()
                .map(|v| (v, d.deleted_date))
                .ok_or_else(|| self.deleted_not_found(name)),
            _ => Err(self.deleted_not_found(name)),
        }
    }

    /// The soft-deleted `name`, checked for purge / recover: 404 when absent, 409
    /// `ObjectIsBeingDeleted` while the delete is in progress.
    fn settled_deleted(&self, name: &str) -> Result<(), Resp> {
        match self.deleted.get(name) {
            None => Err(self.deleted_not_found(name)),
            Some(d) if self.deleting(d) => Err(self.being_deleted(name)),
            Some(_) => Ok(()),
        }
    }

    /// Purges the soft-deleted `name` for good.
    pub(super) fn purge(&mut self, name: &str) -> Result<(), Resp> {
        self.settled_deleted(name)?;
        self.deleted.remove(name);
        Ok(())
    }

    /// Recovers the soft-deleted `name`: live again (after the recover window), its current
    /// version returned.
    pub(super) fn recover(&mut self, name: &str) -> Result<V, Resp> {
        self.settled_deleted(name)?;
        let d = self
            .deleted
            .remove(name)
            .ok_or_else(|| self.deleted_not_found(name))?;
        let latest = d.item.versions.last().cloned();
        self.live.insert(name.to_string(), d.item);
        self.recovered.insert(name.to_string(), Instant::now());
        latest.ok_or_else(|| self.not_found(name))
    }

    /// Restores a backed-up object: 409 when its name is in use (live or soft-deleted).
    pub(super) fn restore(&mut self, o: Object<V, X>) -> Result<V, Resp> {
        let noun = self.kind.noun();
        if self.live.contains_key(&o.name) || self.deleted.contains_key(&o.name) {
            return Err(kv_error(
                409,
                "Conflict",
                &format!(
                    "There was a conflict restoring the {} '{}'. The {} already exists (or is \
                     deleted but recoverable) in this vault.",
                    noun.to_lowercase(),
                    o.name,
                    noun.to_lowercase()
                ),
                None,
            ));
        }
        let latest = o
            .versions
            .last()
            .cloned()
            .ok_or_else(|| bad("Backup blob holds no versions."))?;
        self.live.insert(o.name.clone(), o);
        Ok(latest)
    }
}
