#!/usr/bin/env bash
# Installs what the program and the local emulators run, and nothing twice: the project
# virtualenv (.venv) with requirements.txt, and the Pulumi CLI at the pinned version (in the
# user's cache folder). No system package, no second interpreter, no test library: those are
# scripts/setup-tests.sh's.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $($python --version 2>&1)" >&2
  "$python" -m venv .venv
fi
bash scripts/pip-sync.sh requirements.txt
bash scripts/install-pulumi.sh >/dev/null
