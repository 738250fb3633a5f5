#!/usr/bin/env bash
# Rebuilds data/sample/ from the real Binance data in ../shared/data/ohlcv (the
# reference data set, not shipped: tests/fixtures/ohlcv/README.md says what it is
# and where it comes from; this script documents how the sample was made).
#   data/sample/ohlcv/{1h,1d}/{SYMBOL}.parquet  6 pairs: the last 2 years of 1h
#                                               candles and the full 1d history,
#                                               written by mtrader's own writer
#   data/sample/archives/                       one data.binance.vision monthly
#                                               archive (zip + .CHECKSUM)
# Usage: scripts/make-sample.sh [SHARED_OHLCV_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
src=${1:-../shared/data/ohlcv}
[[ -n "${MTRADER:-}" ]] || scripts/build.sh build/release
mt=${MTRADER:-build/release/src/cli/mtrader}
out=data/sample
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

rm -rf "$out/ohlcv" "$out/archives"
pairs=(BTCUSDT ETHUSDT BNBUSDT SOLUSDT XRPUSDT DOGEUSDT)
from_ms=1652054400000 # 2022-05-09 00:00 UTC: two years before the 1h data ends
for p in "${pairs[@]}"; do
  awk -F, -v from="$from_ms" 'NR == 1 || $1 >= from' "$src/csv/$p-1h.csv" >"$tmp/$p-1h.csv"
  cp "$src/csv/$p-1d.csv" "$tmp/$p-1d.csv"
done
"$mt" --data-dir "$out" import "$tmp" >/dev/null

mkdir -p "$out/archives"
month=BTCUSDT-1h-2023-04
tail -n +2 "$src/binance_vision_raw/$month.csv" >"$tmp/$month.csv" # genuine spot archives have no header
(cd "$tmp" && zip -X -q "$month.zip" "$month.csv" && sha256sum "$month.zip" >"$month.zip.CHECKSUM")
cp "$tmp/$month.zip" "$tmp/$month.zip.CHECKSUM" "$out/archives/"
du -sh "$out"
