#!/usr/bin/env bash
# Command-line tests of `mtrader download` against mt-fakebinance on an
# ephemeral 127.0.0.1 port: base-URL rules and messages, --since bounds,
# duplicate --symbols/--timeframes, the rate-limit state file's bounds and
# wait messages, and the --timeout run deadline against a server that stops
# answering (exit code, message, stored data intact).
# Usage: cli_download_test.sh MTRADER MT_FAKEBINANCE FIXTURES_DIR
set -uo pipefail
mt=$1
fb=$2
fx=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/mt-cli-dl-XXXXXX")
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
trap 'fb_stop; rm -rf "$work"' EXIT
csv() { "$mt" --data-dir "$1" data --symbol "$2" --timeframe 1h --csv; }

# Source: BTCUSDT and ETHUSDT 1h of 2023-02 and 2023-03; server clock 2023-04-01 00:30 UTC.
src="$work/src"
for s in BTCUSDT ETHUSDT; do
  "$mt" --data-dir "$src" import --symbol "$s" --timeframe 1h "$fx/ohlcv/zip" \
    "$fx/ohlcv/vision_noheader" >/dev/null || exit 1
done
state="$work/weight.state"
export MTRADER_CONFIG="$work/config.json"
echo "{\"exchange\": {\"state_file\": \"$state\"}}" >"$MTRADER_CONFIG"
APR1_0030=1680309000000

