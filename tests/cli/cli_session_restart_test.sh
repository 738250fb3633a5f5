#!/usr/bin/env bash
# `mtrader replay` killed with SIGKILL at random moments (at least 20 kills
# landing while it runs), started again with the same command after each until
# it completes: its journal ends equal to an uninterrupted replay's (trades,
# legs, decisions, equity, clocks, ticks but their wall times, the run but its
# started/ended wall times), trade ids 1..N each once, integrity_check ok.
# Usage: cli_session_restart_test.sh MTRADER SAMPLE_DIR [SEED]
set -uo pipefail
mt=$1
sample=$2
seed=${3:-$$}
work=$(mktemp -d "${TMPDIR:-/tmp}/mt-cli-restart-XXXXXX")
pid=
trap '[[ -n $pid ]] && kill -9 "$pid" 2>/dev/null; rm -rf "$work"' EXIT
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

cp -r "$sample" "$work/data" || exit 1
syms=BNBUSDT,BTCUSDT,DOGEUSDT,ETHUSDT,SOLUSDT,XRPUSDT
cat >"$work/cfg.json" <<EOF
{"data_dir": "$work/data", "agents": [
 {"id": "cr", "strategy": "channel_run:200:mid:edge", "timeframe": "1h", "pairs": {"symbols": "$syms"}},
 {"id": "tf", "strategy": "trail_fractals:5:2", "timeframe": "1h", "pairs": {"symbols": "$syms"}}]}
EOF
replay=(--config "$work/cfg.json" replay --from 2022-06-01 --to 2024-05-01 --grace 0)
rows() { # DB: every journalled row of the run but the wall-clock columns
  jdump "$1" "${JOURNAL_ROWS[@]}" "select * from clocks order by run, timeframe" \
    "select run, time, bars, decisions, opened, closed from ticks order by run, time" \
    "select id, kind, version, config_hash, span_from, span_to, timeframe, balance, ended is not null from runs" \
    "select * from agents order by run, idx" "select * from series order by run, idx"
}

# --- the uninterrupted replay ---
run "${replay[@]}" --journal "$work/whole.db"
check "uninterrupted replay exits 0" is "$rc" 0
whole_out=$out
rows "$work/whole.db" >"$work/whole.rows"
check "700 days of 1h bars: 16800 ticks" is "$(jdump "$work/whole.db" "select count(*) from ticks")" "(16800,)"

# --- killed and started again until it completes ---
RANDOM=$seed
landed=0 starts=0 done_rc='' mid=0 ticks_seen=0 span_cs=11
while [[ -z $done_rc ]]; do
  starts=$((starts + 1))
  "$mt" "${replay[@]}" --journal "$work/kill.db" >"$work/kill.out" 2>"$work/kill.err" &
  pid=$!
  if ((landed < 25)); then
    # 0.02 to 0.12 s: some kills land while the journal opens or the strategies warm up, most mid-replay;
    # on a loaded machine (a start slower than that) the bound grows after each kill before any tick of
    # its start, back to 0.12 s after one after ticks: each start makes little progress (the whole
    # replay takes about 2.5 s in the release build)
    cs=$((2 + RANDOM % span_cs))
    sleep "$((cs / 100)).$(printf %02d $((cs % 100)))"
    kill -9 "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null # (no "Killed" job notice)
  rc=$?
  pid=
  case $rc in
  137)
    landed=$((landed + 1))
    # a kill mid-replay: this start had journalled ticks of its own
    n=$(jdump "$work/kill.db" "select count(*) from ticks" 2>/dev/null | tr -dc 0-9) # (read-only)
    n=${n:-0}
    if ((n > ticks_seen)); then mid=$((mid + 1)) span_cs=11; else span_cs=$((span_cs < 300 ? span_cs + 10 : span_cs)); fi
    ticks_seen=$n
    ;;
  0) done_rc=0 ;;
  *) done_rc=$rc ;;
  esac
  ((starts < 200)) || { echo "no completion after 200 starts" >&2; done_rc=timeout; }
done
echo "restart: seed $seed, $starts starts, $landed kills landed mid-run, $mid of them after ticks of their own"
check "the killed replay completes with exit 0" is "$done_rc" 0
check "at least 20 kills landed mid-run" test "$landed" -ge 20
check "kills landed mid-replay" test "$mid" -ge 1
# (its counts are the last start's; the account after it is the whole replay's)
check "the completed replay's account = the uninterrupted one's" is "$(sed -n 's/^replay to .*; balance/balance/p' \
  "$work/kill.out")" "$(sed -n 's/^replay to .*; balance/balance/p' <<<"$whole_out")"
check "the completing start continued run 1" has "$(<"$work/kill.err")" "session: continuing run 1"
rows "$work/kill.db" >"$work/kill.rows"
check "killed and restarted: the journal = the uninterrupted one's" cmp "$work/whole.rows" "$work/kill.rows"
check "trade ids 1..N, each once" is "$(jdump "$work/kill.db" "select count(*) = max(id), count(distinct id) = count(*),
  min(id) from trades")" "(1, 1, 1)"
check "one run" is "$(jdump "$work/kill.db" "select count(*) from runs")" "(1,)"
check "integrity_check ok" is "$(sqlite3 "$work/kill.db" "pragma integrity_check")" ok
check "foreign keys hold" is "$(sqlite3 "$work/kill.db" "pragma foreign_key_check")" ""

echo "cli_session_restart: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
