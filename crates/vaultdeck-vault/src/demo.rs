//! Demo data for a fresh dev server: a realistic KV tree, a KV v1 mount, ACL policies,
//! userpass and AppRole logins and, with a PostgreSQL target, a database engine with leases.
//!
//! Seeding is idempotent enough to re-run (mounts and auth methods that exist are kept;
//! secrets get a new version).

use futures::stream::{self, StreamExt, TryStreamExt};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde_json::{json, Value};
use tracing::instrument;

use crate::client::VaultClient;
use crate::error::Error;

/// Requests in flight while seeding.
const CONCURRENCY: usize = 16;

/// The demo userpass login.
pub const DEMO_USERNAME: &str = "demo";
/// The demo userpass password (a demo server is throwaway; never reuse this).
pub const DEMO_PASSWORD: &str = "demo";
/// The demo AppRole role name.
pub const DEMO_APPROLE: &str = "ci";
/// The database role whose credentials are issued.
pub const DEMO_DB_ROLE: &str = "readonly";
/// The ACL policies the seed writes.
pub const DEMO_POLICIES: &[&str] = &[
    "app-read",
    "team-payments-admin",
    "auditor",
    "ci-deployer",
    "platform-oncall",
];

/// A PostgreSQL server for the demo `database/` engine. The user must be able to create roles.
#[derive(Debug, Clone)]
pub struct PgTarget {
    /// Host name or IP.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// A user that may create roles (e.g. a superuser such as `vaultadmin`).
    pub user: String,
    /// Its password.
    pub password: SecretString,
    /// Database to connect to.
    pub database: String,
}

/// What [`seed`] wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DemoSummary {
    /// Distinct KV v2 secrets under `secret/`.
    pub kv2_secrets: usize,
    /// KV v2 versions written (some secrets have several).
    pub kv2_versions: usize,
    /// KV v2 secrets given custom metadata.
    pub kv2_with_metadata: usize,
    /// KV v1 secrets under `kv1/`.
    pub kv1_secrets: usize,
    /// ACL policies written.
    pub policies: usize,
    /// Userpass users created.
    pub userpass_users: usize,
    /// AppRole roles created.
    pub approle_roles: usize,
    /// Whether the `database/` engine was configured.
    pub database_configured: bool,
    /// Database credentials issued (each one a lease).
    pub database_leases: usize,
}

/// One KV v2 secret to write: its versions in order and optional custom metadata.
struct KvSeed {
    path: String,
    versions: Vec<Value>,
    custom_metadata: Option<Value>,
}

/// Seeds demo data into a fresh dev server; `client` must hold the root token.
///
/// Writes ~300 KV v2 secrets under `secret/` (`apps/<team>/<service>/{db,api,tls,config}`,
/// `infra/...`, `ci/...`, `shared/...`; some with several versions and custom metadata),
/// 20 KV v1 secrets under `kv1/`, the [`DEMO_POLICIES`], userpass user `demo`/`demo`
/// (policy `app-read`), AppRole role `ci` (policy `ci-deployer`) and, when `pg` is given, a
/// `database/` engine with role `readonly` and 3 issued credentials. Runs up to 16 requests
/// concurrently; takes a few seconds.
#[instrument(skip_all, fields(address = %client.address(), with_pg = pg.is_some()))]
pub async fn seed(client: &VaultClient, pg: Option<&PgTarget>) -> Result<DemoSummary, Error> {
    let mut summary = DemoSummary::default();

    ensure_mount(
        client,
        "secret",
        json!({"type": "kv", "options": {"version": "2"},
        "description": "key/value secret storage"}),
    )
    .await?;
    ensure_mount(
        client,
        "kv1",
        json!({"type": "kv", "options": {"version": "1"},
        "description": "Legacy KV v1 secrets (pre-2020 services)"}),
    )
    .await?;

    for (name, rules) in policies() {
        client
            .write(
                &format!("sys/policies/acl/{name}"),
                &json!({ "policy": rules }),
            )
            .await?;
        summary.policies += 1;
    }

    let kv2 = kv2_seeds();
    summary.kv2_secrets = kv2.len();
    summary.kv2_versions = kv2.iter().map(|s| s.versions.len()).sum();
    summary.kv2_with_metadata = kv2.iter().filter(|s| s.custom_metadata.is_some()).count();
    stream::iter(kv2)
        .map(|s| write_kv2(client, s))
        .buffer_unordered(CONCURRENCY)
        .try_collect::<Vec<()>>()
        .await?;

    let kv1 = kv1_seeds();
    summary.kv1_secrets = kv1.len();
    stream::iter(kv1)
        .map(|(path, data)| async move {
            let path = format!("kv1/{path}");
            client.write(&path, &data).await?;
            Ok::<(), Error>(())
        })
        .buffer_unordered(CONCURRENCY)
        .try_collect::<Vec<()>>()
        .await?;

    ensure_auth(client, "userpass", "userpass", "Demo users").await?;
    client
        .write(
            &format!("auth/userpass/users/{DEMO_USERNAME}"),
            &json!({"password": DEMO_PASSWORD, "token_policies": ["app-read"],
                    "token_ttl": "1h", "token_max_ttl": "8h"}),
        )
        .await?;
    summary.userpass_users = 1;

    ensure_auth(client, "approle", "approle", "CI and service logins").await?;
    client
        .write(
            &format!("auth/approle/role/{DEMO_APPROLE}"),
            &json!({"token_policies": ["ci-deployer"], "token_ttl": "20m",
                    "token_max_ttl": "1h", "secret_id_ttl": "24h"}),
        )
        .await?;
    summary.approle_roles = 1;

    if let Some(pg) = pg {
        summary.database_leases = seed_database(client, pg).await?;
        summary.database_configured = true;
    }
    tracing::info!(?summary, "demo data seeded");
    Ok(summary)
}

