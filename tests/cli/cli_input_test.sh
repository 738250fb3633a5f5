#!/usr/bin/env bash
# End-to-end tests of hostile and careless input to the mtrader command line:
# strict JSON (config, feature sets), FIFOs, outputs that would overwrite the store,
# feature names, usage exit codes, store selection errors and the date forms.
# Usage: cli_input_test.sh MTRADER_BINARY FIXTURES_DIR
set -uo pipefail
mt=$(realpath "$1")
fx=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/mt-cli-input-XXXXXX")
trap 'rm -rf "$work"' EXIT
store="$work/store"
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

run --data-dir "$store" import "$fx/ohlcv/zip"
check "fixture import exits 0" is "$rc" 0
run --data-dir "$store" resample --from 1h --to 1d
check "fixture resample exits 0" is "$rc" 0
cp "$store/ohlcv/1h/BTCUSDT.parquet" "$work/1h.orig"
cp "$store/ohlcv/1d/BTCUSDT.parquet" "$work/1d.orig"
strategy=trail_fractals:5:2

# --- strict JSON ---
printf '{"data_dir": "%s"}\n{"data_dir": "x"}\n' "$store" >"$work/two.json"
run --config "$work/two.json" data
check "config with trailing text exits 1" is "$rc" 1
check "config trailing text names file, line and column" has "$errout" \
  "$work/two.json: unexpected text after the JSON value, at line 2, column 1"
printf '{"data_dir": "%s/st\\u0000ore"}\n' "$work" >"$work/nul.json"
run --config "$work/nul.json" data
check "config with \\u0000 exits 1" is "$rc" 1
check "config \\u0000 is named" has "$errout" "$work/nul.json: a NUL character (\\u0000 or a zero byte) is not allowed"
printf '{"features": [{"indicator": "ema"}]}\ngarbage\n' >"$work/set2.json"
run --data-dir "$store" features BTCUSDT 1h --set "$work/set2.json"
check "feature set with trailing text exits 1" is "$rc" 1
check "feature set trailing text is placed" has "$errout" \
  "$work/set2.json: unexpected text after the JSON value, at line 2, column 1"

# --- FIFOs and missing files ---
mkfifo "$work/fifo.json"
run --config "$work/fifo.json" data
check "a FIFO as the config fails instead of blocking" is "$rc" 1
check "the FIFO config is named" has "$errout" "$work/fifo.json is a FIFO, expected a regular file"
run --data-dir "$store" features BTCUSDT 1h --set "$work/fifo.json"
check "a FIFO as the feature set fails instead of blocking" is "$rc" 1
check "the FIFO set is named" has "$errout" "$work/fifo.json is a FIFO, expected a regular file"
run --data-dir "$store" features BTCUSDT 1h --set "$work/missing.json"
check "a missing --set exits 1" is "$rc" 1
check "a missing --set says so" has "$errout" "cannot open $work/missing.json: No such file or directory"

# --- outputs never overwrite the store ---
run --data-dir "$store" features BTCUSDT 1h --out "$store/ohlcv/1h/BTCUSDT.parquet"
check "features --out into the store exits 2" is "$rc" 2
check "features --out names the store folder" has "$errout" "is inside the store folder $store/ohlcv"
run --data-dir "$store" setups --strategy "$strategy" --timeframe 1h --no-features \
  --out "$store/ohlcv/1h/BTCUSDT.parquet"
check "setups --out into the store exits 2" is "$rc" 2
run --data-dir "$store" setups --strategy "$strategy" --timeframe 1h --no-features \
  --out "$store/market/snapshots/2023-02.parquet"
check "setups --out into the market store exits 2" is "$rc" 2
run --data-dir "$store" backtest --strategy "$strategy" --timeframe 1h \
  --trades "$store/ohlcv/1d/BTCUSDT.parquet" --equity "$work/e.csv"
check "backtest --trades into the store exits 2" is "$rc" 2
run --data-dir "$store" backtest --strategy "$strategy" --timeframe 1h \
  --trades "$work/t.csv" --equity "$work/nowhere/../store/ohlcv/1d/BTCUSDT.parquet"
