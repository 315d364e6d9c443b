#!/usr/bin/env bash
# Installs the Pulumi CLI and the Python language host at the version pinned in
# requirements.txt, into a per-version cache folder, and prints the bin folder.
#
# Sources, in order:
#   1. a `pulumi` on PATH that already reports the pinned version;
#   2. a cached build from an earlier run;
#   3. the official installer, where get.pulumi.com answers (a laptop);
#   4. a build from Pulumi's published Go modules through the Go module proxy
#      (machines whose only network is the package registries).
# Nothing of Pulumi's is committed to this repository; the Go build only reads
# modules from the proxy into the cache.
#
# Usage: scripts/install-pulumi.sh           -> prints the bin dir on stdout
# Env:   USERGROUPS_CACHE   cache root (default ~/.cache/usergroups)
#        PULUMI_INSTALL_SOURCE=path|cache|official|go  force one source
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
log() { printf 'install-pulumi: %s\n' "$*" >&2; }
die() { printf 'install-pulumi: error: %s\n' "$*" >&2; exit 1; }

PV=$(sed -n 's/^pulumi==\([0-9][0-9.]*\).*/\1/p' "$here/requirements.txt" | head -n1)
[ -n "$PV" ] || die "requirements.txt has no 'pulumi==X.Y.Z' pin"

# The language host module has no tags; its pseudo-version is the commit of the
# pkg/v3 tag. Add a line here when moving the pin.
case "$PV" in
  3.259.0) LH=v3.0.0-20260820084410-a05d88f24d05 ;;
  3.258.0) LH=v3.0.0-20260818064241-0708f38c7525 ;;
  3.257.0) LH=v3.0.0-20260813164504-ac083796c11b ;;
  *) LH="" ;;
esac

cache=${USERGROUPS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/usergroups}
bin="$cache/pulumi/v$PV/bin"
source_choice=${PULUMI_INSTALL_SOURCE:-}

has_version() { [ -x "$1/pulumi" ] && [ "$("$1/pulumi" version 2>/dev/null)" = "v$PV" ] \
  && [ -x "$1/pulumi-language-python" ] && [ -x "$1/pulumi-language-python-exec" ] \
  && [ -x "$1/pulumi-resource-pulumi-python" ]; }

want() { [ -z "$source_choice" ] || [ "$source_choice" = "$1" ]; }

# 1. On PATH already.
if want path && command -v pulumi >/dev/null 2>&1; then
  d=$(dirname "$(command -v pulumi)")
  if has_version "$d"; then log "using pulumi v$PV on PATH ($d)"; echo "$d"; exit 0; fi
fi

# 2. Cached.
if want cache && has_version "$bin"; then log "using cached pulumi v$PV ($bin)"; echo "$bin"; exit 0; fi

# 3. Official installer, only if it answers quickly.
if want official && command -v curl >/dev/null 2>&1 \
   && curl -fsS --max-time 5 -o /dev/null https://get.pulumi.com/install.sh 2>/dev/null; then
  log "fetching pulumi v$PV with the official installer"
  tmp=$(mktemp -d)
  if curl -fsSL --max-time 60 https://get.pulumi.com/install.sh -o "$tmp/install.sh" \
     && PULUMI_HOME="$tmp/home" sh "$tmp/install.sh" --version "$PV" --no-edit-path >&2; then
    mkdir -p "$bin" && cp -a "$tmp/home/bin/." "$bin/"
    rm -rf "$tmp"
    if has_version "$bin"; then echo "$bin"; exit 0; fi
  fi
  rm -rf "$tmp"
  log "official installer did not give pulumi v$PV; trying the Go module build"
fi

