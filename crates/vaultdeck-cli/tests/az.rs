//! `vdeck az` against the project's Azure Key Vault test server, configured through the
//! standard Azure environment (AZURE_KEYVAULT_URL, AZURE_TENANT_ID, AZURE_CLIENT_ID,
//! AZURE_CLIENT_SECRET, AZURE_AUTHORITY_HOST) plus the CA bundle: JSON output, exit codes,
//! values from stdin only, soft delete / recover / purge (typed confirmation), backup files,
//! rollback, key rotation and rotation policy, certificates, a device-code profile, and the
//! audit records left behind (never a value).

mod common;

use std::sync::LazyLock;

use secrecy::ExposeSecret;
use vaultdeck_testkit::AzureKeyVault;

use common::{azure_service_principal_env, unique, User};

static SERVER: LazyLock<AzureKeyVault> = LazyLock::new(AzureKeyVault::start);
const SENTINEL: &str = "cliAZsentinel-41c9";

/// A CLI user with the standard Azure environment (plus the test CA) set for the test server.
fn az_user() -> User {
    User::with_env(azure_service_principal_env(&SERVER))
}

#[test]
fn secrets_set_get_versions_update_and_expiring_filter() {
    let u = az_user();
    let name = unique("cli");
    let set = u.json(
        &[
            "az",
            "set",
            &name,
            "--content-type",
            "text/plain",
            "--tag",
            "env=ci",
        ],
        Some(&format!("{SENTINEL}\n")),
    );
    let v1 = set["version"].as_str().unwrap().to_string();
    assert_eq!(set["content_type"], "text/plain");
    assert_eq!(set["tags"]["env"], "ci");
    // get without --reveal shows properties only.
    let got = u.ok(&["az", "get", &name], None);
    assert!(!got.contains(SENTINEL), "{got}");
    let got = u.json(&["az", "get", &name, "--reveal"], None);
    assert_eq!(got["value"], SENTINEL);
    u.json(&["az", "set", &name], Some("second"));
    let versions = u.json(&["az", "versions", &name], None);
    assert_eq!(versions.as_array().unwrap().len(), 2);
    assert_eq!(
        u.ok(&["az", "get", &name, "--version", &v1, "--reveal"], None)
            .trim(),
        SENTINEL
    );
    // Empty stdin: refused, nothing written.
    u.fails(&["az", "set", &name], Some(""), 2);
    // Disable: a reveal is refused (403 SecretDisabled → exit 4); set an expiry.
    let exp = (std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 3 * 86400)
        .to_string();
    u.json(
        &[
            "az",
            "update",
            &name,
            "--enabled",
            "false",
            "--expires",
            &exp,
        ],
        None,
    );
    let err = u.fails(&["az", "get", &name, "--reveal"], None, 4);
    assert!(err.contains("SecretDisabled"), "{err}");
    let soon = u.json(&["az", "ls", "--expiring-within", "7"], None);
    assert!(soon
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["name"] == name.as_str() && p["enabled"] == false));
    let later = u.json(&["az", "ls", "--expiring-within", "1"], None);
    assert!(!later
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["name"] == name.as_str()));
    u.json(&["az", "update", &name, "--enabled", "true"], None);
    let audit = u.audit();
    assert!(audit.contains("az.set") && audit.contains("az.reveal") && audit.contains("az.update"));
    assert!(!audit.contains(SENTINEL), "a value reached the audit log");
    // Missing secret: exit 5.
    u.fails(&["az", "get", &unique("nope")], None, 5);
}

