#!/usr/bin/env bash
# End-to-end tests of the mtrader command line on the real fixtures:
# import (zip + CHECKSUM, CSV), data, validate, resample, features, setups, backtest, exit codes, config errors.
# Usage: cli_test.sh MTRADER_BINARY FIXTURES_DIR
set -uo pipefail
mt=$1
fx=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/mt-cli-XXXXXX")
trap 'rm -rf "$work"' EXIT
store="$work/store"
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

# --- usage and help ---
run --help
check "global help exits 0" is "$rc" 0
check "global help lists commands" has "$out" "resample"
for c in import data validate resample; do
  run "$c" --help
  check "$c --help exits 0" is "$rc" 0
  check "$c --help shows usage" has "$out" "usage: mtrader $c"
done
run bogus
check "unknown command exits 2" is "$rc" 2
check "unknown command is named" has "$errout" "unknown command 'bogus'"
run --data-dir "$store" import
check "import without paths exits 2" is "$rc" 2
run --data-dir "$store" import --timeframe 7h x
check "bad timeframe exits 2" is "$rc" 2
check "bad timeframe is explained" has "$errout" "unknown timeframe '7h'"
run --data-dir "$store" resample --from 4h --to 1h
check "resample to a lower timeframe exits 2" is "$rc" 2

# --- config ---
echo '{"dta_dir": "x"}' >"$work/bad.json"
run --config "$work/bad.json" data
check "unknown config key exits 1" is "$rc" 1
check "unknown config key is named" has "$errout" "unknown key 'dta_dir'"
mkdir -p "$store"
echo "{\"data_dir\": \"$store\"}" >"$work/good.json"
run --config "$work/good.json" data
check "empty store via config" has "$out" "no data in $store"

# --- import: archive with checksum, then the following month's CSV ---
run --data-dir "$store" import "$fx/ohlcv/zip"
check "zip import exits 0" is "$rc" 0
check "zip import verifies the checksum" has "$out" "verified"
check "zip import adds 672 candles" has "$out" "672 candles added"
run --data-dir "$store" import "$fx/ohlcv/vision/BTCUSDT-1h-2023-03.csv"
check "csv import exits 0" is "$rc" 0
check "csv import adds 743 candles" has "$out" "743 candles added, 0 replaced"
run --data-dir "$store" import "$fx/ohlcv/vision/BTCUSDT-1h-2023-03.csv"
check "re-import is idempotent" has "$out" "0 candles added, 0 replaced"
run --data-dir "$store" import "$fx/ohlcv/csv/BTCUSDT-1h.csv"
check "6-column data equal to stored klines changes nothing" has "$out" "0 candles added, 0 replaced"
run --data-dir "$store" import "$fx/ohlcv/zip_bad"
check "bad checksum exits 1" is "$rc" 1
check "bad checksum is reported" has "$out" "checksum"

run --data-dir "$store" --log-level debug import "$fx/ohlcv/zip"
check "debug log names the file read" has "$errout" "debug import: reading $fx/ohlcv/zip/BTCUSDT-1h-2023-02.zip (1 of 1)"
check "debug log names the data dir" has "$errout" "data dir: $store"
run --data-dir "$store" import "$fx/ohlcv/zip"
check "no debug lines at the default level" is "$errout" ""
run --log-level loud data
check "bad log level exits 2" is "$rc" 2
check "bad log level is named" has "$errout" "unknown log level 'loud'"

# --- data ---
run --data-dir "$store" data
check "data exits 0" is "$rc" 0
line=$(grep '^BTCUSDT' <<<"$out")
check "data row count, range, one gap, klines" \
  has "$(tr -s ' ' <<<"$line")" "BTCUSDT 1h 1415 2023-02-01 00:00 2023-03-31 23:00 1 1 klines"

# --- validate: the real outage is a warning, not an error ---
run --data-dir "$store" validate
check "validate exits 0 with warnings only" is "$rc" 0
check "validate lists the outage gap" has "$out" "2023-03-24 13:00"
check "validate lists the flat candle" has "$out" "2023-03-24 12:00"
run --data-dir "$store" validate --strict
check "validate --strict exits 1 on warnings" is "$rc" 1
printf 'open_time,open,high,low,close,volume\n1672531200000,10,9,8,9.5,1\n1672534800000,10,11,9,10,-1\n' \
  >"$work/BADUSDT-1h.csv"