check "backtest --equity into the store through .. exits 2" is "$rc" 2
ln -s "$store/ohlcv" "$work/link"
run --data-dir "$store" features BTCUSDT 1h --out "$work/link/1h/BTCUSDT.parquet"
check "features --out into the store through a symlink exits 2" is "$rc" 2
(cd "$work" && timeout 20 "$mt" --data-dir store features BTCUSDT 1h --out ohlcv/../store/ohlcv/1h/BTCUSDT.parquet \
  >/dev/null 2>&1)
check "a relative --out into a relative store exits 2" is "$?" 2
check "the 1h series is intact" same_file "$work/1h.orig" "$store/ohlcv/1h/BTCUSDT.parquet"
check "the 1d series is intact" same_file "$work/1d.orig" "$store/ohlcv/1d/BTCUSDT.parquet"
check "nothing was created on the way" test ! -e "$work/nowhere"
run --data-dir "$store" backtest --strategy "$strategy" --timeframe 1h --trades "$work/x.csv" --equity "$work/x.csv"
check "backtest --trades and --equity naming one file exits 2" is "$rc" 2
check "the shared output is named" has "$errout" "--trades and --equity name the same file $work/x.csv"
(cd "$work" && timeout 20 "$mt" --data-dir store backtest --strategy "$strategy" --timeframe 1h --trades x.csv \
  --equity ./sub/../x.csv >/dev/null 2>&1)
check "the same file by two spellings exits 2" is "$?" 2
check "no output was written" test ! -e "$work/x.csv"
run --data-dir "$store" backtest --strategy "$strategy" --timeframe 1h --trades "$store/t.csv" --equity "$store/e.csv"
check "outputs in the data dir root are allowed" is "$rc" 0
ln "$store/t.csv" "$work/hard.csv"
run --data-dir "$store" backtest --strategy "$strategy" --timeframe 1h --trades "$store/t.csv" --equity "$work/hard.csv"
check "two names of one existing file exit 2" is "$rc" 2

# --- feature names ---
echo '{"features": [{"indicator": "ema", "name": "a,b"}]}' >"$work/comma.json"
run --data-dir "$store" features BTCUSDT 1h --set "$work/comma.json"
check "a feature name with a comma exits 1" is "$rc" 1
check "the name rule is explained" has "$errout" "name must be a string of 1 to 47 characters A-Z a-z 0-9 _ . -"
echo '{"features": [{"indicator": "ema", "name": "open_time"}]}' >"$work/ot.json"
run --data-dir "$store" features BTCUSDT 1h --set "$work/ot.json"
check "a feature called open_time exits 1" is "$rc" 1
check "the open_time clash is named" has "$errout" "a feature is called 'open_time'"
echo '{"features": [{"indicator": "ema", "name": "ema.fast-1"}]}' >"$work/ok.json"
run --data-dir "$store" features BTCUSDT 1h --set "$work/ok.json" --last 1
check "a name of allowed characters heads its column" is "$(head -1 <<<"$out")" "open_time,ema.fast-1"

# --- usage errors exit 2 ---
run --log-level loud --data-dir "$store" data
check "a bad --log-level exits 2" is "$rc" 2
echo '{"log_level": "loud"}' >"$work/loud.json"
run --config "$work/loud.json" --data-dir "$store" data
check "a bad config log_level exits 1" is "$rc" 1
check "the config log_level error names the file" has "$errout" "$work/loud.json: log_level: unknown log level 'loud'"
# the agents array: a bad agent fails the config, naming the agent's index and key
printf '{"agents": [{"id": "a", "strategy": "%s", "timeframe": "1d"}, {"id": "b", "strategy": "%s", "timeframe": "1d", "risk": 2}]}\n' \
  "$strategy" "$strategy" >"$work/agents.json"
run --config "$work/agents.json" --data-dir "$store" data
check "a config with a bad agent exits 1" is "$rc" 1
check "the bad agent's index and key are named" is "$errout" "mtrader: $work/agents.json: agents[1].risk = 2 must be in (0, 1]"
printf '{"agents": [{"id": "a", "strategy": "%s", "timeframe": "1d", "sides": "up"}]}\n' "$strategy" >"$work/sides.json"
run --config "$work/sides.json" --data-dir "$store" data
check "an agent's bad sides exit 1" is "$rc" 1
check "the bad sides are named" is "$errout" "mtrader: $work/sides.json: agents[0].sides is 'up', expected long, short or both"
run --config "$(dirname "$0")/../../docs/mtrader.example.json" --data-dir "$store" data
check "the example config with its agents loads" is "$rc" 0
run --data-dir "$store" setups --strategy bogus:1 --timeframe 1h --out "$work/s.parquet"
check "setups with an unknown strategy exits 2" is "$rc" 2
check "setups names the unknown strategy" has "$errout" "unknown strategy bogus"
run --data-dir "$store" backtest --strategy "$strategy,channel_run:9:mid" --timeframe 1h --trades "$work/t.csv" \
  --equity "$work/e.csv"
