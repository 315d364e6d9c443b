#!/usr/bin/env bash
# The whole test suite: unit, emulator and end-to-end tests (the real pulumi CLI
# against the emulators). Installs whatever is missing first, test-only parts included
# (scripts/setup-tests.sh). Extra arguments go
# to pytest (e.g. `-m "not e2e"` for the fast tests only).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/setup.sh
bash scripts/setup-tests.sh
source scripts/env.sh
# Tests choose their own emulators: the local stack's URLs (env.sh) must not reach them.
unset SYMPHONY_POD_URL SWO_API_URL
echo "test: $(pulumi version) ($(cat "$USERGROUPS_PULUMI_BIN/.language-host-source" 2>/dev/null || echo official) language host), $(.venv/bin/python --version)"
set +e
.venv/bin/python -m pytest -p no:cacheprovider -ra --durations=30 "$@" tests
code=$?
set -e
if [ "$code" -eq 5 ]; then
  echo "test: pytest collected no tests; that is a failure" >&2
  exit 1
fi
exit "$code"