run validate "$work/BADUSDT-1h.csv"
check "validate of a bad file exits 1" is "$rc" 1
check "high below body is reported" has "$out" "high_below_body"
check "negative volume is reported" has "$out" "negative_volume"
# a changed byte in a stored page: a checksum error of that series, the walk goes on
mkdir -p "$work/damaged" && cp -r "$store/ohlcv" "$work/damaged/"
printf 'XXXX' | dd of="$work/damaged/ohlcv/1h/BTCUSDT.parquet" bs=1 seek=300 conv=notrunc 2>/dev/null
run --data-dir "$work/damaged" validate
check "validate of a damaged store file exits 1" is "$rc" 1
check "the damaged series is an error" has "$out" "BTCUSDT 1h: unreadable (checksum mismatch): ERRORS"
check "the message names file, column and page" \
  has "$out" "damaged/ohlcv/1h/BTCUSDT.parquet: column 'open_time': row group 0, page at offset 4: checksum mismatch"

# --- resample 1h -> 4h, 1d ---
run --data-dir "$store" resample --from 1h --to 4h,1d
check "resample exits 0" is "$rc" 0
check "4h: 354 buckets, 1 gap bucket" has "$(tr -s ' ' <<<"$(grep '^BTCUSDT *4h' <<<"$out")")" "BTCUSDT 4h 354 354 0 1 0 -"
check "1d: 59 buckets, 1 gap bucket" has "$(tr -s ' ' <<<"$(grep '^BTCUSDT *1d' <<<"$out")")" "BTCUSDT 1d 59 59 0 1 0 -"
check "the gap bucket is named" has "$out" "gap bucket 2023-03-24 12:00: 1 of 4 candles missing"
run --data-dir "$store" resample --from 1h --to 4h,1d
check "resample again replaces nothing" has "$(tr -s ' ' <<<"$(grep '^BTCUSDT *1d' <<<"$out")")" "BTCUSDT 1d 59 0 0 1 0 -"

