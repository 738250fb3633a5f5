#!/usr/bin/env bash
# Download benchmark: `mtrader download` against mt-fakebinance on 127.0.0.1
# serving real Binance 1h candles (4 years, 10 pairs; more symbols are the same
# candles under other names). Prints figures only; never fails on time.
#
#   1. 30-symbol x 4-year 1h backfill at the real 6000/min limit and the default
#      80% share: wall time, requests, weight, peak RSS; the peer
#      (bench/peer_download.py, the original's sequential python loop) fetches
#      the same history from the same server in the same run.
#      Again with 50 ms added to every answer, closer to a real connection.
#   2. 30-symbol incremental update one day later: wall time, requests.
#   3. 100-symbol x 4-year backfill with the limit lifted: peak RSS, candles/s.
#   4. 300-symbol x 4-year backfill at the real 6000/min limit with
#      --weight-share 0.95, about four minutes: share of the limit used in every
#      whole minute, 429/418 answers, candles/s.
#
# Usage: bench/run-download-bench.sh [BUILD_DIR]     (default: build/release)
#   MT_BENCH_CSV_DIR: folder of <SYMBOL>-1h.csv (open_time,open,high,low,close,
#   volume); default ../shared/data/ohlcv/csv (the reference data set, not shipped:
#   tests/fixtures/ohlcv/README.md). Needs python3 and /usr/bin/time.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build/release}
mt=$build/src/cli/mtrader
fb=$build/tools/mt-fakebinance
csv_dir=${MT_BENCH_CSV_DIR:-$root/../shared/data/ohlcv/csv}
for exe in "$mt" "$fb"; do
  [[ -x $exe ]] || { echo "run-download-bench: $exe is not built: ninja -C $build" >&2; exit 1; }
done
[[ -x /usr/bin/time ]] || { echo "run-download-bench: /usr/bin/time missing (apt-get install time)" >&2; exit 1; }
bases=()
for f in "$csv_dir"/*USDT-1h.csv; do
  [[ -e $f ]] || { echo "run-download-bench: no <SYMBOL>-1h.csv in $csv_dir" >&2; exit 1; }
  b=$(basename "$f" -1h.csv)
  bases+=("${b%USDT}")
done

work=$(mktemp -d "${TMPDIR:-/tmp}/mt-dlbench.XXXXXX")
server_pid=
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# Source store: the real pairs, then aliases (hard links) BTC1USDT, ETH1USDT, ...
src=$work/src
for b in "${bases[@]}"; do
  "$mt" --data-dir "$src" import --symbol "${b}USDT" --timeframe 1h "$csv_dir/${b}USDT-1h.csv" >/dev/null
done
symbols=()
for b in "${bases[@]}"; do symbols+=("${b}USDT"); done
for k in $(seq 1 $((300 / ${#bases[@]}))); do
  for b in "${bases[@]}"; do
    ln "$src/ohlcv/1h/${b}USDT.parquet" "$src/ohlcv/1h/${b}${k}USDT.parquet"
    symbols+=("${b}${k}USDT")
  done
done
list() { local IFS=,; echo "${symbols[*]:0:$1}"; }

# The last real candle opens 2024-05-08 06:00 UTC; the history starts 4 years before.
last_open=$("$mt" --data-dir "$src" data --symbol "${symbols[0]}" --timeframe 1h --csv | tail -1 | cut -d, -f1)
now_ms=$((last_open + 1800000))        # half an hour into the last candle
day_before=$((now_ms - 86400000))
since=$(date -u -d "@$(((last_open / 1000) - 4 * 365 * 86400))" +%F)
since_ms=$(($(date -u -d "$since" +%s) * 1000))

start_server() { # clock_ms, extra options...
  local clock=$1
  shift
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  : >"$work/server.log"
  "$fb" --data-dir "$src" --port 0 --clock "$clock" --log "$work/server.log" "$@" >"$work/fb.out" &
  server_pid=$!
  for _ in $(seq 600); do grep -q listening "$work/fb.out" 2>/dev/null && break; sleep 0.1; done
  url=$(sed -n 's/^listening on //p' "$work/fb.out")
  [[ -n $url ]] || { echo "mt-fakebinance did not start" >&2; exit 1; }
}

# download NAME DATA_DIR OPTIONS...: runs mtrader download with its own
# weight-state file; sets wall, rss_mb, summary.
download() {
  local name=$1 dir=$2
  shift 2
  echo "{\"exchange\": {\"state_file\": \"$work/$name.state\"}}" >"$work/$name.json"
  local t0 t1
  t0=$(date +%s.%N)
  MTRADER_CONFIG=$work/$name.json /usr/bin/time -f '%M' -o "$work/$name.rss" \
    "$mt" --data-dir "$dir" download --base-url "$url" --timeframes 1h "$@" >"$work/$name.out" 2>&1 ||
    { cat "$work/$name.out" >&2; exit 1; }
  t1=$(date +%s.%N)
  wall=$(calc "$t1 - $t0")
  rss_mb=$(calc "$(cat "$work/$name.rss") / 1024")
  summary=$(grep '^downloaded' "$work/$name.out")
}
calc() { awk "BEGIN { print $1 }"; }
requests() { wc -l <"$work/server.log"; }
weight() { awk '{w += $5} END {print w}' "$work/server.log"; }
status_count() { awk -v s="$1" '$4 == s' "$work/server.log" | wc -l; }
added() { sed -n 's/.*: \([0-9]*\) candles added.*/\1/p' <<<"$summary"; }

