#!/usr/bin/env bash
# What a CI/CD pipeline runs for one environment's stack (see docs/ci-cd.md):
#
#   bash scripts/ci-deploy.sh preview STACK   # on a pull request: fails on any error, shows the plan
#   bash scripts/ci-deploy.sh up STACK        # on merge: applies it
#   bash scripts/ci-deploy.sh refresh|destroy STACK
#
# Everything secret comes from the environment, never from a stack file: PULUMI_BACKEND_URL
# (the team's shared state, e.g. postgres://...), PULUMI_CONFIG_PASSPHRASE (or a KMS secrets
# provider set on the stack), and the API credentials (SWO_API_TOKEN, SYMPHONY_BOT_PRIVATE_KEY
# or SYMPHONY_SESSION_TOKEN, ...). USERGROUPS_SKIP_SETUP=1 skips the install step when the
# runner image already has the virtualenv and the CLI.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
action=${1:?usage: ci-deploy.sh preview|up|refresh|destroy STACK}
stack=${2:?usage: ci-deploy.sh preview|up|refresh|destroy STACK}
: "${PULUMI_BACKEND_URL:?set PULUMI_BACKEND_URL to the shared backend of the team (state must be shared, not local)}"
case "$PULUMI_BACKEND_URL" in file://*) echo "ci-deploy: PULUMI_BACKEND_URL is a local folder; use the team's backend" >&2; exit 2 ;; esac
[ "${USERGROUPS_SKIP_SETUP:-0}" = 1 ] || bash scripts/setup.sh
source scripts/env.sh
case "$action" in
  preview) pulumi preview --stack "$stack" --non-interactive --diff ;;
  up) pulumi up --stack "$stack" --non-interactive --yes ;;
  refresh) pulumi refresh --stack "$stack" --non-interactive --yes --skip-preview ;;
  destroy) pulumi destroy --stack "$stack" --non-interactive --yes --skip-preview ;;
  *) echo "ci-deploy: unknown action $action" >&2; exit 2 ;;
esac
