#!/usr/bin/env bash
# Installs a requirements file into .venv when it (or a file it includes) changed since the last time.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
file=$1
stamp=".venv/.$(basename "$file").sha256"
want=$(cat "$file" $(sed -n 's/^-r[[:space:]]*//p' "$file") | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing $file into .venv" >&2
  .venv/bin/python -m pip install --disable-pip-version-check -q -r "$file"
  echo "$want" > "$stamp"
fi
