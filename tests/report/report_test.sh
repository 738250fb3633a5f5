#!/usr/bin/env bash
# End-to-end test of mtrader report on the shipped sample (data/sample): one
# agent is trained, an unfiltered and a filtered backtest (--models) are
# journalled into one file, and the filtered run's report (the unfiltered one
# as its baseline) is rendered in headless Chromium (render.sh): every section
# is there with non-empty charts, every SVG is well-formed XML, nothing loads
# from outside, the screenshot is not blank; its figures equal an independent
# recomputation from the backtest's CSV files (metrics_oracle.js) and the
# printed metrics; the model section shows the agent's card with its folds.
# Then: a journal of schema 1 reports (its exposure is said to be missing),
# --log, and the errors.
# Usage: report_test.sh MTRADER_BINARY SAMPLE_DIR FIXTURES_DIR NODE
set -uo pipefail
mt=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
sample=$2
fixtures=$3
NODE=$4
export NODE
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/mt-report-XXXXXX")
trap '[[ -n ${MT_TEST_KEEP:-} ]] && echo "kept $work" || rm -rf "$work"' EXIT
store="$work/store"
# shellcheck source=../cli/lib.sh
source "$here/../cli/lib.sh"
# in_file FILE TEXT: FILE holds TEXT.
in_file() { grep -qF -- "$2" "$1" || { echo "  expected to find: $2 in $1" >&2; false; }; }
# shellcheck source=render.sh
source "$here/render.sh"

run --data-dir "$store" import "$sample/ohlcv"
check "the sample imports" is "$rc" 0
cat >"$work/cfg.json" <<EOF
{"data_dir": "$store",
 "ml": {"trials": 2, "folds": 2, "shuffled": 1, "importance_repeats": 1},
 "agents": [{"id": "tf", "strategy": "trail_fractals:5:2", "timeframe": "1h", "sides": "long",
             "win_r": 1, "min_score": 0.3, "pairs": {"symbols": "BTCUSDT,ETHUSDT"}},
            {"id": "tp", "strategy": "trail_fractals:5:2", "timeframe": "1h", "sides": "short", "tp_fraction": 1}]}
EOF
cfg=(--config "$work/cfg.json")
# tf has a model; tp runs unfiltered (never trained) and takes all profit at 1.8 R: tracked trades
run "${cfg[@]}" train --agent tf --from 2023-06-01 --journal none
check "the agent trains" is "$rc" 0
j="$work/j.db"
bt=(backtest --timeframe 1h --from 2024-01-01 --max-positions 3)
run "${cfg[@]}" "${bt[@]}" --strategy trail_fractals:5:2 --trades "$work/t1.csv" --equity "$work/e1.csv" --journal "$j"
check "the unfiltered backtest is run 1" has "$out" "journal: run 1,"
run "${cfg[@]}" "${bt[@]}" --models --trades "$work/t2.csv" --equity "$work/e2.csv" --journal "$j"
check "the filtered backtest is run 2" has "$out" "journal: run 2,"
printed=$out

# --- the report of run 2 against run 1 ---
run "${cfg[@]}" report "$j" --run 2 --baseline 1 --symbol BTCUSDT --out "$work/r.html"
check "report exits 0" is "$rc" 0
check "it says what it wrote" has "$out" "wrote $work/r.html: run 2,"
# every section; those with charts (summary and breakdown are tables) must draw them
cat >"$work/spec.json" <<EOF
{"sections": ["summary", "equity", "drawdown", "monthly", "breakdown", "rdist", "rolling", "exposure",
              "prices", "setups", "tracked", "models"],
 "charts": ["equity", "drawdown", "monthly", "rdist", "rolling", "exposure", "prices", "setups", "tracked",
            "models"]}
EOF
render_check "$work/r.html" --spec "$work/spec.json" --values "$work/v.json" >"$work/check.out" 2>&1
check "Chromium renders it and every check passes" is "$?" 0 || cat "$work/check.out" >&2
check "a screenshot and the DOM were checked" has "$(cat "$work/check.out")" "check_html: ok"
"$NODE" "$here/metrics_oracle.js" "$work/e2.csv" "$work/t2.csv" 3600000 "$work/v.json" >"$work/oracle.out" 2>&1
check "the headline figures equal the recomputation from the CSV files" is "$?" 0 ||
  cat "$work/oracle.out" >&2
