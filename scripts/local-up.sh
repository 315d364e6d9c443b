#!/usr/bin/env bash
# One command from a fresh clone to a working `pulumi up` on the local stack: installs what
# the main job runs and nothing else (.venv with requirements.txt, the Pulumi CLI in the user's
# cache folder), starts this clone's local Symphony and SoftwareOne emulators (with the local
# stack's people), logs in to the local file backend under .local/, runs `pulumi up` on the
# `local` stack and prints its groups and the people in them. No system package, no test library.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/setup.sh
source scripts/env.sh
bash scripts/emulators.sh start
source scripts/env.sh  # again: now it points the local stack at the emulators just started

pulumi login "$PULUMI_BACKEND_URL" >/dev/null
pulumi stack select local --create --non-interactive >/dev/null
pulumi up --yes --non-interactive --stack local
echo
echo "Groups of the local stack and the people declared in them (pulumi stack output --json):"
pulumi stack output --json --stack local
echo
echo "Next: source scripts/env.sh, then use pulumi preview / up / refresh / destroy --stack local."
