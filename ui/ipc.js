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

// Invokes `cmd` with a Tauri channel as its parameter `key` (e.g. `onBatch`), as
// @tauri-apps/api's Channel does: the channel serializes as `__CHANNEL__:<callback id>` and
// the backend sends `{index, message}` (in any order) then `{index, end: true}`. Messages go to
// `onmessage` in order. Resolves with the command's result once the channel has ended (or
// 1 s after the result, whichever comes first), so no message arrives after it resolves.
export async function invokeWithChannel(cmd, args, key, onmessage) {
  const bridge = window.__TAURI_INTERNALS__;
  if (!bridge || typeof bridge.invoke !== "function" || typeof bridge.transformCallback !== "function") {
    throw {
      code: "internal",
      message: "Vaultdeck's backend is not reachable: this page must run inside the Vaultdeck app.",
    };
  }
  let next = 0;
  let endIndex;
  let done = false;
  const pending = new Map();
  let ended;
  const endPromise = new Promise((resolve) => { ended = resolve; });
  const deliver = (m) => {
    if (done) return;
    try { onmessage(m); } catch (e) { queueMicrotask(() => { throw e; }); }
  };
  const finish = () => {
    if (done) return;
    done = true;
    if (typeof bridge.unregisterCallback === "function") bridge.unregisterCallback(id);
    ended();
  };
  const id = bridge.transformCallback((raw) => {
    const index = raw.index;
    if ("end" in raw) {
      if (index === next) finish(); else endIndex = index;
      return;
    }
    if (index !== next) { pending.set(index, raw.message); return; }
    deliver(raw.message);
    next += 1;
    while (pending.has(next)) { deliver(pending.get(next)); pending.delete(next); next += 1; }
    if (next === endIndex) finish();
  });
  const payload = Object.assign({}, args, { [key]: `__CHANNEL__:${id}` });
  try {
    return await bridge.invoke(cmd, payload);
  } finally {
    await Promise.race([endPromise, new Promise((r) => setTimeout(r, 1000))]);
    finish();
  }
}
