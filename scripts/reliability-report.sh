#!/usr/bin/env bash
# Regenerates docs/reliability.md: runs the fault tests (the real CLI against the emulators)
# and writes their outcomes there. The ordinary test run writes .local/reliability.md instead.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/setup.sh
source scripts/env.sh
USERGROUPS_WRITE_REPORT=1 .venv/bin/python -m pytest -p no:cacheprovider -q "$@" tests/e2e/test_faults.py
echo "reliability-report: wrote docs/reliability.md"
