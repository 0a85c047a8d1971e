//! The vault's state and the routing of requests to operations, with the service's
//! semantics (see the module docs of `azure`).

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use hyper::Method;
use serde_json::{json, Map, Value};

use super::http::{Req, Resp};
use super::store::{Kind, Object, Store, Version};
use super::{AzureServerConfig, API_VERSIONS};

/// Whom an issued access token names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Principal {
    /// The signed-in user (device code).
    User,
    /// The configured client (client credentials).
    Application,
    /// The App Service managed identity.
    ManagedIdentity,
}

/// The user every device-code sign-in signs in as.
pub const USER_UPN: &str = "operator@kvtest.example";
/// That user's object id.
const USER_OID: &str = "0a1b2c3d-0000-4000-8000-0000000005e4";
/// The application's (and managed identity's) object id.
const APP_OID: &str = "0a1b2c3d-0000-4000-8000-000000000a99";
/// The managed identity's name (last segment of `xms_mirid`).
pub const MI_NAME: &str = "kvtest-mi";

const RECOVERY_LEVEL: &str = "Recoverable+Purgeable";
const BACKUP_MAGIC: &str = "VaultdeckTestKeyVaultSecretBackupV1";

/// One request the server saw.
#[derive(Clone, Debug)]
pub struct LoggedRequest {
    /// HTTP method.
    pub method: String,
    /// Path without query.
    pub path: String,
    /// Query parameters in order.
    pub query: Vec<(String, String)>,
    /// Whether an `Authorization: Bearer` header was present.
    pub authenticated: bool,
    /// The response status.
    pub status: u16,
}

impl LoggedRequest {
    /// The first value of query parameter `name`.
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub(super) struct Attrs {
    enabled: bool,
    nbf: Option<i64>,
    exp: Option<i64>,
    created: i64,
    pub(super) updated: i64,
}

impl Attrs {
    fn new(now: i64) -> Self {
        Self {
            enabled: true,
            nbf: None,
            exp: None,
            created: now,
            updated: now,
        }
    }

    fn json(&self, days: i64) -> Value {
        let mut m = Map::new();
        m.insert("enabled".into(), json!(self.enabled));
        if let Some(n) = self.nbf {
            m.insert("nbf".into(), json!(n));
        }
        if let Some(e) = self.exp {
            m.insert("exp".into(), json!(e));
        }
        m.insert("created".into(), json!(self.created));
        m.insert("updated".into(), json!(self.updated));
        m.insert("recoveryLevel".into(), json!(RECOVERY_LEVEL));
        m.insert("recoverableDays".into(), json!(days));
        Value::Object(m)
    }

    /// Applies `{"enabled","nbf","exp"}` from a request body.
    pub(super) fn apply(&mut self, v: &Value, now: i64) -> Result<(), Resp> {
        let Some(obj) = v.as_object() else {
            return Err(bad("attributes must be an object"));
        };
        if let Some(e) = obj.get("enabled") {
            self.enabled = e
                .as_bool()
                .ok_or_else(|| bad("attributes.enabled must be a boolean"))?;
        }
        for (field, slot) in [("nbf", &mut self.nbf), ("exp", &mut self.exp)] {
            if let Some(v) = obj.get(field) {
                *slot =
                    match v {
                        Value::Null => None,
                        v => Some(v.as_i64().ok_or_else(|| {
                            bad(&format!("attributes.{field} must be unix seconds"))
                        })?),
                    };
            }
        }
        self.updated = now;
        Ok(())
    }
}

#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct SecretVersion {
    version: String,
    /// The version that was current when this one was set (`previousVersion`, 2025-07-01+).
    #[serde(default)]
    previous: Option<String>,
    value: String,
    content_type: Option<String>,
    tags: Option<Map<String, Value>>,
    attrs: Attrs,
}

impl Version for SecretVersion {
    fn id(&self) -> &str {
        &self.version
    }
    fn attrs_mut(&mut self) -> &mut Attrs {
        &mut self.attrs
    }
    fn tags_mut(&mut self) -> &mut Option<Map<String, Value>> {
        &mut self.tags
    }
}

/// A secret with its versions (also the backup blob's content).
type Secret = Object<SecretVersion>;

#[derive(Clone)]
struct KeyVersion {
    version: String,
    kty: String,
    key_size: Option<u64>,
    crv: Option<String>,
    key_ops: Vec<String>,
    material: Vec<(&'static str, String)>,
    tags: Option<Map<String, Value>>,
    attrs: Attrs,
}

impl Version for KeyVersion {
    fn id(&self) -> &str {
        &self.version
    }
    fn attrs_mut(&mut self) -> &mut Attrs {
        &mut self.attrs
    }
    fn tags_mut(&mut self) -> &mut Option<Map<String, Value>> {
        &mut self.tags
    }
}

/// A key with its versions and rotation policy.
type Key = Object<KeyVersion, Option<RotationPolicy>>;

#[derive(Clone, Default)]
struct RotationPolicy {
    lifetime_actions: Value,
    expiry_time: Option<String>,
    created: i64,
    updated: i64,
}

struct CertVersion {
    version: String,
    der: Vec<u8>,
    subject: String,
    validity_days: i64,
    attrs: Attrs,
}

struct DeviceCode {
    polls: u32,
    expires: Instant,
}

/// The whole vault plus the fake Entra ID.
pub(crate) struct Vault {
    config: AzureServerConfig,
    port: u16,
    secrets: Store<SecretVersion>,
    keys: Store<KeyVersion, Option<RotationPolicy>>,
    certs: BTreeMap<String, Vec<CertVersion>>,
    pub(crate) tokens: HashMap<String, Instant>,
    refresh_tokens: HashMap<String, ()>,
    device_codes: HashMap<String, DeviceCode>,
    /// Every user code the device-code endpoint issued, oldest first.
    pub(crate) user_codes: Vec<String>,
    pub(crate) log: Vec<LoggedRequest>,
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn new_version() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

fn resp(status: u16, body: Value) -> Resp {
    Resp {
        status,
        headers: Vec::new(),
        body: Some(body),
    }
}

fn ok(body: Value) -> Resp {
    resp(200, body)
}

fn no_content() -> Resp {
    Resp {
        status: 204,
        headers: Vec::new(),
        body: None,
    }
}

/// A Key Vault error body `{"error":{"code","message","innererror"?}}`.
pub(super) fn kv_error(status: u16, code: &str, message: &str, inner: Option<&str>) -> Resp {
    let mut e = json!({"code": code, "message": message});
    if let Some(inner) = inner {
        e["innererror"] = json!({"code": inner});
    }
    resp(status, json!({ "error": e }))
}

pub(super) fn bad(message: &str) -> Resp {
    kv_error(400, "BadParameter", message, None)
}

pub(super) fn not_found(kind: &str, name: &str) -> Resp {
    let (code, what) = match kind {
        "keys" => ("KeyNotFound", "key"),
        "certificates" => ("CertificateNotFound", "certificate"),
        _ => ("SecretNotFound", "secret"),
    };
    kv_error(
        404,
        code,
        &format!(
            "A {what} with (name/id) {name} was not found in this key vault. If you recently \
             deleted this {what} you may be able to recover it using the correct recovery \
             command. For help resolving this issue, please see \
             https://go.microsoft.com/fwlink/?linkid=2125182"
        ),
        None,
    )
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 127
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

fn parse_body(req: &Req) -> Result<Value, Resp> {
    if req.body.is_empty() {
        return Err(bad("The request body is missing."));
    }
    serde_json::from_slice(&req.body).map_err(|e| bad(&format!("Invalid JSON body: {e}")))
}

pub(super) fn tags_from(v: Option<&Value>) -> Result<Option<Map<String, Value>>, Resp> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(m)) if m.values().all(Value::is_string) => Ok(Some(m.clone())),
        Some(_) => Err(bad("tags must be an object of strings")),
    }
}

