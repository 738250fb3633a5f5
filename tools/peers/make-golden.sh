#!/usr/bin/env bash
# Regenerates the golden vectors in tests/fixtures/features/golden/ from TA-Lib's
# C code (and Tulip Indicators' for what TA-Lib lacks): the first ROWS bars of the BTCUSDT 1h fixture go through every case
# of cases.txt (see tools/peers/golden.c for its format).
# Usage: tools/peers/make-golden.sh [BUILD_DIR]   (a configured mtrader build
# holding tests/interop/pqtool; default build/release). Needs npm, gcc, node.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$root/build/release}
rows=1000
out=$root/tests/fixtures/features/golden
fixture=$root/tests/fixtures/features/BTCUSDT-1h-2023-01-05.parquet
work=$(mktemp -d /tmp/mtrader-golden.XXXXXX)
trap 'rm -rf "$work"' EXIT

ninja -C "$build" tests/interop/pqtool >/dev/null
peers=$("$root"/tools/peers/build-peers.sh "$work/peers" -O2)
gcc -O2 -Wall -Wextra -o "$work/golden" "$root/tools/peers/golden.c" -I"$peers/include/talib" \
  -I"$peers/include/tulip" "$peers/libtalib.a" "$peers/libtulip.a" -lm

# open_time, open, high, low, close, volume of the first $rows bars.
"$build/tests/interop/pqtool" dump "$fixture" | node -e '
const rows = +process.argv[1];
const lines = require("fs").readFileSync(0, "utf8").trim().split("\n").slice(1, rows + 1);
process.stdout.write("open_time,open,high,low,close,volume\n");
for (const l of lines) { const r = JSON.parse(l); process.stdout.write([r[0][0], r[1], r[2], r[3], r[4], r[5]].join(",") + "\n"); }
' "$rows" > "$work/input.csv"

find "$out" -name '*.csv' -delete
"$work/golden" "$work/input.csv" "$out/cases.txt" "$out"
