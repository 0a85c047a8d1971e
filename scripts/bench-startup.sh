#!/usr/bin/env bash
# Startup bench: cold start to first rendered UI, and resident memory of all app processes
# (main + WebKit web/network processes) after the app has connected to the embedded demo server.
# Usage: scripts/bench-startup.sh [binary] [runs]   (default: target/release/vaultdeck, 3 runs)
# Builds nothing; run scripts/run.sh or `cargo build --release --features tauri/custom-protocol`
# first. Needs Xvfb (installed by scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${1:-target/release/vaultdeck}")
RUNS=${2:-3}
[ -x "$BIN" ] || { echo "no binary at $BIN" >&2; exit 1; }

DISP=:77
Xvfb $DISP -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 & XPID=$!
trap 'kill $XPID 2>/dev/null || true' EXIT
for _ in $(seq 50); do [ -e /tmp/.X11-unix/X77 ] && break; sleep 0.1; done

tree_pids() { local p=$1; echo "$p"; for c in $(pgrep -P "$p"); do tree_pids "$c"; done; }
rss_kib() { awk '/VmRSS/{print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

printf '%-4s %-16s %-16s %-14s %-14s %-14s %-10s\n' run first_render_ms wall_render_ms main_rss_MiB webkit_rss_MiB app_total_MiB bao_MiB
for run in $(seq "$RUNS"); do
  D=$(mktemp -d)
  t0=$(date +%s%N)
  DISPLAY=$DISP VAULTDECK_CONFIG_DIR=$D/config VAULTDECK_DATA_DIR=$D/data WEBKIT_DISABLE_DMABUF_RENDERER=1 \
    dbus-run-session -- "$BIN" >"$D/out.log" 2>&1 & WRAP=$!
  wall=""
  for _ in $(seq 600); do
    if [ -z "$wall" ] && grep -q "ui_ready" "$D/out.log"; then wall=$(( ($(date +%s%N) - t0) / 1000000 )); fi
    if [ -n "$wall" ] && grep -q '"session.login"' "$D/data/audit.jsonl" 2>/dev/null; then break; fi
    sleep 0.05
  done
  sleep 2   # let the UI settle after connecting
  APP=$(pgrep -f -x "$BIN" | head -1 || true)
  [ -n "$APP" ] || { echo "app did not start; log:" >&2; cat "$D/out.log" >&2; exit 1; }
  main=0; webkit=0; bao=0
  for p in $(tree_pids "$APP"); do
    comm=$(cat /proc/$p/comm 2>/dev/null || true); r=$(rss_kib "$p")
    case "$comm" in
      WebKit*) webkit=$((webkit + r));;
      bao) bao=$((bao + r));;
      *) [ "$p" = "$APP" ] && main=$((main + r));;
    esac
  done
  render=$(sed 's/\x1b\[[0-9;]*m//g' "$D/out.log" | grep -o 'elapsed_ms=[0-9]*' | head -1 | cut -d= -f2 || true)
  printf '%-4s %-16s %-16s %-14s %-14s %-14s %-10s\n' "$run" "${render:-?}" "${wall:-?}" \
    $((main/1024)) $((webkit/1024)) $(((main+webkit)/1024)) $((bao/1024))
  kill "$APP" 2>/dev/null || true; wait "$WRAP" 2>/dev/null || true
  rm -rf "$D"
done