/// ISO 8601 duration as Key Vault accepts it (`P90D`, `P2Y`, `P1M`, `PT12H`, `P1Y6M`).
fn duration_days(s: &str) -> Option<f64> {
    let rest = s.strip_prefix('P')?;
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (rest, None),
    };
    let mut days = 0.0;
    let mut any = false;
    let mut num = String::new();
    for c in date.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let n: f64 = num.parse().ok()?;
        num.clear();
        days += n * match c {
            'Y' => 365.0,
            'M' => 30.0,
            'W' => 7.0,
            'D' => 1.0,
            _ => return None,
        };
        any = true;
    }
    if !num.is_empty() {
        return None;
    }
    if let Some(t) = time {
        for c in t.chars() {
            if c.is_ascii_digit() {
                num.push(c);
                continue;
            }
            let n: f64 = num.parse().ok()?;
            num.clear();
            days += n / match c {
                'H' => 24.0,
                'M' => 1440.0,
                'S' => 86400.0,
                _ => return None,
            };
            any = true;
        }
        if !num.is_empty() {
            return None;
        }
    }
    any.then_some(days)
}

/// Routes one request.
pub(crate) fn handle(vault: &mut Vault, req: &Req) -> Resp {
    let resp = vault.route(req);
    vault.log.push(LoggedRequest {
        method: req.method.to_string(),
        path: req.path.clone(),
        query: req.query.clone(),
        authenticated: req.bearer.is_some(),
        status: resp.status,
    });
    resp
}

impl Vault {
    pub(crate) fn new(config: AzureServerConfig, port: u16) -> Self {
        Self {
            secrets: Store::new(Kind::Secret, config.delete_delay, config.recover_delay),
            keys: Store::new(Kind::Key, config.delete_delay, config.recover_delay),
            config,
            port,
            certs: BTreeMap::new(),
            tokens: HashMap::new(),
            refresh_tokens: HashMap::new(),
            device_codes: HashMap::new(),
            user_codes: Vec::new(),
            log: Vec::new(),
        }
    }

    /// How long to hold `req` before answering (the configured delay of secret-list pages).
    pub(crate) fn delay_for(&self, req: &Req) -> Duration {
        if req.method == Method::GET && req.path == "/secrets" {
            self.config.page_delay
        } else {
            Duration::ZERO
        }
    }

    fn authority(&self) -> String {
        format!("https://127.0.0.1:{}", self.port)
    }

