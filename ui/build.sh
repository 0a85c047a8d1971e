#!/usr/bin/env bash
# Builds the Yew UI into ui/dist (no trunk): cargo → wasm-bindgen → static files.
#   BUILD_PROFILE=release (default) | debug
# Needs: rustup target wasm32-unknown-unknown, and wasm-bindgen-cli at exactly the
# wasm-bindgen version in Cargo.lock (cargo install wasm-bindgen-cli --version <that>).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."   # the repo root, wherever we are called from

profile="${BUILD_PROFILE:-release}"
case "$profile" in
  release) cargo_flags=(--release); out_dir=release ;;
  debug)   cargo_flags=();          out_dir=debug ;;
  *) echo "build.sh: BUILD_PROFILE must be release or debug, not '$profile'" >&2; exit 2 ;;
esac

wasm_bindgen="${WASM_BINDGEN:-wasm-bindgen}"
if ! command -v "$wasm_bindgen" >/dev/null 2>&1; then
  if [ -x "$HOME/.cargo/bin/wasm-bindgen" ]; then
    wasm_bindgen="$HOME/.cargo/bin/wasm-bindgen"
  else
    echo "build.sh: wasm-bindgen not found; install it with: cargo install wasm-bindgen-cli --version <Cargo.lock version>" >&2
    exit 1
  fi
fi
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
have=$("$wasm_bindgen" --version | awk '{ print $2 }')
if [ -n "$want" ] && [ "$want" != "$have" ]; then
  echo "build.sh: wasm-bindgen-cli is $have but Cargo.lock has wasm-bindgen $want; install the matching CLI" >&2
  exit 1
fi

target_dir="${CARGO_TARGET_DIR:-target}"
cargo build -p vaultdeck-ui --bin vaultdeck-ui --target wasm32-unknown-unknown "${cargo_flags[@]}"

rm -rf ui/dist
mkdir -p ui/dist
"$wasm_bindgen" --target web --no-typescript --out-dir ui/dist \
  "$target_dir/wasm32-unknown-unknown/$out_dir/vaultdeck-ui.wasm"
# ipc.js reaches dist as snippets/vaultdeck-ui-<hash>/ipc.js (wasm-bindgen copies it there).
cp ui/index.html ui/boot.js ui/dist/
cp ui/styles/app.css ui/dist/app.css

echo "build.sh: ui/dist ready ($profile)"
ls -l ui/dist
