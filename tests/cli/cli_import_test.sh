#!/usr/bin/env bash
# End-to-end tests of `mtrader import` on bad inputs: invalid candles (refused unless
# --allow-invalid), trade counts the store cannot keep, damaged archives, oversized lines,
# and store writes that fail (their candles are not counted).
# Usage: cli_import_test.sh MTRADER_BINARY FIXTURES_DIR
set -uo pipefail
mt=$1
fx=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/mt-cli-import-XXXXXX")
trap 'rm -rf "$work"' EXIT
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# row SYMBOL: the summary line of that symbol, spaces squeezed.
row() { tr -s ' ' <<<"$(grep "^$1 " <<<"$out")"; }

run import --help
check "help documents --allow-invalid" has "$out" "--allow-invalid"

# --- invalid candles: the file fails naming line and column, nothing is stored ---
mkdir -p "$work/in"
bad="$work/in/BADUSDT-1h.csv"
printf '%s\n' 'open_time,open,high,low,close,volume,trades' \
  '1672531200000,10,11,9,10.5,1,5' \
  '1672534800000,10,11,9,inf,1,5' \
  '1672538400000,10,8,9,10,1,5' \
  '1672542000000,10,11,9,10,1,-2' >"$bad"
store="$work/store"
run --data-dir "$store" import "$bad"
check "invalid rows exit 1" is "$rc" 1
check "invalid rows name file, line and column" has "$out" \
  "error: $bad line 3 column 5 (close): invalid candle: non-finite close inf (3 invalid rows in the file; --allow-invalid imports them)"
check "the summary has an invalid column" has "$out" "rows    added replaced  invalid  checksum"
check "the failed file shows its invalid rows" has "$(row BADUSDT)" "BADUSDT 1h 4 - - 3 - FAILED"
check "the totals count no invalid rows stored" has "$out" "0 candles added, 0 replaced, 0 invalid; 0 skipped, 1 failed"
check "nothing of the invalid file is stored" test ! -e "$store/ohlcv/1h/BADUSDT.parquet"

run --data-dir "$store" import --allow-invalid "$bad"
check "--allow-invalid exits 0" is "$rc" 0
check "--allow-invalid counts the invalid rows" has "$(row BADUSDT)" "BADUSDT 1h 4 4 0 3 - ok"
check "--allow-invalid totals" has "$out" "4 candles added, 0 replaced, 3 invalid; 0 skipped, 0 failed"
run --data-dir "$store" validate --symbol BADUSDT
check "validate reports the stored invalid rows" has "$out" "BADUSDT 1h: 4 rows, 4 errors"

# an empty price is unknown, so the candle is invalid (validate says so too)
printf '%s\n' 'open_time,open,high,low,close' '1672531200000,,11,9,10' >"$work/in/NANUSDT-1h.csv"
run --data-dir "$store" import "$work/in/NANUSDT-1h.csv"
check "an empty price is refused" has "$out" "NANUSDT-1h.csv line 2 column 2 (open): invalid candle: non-finite open nan"
# times before 1970 are invalid, in import and validate alike
printf '%s\n' 'open_time,open,high,low,close' '-3600000,10,11,9,10' >"$work/in/OLDUSDT-1h.csv"
run --data-dir "$store" import "$work/in/OLDUSDT-1h.csv"
check "a time before 1970 is refused" has "$out" "OLDUSDT-1h.csv line 2 column 1 (open_time): invalid candle: open time -3600000 ms, before 1970"
run validate "$work/in/OLDUSDT-1h.csv"
check "validate calls a time before 1970 an error" has "$out" "before_1970"
check "validate exits 1 on it" is "$rc" 1

# --- a trade count the store cannot keep (it became null, the column vanished) ---
printf '%s\n' 'open_time,open,high,low,close,volume,trades' '1672531200000,10,11,9,10,1,1e19' \
  >"$work/in/HUGEUSDT-1h.csv"
run --data-dir "$work/store2" import "$work/in/HUGEUSDT-1h.csv"
check "a huge trade count exits 1" is "$rc" 1
check "a huge trade count names line and column" has "$out" \
  "HUGEUSDT-1h.csv line 2 column 7 (trades): expected an integer count below 9.2e18, got '1e19'"

# --- an oversized header: a limit, not "out of memory" ---
{ printf 'open_time,open,high,low,close,'; head -c 70000 /dev/zero | tr '\0' x; printf '\n1672531200000,10,11,9,10,x\n'; } \
  >"$work/in/LONGUSDT-1h.csv"
run --data-dir "$work/store2" import "$work/in/LONGUSDT-1h.csv"
check "an oversized header exits 1" is "$rc" 1
check "an oversized header names file, line and limit" has "$out" \
  "LONGUSDT-1h.csv line 1: longer than the limit of 65536 bytes"

# --- a damaged archive: what is wrong, naming archive and entry ---
zip="$work/z/BTCUSDT-1h-2023-02.zip"
mkdir -p "$work/z"
cp "$fx/ohlcv/zip/BTCUSDT-1h-2023-02.zip" "$zip"
printf 'XXXXXXXX' | dd of="$zip" bs=1 seek=20492 conv=notrunc status=none
run --data-dir "$work/store2" import "$zip"
check "a damaged archive exits 1" is "$rc" 1
check "a damaged archive names the entry and the reason" has "$out" \
  "$zip: the entry BTCUSDT-1h-2023-02.csv is corrupt: CRC error"
check "no 'No error'" lacks "$out" "No error"

# --- a store write that fails: its files fail and their candles are not counted ---
store3="$work/store3"
mkdir -p "$store3/ohlcv"
ln -s "$work/nonexistent/target" "$store3/ohlcv/1h" # loads as empty, cannot be written
run --data-dir "$store3" import "$fx/ohlcv/zip" "$fx/ohlcv/vision"
check "a failed write exits 1" is "$rc" 1
check "a failed write names the folder" has "$out" "ohlcv/1h exists and is not a folder"
check "a failed write counts no candles" has "$out" \
  "imported 0 files into $store3: 0 candles added, 0 replaced, 0 invalid; 0 skipped, 2 failed"

# --- a FIFO given as a file fails at once instead of blocking on a read ---
for ext in zip csv parquet; do
  fifo="$work/BTCUSDT-1h-fifo.$ext"
  mkfifo "$fifo"
  run --data-dir "$work/store4" import "$fifo"
  check "a FIFO named .$ext exits 1" is "$rc" 1
  check "a FIFO named .$ext is named" has "$out" "$fifo is a FIFO, expected a regular file"
done

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
