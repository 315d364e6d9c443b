#!/usr/bin/env bash
# Debian packages some tests run for real: tinyproxy (the HTTP CONNECT proxy of the corporate
# network tests) and PostgreSQL (the team backend). The tests start instances of their own on free
# ports; nothing here starts, stops or reconfigures a service. Installed with apt-get when missing
# and this user may; otherwise one line says which tests cannot run.
set -euo pipefail
missing=()
command -v tinyproxy >/dev/null 2>&1 || missing+=(tinyproxy)
ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || missing+=(postgresql)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "setup: installing ${missing[*]} system-wide (Debian packages): the proxy and team-backend tests run them" >&2
  export DEBIAN_FRONTEND=noninteractive
  # Debian's own switch that keeps a package from starting its service on install (policy-rc.d,
  # exit 101), so no system instance appears and none has to be stopped; removed afterwards.
  policy=/usr/sbin/policy-rc.d
  made_policy=
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 755 "$policy" && made_policy=1
  fi
  trap '[ -n "$made_policy" ] && rm -f "$policy"' EXIT
  if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    apt-get update -qq >/dev/null 2>&1 || true
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
      || echo "setup: could not install ${missing[*]}; the tests that need them cannot run" >&2
  fi
else
  echo "setup: ${missing[*]} not installed (sudo apt-get install ${missing[*]}); the tests that need them cannot run" >&2
fi
exit 0
