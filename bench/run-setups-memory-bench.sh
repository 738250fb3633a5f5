#!/usr/bin/env bash
# Memory of the setup dataset: peak RSS of `mtrader setups` with the default
# feature set over 10 pairs and over 30 pairs of 4 years of 1h candles (the 10
# real pairs, then the same candles under two more names each, as
# run-download-bench.sh does). The dataset is written series by series, so the
# peak should not grow with the number of pairs. With MT_BENCH_OLD (another
# mtrader binary, e.g. a build of the previous commit) the same runs are
# repeated with it for a before/after. Prints figures only; never fails on size.
#
# Usage: bench/run-setups-memory-bench.sh [BUILD_DIR]   (default: build/release)
#   MT_BENCH_CSV_DIR: folder of <SYMBOL>-1h.csv; default ../shared/data/ohlcv/csv.
#   MT_BENCH_OLD: path of the mtrader to compare with (optional).
#   Needs /usr/bin/time.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build/release}
mt=$build/src/cli/mtrader
csv_dir=${MT_BENCH_CSV_DIR:-$root/../shared/data/ohlcv/csv}
old=${MT_BENCH_OLD:-}
[[ -x $mt ]] || { echo "run-setups-memory-bench: $mt is not built: ninja -C $build" >&2; exit 1; }
[[ -z $old || -x $old ]] || { echo "run-setups-memory-bench: MT_BENCH_OLD=$old is not executable" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "run-setups-memory-bench: /usr/bin/time missing (apt-get install time)" >&2; exit 1; }
bases=()
for f in "$csv_dir"/*USDT-1h.csv; do
  [[ -e $f ]] || { echo "run-setups-memory-bench: no <SYMBOL>-1h.csv in $csv_dir" >&2; exit 1; }
  b=$(basename "$f" -1h.csv)
  bases+=("${b%USDT}")
done

work=$(mktemp -d "${TMPDIR:-/tmp}/mt-setupmem.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Store of 10 real pairs; store of 30: the same files (hard links) under
# SYMBOL, SYMBOL1 and SYMBOL2.
for b in "${bases[@]}"; do
  "$mt" --data-dir "$work/s10" import --symbol "${b}USDT" --timeframe 1h "$csv_dir/${b}USDT-1h.csv" >/dev/null
done
mkdir -p "$work/s30/ohlcv/1h"
for b in "${bases[@]}"; do
  for name in "${b}USDT" "${b}1USDT" "${b}2USDT"; do
    ln "$work/s10/ohlcv/1h/${b}USDT.parquet" "$work/s30/ohlcv/1h/$name.parquet"
  done
done
n10=$(ls "$work/s10/ohlcv/1h" | grep -c '\.parquet$')
n30=$(ls "$work/s30/ohlcv/1h" | grep -c '\.parquet$')

# run LABEL BINARY STORE: one `mtrader setups` run; prints its figures.
run() {
  local label=$1 bin=$2 store=$3 out=$work/out.parquet
  /usr/bin/time -f "%M %e %U %S" -o "$work/time" "$bin" --data-dir "$store" setups \
    --strategy channel_run:200:mid:edge,trail_fractals:5:2 --timeframe 1h --out "$out" >"$work/stdout"
  read -r kb secs user sys <"$work/time"
  local summary
  summary=$(grep ' series, ' "$work/stdout" | sed "s| -> $out||")
  awk -v l="$label" -v kb="$kb" -v s="$secs" -v u="$user" -v k="$sys" -v sum="$summary" \
    'BEGIN { printf "%-16s peak RSS %7.1f MB  wall %6.1f s  cpu %6.1f s  (%s)\n", l, kb / 1024, s, u + k, sum }'
  rm -f "$out"
}

echo "mtrader setups, default features, channel_run:200:mid:edge + trail_fractals:5:2, 1h"
run "new, $n10 pairs" "$mt" "$work/s10"
run "new, $n30 pairs" "$mt" "$work/s30"
if [[ -n $old ]]; then
  run "old, $n10 pairs" "$old" "$work/s10"
  run "old, $n30 pairs" "$old" "$work/s30"
fi
