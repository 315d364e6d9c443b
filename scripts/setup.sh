#!/usr/bin/env bash
# Installs what is missing, and nothing twice: the project virtualenv with
# requirements.txt, the official clients' virtualenv (scripts/setup-conformance.sh),
# Debian's tinyproxy and PostgreSQL for the proxy and team-backend tests,
# and the Pulumi CLI at the pinned version.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $($python --version 2>&1)" >&2
  "$python" -m venv .venv
fi
stamp=.venv/.requirements.sha256
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing requirements.txt into .venv" >&2
  .venv/bin/python -m pip install --disable-pip-version-check -q -r requirements.txt
  echo "$want" > "$stamp"
fi
bash scripts/setup-conformance.sh
bash scripts/setup-packages.sh
bash scripts/install-pulumi.sh >/dev/null
