#!/usr/bin/env bash
# End-to-end tests of the store lock through the mtrader command line:
# concurrent imports into one store keep every candle, a busy lock makes a
# writer wait (with a message) and then fail after MTRADER_LOCK_TIMEOUT,
# a bad MTRADER_LOCK_TIMEOUT is named.
# Usage: cli_store_test.sh MTRADER_BINARY FIXTURES_DIR
set -uo pipefail
mt=$1
fx=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/mt-cli-store-XXXXXX")
trap 'rm -rf "$work"' EXIT
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

# --- two imports into one store at once: 672 + 743 candles, none lost ---
for try in 1 2 3 4 5 6; do
  store="$work/race$try"
  "$mt" --data-dir "$store" import "$fx/ohlcv/zip" >"$work/a.out" 2>"$work/a.err" &
  a=$!
  "$mt" --data-dir "$store" import "$fx/ohlcv/vision_noheader" >"$work/b.out" 2>"$work/b.err"
  rc_b=$?
  wait "$a"
  rc_a=$?
  check "concurrent import $try: both exit 0" is "$rc_a $rc_b" "0 0"
  run --data-dir "$store" data
  check "concurrent import $try keeps every candle" has "$out" "1 series, 1415 candles in $store"
done
check "the lock file lies hidden beside the series" test -f "$store/ohlcv/1h/.BTCUSDT.parquet.lock"

# --- a busy lock: the writer says it waits, then gives up after the timeout ---
store="$work/busy"
lock="$store/ohlcv/1h/.BTCUSDT.parquet.lock"
run --data-dir "$store" import "$fx/ohlcv/zip"
check "first import exits 0" is "$rc" 0
before=$(cksum <"$store/ohlcv/1h/BTCUSDT.parquet")
exec 9>"$lock"
flock -n 9 || { echo "cannot take $lock" >&2; exit 1; }
start=$(date +%s%N)
out=$(MTRADER_LOCK_TIMEOUT=0.5 "$mt" --data-dir "$store" import "$fx/ohlcv/vision_noheader" 2>"$work/stderr")
rc=$?
errout=$(<"$work/stderr")
waited_ms=$((($(date +%s%N) - start) / 1000000))
check "import into a locked series exits 1" is "$rc" 1
check "the wait is logged once, naming the lock file" \
  is "$(grep -cF "waiting for the store lock $lock" <<<"$errout")" 1
check "the wait names the timeout" has "$errout" "giving up after 0.5 s, see MTRADER_LOCK_TIMEOUT"
check "the failure names the lock file and the timeout" has "$out" \
  "error: BTCUSDT 1h: timed out after 0.5 s waiting for the store lock $lock: another process is still writing the same file (wait longer with MTRADER_LOCK_TIMEOUT=seconds)"
check "the writer waited the timeout ($waited_ms ms)" test "$waited_ms" -ge 500
check "the stored series is untouched" is "$(cksum <"$store/ohlcv/1h/BTCUSDT.parquet")" "$before"
run --data-dir "$store" data
check "data still reads the series while it is locked" has "$out" "1 series, 672 candles in $store"
exec 9>&-
run --data-dir "$store" import "$fx/ohlcv/vision_noheader"
check "once free, the import goes through" is "$rc" 0
run --data-dir "$store" data
check "and stores both months" has "$out" "1 series, 1415 candles in $store"

# --- a bad timeout is named with its range ---
out=$(MTRADER_LOCK_TIMEOUT=soon "$mt" --data-dir "$work/bad" import "$fx/ohlcv/zip" 2>/dev/null)
rc=$?
check "a bad MTRADER_LOCK_TIMEOUT fails the import" is "$rc" 1
check "a bad MTRADER_LOCK_TIMEOUT is explained" has "$out" \
  "MTRADER_LOCK_TIMEOUT='soon' is not a store lock timeout: expected seconds from 0 to 86400"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
