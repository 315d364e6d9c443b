#!/usr/bin/env bash
# Debian packages some tests run for real: tinyproxy (the HTTP CONNECT proxy of the corporate
# network tests) and PostgreSQL (the team backend). Installed with apt-get when missing and this
# user may; otherwise one line says which tests cannot run.
set -euo pipefail
missing=()
command -v tinyproxy >/dev/null 2>&1 || missing+=(tinyproxy)
ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || missing+=(postgresql)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "setup: installing ${missing[*]} (Debian packages) for the proxy and team-backend tests" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    apt-get update -qq >/dev/null 2>&1 || true
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
      || echo "setup: could not install ${missing[*]}; the tests that need them cannot run" >&2
  fi
  # A package may start a system instance; the tests start their own on free ports.
  pkill -x tinyproxy 2>/dev/null || true
else
  echo "setup: ${missing[*]} not installed (sudo apt-get install ${missing[*]}); the tests that need them cannot run" >&2
fi
exit 0