async fn write_kv2(client: &VaultClient, s: KvSeed) -> Result<(), Error> {
    let data_path = format!("secret/data/{}", s.path);
    for data in &s.versions {
        let body = json!({ "data": data });
        client.write(&data_path, &body).await?;
    }
    if let Some(meta) = &s.custom_metadata {
        let body = json!({ "custom_metadata": meta, "max_versions": 10 });
        let meta_path = format!("secret/metadata/{}", s.path);
        client.write(&meta_path, &body).await?;
    }
    Ok(())
}

async fn ensure_mount(client: &VaultClient, path: &str, body: Value) -> Result<(), Error> {
    let mounts = client.read("sys/mounts").await?.unwrap_or(Value::Null);
    let key = format!("{path}/");
    let existing = mounts
        .pointer("/data")
        .unwrap_or(&mounts)
        .get(&key)
        .is_some();
    if !existing {
        client.write(&format!("sys/mounts/{path}"), &body).await?;
    }
    Ok(())
}

async fn ensure_auth(
    client: &VaultClient,
    path: &str,
    kind: &str,
    description: &str,
) -> Result<(), Error> {
    let auths = client.read("sys/auth").await?.unwrap_or(Value::Null);
    let key = format!("{path}/");
    if auths.pointer("/data").unwrap_or(&auths).get(&key).is_none() {
        client
            .write(
                &format!("sys/auth/{path}"),
                &json!({"type": kind, "description": description}),
            )
            .await?;
    }
    Ok(())
}

async fn seed_database(client: &VaultClient, pg: &PgTarget) -> Result<usize, Error> {
    ensure_mount(
        client,
        "database",
        json!({"type": "database",
        "description": "Dynamic PostgreSQL credentials"}),
    )
    .await?;
    let host = if pg.host.contains(':') {
        format!("[{}]", pg.host)
    } else {
        pg.host.clone()
    };
    client
        .write(
            "database/config/demo-postgres",
            &json!({
                "plugin_name": "postgresql-database-plugin",
                "connection_url": format!(
                    "postgresql://{{{{username}}}}:{{{{password}}}}@{host}:{}/{}?sslmode=disable",
                    pg.port, pg.database
                ),
                "username": pg.user,
                "password": pg.password.expose_secret(),
                "allowed_roles": [DEMO_DB_ROLE],
                "verify_connection": true,
            }),
        )
        .await?;
    client
        .write(
            &format!("database/roles/{DEMO_DB_ROLE}"),
            &json!({
                "db_name": "demo-postgres",
                "creation_statements": [
                    "CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';",
                    "GRANT SELECT ON ALL TABLES IN SCHEMA public TO \"{{name}}\";"
                ],
                "default_ttl": "1h",
                "max_ttl": "24h",
            }),
        )
        .await?;
    let mut leases = 0;
    for _ in 0..3 {
        let path = format!("database/creds/{DEMO_DB_ROLE}");
        client.read(&path).await?.ok_or_else(|| {
            client.decode_error(
                &reqwest::Method::GET,
                &path,
                "404 right after the role was created".to_owned(),
            )
        })?;
        leases += 1;
    }
    Ok(leases)
}

