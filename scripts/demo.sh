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
