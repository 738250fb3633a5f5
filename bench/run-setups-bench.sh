#!/usr/bin/env bash
# Setup and portfolio backtest benchmarks, in one run:
#  1. the setup backtest (bench_setups: Channel Run mid/edge and edge/mid and
#     Trail Fractals, every setup through the full engine) against the pandas
#     peer (bench/setups_pandas.py, the original's approach) on the same
#     candles: bars/s, setups/s and the ratio;
#  2. `mtrader backtest` of both strategies over the same pairs imported into a
#     temporary store: wall time and peak RSS.
# With MT_BENCH_OLD (a folder holding another build's bench_setups and mtrader,
# e.g. of the previous commit) both runs are repeated with it, for a
# before/after in one run. Prints figures only; never fails on time.
#
# Usage: bench/run-setups-bench.sh [BUILD_DIR]   (default: build/release)
#   MT_BENCH_CSVS: the candle files (default ../shared/data/ohlcv/csv/*-1h.csv,
#   the 10 pairs x 4 years of 1h of the reference data set, not shipped:
#   tests/fixtures/ohlcv/README.md). The peer needs python3-pandas under /usr/bin/python3.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build/release}
read -r -a csvs <<<"${MT_BENCH_CSVS:-$(ls "$root"/../shared/data/ohlcv/csv/*-1h.csv 2>/dev/null | tr '\n' ' ')}"
[[ ${#csvs[@]} -gt 0 ]] || { echo "run-setups-bench: no candle files (set MT_BENCH_CSVS)" >&2; exit 1; }
/usr/bin/python3 -c 'import pandas' 2>/dev/null ||
  { echo "run-setups-bench: /usr/bin/python3 lacks pandas: apt-get install python3-pandas" >&2; exit 1; }
ninja -C "$build" bench/bench_setups src/cli/mtrader >/dev/null

old=${MT_BENCH_OLD:-}
if [[ -n $old ]]; then
  echo "before ($old/bench_setups):"
  "$old/bench_setups" "${csvs[@]}" | grep -v '^result'
  echo "after:"
fi
ours=$("$build/bench/bench_setups" "${csvs[@]}")
echo "$ours" | grep -v '^result'
peer=$(/usr/bin/python3 "$root/bench/setups_pandas.py" "${csvs[@]}")
echo "pandas peer: $(echo "$peer" | grep '^result')"
field() { sed -n "s/.*\b$1=\([0-9.e+]*\).*/\1/p" <<<"$2" | tail -1; }
awk -v o="$(field bars_per_s "$ours")" -v p="$(field bars_per_s "$peer")" \
  -v os="$(field setups_per_s "$ours")" -v ps="$(field setups_per_s "$peer")" \
  'BEGIN { printf "ratio: %.1fx bars/s, %.1fx setups/s\n", o / p, os / ps }'

work=$(mktemp -d "${TMPDIR:-/tmp}/mt-setupbench.XXXXXX")
trap 'rm -rf "$work"' EXIT
mt=$build/src/cli/mtrader
for f in "${csvs[@]}"; do
  sym=$(basename "$f" | sed 's/-.*//')
  "$mt" --data-dir "$work/store" import --symbol "$sym" --timeframe 1h "$f" >/dev/null
done
# backtest LABEL BINARY [OPTION...]: one portfolio backtest of the three agents over the store.
backtest() {
  local label=$1 bin=$2
  shift 2
  echo "$label:"
  /usr/bin/time -f "portfolio backtest wall %e s, user %U s, peak RSS %M KB" "$bin" --data-dir "$work/store" \
    backtest --strategy channel_run:200:mid:edge,channel_run:200:edge:mid,trail_fractals:5:2 --timeframe 1h \
    --trades "$work/trades.csv" --equity "$work/equity.csv" "$@" 2>&1 |
    grep -E '^(backtest|overall|balance|portfolio)'
}
[[ -z $old ]] || backtest "before ($old/mtrader)" "$old/mtrader"
backtest "after (one position per agent and symbol)" "$mt"
backtest "after, --stack (every setup a position, as before)" "$mt" --stack
