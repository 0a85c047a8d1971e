//! Build script: embeds tauri.conf.json (root) and the app ACL (permissions grouped by risk in
//! src-tauri/permissions, capabilities per window in src-tauri/capabilities).

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/permissions");
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern("./src-tauri/capabilities/**/*")
            .app_manifest(
                tauri_build::AppManifest::new()
                    .permissions_path_pattern("./src-tauri/permissions/**/*"),
            ),
    )
    .expect("failed to run tauri-build");
}
