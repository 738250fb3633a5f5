#!/usr/bin/env bash
# Command-line habits: the global options after the command (as --opt VALUE and
# --opt=VALUE, up to a '--'; given before and after, the later wins; a missing
# value is a usage error naming the option), and --version's lines (the build
# options meson configured, the libraries' versions at run time against their
# own command-line tools).
# Usage: cli_globals_test.sh MTRADER FIXTURES_DIR BUILDTYPE OPTIMIZATION SANITIZE LTO COMPILER VERSION CPU
set -uo pipefail
mt=$1
fx=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/mt-cli-globals-XXXXXX")
trap 'rm -rf "$work"' EXIT
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

# --- after the command: import, data, journal ---
run import --data-dir "$work/a" "$fx/ohlcv/zip"
check "import --data-dir X after the command exits 0" is "$rc" 0
check "import wrote into X" test -f "$work/a/ohlcv/1h/BTCUSDT.parquet"
run data --data-dir="$work/a"
check "data --data-dir=X exits 0" is "$rc" 0
check "data lists X's series" has "$out" "BTCUSDT"
run --data-dir "$work/none" data --log-level debug --data-dir "$work/a"
check "before and after: exits 0 (the later wins)" is "$rc" 0
check "before and after: the later data dir" has "$errout" "data dir: $work/a"
check "--log-level after the command: debug lines" has "$errout" "debug"
run --log-level=debug data --log-level=error
check "--log-level=error after --log-level=debug: no debug line" lacks "$errout" "debug"
run --data-dir "$work/a" data --data-dir "$work/none"
check "after wins over before: the missing dir fails" is "$rc" 1
check "after wins over before: names it" has "$errout" "$work/none"
run --data-dir "$work/a" backtest --strategy trail_fractals:5:2 --timeframe 1h --trades "$work/t.csv" \
  --equity "$work/e.csv" --journal "$work/j.db" --progress
check "backtest with --progress after it exits 0" is "$rc" 0
run journal "$work/j.db" runs --config "$work/none.json"
check "journal FILE runs --config MISSING: the config is read (fails)" is "$rc" 1
check "journal: names the config" has "$errout" "$work/none.json"
run journal "$work/j.db" runs --log-level=debug
check "journal FILE runs --log-level=debug exits 0" is "$rc" 0
check "journal: the debug line" has "$errout" "debug"
check "journal: its table" has "$out" "1 run"
run data --data-dir
check "a missing value: usage error" is "$rc" 2
check "a missing value: names the option" has "$errout" "option '--data-dir' requires an argument"
for form in "data --data-dir=" "--data-dir= data" "data --config="; do
  # shellcheck disable=SC2086
  run $form
  check "an empty value ($form): usage error" is "$rc" 2
  check "an empty value ($form): said so" has "$errout" "needs a non-empty value"
done
run data --progress=yes
check "--progress=VALUE: usage error" is "$rc" 2
run import --data-dir "$work/b" -- "$fx/ohlcv/zip" --data-dir
check "after '--' nothing is taken: --data-dir is a path" is "$rc" 1
check "after '--': import names the path" has "$errout" "--data-dir"

# --- --version ---
run --version
check "--version exits 0" is "$rc" 0
check "--version: 4 lines" is "$(wc -l <<<"$out")" 4
check "--version: the version first" is "$(sed -n 1p <<<"$out")" "mtrader 0.1.0"
sanitizers="sanitizers $5"
[[ $5 == none ]] && sanitizers="no sanitizers"
lto="no lto"
[[ $6 == true ]] && lto=lto
check "--version: the build line" is "$(sed -n 2p <<<"$out")" "build: $3 -O$4, $lto, $sanitizers, $7 $8, $9"
check "--version: the compiler line" has "$(sed -n 3p <<<"$out")" "compiler: "
libs=$(sed -n 4p <<<"$out")
check "--version: sqlite = sqlite3 --version" has "$libs" "sqlite $(sqlite3 --version | cut -d' ' -f1),"
check "--version: libcurl = curl --version's" has "$libs" \
  "libcurl $(curl --version | head -1 | sed 's/.* libcurl\/\([^ ]*\) .*/\1/'),"
check "--version: zstd = zstd --version's" has "$libs" \
  "zstd $(zstd --version | sed 's/.* v\([0-9.]*\),.*/\1/'),"
check "--version: xgboost and cjson" has "$libs" ", xgboost "
check "--version: cjson" has "$libs" ", cjson "

echo "cli_globals: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
