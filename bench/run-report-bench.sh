#!/usr/bin/env bash
# Report benchmark: `mtrader report` of the portfolio backtest of both default
# strategies (channel_run:200:mid:edge and trail_fractals:5:2) on the 10 pairs
# of the reference data (10 pairs x 4 years of 1h), journalled, against the
# Python peer bench/report_peer.py (a QuantStats-style tear sheet: pandas and
# matplotlib, every point drawn) on the same journal, in one run. Prints
# figures; never fails on time.
#
#   1. the backtest with --journal (its wall time, for scale);
#   2. `mtrader report` under /usr/bin/time -v, 3 runs: wall time (best and
#      median), peak RSS, the file's size and its largest charts' point counts
#      (goal: a few MB at most);
#   3. the peer likewise: wall time, peak RSS, size; the ratios.
#
# Usage: bench/run-report-bench.sh [BUILD_DIR]   (default: build/release)
#   MT_BENCH_CSV_DIR: folder of <SYMBOL>-1h.csv; default ../shared/data/ohlcv/csv (from a
#   git worktree: beside its main checkout).
#   MT_BENCH_KEEP=1: keep the work folder (store, journal, both reports) and print its path.
#   Needs /usr/bin/time and /usr/bin/python3 with python3-pandas and python3-matplotlib.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build/release}
mt=$build/src/cli/mtrader
source "$root/bench/lib.sh"
csv_dir=$(bench_csv_dir "$root")
[[ -x $mt ]] || { echo "run-report-bench: $mt is not built: ninja -C $build" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "run-report-bench: /usr/bin/time missing (apt-get install time)" >&2; exit 1; }
/usr/bin/python3 -c 'import pandas, matplotlib' 2>/dev/null ||
  { echo "run-report-bench: /usr/bin/python3 lacks pandas/matplotlib: apt-get install python3-pandas python3-matplotlib" >&2; exit 1; }
symbols=()
for f in "$csv_dir"/*USDT-1h.csv; do
  [[ -e $f ]] || { echo "run-report-bench: no <SYMBOL>-1h.csv in $csv_dir" >&2; exit 1; }
  symbols+=("$(basename "$f" -1h.csv)")
done

work=$(mktemp -d "${TMPDIR:-/tmp}/mt-reportbench.XXXXXX")
if [[ -n ${MT_BENCH_KEEP:-} ]]; then echo "work folder: $work (kept)"; else trap 'rm -rf "$work"' EXIT; fi
calc() { awk "BEGIN { print $1 }"; }
# timed NAME CMD...: runs CMD under /usr/bin/time -v; prints "wall rss_kb".
timed() {
  local name=$1
  shift
  /usr/bin/time -v -o "$work/$name.time" "$@" >"$work/$name.out" 2>"$work/$name.err" ||
    { cat "$work/$name.err" >&2; echo "run-report-bench: $name failed" >&2; exit 1; }
  local wall rss
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/$name.time" |
    awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/$name.time")
  echo "$wall $rss"
}
median3() { printf '%s\n' "$@" | sort -g | sed -n 2p; }
best3() { printf '%s\n' "$@" | sort -g | head -1; }

echo "mtrader report benchmark: ${#symbols[@]} real 1h pairs from $csv_dir"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"
echo

store=$work/store
for s in "${symbols[@]}"; do
  "$mt" --data-dir "$store" import --symbol "$s" --timeframe 1h "$csv_dir/$s-1h.csv" >/dev/null
done
read -r bt_wall _ < <(timed backtest "$mt" --data-dir "$store" backtest \
  --strategy channel_run:200:mid:edge,trail_fractals:5:2 --timeframe 1h \
  --trades "$work/trades.csv" --equity "$work/equity.csv" --journal "$work/journal.db")
trades=$(sqlite3 "$work/journal.db" 'select count(*) from trades where run = 1')
points=$(sqlite3 "$work/journal.db" 'select count(*) from equity where run = 1')
echo "1. backtest --journal: ${bt_wall} s; $trades trades (real, sim, tracked), $points equity points;"
echo "   journal $(stat -c %s "$work/journal.db") bytes"

walls=() rss=0
for i in 1 2 3; do
  read -r w r < <(timed report "$mt" --data-dir "$store" report "$work/journal.db" --run 1 --out "$work/report.html")
  walls+=("$w")
  rss=$r
done
size=$(stat -c %s "$work/report.html")
echo "2. mtrader report: best $(best3 "${walls[@]}") s, median $(median3 "${walls[@]}") s, peak RSS $((rss / 1024)) MB,"
echo "   $size bytes ($(calc "$size / 1048576") MB); $(grep -o '<svg' "$work/report.html" | wc -l) charts"
echo "   the longest paths (points drawn):"
grep -o ' d="[^"]*"' "$work/report.html" | awk '{ print gsub(/[ML]/, "") }' | sort -rn | head -3 | sed 's/^/     /'

pwalls=() prss=0
for i in 1 2 3; do
  read -r w r < <(timed peer /usr/bin/python3 "$root/bench/report_peer.py" "$work/journal.db" 1 "$work/peer.html")
  pwalls+=("$w")
  prss=$r
done
psize=$(stat -c %s "$work/peer.html")
pm=$(median3 "${pwalls[@]}") mm=$(median3 "${walls[@]}")
echo "3. peer (pandas + matplotlib): best $(best3 "${pwalls[@]}") s, median $pm s, peak RSS $((prss / 1024)) MB,"
echo "   $psize bytes ($(calc "$psize / 1048576") MB); $(cat "$work/peer.out")"
echo
echo "ratios (peer / mtrader): time $(calc "$pm / ($mm > 0 ? $mm : 0.001)") x, size $(calc "$psize / $size") x,"
echo "   memory $(calc "$prss / $rss") x"
