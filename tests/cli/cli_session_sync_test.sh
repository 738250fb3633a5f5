#!/usr/bin/env bash
# `mtrader scan --at T` against mt-fakebinance on a replayed server clock (an
# ephemeral 127.0.0.1 port serving a temp copy of the sample store): the scan
# downloads the run's symbols' 1h candles up to the bar closing at T, decides
# that bar and journals it; a scan at T + 1h downloads one more candle per
# symbol and processes exactly one more bar. The decisions, equity and trades
# equal those of a backtest over the store the scans left.
# Usage: cli_session_sync_test.sh MTRADER MT_FAKEBINANCE SAMPLE_DIR
set -uo pipefail
mt=$1
fb=$2
sample=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/mt-cli-ssync-XXXXXX")
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
trap 'fb_stop; rm -rf "$work"' EXIT

cp -r "$sample" "$work/src" || exit 1 # what the fake serves
syms=BNBUSDT,BTCUSDT,DOGEUSDT,ETHUSDT,SOLUSDT,XRPUSDT
nsyms=6
H=3600000
MAY1=1682899200000 # 2023-05-01 00:00 UTC
T=1685577600000    # 2023-06-01 00:00 UTC
config() { # the fake's url: the session config of two 1h agents trading through it
  cat >"$work/cfg.json" <<EOF
{"data_dir": "$work/data", "exchange": {"base_url": "$1", "state_file": "$work/weight.state"}, "agents": [
 {"id": "cr", "strategy": "channel_run:200:mid:edge", "timeframe": "1h", "pairs": {"symbols": "$syms"},
  "risk": 0.005, "max_positions": 3, "max_open_r": 5.1},
 {"id": "tf", "strategy": "trail_fractals:5:2", "timeframe": "1h", "pairs": {"symbols": "$syms"},
  "risk": 0.005, "max_positions": 3, "max_open_r": 5.1}]}
EOF
}
last_open() { # SYMBOL: the open time of the store's last 1h candle, and its count
  "$mt" --data-dir "$work/data" data --symbol "$1" --timeframe 1h --csv | tail -n +2 |
    awk -F, '{n++; t=$1} END {print t, n}'
}

# --- the store the session starts from: 2023-01-01 to 2023-04-30 23:00 (the fake's clock 2023-05-01) ---
fb_start --data-dir "$work/src" --clock $MAY1
config "$url"
run --config "$work/cfg.json" download --symbols "$syms" --timeframes 1h --since 2023-01-01 --no-snapshots
check "initial download exits 0" is "$rc" 0
check "initial download: 4 months of 1h candles (the 2023-03-24 13:00 outage missing)" has "$out" \
  "$((nsyms * (120 * 24 - 1))) candles added"
first=$(last_open BTCUSDT)
check "the store ends at 2023-04-30 23:00" is "${first% *}" "$(TZ=UTC date -d '2023-04-30 23:00' +%s)000"

# --- scan at T, the server's clock at T: the candles up to the bar closing at T, that bar decided ---
fb_start --data-dir "$work/src" --clock $T --log "$work/server.log"
config "$url"
run --config "$work/cfg.json" scan --at 2023-06-01 --grace 0 --journal "$work/j.db"
check "scan at T exits 0" is "$rc" 0
check "scan at T: one bar" has "$out" "scan 2023-06-01 00:00: 1 bars, "
for s in ${syms//,/ }; do
  check "scan at T: $s stored up to the bar before T" is "$(last_open "$s")" "$((T - H)) $((120 * 24 - 1 + 31 * 24))"
done
check "scan at T: one klines request a symbol, 1h" is \
  "$(grep -c ' /api/v3/klines?symbol=[A-Z]*&interval=1h&' "$work/server.log") $(grep -c ' /api/v3/klines' "$work/server.log")" \
  "$nsyms $nsyms"
check "scan at T: its tick and clock" is "$(jdump "$work/j.db" "select time, bars from ticks" \
  "select timeframe, last_bar from clocks")" "($T, 1)
('1h', $((T - H)))"
dec1=$(jdump "$work/j.db" "select count(*) from decisions")
check "scan at T: its decisions at the bar before T" is "$(jdump "$work/j.db" "select count(*) from decisions
  where time = $((T - H))")" "$dec1"
check "scan at T: the line counts the journalled decisions" has "$out" "1 bars, ${dec1:1:-2} decisions, "

# --- scan at T + 1h: one more candle a symbol, exactly one more bar ---
fb_start --data-dir "$work/src" --clock $((T + H)) --log "$work/server.log"
config "$url"
run --config "$work/cfg.json" scan --at 2023-06-01T01:00 --grace 0 --journal "$work/j.db"
check "scan at T+1h exits 0" is "$rc" 0
check "scan at T+1h: one bar" has "$out" "scan 2023-06-01 01:00: 1 bars, "
for s in ${syms//,/ }; do
  check "scan at T+1h: $s has one more candle" is "$(last_open "$s")" "$T $((120 * 24 + 31 * 24))"
done
check "scan at T+1h: the second tick, the clock moved" is "$(jdump "$work/j.db" "select time, bars from ticks order by time" \
  "select timeframe, last_bar from clocks")" "($T, 1)
($((T + H)), 1)
('1h', $T)"
check "scan at T+1h: still one paper run" is "$(jdump "$work/j.db" "select id, kind, ended from runs")" "(1, 'paper', None)"
check "scan at T+1h: no trade closed nor censored (a backtest of these 2 bars has none)" is \
  "$(jdump "$work/j.db" "select count(*) from trades where state != 'open'")" "(0,)"

# --- the same two bars backtested over the store the scans left: the same decisions, equity and trades ---
run --config "$work/cfg.json" backtest --strategy channel_run:200:mid:edge,trail_fractals:5:2 --timeframe 1h \
  --from 2023-05-31T23:00 --to 2023-06-01T01:00 --trades "$work/t.csv" --equity "$work/e.csv" --journal "$work/b.db"
check "backtest exits 0" is "$rc" 0
check "scans = backtest: decisions, equity" is "$(jdump "$work/j.db" "${JOURNAL_ROWS[@]:2}")" \
  "$(jdump "$work/b.db" "${JOURNAL_ROWS[@]:2}")"
# the backtest censors its trades at the end; the scans' are still followed: their setups, entries and sizes
trade_cols="select id, parent, agent, symbol, kind, side, signal_time, setup_price, setup_stop, setup_target, context,
  score, sim_reasons, open_time, entry, init_stop, stop, target, init_size, size, fees from trades order by id"
check "scans = backtest: trades" is "$(jdump "$work/j.db" "$trade_cols")" "$(jdump "$work/b.db" "$trade_cols")"
check "scans = backtest: the entry legs" is "$(jdump "$work/j.db" "select * from legs where idx = 0 order by trade")" \
  "$(jdump "$work/b.db" "select * from legs where idx = 0 order by trade")"
check "the backtest opened trades" test "$(jdump "$work/b.db" "select count(*) > 0 from trades")" = "(1,)"

echo "cli_session_sync: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
