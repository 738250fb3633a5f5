#!/usr/bin/env bash
# Installs the pinned npm packages used by the Parquet interoperability tests and
# the Parquet benchmark (DuckDB, hyparquet, polars) into tests/interop/node_modules.
# Idempotent: does nothing when node_modules was installed from the current
# package.json + package-lock.json (a stamp file records their hash).
# `npm install` (not `npm ci`) on purpose: the lock lists only the DuckDB and
# polars binding packages the registry mirror serves (linux-x64); `npm ci` rejects
# a lock that lacks the other platforms' optional bindings, `npm install` honours
# the pinned versions and integrity hashes and skips the missing optional packages.
# nodejs-polars-linux-x64-gnu declares node >= 22 (it works on node 20), so npm
# silently skips it as an optional dependency of nodejs-polars: it is a direct
# dependency instead, for which npm prints an EBADENGINE warning only;
# --engine-strict=false keeps a user's engine-strict setting from making it fail.
# Usage: scripts/npm-install.sh      (needs node + npm and the npm registry)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=$root/tests/interop
stamp=$dir/node_modules/.mtrader-lock.sha256

if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
  echo "npm-install: node/npm not found; run scripts/install-deps.sh first" >&2
  exit 1
fi

cd "$dir"
lock_hash() { cat package.json package-lock.json | sha256sum | cut -d' ' -f1; }

if [[ -f package-lock.json ]]; then
  if [[ -f $stamp && $(cat "$stamp") == "$(lock_hash)" ]]; then
    echo "npm-install: tests/interop/node_modules is up to date"
    exit 0
  fi
  echo "npm-install: installing from tests/interop/package-lock.json" >&2
else
  echo "npm-install: no package-lock.json yet, resolving tests/interop/package.json" >&2
fi
rm -f "$stamp"
npm install --no-audit --no-fund --engine-strict=false
# Hash after installing: a first install writes the lock file.
printf '%s\n' "$(lock_hash)" > "$stamp"
echo "npm-install: done ($(ls node_modules | wc -l) top-level entries in tests/interop/node_modules)"
