#!/usr/bin/env bash
# One command from a fresh clone to a working `pulumi up` on the local stack:
# installs what is missing (virtualenv, requirements, the Pulumi CLI), starts the
# local Symphony and SoftwareOne emulators, logs in to the local file backend,
# runs `pulumi up` on the `local` stack and prints the groups it manages.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/setup.sh
source scripts/env.sh
bash scripts/emulators.sh start

pulumi login "$PULUMI_BACKEND_URL" >/dev/null
pulumi stack select local --create --non-interactive >/dev/null
pulumi up --yes --non-interactive --stack local
echo
echo "Groups managed by the local stack (pulumi stack output --json):"
pulumi stack output --json --stack local
echo
echo "Next: source scripts/env.sh, then use pulumi preview / up / refresh / destroy --stack local."
