# Source this file (`source scripts/env.sh`) to use `pulumi` by hand in this project.
# It puts the project's Pulumi CLI and virtualenv on PATH and keeps every pulumi
# command offline: a local file backend under .local/, no update checks, no
# plugin downloads. Scripts and tests source it too; values already exported win.
_ug_root=$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)
_ug_pv=$(sed -n 's/^pulumi==\([0-9][0-9.]*\).*/\1/p' "$_ug_root/requirements.txt" | head -n1)
_ug_cache=${USERGROUPS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/usergroups}
export USERGROUPS_ROOT="$_ug_root"
export USERGROUPS_PULUMI_BIN=${USERGROUPS_PULUMI_BIN:-$_ug_cache/pulumi/v$_ug_pv/bin}
case ":$PATH:" in *":$USERGROUPS_PULUMI_BIN:"*) ;; *) export PATH="$USERGROUPS_PULUMI_BIN:$PATH" ;; esac
case ":$PATH:" in *":$_ug_root/.venv/bin:"*) ;; *) export PATH="$_ug_root/.venv/bin:$PATH" ;; esac
export PULUMI_PYTHON_CMD=${PULUMI_PYTHON_CMD:-$_ug_root/.venv/bin/python}
export PULUMI_HOME=${PULUMI_HOME:-$_ug_root/.local/pulumi-home}
export PULUMI_BACKEND_URL=${PULUMI_BACKEND_URL:-file://$_ug_root/.local/state}
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PIP_DISABLE_PIP_VERSION_CHECK=1
# The local stack's secrets are encrypted with this passphrase; real stacks should set their own.
export PULUMI_CONFIG_PASSPHRASE=${PULUMI_CONFIG_PASSPHRASE-local}
# The local stack names no URL: the running local emulators' (this clone's ports) come from here.
if [ -f "$_ug_root/.local/emulators.json" ]; then
  _ug_sym=$(sed -n 's/.*"symphony": *"\([^"]*\)".*/\1/p' "$_ug_root/.local/emulators.json")
  _ug_swo=$(sed -n 's/.*"swo": *"\([^"]*\)".*/\1/p' "$_ug_root/.local/emulators.json")
  [ -n "$_ug_sym" ] && export SYMPHONY_POD_URL=${SYMPHONY_POD_URL:-$_ug_sym}
  [ -n "$_ug_swo" ] && export SWO_API_URL=${SWO_API_URL:-$_ug_swo}
  unset _ug_sym _ug_swo
fi
mkdir -p "$PULUMI_HOME"
case "$PULUMI_BACKEND_URL" in file://*) mkdir -p "${PULUMI_BACKEND_URL#file://}" && chmod 700 "${PULUMI_BACKEND_URL#file://}" ;; esac
unset _ug_root _ug_pv _ug_cache