    /// An access token for `who`, shaped like Entra ID's (a JWT whose claims name the
    /// principal: `upn` for a user, `appid` + `idtyp: app` for an application, `xms_mirid` for a
    /// managed identity). The signature part is random: this server checks tokens by lookup.
    pub(crate) fn issue_token(&mut self, who: Principal) -> String {
        let (iat, ttl) = (now(), self.config.token_ttl.as_secs() as i64);
        let tenant = &self.config.tenant_id;
        let mut claims = json!({
            "aud": "https://vault.azure.net",
            "iss": format!("https://sts.windows.net/{tenant}/"),
            "iat": iat, "nbf": iat, "exp": iat + ttl,
            "tid": tenant,
            "appid": self.config.client_id,
            "ver": "1.0",
            "uti": uuid::Uuid::new_v4().simple().to_string(),
        });
        match who {
            Principal::User => {
                claims["upn"] = json!(USER_UPN);
                claims["unique_name"] = json!(USER_UPN);
                claims["name"] = json!("Key Vault Test Operator");
                claims["oid"] = json!(USER_OID);
                claims["idtyp"] = json!("user");
                claims["scp"] = json!("user_impersonation");
            }
            Principal::Application => {
                claims["oid"] = json!(APP_OID);
                claims["idtyp"] = json!("app");
            }
            Principal::ManagedIdentity => {
                claims["oid"] = json!(APP_OID);
                claims["idtyp"] = json!("app");
                claims["xms_mirid"] = json!(format!(
                    "/subscriptions/00000000-0000-4000-8000-000000000000/resourcegroups/kvtest/\
                     providers/Microsoft.ManagedIdentity/userAssignedIdentities/{MI_NAME}"
                ));
            }
        }
        let token = format!(
            "{}.{}.{}",
            URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"RS256","kid":"kvtest"}"#),
            URL_SAFE_NO_PAD.encode(claims.to_string()),
            URL_SAFE_NO_PAD.encode(uuid::Uuid::new_v4().as_bytes()),
        );
        self.tokens
            .insert(token.clone(), Instant::now() + self.config.token_ttl);
        token
    }

    fn route(&mut self, req: &Req) -> Resp {
        let segs: Vec<&str> = req.path.trim_start_matches('/').split('/').collect();
        // The App Service managed-identity token service.
        if segs == ["msi", "token"] {
            return self.managed_identity_token(req);
        }
        // The fake Entra ID.
        if segs.len() >= 2 && segs[0] != "secrets" && segs[0] != "keys" {
            match (&req.method, &segs[1..]) {
                (&Method::POST, ["oauth2", "v2.0", "token"]) => return self.token(segs[0], req),
                (&Method::POST, ["oauth2", "v2.0", "devicecode"]) => {
                    return self.device_code(segs[0], req)
                }
                (&Method::GET, ["v2.0", ".well-known", "openid-configuration"]) => {
                    return self.openid(segs[0])
                }
                (&Method::GET, ["discovery", "instance"]) => {
                    return ok(json!({
                        "tenant_discovery_endpoint": format!(
                            "{}/{}/v2.0/.well-known/openid-configuration",
                            self.authority(), self.config.tenant_id),
                        "api-version": "1.1",
                        "metadata": []
                    }))
                }
                _ => {}
            }
        }
        // The vault: bearer first (like the service), then api-version.
        let authorized = req
            .bearer
            .as_ref()
            .and_then(|t| self.tokens.get(t))
            .is_some_and(|exp| *exp > Instant::now());
        if !authorized {
            let mut r = kv_error(
                401,
                "Unauthorized",
                if req.bearer.is_some() {
                    "AKV10032: Invalid issuer or the token has expired."
                } else {
                    "AKV10000: Request is missing a Bearer, PoP, or MTLS_POP token."
                },
                None,
            );
            r.headers.push((
                "www-authenticate",
                format!(
                    "Bearer authorization=\"{}/{}\", resource=\"https://vault.azure.net\"",
                    self.authority(),
                    self.config.tenant_id
                ),
            ));
            return r;
        }
        // Azure Resource Manager's subscription list, which `az login` reads right after
        // signing in (ARM api-versions, not Key Vault's): the test tenant has none.
        if req.method == Method::GET && segs == ["subscriptions"] {
            return ok(json!({"value": []}));
        }
        match req.query("api-version") {
            None => {
                return bad(
                    "The api-version query parameter (?api-version=) is required for all requests.",
                )
            }
            Some(v) if !API_VERSIONS.contains(&v) => {
                return bad(&format!(
                    "The specified version ({v}) is not recognized. Consider using the latest \
                     supported version ({}).",
                    API_VERSIONS[API_VERSIONS.len() - 1]
                ))
            }
            _ => {}
        }
        let base = format!("https://{}", req.host);
        let m = &req.method;
        match segs.as_slice() {
            ["secrets"] if m == Method::GET => {
                let items = self.secret_items(&base);
                self.page(req, &base, "/secrets", items)
            }
            ["secrets", "restore"] if m == Method::POST => self.restore_secret(req, &base),
            ["secrets", name] if m == Method::PUT => self.set_secret(name, req, &base),
            ["secrets", name] if m == Method::DELETE => self.delete_secret(name, &base),
            ["secrets", name, "versions"] if m == Method::GET => {
                match self.secret_version_items(name, &base) {
                    Ok(items) => self.page(req, &base, &format!("/secrets/{name}/versions"), items),
                    Err(r) => r,
                }
            }
            ["secrets", name, "backup"] if m == Method::POST => self.backup_secret(name),
            ["secrets", name] | ["secrets", name, ""] if m == Method::GET => {
                self.get_secret(name, None, &base)
            }
            ["secrets", name, version] if m == Method::GET => {
                self.get_secret(name, Some(version), &base)
            }
            ["secrets", name] | ["secrets", name, ""] if m == Method::PATCH => {
                self.update_secret(name, None, req, &base)
            }
            ["secrets", name, version] if m == Method::PATCH => {
                self.update_secret(name, Some(version), req, &base)
            }
            ["deletedsecrets"] if m == Method::GET => {
                let items = self.deleted_secret_items(&base);
                self.page(req, &base, "/deletedsecrets", items)
            }
            ["deletedsecrets", name] if m == Method::GET => self.get_deleted_secret(name, &base),
            ["deletedsecrets", name] if m == Method::DELETE => self.purge_secret(name),
            ["deletedsecrets", name, "recover"] if m == Method::POST => {
                self.recover_secret(name, &base)
            }
            ["keys"] if m == Method::GET => {
                let items = self.key_items(&base);
                self.page(req, &base, "/keys", items)
            }
            ["keys", name, "create"] if m == Method::POST => self.create_key(name, req, &base),
            ["keys", name] if m == Method::DELETE => self.delete_key(name, &base),
            ["deletedkeys"] if m == Method::GET => {
                let items = self.deleted_key_items(&base);
                self.page(req, &base, "/deletedkeys", items)
            }
            ["deletedkeys", name] if m == Method::GET => self.get_deleted_key(name, &base),
            ["deletedkeys", name] if m == Method::DELETE => self.purge_key(name),
            ["deletedkeys", name, "recover"] if m == Method::POST => self.recover_key(name, &base),
            ["keys", name, "rotate"] if m == Method::POST => self.rotate_key(name, &base),
            ["keys", name, "rotationpolicy"] if m == Method::GET => {
                self.get_rotation_policy(name, &base)
            }
            ["keys", name, "rotationpolicy"] if m == Method::PUT => {
                self.put_rotation_policy(name, req, &base)
            }
            ["keys", name, "versions"] if m == Method::GET => {
                match self.key_version_items(name, &base) {
                    Ok(items) => self.page(req, &base, &format!("/keys/{name}/versions"), items),
                    Err(r) => r,
                }
            }
            ["keys", name] | ["keys", name, ""] if m == Method::GET => {
                self.get_key(name, None, &base)
            }
            ["keys", name, version] if m == Method::GET => self.get_key(name, Some(version), &base),
            ["keys", name] | ["keys", name, ""] if m == Method::PATCH => {
                self.update_key(name, None, req, &base)
            }
            ["keys", name, version] if m == Method::PATCH => {
                self.update_key(name, Some(version), req, &base)
            }
            ["certificates"] if m == Method::GET => {
                let items = self.cert_items(&base);
                self.page(req, &base, "/certificates", items)
            }
            ["certificates", name, "versions"] if m == Method::GET => {
                match self.cert_version_items(name, &base) {
                    Ok(items) => {
                        self.page(req, &base, &format!("/certificates/{name}/versions"), items)
                    }
                    Err(r) => r,
                }
            }
            ["certificates", name] | ["certificates", name, ""] if m == Method::GET => {
                self.get_cert(name, None, &base)
            }
            ["certificates", name, version] if m == Method::GET => {
                self.get_cert(name, Some(version), &base)
            }
            _ => kv_error(
                404,
                "NotFound",
                &format!(
                    "{} {} is not an operation of this vault.",
                    req.method, req.path
                ),
                None,
            ),
        }
    }

    // ---- paging ----

    /// One page of `items` per `maxresults` / `$skiptoken`, with an absolute `nextLink` (explicit
    /// port, an older api-version the client must overwrite) and, when configured, an empty page
    /// before each continuation.
    fn page(&self, req: &Req, base: &str, path: &str, items: Vec<Value>) -> Resp {
        let max = match req.query("maxresults") {
            None => 25,
            Some(s) => match s.parse::<usize>() {
                Ok(n) if (1..=25).contains(&n) => n,
                _ => {
                    return bad(&format!(
                        "Invalid maxresults value {s}: it must be between 1 and 25."
                    ))
                }
            },
        };
        let (offset, empty_served) = match req.query("$skiptoken") {
            None => (0, false),
            Some(tok) => {
                let decoded = URL_SAFE_NO_PAD
                    .decode(tok)
                    .ok()
                    .and_then(|b| String::from_utf8(b).ok())
                    .and_then(|s| {
                        let (o, e) = s.strip_prefix("offset:")?.split_once(':')?;
                        Some((o.parse::<usize>().ok()?, e == "1"))
                    });
                match decoded {
                    Some(d) => d,
                    None => return bad("The $skiptoken is invalid."),
                }
            }
        };
        let link = |offset: usize, empty: bool| {
            let tok = URL_SAFE_NO_PAD.encode(format!("offset:{offset}:{}", u8::from(empty)));
            let host = base.trim_start_matches("https://");
            let host = if host.contains(':') {
                host.to_string()
            } else {
                format!("{host}:443")
            };
            Value::String(format!(
                "https://{host}{path}?api-version=7.5&$skiptoken={tok}&maxresults={max}"
            ))
        };
        if self.config.empty_pages && offset > 0 && !empty_served {
            return ok(json!({"value": [], "nextLink": link(offset, true)}));
        }
        let end = (offset + max).min(items.len());
        let page: Vec<Value> = items.get(offset..end).unwrap_or(&[]).to_vec();
        let next = if end < items.len() {
            link(end, false)
        } else {
            Value::Null
        };
        ok(json!({"value": page, "nextLink": next}))
    }

    // ---- secrets ----

    /// A SecretBundle (`bundle`: with `previousVersion`) or a SecretItem, with the value only
    /// when `value`.
    fn secret_json(&self, base: &str, name: &str, v: &SecretVersion, value: bool) -> Value {
        self.secret_value_json(base, name, v, value, true)
    }

    fn secret_value_json(
        &self,
        base: &str,
        name: &str,
        v: &SecretVersion,
        value: bool,
        bundle: bool,
    ) -> Value {
        let mut m = Map::new();
        if value {
            m.insert("value".into(), json!(v.value));
        }
        m.insert(
            "id".into(),
            json!(format!("{base}/secrets/{name}/{}", v.version)),
        );
        if let Some(ct) = &v.content_type {
            m.insert("contentType".into(), json!(ct));
        }
        if let (true, Some(prev)) = (bundle, &v.previous) {
            m.insert("previousVersion".into(), json!(prev));
        }
        m.insert(
            "attributes".into(),
            v.attrs.json(self.config.recoverable_days),
        );
        if let Some(t) = &v.tags {
            m.insert("tags".into(), Value::Object(t.clone()));
        }
        Value::Object(m)
    }

    fn deleted_fields(&self, base: &str, kind: &str, name: &str, d_date: i64, v: &mut Value) {
        v["recoveryId"] = json!(format!("{base}/deleted{kind}/{name}"));
        v["deletedDate"] = json!(d_date);
        v["scheduledPurgeDate"] = json!(d_date + self.config.recoverable_days * 86400);
    }

    fn secret_item(&self, base: &str, name: &str, v: &SecretVersion, with_version: bool) -> Value {
        let mut item = self.secret_value_json(base, name, v, false, false);
        if !with_version {
            item["id"] = json!(format!("{base}/secrets/{name}"));
        }
        item
    }

    fn secret_items(&self, base: &str) -> Vec<Value> {
        self.secrets
            .current()
            .map(|(name, v)| self.secret_item(base, name, v, false))
            .collect()
    }

    fn secret_version_items(&self, name: &str, base: &str) -> Result<Vec<Value>, Resp> {
        let s = self.secrets.live(name)?;
        Ok(s.versions
            .iter()
            .map(|v| self.secret_item(base, name, v, true))
            .collect())
    }

    fn get_secret(&self, name: &str, version: Option<&str>, base: &str) -> Resp {
        let v = match self.secrets.version(name, version) {
            Ok(v) => v,
            Err(r) => return r,
        };
        if !v.attrs.enabled {
            return kv_error(
                403,
                "Forbidden",
                "Operation get is not allowed on a disabled secret.",
                Some("SecretDisabled"),
            );
        }
        ok(self.secret_json(base, name, v, true))
    }

    fn set_secret(&mut self, name: &str, req: &Req, base: &str) -> Resp {
        if !valid_name(name) {
            return bad(&format!(
                "The request URI contains an invalid name: {name}. Follow this link for more \
                 information on how to name a secret: https://aka.ms/kvnaming"
            ));
        }
        if let Err(r) = self.secrets.check_reusable(name) {
            return r;
        }
        let body = match parse_body(req) {
            Ok(b) => b,
            Err(r) => return r,
        };
        let Some(value) = body.get("value").and_then(Value::as_str) else {
            return bad("Property value is required.");
        };
        if value.len() > 25 * 1024 {
            return bad("The secret value exceeds the maximum size of 25 KB.");
        }
        let content_type = match body.get("contentType") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.len() <= 255 => Some(s.clone()),
            Some(_) => return bad("contentType must be a string of at most 255 characters."),
        };
        let tags = match tags_from(body.get("tags")) {
            Ok(t) => t,
            Err(r) => return r,
        };
        let now = now();
        let mut attrs = Attrs::new(now);
        if let Some(a) = body.get("attributes") {
            if let Err(r) = attrs.apply(a, now) {
                return r;
            }
        }
        let previous = self
            .secrets
            .version(name, None)
            .ok()
            .map(|v| v.version.clone());
        let v = SecretVersion {
            version: new_version(),
            previous,
            value: value.to_string(),
            content_type,
            tags,
            attrs,
        };
        let out = self.secret_json(base, name, &v, true);
        self.secrets.push(name, v);
        ok(out)
    }

    fn update_secret(&mut self, name: &str, version: Option<&str>, req: &Req, base: &str) -> Resp {
        if let Err(r) = self.secrets.live(name) {
            return r;
        }
        let body = match parse_body(req) {
            Ok(b) => b,
            Err(r) => return r,
        };
        let content_type = |v: &mut SecretVersion, body: &Value| {
            match body.get("contentType") {
                None => {}
                Some(Value::String(ct)) if ct.len() <= 255 => v.content_type = Some(ct.clone()),
                Some(Value::Null) => v.content_type = None,
                Some(_) => {
                    return Err(bad(
                        "contentType must be a string of at most 255 characters.",
                    ))
                }
            }
            Ok(())
        };
        match self
            .secrets
            .update(name, version, &body, now(), content_type)
        {
            Ok(v) => ok(self.secret_json(base, name, &v, false)),
            Err(r) => r,
        }
    }

    /// A DeletedSecretBundle / DeletedKeyBundle (or list item): `bundle` plus the deletion
    /// fields.
    fn with_deleted_fields(
        &self,
        base: &str,
        kind: Kind,
        name: &str,
        date: i64,
        mut bundle: Value,
    ) -> Value {
        self.deleted_fields(base, kind.collection(), name, date, &mut bundle);
        bundle
    }

    /// The answer about a soft-deleted item: its bundle (`json`) with the deletion fields, or
    /// the store's error answer.
    fn deleted_answer<V>(
        &self,
        base: &str,
        kind: Kind,
        name: &str,
        found: Result<(V, i64), Resp>,
        json: impl FnOnce(&V) -> Value,
    ) -> Resp {
        match found {
            Ok((v, date)) => ok(self.with_deleted_fields(base, kind, name, date, json(&v))),
            Err(r) => r,
        }
    }

    /// The list items of soft-deleted items (`item` of each, with the deletion fields).
    fn deleted_items<'a, V: 'a>(
        &self,
        base: &str,
        kind: Kind,
        deleted: impl Iterator<Item = (&'a str, &'a V, i64)>,
        item: impl Fn(&str, &V) -> Value,
    ) -> Vec<Value> {
        deleted
            .map(|(name, v, date)| self.with_deleted_fields(base, kind, name, date, item(name, v)))
            .collect()
    }

    fn delete_secret(&mut self, name: &str, base: &str) -> Resp {
        let found = self.secrets.delete(name, now());
        self.deleted_answer(base, Kind::Secret, name, found, |v| {
            self.secret_json(base, name, v, false)
        })
    }

    fn deleted_secret_items(&self, base: &str) -> Vec<Value> {
        self.deleted_items(base, Kind::Secret, self.secrets.deleted(), |name, v| {
            self.secret_item(base, name, v, false)
        })
    }

    fn get_deleted_secret(&self, name: &str, base: &str) -> Resp {
        let found = self.secrets.get_deleted(name);
        self.deleted_answer(base, Kind::Secret, name, found, |v| {
            self.secret_json(base, name, v, false)
        })
    }

    fn purge_secret(&mut self, name: &str) -> Resp {
        self.secrets
            .purge(name)
            .map_or_else(|r| r, |()| no_content())
    }

    fn recover_secret(&mut self, name: &str, base: &str) -> Resp {
        let recovered = self.secrets.recover(name);
        recovered.map_or_else(|r| r, |v| ok(self.secret_json(base, name, &v, false)))
    }

    fn backup_secret(&self, name: &str) -> Resp {
        let s = match self.secrets.live(name) {
            Ok(s) => s,
            Err(r) => return r,
        };
        let blob = match serde_json::to_vec(s) {
            Ok(b) => b,
            Err(e) => return kv_error(500, "InternalError", &e.to_string(), None),
        };
        let mut framed = BACKUP_MAGIC.as_bytes().to_vec();
        framed.extend(blob);
        ok(json!({ "value": URL_SAFE_NO_PAD.encode(framed) }))
    }

    fn restore_secret(&mut self, req: &Req, base: &str) -> Resp {
        let body = match parse_body(req) {
            Ok(b) => b,
            Err(r) => return r,
        };
        let decoded = body
            .get("value")
            .and_then(Value::as_str)
            .and_then(|v| URL_SAFE_NO_PAD.decode(v.trim_end_matches('=')).ok())
            .and_then(|b| b.strip_prefix(BACKUP_MAGIC.as_bytes()).map(<[u8]>::to_vec))
            .and_then(|b| serde_json::from_slice::<Secret>(&b).ok());
        let Some(s) = decoded else {
            return bad("Backup blob could not be decrypted or is not a secret backup.");
        };
        let name = s.name.clone();
        match self.secrets.restore(s) {
            Ok(latest) => ok(self.secret_json(base, &name, &latest, false)),
            Err(r) => r,
        }
    }

    // ---- keys ----

    fn key_json(&self, base: &str, name: &str, v: &KeyVersion) -> Value {
        let mut jwk = Map::new();
        jwk.insert(
            "kid".into(),
            json!(format!("{base}/keys/{name}/{}", v.version)),
        );
        jwk.insert("kty".into(), json!(v.kty));
        jwk.insert("key_ops".into(), json!(v.key_ops));
        if let Some(crv) = &v.crv {
            jwk.insert("crv".into(), json!(crv));
        }
        for (k, val) in &v.material {
            jwk.insert((*k).into(), json!(val));
        }
        let mut out = json!({"key": jwk, "attributes": v.attrs.json(self.config.recoverable_days)});
        out["attributes"]["exportable"] = json!(false);
        if let Some(t) = &v.tags {
            out["tags"] = Value::Object(t.clone());
        }
        out
    }

    fn key_item(&self, base: &str, name: &str, v: &KeyVersion, with_version: bool) -> Value {
        let kid = if with_version {
            format!("{base}/keys/{name}/{}", v.version)
        } else {
            format!("{base}/keys/{name}")
        };
        let mut out = json!({"kid": kid, "attributes": v.attrs.json(self.config.recoverable_days)});
        if let Some(t) = &v.tags {
            out["tags"] = Value::Object(t.clone());
        }
        out
    }

    fn key_items(&self, base: &str) -> Vec<Value> {
        self.keys
            .current()
            .map(|(name, v)| self.key_item(base, name, v, false))
            .collect()
    }

    fn key_version_items(&self, name: &str, base: &str) -> Result<Vec<Value>, Resp> {
        let k = self.keys.live(name)?;
        Ok(k.versions
            .iter()
            .map(|v| self.key_item(base, name, v, true))
            .collect())
    }

    /// Key material of the right shape. The data plane never hands out private keys and this
    /// server implements no cryptographic operations, so the public parts are random bytes of
    /// the right length (documented: not a usable key).
    fn material(kty: &str, size: Option<u64>, crv: Option<&str>) -> Vec<(&'static str, String)> {
        let random = |len: usize| {
            let mut b = Vec::with_capacity(len);
            while b.len() < len {
                b.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
            }
            b.truncate(len);
            URL_SAFE_NO_PAD.encode(b)
        };
        if kty.starts_with("EC") {
            let len = match crv {
                Some("P-384") => 48,
                Some("P-521") => 66,
                _ => 32,
            };
            vec![("x", random(len)), ("y", random(len))]
        } else {
            let bytes = size.unwrap_or(2048) as usize / 8;
            vec![("n", random(bytes)), ("e", "AQAB".to_string())]
        }
    }

    fn create_key(&mut self, name: &str, req: &Req, base: &str) -> Resp {
        if !valid_name(name) {
            return bad(&format!("The request URI contains an invalid name: {name}"));
        }
        if let Err(r) = self.keys.check_reusable(name) {
            return r;
        }
        let body = match parse_body(req) {
            Ok(b) => b,
            Err(r) => return r,
        };
        let kty = body.get("kty").and_then(Value::as_str).unwrap_or("");
        let (key_size, crv, default_ops): (Option<u64>, Option<String>, &[&str]) = match kty {
            "RSA" | "RSA-HSM" => {
                let size = body.get("key_size").and_then(Value::as_u64).unwrap_or(2048);
                if ![2048, 3072, 4096].contains(&size) {
                    return bad(&format!("Invalid key size {size}: use 2048, 3072 or 4096."));
                }
                (
                    Some(size),
                    None,
                    &[
                        "encrypt",
                        "decrypt",
                        "sign",
                        "verify",
                        "wrapKey",
                        "unwrapKey",
                    ],
                )
            }
            "EC" | "EC-HSM" => {
                let crv = body.get("crv").and_then(Value::as_str).unwrap_or("P-256");
                if !["P-256", "P-384", "P-521", "P-256K"].contains(&crv) {
                    return bad(&format!("Invalid curve {crv}."));
                }
                (None, Some(crv.to_string()), &["sign", "verify"])
            }
            other => {
                return bad(&format!(
                "Invalid key type '{other}': this vault creates RSA, RSA-HSM, EC and EC-HSM keys."
            ))
            }
        };
        let key_ops = match body.get("key_ops").and_then(Value::as_array) {
            Some(ops) => ops
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            None => default_ops.iter().map(|s| s.to_string()).collect(),
        };
        let tags = match tags_from(body.get("tags")) {
            Ok(t) => t,
            Err(r) => return r,
        };
        let now = now();
        let mut attrs = Attrs::new(now);
        if let Some(a) = body.get("attributes") {
            if let Err(r) = attrs.apply(a, now) {
                return r;
            }
        }
        let v = KeyVersion {
            version: new_version(),
            kty: kty.to_string(),
            key_size,
            material: Self::material(kty, key_size, crv.as_deref()),
            crv,
            key_ops,
            tags,
            attrs,
        };
        let out = self.key_json(base, name, &v);
        self.keys.push(name, v);
        ok(out)
    }

    fn get_key(&self, name: &str, version: Option<&str>, base: &str) -> Resp {
        match self.keys.version(name, version) {
            Ok(v) => ok(self.key_json(base, name, v)),
            Err(r) => r,
        }
    }

    fn update_key(&mut self, name: &str, version: Option<&str>, req: &Req, base: &str) -> Resp {
        let body = match parse_body(req) {
            Ok(b) => b,
            Err(r) => return r,
        };
        let key_ops = |v: &mut KeyVersion, body: &Value| {
            if let Some(ops) = body.get("key_ops").and_then(Value::as_array) {
                v.key_ops = ops
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect();
            }
            Ok(())
        };
        match self.keys.update(name, version, &body, now(), key_ops) {
            Ok(v) => ok(self.key_json(base, name, &v)),
            Err(r) => r,
        }
    }

    fn rotate_key(&mut self, name: &str, base: &str) -> Resp {
        let k = match self.keys.live(name) {
            Ok(k) => k,
            Err(r) => return r,
        };
        let Some(last) = k.versions.last() else {
            return not_found("keys", name);
        };
        let now = now();
        let mut attrs = Attrs::new(now);
        attrs.enabled = true;
        // A rotation policy's expiryTime sets the new version's expiry.
        if let Some(days) = k
            .extra
            .as_ref()
            .and_then(|p| p.expiry_time.as_deref())
            .and_then(duration_days)
        {
            attrs.exp = Some(now + (days * 86400.0) as i64);
        }
        let v = KeyVersion {
            version: new_version(),
            kty: last.kty.clone(),
            key_size: last.key_size,
            crv: last.crv.clone(),
            key_ops: last.key_ops.clone(),
            material: Self::material(&last.kty, last.key_size, last.crv.as_deref()),
            tags: last.tags.clone(),
            attrs,
        };
        self.keys.push(name, v.clone());
        ok(self.key_json(base, name, &v))
    }

    fn delete_key(&mut self, name: &str, base: &str) -> Resp {
        let found = self.keys.delete(name, now());
        self.deleted_answer(base, Kind::Key, name, found, |v| {
            self.key_json(base, name, v)
        })
    }

    fn deleted_key_items(&self, base: &str) -> Vec<Value> {
        self.deleted_items(base, Kind::Key, self.keys.deleted(), |name, v| {
            self.key_item(base, name, v, false)
        })
    }

    fn get_deleted_key(&self, name: &str, base: &str) -> Resp {
        let found = self.keys.get_deleted(name);
        self.deleted_answer(base, Kind::Key, name, found, |v| {
            self.key_json(base, name, v)
        })
    }

    fn purge_key(&mut self, name: &str) -> Resp {
        self.keys.purge(name).map_or_else(|r| r, |()| no_content())
    }

    fn recover_key(&mut self, name: &str, base: &str) -> Resp {
        let recovered = self.keys.recover(name);
        recovered.map_or_else(|r| r, |v| ok(self.key_json(base, name, &v)))
    }

    fn policy_json(&self, base: &str, name: &str, k: &Key) -> Value {
        let created = k.versions.first().map(|v| v.attrs.created).unwrap_or(0);
        match &k.extra {
            Some(p) => {
                let mut attrs = json!({"created": p.created, "updated": p.updated});
                if let Some(e) = &p.expiry_time {
                    attrs["expiryTime"] = json!(e);
                }
                json!({
                    "id": format!("{base}/keys/{name}/rotationpolicy"),
                    "lifetimeActions": p.lifetime_actions,
                    "attributes": attrs,
                })
            }
            None => json!({
                "id": format!("{base}/keys/{name}/rotationpolicy"),
                "lifetimeActions": [
                    {"trigger": {"timeBeforeExpiry": "P30D"}, "action": {"type": "Notify"}}
                ],
                "attributes": {"created": created, "updated": created},
            }),
        }
    }

    fn get_rotation_policy(&self, name: &str, base: &str) -> Resp {
        match self.keys.live(name) {
            Ok(k) => ok(self.policy_json(base, name, k)),
            Err(r) => r,
        }
    }

    fn put_rotation_policy(&mut self, name: &str, req: &Req, base: &str) -> Resp {
        if let Err(r) = self.keys.live(name) {
            return r;
        }
        let body = match parse_body(req) {
            Ok(b) => b,
            Err(r) => return r,
        };
        let expiry_time = match body.pointer("/attributes/expiryTime") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => match duration_days(s) {
                Some(d) if d >= 28.0 => Some(s.clone()),
                Some(_) => return bad("expiryTime must be at least 28 days (P28D)."),
                None => {
                    return bad(&format!(
                        "expiryTime '{s}' is not an ISO 8601 duration such as P2Y or P90D."
                    ))
                }
            },
            Some(_) => return bad("expiryTime must be an ISO 8601 duration string."),
        };
        let actions = match body.get("lifetimeActions") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(a)) => a.clone(),
            Some(_) => return bad("lifetimeActions must be an array."),
        };
        let mut normalized = Vec::new();
        for a in &actions {
            let kind = a
                .pointer("/action/type")
                .and_then(Value::as_str)
                .unwrap_or("");
            let kind = match kind.to_ascii_lowercase().as_str() {
                "rotate" => "Rotate",
                "notify" => "Notify",
                _ => {
                    return bad(&format!(
                        "Invalid lifetime action type '{kind}': use Rotate or Notify."
                    ))
                }
            };
            let after = a
                .pointer("/trigger/timeAfterCreate")
                .and_then(Value::as_str);
            let before = a
                .pointer("/trigger/timeBeforeExpiry")
                .and_then(Value::as_str);
            let trigger = match (after, before) {
                (Some(t), None) => ("timeAfterCreate", t),
                (None, Some(t)) => ("timeBeforeExpiry", t),
                _ => {
                    return bad(
                        "Each lifetime action needs exactly one trigger: timeAfterCreate or timeBeforeExpiry.",
                    )
                }
            };
            let Some(days) = duration_days(trigger.1) else {
                return bad(&format!(
                    "Trigger '{}' is not an ISO 8601 duration such as P90D.",
                    trigger.1
                ));
            };
            if kind == "Notify" && trigger.0 == "timeAfterCreate" {
                return bad("A Notify action can only be triggered by timeBeforeExpiry.");
            }
            if days < 7.0 {
                return bad("A lifetime action trigger must be at least 7 days (P7D).");
            }
            if trigger.0 == "timeBeforeExpiry" {
                if let Some(exp) = expiry_time.as_deref().and_then(duration_days) {
                    if days >= exp {
                        return bad(
                            "timeBeforeExpiry must be shorter than the policy's expiryTime.",
                        );
                    }
                }
            }
            normalized.push(json!({"trigger": {trigger.0: trigger.1}, "action": {"type": kind}}));
        }
        let now = now();
        let k = match self.keys.live_mut(name) {
            Ok(k) => k,
            Err(r) => return r,
        };
        let created = k.extra.as_ref().map(|p| p.created).unwrap_or(now);
        k.extra = Some(RotationPolicy {
            lifetime_actions: Value::Array(normalized),
            expiry_time,
            created,
            updated: now,
        });
        match self.keys.live(name) {
            Ok(k) => ok(self.policy_json(base, name, k)),
            Err(r) => r,
        }
    }

    // ---- certificates (read-only; seeded by tests) ----

    pub(crate) fn add_certificate(
        &mut self,
        name: &str,
        cn: &str,
        der: Vec<u8>,
        days: i64,
    ) -> String {
        let now = now();
        let mut attrs = Attrs::new(now);
        attrs.nbf = Some(now - 300);
        attrs.exp = Some(now + days * 86400);
        let version = new_version();
        self.certs
            .entry(name.to_string())
            .or_default()
            .push(CertVersion {
                version: version.clone(),
                der,
                subject: format!("CN={cn}"),
                validity_days: days,
                attrs,
            });
        version
    }

    fn x5t(der: &[u8]) -> String {
        let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, der);
        URL_SAFE_NO_PAD.encode(digest.as_ref())
    }

    fn cert_item(&self, base: &str, name: &str, v: &CertVersion, with_version: bool) -> Value {
        let id = if with_version {
            format!("{base}/certificates/{name}/{}", v.version)
        } else {
            format!("{base}/certificates/{name}")
        };
        json!({
            "id": id,
            "x5t": Self::x5t(&v.der),
            "attributes": v.attrs.json(self.config.recoverable_days),
        })
    }

    fn cert_items(&self, base: &str) -> Vec<Value> {
        self.certs
            .iter()
            .filter_map(|(name, vs)| Some(self.cert_item(base, name, vs.last()?, false)))
            .collect()
    }

    fn cert_version_items(&self, name: &str, base: &str) -> Result<Vec<Value>, Resp> {
        let vs = self
            .certs
            .get(name)
            .ok_or_else(|| not_found("certificates", name))?;
        Ok(vs
            .iter()
            .map(|v| self.cert_item(base, name, v, true))
            .collect())
    }

    fn get_cert(&self, name: &str, version: Option<&str>, base: &str) -> Resp {
        let Some(vs) = self.certs.get(name) else {
            return not_found("certificates", name);
        };
        let v = match version {
            None => vs.last(),
            Some(ver) => vs.iter().find(|v| v.version == ver),
        };
        let Some(v) = v else {
            return not_found("certificates", name);
        };
        let months = (v.validity_days / 30).max(1);
        let attrs = v.attrs.json(self.config.recoverable_days);
        ok(json!({
            "id": format!("{base}/certificates/{name}/{}", v.version),
            "kid": format!("{base}/keys/{name}/{}", v.version),
            "sid": format!("{base}/secrets/{name}/{}", v.version),
            "x5t": Self::x5t(&v.der),
            "cer": STANDARD.encode(&v.der),
            "attributes": attrs,
            "policy": {
                "id": format!("{base}/certificates/{name}/policy"),
                "key_props": {"exportable": true, "kty": "RSA", "key_size": 2048, "reuse_key": false},
                "secret_props": {"contentType": "application/x-pkcs12"},
                "x509_props": {
                    "subject": v.subject,
                    "ekus": ["1.3.6.1.5.5.7.3.1"],
                    "key_usage": ["digitalSignature"],
                    "validity_months": months
                },
                "lifetime_actions": [
                    {"trigger": {"lifetime_percentage": 80}, "action": {"action_type": "EmailContacts"}}
                ],
                "issuer": {"name": "Self"},
                "attributes": {"enabled": true, "created": v.attrs.created, "updated": v.attrs.updated}
            }
        }))
    }

    // ---- the fake Entra ID ----

    fn aad_error(status: u16, error: &str, description: &str) -> Resp {
        resp(
            status,
            json!({"error": error, "error_description": description, "error_codes": [], "timestamp": "", "trace_id": "", "correlation_id": ""}),
        )
    }

    fn openid(&self, tenant: &str) -> Resp {
        let a = self.authority();
        ok(json!({
            "token_endpoint": format!("{a}/{tenant}/oauth2/v2.0/token"),
            "authorization_endpoint": format!("{a}/{tenant}/oauth2/v2.0/authorize"),
            "device_authorization_endpoint": format!("{a}/{tenant}/oauth2/v2.0/devicecode"),
            "issuer": format!("{a}/{tenant}/v2.0"),
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "tenant_region_scope": null,
        }))
    }

    fn form(req: &Req) -> HashMap<String, String> {
        form_urlencoded::parse(&req.body).into_owned().collect()
    }

    fn token_response(&mut self, refresh: bool, scope: &str) -> Resp {
        // Refresh tokens come from user sign-ins (device code) only.
        let who = if refresh {
            Principal::User
        } else {
            Principal::Application
        };
        let access = self.issue_token(who);
        let ttl = self.config.token_ttl.as_secs();
        let mut body = json!({
            "token_type": "Bearer",
            "scope": scope,
            "expires_in": ttl,
            "ext_expires_in": ttl,
            "access_token": access,
        });
        if refresh {
            let rt = format!("kvtest-rt-{}", uuid::Uuid::new_v4().simple());
            self.refresh_tokens.insert(rt.clone(), ());
            body["refresh_token"] = json!(rt);
        }
        ok(body)
    }

    fn token(&mut self, tenant: &str, req: &Req) -> Resp {
        if tenant != self.config.tenant_id {
            return Self::aad_error(
                400,
                "invalid_request",
                &format!("AADSTS90002: Tenant '{tenant}' not found."),
            );
        }
        let form = Self::form(req);
        let get = |k: &str| form.get(k).map(String::as_str).unwrap_or("");
        if get("client_id") != self.config.client_id {
            return Self::aad_error(
                400,
                "unauthorized_client",
                &format!(
                    "AADSTS700016: Application with identifier '{}' was not found in the directory.",
                    get("client_id")
                ),
            );
        }
        let scope = get("scope").to_string();
        match get("grant_type") {
            "client_credentials" => {
                if get("client_secret") != self.config.client_secret {
                    return Self::aad_error(
                        401,
                        "invalid_client",
                        "AADSTS7000215: Invalid client secret provided. Ensure the secret being \
                         sent in the request is the client secret value, not the client secret ID.",
                    );
                }
                if !scope.ends_with("/.default") {
                    return Self::aad_error(
                        400,
                        "invalid_scope",
                        "AADSTS1002012: The provided value for scope is not valid. Client \
                         credential flows must have a scope value with /.default suffixed.",
                    );
                }
                self.token_response(false, &scope)
            }
            "urn:ietf:params:oauth:grant-type:device_code" => {
                let code = get("device_code").to_string();
                let pending = self.config.device_pending_polls;
                let Some(d) = self.device_codes.get_mut(&code) else {
                    return Self::aad_error(
                        400,
                        "invalid_grant",
                        "AADSTS70000: The provided device code is invalid.",
                    );
                };
                if d.expires < Instant::now() {
                    self.device_codes.remove(&code);
                    return Self::aad_error(
                        400,
                        "expired_token",
                        "AADSTS70020: The provided value for the input parameter 'device_code' \
                         is not valid. This device code has expired.",
                    );
                }
                if d.polls < pending {
                    d.polls += 1;
                    return Self::aad_error(
                        400,
                        "authorization_pending",
                        "AADSTS70016: OAuth 2.0 device flow error. Authorization is pending. \
                         Continue polling.",
                    );
                }
                self.device_codes.remove(&code);
                self.token_response(true, &scope)
            }
            "refresh_token" => {
                let rt = get("refresh_token").to_string();
                if self.refresh_tokens.remove(&rt).is_none() {
                    return Self::aad_error(
                        400,
                        "invalid_grant",
                        "AADSTS700082: The refresh token has expired or is invalid.",
                    );
                }
                self.token_response(true, &scope)
            }
            other => Self::aad_error(
                400,
                "unsupported_grant_type",
                &format!("AADSTS70003: The app requested an unsupported grant type '{other}'."),
            ),
        }
    }

    /// `GET /msi/token?api-version=2019-08-01&resource=…[&client_id=…]` with
    /// `x-identity-header` and `metadata: true`, answered like the App Service token service:
    /// `{access_token, expires_on (string of unix seconds), resource, token_type}`.
    fn managed_identity_token(&mut self, req: &Req) -> Resp {
        if req.method != Method::GET {
            return resp(405, json!({"error": "method not allowed"}));
        }
        if req.identity_header.as_deref() != Some(self.config.identity_header.as_str()) {
            return resp(
                401,
                json!({"statusCode": 401, "message": "Unauthorized: x-identity-header is missing or wrong."}),
            );
        }
        if req.metadata.as_deref() != Some("true") {
            return resp(
                400,
                json!({"statusCode": 400, "message": "Required metadata header not specified"}),
            );
        }
        if req.query("api-version") != Some("2019-08-01") {
            return resp(
                400,
                json!({"statusCode": 400, "message": "api-version must be 2019-08-01"}),
            );
        }
        let Some(resource) = req.query("resource").map(str::to_string) else {
            return resp(
                400,
                json!({"statusCode": 400, "message": "resource is required"}),
            );
        };
        if let Some(id) = req.query("client_id") {
            if id != self.config.client_id {
                // The identity is not assigned to this "host".
                return resp(
                    400,
                    json!({"statusCode": 400, "message": format!("Identity {id} not found")}),
                );
            }
        }
        let token = self.issue_token(Principal::ManagedIdentity);
        let expires_on = now() + self.config.token_ttl.as_secs() as i64;
        ok(json!({
            "access_token": token,
            "expires_on": expires_on.to_string(),
            "resource": resource,
            "token_type": "Bearer",
            "client_id": self.config.client_id,
        }))
    }

    fn device_code(&mut self, tenant: &str, req: &Req) -> Resp {
        if tenant != self.config.tenant_id {
            return Self::aad_error(
                400,
                "invalid_request",
                &format!("AADSTS90002: Tenant '{tenant}' not found."),
            );
        }
        let form = Self::form(req);
        if form.get("client_id").map(String::as_str) != Some(self.config.client_id.as_str()) {
            return Self::aad_error(
                400,
                "unauthorized_client",
                "AADSTS700016: Application was not found in the directory.",
            );
        }
        let device_code = format!("kvtest-dc-{}", uuid::Uuid::new_v4().simple());
        let user_code: String = uuid::Uuid::new_v4()
            .simple()
            .to_string()
            .to_uppercase()
            .chars()
            .take(9)
            .collect();
        let uri = format!("{}/devicelogin", self.authority());
        self.user_codes.push(user_code.clone());
        self.device_codes.insert(
            device_code.clone(),
            DeviceCode {
                polls: 0,
                expires: Instant::now() + Duration::from_secs(900),
            },
        );
        ok(json!({
            "user_code": user_code,
            "device_code": device_code,
            "verification_uri": uri,
            "expires_in": 900,
            "interval": self.config.device_poll_interval,
            "message": format!("To sign in, use a web browser to open the page {uri} and enter the code {user_code} to authenticate."),
        }))
    }
}
