#!/usr/bin/env bash
# Raspberry Pi benchmark: the instructions mtrader executes as aarch64 code (the cross build,
# build/aarch64, under qemu-aarch64) against the native x86_64 build (under qemu-x86_64), both
# counted by the TCG plugin bench/qemu_insn.c (emulation time means nothing; the counts are
# exact and repeatable), with each run's peak RSS, and from the aarch64 counts an estimate of the
# wall time on a Pi 4 (Cortex-A72): instructions / (IPC x clock x threads), IPC assumed 0.7 to 1.3
# (1.0 central), 1.5 GHz (1.8 GHz for the boards clocked so since 2020), the threads being the
# native run's CPU time / wall time. The outputs of both builds must be identical (cmp).
#
#   1. scan: `mtrader scan --no-sync` of 100 symbols (the 10 real pairs under 10 names each) x 6
#      agents on 1h, 4h and 1d, as bench/run-session-bench.sh's "1h+4h+1d due" case: a journal
#      whose run decided the bars before, then the scan at the last midnight of the data (the
#      session opened: the store loaded, re-warmed over all its history, the bars decided).
#   2. feature matrix: `mtrader features BTCUSDT 1h --out F.parquet` (every bar, every feature).
#   3. training: `mtrader train --agent cr_me_4h` (channel_run:200:mid:edge, 4h, the 10 pairs)
#      with MT_BENCH_TRIALS trials (default 2): the count of one training run.
# x86_64 counts a `rep movs`/`rep stos` (glibc's memcpy and memset of large blocks) once per
# element, as callgrind does, so the x86_64 figure is the higher bound; aarch64 has no such
# instruction.
#
# Usage: bench/run-pi-bench.sh [NATIVE_BUILD [AARCH64_BUILD]]   (default build/release, build/aarch64)
#   MT_BENCH_CSV_DIR: folder of <SYMBOL>-1h.csv; default ../shared/data/ohlcv/csv.
#   Needs qemu-user (not -static: its plugins), gcc, sqlite3, /usr/bin/time; scripts/cross-aarch64.sh first.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
native=${1:-$root/build/release}/src/cli/mtrader
cross=${2:-$root/build/aarch64}/src/cli/mtrader
sysroot=$root/build/sysroot-aarch64
csv_dir=${MT_BENCH_CSV_DIR:-$root/../shared/data/ohlcv/csv}
trials=${MT_BENCH_TRIALS:-2}
for exe in "$native" "$cross"; do
  [[ -x $exe ]] || { echo "run-pi-bench: $exe is not built (scripts/build.sh, scripts/cross-aarch64.sh)" >&2; exit 1; }
