#!/usr/bin/env bash
# Debian's tinyproxy, the real HTTP CONNECT proxy the corporate-network tests go through.
# Installed with apt-get when missing and this user may; otherwise says so in one line.
set -euo pipefail
command -v tinyproxy >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "setup: installing tinyproxy (Debian package) for the proxy tests" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q --no-install-recommends tinyproxy >/dev/null 2>&1; then
    apt-get update -qq >/dev/null 2>&1 || true
    apt-get install -y -q --no-install-recommends tinyproxy >/dev/null 2>&1 \
      || echo "setup: could not install tinyproxy; the proxy tests cannot run" >&2
  fi
  # The package may start a system instance; the tests start their own on a free port.
  pkill -x tinyproxy 2>/dev/null || true
else
  echo "setup: tinyproxy is not installed (sudo apt-get install tinyproxy); the proxy tests cannot run" >&2
fi
exit 0
