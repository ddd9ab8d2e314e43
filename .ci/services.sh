#!/usr/bin/env bash
# Starts the shared-cache engines the remote-cache tests run against: Redis and
# PostgreSQL from Debian's packages, on loopback only. Idempotent: installs what
# is missing, starts what is not running, and prints the URLs to export.
# Usage: eval "$(.ci/services.sh)"
set -euo pipefail
REDIS_PORT=${HEPH_CI_REDIS_PORT:-6390}
PG_PORT=${HEPH_CI_PG_PORT:-5490}
PG_DIR=${HEPH_CI_PG_DIR:-/tmp/heph-ci-postgres}

say() { echo "$*" >&2; }
need=()
command -v redis-server >/dev/null || need+=(redis-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
if ((${#need[@]})); then
  say "installing ${need[*]}"
  SUDO=$([ "$(id -u)" = 0 ] && echo || echo sudo)
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >&2
fi

if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no >&2
  for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
# PostgreSQL refuses to run as root: run it as the postgres user (or ourselves when not root).
if [ "$(id -u)" = 0 ]; then AS=(runuser -u postgres --); else AS=(); fi
if ! "$PG_BIN/pg_isready" -h 127.0.0.1 -p "$PG_PORT" -q; then
  if [ ! -f "$PG_DIR/PG_VERSION" ]; then
    mkdir -p "$PG_DIR"
    [ "$(id -u)" = 0 ] && chown postgres "$PG_DIR"
    "${AS[@]}" "$PG_BIN/initdb" -D "$PG_DIR" -U postgres --auth=trust -E UTF8 >&2
  fi
  pg_start() { "${AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/log" -w -o "-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1" start >&2; }
  if ! pg_start; then
    # A server killed with its machine session leaves its pid file; when no postgres holds that pid, start afresh.
    pid=$(head -1 "$PG_DIR/postmaster.pid" 2>/dev/null || true)
    if [ -n "$pid" ] && ! grep -qsx postgres "/proc/$pid/comm"; then rm -f "$PG_DIR/postmaster.pid"; fi
    sleep 1
    pg_start
  fi
fi
psql() { "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
# A writer role that owns the database, and a reader that may only SELECT.
psql -c "DO \$\$BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='heph') THEN CREATE ROLE heph LOGIN PASSWORD 'heph'; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='heph_reader') THEN CREATE ROLE heph_reader LOGIN PASSWORD 'heph'; END IF;
END\$\$;" >&2
[ "$(psql -c "SELECT 1 FROM pg_database WHERE datname='heph'")" = 1 ] || psql -c "CREATE DATABASE heph OWNER heph" >&2
psql -d heph -c "ALTER DEFAULT PRIVILEGES FOR ROLE heph IN SCHEMA public GRANT SELECT ON TABLES TO heph_reader;
  GRANT SELECT ON ALL TABLES IN SCHEMA public TO heph_reader;" >&2
echo "export HEPH_TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT"
echo "export HEPH_TEST_POSTGRES_URL=postgres://heph:heph@127.0.0.1:$PG_PORT/heph"
echo "export HEPH_TEST_POSTGRES_READER_URL=postgres://heph_reader:heph@127.0.0.1:$PG_PORT/heph"
