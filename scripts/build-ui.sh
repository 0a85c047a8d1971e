#!/usr/bin/env bash
# Builds the Yew frontend into ui/dist (the app embeds it at compile time).
set -euo pipefail
cd "$(dirname "$0")/.."
exec bash ui/build.sh "$@"
