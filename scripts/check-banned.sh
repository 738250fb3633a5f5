#!/usr/bin/env bash
# Fails when C sources use functions banned by docs/DESIGN.md §5.8 (unbounded or
# unchecked: sprintf, vsprintf, strcpy, strcat, atoi, atol, atof, strtok, gets).
# Usage: scripts/check-banned.sh [DIR...]   (default: src tools tests fuzz bench)
set -euo pipefail
cd "$(dirname "$0")/.."
dirs=("$@")
((${#dirs[@]})) || dirs=(src tools tests fuzz bench)
existing=()
for d in "${dirs[@]}"; do [[ -d "$d" ]] && existing+=("$d"); done
pattern='(^|[^A-Za-z0-9_])(sprintf|vsprintf|strcpy|strcat|atoi|atol|atoll|atof|strtok|gets)[[:space:]]*\('
hits=$(grep -rnE --include='*.c' --include='*.h' "$pattern" "${existing[@]}" 2>/dev/null \
       | grep -vE '^[^:]+:[0-9]+:[[:space:]]*(//|/\*|\*)' || true)
if [[ -n "$hits" ]]; then
  echo "check-banned: banned functions found (use snprintf, memcpy, strtod/strtoll with checks):" >&2
  echo "$hits" >&2
  exit 1
fi
echo "check-banned: no banned functions in ${existing[*]}"
