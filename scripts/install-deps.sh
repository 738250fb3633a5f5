#!/usr/bin/env bash
# Installs every Debian package mtrader needs to build, test and run (idempotent).
# Usage: scripts/install-deps.sh      (run as root, or with sudo available)
set -euo pipefail

packages=(
  build-essential meson ninja-build pkg-config clang
  libcjson-dev libzstd-dev libsnappy-dev zlib1g-dev libdeflate-dev libzip-dev libssl-dev
  libcurl4-openssl-dev libmicrohttpd-dev libsqlite3-dev sqlite3
  libxgboost-dev
  libcmocka-dev
  nodejs npm
  time python3
  python3-sklearn python3-optuna
  chromium libxml2-utils fonts-dejavu-core
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
# nodejs/npm may come from outside Debian's packages (preinstalled); accept working binaries.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  filtered=()
  for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || filtered+=("$p"); done
  missing=("${filtered[@]}")
fi

if ((${#missing[@]})); then
  SUDO=""
  [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  echo "install-deps: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
