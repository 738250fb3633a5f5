#!/usr/bin/env bash
# Command-line tests of the trading session over a temp copy of the sample store:
# `mtrader replay` journals exactly the trades, legs, decisions and equity of
# `mtrader backtest` over the same span; `mtrader scan --no-sync --at T` twice
# leaves the journal as the first left it (the second processes 0 bars) and an
# hour later processes one bar; `mtrader run --no-sync` ticks once at start (the
# latest closed bar of each timeframe) and stops on SIGTERM with exit 0, the
# journal holding exactly the ticks it printed.
# Usage: cli_session_test.sh MTRADER SAMPLE_DIR
set -uo pipefail
mt=$1
sample=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/mt-cli-session-XXXXXX")
run_pid=
trap '[[ -n $run_pid ]] && kill "$run_pid" 2>/dev/null; rm -rf "$work"' EXIT
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

cp -r "$sample" "$work/data" || exit 1
syms=BNBUSDT,BTCUSDT,DOGEUSDT,ETHUSDT,SOLUSDT,XRPUSDT
cat >"$work/cfg.json" <<EOF
{"data_dir": "$work/data", "agents": [
 {"id": "cr", "strategy": "channel_run:200:mid:edge", "timeframe": "1h", "pairs": {"symbols": "$syms"},
  "risk": 0.005, "max_positions": 3, "max_open_r": 5.1},
 {"id": "tf", "strategy": "trail_fractals:5:2", "timeframe": "1h", "pairs": {"symbols": "$syms"},
  "risk": 0.005, "max_positions": 3, "max_open_r": 5.1}]}
EOF
# one 1h and one 1d agent: two groups
cat >"$work/cfg2.json" <<EOF
{"data_dir": "$work/data", "agents": [
 {"id": "cr", "strategy": "channel_run:200:mid:edge", "timeframe": "1h", "pairs": {"symbols": "$syms"}},
 {"id": "tfd", "strategy": "trail_fractals:5:2", "timeframe": "1d", "pairs": {"symbols": "$syms"}}]}
EOF
H=3600000
D=86400000

# --- replay = backtest over 2023-06..08: every column of trades, legs, decisions and equity ---
run --config "$work/cfg.json" replay --from 2023-06-01 --to 2023-09-01 --journal "$work/r.db" --grace 0
check "replay exits 0" is "$rc" 0
replay_out=$out
run --config "$work/cfg.json" backtest --strategy channel_run:200:mid:edge,trail_fractals:5:2 --timeframe 1h \
  --from 2023-06-01 --to 2023-09-01 --trades "$work/t.csv" --equity "$work/e.csv" --journal "$work/b.db"
check "backtest exits 0" is "$rc" 0
backtest_out=$out
jdump "$work/r.db" "${JOURNAL_ROWS[@]}" >"$work/r.rows"
jdump "$work/b.db" "${JOURNAL_ROWS[@]}" >"$work/b.rows"
check "replay journals rows" test "$(wc -l <"$work/r.rows")" -gt 20000
check "replay rows = backtest rows (trades, legs, decisions, equity)" cmp "$work/r.rows" "$work/b.rows"
ntrades=$(sed -n 's/^journal: run 1, \([0-9]*\) trades -> .*/\1/p' <<<"$backtest_out")
check "backtest trades are journalled" is "$(jdump "$work/b.db" "select count(*) from trades")" "($ntrades,)"
ndec=$(jdump "$work/b.db" "select count(*) from decisions")
check "replay line: 2208 bars, the backtest's decisions and trades" has "$replay_out" \
  "replay to 2023-09-01 00:00: 2208 bars, ${ndec:1:-2} decisions, $ntrades trades opened, $ntrades closed;"
check "replay: 2208 ticks, one a bar" is "$(jdump "$work/r.db" "select count(*), sum(bars), min(time), max(time)
  from ticks")" "(2208, 2208, 1685581200000, 1693526400000)"
final=$(sed -n 's/^balance 10000.00 -> \([0-9.]*\): .*/\1/p' <<<"$backtest_out")
check "the backtest's final equity = the replay's last equity point" is \
  "$(jdump "$work/r.db" "select printf('%.2f', equity) from equity order by time desc limit 1")" "('$final',)"
check "the replay line's equity = the backtest's final equity (censored trades marked)" has "$replay_out" \
  ", equity $final, 0 open real positions"
check "replay: its last equity point at the span's end" is \
  "$(jdump "$work/r.db" "select time from equity order by time desc limit 1")" "(1693526400000,)"
