#!/usr/bin/env bash
# Configures (once) and builds mtrader into build/release (or the folder and
# meson options given): scripts/build.sh [BUILD_DIR [MESON_OPTION...]]
# Quiet on success; prints the whole meson/ninja output on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build/release}
shift || true
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if [[ ! -f "$dir/build.ninja" ]]; then
  meson setup "$dir" "$@" >"$log" 2>&1 || { cat "$log" >&2; echo "build: meson setup $dir failed" >&2; exit 1; }
fi
ninja -C "$dir" >"$log" 2>&1 || { cat "$log" >&2; echo "build: ninja -C $dir failed" >&2; exit 1; }