# The resampled daily candles equal Binance's own 1d candles (prices exactly,
# volumes to 1e-9 relative: Binance sums decimals, we sum doubles).
run --data-dir "$store" data --symbol BTCUSDT --timeframe 1d --csv
check "csv export exits 0" is "$rc" 0
check "csv export has 59 candles" is "$(($(wc -l <<<"$out") - 1))" 59
cmp_out=$(awk -F, 'NR == FNR { if (FNR > 1) ref[$1] = $0; next }
  FNR > 1 {
    split(ref[$1], r, ",")
    if (!($1 in ref)) { print "missing " $1; bad++; next }
    for (i = 2; i <= 5; i++) if ($i != r[i]) { print $1 " field " i ": " $i " != " r[i]; bad++ }
    d = $6 - r[6]; if (d < 0) d = -d
    if (d > 1e-9 * r[6]) { print $1 " volume " $6 " != " r[6]; bad++ }
    n++
  }
  END { print n " compared, " bad + 0 " different" }' "$fx/cli/BTCUSDT-1d-2023-02-03.csv" - <<<"$out")
check "resampled 1d equals Binance 1d" has "$cmp_out" "59 compared, 0 different"
run --data-dir "$store" data --symbol BTCUSDT --timeframe 4h --csv --from "2023-03-24 12:00" --to "2023-03-24 16:00"
check "csv range export: the partial 4h bucket" is "$(sed -n 2p <<<"$out" | cut -d, -f1-5)" \
  "1679659200000,28080,28253.01,27835,28018.04"
check "csv range export: --to is exclusive" is "$(wc -l <<<"$out")" 2
run --data-dir "$store" data --csv
check "csv export of several series exits 2" is "$rc" 2

# --- features and indicators ---
run indicators
check "indicators exits 0" is "$rc" 0
check "indicators lists ema with its option" has "$out" "option period = 30 in [1, 100000], integer"
check "indicators counts the registry" has "$out" " indicators"
run indicators nosuch
check "unknown indicator exits 1" is "$rc" 1
check "unknown indicator is named" has "$errout" "unknown indicator 'nosuch'"
cat >"$work/set.json" <<'JSON'
{"features": [{"indicator": "sma", "period": [2, 3]}, {"indicator": "ema", "input": "volume", "period": 2}]}
JSON
run --data-dir "$store" features BTCUSDT 1h --set "$work/set.json" --last 2
check "features exits 0" is "$rc" 0
check "features header" is "$(head -1 <<<"$out")" "open_time,sma_2,sma_3,ema_volume_2"
# The last two 1h candles of the fixture (March 2023): SMA 2 and 3 of their closes.
closes=$("$mt" --data-dir "$store" data --symbol BTCUSDT --timeframe 1h --csv | tail -3 | cut -d, -f5 | tr '\n' ' ')
# (the matrix holds floats: equal within float precision, 2^-24 relative)
near=$(tail -1 <<<"$out" | awk -F, -v c="$closes" '{ split(c, x, " "); w2 = (x[2] + x[3]) / 2; w3 = (x[1] + x[2] + x[3]) / 3
  d2 = $2 - w2; d3 = $3 - w3; if (d2 < 0) d2 = -d2; if (d3 < 0) d3 = -d3
  print (d2 <= w2 * 6e-8 && d3 <= w3 * 6e-8) ? "yes" : "no: " $2 " " w2 " " $3 " " w3 }')
check "features: SMA values of the last bar" is "$near" yes
check "features --last 2 prints 2 rows" is "$(($(wc -l <<<"$out") - 1))" 2
run --data-dir "$store" features BTCUSDT 1h --set "$work/set.json" --out "$work/f.parquet"
check "features --out parquet exits 0" is "$rc" 0
check "features --out reports the size" has "$out" "x 3 features -> $work/f.parquet"
check "features parquet written" test -s "$work/f.parquet"
run --data-dir "$store" features BTCUSDT 1h --out "$work/f.txt"
check "features --out with another suffix exits 2" is "$rc" 2
echo '{"features": [{"indicator": "sma", "period": 0}]}' >"$work/bad.json"
run --data-dir "$store" features BTCUSDT 1h --set "$work/bad.json"
check "bad feature set exits 1" is "$rc" 1
check "bad feature set names file, item and option" has "$errout" "bad.json: feature 1: indicator sma: option period = 0 is outside [1, 100000]"
run --data-dir "$store" features NOPEUSDT 1h
check "features of a missing series exits 1" is "$rc" 1
run --data-dir "$store" features BTCUSDT 1h --last 1
check "features with the default set exits 0" is "$rc" 0
check "the default set has 236 columns" is "$(head -1 <<<"$out" | tr ',' '\n' | wc -l)" 237
check "default set: relative moving average" has "$(head -1 <<<"$out")" ",sma_200_rel,"
check "default set: the last row has no empty cell" is "$(tail -1 <<<"$out" | grep -cE ',,|,$')" 0
run features --print-default-set
check "print-default-set prints JSON" has "$out" '"indicator": "frac_trend"'

# --- setups ---
run --data-dir "$store" setups --strategy channel_run:20:edge:mid,trail_fractals:5:2 --timeframe 1h --out "$work/setups.parquet"
check "setups exits 0" is "$rc" 0
check "setups reports channel run" has "$out" "channel_run:20:edge:mid: "
check "setups reports trail fractals" has "$out" "trail_fractals:5:2: "
check "setups reports the file" has "$out" "-> $work/setups.parquet"
check "setups parquet written" test -s "$work/setups.parquet"
run --data-dir "$store" setups --strategy channel_run:8:mid:edge --timeframe 4h --lower 1h --no-features --out "$work/s4.parquet"
check "setups on 4h with 1h candles for ambiguous bars exits 0" is "$rc" 0
check "setups --lower writes the file" test -s "$work/s4.parquet"
run --data-dir "$store" setups --strategy channel_run:8:mid:edge --timeframe 1h --lower 4h --out "$work/s4.parquet"
check "setups --lower coarser than the timeframe exits 2" is "$rc" 2
check "setups --lower says why" has "$errout" "--lower 4h does not divide --timeframe 1h"
run --data-dir "$store" setups --strategy trail_fractals:5:2 --timeframe 1h --no-features --out "$work/f1.parquet"
default_line=$(grep '^trail_fractals' <<<"$out")
run --data-dir "$store" setups --strategy trail_fractals:5:2 --timeframe 1h --no-features --fee 0 --slippage 0 --tp-r 0 --stale-h 0 --out "$work/f0.parquet"
check "setups with engine options exits 0" is "$rc" 0
free_line=$(grep '^trail_fractals' <<<"$out")
check "no fees and slippage give a higher mean r" is "$(awk -v a="$default_line" -v b="$free_line" 'BEGIN {
  split(a, x, "mean r "); split(b, y, "mean r "); print (y[2] + 0 > x[2] + 0) ? "yes" : "no: " a " / " b }')" yes
