#!/usr/bin/env bash
# Installs every Debian package mtrader needs to build, test and run (idempotent).
# Usage: scripts/install-deps.sh      (run as root, or with sudo available)
set -euo pipefail

# The same Debian 12 package names on both architectures mtrader builds on: amd64, and arm64 (a
# Raspberry Pi 4/5 with a 64-bit OS: Raspberry Pi OS 64-bit or Debian 12, same two commands).
arch=$(dpkg --print-architecture)
case $arch in
  amd64 | arm64) ;;
  armhf | armel)
    echo "install-deps: this system is 32-bit ($arch): mtrader needs a 64-bit OS (aarch64); on a" \
      "Raspberry Pi 4/5, install Raspberry Pi OS (64-bit)" >&2
    exit 1
    ;;
  *)
    echo "install-deps: mtrader builds on amd64 and arm64; this system is $arch" >&2
    exit 1
    ;;
esac

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
