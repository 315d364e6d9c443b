#!/usr/bin/env bash
# start | stop | status of the local emulators for the `local` stack
# (Symphony on 127.0.0.1:47101, SoftwareOne on 127.0.0.1:47102; state in .local/emulators).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
info=.local/emulators.json
sym_port=${SYMPHONY_EMULATOR_PORT:-47101}
swo_port=${SWO_EMULATOR_PORT:-47102}

running() { [ -f "$info" ] && kill -0 "$(.venv/bin/python -c "import json;print(json.load(open('$info'))['pid'])")" 2>/dev/null; }

case "${1:-start}" in
  start)
    if running; then echo "emulators: already running ($(cat $info))" >&2; exit 0; fi
    mkdir -p .local
    if [ ! -f .local/symphony-bot.pem ]; then
      # The local service account's key pair: the stack signs with the private key,
      # the Symphony emulator trusts the public one.
      .venv/bin/python - <<'PY'
from pathlib import Path
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
Path(".local/symphony-bot.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM,
    serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
Path(".local/symphony-bot.pem").chmod(0o600)
Path(".local/symphony-bot.pub.pem").write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
    serialization.PublicFormat.SubjectPublicKeyInfo))
PY
    fi
    rm -f "$info"
    nohup .venv/bin/python -m emulators --symphony-port "$sym_port" --swo-port "$swo_port" \
      --data-dir .local/emulators --symphony-bot usergroups-bot=.local/symphony-bot.pub.pem \
      --swo-token local-emulator-token --info-file "$info" > .local/emulators.log 2>&1 &
    for _ in $(seq 1 50); do [ -f "$info" ] && break; sleep 0.1; done
    [ -f "$info" ] || { echo "emulators: did not start; see .local/emulators.log" >&2; cat .local/emulators.log >&2; exit 1; }
    echo "emulators: started $(cat $info)" >&2
    ;;
  stop)
    if running; then kill "$(.venv/bin/python -c "import json;print(json.load(open('$info'))['pid'])")"; rm -f "$info"; echo "emulators: stopped" >&2; fi
    ;;
  status)
    if running; then cat "$info"; echo; else echo "emulators: not running" >&2; exit 1; fi
    ;;
  *) echo "usage: scripts/emulators.sh start|stop|status" >&2; exit 2 ;;
esac
