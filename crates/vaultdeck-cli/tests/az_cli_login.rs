//! Azure CLI sign-in for real (issue #8): Microsoft's own `az` (PyPI `azure-cli`, installed by
//! `scripts/setup.sh` into its own venv) logs in as a service principal against the project's
//! Entra ID + Key Vault test server, and `vdeck` — with an Azure profile whose auth is
//! `azure_cli`, or with no service-principal variables at all — gets its token through
//! `az account get-access-token` and lists and reveals a secret with it. A logged-out CLI, a
//! tenant the CLI cannot sign in to and a missing `az` each fail with a clear sign-in error
//! (exit 3) and nothing read.
//!
//! `az` runs with a private `AZURE_CONFIG_DIR` (never `~/.azure`), trusts the test CA through
//! `REQUESTS_CA_BUNDLE`, and talks only to the test server: a custom cloud points its Entra
//! ID and Resource Manager endpoints there, MSAL's instance discovery is off, telemetry is off
//! and the version-check cache is filled in so that it never looks for updates online. A
//! missing `azure-cli` install fails these tests with a pointer to the setup script; they never
//! skip.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::LazyLock;
use std::time::Instant;

use secrecy::ExposeSecret;
use vaultdeck_testkit::AzureKeyVault;

use common::{azure_service_principal_env, azure_vault_env, unique, User};

static SERVER: LazyLock<AzureKeyVault> = LazyLock::new(AzureKeyVault::start);
const SENTINEL: &str = "azCliLoginSentinel-7d2e";

/// Where `scripts/setup.sh` installs the Azure CLI: `$VAULTDECK_TOOLS/azcli-venv` (default
/// `~/.cache/vaultdeck/azcli-venv`).
fn azcli_venv() -> PathBuf {
    std::env::var_os("VAULTDECK_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME is set")).join(".cache/vaultdeck")
        })
        .join("azcli-venv")
}

/// One private Azure CLI installation state: its config dir (accounts, token cache, clouds)
/// and the environment every `az` run gets — also what `vdeck` passes on to the `az` it
/// starts.
struct AzCli {
    bin: PathBuf,
    config_dir: PathBuf,
}

impl AzCli {
    /// A fresh config dir under `home`, with the custom cloud of the test server registered
    /// and active; panics (pointing at the setup script) if `azure-cli` is not installed.
    fn new(home: &Path) -> Self {
        let venv = azcli_venv();
        let bin = venv.join("bin");
        let config_dir = home.join("azure-config");
        std::fs::create_dir_all(&config_dir).unwrap();
        // The installed versions as the CLI's own version-check cache, fresh: without it the
        // first command of a new config dir looks for newer releases on the internet.
        let seed = Command::new(bin.join("python"))
            .args([
                "-c",
                "import sys, json, datetime\n\
                 from azure.cli.core import __version__\n\
                 from azure.cli.core.util import _get_local_versions\n\
                 json.dump({'versions': _get_local_versions(),\n\
                            'update_time': str(datetime.datetime.now())},\n\
                           open(sys.argv[1], 'w'))\n\
                 print(__version__)",
            ])
            .arg(config_dir.join("versionCheck.json"))
            .output();
        match seed {
            Ok(out) if out.status.success() => {}
            Ok(out) => panic!(
                "azure-cli is not installed in {}: run scripts/setup.sh ({})",
                venv.display(),
                String::from_utf8_lossy(&out.stderr)
            ),
            Err(e) => panic!(
                "no Azure CLI venv at {}: run scripts/setup.sh ({e})",
                venv.display()
            ),
        }
        let az = Self { bin, config_dir };
        let s = &*SERVER;
        az.ok(&[
            "config",
            "set",
            "core.instance_discovery=false",
            "core.collect_telemetry=false",
        ]);
        az.ok(&[
            "cloud",
            "register",
            "--name",
            "VaultdeckTest",
            "--skip-endpoint-discovery",
            "--endpoint-active-directory",
            &s.authority_host(),
            "--endpoint-resource-manager",
            &format!("{}/", s.vault_url()),
            "--endpoint-active-directory-resource-id",
            "https://management.core.windows.net/",
            "--suffix-keyvault-dns",
            ".vault.azure.net",
        ]);
        az.ok(&["cloud", "set", "--name", "VaultdeckTest"]);
        az
    }

    /// PATH with the CLI's venv first (what `/bin/sh -c "az …"` searches).
    fn path(&self) -> String {
        format!(
            "{}:{}",
            self.bin.display(),
            std::env::var("PATH").unwrap_or_default()
        )
    }

    /// The environment of every `az` run (and of `vdeck`, which starts `az`).
    fn env(&self) -> Vec<(String, String)> {
        vec![
            ("PATH".into(), self.path()),
            (
                "AZURE_CONFIG_DIR".into(),
                self.config_dir.display().to_string(),
            ),
            (
                "REQUESTS_CA_BUNDLE".into(),
                SERVER.ca_pem_path().display().to_string(),
            ),
            ("AZURE_CORE_COLLECT_TELEMETRY".into(), "false".into()),
        ]
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(self.bin.join("az"))
            .args(args)
            .env_clear()
            .env("HOME", self.config_dir.parent().unwrap())
            .envs(self.env())
            .output()
            .unwrap_or_else(|e| panic!("az {args:?}: {e}"))
    }