run --data-dir "$store" setups --strategy trail_fractals:5:2 --timeframe 1h --fee -1 --out "$work/f0.parquet"
check "setups --fee -1 exits 2" is "$rc" 2
check "setups --fee says the range" has "$errout" "--fee '-1': expected a number in [0, 0.1]"
run --data-dir "$store" backtest --strategy channel_run:8:mid:edge --timeframe 4h --lower 1h --trades "$work/t4.csv" --equity "$work/e4.csv"
check "backtest on 4h with 1h candles exits 0" is "$rc" 0
check "backtest --lower prints the table" has "$out" "overall"
cat >"$work/trading.json" <<'JSON'
{"trading": {"strategies": "trail_fractals:5:2", "fee": 0, "slippage": 0, "tp_r": 0, "stale_h": 0}}
JSON
run --config "$work/trading.json" --data-dir "$store" setups --timeframe 1h --no-features --out "$work/f2.parquet"
check "setups takes strategies and engine defaults from the config" is "$(grep '^trail_fractals' <<<"$out")" "$free_line"
echo '{"trading": {"fee": 0.5}}' >"$work/badtrading.json"
run --config "$work/badtrading.json" --data-dir "$store" setups --timeframe 1h --out "$work/f2.parquet"
check "a fee out of range in the config exits 1" is "$rc" 1
check "the config error names the key" has "$errout" "fee"
run --data-dir "$store" setups --strategy channel_run:0:mid:edge --timeframe 1h --out "$work/bad.parquet"
check "setups with a bad strategy exits 2" is "$rc" 2
check "setups names the bad field" has "$errout" "strategy channel_run:0:mid:edge: lookback = 0 must be an integer in [2, 1500]"
run --data-dir "$store" setups --strategy trail_fractals:5:2 --out "$work/x.parquet"
check "setups without a timeframe exits 2" is "$rc" 2
run --data-dir "$store" setups --strategy trail_fractals:5:2 --timeframe 3m --out "$work/x.parquet"
check "setups without stored series exits 1" is "$rc" 1
check "setups says nothing is stored" has "$errout" "no stored 3m series"

# --- backtest: the portfolio over the stored 1h BTCUSDT (1415 bars) ---
run --data-dir "$store" backtest --strategy channel_run:20:edge:mid,trail_fractals:5:2 --timeframe 1h \
  --trades "$work/trades.csv" --equity "$work/equity.csv"
check "backtest exits 0" is "$rc" 0
check "backtest names the run" has "$out" "backtest 1h: 2 agents on 1 series, 2023-02-01 00:00 to 2023-04-01 00:00"
check "backtest table header" has "$(tr -s ' ' <<<"$out")" "symbol real sim tracked wins win_rate profit_f expect_r exposure pnl"
sym=$(tr -s ' ' <<<"$(grep '^BTCUSDT ' <<<"$out")")
all=$(tr -s ' ' <<<"$(grep '^overall ' <<<"$out")")
check "backtest: one symbol, its counts are the overall ones" is "$(cut -d' ' -f2-4 <<<"$sym")" "$(cut -d' ' -f2-4 <<<"$all")"
counts=$(awk '{ print $2 + $3 + $4 }' <<<"$all")
check "backtest writes every trade" is "$(($(wc -l <"$work/trades.csv") - 1))" "$counts"
check "backtest trades header" is "$(head -1 "$work/trades.csv")" \
  "id,agent,symbol,kind,side,signal_time,open_time,close_time,price,entry,init_stop,stop,target,exit,size,pnl,r,sim_reasons,parent"
check "backtest real trades in the table and the file" is "$(grep -c ',real,' "$work/trades.csv")" "$(cut -d' ' -f2 <<<"$all")"
check "backtest sims carry their reasons" is "$(awk -F, '$4 == "sim" && $18 == ""' "$work/trades.csv" | wc -l)" 0
check "backtest trade ids count from 1" is "$(awk -F, 'NR > 1 && $1 != NR - 1' "$work/trades.csv" | wc -l)" 0
check "backtest: tracked trades name their parent's id" is \
  "$(awk -F, '$4 == "tracked" && $19 == ""' "$work/trades.csv" | wc -l)" 0
