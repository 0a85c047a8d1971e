#!/usr/bin/env bash
# Runs every Vaultdeck check: formatting, clippy, unit tests, provider tests against real
# OpenBao/PostgreSQL/Secret Service, the IPC contract/ACL tests, the CLI tests and the WebDriver
# end-to-end tests of the real app under Xvfb. Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
step() { printf '\n\033[1m==> %s\033[0m (%ss)\n' "$*" "$SECONDS" >&2; }

step "setup"
bash scripts/setup.sh

step "format"
cargo fmt --all --check

step "frontend (wasm)"
bash ui/build.sh

step "clippy"
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy -p vaultdeck-ui --target wasm32-unknown-unknown -- -D warnings

step "tests (unit, providers, IPC, CLI, e2e)"
# e2e scenarios share one display and one OpenBao; they serialize themselves.
# --no-fail-fast: one failing test binary must not hide the others.
cargo test --workspace --no-fail-fast 2>&1 | tee target/test-output.log
status=${PIPESTATUS[0]}
step "done"
exit "$status"
