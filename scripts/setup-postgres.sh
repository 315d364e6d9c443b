#!/usr/bin/env bash
# Debian's PostgreSQL, the shared state backend the team test runs against (scripts/team-backend.sh).
# Installed with apt-get when missing and this user may; otherwise says so in one line.
set -euo pipefail
ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "setup: installing postgresql (Debian package) for the team-backend test" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q --no-install-recommends postgresql >/dev/null 2>&1; then
    apt-get update -qq >/dev/null 2>&1 || true
    apt-get install -y -q --no-install-recommends postgresql >/dev/null 2>&1 \
      || echo "setup: could not install postgresql; the team-backend test cannot run" >&2
  fi
else
  echo "setup: PostgreSQL is not installed (sudo apt-get install postgresql); the team-backend test cannot run" >&2
fi
exit 0
