#!/usr/bin/env bash
# Integration tests of `mtrader download` against the real mt-fakebinance on
# 127.0.0.1 (ephemeral ports): full backfill equals the source data exactly, the
# still-open candle is never stored, incremental runs add only new candles,
# faults end with correct data, kill -9 then rerun gives the exact source data,
# the server's weight limit makes the run wait instead of meeting a 429.
# Usage: download_test.sh MTRADER MT_FAKEBINANCE FIXTURES_DIR
set -uo pipefail
mt=$1
fb=$2
fx=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/mt-dl-XXXXXX")
# shellcheck source=../cli/lib.sh
source "$(dirname "$0")/../cli/lib.sh"
trap 'fb_stop; rm -rf "$work"' EXIT

# Source store: real BTCUSDT 1h klines of 2023-02 and 2023-03 (with the real
# 2023-03-24 13:00 outage), the same candles under other USDT symbols, a
# stablecoin pair that the default universe excludes.
src="$work/src"
"$mt" --data-dir "$src" import "$fx/ohlcv/zip" "$fx/ohlcv/vision_noheader" >/dev/null || exit 1
for s in ETHUSDT SOLUSDT USDCUSDT; do
  "$mt" --data-dir "$src" import --symbol "$s" --timeframe 1h "$fx/ohlcv/zip" \
    "$fx/ohlcv/vision_noheader" >/dev/null || exit 1
done
export MTRADER_CONFIG="$work/config.json"
echo "{\"exchange\": {\"state_file\": \"$work/weight.state\"}}" >"$MTRADER_CONFIG"

start_server() { # clock_ms, extra options...
  local clock=$1
  shift
  fb_start --data-dir "$src" --clock "$clock" --log "$work/server.log" "$@"
}
run() {
  out=$("$mt" "$@" 2>"$work/stderr")
  rc=$?
  errout=$(<"$work/stderr")
  [[ $rc -eq 0 ]] || printf '  (mtrader %s exited %d)\n%s\n%s\n' "$*" "$rc" "$out" "$errout" >&2
}
csv() { "$mt" --data-dir "$1" data --symbol "$2" --timeframe 1h --csv; }

MAR31_2330=1680305400000 # 2023-03-31 23:30 UTC: the 23:00 candle is still open
APR1_0030=1680309000000

# --- full backfill; the open candle is not stored ---
start_server $MAR31_2330
dst="$work/dst"
run --data-dir "$dst" download --base-url "$url" --timeframes 1h --since 2023-02-01
check "download exits 0" is "$rc" 0
check "stablecoin base excluded, 3 symbols" has "$out" "downloaded 3 series of 3 symbols"
check "1414 closed candles per symbol (open one dropped)" has "$out" "4242 candles added"
check "the real outage is a gap" has "$out" "3 gaps (3 missing candles)"
check "the open candle is not stored" is "$(csv "$dst" BTCUSDT | tail -1 | cut -d, -f1)" 1680300000000
check "a market snapshot of the 3 symbols" has "$out" "3 snapshot rows"
check "the snapshot is in the month's file" test -s "$dst/market/snapshots/2023-03.parquet"

# --- incremental: exactly the one new closed candle per symbol ---
start_server $APR1_0030
run --data-dir "$dst" download --base-url "$url" --timeframes 1h
check "incremental exits 0" is "$rc" 0
check "incremental adds 1 candle per symbol" has "$out" "3 candles added, 0 replaced"
check "backfill equals the source exactly" is "$(csv "$dst" BTCUSDT | md5sum)" "$(csv "$src" BTCUSDT | md5sum)"
check "second symbol equals the source" is "$(csv "$dst" SOLUSDT | md5sum)" "$(csv "$src" SOLUSDT | md5sum)"
run --data-dir "$dst" download --base-url "$url" --timeframes 1h --no-snapshots
check "nothing new: nothing added" has "$out" "0 candles added, 0 replaced"
check "--no-snapshots writes none" has "$out" "0 snapshot rows"
check "April's snapshot went to its own file" test -s "$dst/market/snapshots/2023-04.parquet"

# --- the market snapshots give the backtest each pair's spread over time ---
start_server 1678840200000 # 2023-03-15 00:30
run --data-dir "$work/sp" download --base-url "$url" --symbols BTCUSDT --timeframes 1h --since 2023-03-10
check "a snapshot on 15 March" has "$out" "1 snapshot rows"
start_server $MAR31_2330
run --data-dir "$work/sp" download --base-url "$url" --symbols BTCUSDT --timeframes 1h
run --data-dir "$work/sp" backtest --strategy trail_fractals:5:2 --timeframe 1h --spreads \
  --trades "$work/sp-t1.csv" --equity "$work/sp-e1.csv"
check "backtest --spreads exits 0" is "$rc" 0
check "backtest reads the snapshot within the bars (not the one after them)" has "$out" \
  "spreads: 1 market snapshots for 1 of 1 series"
run --data-dir "$work/sp" backtest --strategy trail_fractals:5:2 --timeframe 1h \
  --trades "$work/sp-t2.csv" --equity "$work/sp-e2.csv"
