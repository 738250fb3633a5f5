#!/usr/bin/env bash
# mtrader status on a paper run made by two scans over a temp copy of the sample
# store: the open positions and their open risk are those of `mtrader journal
# FILE open`, open R = open risk over the initial risk, the attention lines (no
# model trained, a broken deployed.json, a stale tick by the wall clock, an
# initial stop on the wrong side, an order still working on a closed trade, a
# live trade without a FILLED order), "nothing needs attention" when clean,
# and --check's exit codes.
# Usage: cli_status_test.sh MTRADER SAMPLE_DIR
set -uo pipefail
mt=$1
sample=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/mt-cli-status-XXXXXX")
trap 'rm -rf "$work"' EXIT
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
sql() { python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript(sys.argv[2])
db.commit()' "$@"; }

cp -r "$sample" "$work/data" || exit 1
syms=BNBUSDT,BTCUSDT,DOGEUSDT,ETHUSDT,SOLUSDT,XRPUSDT
cat >"$work/cfg.json" <<EOF
{"data_dir": "$work/data", "agents": [
 {"id": "cr", "strategy": "channel_run:200:mid:edge", "timeframe": "1h", "pairs": {"symbols": "$syms"},
  "risk": 0.005, "max_positions": 3, "max_open_r": 5.1},
 {"id": "tf", "strategy": "trail_fractals:5:2", "timeframe": "1h", "pairs": {"symbols": "$syms"},
  "risk": 0.005, "max_positions": 3, "max_open_r": 5.1}]}
EOF
j=$work/data/journal.db # the config's default session journal
run --config "$work/cfg.json" scan --no-sync --at 2023-06-01T00:00:30
check "scan 1 exits 0" is "$rc" 0
run --config "$work/cfg.json" scan --no-sync --at 2023-06-03T12:00:30
check "scan 2 exits 0" is "$rc" 0
# the tick's wall clock set to its session time: its age is then exact
sql "$j" "update ticks set wall = time"
mkdir -p "$work/data/models/cr" "$work/data/models/tf"

# --- no models trained: flagged; positions = journal open ---
run --config "$work/cfg.json" status --at "2023-06-03 12:30"
check "status exits 0" is "$rc" 0
check "status: the default journal" has "$out" "journal $j"
check "status: run 1, paper" has "$out" "run 1: paper, started "
check "status: the balance line" has "$out" "balance: start 10000.00, realized "
check "status: agent cr's allocation" is "$(grep '^  0 ' <<<"$out" | tr -s ' ')" \
  " 0 cr channel_run:200:mid:edge 1h both 0.0050 3 5.10 0.60 unfiltered (no model trained)"
status_out=$out
run journal "$j" open
jopen=$out
check "journal open exits 0" is "$rc" 0
expected=$(awk 'NF == 11 && $1 ~ /^[0-9]+$/ {print $1, $2, $3, $4, $5, $8, $9, $10, $11}' <<<"$jopen")
out=$status_out
got=$(sed -n '/^open positions/,/^real:/p' <<<"$out" | awk '$1 ~ /^[0-9]+$/ {print $1, $3, $2, $4, $5, $6, $7, $8, $9}')
check "status: 8 open positions" has "$out" "open positions (8):"
check "status: the positions of journal open (id, agent, symbol, kind, side, entry, stop, size, open risk)" \
  is "$got" "$expected"
total=$(sed -n 's/.*5 real; their open risk \([0-9.]*\) quote$/\1/p' <<<"$jopen")
# open R: each real trade's open risk over init_size x |entry - init_stop| (the journal's costs, as query.c)
open_r=$(python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
fee, bnb, spread, slip = db.execute("select fee_rate, bnb, spread, slippage from runs").fetchone()
fee *= 0.75 if bnb else 1
tot = 0
for side, entry, stop, size, init_size, init_stop in db.execute(
        "select side, entry, stop, size, init_size, init_stop from trades where state = ? and kind = ?", ("open", "real")):
    d = 1 if side == "long" else -1
    fill = stop * (1 - d * slip) * (1 - d * spread / 2)
    tot += max(0, size * (d * (entry - fill) + fee * fill) / (init_size * d * (entry - init_stop)))
print("%.2f" % tot)' "$j")
check "status: the account line (real positions, open risk = journal open's, R against the limits)" has "$out" \
  "real: 5 of max_positions 10; open risk $total quote, $open_r R of max_open_r 10.00"
check "status: the last tick" has "$out" \
  "last tick: 2023-06-03 12:00:30 (wall clock 2023-06-03 12:00:30, 29 m ago): 60 bars, 441 decisions, 33 opened, 33 closed"
check "status: the clock" has "$out" "clock 1h: last bar 2023-06-03 11:00"
check "status: 2 attention lines, the agents without models" is \
  "$(sed -n '/^attention/,$p' <<<"$out")" "attention (2):
  - agent cr runs without a valid model: unfiltered (no model trained)
  - agent tf runs without a valid model: unfiltered (no model trained)"
run --config "$work/cfg.json" status --at "2023-06-03 12:30" --check
check "--check with attention: exit 1" is "$rc" 1

# --- deployed unfiltered (the gate's choice): clean ---
for a in cr tf; do echo '{"model": null, "kind": "unfiltered", "reason": "gate"}' >"$work/data/models/$a/deployed.json"; done
run --config "$work/cfg.json" status --at "2023-06-03 14:00:30" --check
check "clean: --check exits 0" is "$rc" 0
check "clean: the model state" has "$out" " 0.60      unfiltered (deployed)"
check "clean: nothing needs attention" has "$out" "nothing needs attention"
check "clean: the tick 2 h old" has "$out" "wall clock 2023-06-03 12:00:30, 2 h 0 m ago)"

# --- a stale tick: older than 2 bars of 1h by the wall clock ---
run --config "$work/cfg.json" status --at "2023-06-03 14:00:31" --check
check "stale: --check exits 1" is "$rc" 1
check "stale: the attention line" has "$out" \
  "  - the last tick is 2 h 0 m old by the wall clock, more than 2 1h bars: the session is behind or not running"

# --- a broken deployed.json; a booster that is not there ---
echo '{"model": 7}' >"$work/data/models/cr/deployed.json"
echo '{"model": "20260101T000000Z", "kind": "booster", "reason": ""}' >"$work/data/models/tf/deployed.json"
run --config "$work/cfg.json" status --at "2023-06-03 12:30"
check "broken: exits 0 without --check" is "$rc" 0
check "broken: 2 attention lines" has "$out" "attention (2):"
check "broken: cr's deployed.json named" has "$(grep '  - agent cr runs without a valid model: broken: ' <<<"$out")" \
  "models/cr/deployed.json"
check "broken: tf's missing model" has "$out" "  - agent tf runs without a valid model: broken: "
check "broken: tf's missing model names it" has "$(grep '  - agent tf' <<<"$out")" "20260101T000000Z"
for a in cr tf; do echo '{"model": null, "kind": "unfiltered", "reason": "gate"}' >"$work/data/models/$a/deployed.json"; done

# --- an initial stop on the wrong side, an order still working on a closed trade ---
cp "$j" "$work/bad.db"
sql "$work/bad.db" "update trades set init_stop = entry * 1.01 where id = 2;
insert into orders (run, trade, client_order_id, status, side, type, qty, created, updated)
  values (1, 3, 'mt-3-entry', 'NEW', 'buy', 'LIMIT', '1', 0, 0), (1, 1, 'mt-1-entry', 'FILLED', 'sell', 'MARKET', '1', 0, 0);"
run --config "$work/cfg.json" status --journal "$work/bad.db" --at "2023-06-03 12:30" --check
check "bad: --check exits 1" is "$rc" 1
check "bad: --journal FILE read" has "$out" "journal $work/bad.db"
check "bad: 2 attention lines" is "$(sed -n '/^attention/,$p' <<<"$out")" "attention (2):
  - trade 2 (DOGEUSDT long): its initial stop is not on the losing side of the entry 0.0716679
  - order mt-3-entry (buy LIMIT) of trade 3 is still NEW but the trade is not open"
# a live run: its open real trades need a FILLED order (trade 1 has one)
sql "$work/bad.db" "update runs set kind = 'live'; update trades set init_stop = 0.07 where id = 2; delete from orders where trade = 3"
run --config "$work/cfg.json" status --journal "$work/bad.db" --at "2023-06-03 12:30"
check "live: 4 attention lines" is "$(sed -n '/^attention/,$p' <<<"$out")" "attention (4):
  - open real trade 2 (DOGEUSDT long) has no FILLED order
  - open real trade 33 (BTCUSDT long) has no FILLED order
  - open real trade 34 (DOGEUSDT long) has no FILLED order
  - open real trade 35 (BNBUSDT short) has no FILLED order"

# --- a backtest run: unnamed agents, no tick; --run picks it ---
run --config "$work/cfg.json" backtest --strategy trail_fractals:5:2 --timeframe 1h --symbol BTCUSDT \
  --from 2023-06-01 --to 2023-06-08 --trades "$work/t.csv" --equity "$work/e.csv" --journal "$j"
check "backtest into the journal exits 0" is "$rc" 0
run --config "$work/cfg.json" status --at "2023-06-03 12:30"
check "default run: the paper run, not the later backtest" has "$out" "run 1: paper"
run --config "$work/cfg.json" status --run 2
check "--run 2 exits 0" is "$rc" 0
check "--run 2: the backtest" has "$out" "run 2: backtest, started "
check "--run 2: an unnamed agent, model -" is "$(grep '^  0 ' <<<"$out" | tr -s ' ')" \
  " 0 - trail_fractals:5:2 1h both 0.0050 3 5.10 0.60 -"
check "--run 2: no tick" has "$out" "last tick: none"
check "--run 2: nothing needs attention" has "$out" "nothing needs attention"
run status --journal "$j" --run 9
check "--run 9: exit 1" is "$rc" 1
check "--run 9: names it" has "$errout" "has no run 9"
run status --journal "$work/none.db"
check "a missing journal: exit 1" is "$rc" 1
run status extra
check "an argument: usage error" is "$rc" 2
run status --journal "$(dirname "$0")/../fixtures/journal/schema1.db"
check "a journal of schema 1: exit 1" is "$rc" 1
check "it says why" has "$errout" "is of schema 1, from before the session (schema 2)"

echo "cli_status: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
