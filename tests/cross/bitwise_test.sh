#!/usr/bin/env bash
# A cross build against the native build, bit for bit (docs/internals/aarch64.md): the same
# commands on the shipped sample (data/sample) run by the native mtrader and by the cross-built
# one under its exe_wrapper (qemu-user), each in a folder of its own with the same relative
# paths, so that every output file and every line printed must be the same byte for byte:
# the imported store (our Parquet writer), the feature matrix of every bar (Parquet, and CSV
# text of each double), a strategy's setups with their outcomes, a backtest's trades and equity,
# a trained model (XGBoost's model file and its card) and that model's score of every setup
# (a backtest filtered by it, its journal's decisions to the last bit).
# Usage: bitwise_test.sh NATIVE_MTRADER CROSS_MTRADER SAMPLE_DIR   (MT_KEEP=1 keeps the outputs)
set -uo pipefail

native=$1
cross=$2
sample=$3
[[ -x $native ]] || { echo "bitwise: no native mtrader at $native: build it first (scripts/build.sh build/release)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/mt-bitwise-XXXXXX")
trap '[[ -n ${MT_KEEP:-} ]] || rm -rf "$work"' EXIT
# shellcheck source=../cli/lib.sh
source "$(dirname "$0")/../cli/lib.sh"

strategies=channel_run:200:mid:edge,trail_fractals:5:2
# normal: stdin with what comes from the wall clock replaced: the model id ($id once trained)
# and the seconds a step took.
normal() { sed -E -e "s/${id:-no model id yet}/ID/g" -e 's/ in [0-9.]+ s\b/ in T s/g'; }
# step NAME ARG...: runs mtrader ARG... in the current folder, its stdout to NAME.out.
step() {
  local name=$1
  shift
  run "$@"
  check "$label: $name exits 0" is "$rc" 0
  [[ $rc == 0 ]] || echo "$errout" >&2
  normal <<<"$out" >"$name.out"
}
# produce LABEL PROGRAM: every output in $work/LABEL.
produce() {
  label=$1
  mt=$2
  id=
  mkdir -p "$work/$label" && cd "$work/$label" || exit 1
  step import --data-dir store import "$sample/ohlcv"
  step features-btc --data-dir store features BTCUSDT 1h --out btc-1h-features.parquet
  step features-eth --data-dir store features ETHUSDT 1d --out eth-1d-features.csv
  step setups --data-dir store setups --strategy "$strategies" --timeframe 1h --symbol ETHUSDT \
    --out eth-setups.parquet
  step backtest --data-dir store backtest --strategy "$strategies" --timeframe 1h \
    --trades trades.csv --equity equity.csv
  cat >cfg.json <<EOF
{"data_dir": "store",
 "ml": {"trials": 3, "folds": 2, "shuffled": 1, "importance_repeats": 1},
 "agents": [{"id": "tf", "strategy": "trail_fractals:5:2", "timeframe": "1h", "sides": "long",
             "win_r": 1, "min_score": 0.3, "pairs": {"symbols": "BTCUSDT,ETHUSDT"}}]}
EOF
  run --config cfg.json train --from 2023-01-01 --journal none
  check "$label: train exits 0" is "$rc" 0
  # the model id is the wall clock's: out of the printed table and the card
  id=$(sed -n 's/^training \([0-9TZ]*\) .*/\1/p' <<<"$out")
  check "$label: train names its model" test -n "$id"
  normal <<<"$out" >train.out
  cp "store/models/tf/$id/model.ubj" model.ubj
  normal <"store/models/tf/$id/card.json" >card.json
  # the model deployed, whatever the gate said, so that it scores every setup of the backtest
  printf '{"model": "%s", "kind": "booster", "reason": "test"}\n' "$id" >store/models/tf/deployed.json
  step scored --config cfg.json backtest --models --timeframe 1h --from 2023-01-01 \
    --trades scored-trades.csv --equity scored-equity.csv --journal scored.db
  python3 - scored.db >scores.txt <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for row in db.execute("SELECT time, symbol, side, outcome, score FROM decisions ORDER BY id"):
    print(*row[:4], row[4].hex())
PY
  check "$label: the model's scores vary" test "$(cut -d' ' -f5 scores.txt | sort -u | wc -l)" -gt 1000
  rm -rf store/models scored.db scored.db-wal scored.db-shm
}

produce native "$native"
produce cross "$cross"
cd "$work" || exit 1
files=$(cd native && find . -type f ! -name cfg.json | sort)
check "the outputs are the same files" is "$(cd cross && find . -type f ! -name cfg.json | sort)" "$files"
for f in $files; do
  check "identical: ${f#./} ($(stat -c %s "native/$f") bytes)" cmp "native/$f" "cross/$f"
done

echo "$passed passed, $failed failed"
((failed == 0))