// ------------------------------------------------------------------------ content

const TEAMS: &[(&str, &[&str])] = &[
    (
        "payments",
        &[
            "ledger",
            "gateway",
            "refunds",
            "invoicing",
            "fraud-score",
            "payouts",
        ],
    ),
    (
        "identity",
        &["auth-api", "sessions", "profile", "mfa", "scim", "consent"],
    ),
    (
        "search",
        &[
            "indexer",
            "query-api",
            "ranking",
            "autocomplete",
            "crawler",
            "synonyms",
        ],
    ),
    (
        "checkout",
        &[
            "cart",
            "pricing",
            "promotions",
            "tax",
            "shipping-quotes",
            "orders",
        ],
    ),
    (
        "growth",
        &[
            "campaigns",
            "referrals",
            "email-sender",
            "experiments",
            "push",
            "attribution",
        ],
    ),
    (
        "data",
        &[
            "warehouse-loader",
            "events-ingest",
            "dbt-runner",
            "feature-store",
            "exports",
            "airflow",
        ],
    ),
    (
        "platform",
        &[
            "api-gateway",
            "service-mesh",
            "feature-flags",
            "rate-limiter",
            "audit-sink",
            "scheduler",
        ],
    ),
    (
        "mobile",
        &[
            "bff-ios",
            "bff-android",
            "push-relay",
            "app-config",
            "crash-reports",
            "deep-links",
        ],
    ),
];

/// A random-looking string of `len` characters from `alphabet`.
fn random(len: usize, alphabet: &[u8]) -> String {
    let mut out = String::with_capacity(len);
    while out.len() < len {
        for b in uuid::Uuid::new_v4().as_bytes() {
            if out.len() == len {
                break;
            }
            out.push(alphabet[*b as usize % alphabet.len()] as char);
        }
    }
    out
}

fn password() -> String {
    random(
        24,
        b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_.!",
    )
}

fn hex(len: usize) -> String {
    random(len, b"0123456789abcdef")
}

fn b64(len: usize) -> String {
    random(
        len,
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
    )
}

fn pem(kind: &str) -> String {
    let body: Vec<String> = (0..6).map(|_| b64(64)).collect();
    format!(
        "-----BEGIN {kind}-----\n{}\n-----END {kind}-----\n",
        body.join("\n")
    )
}

