//! One isolated `vdeck` user for the provider CLI tests: its own HOME, config and data dirs,
//! a clean environment plus the provider variables the test passes in.

#![allow(dead_code)] // each test file uses a different subset

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use secrecy::ExposeSecret;
use serde_json::Value;
use vaultdeck_aws::{AwsClient, AwsSettings, SecretPayload, StaticKeys, VersionSelector};
use vaultdeck_testkit::AzureKeyVault;

/// A CLI user with private dirs and a fixed set of extra environment variables.
pub struct User {
    pub dir: tempfile::TempDir,
    /// Provider environment (AWS_*, AZURE_*…) added to every run.
    pub env: Vec<(String, String)>,
}

impl User {
    /// A user whose runs see `env` on top of PATH, HOME and the Vaultdeck dirs.
    pub fn with_env(env: Vec<(String, String)>) -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
            env,
        }
    }

    /// The same user with `k=v` in its environment (replacing an earlier `k`).
    pub fn set_env(mut self, k: &str, v: &str) -> Self {
        self.env.retain(|(key, _)| key != k);
        self.env.push((k.into(), v.into()));
        self
    }

    /// Runs `vdeck args…`, writing `stdin` (if any) to its standard input.
    pub fn run(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_vdeck"));
        cmd.args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("VAULTDECK_CONFIG_DIR", self.dir.path().join("config"))
            .env("VAULTDECK_DATA_DIR", self.dir.path().join("data"))
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        if let Some(input) = stdin {
            child
                .stdin
                .take()
                .unwrap()
                .write_all(input.as_bytes())
                .unwrap();
        }
        drop(child.stdin.take());
        child.wait_with_output().unwrap()
    }

    /// Runs a command that must succeed; returns stdout.
    pub fn ok(&self, args: &[&str], stdin: Option<&str>) -> String {
        let out = self.run(args, stdin);
        assert!(
            out.status.success(),
            "vdeck {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs a command with `--json` that must succeed; returns the parsed stdout.
    pub fn json(&self, args: &[&str], stdin: Option<&str>) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let text = self.ok(&all, stdin);
        serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("vdeck {args:?}: not JSON ({e}): {text}"))
    }

    /// Runs a command that must fail with exit `code`; returns stderr.
    pub fn fails(&self, args: &[&str], stdin: Option<&str>, code: i32) -> String {
        let out = self.run(args, stdin);
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(code), "vdeck {args:?}: {err}");
        err
    }

    /// Writes this user's profiles.toml with one Azure profile (`id`, `name`) on the test
    /// server `s`: its vault URL and CA bundle, plus `lines` (auth, tenant…, one per line).
    pub fn write_azure_profile(&self, s: &AzureKeyVault, id: &str, name: &str, lines: &str) {
        let config = self.dir.path().join("config");
        std::fs::create_dir_all(&config).unwrap();
        std::fs::write(
            config.join("profiles.toml"),
            format!(
                "[[profile]]\nid = \"{id}\"\nname = \"{name}\"\n\n[profile.kind]\n\
                 provider = \"azure\"\nvault_url = \"{}\"\n{lines}ca_bundle = \"{}\"\n",
                s.vault_url(),
                s.ca_pem_path().display()
            ),
        )
        .unwrap();
    }

    /// The audit log.
    pub fn audit(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("data/audit.jsonl")).unwrap_or_default()
    }

    /// Everything the CLI wrote under its data dir (audit log, head record, logs), for leak checks.
    pub fn data_text(&self) -> String {
        files(&self.dir.path().join("data"))
            .iter()
            .map(|f| std::fs::read_to_string(f).unwrap_or_default())
            .collect()
    }
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(files(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// `p-<hex>`: a name no earlier run used.
pub fn unique(p: &str) -> String {
    let n = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("{p}-{n:x}")
}

/// The standard Azure environment naming the test server's vault (AZURE_KEYVAULT_URL) and
/// trusting its CA (VDECK_AZURE_CA_BUNDLE), without credentials.
pub fn azure_vault_env(s: &AzureKeyVault) -> Vec<(String, String)> {
    vec![
        ("AZURE_KEYVAULT_URL".into(), s.vault_url()),
        (
            "VDECK_AZURE_CA_BUNDLE".into(),
            s.ca_pem_path().display().to_string(),
        ),
    ]
}

/// [`azure_vault_env`] plus the test server's service principal (AZURE_AUTHORITY_HOST,
/// AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET).
pub fn azure_service_principal_env(s: &AzureKeyVault) -> Vec<(String, String)> {
    let mut env = azure_vault_env(s);
    env.extend([
        ("AZURE_AUTHORITY_HOST".into(), s.authority_host()),
        ("AZURE_TENANT_ID".into(), s.tenant_id().to_owned()),
        ("AZURE_CLIENT_ID".into(), s.client_id().to_owned()),
        (
            "AZURE_CLIENT_SECRET".into(),
            s.client_secret().expose_secret().to_owned(),
        ),
    ]);
    env
}

/// An SDK client on the moto server at `endpoint` in `region`, for seeding and checking
/// what `vdeck` did.
pub async fn moto_sdk(endpoint: String, region: &str) -> AwsClient {
    AwsClient::connect(&AwsSettings {
        region: Some(region.into()),
        endpoint_url: Some(endpoint),
        keys: Some(StaticKeys {
            access_key_id: "AKIDSEED".into(),
            secret_access_key: secrecy::SecretString::from("seed".to_owned()),
            session_token: None,
        }),
        ..Default::default()
    })
    .await
    .unwrap()
}

/// The version id and string value of `name` at `sel`.
pub async fn aws_value(c: &AwsClient, name: &str, sel: &VersionSelector) -> (String, String) {
    let v = c.get_value(name, sel).await.unwrap();
    match &v.value {
        SecretPayload::String(s) => (v.version_id.clone(), s.expose_secret().to_owned()),
        SecretPayload::Binary(_) => panic!("binary"),
    }
}