echo "mtrader download benchmark: ${#bases[@]} real 1h pairs from $csv_dir, history from $since"
echo

# 1. 30-symbol backfill, real limit, default share; then the peer on the same data.
backfill30() { # name, title, extra server options...
  local name=$1 title=$2
  shift 2
  start_server "$day_before" "$@"
  download "$name" "$work/$name" --symbols "$(list 30)" --since "$since"
  printf '%s\n' "$title"
  printf '   mtrader: %.1f s, %d requests, weight %d, %d candles (%.0f candles/s), peak RSS %.1f MB\n' \
    "$wall" "$(requests)" "$(weight)" "$(added)" "$(calc "$(added) / $wall")" "$rss_mb"
  printf '   %s\n' "$summary"
  local ours_wall=$wall peer peer_s
  start_server "$day_before" "$@"
  peer=$(python3 "$root/bench/peer_download.py" "$url" "$since_ms" "${symbols[@]:0:30}" | grep '^result ')
  peer_s=$(sed 's/.*seconds=//' <<<"$peer")
  printf '   peer (python, sequential, no writes): %s s, %s requests, %s candles; ratio peer/mtrader %.1fx\n' \
    "$peer_s" "$(sed 's/.*requests=\([0-9]*\).*/\1/' <<<"$peer")" \
    "$(sed 's/.*candles=\([0-9]*\).*/\1/' <<<"$peer")" "$(calc "$peer_s / $ours_wall")"
}
backfill30 b30 '1. backfill 30 symbols x 4 years 1h (limit 6000/min, share 0.8, concurrency 4)'
backfill30 b30lat '1b. the same with 50 ms latency per answer' --latency-ms 50

# 2. One day later: the incremental update of the same 30 symbols.
start_server "$now_ms"
download inc30 "$work/b30" --symbols "$(list 30)"
printf '2. incremental update 30 symbols, one day later\n'
printf '   mtrader: %.2f s, %d requests, weight %d, %d candles added\n' "$wall" "$(requests)" "$(weight)" "$(added)"

# 3. 100 symbols, limit lifted: memory and raw speed.
start_server "$now_ms" --weight-limit 100000000
download b100 "$work/b100" --symbols "$(list 100)" --since "$since" --no-snapshots --weight-share 1
printf '3. backfill 100 symbols x 4 years 1h, limit lifted\n'
printf '   mtrader: %.1f s, %d requests, %d candles (%.0f candles/s), peak RSS %.1f MB\n' \
  "$wall" "$(requests)" "$(added)" "$(calc "$(added) / $wall")" "$rss_mb"

# 4. 300 symbols at the real limit with 95% share: the weight actually used.
start_server "$now_ms"
download b300 "$work/b300" --symbols "$(list 300)" --since "$since" --no-snapshots --weight-share 0.95 \
  --concurrency 8
printf '4. backfill 300 symbols x 4 years 1h, limit 6000/min, --weight-share 0.95, concurrency 8\n'
printf '   mtrader: %.1f s, %d requests, weight %d, %d candles (%.0f candles/s), 429: %d, 418: %d\n' \
  "$wall" "$(requests)" "$(weight)" "$(added)" "$(calc "$(added) / $wall")" \
  "$(status_count 429)" "$(status_count 418)"
# Whole minutes only: the first and the last window of the run are partial.
awk '{ w = int($1 / 60000); if (!(w in used) || $6 > used[w]) used[w] = $6 }
     END { for (w in used) printf "%d %d\n", w, used[w] }' "$work/server.log" | sort -n | sed '1d;$d' |
  awk '{ printf "   minute %d: weight %d of 6000 = %.1f%% of the limit (%.1f%% of the 95%% budget)\n",
                NR, $2, $2 / 60, $2 / 57 }'