check "backtest with a bad strategy id exits 2" is "$rc" 2

# --- store selection ---
run --data-dir "$store" data --symbol BTCUSDX
check "data with a misspelled symbol exits 1" is "$rc" 1
check "data names the symbol" has "$errout" "no stored series for BTCUSDX in $store"
run --data-dir "$store" validate --symbol BTCUSDT --timeframe 4h
check "validate with an unstored timeframe exits 1" is "$rc" 1
check "validate names the timeframe" has "$errout" "no stored 4h series for BTCUSDT in $store"
run --data-dir "$work/stroe" validate
check "validate with a missing data dir exits 1" is "$rc" 1
check "validate names the data dir" has "$errout" "data dir $work/stroe: No such file or directory"
run --data-dir "$work/stroe" data
check "data with a missing data dir exits 1" is "$rc" 1
mkdir "$work/empty"
run --data-dir "$work/empty" data
check "an empty store is not an error" is "$rc" 0
check "an empty store says no data" has "$out" "no data in $work/empty"

# --- dates ---
csv() { run --data-dir "$store" data --symbol BTCUSDT --timeframe 1h --csv "$@"; }
csv --from 2023-02-02 --to 2023-02-03
check "data --csv day range exits 0" is "$rc" 0
check "data --csv --to is exclusive: 24 candles" is "$(($(wc -l <<<"$out") - 1))" 24
check "data --csv starts at --from" is "$(sed -n 2p <<<"$out" | cut -d, -f1)" 1675296000000
check "data --csv ends before --to" is "$(tail -1 <<<"$out" | cut -d, -f1)" 1675378800000
csv --from 1675296000000 --to 2023-02-03T00:00Z
check "ms and the T/Z form give the same range" is "$(($(wc -l <<<"$out") - 1))" 24
csv --from 2023-02 --to 2023-03
check "--from 2023-02 --to 2023-03 is all of February" is "$(($(wc -l <<<"$out") - 1))" 672
csv --from 2023
check "--from 2023 is the year, not 2023 ms" is "$(sed -n 2p <<<"$out" | cut -d, -f1)" 1675209600000
csv --from 2023-02-27 --to 1677542400000ms
check "the ms suffix is read as ms" is "$(($(wc -l <<<"$out") - 1))" 24
csv --from 1675296000
check "a seconds count is refused" is "$rc" 2
check "a seconds count is called ambiguous" has "$errout" "time '1675296000' is ambiguous"
csv --from 2023-02-30
check "an impossible date is refused" is "$rc" 2
check "the impossible date is quoted" has "$errout" "time '2023-02-30' does not exist"
csv --to "2023-02-02 25:00"
check "an impossible hour is refused" is "$rc" 2
csv --from 2023-02-03 --to 2023-02-02
check "data --from after --to exits 2" is "$rc" 2
run --data-dir "$store" setups --strategy "$strategy" --timeframe 1h --no-features --from 2023-02-30 \
  --out "$work/s.parquet"
check "setups with an impossible date exits 2" is "$rc" 2
run --data-dir "$store" setups --strategy "$strategy" --timeframe 1h --no-features --from 2023-02-10 --to 2023-02-01 \
  --out "$work/s.parquet"
check "setups --from after --to exits 2" is "$rc" 2
run --data-dir "$store" backtest --strategy "$strategy" --timeframe 1h --from 20230201 --trades "$work/t.csv" \
  --equity "$work/e.csv"
check "backtest with a digit string date exits 2" is "$rc" 2
run --data-dir "$store" backtest --strategy "$strategy" --timeframe 1h --from 2023-02-10 --to 2023-02-11 \
  --trades "$work/t.csv" --equity "$work/e.csv"
check "backtest day range exits 0" is "$rc" 0
check "backtest starts at --from" is "$(sed -n 2p "$work/e.csv" | cut -d, -f1)" 1675987200000

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
