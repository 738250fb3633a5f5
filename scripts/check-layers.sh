#!/usr/bin/env bash
# Fails when a module under src/ includes a module that is not below it in the
# layer order (docs/DESIGN.md §3, docs/design.md "Layers"):
#
#   core <- parquet <- store          core <- exchange        store, exchange <- sync
#   core <- features <- strategy <- sim <- journal <- ml <- live <- report <- cli
#   parquet <- sim (sim/dataset.c writes the setup dataset; the engine itself reads no file)
#   sync <- live (the session keeps the store fresh)
#
# A module may include itself and every module below it (transitively). Every
# `#include "m/..."` and `#include <m/...>` whose m is a known module or a
# folder of src/ is checked in src/<module>/**/*.{c,h} (others, like
# <cjson/cJSON.h>, are system headers); an include that climbs out with "..", a
# folder of src/ that is not a known module and a source file directly in src/
# are errors too. Each problem is printed as FILE:LINE: message.
#
# Usage: scripts/check-layers.sh [SRC_DIR]   (default: src; relative to the repository)
#        scripts/check-layers.sh --self-test (the checker on a made-up clean and a
#        made-up broken tree, and the test layer_order in tests/meson.build)
set -euo pipefail
cd "$(dirname "$0")/.."

# module -> the modules directly below it (the closure is computed below).
declare -A direct=(
  [core]=""
  [parquet]="core"
  [store]="parquet"
  [exchange]="core"
  [sync]="store exchange"
  [features]="core"
  [strategy]="features"
  [sim]="strategy parquet"
  [journal]="sim"
  [ml]="journal"
  [live]="ml sync"
  [report]="live"
  [cli]="report"
)

# below[m] = " a b c " : every module m may include besides itself.
declare -A below=()
closure() { # module: prints the modules below it, one per line
  local d
  for d in ${direct[$1]}; do
    echo "$d"
    closure "$d"
  done
}
for m in "${!direct[@]}"; do
  below[$m]=" $(closure "$m" | sort -u | tr '\n' ' ')"
done

shown() { # " a b " -> "a, b" (or "nothing")
  local list
  list=$(xargs <<<"$1" | sed 's/ /, /g')
  echo "${list:-nothing}"
}

# An include line; group 1 is the path between the quotes or angle brackets.
include_re='^[[:space:]]*#[[:space:]]*include[[:space:]]*["<]([^">]*)[">]'