    /// Runs `az args…`, which must succeed; returns stdout.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "az {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// `az login` as the test server's service principal (a tenant-level account: the test
    /// tenant has no subscriptions).
    fn login(&self) {
        let s = &*SERVER;
        let out = self.ok(&[
            "login",
            "--service-principal",
            "-u",
            s.client_id(),
            "-p",
            s.client_secret().expose_secret(),
            "--tenant",
            s.tenant_id(),
            "--allow-no-subscriptions",
            "-o",
            "json",
        ]);
        let accounts: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(accounts[0]["tenantId"], s.tenant_id(), "{out}");
        assert_eq!(accounts[0]["user"]["type"], "servicePrincipal", "{out}");
    }
}

/// Seeds `name` = [`SENTINEL`] through `vdeck` signed in as the service principal directly
/// (client secret), independent of the Azure CLI.
fn seed_secret(name: &str) {
    let writer = User::with_env(azure_service_principal_env(&SERVER));
    writer.json(&["az", "set", name], Some(SENTINEL));
}

/// Writes a profile `azure-cli` (id `az-cli`) that signs in through the Azure CLI, with
/// `tenant` (passed to `az account get-access-token --tenant`) if given.
fn write_cli_profile(u: &User, tenant: Option<&str>) {
    let tenant = tenant
        .map(|t| format!("tenant_id = \"{t}\"\n"))
        .unwrap_or_default();
    u.write_azure_profile(
        &SERVER,
        "az-cli",
        "azure-cli",
        &format!("{tenant}auth = \"azure_cli\"\n"),
    );
}

#[test]
fn azure_cli_profile_lists_and_reveals_with_the_real_az_login() {
    let name = unique("azcli");
    seed_secret(&name);

    let home = tempfile::tempdir().unwrap();
    let az = AzCli::new(home.path());
    let started = Instant::now();
    az.login();
    let login_secs = started.elapsed().as_secs_f64();
    // What the credential runs, by hand: a token for Key Vault's scope.
    let token: serde_json::Value = serde_json::from_str(&az.ok(&[
        "account",
        "get-access-token",
        "-o",
        "json",
        "--scope",
        "https://vault.azure.net/.default",
    ]))
    .unwrap();
    assert!(token["accessToken"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(token["expires_on"].as_i64().is_some(), "{token}");

    let u = User::with_env(az.env());
    write_cli_profile(&u, Some(SERVER.tenant_id()));
    let started = Instant::now();
    let listed = u.json(&["az", "--profile", "azure-cli", "ls"], None);
    let ls_secs = started.elapsed().as_secs_f64();
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == name.as_str()),
        "{listed}"
    );
    assert!(
        !listed.to_string().contains(SENTINEL),
        "a list carried a value"
    );
    let got = u.json(
        &["az", "--profile", "azure-cli", "get", &name, "--reveal"],
        None,
    );
    assert_eq!(got["value"], SENTINEL);
    let audit = u.audit();
    assert!(
        audit.contains("az.reveal") && audit.contains("azure-cli"),
        "{audit}"
    );
    assert!(!audit.contains(SENTINEL), "a value reached the audit log");
    assert!(
        !u.data_text()
            .contains(token["accessToken"].as_str().unwrap()),
        "the access token reached vdeck's data dir"
    );
    eprintln!("az login {login_secs:.2}s; vdeck az ls via az {ls_secs:.2}s");

    // Logged out: a clear sign-in error that names `az login`, exit 3, nothing read.
    az.ok(&["logout"]);
    let err = u.fails(
        &["az", "--profile", "azure-cli", "get", &name, "--reveal"],
        None,
        3,
    );
    assert!(err.contains("az login"), "{err}");
    assert!(!err.contains(SENTINEL), "{err}");
}

#[test]
fn without_a_service_principal_the_environment_mode_uses_az() {
    let name = unique("azenv");
    seed_secret(&name);
    let home = tempfile::tempdir().unwrap();
    let az = AzCli::new(home.path());
    az.login();
    let s = &*SERVER;
    // No AZURE_CLIENT_SECRET: `vdeck az --vault-url …` falls back to the Azure CLI's login.
    let mut env = az.env();
    env.extend(azure_vault_env(s));
    let u = User::with_env(env);
    assert_eq!(
        u.ok(&["az", "get", &name, "--reveal"], None).trim(),
        SENTINEL
    );

    // A tenant the CLI's service principal cannot sign in to: the authority's refusal comes
    // through (exit 3).
    let other = User::with_env(u.env.clone())
        .set_env("AZURE_TENANT_ID", "00000000-0000-4000-8000-00000000beef");
    let err = other.fails(&["az", "get", &name, "--reveal"], None, 3);
    assert!(err.contains("AADSTS90002"), "{err}");
    assert!(!err.contains(SENTINEL), "{err}");

    // No `az` on PATH: said so plainly (exit 3).
    let no_az = User::with_env(u.env.clone()).set_env("PATH", "/usr/bin:/bin");
    let err = no_az.fails(&["az", "ls"], None, 3);
    assert!(err.contains("az not found on PATH"), "{err}");
}
