// The only code that touches Tauri's IPC bridge (withGlobalTauri is false, so the internal
// bridge is used). Imported by src/ipc.rs through wasm-bindgen; a rejection carries the
// backend's IpcError ({code, message}).
export async function invoke(cmd, args) {
  const bridge = window.__TAURI_INTERNALS__;
  if (!bridge || typeof bridge.invoke !== "function") {
    throw {
      code: "internal",
      message: "Vaultdeck's backend is not reachable: this page must run inside the Vaultdeck app.",
    };
  }
  return await bridge.invoke(cmd, args);
}
