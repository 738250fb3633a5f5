#!/usr/bin/env bash
# Session benchmark: `mtrader replay`, `mtrader scan` and the journal's write
# rate over the reference data (10 pairs x 4 years of 1h; more symbols are the
# same candles under other names, as run-setups-memory-bench.sh does). Prints
# figures; never fails on time. It fails only when the replay's trades differ
# from the backtest's.
#
#   1. Replay of 3 agents (channel_run:200:mid:edge, channel_run:200:edge:mid,
#      trail_fractals:5:2 on 1h, the 10 pairs listed) over the whole span with
#      its journal: wall time and bars/s against the in-memory `mtrader
#      backtest` of the same strategies and span in the same run (and the
#      backtest with --journal); the replay's trades must equal the
#      backtest's journalled ones ("identical").
#   2. `mtrader scan --no-sync` on 100 symbols with 1h, 4h and 1d (resampled)
#      and 6 agents (a ranked top-100 and a listed one per timeframe), from a
#      journal whose run processed the bars before: one 1h bar due, then 1h,
#      4h and 1d due together; and a scan with nothing due (opening only:
#      load, re-warm over the whole stored history, restore). Wall time best
#      of N, peak RSS, and the instruction count (Ir) under callgrind.
#   3. Journal write rate: `backtest --stack` with and without --journal:
#      trades (and decisions) per second of extra time, bytes per 100k trades
#      with the -wal file, and after a checkpoint.
#
# Usage: bench/run-session-bench.sh [BUILD_DIR]   (default: build/release)
#   MT_BENCH_CSV_DIR: folder of <SYMBOL>-1h.csv; default ../shared/data/ohlcv/csv (from a
#   git worktree: beside its main checkout).
#   MT_BENCH_RUNS: runs per timed figure, the best kept (default 5);
#   MT_BENCH_LONG_RUNS: the same for the journalled backtests and the replay (2). MT_BENCH_NO_CALLGRIND=1 skips callgrind.
#   Needs sqlite3 and /usr/bin/time; valgrind for the instruction counts.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build/release}
mt=$build/src/cli/mtrader
source "$root/bench/lib.sh"
csv_dir=$(bench_csv_dir "$root")
runs=${MT_BENCH_RUNS:-5}
long_runs=${MT_BENCH_LONG_RUNS:-2}
[[ -x $mt ]] || { echo "run-session-bench: $mt is not built: ninja -C $build" >&2; exit 1; }
for exe in sqlite3 /usr/bin/time; do
  command -v "$exe" >/dev/null || { echo "run-session-bench: $exe missing (apt-get install ${exe##*/})" >&2; exit 1; }
done
callgrind=1
[[ -n ${MT_BENCH_NO_CALLGRIND:-} ]] && callgrind=
command -v valgrind >/dev/null || { callgrind=; echo "run-session-bench: valgrind missing: no instruction counts"; }
bases=()
for f in "$csv_dir"/*USDT-1h.csv; do
  [[ -e $f ]] || { echo "run-session-bench: no <SYMBOL>-1h.csv in $csv_dir" >&2; exit 1; }
  b=$(basename "$f" -1h.csv)
  bases+=("${b%USDT}")
done

work=$(mktemp -d "${TMPDIR:-/tmp}/mt-sessbench.XXXXXX")
trap 'rm -rf "$work"' EXIT
calc() { awk "BEGIN { print $1 }"; }

# timed OUT CMD...: runs CMD once (stdout+stderr to OUT); sets wall (s) and rss (MB).
timed() {
  local out=$1
  shift
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$work/rss" "$@" >"$out" 2>&1 || { cat "$out" >&2; exit 1; }
  t1=$(date +%s.%N)
  wall=$(calc "$t1 - $t0")
  rss=$(calc "$(tail -1 "$work/rss") / 1024")
}
# best N SETUP OUT CMD...: SETUP (a function, may be :) before each of N timed
# runs of CMD; sets best (the lowest wall) and rss (the highest peak).
best() {
  local n=$1 setup=$2 out=$3
  shift 3
  best=
  local peak=0
  for _ in $(seq "$n"); do
    "$setup"
    timed "$out" "$@"
    [[ -z $best ]] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }' && best=$wall
    peak=$(calc "($rss > $peak) ? $rss : $peak")
  done
  rss=$peak
}
# ir OUT CMD...: the instruction count (Ir) of CMD under callgrind; sets ir and
# keeps the profile in $work/cg.OUT.
ir() {
  local name=$1
  shift
  valgrind --tool=callgrind --callgrind-out-file="$work/cg.$name" "$@" >"$work/cg.$name.log" 2>&1 ||
    { cat "$work/cg.$name.log" >&2; exit 1; }
  ir=$(sed -n 's/^summary: *//p' "$work/cg.$name" | awk '{print $1}')
}
db_bytes() { local s=0 f; for f in "$1" "$1-wal"; do [[ -e $f ]] && s=$((s + $(stat -c %s "$f"))); done; echo "$s"; }
q() { sqlite3 "$@"; }