start_server() { # extra options...
  rm -f "$work/server.log"
  fb_start --data-dir "$src" --clock $APR1_0030 --log "$work/server.log" "$@"
  hostport=${url#http://}
}
start_server

# --- base URL: trailing slashes dropped, bad schemes are usage errors, no credentials shown ---
run --data-dir "$work/a" download --base-url "$url/" --symbols BTCUSDT --timeframes 1h --since 2023-03-30 \
  --no-snapshots
check "trailing slash: exit 0" is "$rc" 0
check "trailing slash: 48 candles" has "$out" "48 candles added"
check "trailing slash: no //api request" is "$(grep -c ' //api' "$work/server.log")" 0
run --data-dir "$work/a" download --base-url "ftp://$hostport"
check "ftp base url exits 2" is "$rc" 2
check "ftp base url is explained" has "$errout" "base url 'ftp://$hostport': expected http:// or https://"
run --data-dir "$work/a" download --base-url "http://"
check "base url without host exits 2" is "$rc" 2
run --data-dir "$work/a" --log-level info download --base-url "http://trader:s3cret@$hostport/nope/"
check "404 exits 1" is "$rc" 1
check "404 names the url, credentials hidden" has "$errout" \
  "exchange info: http 404 from http://***@$hostport/nope/api/v3/exchangeInfo after 1 try"
check "credentials never printed" lacks "$errout$out" "s3cret"
run --data-dir "$work/a" download --base-url "http://trader:s3cret@$hostport" --symbols BTCUSDT --timeframes 1h \
  --no-snapshots
check "credentials: exit 0" is "$rc" 0
check "info log shows the url without credentials" has "$errout" "1 symbols from http://***@$hostport "
check "credentials never printed in the log" lacks "$errout$out" "s3cret"

# --- --since: not before 2017, not in the future ---
run --data-dir "$work/a" download --base-url "$url" --since 1969-12-31
check "--since 1969 exits 2" is "$rc" 2
check "--since 1969 is explained" has "$errout" "--since '1969-12-31': before 2017-01-01"
run --data-dir "$work/a" download --base-url "$url" --since 2016-12-31
check "--since 2016 exits 2" is "$rc" 2
run --data-dir "$work/a" download --base-url "$url" --since 2999-01-01
check "--since in the future exits 2" is "$rc" 2
check "--since in the future is explained" has "$errout" "--since '2999-01-01' is in the future"
run --data-dir "$work/a" download --base-url "$url" --timeout 0
check "--timeout 0 exits 2" is "$rc" 2
check "--timeout range is named" has "$errout" "--timeout '0': expected 1 to 604800 seconds"

# --- duplicates are fetched once ---
start_server
run --data-dir "$work/dup" download --base-url "$url" --symbols BTCUSDT,ETHUSDT,BTCUSDT --timeframes 1h,1h \
  --since 2023-03-30 --no-snapshots
check "duplicates: exit 0" is "$rc" 0
check "duplicates: 2 series of 2 symbols" has "$out" "downloaded 2 series of 2 symbols: 96 candles added"
check "duplicates: one klines request per series" is "$(grep -c ' /api/v3/klines' "$work/server.log")" 2

# --- the rate-limit state file: bounded by what Binance can ask, every wait told ---
now=$(date +%s%3N)
ten_years=315360000000
echo "mtgov1 0 0 0 $((now + ten_years))" >"$state"
SECONDS=0
run --data-dir "$work/st" download --base-url "$url" --symbols BTCUSDT --timeframes 1h --since 2023-03-30 \
  --no-snapshots
check "retry_until 10 years ahead: exit 0" is "$rc" 0
check "retry_until 10 years ahead: no wait" test $SECONDS -lt 5
check "retry_until 10 years ahead: warning names the file" has "$errout" \
  "warn  download: rate-limit state file $state: retry_until $((now + ten_years))"
check "retry_until 10 years ahead: ignored as corrupt" has "$errout" "is more than 5 minutes ahead"
echo "mtgov1 0 0 $((now + ten_years)) 0" >"$state"
run --data-dir "$work/st" download --base-url "$url" --symbols BTCUSDT --timeframes 1h --no-snapshots
check "banned_until 10 years ahead: exit 0" is "$rc" 0
check "banned_until 10 years ahead: warning names the file" has "$errout" \
  "rate-limit state file $state: banned_until $((now + ten_years))"
echo "mtgov1 0 0 $(($(date +%s%3N) + 86400000)) 0" >"$state"
run --data-dir "$work/st" download --base-url "$url" --symbols BTCUSDT --timeframes 1h --no-snapshots
check "a ban of a day is obeyed: exit 1" is "$rc" 1
check "the ban names its end and the file" has "$errout" "UTC (86400 s from now); rate-limit state file $state"
echo "mtgov1 0 0 0 $(($(date +%s%3N) + 2500))" >"$state"
run --data-dir "$work/st" download --base-url "$url" --symbols BTCUSDT --timeframes 1h --no-snapshots
check "a short Retry-After is waited: exit 0" is "$rc" 0
check "the wait is told with reason, end and file" has "$errout" \
  "UTC: binance answered 429 (too much request weight) with Retry-After; rate-limit state file $state"
check "the summary says how long the run waited" grep -qE "waited [12]\.[0-9] s for rate limits" <<<"$out"
rm -f "$state"

# --- --timeout: a server that stops answering ---
# 48 stored candles first; then a backfill whose second page never comes.
run --data-dir "$work/tmo" download --base-url "$url" --symbols BTCUSDT --timeframes 1h --since 2023-03-30 \
  --no-snapshots
before=$(csv "$work/tmo" BTCUSDT | tail -48 | md5sum)
# exchangeInfo, time, the incremental page and the first backfill page; then silence
start_server --hang-after 4
SECONDS=0
run --data-dir "$work/tmo" download --base-url "$url" --symbols BTCUSDT --timeframes 1h --since 2023-02-01 \
  --backfill --concurrency 1 --timeout 2
check "timeout: exit 1" is "$rc" 1
check "timeout: the run ends near the deadline" test $SECONDS -lt 6
check "timeout: the unfinished download is named" has "$out" \
  "BTCUSDT      1h   error: klines BTCUSDT 1h: GET $url/api/v3/klines: not finished by the run deadline"
check "timeout: the snapshot is named" has "$out" "market snapshot error: 24h tickers: GET $url/api/v3/ticker/24hr"
check "timeout: the deadline is explained" has "$errout" "the run deadline (--timeout 2 s) passed: 2 downloads"
check "timeout: the summary says how long it waited" has "$out" "retries, waited 0.0 s for rate limits"
check "timeout: the first backfill page is stored" has "$out" "1000 candles added"
check "timeout: the stored candles are intact" is "$(csv "$work/tmo" BTCUSDT | tail -48 | md5sum)" "$before"
run --data-dir "$work/tmo" validate
check "timeout: the store validates" is "$rc" 0
check "timeout: 1048 candles" has "$("$mt" --data-dir "$work/tmo" data)" "BTCUSDT      1h       1048"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
