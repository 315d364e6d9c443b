#!/usr/bin/env bash
# start | stop | status of the local emulators for the `local` stack, on 127.0.0.1 (state in
# .local/emulators, ports and pid in .local/emulators.json). Each clone gets ports of its own,
# derived from its folder (47100-47899), so two clones run side by side; SYMPHONY_EMULATOR_PORT and
# SWO_EMULATOR_PORT choose others. `stop` ends only the process this clone started (its pid file).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
info=.local/emulators.json
base=$(( 47100 + 2 * ( $(printf '%s' "$root" | cksum | cut -d' ' -f1) % 400 ) ))
sym_port=${SYMPHONY_EMULATOR_PORT:-$base}
swo_port=${SWO_EMULATOR_PORT:-$((base + 1))}

port_free() { .venv/bin/python -c "import socket,sys; s=socket.socket(); s.bind(('127.0.0.1', int(sys.argv[1])))" "$1" 2>/dev/null; }

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
    if [ -z "${SYMPHONY_EMULATOR_PORT:-}${SWO_EMULATOR_PORT:-}" ]; then
      # This clone's ports, or the next free pair after them (another program may hold them).
      for _ in $(seq 1 20); do
        port_free "$sym_port" && port_free "$swo_port" && break
        sym_port=$((sym_port + 2)); swo_port=$((swo_port + 2))
      done
    fi
    for pair in "Symphony:$sym_port:SYMPHONY_EMULATOR_PORT" "SoftwareOne:$swo_port:SWO_EMULATOR_PORT"; do
      IFS=: read -r name port var <<<"$pair"
      if ! port_free "$port"; then
        echo "emulators: port $port ($name) on 127.0.0.1 is taken by another program; run again with $var=<a free port>" >&2
        exit 1
      fi
    done
    rm -f "$info"
    mkdir -p .local/emulators && chmod 700 .local .local/emulators
    nohup .venv/bin/python -m emulators --symphony-port "$sym_port" --swo-port "$swo_port" \
      --data-dir .local/emulators --symphony-bot usergroups-bot=.local/symphony-bot.pub.pem \
      --swo-token local-emulator-token --info-file "$info" > .local/emulators.log 2>&1 &
    for _ in $(seq 1 50); do [ -f "$info" ] && break; sleep 0.1; done
    [ -f "$info" ] || { echo "emulators: did not start; see .local/emulators.log" >&2; cat .local/emulators.log >&2; exit 1; }
    .venv/bin/python -m emulators.local_people "http://127.0.0.1:$sym_port" "http://127.0.0.1:$swo_port" .local/emulators
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
