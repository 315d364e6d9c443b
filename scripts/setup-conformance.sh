#!/usr/bin/env bash
# The virtualenv the vendors' own clients run in (.venv-conformance): SoftwareOne's
# mpt-api-client needs Python >= 3.12, the project runs on 3.11, so they live apart.
# Finds an interpreter in this order: $CONFORMANCE_PYTHON, python3.13 / python3.12
# on PATH, pyenv's installed versions. Says so, in one line, when there is none.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
requirements=tests/conformance/official/requirements.txt

is_312() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; }

find_python() {
  local candidate
  for candidate in "${CONFORMANCE_PYTHON:-}" python3.13 python3.12; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 && is_312 "$(command -v "$candidate")"; then
      command -v "$candidate"; return 0
    fi
  done
  local pyenv_root=${PYENV_ROOT:-$HOME/.pyenv}
  for candidate in $(ls -d "$pyenv_root"/versions/3.1[2-9]* 2>/dev/null | sort -rV); do
    if [ -x "$candidate/bin/python" ] && is_312 "$candidate/bin/python"; then
      echo "$candidate/bin/python"; return 0
    fi
  done
  return 1
}

if [ ! -x .venv-conformance/bin/python ]; then
  if ! python=$(find_python); then
    echo "setup: no Python >= 3.12 found (set CONFORMANCE_PYTHON, or install one with pyenv); the official-client conformance tests cannot run" >&2
    exit 0
  fi
  echo "setup: creating .venv-conformance with $("$python" --version 2>&1) for the official clients" >&2
  "$python" -m venv .venv-conformance
fi
stamp=.venv-conformance/.requirements.sha256
want=$(sha256sum "$requirements" | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing $requirements into .venv-conformance" >&2
  .venv-conformance/bin/python -m pip install --disable-pip-version-check -q -r "$requirements"
  echo "$want" > "$stamp"
fi
