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
#   3. training: `mtrader train` of the scan's 6 agents on the 10 pairs with MT_BENCH_TRIALS
#      trials (default 2) and "jobs": 4 (a Pi's cores): every model file compared.
#   4. the daily retraining: the same at MT_BENCH_RETRAIN_TRIALS (50, the default ml.trials),
#      natively only (under qemu it would take hours): wall, CPU and peak RSS measured, and its
#      aarch64 instructions estimated as 3.'s count x the ratio of the two runs' native CPU times
#      (the instructions per CPU second taken as the same); then the same two runs on the 100
#      symbols (the setups of 100 pairs), estimated the same way from 3.'s count per CPU second.
# x86_64 counts a `rep movs`/`rep stos` (glibc's memcpy and memset of large blocks) once per
# element, as callgrind does, so the x86_64 figure is the higher bound; aarch64 has no such
# instruction.
#
# Usage: bench/run-pi-bench.sh [NATIVE_BUILD [AARCH64_BUILD]]   (default build/release, build/aarch64)
#   MT_BENCH_CSV_DIR: folder of <SYMBOL>-1h.csv; default ../shared/data/ohlcv/csv.
#   MT_BENCH_TRIALS, MT_BENCH_RETRAIN_TRIALS: the trials of 3. and 4. (2 and 50);
#   MT_BENCH_NO_100=1 leaves out the 100 symbols' training runs (the longest part).
#   Needs qemu-user (not -static: its plugins), gcc, sqlite3, /usr/bin/time; scripts/cross-aarch64.sh first.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/bench/lib.sh"
native=${1:-$root/build/release}/src/cli/mtrader
cross=${2:-$root/build/aarch64}/src/cli/mtrader
sysroot=$root/build/sysroot-aarch64
csv_dir=$(bench_csv_dir "$root")
trials=${MT_BENCH_TRIALS:-2}
retrain=${MT_BENCH_RETRAIN_TRIALS:-50}
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
bases=()
for f in "$csv_dir"/*USDT-1h.csv; do
  [[ -e $f ]] || { echo "run-pi-bench: no <SYMBOL>-1h.csv in $csv_dir" >&2; exit 1; }
  b=$(basename "$f" -1h.csv)
  "$native" --data-dir "$store" import --symbol "$b" --timeframe 1h "$f" >/dev/null
  bases+=("${b%USDT}")
done
"$native" --data-dir "$store" resample --from 1h --to 4h,1d >/dev/null
list10=$(printf '%sUSDT,' "${bases[@]}") list10=${list10%,}
s100=$work/s100
bench_store100 "$store" "$s100" "${bases[@]}"
list100=$(IFS=,; echo "${symbols100[*]}")
bench_six_agents "$list100" >"$work/scan.json"
bench_six_agents "$list10" '{"jobs": 4}' >"$work/train10.json"
bench_six_agents "$list100" '{"jobs": 4}' >"$work/train100.json"
last=$("$native" --data-dir "$store" data --symbol BTCUSDT --timeframe 1h --csv | tail -1 | cut -d, -f1)
day=$(((last / 86400000) * 86400000)) # the last midnight: 1h, 4h and 1d close together
at() { date -u -d "@$(($1 / 1000))" '+%FT%H:%M:%S'; }
"$native" --config "$work/scan.json" --data-dir "$s100" scan --no-sync --journal "$work/prep.db" \
  --at "$(at $((day - 3600000 + 20000)))" >"$work/prep.out" 2>&1 || { cat "$work/prep.out" >&2; exit 1; }

# pi4 INSTRUCTIONS THREADS: the Pi 4 estimate, central (range at 1.8..1.5 GHz, IPC 1.3..0.7).
pi4() {
  printf '%.1f (%.1f..%.1f)' "$(calc "$1 / (1.0 * 1.5e9 * $2)")" "$(calc "$1 / (1.3 * 1.8e9 * $2)")" \
    "$(calc "$1 / (0.7 * 1.5e9 * $2)")"
}
# run KIND LABEL ARG...: runs mtrader ARG... as KIND (native; x86: under qemu-x86_64; a64: under
# qemu-aarch64), both counted) in the folder $work/KIND with a fresh copy of $from_store (hard
# links) as its store and of $from_journal (when set) as run.db; sets wall, cpu (s), rss (MB) and
# n (instructions; 0 natively).
from_store=$store from_journal=
run() {
  local kind=$1 label=$2
  shift 2
  rm -rf "${work:?}/$kind" && mkdir "$work/$kind" && cp -al "$from_store" "$work/$kind/store"
  [[ -z $from_journal ]] || cp "$from_journal" "$work/$kind/run.db"
  local cmd=("$native")
  [[ $kind == x86 ]] && cmd=(qemu-x86_64 -plugin "$work/qemu_insn.so,out=$work/$kind.n" "$native")
  [[ $kind == a64 ]] && cmd=(qemu-aarch64 -L "$sysroot" -plugin "$work/qemu_insn.so,out=$work/$kind.n" "$cross")
  (cd "$work/$kind" && /usr/bin/time -f '%e %U %S %M' -o "$work/$kind.time" "${cmd[@]}" --data-dir store "$@" \
    >"$work/$kind.out" 2>&1) || { echo "run-pi-bench: $label ($kind) failed:" >&2; cat "$work/$kind.out" >&2; exit 1; }
  local user sys
  read -r wall user sys rss <"$work/$kind.time"
  cpu=$(calc "$user + $sys") rss=$(calc "$rss / 1024") n=0
  [[ $kind == native ]] || n=$(cat "$work/$kind.n")
}
# outputs KIND NAME: prints every file named NAME of KIND's run in path order (a journal: its
# trades, since its runs hold wall-clock times).
outputs() {
  local f
  find "$work/$1" -name "$2" | sort | while read -r f; do
    if [[ $f == *.db ]]; then sqlite3 "$f" 'SELECT * FROM trades ORDER BY id'; else cat "$f"; fi
  done
}
echo "mtrader on a Raspberry Pi 4: instruction counts under qemu-user (aarch64 vs x86_64)"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-16s %10s %9s %9s %8s %10s %7s %8s %s\n' workload "x86_64 G" "native s" "threads" "RSS MB" \
  "aarch64 G" ratio "qemu RSS MB" "Pi 4 estimate (s), at 1.8..1.5 GHz, IPC 1.3..0.7"
# measure LABEL OUTPUT ARG...: runs mtrader ARG... (writing files named OUTPUT) natively and
# counted as x86_64 and aarch64, checks that the aarch64 outputs equal the native ones, prints a
# row; sets the native run's cpu and the aarch64 count a64.
measure() {
  local label=$1 output=$2
  shift 2
  run x86 "$label" "$@"
  local x86=$n
  run a64 "$label" "$@"
  a64=$n
  local qrss=$rss
  run native "$label" "$@"
  [[ -n $(find "$work/native" -name "$output") ]] || { echo "run-pi-bench: $label wrote no $output" >&2; exit 1; }
  cmp <(outputs native "$output") <(outputs a64 "$output") ||
    { echo "run-pi-bench: $label: the aarch64 $output differs from the native one" >&2; exit 1; }
  local threads
  threads=$(calc "$cpu / $wall"); threads=$(calc "($threads < 1) ? 1 : $threads")
  printf '%-16s %10.3f %9.2f %9.2f %8.1f %10.3f %7.3f %8.1f %s\n' "$label" "$(calc "$x86 / 1e9")" "$wall" \
    "$threads" "$rss" "$(calc "$a64 / 1e9")" "$(calc "$a64 / $x86")" "$qrss" "$(pi4 "$a64" "$threads")"
}
from_store=$s100 from_journal=$work/prep.db
measure "scan 100 x 6" run.db --config "$work/scan.json" scan --no-sync --journal run.db --at "$(at $((day + 20000)))"
from_store=$store from_journal=
measure "features BTC 1h" f.parquet features BTCUSDT 1h --out f.parquet
train=(train --journal none)
measure "train 6 x $trials" model.ubj --config "$work/train10.json" "${train[@]}" --trials "$trials"
a64_short=$a64 cpu_short=$cpu
echo "(x86_64 G, aarch64 G: instructions executed, every thread; native s, RSS: the native run; qemu RSS:"
echo " the aarch64 run's, the emulator included; threads: its CPU time / wall time; the Pi 4 estimate:"
echo " aarch64 G / (IPC x clock x threads))"
echo
# retrain LABEL CONFIG STORE: the native training run at $retrain trials (and, for the 100 symbols,
# the one at $trials first), its aarch64 estimate from the count of "train 6 x $trials" per native
# CPU second, and its Pi 4 estimate on one core and on 4 (the fits run in parallel: ml.jobs): the
# speedup of 4 cores by Amdahl's law from the serial share this run showed on this machine's cores.
retrain() {
  local label=$1 config=$2 short_cpu=$cpu_short
  from_store=$3
  if [[ $from_store != "$store" ]]; then
    run native "$label" --config "$config" "${train[@]}" --trials "$trials"
    short_cpu=$cpu
    printf '   %s, %d trials: %.1f s, CPU %.1f s, peak RSS %.0f MB\n' "$label" "$trials" "$wall" "$cpu" "$rss"
  fi
  run native "$label" --config "$config" "${train[@]}" --trials "$retrain"
  local est
  est=$(calc "$a64_short * $cpu / $cpu_short")
  printf '   %s, %d trials: %.1f s, CPU %.1f s (%.2fx the %d trials), peak RSS %.0f MB\n' "$label" "$retrain" "$wall" \
    "$cpu" "$(calc "$cpu / $short_cpu")" "$trials" "$rss"
  local p serial speedup
  p=$(nproc) serial=0
  ((p < 2)) || serial=$(calc "(($p * $wall / $cpu) - 1) / ($p - 1)")
  serial=$(calc "($serial < 0) ? 0 : ($serial > 1) ? 1 : $serial")
  speedup=$(calc "1 / ($serial + (1 - $serial) / 4)")
  printf '      aarch64 estimate %.0f G: Pi 4 one core %s s; 4 cores (%.2fx: serial share %.3f on %d cores here) %s s\n' \
    "$(calc "$est / 1e9")" "$(pi4 "$est" 1)" "$speedup" "$serial" "$p" "$(pi4 "$est" "$speedup")"
  grep -E '^(cr|tf)_' "$work/native.out" | grep -v ' runs ' | sed 's/^/      /'
}
echo "the daily retraining: mtrader train, the 6 agents, $retrain trials, jobs 4, natively (aarch64"
echo "instructions = those of \"train 6 x $trials\" x the native CPU time's ratio; the fits are parallel: 4 cores"
echo "on a Pi 4 by Amdahl's law from the serial share measured here)"
retrain "10 pairs" "$work/train10.json" "$store"
[[ -n ${MT_BENCH_NO_100:-} ]] || retrain "100 symbols" "$work/train100.json" "$s100"
