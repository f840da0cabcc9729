#!/usr/bin/env bash
# Build the Pulumi CLI from Pulumi's published Go modules into a version-keyed prefix.
#
#   scripts/build-pulumi.sh VERSION PREFIX
#
# Why from Go modules: the machines vigil is developed and tested on reach the package registries
# only (PyPI, the Go module proxy, npm, Debian), not get.pulumi.com or GitHub releases.
# How: ../shared/reference/pulumi-from-go.md (wrapper main module, version stamp, bundled scripts).
# The result lands atomically: PREFIX/bin appears only when every file built.
set -euo pipefail

version=${1:?usage: build-pulumi.sh VERSION PREFIX}
prefix=${2:?usage: build-pulumi.sh VERSION PREFIX}
work="${prefix}.build"

export GOTOOLCHAIN=local        # fail loudly rather than fetch another Go toolchain
export GOFLAGS=-modcacherw      # keep the module cache removable
export CGO_ENABLED=0            # static binaries, as Pulumi's release builds

pkg=github.com/pulumi/pulumi/pkg/v3
sdk=github.com/pulumi/pulumi/sdk/v3

echo "[pulumi] building Pulumi CLI v${version} from Go modules (cold: ~15-30 min on 2 cores)"
echo "[pulumi] work dir: ${work}"
rm -rf "$work" && mkdir -p "$work/src" "$work/bin"
cd "$work/src"
go mod init vigil.invalid/pulumi-build >/dev/null 2>&1

# Pulumi's own go.mod replaces the sdk with a local path; a wrapper module states the real version
# instead and copies the only non-local replace (a clipboard fork; see the reference, section 2).
go mod edit -replace github.com/atotto/clipboard=github.com/tgummerer/clipboard@v0.0.0-20241001131231-d02d263e614e
go get "${pkg}/cmd/pulumi@v${version}" "${sdk}@v${version}"
echo "[pulumi] upstream replace directives of ${pkg}@v${version} (non-local ones must be copied above):"
grep -A3 '^replace' "$(go list -m -f '{{.GoMod}}' "$pkg")" || true

ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v${version}"
start=$(date +%s)
go build -mod=mod -trimpath -tags osusergo,grpcnotrace -ldflags "$ldflags" -o "$work/bin/pulumi" "${pkg}/cmd/pulumi"
echo "[pulumi] pulumi built in $(( $(date +%s) - start ))s"

# The dynamic-provider launcher ships inside the sdk module; module zips carry no file modes.
sdk_dir=$(go list -m -f '{{.Dir}}' "$sdk")
install -m 0755 "$sdk_dir/python/dist/pulumi-resource-pulumi-python" "$work/bin/"
install -m 0755 "$sdk_dir/python/cmd/pulumi-language-python-exec" "$work/bin/"

got=$(PULUMI_SKIP_UPDATE_CHECK=true "$work/bin/pulumi" version)
[ "$got" = "v${version}" ] || { echo "[pulumi] built binary reports '${got}', expected v${version}" >&2; exit 1; }

rm -rf "$prefix" && mkdir -p "$prefix"
mv "$work/bin" "$prefix/bin"
cd "$prefix"  # leave the work dir before removing it (a later command would fail in a deleted cwd)
rm -rf "$work"
echo "[pulumi] installed ${prefix}/bin/pulumi (${got})"
