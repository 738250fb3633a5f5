#!/usr/bin/env bash
# End-to-end tests of mtrader train, models and backtest --models on the
# shipped sample (data/sample): a training run of one agent writes its card,
# model and deployment, prints its table and the gate's reasons; models lists
# and shows it; a deployed model filters a backtest (sim trades with the
# reason low_score) and a replay the same way; the training set exports as
# NumPy and CSV; bad requests are usage errors and nothing is written.
# Usage: cli_train_test.sh MTRADER_BINARY SAMPLE_DIR
set -uo pipefail
mt=$1
sample=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/mt-train-XXXXXX")
trap 'rm -rf "$work"' EXIT
store="$work/store"
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

run --data-dir "$store" import "$sample/ohlcv"
check "the sample imports" is "$rc" 0
cat >"$work/cfg.json" <<EOF
{"data_dir": "$store",
 "ml": {"trials": 3, "folds": 2, "shuffled": 1, "importance_repeats": 1},
 "agents": [{"id": "tf", "strategy": "trail_fractals:5:2", "timeframe": "1h", "sides": "long",
             "win_r": 1, "min_score": 0.3, "pairs": {"symbols": "BTCUSDT,ETHUSDT"}}]}
EOF
cfg=(--config "$work/cfg.json")

# --- usage errors first: nothing is written ---
run "${cfg[@]}" train --agent nosuch
check "an unknown agent is a usage error" is "$rc" 2
check "it names the agent" has "$errout" "--agent: no agent 'nosuch' in the config"
run "${cfg[@]}" train --trials 0
check "--trials 0 is a usage error" is "$rc" 2
check "no models folder after usage errors" test ! -e "$store/models"
run "${cfg[@]}" models
check "models before any training" has "$out" "no models in $store/models"
echo '{"ml": {"folds": 1}}' >"$work/bad.json"
run --config "$work/bad.json" train
check "a bad ml setting in the config fails" is "$rc" 1
check "it names the setting and its range" has "$errout" "folds"

# --- training ---
run "${cfg[@]}" train --from 2023-01-01 --export "$work/export"
check "train exits 0" is "$rc" 0
check "the table header" has "$out" "agent               rows   base    auc logloss  brier   prec  n_accept  r_accept     r_all deployed"
row=$(grep '^tf ' <<<"$out" | head -1)
check "a row for the agent" test -n "$row"
check "the reasons line" has "$out" "tf runs "
id=$(sed -n 's/^training \([0-9TZ]*\) .*/\1/p' <<<"$out")
check "a model id" test -n "$id"
check "its card" test -s "$store/models/tf/$id/card.json"
check "its booster" test -s "$store/models/tf/$id/model.ubj"
check "the deployment" test -s "$store/models/tf/deployed.json"
check "the card names the agent" has "$(<"$store/models/tf/$id/card.json")" '"agent":	"tf"'
check "the card has the test metrics" has "$(<"$store/models/tf/$id/card.json")" '"mean_r_accepted":'
check "the agent's win threshold" has "$(<"$store/models/tf/$id/card.json")" '"win_r":	1,'
check "the card's pairs" has "$(<"$store/models/tf/$id/card.json")" '"BTCUSDT"'
rows=$(awk '{print $2}' <<<"$row")
check "the export's rows" is "$(($(wc -l <"$work/export/tf.csv") - 1))" "$rows"
check "the export's header" is "$(head -1 "$work/export/tf.csv")" "t0,t1,symbol,source,side,r"
check "only long setups" is "$(tail -n +2 "$work/export/tf.csv" | cut -d, -f5 | sort -u)" "1"
check "the export's columns" is "$(tail -1 "$work/export/tf.columns")" "ctx_age_short"
npy=$(python3 -c 'import sys
b = open(sys.argv[1], "rb").read()
n = b[8] | b[9] << 8
h = b[10:10 + n].decode()
assert (10 + n) % 64 == 0, "header not aligned"
rows, cols = eval(h)["shape"]
assert len(b) == 10 + n + 4 * rows * cols, "size"
print(rows, cols)' "$work/export/tf.npy")
check "the NumPy file: its shape and size" is "$npy" "$rows $(wc -l <"$work/export/tf.columns")"

# --- models ---
run "${cfg[@]}" models
check "models exits 0" is "$rc" 0
check "models lists the agent" has "$out" "tf: runs "
check "models lists the model" has "$out" "$id  test auc"
run "${cfg[@]}" models tf "$id"
check "models AGENT ID prints the card" has "$out" "\"id\":	\"$id\""
run "${cfg[@]}" models tf nosuch
check "an unknown model fails" is "$rc" 1

# --- a deployed booster filters the backtest and the replay ---
python3 - "$store/models/tf/deployed.json" "$id" <<'EOF'
import json, sys
json.dump({"model": sys.argv[2], "kind": "booster", "reason": "test"}, open(sys.argv[1], "w"))
EOF
run "${cfg[@]}" backtest --models --timeframe 1h --symbol BTCUSDT --from 2024-03-01 --trades "$work/t.csv" --equity "$work/e.csv"
check "backtest --models exits 0" is "$rc" 0
check "it says which model" has "$out" "agent tf: booster $id, min score 0.3000"
check "low scores are sims" test "$(grep -c ',low_score' "$work/t.csv")" -gt 0
check "the scores vary" test "$(cut -d, -f1 "$work/t.csv" | wc -l)" -gt 1
run "${cfg[@]}" backtest --models --timeframe 1h --symbol BTCUSDT --from 2023-06-01 --to 2023-07-01 --trades "$work/t2.csv" \
  --equity "$work/e2.csv"
check "a span before the test period is flagged in-sample" has "$out" "in-sample before its test period from"
run "${cfg[@]}" backtest --models --strategy trail_fractals:5:2 --timeframe 1h --trades "$work/t.csv" --equity "$work/e.csv"
check "--models with --strategy is a usage error" is "$rc" 2
run "${cfg[@]}" backtest --models --timeframe 4h --trades "$work/t.csv" --equity "$work/e.csv"
check "--models without an agent of the timeframe fails" is "$rc" 1
run "${cfg[@]}" replay --from 2024-04-01 --to 2024-04-15 --journal "$work/j.db"
check "a replay with the model exits 0" is "$rc" 0
low=$(python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute("select count(*) from trades where kind = \"sim\" and sim_reasons & 32").fetchone()[0])' "$work/j.db")
check "the replay's low scores are sims" test "$low" -gt 0

# --- a damaged deployment is a clear error ---
echo '{"kind": "booster"}' >"$store/models/tf/deployed.json"
run "${cfg[@]}" backtest --models --timeframe 1h --trades "$work/t.csv" --equity "$work/e.csv"
check "a deployment without a model id fails" is "$rc" 1
check "it names the file" has "$errout" "deployed.json"

echo "$passed passed, $failed failed"
((failed == 0))
