#!/usr/bin/env bash
# Sets up mtrader and runs the demo on the shipped sample data (data/sample):
# import into a fresh store, validate, resample 1h -> 4h and 1d, and print the
# data summary. Usage: scripts/demo.sh [DEMO_DATA_DIR]   (default: ./demo-data)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/build.sh build/release
mt=build/release/src/cli/mtrader
store=${1:-demo-data}
rm -rf "$store"

step() { printf '\n== %s\n' "$*"; }

step "import the sample store (Parquet) and a data.binance.vision archive (zip + CHECKSUM)"
"$mt" --data-dir "$store" import data/sample/ohlcv data/sample/archives

step "validate every stored series"
"$mt" --data-dir "$store" validate  # gaps are real Binance outages: reported, kept as gaps

step "resample 1h -> 4h and 1d"
"$mt" --data-dir "$store" resample --from 1h --to 4h,1d

step "data summary"
"$mt" --data-dir "$store" data

step "features of BTCUSDT 1h (the default set), last 2 bars"
"$mt" --data-dir "$store" features BTCUSDT 1h --last 2 | cut -c1-200

step "labelled setups of both strategies on every 1h series (Parquet dataset)"
"$mt" --data-dir "$store" setups --strategy channel_run:200:mid:edge,trail_fractals:5:2 --timeframe 1h \
  --out "$store/setups-1h.parquet"

step "portfolio backtest of both strategies on every 1h series"
"$mt" --data-dir "$store" backtest --strategy channel_run:200:mid:edge,trail_fractals:5:2 --timeframe 1h \
  --trades "$store/trades-1h.csv" --equity "$store/equity-1h.csv"

step "replay four weeks through the paper session (the agents of docs/mtrader.example.json)"
"$mt" --config docs/mtrader.example.json --data-dir "$store" replay --from 2024-04-01 --to 2024-04-29 \
  --journal "$store/journal.db"

step "the journal: runs, then the replay's trades by kind and state"
"$mt" journal "$store/journal.db" runs
sqlite3 -column -header "$store/journal.db" \
  "select kind, state, count(*) as trades, round(sum(pnl), 2) as pnl, round(avg(r), 3) as mean_r
     from trades where run = 1 group by kind, state order by kind, state"

step "a paper session on the same store: two scans a day apart, then its open positions"
"$mt" --config docs/mtrader.example.json --data-dir "$store" scan --no-sync --at "2024-05-01 00:00:30" \
  --journal "$store/journal.db"
"$mt" --config docs/mtrader.example.json --data-dir "$store" scan --no-sync --at "2024-05-02 00:00:30" \
  --journal "$store/journal.db"
"$mt" journal "$store/journal.db" open --run 2

step "train the agents' models (10 TPE trials each; the journal's trades join the training sets)"
# the table is the untouched test period's; the last lines say what each agent runs and why
"$mt" --config docs/mtrader.example.json --data-dir "$store" train --trials 10 --journal "$store/journal.db"

step "the model registry"
"$mt" --config docs/mtrader.example.json --data-dir "$store" models

step "the paper session's status: agents and their models, open positions and risk, what needs attention"
"$mt" --config docs/mtrader.example.json --data-dir "$store" status --journal "$store/journal.db"

step "the 1h agents' strategies unfiltered on the test period, journalled (run 1 of backtests.db)"
"$mt" --config docs/mtrader.example.json --data-dir "$store" backtest \
  --strategy channel_run:200:mid:edge,channel_run:200:edge:mid --timeframe 1h --from 2024-01-01 \
  --trades "$store/trades-unfiltered.csv" --equity "$store/equity-unfiltered.csv" --journal "$store/backtests.db" |
  tail -3

step "the filtered backtest of the 1h agents on the test period (rejected setups are low_score sims; run 2)"
"$mt" --config docs/mtrader.example.json --data-dir "$store" backtest --models --timeframe 1h --from 2024-01-01 \
  --trades "$store/trades-models.csv" --equity "$store/equity-models.csv" --journal "$store/backtests.db"

step "the HTML report of the filtered backtest, the unfiltered one as its baseline"
"$mt" --data-dir "$store" report "$store/backtests.db" --run 2 --baseline 1 --out "$store/report.html"
echo "open $store/report.html in a browser (self-contained: no network needed)"