done
for exe in qemu-aarch64 qemu-x86_64 gcc sqlite3 /usr/bin/time; do
  command -v "$exe" >/dev/null || { echo "run-pi-bench: $exe missing (apt-get install qemu-user gcc time)" >&2; exit 1; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/mt-pibench.XXXXXX")
trap 'rm -rf "$work"' EXIT
calc() { awk "BEGIN { print $1 }"; }
gcc -shared -fPIC -O2 -fvisibility=hidden -o "$work/qemu_insn.so" "$root/bench/qemu_insn.c"

store=$work/store
for f in "$csv_dir"/*USDT-1h.csv; do
  [[ -e $f ]] || { echo "run-pi-bench: no <SYMBOL>-1h.csv in $csv_dir" >&2; exit 1; }
  "$native" --data-dir "$store" import --symbol "$(basename "$f" -1h.csv)" --timeframe 1h "$f" >/dev/null
done
"$native" --data-dir "$store" resample --from 1h --to 4h,1d >/dev/null
list=$(cd "$store/ohlcv/1h" && ls | sed 's/\.parquet$//' | paste -sd,)
printf '{"agents": [{"id": "cr_me_4h", "strategy": "channel_run:200:mid:edge", "timeframe": "4h", "pairs": {"symbols": "%s"}}]}\n' \
  "$list" >"$work/train.json"

# The scan's store: each real pair under 10 names (hard links), and its 6 agents.
s100=$work/s100
for tf in 1h 4h 1d; do mkdir -p "$s100/ohlcv/$tf"; done
names=()
for f in "$store"/ohlcv/1h/*USDT.parquet; do
  b=$(basename "$f" USDT.parquet)
  for k in "" 1 2 3 4 5 6 7 8 9; do
    for tf in 1h 4h 1d; do ln "$store/ohlcv/$tf/${b}USDT.parquet" "$s100/ohlcv/$tf/${b}${k}USDT.parquet"; done
    names+=("${b}${k}USDT")
  done
done
agent() { # id strategy timeframe pairs-json
  printf '{"id": "%s", "strategy": "%s", "timeframe": "%s", "pairs": %s, "risk": 0.005, "max_positions": 3, "max_open_r": 5.1}' \
    "$1" "$2" "$3" "$4"
}
ranked='{"top": 100, "by": "volume_1d"}'
listed="{\"symbols\": \"$(IFS=,; echo "${names[*]}")\"}"
printf '{"agents": [%s, %s, %s, %s, %s, %s]}\n' "$(agent cr_me_1h channel_run:200:mid:edge 1h "$ranked")" \
  "$(agent cr_em_1h channel_run:200:edge:mid 1h "$listed")" "$(agent cr_me_4h channel_run:200:mid:edge 4h "$ranked")" \
  "$(agent tf_4h trail_fractals:5:2 4h "$listed")" "$(agent tf_1d trail_fractals:5:2 1d "$ranked")" \
  "$(agent cr_em_1d channel_run:200:edge:mid 1d "$listed")" >"$work/scan.json"
last=$("$native" --data-dir "$store" data --symbol BTCUSDT --timeframe 1h --csv | tail -1 | cut -d, -f1)
day=$(((last / 86400000) * 86400000)) # the last midnight: 1h, 4h and 1d close together
at() { date -u -d "@$(($1 / 1000))" '+%FT%H:%M:%S'; }
"$native" --config "$work/scan.json" --data-dir "$s100" scan --no-sync --journal "$work/prep.db" \
  --at "$(at $((day - 3600000 + 20000)))" >/dev/null

echo "mtrader on a Raspberry Pi 4: instruction counts under qemu-user (aarch64 vs x86_64)"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-16s %10s %9s %10s %10s %7s %8s %10s %s\n' workload "x86_64 G" "native s" "threads" "RSS MB" \
  "aarch64 G" ratio "qemu RSS MB" "Pi 4 estimate (s)"
# measure LABEL OUTPUT ARG...: runs mtrader ARG... (writing a file named OUTPUT) natively, under
# qemu-x86_64 and under qemu-aarch64, each in a folder of its own with a fresh copy of $from_store
# (hard links) as its store and of $from_journal (when set) as run.db; prints a row.
from_store=$store from_journal=
measure() {
  local label=$1 output=$2
  shift 2
  local kind
  for kind in native x86 a64; do
    rm -rf "$work/$kind" && mkdir "$work/$kind" && cp -al "$from_store" "$work/$kind/store"
    [[ -z $from_journal ]] || cp "$from_journal" "$work/$kind/run.db"
    local cmd=("$native")
    [[ $kind == x86 ]] && cmd=(qemu-x86_64 -plugin "$work/qemu_insn.so,out=$work/$kind.n" "$native")
    [[ $kind == a64 ]] && cmd=(qemu-aarch64 -L "$sysroot" -plugin "$work/qemu_insn.so,out=$work/$kind.n" "$cross")
    (cd "$work/$kind" && /usr/bin/time -f '%e %U %S %M' -o "$work/$kind.time" "${cmd[@]}" --data-dir store "$@" \
      >"$work/$kind.out" 2>&1) || { cat "$work/$kind.out" >&2; exit 1; }
  done
  local a b
  a=$(find "$work/native" -name "$output") b=$(find "$work/a64" -name "$output")
  if [[ $output == *.db ]]; then # a journal: its trades (its runs hold wall-clock times)
    sqlite3 "$a" 'SELECT * FROM trades ORDER BY id' >"$work/native.trades"
    sqlite3 "$b" 'SELECT * FROM trades ORDER BY id' >"$work/a64.trades"
    a=$work/native.trades b=$work/a64.trades
  fi
  cmp "$a" "$b" || { echo "run-pi-bench: $label: the aarch64 $output differs from the native one" >&2; exit 1; }
  read -r wall user sys rss <"$work/native.time"
  local qrss x86 a64 threads
  qrss=$(awk '{print $4}' "$work/a64.time")
  x86=$(cat "$work/x86.n") a64=$(cat "$work/a64.n")
  threads=$(calc "($user + $sys) / $wall"); threads=$(calc "($threads < 1) ? 1 : $threads")
  printf '%-16s %10.3f %9.2f %10.2f %10.1f %7.3f %8.3f %10.1f %.2f (%.2f..%.2f at 1.8..1.5 GHz, IPC 1.3..0.7)\n' \
    "$label" "$(calc "$x86 / 1e9")" "$wall" "$threads" "$(calc "$rss / 1024")" "$(calc "$a64 / 1e9")" \
    "$(calc "$a64 / $x86")" "$(calc "$qrss / 1024")" "$(calc "$a64 / (1.0 * 1.5e9 * $threads)")" \
    "$(calc "$a64 / (1.3 * 1.8e9 * $threads)")" "$(calc "$a64 / (0.7 * 1.5e9 * $threads)")"
}
from_store=$s100 from_journal=$work/prep.db
measure "scan 100 x 6" run.db --config "$work/scan.json" scan --no-sync --journal run.db --at "$(at $((day + 20000)))"
from_store=$store from_journal=
measure "features BTC 1h" f.parquet features BTCUSDT 1h --out f.parquet
measure "train 1 agent" model.ubj --config "$work/train.json" train --journal none \
  --trials "$trials"
echo "(x86_64 G, aarch64 G: instructions executed, every thread; native s, RSS: the native run; qemu RSS:"
echo " the aarch64 run's, the emulator included; the Pi 4 estimate: aarch64 G / (1.0 IPC x 1.5 GHz x threads))"
