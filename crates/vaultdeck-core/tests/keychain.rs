//! The OS keychain through a real Secret Service (gnome-keyring on a private D-Bus session).
//! Own test binary: it points this process's D-Bus address at the private bus.

use secrecy::{ExposeSecret, SecretString};
use vaultdeck_core::keychain::Keychain;

#[test]
fn credentials_round_trip_through_the_secret_service() {
    let ss = vaultdeck_testkit::SecretService::start();
    ss.apply_env();
    let kc = Keychain::detect();
    assert!(
        kc.is_os(),
        "expected the Secret Service: {:?}",
        kc.unavailable_reason()
    );
    assert!(kc.get("profile-1").unwrap().is_none());
    kc.set("profile-1", &SecretString::from("s.keychain-value"))
        .unwrap();
    assert_eq!(
        kc.get("profile-1").unwrap().unwrap().expose_secret(),
        "s.keychain-value"
    );
    // Another process (secret-tool) sees the item under service "vaultdeck".
    let out = std::process::Command::new("secret-tool")
        .args(["lookup", "service", "vaultdeck", "username", "profile-1"])
        .envs(ss.env())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "s.keychain-value");
    kc.delete("profile-1").unwrap();
    assert!(kc.get("profile-1").unwrap().is_none());
    kc.delete("profile-1").unwrap();
}
