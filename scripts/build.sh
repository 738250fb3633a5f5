#!/usr/bin/env bash
# Configures (once) and builds mtrader into build/release (or the folder and
# meson options given): scripts/build.sh [BUILD_DIR [MESON_OPTION...]]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build/release}
shift || true
if [[ ! -f "$dir/build.ninja" ]]; then
  meson setup "$dir" "$@" >/dev/null
fi
ninja -C "$dir" >/dev/null