fn kv2_seeds() -> Vec<KvSeed> {
    let mut out = Vec::new();
    let mut n = 0usize;
    let mut push = |path: String, make: &dyn Fn(usize) -> Value, owner: &str| {
        n += 1;
        let versions = if n.is_multiple_of(5) {
            3
        } else if n.is_multiple_of(7) {
            2
        } else {
            1
        };
        let custom_metadata = n.is_multiple_of(3).then(|| {
            json!({
                "owner": owner,
                "rotation-period": if n.is_multiple_of(2) { "90d" } else { "30d" },
                "ticket": format!("SEC-{}", 1000 + n),
            })
        });
        out.push(KvSeed {
            path,
            versions: (0..versions).map(make).collect(),
            custom_metadata,
        });
    };
    for (team, services) in TEAMS {
        let owner = format!("team-{team}");
        for svc in *services {
            let base = format!("apps/{team}/{svc}");
            let db_name = svc.replace('-', "_");
            push(
                format!("{base}/db"),
                &|_| {
                    json!({
                        "host": format!("{svc}-db.{team}.prod.internal"),
                        "port": "5432",
                        "database": db_name,
                        "username": format!("{db_name}_app"),
                        "password": password(),
                    })
                },
                &owner,
            );
            push(
                format!("{base}/api"),
                &|_| {
                    json!({
                        "client_id": format!("{svc}-{}", hex(8)),
                        "client_secret": password(),
                        "api_key": format!("sk_live_{}", random(32, b"abcdefghijklmnopqrstuvwxyz0123456789")),
                    })
                },
                &owner,
            );
            push(
                format!("{base}/tls"),
                &|_| {
                    json!({
                        "certificate": pem("CERTIFICATE"),
                        "private_key": pem("PRIVATE KEY"),
                        "common_name": format!("{svc}.{team}.example.com"),
                        "not_after": "2027-03-31T00:00:00Z",
                    })
                },
                &owner,
            );
            push(
                format!("{base}/config"),
                &|v| {
                    json!({
                        "log_level": if v == 0 { "info" } else { "debug" },
                        "sentry_dsn": format!("https://{}@o4504.ingest.sentry.io/{}", hex(32), 4500000 + v),
                        "feature_flags_sdk_key": format!("ff-{}", hex(24)),
                    })
                },
                &owner,
            );
        }
    }
    for env in ["prod", "staging", "dev"] {
        for region in ["eu-west-1", "us-east-1", "ap-south-1"] {
            let base = format!("infra/k8s/{env}/{region}");
            push(
                format!("{base}/kubeconfig"),
                &|_| json!({"server": format!("https://k8s-{env}-{region}.internal:6443"), "token": b64(48), "ca.crt": pem("CERTIFICATE")}),
                "team-platform",
            );
            push(
                format!("{base}/registry-pull"),
                &|_| json!({"registry": "registry.example.com", "username": format!("robot${env}"), "password": password()}),
                "team-platform",
            );
            push(
                format!("{base}/ingress-tls"),
                &|_| json!({"certificate": pem("CERTIFICATE"), "private_key": pem("EC PRIVATE KEY")}),
                "team-platform",
            );
        }
    }
    for account in ["prod", "staging", "dev", "security", "sandbox", "logging"] {
        for role in ["deploy", "readonly", "break-glass"] {
            push(
                format!("infra/aws/{account}/{role}"),
                &|_| {
                    json!({
                        "aws_access_key_id": format!("AKIA{}", random(16, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")),
                        "aws_secret_access_key": b64(40),
                        "region": "eu-west-1",
                    })
                },
                "team-platform",
            );
        }
    }
    for (path, kind) in [
        ("infra/dns/cloudflare", "api_token"),
        ("infra/dns/route53", "api_token"),
        ("infra/monitoring/grafana", "admin_password"),
        ("infra/monitoring/datadog", "api_key"),
        ("infra/monitoring/pagerduty", "integration_key"),
        ("infra/monitoring/sentry", "auth_token"),
        ("infra/monitoring/prometheus-remote-write", "password"),
        ("infra/monitoring/statuspage", "api_key"),
        ("infra/terraform/state-backend", "access_key"),
        ("infra/terraform/cloud-token", "token"),
        ("infra/terraform/provider-github", "token"),
        ("infra/vpn/wireguard-hub", "private_key"),
    ] {
        push(
            path.to_owned(),
            &|_| json!({ kind: b64(44) }),
            "team-platform",
        );
    }
    for system in ["github-actions", "buildkite", "argo-cd"] {
        for item in ["deploy-key", "webhook-secret", "registry-push"] {
            push(
                format!("ci/{system}/{item}"),
                &|_| json!({"value": b64(40), "rotated_by": "ci-bot"}),
                "team-platform",
            );
        }
    }
    for vendor in [
        "stripe", "twilio", "sendgrid", "slack", "segment", "algolia", "mapbox", "openai",
    ] {
        for env in ["prod", "staging"] {
            push(
                format!("shared/vendors/{vendor}/{env}"),
                &|_| json!({"api_key": format!("{vendor}_{env}_{}", hex(32)), "account": format!("acct-{}", hex(6))}),
                "team-platform",
            );
        }
    }
    for db in ["orders", "users", "analytics", "billing"] {
        for role in ["primary", "replica", "migrations"] {
            push(
                format!("platform/databases/{db}/{role}"),
                &|_| json!({"dsn": format!("postgres://{db}_{role}@{db}-{role}.db.internal:5432/{db}"), "password": password()}),
                "team-data",
            );
        }
    }
    for (team, _) in TEAMS {
        push(
            format!("teams/{team}/oncall"),
            &|_| json!({"pagerduty_service_key": hex(32), "slack_webhook": format!("https://hooks.slack.com/services/T0/{}", hex(16))}),
            &format!("team-{team}"),
        );
    }
    out
}

fn kv1_seeds() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for app in [
        "monolith",
        "billing-legacy",
        "reports",
        "cron-jobs",
        "ftp-bridge",
    ] {
        for item in ["db", "smtp", "s3", "license"] {
            out.push((
                format!("legacy/{app}/{item}"),
                json!({"username": format!("{}_{}", app.replace('-', "_"), item), "password": password()}),
            ));
        }
    }
    out
}

fn policies() -> Vec<(&'static str, String)> {
    vec![
        (
            "app-read",
            r#"# Read-only access to application secrets.
path "secret/data/apps/*" {
  capabilities = ["read"]
}
path "secret/metadata/apps/*" {
  capabilities = ["read", "list"]
}
path "secret/metadata/" {
  capabilities = ["list"]
}
path "kv1/legacy/*" {
  capabilities = ["read", "list"]
}
"#
            .to_owned(),
        ),
        (
            "team-payments-admin",
            r#"# Full control over the payments team's secrets, including versions.
path "secret/data/apps/payments/*" {
  capabilities = ["create", "read", "update", "patch", "delete"]
}
path "secret/metadata/apps/payments/*" {
  capabilities = ["read", "list", "update", "delete", "scan"]
}
path "secret/delete/apps/payments/*" {
  capabilities = ["update"]
}
path "secret/undelete/apps/payments/*" {
  capabilities = ["update"]
}
path "secret/destroy/apps/payments/*" {
  capabilities = ["update"]
}
path "secret/data/teams/payments/*" {
  capabilities = ["read", "update"]
}
path "sys/policies/acl/team-payments-*" {
  capabilities = ["read"]
}
"#
            .to_owned(),
        ),
        (
            "auditor",
            r#"# Sees structure and configuration, never secret values.
path "secret/metadata/*" {
  capabilities = ["read", "list", "scan"]
}
path "secret/data/*" {
  capabilities = ["deny"]
}
path "kv1/*" {
  capabilities = ["list"]
}
path "sys/policies/acl" {
  capabilities = ["list"]
}
path "sys/policies/acl/*" {
  capabilities = ["read"]
}
path "sys/mounts" {
  capabilities = ["read"]
}
path "sys/auth" {
  capabilities = ["read"]
}
path "sys/leases/lookup" {
  capabilities = ["list", "sudo"]
}
path "sys/leases/lookup/*" {
  capabilities = ["list", "sudo"]
}
path "auth/token/accessors" {
  capabilities = ["list", "sudo"]
}
"#
            .to_owned(),
        ),
        (
            "ci-deployer",
            r#"# What the CI pipeline needs to deploy: app config, registry, short-lived DB creds.
path "secret/data/ci/*" {
  capabilities = ["read"]
}
path "secret/data/apps/+/+/config" {
  capabilities = ["read", "update"]
}
path "secret/data/infra/k8s/+/+/registry-pull" {
  capabilities = ["read"]
}
path "database/creds/readonly" {
  capabilities = ["read"]
}
path "auth/token/renew-self" {
  capabilities = ["update"]
}
"#
            .to_owned(),
        ),
        (
            "platform-oncall",
            r#"# On-call platform engineers: infra secrets, leases and revocation.
path "secret/data/infra/*" {
  capabilities = ["read", "update"]
}
path "secret/metadata/infra/*" {
  capabilities = ["read", "list", "scan"]
}
path "sys/leases/lookup" {
  capabilities = ["list", "sudo"]
}
path "sys/leases/lookup/*" {
  capabilities = ["list", "sudo"]
}
path "sys/leases/revoke/*" {
  capabilities = ["update"]
}
path "sys/leases/revoke-prefix/database/*" {
  capabilities = ["update", "sudo"]
}
path "sys/health" {
  capabilities = ["read", "sudo"]
}
"#
            .to_owned(),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_is_about_300_distinct_secrets() {
        let seeds = kv2_seeds();
        let mut paths: Vec<&str> = seeds.iter().map(|s| s.path.as_str()).collect();
        paths.sort_unstable();
        paths.dedup();
        assert_eq!(paths.len(), seeds.len(), "duplicate paths");
        assert!((280..=340).contains(&seeds.len()), "{}", seeds.len());
        assert!(seeds.iter().any(|s| s.versions.len() > 1));
        assert!(seeds.iter().any(|s| s.custom_metadata.is_some()));
        assert_eq!(kv1_seeds().len(), 20);
        let dns = seeds
            .iter()
            .find(|s| s.path == "infra/dns/cloudflare")
            .unwrap();
        assert!(
            dns.versions[0]["api_token"].is_string(),
            "{}",
            dns.versions[0]
        );
        let names: Vec<&str> = policies().iter().map(|(n, _)| *n).collect();
        assert_eq!(names, DEMO_POLICIES);
    }
}
