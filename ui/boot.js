// Bootstrap (CSP forbids inline scripts). Applies the saved theme before the first paint so the
// window does not flash, then starts the wasm app (wasm-bindgen calls its `main`).
import init from "./vaultdeck-ui.js";

(() => {
  let choice = "system";
  try {
    choice = localStorage.getItem("vaultdeck.theme") || "system";
  } catch (_) {
    // Storage disabled: follow the system.
  }
  const dark =
    choice === "dark" ||
    (choice !== "light" && window.matchMedia("(prefers-color-scheme: dark)").matches);
  document.documentElement.setAttribute("data-theme", dark ? "dark" : "light");
})();

init();