check "backtest: equity at the first bar and at each bar's close" is "$(($(wc -l <"$work/equity.csv") - 1))" 1416
check "backtest equity starts at the balance" is "$(sed -n 2p "$work/equity.csv")" "1675209600000,10000"
check "backtest equity ends at the first bar after the data" has "$(tail -1 "$work/equity.csv")" "1680307200000,"
end=$(tail -1 "$work/equity.csv" | awk -F, '{ printf "%.2f", $2 }')
check "backtest metrics line ends at the curve's last point" has "$out" "balance 10000.00 -> $end: total return"
check "backtest lists the sim reasons" has "$out" "sim reasons: too_many_positions_agent "
run --data-dir "$store" backtest --strategy trail_fractals:5:2 --timeframe 1h --from 2023-03-01 --to 2023-03-02 \
  --max-positions 0 --balance 5000 --trades "$work/t2.csv" --equity "$work/e2.csv"
check "backtest with a range exits 0" is "$rc" 0
check "backtest range: 24 bars" is "$(($(wc -l <"$work/e2.csv") - 1))" 25
check "backtest range starts at --from" is "$(sed -n 2p "$work/e2.csv")" "1677628800000,5000"
check "backtest --max-positions 0: no real trade" is "$(tr -s ' ' <<<"$(grep '^overall ' <<<"$out")" | cut -d' ' -f2)" 0
check "backtest --max-positions 0: flat balance" has "$out" "balance 5000.00 -> 5000.00"
run --data-dir "$store" backtest --strategy trail_fractals:5:2 --timeframe 1h --trades "$work/t3.csv"
check "backtest without --equity exits 2" is "$rc" 2
run --data-dir "$store" backtest --strategy trail_fractals:5:2 --timeframe 1h --risk 0 --trades "$work/t3.csv" --equity "$work/e3.csv"
check "backtest --risk 0 exits 2" is "$rc" 2
check "backtest explains --risk" has "$errout" "--risk '0': expected a number in (0, 1]"
run --data-dir "$store" backtest --strategy channel_run:0:mid:edge --timeframe 1h --trades "$work/t3.csv" --equity "$work/e3.csv"
check "backtest with a bad strategy exits 2" is "$rc" 2
check "backtest names the bad field" has "$errout" "lookback = 0 must be an integer in [2, 1500]"
check "backtest writes nothing on failure" test ! -e "$work/t3.csv"

# --- backtest --journal: the run in a SQLite journal, a second run appended ---
run --data-dir "$store" backtest --strategy channel_run:20:edge:mid,trail_fractals:5:2 --timeframe 1h --stack \
  --trades "$work/tj.csv" --equity "$work/ej.csv" --journal "$work/j.db"
check "backtest --journal exits 0" is "$rc" 0
rows=$(($(wc -l <"$work/tj.csv") - 1))
check "backtest --journal names the run" has "$out" "journal: run 1, $rows trades -> $work/j.db"
check "backtest --journal: one trade row per CSV row" is "$(sqlite3 "$work/j.db" 'select count(*) from trades')" "$rows"
check "backtest --journal: the real trades' pnl as in the CSV" is \
  "$(sqlite3 "$work/j.db" "select printf('%.6f', sum(pnl)) from trades where kind = 'real'")" \
  "$(awk -F, '$4 == "real" { s += $16 } END { printf "%.6f", s }' "$work/tj.csv")"
check "backtest --journal: one equity row per CSV row" is "$(sqlite3 "$work/j.db" 'select count(*) from equity')" \
  "$(($(wc -l <"$work/ej.csv") - 1))"
check "backtest --journal: the run has ended" is "$(sqlite3 "$work/j.db" 'select count(*) from runs where ended >= started')" 1
run --data-dir "$store" backtest --strategy trail_fractals:5:2 --timeframe 1h --from 2023-03-01 --to 2023-03-02 \
  --trades "$work/tj2.csv" --equity "$work/ej2.csv" --journal "$work/j.db"
check "backtest --journal appends run 2" has "$out" "journal: run 2, "
check "backtest --journal: two runs" is "$(sqlite3 "$work/j.db" 'select count(*) from runs')" 2
sqlite3 "$work/j.db" 'pragma user_version = 99'
run --data-dir "$store" backtest --strategy trail_fractals:5:2 --timeframe 1h \
  --trades "$work/tj3.csv" --equity "$work/ej3.csv" --journal "$work/j.db"
check "backtest --journal refuses a newer journal" is "$rc" 1
check "backtest --journal names both versions" has "$errout" "schema version 99 is newer than this mtrader's 3"
check "backtest --journal writes no CSV on failure" test ! -e "$work/tj3.csv"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