echo "mtrader session benchmark: ${#bases[@]} real 1h pairs from $csv_dir"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start; best of $runs ($long_runs for the journalled runs)"
echo

# The store of the 10 real pairs.
s10=$work/s10
symbols10=()
for b in "${bases[@]}"; do
  "$mt" --data-dir "$s10" import --symbol "${b}USDT" --timeframe 1h "$csv_dir/${b}USDT-1h.csv" >/dev/null
  symbols10+=("${b}USDT")
done
list10=$(IFS=,; echo "${symbols10[*]}")
# The span: from the first stored bar + 30 days to the end of the data (the
# common end: two pairs of the reference set go on nine days longer).
ends=$(for s in "${symbols10[@]}"; do
  "$mt" --data-dir "$s10" data --symbol "$s" --timeframe 1h --csv | sed -n '2p;$p' | cut -d, -f1 | paste -sd' '
done)
first_open=$(awk '{print $1}' <<<"$ends" | sort -n | head -1)
last_open=$(awk '{print $2}' <<<"$ends" | sort -n | head -1)
from=$(date -u -d "@$((first_open / 1000 + 30 * 86400))" +%F)
to_ms=$((last_open + 3600000)) # the end of the data: the last bar decided is the last stored
to=$(date -u -d "@$((to_ms / 1000))" '+%FT%H:%M')
strategies=channel_run:200:mid:edge,channel_run:200:edge:mid,trail_fractals:5:2

# ---- 1. replay against the backtest ----
{
  echo '{"agents": ['
  bench_agent cr_me channel_run:200:mid:edge 1h "{\"symbols\": \"$list10\"}"; echo ','
  bench_agent cr_em channel_run:200:edge:mid 1h "{\"symbols\": \"$list10\"}"; echo ','
  bench_agent tf trail_fractals:5:2 1h "{\"symbols\": \"$list10\"}"
  echo ']}'
} >"$work/replay.json"

bt=("$mt" --data-dir "$s10" backtest --strategy "$strategies" --timeframe 1h --from "$from" --to "$to"
  --trades "$work/bt-trades.csv" --equity "$work/bt-equity.csv") # one backtest over the span
rm_bt_journal() { rm -f "$work/bt.db" "$work/bt.db-wal" "$work/bt.db-shm"; }
rm_replay_journal() { rm -f "$work/replay.db" "$work/replay.db-wal" "$work/replay.db-shm"; }

echo "1. replay of 3 agents ($strategies, 1h, ${#symbols10[@]} pairs listed) from $from to $to"
best "$runs" : "$work/bt.out" "${bt[@]}"
bt_wall=$best bt_rss=$rss
bt_trades=$(sed -n 's/^\([0-9]*\) trades -> .*/\1/p' "$work/bt.out")
best "$long_runs" rm_bt_journal "$work/btj.out" "${bt[@]}" --journal "$work/bt.db"
btj_wall=$best btj_rss=$rss
best "$long_runs" rm_replay_journal "$work/replay.out" \
  "$mt" --config "$work/replay.json" --data-dir "$s10" replay --from "$from" --to "$to" --journal "$work/replay.db"
