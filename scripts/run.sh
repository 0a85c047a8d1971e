#!/usr/bin/env bash
# Builds and runs Vaultdeck. With no profile configured, the app starts a local OpenBao dev
# server seeded with demo data (and a throwaway PostgreSQL for the database engine, started
# here) and opens on the "Demo (local OpenBao)" profile. Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/setup.sh
bash ui/build.sh
cargo build --release --features tauri/custom-protocol --bin vaultdeck
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "vaultdeck: no display (DISPLAY/WAYLAND_DISPLAY unset); run it in a desktop session" >&2
  exit 1
fi

# A throwaway PostgreSQL for the demo's database secrets engine (skipped if unavailable).
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "${VAULTDECK_DEMO_PG:-}" ] && [ -n "$PGBIN" ]; then
  PGDIR=$(mktemp -d /tmp/vaultdeck-demo-pg.XXXXXX)
  PGPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  PGPASS=$(head -c 18 /dev/urandom | base64 | tr -dc 'a-zA-Z0-9')
  AS=(); [ "$(id -u)" -eq 0 ] && { chown postgres "$PGDIR"; AS=(su postgres -s /bin/sh -c); }
  printf '%s' "$PGPASS" > "$PGDIR/pw"; [ "$(id -u)" -eq 0 ] && chown postgres "$PGDIR/pw"
  run_pg() { if [ ${#AS[@]} -gt 0 ]; then "${AS[@]}" "$*"; else sh -c "$*"; fi; }
  if run_pg "$PGBIN/initdb -D $PGDIR/data -U postgres --auth=scram-sha-256 --pwfile=$PGDIR/pw >$PGDIR/initdb.log 2>&1" &&
     run_pg "$PGBIN/pg_ctl -D $PGDIR/data -l $PGDIR/server.log -w -o '-c listen_addresses=127.0.0.1 -c port=$PGPORT -c unix_socket_directories=$PGDIR' start >/dev/null"; then
    trap 'run_pg "$PGBIN/pg_ctl -D $PGDIR/data -m fast -w stop" >/dev/null 2>&1; rm -rf "$PGDIR"' EXIT
    trap 'exit 130' INT TERM   # so the EXIT trap also stops PostgreSQL on Ctrl+C / kill
    export VAULTDECK_DEMO_PG="127.0.0.1:$PGPORT:postgres:$PGPASS"
  else
    echo "vaultdeck: PostgreSQL did not start; the demo runs without a database engine" >&2
  fi
fi
target/release/vaultdeck "$@"
