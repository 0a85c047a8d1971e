//! The Azure Key Vault test server against Microsoft's official Python SDK: the script
//! `azure_sdk_check/check.py` drives every implemented operation (secrets incl. the soft-delete
//! transitions, keys incl. rotation policy, certificates) through `azure-keyvault-*` with a real
//! `ClientSecretCredential` against the server's fake Entra ID, and must pass.
//!
//! The SDK lives in the project's venv (`scripts/setup.sh` installs pinned versions); a missing
//! venv fails this test with a pointer to the setup script, it never skips.

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use secrecy::ExposeSecret;
use vaultdeck_testkit::AzureKeyVault;

fn venv_python() -> PathBuf {
    let tools = std::env::var_os("VAULTDECK_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME is set")).join(".cache/vaultdeck")
        });
    tools.join("venv/bin/python")
}

#[test]
fn official_python_sdk_passes_against_the_test_server() {
    let python = venv_python();
    let probe = Command::new(&python)
        .args([
            "-c",
            "import azure.keyvault.secrets, azure.keyvault.keys, azure.keyvault.certificates, azure.identity",
        ])
        .output();
    match probe {
        Ok(out) if out.status.success() => {}
        Ok(out) => panic!(
            "the Azure SDK is not installed in {}: run scripts/setup.sh ({})",
            python.display(),
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => panic!(
            "no Python venv at {}: run scripts/setup.sh ({e})",
            python.display()
        ),
    }

    let server = AzureKeyVault::start();
    server.seed_certificate("py-cert", "py-cert.example", 365);
    server.seed_certificate("py-cert", "py-cert.example", 730);
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("azure_sdk_check/check.py");
    let started = Instant::now();
    let out = Command::new(&python)
        .arg(&script)
        .args(["--vault", &server.vault_url()])
        .args(["--authority", &server.authority_host()])
        .args(["--tenant", server.tenant_id()])
        .args(["--client-id", server.client_id()])
        .arg("--ca")
        .arg(server.ca_pem_path())
        .args(["--certificate", "py-cert"])
        .env(
            "AZURE_TEST_CLIENT_SECRET",
            server.client_secret().expose_secret(),
        )
        .env("REQUESTS_CA_BUNDLE", server.ca_pem_path())
        .env_remove("AZURE_AUTHORITY_HOST")
        .output()
        .expect("run the Python SDK check");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(
        out.status.success(),
        "the official Python SDK disagrees with the test server:\n{stdout}\n{stderr}"
    );
    // Sanity: the checks really ran against this server (not a no-op script).
    let ok_lines = stdout.lines().filter(|l| l.starts_with("ok ")).count();
    assert!(ok_lines >= 23, "too few checks ran:\n{stdout}");
    let log = server.requests();
    assert!(
        log.iter()
            .any(|r| r.path.ends_with("/oauth2/v2.0/token") && r.status == 200),
        "the SDK never got a token from the fake authority"
    );
    assert!(
        log.iter().any(|r| !r.authenticated && r.status == 401),
        "the SDK never saw the bearer challenge"
    );
    assert!(
        log.iter()
            .any(|r| r.path == "/secrets" && r.query("$skiptoken").is_some()),
        "the SDK never followed a nextLink"
    );
    // Key soft delete went through the server's deleted-keys collection.
    let key_call = |method: &str, matches: &dyn Fn(&str) -> bool| {
        log.iter()
            .any(|r| r.method == method && matches(&r.path) && (200..300).contains(&r.status))
    };
    assert!(
        key_call("DELETE", &|p| p.starts_with("/keys/")),
        "no key delete"
    );
    assert!(
        key_call("GET", &|p| p == "/deletedkeys"),
        "no deleted-keys list"
    );
    assert!(
        key_call("POST", &|p| p.starts_with("/deletedkeys/")
            && p.ends_with("/recover")),
        "no key recover"
    );
    assert!(
        key_call("DELETE", &|p| p.starts_with("/deletedkeys/")),
        "no key purge"
    );
    println!("python SDK check took {:?}", started.elapsed());
}