# 4. Build from the published Go modules.
want go || die "no pulumi v$PV from source '$source_choice'"
command -v go >/dev/null 2>&1 || die "pulumi v$PV not found, get.pulumi.com unreachable and no Go toolchain to build it (install Go >= 1.25.11)"
[ -n "$LH" ] || die "no language-host pseudo-version known for pulumi $PV; add it to scripts/install-pulumi.sh"

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="-mod=mod -modcacherw"
export GOMODCACHE="$cache/go/mod" GOCACHE="$cache/go/build"
# ",direct" would clone from GitHub; the proxy alone serves every module needed.
proxy=$(go env GOPROXY); proxy=${proxy%,direct}; proxy=${proxy%|direct}
[ -n "$proxy" ] && [ "$proxy" != direct ] && [ "$proxy" != off ] || proxy=https://proxy.golang.org
export GOPROXY="$proxy" GOPRIVATE= GONOPROXY= GONOSUMDB=

wrap="$cache/pulumi/v$PV/wrapper"
mkdir -p "$wrap/cli" "$wrap/host" "$bin"
log "building pulumi v$PV from Go modules (go $(go env GOVERSION), proxy $GOPROXY); a cold build takes about 5 minutes"
start=$(date +%s)
ldflags() { echo "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$1"; }
gobuild() { go build -trimpath -tags osusergo,grpcnotrace -ldflags "$(ldflags "$1")" -o "$bin/" "${@:2}" >&2; }

cat > "$wrap/cli/go.mod" <<GOMOD
module pulumi-cli-wrapper.invalid

go 1.25.11

require (
	github.com/pulumi/pulumi/pkg/v3 v$PV
	github.com/pulumi/pulumi/sdk/v3 v$PV
)

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
GOMOD
( cd "$wrap/cli" && gobuild "$PV" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi ) \
  || die "Go build of the pulumi v$PV CLI failed (see the lines above)"
sdk=$(cd "$wrap/cli" && go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)
# The exec script and the dynamic-provider shim come from the pinned SDK module.
install -m 0755 "$sdk/python/cmd/pulumi-language-python-exec" "$bin/"
install -m 0755 "$sdk/python/dist/pulumi-resource-pulumi-python" "$bin/"

# The Python language host lives in its own untagged module. Prefer the build
# that matches the pin; if the proxy does not serve that pseudo-version, build
# it from the newest sdk/v3 release that still carries the host as a package
# (v3.79.0). It only starts the program: the engine, the SDK, the exec script
# and the dynamic-provider server are all the pinned version either way.
host_mod=github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3
host_built=""
if [ -n "$LH" ]; then
  cat > "$wrap/host/go.mod" <<GOMOD
module pulumi-language-python-wrapper.invalid

go 1.25.11

require (
	github.com/pulumi/pulumi/pkg/v3 v$PV
	github.com/pulumi/pulumi/sdk/v3 v$PV
	$host_mod $LH
)

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
GOMOD
  if (cd "$wrap/host" && gobuild "$PV" "$host_mod") 2>"$wrap/host.err"; then
    host_built="$LH"
  else
    log "the proxy does not serve $host_mod@$LH: $(grep -m1 -o '[0-9][0-9][0-9] [A-Za-z ]*' "$wrap/host.err" || head -c 200 "$wrap/host.err")"
  fi
fi
if [ -z "$host_built" ]; then
  FALLBACK_SDK=v3.79.0
  log "building the Python language host from github.com/pulumi/pulumi/sdk/v3@$FALLBACK_SDK instead"
  cat > "$wrap/host/go.mod" <<GOMOD
module pulumi-language-python-wrapper.invalid

go 1.21

require github.com/pulumi/pulumi/sdk/v3 $FALLBACK_SDK
GOMOD
  ( cd "$wrap/host" && go build -trimpath -ldflags "$(ldflags "${FALLBACK_SDK#v}")" -o "$bin/" \
      github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python >&2 ) \
    || die "Go build of the Python language host failed (see the lines above)"
  host_built="sdk/v3@$FALLBACK_SDK"
fi
echo "$host_built" > "$bin/.language-host-source"
has_version "$bin" || die "built pulumi does not report v$PV: $("$bin/pulumi" version 2>&1 | head -n1)"
log "built pulumi v$PV in $(( $(date +%s) - start ))s into $bin"
echo "$bin"