#[test]
fn delete_recover_purge_backup_restore() {
    let u = az_user();
    let name = unique("life");
    u.json(&["az", "set", &name], Some("v1"));
    u.json(&["az", "set", &name], Some("v2"));
    let backup = u.dir.path().join("backup.bin");
    let b = u.json(
        &["az", "backup", &name, "--out", backup.to_str().unwrap()],
        None,
    );
    assert!(b["bytes"].as_u64().unwrap() > 16);
    // Never overwrites an existing file.
    u.fails(
        &["az", "backup", &name, "--out", backup.to_str().unwrap()],
        None,
        2,
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&backup).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "backup file mode {mode:o}");
    }
    // A secret that does not exist: not found (exit 5), and no file is left behind.
    let missing = u.dir.path().join("missing.bin");
    u.fails(
        &[
            "az",
            "backup",
            &unique("nope"),
            "--out",
            missing.to_str().unwrap(),
        ],
        None,
        5,
    );
    assert!(!missing.exists(), "a failed backup left {missing:?}");
    // Restore onto the existing name: conflict (exit 7).
    u.fails(
        &["az", "restore", "--in", backup.to_str().unwrap()],
        None,
        7,
    );

    let d = u.json(&["az", "delete", &name], None);
    assert!(d["scheduled_purge_date"].as_i64().unwrap() > d["deleted_date"].as_i64().unwrap());
    let deleted = u.json(&["az", "ls", "--deleted"], None);
    assert!(deleted
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["props"]["name"] == name.as_str()));
    // Setting a deleted name: 409 ObjectIsDeletedButRecoverable, with the way out.
    let err = u.fails(&["az", "set", &name], Some("v3"), 7);
    assert!(
        err.contains("ObjectIsDeletedButRecoverable") && err.contains("vdeck az recover"),
        "{err}"
    );
    u.json(&["az", "recover", &name], None);
    assert_eq!(u.ok(&["az", "get", &name, "--reveal"], None).trim(), "v2");

    // Purge: refused without a terminal or --yes; then purged.
    u.json(&["az", "delete", &name], None);
    u.fails(&["az", "purge", &name], None, 2);
    u.json(&["az", "purge", &name, "--yes"], None);
    u.fails(&["az", "recover", &name], None, 5);
    let r = u.json(&["az", "restore", "--in", backup.to_str().unwrap()], None);
    assert_eq!(r["name"], name.as_str());
    assert_eq!(
        u.json(&["az", "versions", &name], None)
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let audit = u.audit();
    for action in [
        "az.backup",
        "az.delete",
        "az.recover",
        "az.purge",
        "az.restore",
    ] {
        assert!(audit.contains(action), "{action} not audited:\n{audit}");
    }
}