check "replay: no trade left open, the run ended" is \
  "$(jdump "$work/r.db" "select count(*) from trades where state = 'open'" \
  "select kind, span_from, span_to, ended is not null from runs")" $'(0,)\n(\'replay\', 1685577600000, 1693526400000, 1)'
# the replay line's balance is the realized one: the journalled clock's balance
clock_balance=$(jdump "$work/r.db" "select printf('%.2f', balance) from clocks")
check "replay line: balance = the clock's balance" has "$replay_out" "; balance ${clock_balance:2:-3},"

# --- a 1d agent and a --to inside a day: the day that opened before --to is decided, as in the backtest ---
cat >"$work/cfg1d.json" <<EOF
{"data_dir": "$work/data", "agents": [
 {"id": "tfd", "strategy": "trail_fractals:5:2", "timeframe": "1d", "pairs": {"symbols": "$syms"},
  "risk": 0.005, "max_positions": 3, "max_open_r": 5.1}]}
EOF
run --config "$work/cfg1d.json" replay --from 2023-01-01 --to "2023-09-01 12:00" --journal "$work/r1d.db" --grace 0
check "1d replay exits 0" is "$rc" 0
run --config "$work/cfg1d.json" backtest --strategy trail_fractals:5:2 --timeframe 1d \
  --from 2023-01-01 --to "2023-09-01 12:00" --trades "$work/t1d.csv" --equity "$work/e1d.csv" --journal "$work/b1d.db"
check "1d backtest exits 0" is "$rc" 0
jdump "$work/r1d.db" "${JOURNAL_ROWS[@]}" >"$work/r1d.rows"
jdump "$work/b1d.db" "${JOURNAL_ROWS[@]}" >"$work/b1d.rows"
check "1d replay to midday rows = backtest rows" cmp "$work/r1d.rows" "$work/b1d.rows"
check "1d replay: the last day processed opens 2023-09-01" is \
  "$(jdump "$work/r1d.db" "select max(last_bar) from clocks")" "(1693526400000,)"

# --- scan --no-sync --at T: the latest closed bar of each timeframe; again: nothing; an hour on: one bar ---
at=2023-06-01T00:00:30
run --config "$work/cfg2.json" scan --no-sync --at "$at" --journal "$work/s.db"
check "scan exits 0" is "$rc" 0
check "scan: one 1h and one 1d bar" has "$out" "scan 2023-06-01 00:00:30: 2 bars,"
check "scan: names the run and journal" has "$out" "journal: run 1 -> $work/s.db"
T=1685577630000
check "scan: its tick at T, 2 bars" is "$(jdump "$work/s.db" "select time, bars from ticks")" "($T, 2)"
check "scan: the clocks at the bars before T" is \
  "$(jdump "$work/s.db" "select timeframe, last_bar from clocks order by timeframe")" \
  "$(printf "('1d', %d)\n('1h', %d)" $((T - 30000 - D)) $((T - 30000 - H)))"
check "scan: decisions only at those bars" is \
  "$(jdump "$work/s.db" "select count(*) from decisions where time not in ($((T - 30000 - D)), $((T - 30000 - H)))")" "(0,)"
sqlite3 "$work/s.db" .dump >"$work/s1.dump"
run --config "$work/cfg2.json" scan --no-sync --at "$at" --journal "$work/s.db"
check "scan again exits 0" is "$rc" 0
check "scan again: 0 bars" has "$out" "scan 2023-06-01 00:00:30: 0 bars, 0 decisions, 0 trades opened, 0 closed;"
sqlite3 "$work/s.db" .dump >"$work/s2.dump"
check "scan again: the journal is unchanged" cmp "$work/s1.dump" "$work/s2.dump"
run --config "$work/cfg2.json" scan --no-sync --at 2023-06-01T01:00:30 --journal "$work/s.db"
check "scan an hour on: one 1h bar" has "$out" "scan 2023-06-01 01:00:30: 1 bars,"
check "scan an hour on: a second tick, the 1h clock moved" is \
  "$(jdump "$work/s.db" "select time, bars from ticks order by time" \
  "select timeframe, last_bar from clocks order by timeframe")" \
  "$(printf "(%d, 2)\n(%d, 1)\n('1d', %d)\n('1h', %d)" $T $((T + H)) $((T - 30000 - D)) $((T - 30000)))"
check "scan: still one paper run" is "$(jdump "$work/s.db" "select id, kind, ended from runs")" "(1, 'paper', None)"

