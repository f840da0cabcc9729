#!/usr/bin/env bash
# Provide the Pulumi CLI vigil runs (idempotent; what `make setup` calls):
#   1. `pulumi` on PATH at the pinned version or newer → use it;
#   2. a build cached under ${VIGIL_CACHE:-~/.cache/vigil}/pulumi-<version> → use it;
#   3. build it from Pulumi's Go modules (scripts/build-pulumi.sh), progress on screen, log kept;
#   4. no Go → stop with how to install Pulumi.
# Prints the bin directory to use on its last line.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
version=$(sed -n 's/^pulumi-cli = "\(.*\)"/\1/p' "$root/pyproject.toml")
cache=${VIGIL_CACHE:-$HOME/.cache/vigil}
prefix="$cache/pulumi-$version"

newer_or_equal() {  # $1 >= $2 (dotted versions)
  [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n1)" = "$2" ]
}

if command -v pulumi >/dev/null 2>&1; then
  have=$(PULUMI_SKIP_UPDATE_CHECK=true pulumi version 2>/dev/null | sed 's/^v//')
  if [ -n "$have" ] && newer_or_equal "$have" "$version"; then
    echo "[pulumi] using pulumi $have from PATH" >&2
    dirname "$(command -v pulumi)"
    exit 0
  fi
fi

if [ -x "$prefix/bin/pulumi" ] && [ "$(PULUMI_SKIP_UPDATE_CHECK=true "$prefix/bin/pulumi" version 2>/dev/null)" = "v$version" ]; then
  echo "[pulumi] using cached build $prefix/bin/pulumi (v$version)" >&2
else
  if ! command -v go >/dev/null 2>&1; then
    cat >&2 <<MSG
[pulumi] no Pulumi CLI $version found and no Go toolchain to build it.
  Install Pulumi $version or newer (https://www.pulumi.com/docs/install/) and put it on PATH,
  or install Go 1.26+ and rerun \`make setup\` to build it from Pulumi's Go modules.
MSG
    exit 1
  fi
  mkdir -p "$cache/logs"
  log="$cache/logs/pulumi-$version-build.log"
  echo "[pulumi] building Pulumi CLI v$version from Go modules; log: $log" >&2
  if ! "$here/build-pulumi.sh" "$version" "$prefix" 2>&1 | tee "$log" >&2; then
    echo "[pulumi] build failed; see $log" >&2
    exit 1
  fi
fi
# The python language host (see engine/language_host.py) — ours, refreshed on every setup.
install -m 0755 "$here/pulumi-language-python" "$prefix/bin/pulumi-language-python"
echo "$prefix/bin"