#[test]
fn rollback_dry_run_then_apply() {
    let u = az_user();
    let name = unique("rb");
    let old = u.json(&["az", "set", &name], Some("old-value"));
    u.json(&["az", "set", &name], Some("new-value"));
    let v_old = old["version"].as_str().unwrap();
    let preview = u.json(&["az", "rollback", &name, v_old, "--dry-run"], None);
    assert_eq!(preview["value_differs"], true);
    assert_eq!(
        u.json(&["az", "versions", &name], None)
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // A stale expectation writes nothing.
    u.fails(
        &["az", "rollback", &name, v_old, "--expect-current", v_old],
        None,
        7,
    );
    let r = u.json(&["az", "rollback", &name, v_old], None);
    assert_ne!(r["version"], old["version"]);
    assert_eq!(
        u.ok(&["az", "get", &name, "--reveal"], None).trim(),
        "old-value"
    );
    assert!(u.audit().contains("az.rollback"));
}

#[test]
fn keys_rotate_and_rotation_policy() {
    let u = az_user();
    let name = unique("k");
    let k = u.json(
        &[
            "az", "key", "create", &name, "--kty", "rsa", "--size", "3072",
        ],
        None,
    );
    assert_eq!(k["key_size"], 3072);
    let r = u.json(&["az", "key", "rotate", &name], None);
    assert_ne!(r["version"], k["version"]);
    assert_eq!(
        u.json(&["az", "key", "versions", &name], None)
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let p = u.json(&["az", "key", "policy", "get", &name], None);
    assert_eq!(p["actions"][0]["action"], "notify");
    let p = u.json(
        &[
            "az",
            "key",
            "policy",
            "set",
            &name,
            "--expiry",
            "P1Y",
            "--rotate-after",
            "P90D",
            "--notify-before",
            "P30D",
        ],
        None,
    );
    assert_eq!(p["expiry_time"], "P1Y");
    let p = u.json(&["az", "key", "policy", "get", &name], None);
    assert_eq!(p["actions"][0]["action"], "rotate");
    assert_eq!(p["actions"][0]["time_after_create"], "P90D");
    assert_eq!(p["actions"][1]["time_before_expiry"], "P30D");
    // A typo is refused before any request (exit 2); a too-short trigger by the service.
    u.fails(
        &[
            "az",
            "key",
            "policy",
            "set",
            &name,
            "--rotate-after",
            "90 days",
        ],
        None,
        2,
    );
    let err = u.fails(
        &["az", "key", "policy", "set", &name, "--rotate-after", "P1D"],
        None,
        2,
    );
    assert!(err.contains("BadParameter"), "{err}");
    assert!(u.audit().contains("az.key.rotate") && u.audit().contains("az.key.policy"));
    u.fails(&["az", "key", "rotate", &unique("nokey")], None, 5);
}

#[test]
fn certificates_read_only() {
    let u = az_user();
    let name = unique("crt");
    SERVER.seed_certificate(&name, "cli.example.test", 90);
    let ls = u.json(&["az", "cert", "ls"], None);
    assert!(ls
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["name"] == name.as_str()));
    let c = u.json(&["az", "cert", "get", &name], None);
    assert_eq!(c["subject"], "CN=cli.example.test");
    assert_eq!(c["issuer"], "Self");
}

#[test]
fn wrong_secret_and_missing_vault_are_clear_failures() {
    let u = User::with_env(Vec::new());
    let err = u.fails(&["az", "ls"], None, 2);
    assert!(err.contains("--vault-url"), "{err}");
    let mut wrong = az_user();
    for (k, v) in &mut wrong.env {
        if k == "AZURE_CLIENT_SECRET" {
            *v = "definitely-wrong".to_owned();
        }
    }
    let err = wrong.fails(&["az", "ls"], None, 3);
    assert!(err.contains("AADSTS7000215"), "{err}");
    assert!(!err.contains("definitely-wrong"), "secret echoed: {err}");
}

#[test]
fn device_code_profile_signs_in_through_core() {
    let u = User::with_env(Vec::new());
    let s = &*SERVER;
    u.write_azure_profile(
        s,
        "az-dev",
        "azure-dev",
        &format!(
            "tenant_id = \"{}\"\nclient_id = \"{}\"\nauth = \"device_code\"\n\
             authority_host = \"{}\"\n",
            s.tenant_id(),
            s.client_id(),
            s.authority_host()
        ),
    );
    let name = unique("dev");
    let out = u.run(
        &["--json", "az", "--profile", "azure-dev", "set", &name],
        Some("x"),
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    // The device-code prompt reached the user (stderr), with code and URL.
    assert!(
        err.contains("enter the code") && err.contains("/devicelogin"),
        "{err}"
    );
    let audit = u.audit();
    assert!(
        audit.contains("azure-dev") && audit.contains("az.set"),
        "{audit}"
    );
}

/// A managed-identity profile connects for real through core: the App Service token service
/// (`IDENTITY_ENDPOINT` + `IDENTITY_HEADER`, answered by the test server) issues the token.
#[test]
fn managed_identity_profile_signs_in_through_the_identity_endpoint() {
    let s = &*SERVER;
    let u = User::with_env(vec![
        ("IDENTITY_ENDPOINT".to_owned(), s.identity_endpoint()),
        (
            "IDENTITY_HEADER".to_owned(),
            s.identity_header().expose_secret().to_owned(),
        ),
    ]);
    let mi_profile = format!(
        "auth = \"managed_identity\"\nauthority_host = \"{}\"\n",
        s.authority_host()
    );
    u.write_azure_profile(s, "az-mi", "azure-mi", &mi_profile);
    let before = s
        .requests()
        .iter()
        .filter(|r| r.path == "/msi/token")
        .count();
    let name = unique("mi");
    let set = u.json(&["az", "--profile", "azure-mi", "set", &name], Some("mi"));
    assert_eq!(set["name"], name.as_str());
    let after = s
        .requests()
        .iter()
        .filter(|r| r.path == "/msi/token" && r.status == 200)
        .count();
    assert!(after > before, "the identity endpoint issued no token");
    assert!(u.audit().contains("azure-mi"));

    // Without the host's identity header the sign-in fails clearly (exit 3), nothing written.
    let bad = User::with_env(vec![
        ("IDENTITY_ENDPOINT".to_owned(), s.identity_endpoint()),
        ("IDENTITY_HEADER".to_owned(), "wrong".to_owned()),
    ]);
    bad.write_azure_profile(s, "az-mi", "azure-mi", &mi_profile);
    let other = unique("mi-bad");
    bad.fails(
        &["az", "--profile", "azure-mi", "set", &other],
        Some("x"),
        3,
    );
    u.fails(&["az", "--profile", "azure-mi", "get", &other], None, 5);
}

/// Keys: create with tags, disable/enable one version, soft delete (listed with dates; the
/// name refused while deleted), recover with every version, purge (typed or --yes); audited.
#[test]
fn key_tags_versions_and_soft_delete() {
    let u = az_user();
    let name = unique("ckey");
    let k = u.json(
        &[
            "az",
            "key",
            "create",
            &name,
            "--tag",
            "team=payments",
            "--tag",
            "env=ci",
        ],
        None,
    );
    assert_eq!(k["tags"]["team"], "payments");
    assert_eq!(k["tags"]["env"], "ci");
    let first = k["version"].as_str().unwrap().to_string();
    u.fails(&["az", "key", "create", &name, "--tag", "oops"], None, 2);
    u.json(&["az", "key", "rotate", &name], None);
    let off = u.json(
        &[
            "az",
            "key",
            "enable",
            &name,
            "--version",
            &first,
            "--enabled",
            "false",
        ],
        None,
    );
    assert_eq!(off["enabled"], false);
    let versions = u.json(&["az", "key", "versions", &name], None);
    let states: Vec<(String, bool)> = versions
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["version"].as_str().unwrap().to_string(),
                v["enabled"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(states.len(), 2);
    assert!(
        states.iter().all(|(v, e)| *e == (*v != first)),
        "{states:?}"
    );
    u.json(&["az", "key", "enable", &name, "--version", &first], None);

    let d = u.json(&["az", "key", "delete", &name], None);
    assert!(d["scheduled_purge_date"].as_i64().unwrap() > d["deleted_date"].as_i64().unwrap());
    // While deleted the name is taken (exit 7) and the key is gone (exit 5).
    u.fails(&["az", "key", "create", &name], None, 7);
    u.fails(&["az", "key", "versions", &name], None, 5);
    u.json(&["az", "key", "recover", &name], None);
    assert_eq!(
        u.json(&["az", "key", "versions", &name], None)
            .as_array()
            .unwrap()
            .len(),
        2
    );
    u.json(&["az", "key", "delete", &name], None);
    // Like the service, the deleted key shows in the deleted list a moment after the delete.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !u
        .json(&["az", "key", "ls", "--deleted"], None)
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["props"]["name"] == name.as_str())
    {
        assert!(
            std::time::Instant::now() < deadline,
            "{name} never listed as deleted"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    u.fails(&["az", "key", "purge", &name], None, 2);
    u.json(&["az", "key", "purge", &name, "--yes"], None);
    u.fails(&["az", "key", "recover", &name], None, 5);
    let audit = u.audit();
    for action in [
        "az.key.create",
        "az.key.update",
        "az.key.delete",
        "az.key.recover",
        "az.key.purge",
    ] {
        assert!(audit.contains(action), "{action} not audited:\n{audit}");
    }
}