# --- run --no-sync: its first tick at start, then SIGTERM: exit 0, the journal holds the ticks printed ---
# The store ends in 2024, the wall clock is later: the first due bars are the latest closed ones by the
# schedule, which the store lacks: the tick processes them with no decisions.
start=$(date +%s%3N)
"$mt" --config "$work/cfg2.json" run --no-sync --journal "$work/run.db" >"$work/run.out" 2>"$work/run.err" &
run_pid=$!
for _ in $(seq 600); do grep -q '^tick ' "$work/run.out" && break; sleep 0.1; done
kill -TERM "$run_pid"
wait "$run_pid"
check "run: SIGTERM exits 0" is "$?" 0
run_pid=
out=$(<"$work/run.out")
check "run: announces run 1" has "$out" "run: journal run 1 -> $work/run.db; next tick at "
check "run: stopped by a signal" has "$out" "run: stopped by a signal after the last whole tick"
check "run: stderr the session's info line and a warning per missing bar" is \
  "$(grep -vc 'info  session: began run 1' "$work/run.err")" 2
check "run: the 1h bar's warning" has "$(<"$work/run.err")" \
  "warn  session: no stored 1h candle at "
check "run: the 1d bar's warning" has "$(<"$work/run.err")" "warn  session: no stored 1d candle at "
check "run: the warning says why" has "$(<"$work/run.err")" \
  "for any of the run's 6 symbols: the store is behind (download it); the bar is not decided"
nticks=$(grep -c '^tick ' "$work/run.out")
check "run: one tick before the signal" is "$nticks" 1
check "run: the tick's 2 bars, nothing decided" has "$out" \
  ": 2 bars, 0 decisions, 0 trades opened, 0 closed, 2 without any stored candle (see the warnings); balance 10000.00"
tick=$(jdump "$work/run.db" "select time from ticks")
tick=${tick:1:-2}
check "run: its tick after the start" test "$tick" -ge "$start"
check "run: its tick journalled with 2 bars" is "$(jdump "$work/run.db" "select count(*), sum(bars), sum(decisions) from
  ticks")" "(1, 2, 0)"
close_h=$(((tick - 20000) / H * H))
close_d=$(((tick - 20000) / D * D))
check "run: the clocks at the latest bars closed before the tick (grace 20 s)" is \
  "$(jdump "$work/run.db" "select timeframe, last_bar from clocks order by timeframe")" \
  "$(printf "('1d', %d)\n('1h', %d)" $((close_d - D)) $((close_h - H)))"
check "run: nothing journalled but the tick" is "$(jdump "$work/run.db" "select count(*) from trades" \
  "select count(*) from decisions" "select count(*) from equity" "select kind, ended from runs")" \
  $'(0,)\n(0,)\n(0,)\n(\'paper\', None)'
tick_text=$(sed -n 's/^tick \(.*\): 2 bars,.*/\1/p' "$work/run.out")
# mtrader's time format: seconds when not zero, milliseconds when not zero
tick_expected=$(TZ=UTC date -d "@$((tick / 1000))" '+%Y-%m-%d %H:%M')
((tick % 60000)) && tick_expected+=$(printf ':%02d' $((tick / 1000 % 60)))
((tick % 1000)) && tick_expected+=$(printf '.%03d' $((tick % 1000)))
check "run: the printed tick is the journalled one" is "$tick_text" "$tick_expected"
# started again: the same run goes on; every tick it printed is journalled, no other
"$mt" --config "$work/cfg2.json" run --no-sync --journal "$work/run.db" >"$work/run2.out" 2>"$work/run2.err" &
run_pid=$!
for _ in $(seq 600); do grep -q '^run: journal run ' "$work/run2.out" && break; sleep 0.1; done
kill -TERM "$run_pid"
wait "$run_pid"
check "run again: SIGTERM exits 0" is "$?" 0
run_pid=
check "run again: continues run 1" has "$(<"$work/run2.out")" "run: journal run 1 -> $work/run.db"
check "run again: stopped by a signal" has "$(<"$work/run2.out")" "run: stopped by a signal after the last whole tick"
check "run again: continues run 1 (log)" has "$(<"$work/run2.err")" "info  session: continuing run 1"
check "run again: the journal holds exactly the ticks printed" is \
  "$(jdump "$work/run.db" "select count(*) from ticks" "select count(*) from runs")" \
  "($((nticks + $(grep -c '^tick ' "$work/run2.out"))),)
(1,)"

echo "cli_session: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
