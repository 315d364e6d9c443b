#!/usr/bin/env bash
# What only the test suite needs, on top of scripts/setup.sh: the test libraries
# (requirements-test.txt) in .venv, the official clients' virtualenv (.venv-conformance,
# scripts/setup-conformance.sh), and Debian's tinyproxy and PostgreSQL (scripts/setup-packages.sh),
# which the proxy and team-backend tests start as instances of their own on free ports.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/pip-sync.sh requirements-test.txt
bash scripts/setup-conformance.sh
bash scripts/setup-packages.sh
