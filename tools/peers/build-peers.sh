#!/usr/bin/env bash
# Fetches the independent indicator implementations mtrader is checked and
# benchmarked against, and compiles their C sources into static libraries:
#   TA-Lib 0.4 (bundled in the npm package `talib`)   -> DIR/libtalib.a
#   Tulip Indicators (amalgamation in npm `tulind`)    -> DIR/libtulip.a
# with their headers under DIR/include/{talib,tulip}. The npm install scripts
# (node-gyp bindings) are not run: only the C sources are used. Nothing here is
# committed; DIR is a scratch folder (default: a new temp dir, printed).
# Usage: tools/peers/build-peers.sh [DIR] [CFLAGS...]   (needs npm, gcc, ar)
set -euo pipefail
dir=${1:-$(mktemp -d /tmp/mtrader-peers.XXXXXX)}
shift || true
cflags=("$@")
[[ ${#cflags[@]} -gt 0 ]] || cflags=(-O2)
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
if [[ -f $dir/libtalib.a && -f $dir/libtulip.a ]]; then
  echo "$dir"
  exit 0
fi
cd "$dir"
[[ -f package.json ]] || echo '{"name":"mtrader-peers","private":true}' > package.json
npm install --no-audit --no-fund --ignore-scripts --no-save talib@1.1.6 tulind@0.8.20 >npm.log 2>&1 ||
  { cat npm.log >&2; echo "build-peers: npm install failed" >&2; exit 1; }

ta=node_modules/talib/src/lib
mkdir -p obj/talib obj/tulip include/talib include/tulip
cp "$ta"/include/*.h include/talib/
srcs=("$ta"/src/ta_func/*.c "$ta"/src/ta_common/ta_global.c "$ta"/src/ta_common/ta_retcode.c
      "$ta"/src/ta_common/ta_version.c "$ta"/src/ta_abstract/ta_abstract.c "$ta"/src/ta_abstract/ta_def_ui.c
      "$ta"/src/ta_abstract/ta_group_idx.c "$ta"/src/ta_abstract/frames/ta_frame.c "$ta"/src/ta_abstract/tables/*.c)
printf '%s\n' "${srcs[@]}" | xargs -P "$(nproc)" -I{} sh -c \
  'gcc "$@" -w -c "{}" -I'"$ta"'/include -I'"$ta"'/src/ta_common -I'"$ta"'/src/ta_abstract -I'"$ta"'/src/ta_abstract/frames -o obj/talib/$(echo "{}" | tr / _).o' \
  sh "${cflags[@]}"
ar rcs libtalib.a obj/talib/*.o

tu=node_modules/tulind/external
cp "$tu"/indicators.h include/tulip/
gcc "${cflags[@]}" -w -c "$tu"/tiamalgamation.c -I"$tu" -o obj/tulip/tulip.o
ar rcs libtulip.a obj/tulip/tulip.o
echo "$dir"
