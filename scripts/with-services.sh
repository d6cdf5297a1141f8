#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL and Redis on loopback.
#
#   scripts/with-services.sh <command> [args...]
#
# Starts both on free ports in a temporary folder, exports DATABASE_URL and
# REDIS_URL (plus TNT_PG_* / TNT_REDIS_* for the fault tests), runs the command,
# and always stops the services and removes the folder, even when it fails.
set -euo pipefail

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# --- find or install the servers -------------------------------------------
PG_BIN=""
for candidate in "$(pg_config --bindir 2>/dev/null || true)" $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
  if [ -n "$candidate" ] && [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then PG_BIN="$candidate"; break; fi
done
if [ -z "$PG_BIN" ]; then
  echo "with-services: installing PostgreSQL from Debian's packages" >&2
  as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V -r | head -1)
fi
if ! command -v redis-server >/dev/null 2>&1; then
  echo "with-services: installing redis-server from Debian's packages" >&2
  as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
fi

WORK=$(mktemp -d /tmp/tnt-services.XXXXXX)
chmod 755 "$WORK"
PG_DATA="$WORK/pg"
PG_PORT=$(free_port)
REDIS_PORT=$(free_port)

# PostgreSQL refuses to run as root: run its tools as the postgres user then.
PG_AS=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  mkdir -p "$PG_DATA" && chown postgres "$PG_DATA"
  PG_AS=(runuser -u postgres --)
fi

cleanup() {
  status=$?
  "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate stop >/dev/null 2>&1 || true
  if [ -f "$WORK/redis.pid" ]; then kill "$(cat "$WORK/redis.pid")" 2>/dev/null || true; fi
  rm -rf "$WORK"
  exit $status
}
trap cleanup EXIT INT TERM

"${PG_AS[@]}" "$PG_BIN/initdb" -D "$PG_DATA" -U tnt --auth=trust -E UTF8 --locale=C.UTF-8 >"$WORK/initdb.log" 2>&1 \
  || { cat "$WORK/initdb.log" >&2; exit 1; }
"${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/pg.log" -w -t 30 start \
  -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$PG_DATA -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  >/dev/null || { cat "$PG_DATA/pg.log" >&2; exit 1; }
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U tnt tnt

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
  --pidfile "$WORK/redis.pid" --dir "$WORK" --logfile "$WORK/redis.log" >/dev/null
for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

export DATABASE_URL="postgres://tnt@127.0.0.1:$PG_PORT/tnt"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export TNT_PG_BIN="$PG_BIN" TNT_PG_DATA="$PG_DATA" TNT_PG_PORT="$PG_PORT" TNT_PG_AS="${PG_AS[*]}"
export TNT_REDIS_PORT="$REDIS_PORT" TNT_SERVICES_DIR="$WORK"
echo "with-services: PostgreSQL on 127.0.0.1:$PG_PORT, Redis on 127.0.0.1:$REDIS_PORT" >&2

"$@"