value() { "$NODE" -e 'const v = require(process.argv[1]); const x = v[process.argv[2]];
  console.log(x === undefined ? "missing" : x)' -- "$work/v.json" "$1"; }
pct() { "$NODE" -e 'console.log((100 * Number(process.argv[1])).toFixed(2))' -- "$1"; }
check "the total return is the one the backtest printed" has "$printed" "total return $(pct "$(value total_return)")%"
check "the max drawdown is the one the backtest printed" has "$printed" "max drawdown $(pct "$(value max_drawdown)")%"
check "tp is in the report, unfiltered" in_file "$work/r.html" "<td>tp</td><td>none</td>"
check "the agent's model is in the report" in_file "$work/r.html" "data-k=\"model_0_auc\""
check "its CV folds are rows" in_file "$work/r.html" "data-k=\"fold_0_cv_1_auc\""
check "and its test period" in_file "$work/r.html" "data-k=\"fold_0_test_auc\""
check "the calibration curve" in_file "$work/r.html" "data-chart=\"calibration_tf\""
check "the baseline run is drawn" in_file "$work/r.html" "run 1 (baseline)"
check "buy and hold BTC" in_file "$work/r.html" "buy and hold BTCUSDT"
check "the price chart of the chosen symbol" in_file "$work/r.html" "data-chart=\"price_BTCUSDT\""
low=$(value sim_low_score_trades)
check "the model's rejections are counted" test "$low" != missing
n_low=$(sqlite3 "$j" "select count(*) from trades where run = 2 and kind = 'sim' and sim_reasons & 32 and state != 'open'")
check "as many as the journal holds" is "$low" "$n_low"
n_real=$(sqlite3 "$j" "select count(*) from trades where run = 2 and kind = 'real' and state != 'open'")
check "the real trades' count" is "$(value trades)" "$n_real"
n_tp=$(sqlite3 "$j" "select count(*) from trades c join trades p on p.run = c.run and p.id = c.parent
  where c.run = 2 and c.kind = 'tracked' and c.state != 'open' and p.kind = 'real' and p.exit_reason = 'take_profit'")
check "tracked take-profits exist in this run" test "$n_tp" -gt 0
check "each is a tracked pair" is "$(value tracked_take_profit_real_count)" "$n_tp"
pos=$(sqlite3 "$j" "select max(positions) from equity where run = 2")
check "the most positions held, from the journal's exposure" is "$(value max_positions_held)" "$pos"
size=$(stat -c %s "$work/r.html")
check "the report stays small ($size bytes)" test "$size" -lt 2000000

# --- the same run on a log scale, and the default output name ---
cd "$work" || exit 1
run "${cfg[@]}" report "$j" --run 2 --log --bench none
cd - >/dev/null || exit 1
check "--log exits 0" is "$rc" 0
check "the default file name" test -s "$work/report-run-2.html"
check "the log scale is said" in_file "$work/report-run-2.html" "Equity (log scale)"
check "no benchmark with --bench none" test "$(grep -c "buy and hold" "$work/report-run-2.html")" = 0

# --- a journal of schema 1 reports read-only (its file unchanged) ---
cp "$fixtures/journal/schema1.db" "$work/old.db"
run --data-dir "$store" report "$work/old.db" --out "$work/old.html"
check "a schema-1 journal reports" is "$rc" 0
check "its exposure is said not journalled" in_file "$work/old.html" "Not journalled"
check "the old file is not migrated" is "$(sqlite3 "$work/old.db" 'PRAGMA user_version')" 1

# --- errors ---
run "${cfg[@]}" report "$j" --run 9 --out "$work/x.html"
check "an unknown run fails" is "$rc" 1
check "it names the journal and the run" has "$errout" "has no run 9"
check "nothing is written" test ! -e "$work/x.html"
run "${cfg[@]}" report "$work/none.db"
check "a missing journal fails" is "$rc" 1
check "it names the file" has "$errout" "none.db"
run "${cfg[@]}" report "$j" --chart-from 2024-01-01
check "--chart-from alone is a usage error" is "$rc" 2
run "${cfg[@]}" report "$j" --symbol NOSUCH --out "$work/x.html"
check "a symbol not in the run fails" is "$rc" 1
check "it names the symbol" has "$errout" "--symbol NOSUCH: not a series of run 2"

echo "$passed passed, $failed failed"
((failed == 0))
