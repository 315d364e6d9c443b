#!/usr/bin/env bash
# A shared state backend for a team, on this machine: PostgreSQL (Debian's package) bound to
# 127.0.0.1, data under .local/postgres (ignored by git). Pulumi's self-managed PostgreSQL backend
# keeps every stack's state and its lock in one table, so several checkouts (engineers, a CI job)
# share the stacks, and a second concurrent `pulumi up` is refused by the lock.
#
#   bash scripts/team-backend.sh start     # prints the PULUMI_BACKEND_URL line to export
#   bash scripts/team-backend.sh url       # the same line again
#   bash scripts/team-backend.sh stop
#
# TEAM_PG_DIR (default .local/postgres) and TEAM_PG_PORT (default 47103) place it elsewhere.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=$(realpath -m "${TEAM_PG_DIR:-$root/.local/postgres}")
port=${TEAM_PG_PORT:-47103}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
[ -n "$bindir" ] || { echo "team-backend: PostgreSQL is not installed (sudo apt-get install postgresql)" >&2; exit 1; }

# PostgreSQL refuses to run as root: as root, the server runs as the 'postgres' account.
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

url() {
  printf 'PULUMI_BACKEND_URL=postgres://pulumi:%s@127.0.0.1:%s/pulumi?sslmode=disable\n' "$(cat "$dir/password")" "$port"
}

start() {
  mkdir -p "$dir" && chmod 700 "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_owner mkdir -p "$dir/data" "$dir/run"
    (umask 077; head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$dir/password")
    as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >/dev/null
  fi
  if ! as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir/run" start >/dev/null
  fi
  local psql=("$bindir/psql" -h "$dir/run" -p "$port" -U postgres -v ON_ERROR_STOP=1 -qtA)
  if [ "$(as_owner "${psql[@]}" -c "select 1 from pg_roles where rolname='pulumi'")" != 1 ]; then
    as_owner "${psql[@]}" -c "create role pulumi login password '$(cat "$dir/password")'"
    as_owner "${psql[@]}" -c "create database pulumi owner pulumi"
  fi
  # Connections over TCP need the password; the trust above is for the local socket only.
  if ! grep -q "^host all all 127.0.0.1/32 scram-sha-256" "$dir/data/pg_hba.conf"; then
    as_owner sed -i 's/^host\(.*\)trust$/host\1scram-sha-256/' "$dir/data/pg_hba.conf"
    as_owner "$bindir/pg_ctl" -D "$dir/data" reload >/dev/null
  fi
  url
}

stop() {
  [ -f "$dir/data/PG_VERSION" ] && as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}

case "${1:-start}" in
  start) start ;;
  url) url ;;
  stop) stop ;;
  *) echo "usage: $0 start|url|stop" >&2; exit 2 ;;
esac