rp_wall=$best rp_rss=$rss
rp_bars=$(sed -n 's/^replay to .*: \([0-9]*\) bars,.*/\1/p' "$work/replay.out")
rp_line=$(grep '^replay to' "$work/replay.out")
rp_trades=$(q "$work/replay.db" 'SELECT count(*) FROM trades')
pair_bars=$((rp_bars * ${#symbols10[@]}))
printf '   backtest, in memory:      %6.2f s, peak RSS %6.1f MB, %d trades\n' "$bt_wall" "$bt_rss" "$bt_trades"
printf '   backtest --journal:       %6.2f s, peak RSS %6.1f MB (journal %.1f MB)\n' "$btj_wall" "$btj_rss" \
  "$(calc "$(db_bytes "$work/bt.db") / 1048576")"
printf '   replay (journal, a tick a bar): %6.2f s, peak RSS %6.1f MB (journal %.1f MB), %d trades\n' "$rp_wall" \
  "$rp_rss" "$(calc "$(db_bytes "$work/replay.db") / 1048576")" "$rp_trades"
printf '   %s\n' "$rp_line"
printf '   bars decided: %d bar times x %d pairs = %d pair-bars: replay %.0f pair-bars/s, backtest %.0f pair-bars/s\n' \
  "$rp_bars" "${#symbols10[@]}" "$pair_bars" "$(calc "$pair_bars / $rp_wall")" "$(calc "$pair_bars / $bt_wall")"
printf '   ratio replay / backtest in memory %.2fx, replay / backtest --journal %.2fx, %.2f ms per tick (bar time)\n' \
  "$(calc "$rp_wall / $bt_wall")" "$(calc "$rp_wall / $btj_wall")" "$(calc "1000 * $rp_wall / $rp_bars")"
# The trades of both journals, compared column by column (their one run each).
cols="id, parent, agent, symbol, kind, side, signal_time, setup_price, setup_stop, setup_target, sim_reasons, state,
      open_time, close_time, entry, init_stop, stop, target, init_size, size, fees, realized, pnl, r, exit_reason"
diff_count=$(q "$work/replay.db" "ATTACH '$work/bt.db' AS b;
  SELECT (SELECT count(*) FROM (SELECT $cols FROM main.trades EXCEPT SELECT $cols FROM b.trades))
       + (SELECT count(*) FROM (SELECT $cols FROM b.trades EXCEPT SELECT $cols FROM main.trades));")
bt_jtrades=$(q "$work/bt.db" 'SELECT count(*) FROM trades')
if [[ $diff_count != 0 || $bt_jtrades != "$rp_trades" ]]; then
  echo "   trades: DIFFERENT: $diff_count rows differ (backtest $bt_jtrades trades, replay $rp_trades); first ones:" >&2
  q -header "$work/replay.db" "ATTACH '$work/bt.db' AS b;
    SELECT 'replay' AS src, $cols FROM (SELECT $cols FROM main.trades EXCEPT SELECT $cols FROM b.trades) LIMIT 3;
    SELECT 'backtest' AS src, $cols FROM (SELECT $cols FROM b.trades EXCEPT SELECT $cols FROM main.trades) LIMIT 3;" >&2
  exit 1
fi
echo "   trades: identical ($rp_trades trades, 25 columns, backtest --journal vs replay journal)"
echo

# ---- 2. scan of 100 symbols x 6 agents ----
"$mt" --data-dir "$s10" resample --from 1h --to 4h,1d >/dev/null
s100=$work/s100
bench_store100 "$s10" "$s100" "${bases[@]}"
bench_six_agents "$(IFS=,; echo "${symbols100[*]}")" >"$work/scan.json"
at() { date -u -d "@$(($1 / 1000))" '+%FT%H:%M:%S'; }
scan=("$mt" --config "$work/scan.json" --data-dir "$s100" scan --no-sync) # then --journal J --at T
restore_journal() { # the prepared journal, fresh for each measured scan
  rm -f "$work/run.db" "$work/run.db-wal" "$work/run.db-shm"
  cp "$prep.db" "$work/run.db"
  [[ ! -e $prep.db-wal ]] || cp "$prep.db-wal" "$work/run.db-wal"
}

echo "2. mtrader scan --no-sync, ${#symbols100[@]} symbols (1h, 4h, 1d; ${#bases[@]} real under 10 names each), 6 agents"
echo "   (1h: channel_run:200:mid:edge top 100 by volume_1d, channel_run:200:edge:mid listed; 4h: the first and"
echo "   trail_fractals:5:2 listed; 1d: trail_fractals:5:2 top 100, channel_run:200:edge:mid listed); grace 20 s"
# scan_case LABEL T_MS: the prepared journal has processed the bars due at
# T - 1h; the scan at T (+ grace) has the next 1h bar due (and 4h, 1d when T is on their grid).
scan_case() {
  local label=$1 t=$2
  prep=$work/prep-$label
  timed "$work/prep.out" "${scan[@]}" --journal "$prep.db" --at "$(at $((t - 3600000 + 20000)))"
  printf '   %-14s %5.2f s, peak RSS %6.1f MB (the first scan of a new run, at T - 1h: all bars in memory)\n' \
    "prepare:" "$wall" "$rss"
  best "$runs" restore_journal "$work/scan.out" "${scan[@]}" --journal "$work/run.db" --at "$(at $((t + 20000)))"
  local line
  line=$(grep '^scan ' "$work/scan.out")
  printf '   %-14s %5.2f s, peak RSS %6.1f MB' "$label:" "$best" "$rss"
  scan_wall=$best
  if [[ -n $callgrind ]]; then
    restore_journal
    ir "$label" "${scan[@]}" --journal "$work/run.db" --at "$(at $((t + 20000)))"
    printf ', %.3f G instructions' "$(calc "$ir / 1e9")"
    scan_ir=$ir
  fi
  printf '\n      %s\n' "$line"
}
scan_case "1h due" "$to_ms"
due1_wall=$scan_wall due1_ir=${scan_ir:-0}
day=$(((to_ms / 86400000) * 86400000)) # the last midnight in the data: 1h, 4h and 1d close together
scan_case "1h+4h+1d due" "$day"
due3_wall=$scan_wall due3_ir=${scan_ir:-0}
# Nothing due: the session is opened (load, re-warm, restore) and closed.
best "$runs" restore_journal "$work/scan.out" "${scan[@]}" --journal "$work/run.db" --at "$(at $((day - 3600000 + 20000)))"
grep -q '0 bars' "$work/scan.out" || { echo "the scan with nothing due did something:" >&2; cat "$work/scan.out" >&2; exit 1; }
open_wall=$best
printf '   %-14s %5.2f s, peak RSS %6.1f MB' "nothing due:" "$best" "$rss"
if [[ -n $callgrind ]]; then
  restore_journal
  ir open "${scan[@]}" --journal "$work/run.db" --at "$(at $((day - 3600000 + 20000)))"
  printf ', %.3f G instructions' "$(calc "$ir / 1e9")"
  open_ir=$ir
fi
echo " (opening only: store load, re-warm, restore)"
# The opening's share of each scan: from the instruction counts (the wall
# times of runs this short are too noisy on a shared machine), else the times.
if [[ -n $callgrind ]]; then
  printf '   opening share of the scan (Ir): 1h due %.1f%%, 1h+4h+1d due %.1f%%; the tick itself %.3f G and %.3f G Ir\n' \
    "$(calc "100 * $open_ir / $due1_ir")" "$(calc "100 * $open_ir / $due3_ir")" \
    "$(calc "($due1_ir - $open_ir) / 1e9")" "$(calc "($due3_ir - $open_ir) / 1e9")"
else
  printf '   opening share of the scan (wall, noisy): 1h due %.0f%%, 1h+4h+1d due %.0f%%\n' \
    "$(calc "100 * $open_wall / $due1_wall")" "$(calc "100 * $open_wall / $due3_wall")"
fi
# Where the Ir go: inclusive shares of the opening, the tick, the store's reads
# (and their zstd part) and the strategies' steps, when the build kept them apart.
shares() { # PROFILE
  callgrind_annotate --inclusive=yes "$1" 2>/dev/null | awk '
    BEGIN { n = split("mt_session_open mt_session_tick mt_store_read_file ZSTD_decompressDCtx strategy_step", k, " ")
            for (i = 1; i <= n; i++) label[k[i]] = i }
    match($0, /:[A-Za-z_][A-Za-z0-9_]*/) {
      f = substr($0, RSTART + 1, RLENGTH - 1)
      if ((f in label) && !(f in pct) && match($0, /\( *[0-9.]+%\)/))
        pct[f] = substr($0, RSTART + 1, RLENGTH - 2)
    }
    END { for (i = 1; i <= n; i++) printf "%s%s %s", (i > 1 ? ", " : ""), k[i], ((k[i] in pct) ? pct[k[i]] : "-") }'
}
if [[ -n $callgrind ]] && command -v callgrind_annotate >/dev/null; then
  echo "   inclusive Ir shares (callgrind_annotate):"
  for p in "1h due" "1h+4h+1d due" open; do printf '      %-13s %s\n' "$p:" "$(shares "$work/cg.$p")"; done
fi
echo

# ---- 3. journal write rate ----
echo "3. journal write rate: backtest --stack, ${#symbols10[@]} pairs, $strategies, 1h, $from to $to"
best "$runs" : "$work/bt.out" "${bt[@]}" --stack
mem_wall=$best
best "$long_runs" rm_bt_journal "$work/btj.out" "${bt[@]}" --stack --journal "$work/bt.db"
jr_wall=$best
read -r n_trades n_legs n_dec n_eq < <(q -separator ' ' "$work/bt.db" \
  'SELECT (SELECT count(*) FROM trades), (SELECT count(*) FROM legs), (SELECT count(*) FROM decisions), (SELECT count(*) FROM equity)')
bytes=$(db_bytes "$work/bt.db")
wal=$([[ -e $work/bt.db-wal ]] && stat -c %s "$work/bt.db-wal" || echo 0)
q "$work/bt.db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
bytes_ck=$(db_bytes "$work/bt.db")
extra=$(calc "$jr_wall - $mem_wall")
printf '   in memory %.2f s, with the journal %.2f s: %.2f s more for %d trades, %d legs, %d decisions, %d equity points\n' \
  "$mem_wall" "$jr_wall" "$extra" "$n_trades" "$n_legs" "$n_dec" "$n_eq"
if awk -v e="$extra" 'BEGIN { exit !(e > 0.05) }'; then
  printf '   %.0f trades/s (%.0f rows/s of all four tables) of extra time\n' "$(calc "$n_trades / $extra")" \
    "$(calc "($n_trades + $n_legs + $n_dec + $n_eq) / $extra")"
else
  echo "   the extra time is within the noise: no rate"
fi
printf '   file: %.1f MB with the -wal (%.1f MB of it), %.1f MB after a checkpoint: %.1f MB per 100k trades (%.1f with the -wal)\n' \
  "$(calc "$bytes / 1048576")" "$(calc "$wal / 1048576")" "$(calc "$bytes_ck / 1048576")" \
  "$(calc "$bytes_ck / 1048576 * 100000 / $n_trades")" "$(calc "$bytes / 1048576 * 100000 / $n_trades")"
if q "$work/bt.db" 'SELECT 1 FROM dbstat LIMIT 1' >/dev/null 2>&1; then
  q -separator ' ' "$work/bt.db" "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 8" |
    awk -v t="$bytes_ck" '{ printf "      %-22s %6.1f MB (%4.1f%%)\n", $1, $2 / 1048576, 100 * $2 / t }'
fi
echo
echo "machine: load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