check "without --spreads: no snapshot read" lacks "$out" "spreads:"
check "the same trades closed before the snapshot" is \
  "$(awk -F, 'NR > 1 && $8 < 1678838400000' "$work/sp-t1.csv" | md5sum)" \
  "$(awk -F, 'NR > 1 && $8 < 1678838400000' "$work/sp-t2.csv" | md5sum)"
check "other entry prices after it" test "$(awk -F, 'NR > 1 && $6 >= 1678838400000' "$work/sp-t1.csv" | md5sum)" != \
  "$(awk -F, 'NR > 1 && $6 >= 1678838400000' "$work/sp-t2.csv" | md5sum)"
start_server $APR1_0030

# --- backfill: history before the first stored candle ---
run --data-dir "$work/bf" download --base-url "$url" --timeframes 1h --since 2023-03-01 --no-snapshots
check "march only first" has "$out" "2229 candles added"
run --data-dir "$work/bf" download --base-url "$url" --timeframes 1h --since 2023-02-01 --backfill \
  --no-snapshots
check "backfill adds february" has "$out" "2016 candles added, 0 replaced"
check "after backfill: exact source data" is "$(csv "$work/bf" BTCUSDT | md5sum)" "$(csv "$src" BTCUSDT | md5sum)"

# --- explicit symbols, top N, unknown symbol ---
run --data-dir "$work/top" download --base-url "$url" --timeframes 1h --top 1 --since 2023-03-30
check "top 1 downloads one symbol" has "$out" "downloaded 1 series of 1 symbols"
run --data-dir "$work/bad" download --base-url "$url" --symbols NOPEUSDT
check "unknown symbol exits 1" is "$rc" 1
check "unknown symbol is named" has "$errout" "unknown symbol 'NOPEUSDT'"

# --- resample from 1h into 4h and 1d ---
run --data-dir "$dst" download --base-url "$url" --timeframes 4h,1d --resample-from 1h
check "resample-from exits 0" is "$rc" 0
check "4h rows derived" is "$("$mt" --data-dir "$dst" data --symbol BTCUSDT --timeframe 4h | grep -c '^BTCUSDT')" 1

# --- faults: retries end with the exact data ---
# One request at a time makes the seeded fault sequence meet the requests in a
# fixed order, so the run is reproducible: 40 % of answers are faulty, every
# kind occurs, and each request succeeds within its 5 tries.
rm -f "$work/server.log"
start_server $APR1_0030 --fail-5xx 0.1 --truncate 0.1 --malformed 0.1 --drop 0.1 --seed 14
run --data-dir "$work/faults" download --base-url "$url" --timeframes 1h --since 2023-02-01 \
  --concurrency 1
check "download through faults exits 0" is "$rc" 0
check "faults: exact source data" is "$(csv "$work/faults" ETHUSDT | md5sum)" "$(csv "$src" ETHUSDT | md5sum)"
faults=$(cut -d' ' -f7 "$work/server.log" | sed 's/truncate-.*/truncate/; s/50[023]/5xx/' | sort -u | tr '\n' ' ')
check "every fault kind was injected" is "$faults" "5xx drop malformed none truncate "

# --- kill -9 mid-download, then rerun: exact data ---
start_server $APR1_0030 --latency-ms 150
"$mt" --data-dir "$work/kill" download --base-url "$url" --timeframes 1h --since 2023-02-01 \
  --concurrency 1 >/dev/null 2>&1 &
dl=$!
sleep 0.7
kill -9 $dl 2>/dev/null
wait $dl 2>/dev/null
start_server $APR1_0030
run --data-dir "$work/kill" download --base-url "$url" --timeframes 1h --since 2023-02-01
check "rerun after kill -9 exits 0" is "$rc" 0
for s in BTCUSDT ETHUSDT SOLUSDT; do
  check "after kill -9: $s equals the source" is "$(csv "$work/kill" $s | md5sum)" "$(csv "$src" $s | md5sum)"
done

# --- a low weight limit is taken from the server: the run waits instead of a 429 ---
# (tests/exchange/test_rate_windows.c runs whole downloads through minute
# windows on a virtual clock; here the command's wiring, in no real time.)
# 30/min at a share of 0.01 is a budget of 1: exchangeInfo (20) fills its
# window, the next request must wait for the next minute, and the wait ends
# after the 1 s deadline, so the run stops at once instead of sleeping.
start_server $APR1_0030 --weight-limit 30
rm -f "$work/weight.state"
run --data-dir "$work/slow" download --base-url "$url" --timeframes 1h --since 2023-02-01 \
  --concurrency 2 --no-snapshots --weight-share 0.01 --timeout 1
check "low limit: exit 1 at the deadline" is "$rc" 1
check "low limit: the budget comes from the server's limit" has "$errout" \
  "the weight budget of 1 per minute is used (20)"
check "low limit: the wait past the deadline is not slept" has "$out$errout" \
  ": the rate-limit wait ends later, at "
check "low limit: no 429 or 418" is "$(awk '$4 == 429 || $4 == 418' "$work/server.log" | wc -l)" 0

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
