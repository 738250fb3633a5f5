#!/usr/bin/env bash
# Feature-matrix benchmark: the default feature set (bench_features, one core)
# against the pandas peer (bench/features_pandas.py, the original system's
# feature families) on the same candles, in one run; prints both figures and
# the ratios. Never fails on time.
#
# Usage: bench/run-features-bench.sh [BUILD_DIR]   (default: build/release)
#   MT_BENCH_CSV: candles (open_time,open,high,low,close,volume); default
#   ../shared/data/ohlcv/csv/BTCUSDT-1h.csv (the reference data set, not shipped:
#   tests/fixtures/ohlcv/README.md). The peer needs Debian's (apt-get install python3-pandas) under /usr/bin/python3.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build/release}
csv=${MT_BENCH_CSV:-$root/../shared/data/ohlcv/csv/BTCUSDT-1h.csv}
[[ -f $csv ]] || { echo "run-features-bench: no candles at $csv (set MT_BENCH_CSV)" >&2; exit 1; }
/usr/bin/python3 -c 'import pandas' 2>/dev/null ||
  { echo "run-features-bench: /usr/bin/python3 lacks pandas: apt-get install python3-pandas" >&2; exit 1; }
ninja -C "$build" bench/bench_features >/dev/null

ours=$("$build/bench/bench_features" "$csv")
echo "$ours" | grep -v '^result'
peer=$(/usr/bin/python3 "$root/bench/features_pandas.py" "$csv")
echo "pandas peer: $(echo "$peer" | grep '^result')"
field() { sed -n "s/.*\b$1=\([0-9.e+]*\).*/\1/p" <<<"$2" | tail -1; }
ob=$(field bars_per_s "$ours") of=$(field features "$ours") pb=$(field bars_per_s "$peer") pf=$(field features "$peer")
awk -v ob="$ob" -v of="$of" -v pb="$pb" -v pf="$pf" 'BEGIN {
  printf "mtrader %d features at %.0f bars/s; pandas %d features at %.0f bars/s\n", of, ob, pf, pb
  printf "ratio: %.1fx bars/s, %.1fx features x bars/s\n", ob / pb, (ob * of) / (pb * pf) }'