check() { # src_dir: prints the problems, returns 1 if there are any
  local src=$1 problems=0 dir mod file line text inc target
  if [[ ! -d "$src" ]]; then
    echo "check-layers: $src is not a folder" >&2
    return 1
  fi
  while IFS= read -r file; do
    echo "$file:1: source file outside a module folder (expected $src/<module>/)"
    problems=1
  done < <(find "$src" -maxdepth 1 -type f \( -name '*.c' -o -name '*.h' \) | sort)
  for dir in "$src"/*/; do
    [[ -d "$dir" ]] || continue
    mod=$(basename "$dir")
    if [[ -z "${direct[$mod]+set}" ]]; then
      echo "$src/$mod/: unknown module '$mod' (known: $(shown "$(printf '%s\n' "${!direct[@]}" | sort | tr '\n' ' ')")); add it to the layer order in scripts/check-layers.sh and docs/design.md"
      problems=1
      continue
    fi
    while IFS=: read -r file line text; do
      [[ "$text" =~ $include_re ]] || continue
      inc=${BASH_REMATCH[1]}
      if [[ "$inc" == *..* ]]; then
        echo "$file:$line: #include \"$inc\" climbs out of its folder; include \"module/name.h\""
        problems=1
        continue
      fi
      [[ "$inc" == */* ]] || continue
      target=${inc%%/*}
      [[ -d "$src/$target" || -n "${direct[$target]+set}" ]] || continue # a system header (<cjson/cJSON.h>)
      [[ "$target" == "$mod" ]] && continue
      if [[ -z "${direct[$target]+set}" ]]; then
        echo "$file:$line: #include \"$inc\": '$target' is not a known module"
        problems=1
      elif [[ "${below[$mod]}" != *" $target "* ]]; then
        echo "$file:$line: #include \"$inc\": $mod may not include $target (below $mod: $(shown "${below[$mod]}"))"
        problems=1
      fi
    done < <(find "$dir" -type f \( -name '*.c' -o -name '*.h' \) -print0 | sort -z |
             xargs -0 -r grep -nHE '^[[:space:]]*#[[:space:]]*include[[:space:]]*["<]' || true)
  done
  return $problems
}

self_test() ( # the checker must pass a clean tree and name every kind of problem
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp/src/core" "$tmp/src/store" "$tmp/src/sim" "$tmp/src/cli"
  printf '#include "core/error.h"\n#include <stdio.h>\n#include <cjson/cJSON.h>\n' >"$tmp/src/store/a.c"
  printf '#include "parquet/parquet.h"\n#include "strategy/strategy.h"\n' >"$tmp/src/sim/b.c"
  printf '#include "sim/trade.h"\n#include "exchange/http.h"\n' >"$tmp/src/cli/c.c"
  printf '#include "core/x.h"\n' >"$tmp/src/core/x.c"
  if ! out=$(check "$tmp/src"); then
    echo "check-layers self-test: a clean tree failed:" >&2
    echo "$out" >&2
    return 1
  fi
  printf '  #  include "cli/cli.h"\n' >>"$tmp/src/core/x.c"
  printf '#include <features/indicator.h>\n' >>"$tmp/src/store/a.c"
  printf '#include "../cli/cli.h"\n' >"$tmp/src/store/d.h"
  printf '#include "exchange/http.h"\n#include "store/store.h"\n' >"$tmp/src/sim/e.c"
  mkdir -p "$tmp/src/misc" && : >"$tmp/src/misc/m.c"
  : >"$tmp/src/loose.c"
  if out=$(check "$tmp/src"); then
    echo "check-layers self-test: a tree with bad includes passed" >&2
    return 1
  fi
  want=(
    "$tmp/src/core/x.c:2: #include \"cli/cli.h\": core may not include cli"
    "$tmp/src/store/a.c:4: #include \"features/indicator.h\": store may not include features"
    "$tmp/src/store/d.h:1: #include \"../cli/cli.h\" climbs out of its folder"
    "$tmp/src/sim/e.c:1: #include \"exchange/http.h\": sim may not include exchange"
    "$tmp/src/sim/e.c:2: #include \"store/store.h\": sim may not include store"
    "$tmp/src/misc/: unknown module 'misc'"
    "$tmp/src/loose.c:1: source file outside a module folder"
  )
  for w in "${want[@]}"; do
    if [[ "$out" != *"$w"* ]]; then
      echo "check-layers self-test: expected a line with: $w" >&2
      echo "got:" >&2
      echo "$out" >&2
      return 1
    fi
  done
  if [[ $(wc -l <<<"$out") -ne ${#want[@]} ]]; then
    echo "check-layers self-test: expected ${#want[@]} problems, got:" >&2
    echo "$out" >&2
    return 1
  fi
  # The check itself must stay in the meson suite (tests/meson.build).
  if ! grep -Eq "^test\('layer_order', find_program\('bash'\),$" tests/meson.build ||
     ! grep -A1 "^test('layer_order'," tests/meson.build | grep -q "'check-layers.sh'\]"; then
    echo "check-layers self-test: tests/meson.build does not run scripts/check-layers.sh as the test layer_order" >&2
    return 1
  fi
  echo "check-layers self-test: ok (${#want[@]} problems found in the bad tree, none in the clean one;" \
       "layer_order is in the meson suite)"
)

if [[ "${1:-}" == "--self-test" ]]; then
  self_test
  exit
fi
src=${1:-src}
if ! out=$(check "$src"); then
  echo "check-layers: includes against the layer order (see docs/design.md, Layers):" >&2
  echo "$out" >&2
  exit 1
fi
echo "check-layers: every include in $src follows the layer order"
