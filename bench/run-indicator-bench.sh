#!/usr/bin/env bash
# Per-indicator benchmark: mtrader's EMA, RSI, ATR, Bollinger, ADX and MACD
# against TA-Lib and Tulip Indicators, whose C sources come from their npm
# packages (tools/peers/build-peers.sh) and are compiled here with the same
# compiler and flags as our library. Prints figures only; never fails on time.
#
# Usage: bench/run-indicator-bench.sh [BUILD_DIR]   (default: build/release,
#   configured by scripts/build.sh; its libmtrader.a is linked)
#   MT_BENCH_CSV: candles (open_time,open,high,low,close,volume); default
#   ../shared/data/ohlcv/csv/BTCUSDT-1h.csv (the reference data set, not shipped:
#   tests/fixtures/ohlcv/README.md).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build/release}
csv=${MT_BENCH_CSV:-$root/../shared/data/ohlcv/csv/BTCUSDT-1h.csv}
flags=(-O3 -ffp-contract=off) # what scripts/build.sh's release build uses for libmtrader.a

[[ -f $csv ]] || { echo "run-indicator-bench: no candles at $csv (set MT_BENCH_CSV)" >&2; exit 1; }
ninja -C "$build" libmtrader.a >/dev/null
work=$(mktemp -d "${TMPDIR:-/tmp}/mt-indbench.XXXXXX")
trap 'rm -rf "$work"' EXIT
peers=$("$root"/tools/peers/build-peers.sh "$work/peers" "${flags[@]}")
gcc -std=c17 "${flags[@]}" -D_GNU_SOURCE -o "$work/bench_indicators" "$root/bench/bench_indicators.c" \
  -I"$root/src" -I"$peers/include/talib" -I"$peers/include/tulip" \
  "$build/libmtrader.a" "$peers/libtalib.a" "$peers/libtulip.a" \
  $(pkg-config --libs libcjson libzstd zlib libzip libcrypto libcurl) -lsnappy -lm
"$work/bench_indicators" "$csv"
