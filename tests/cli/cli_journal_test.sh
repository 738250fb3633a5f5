#!/usr/bin/env bash
# End-to-end tests of mtrader journal on a journal written by mtrader backtest
# --journal over the real BTCUSDT fixtures: runs, trades (filters), open
# positions, exports to CSV (compared value by value with the SQL table) and
# Parquet (read by DuckDB). The oracle is the sqlite3 command-line shell.
# Usage: cli_journal_test.sh MTRADER_BINARY FIXTURES_DIR NODE DUCKDB_QUERY_SCRIPT
set -uo pipefail
mt=$1
fx=$2
node=$3
duckq=$4
work=$(mktemp -d "${TMPDIR:-/tmp}/mt-journal-XXXXXX")
trap 'rm -rf "$work"' EXIT
store="$work/store"
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
command -v sqlite3 >/dev/null || { echo "FAIL: sqlite3 (the oracle) is not installed: apt-get install sqlite3" >&2; exit 1; }
j="$work/j.db"
sql() { sqlite3 -batch -noheader -separator ' ' "$j" "$1"; }
duck() { "$node" "$duckq" "$1" 2>&1; }

run --data-dir "$store" import "$fx/ohlcv/zip"
run --data-dir "$store" import "$fx/ohlcv/vision/BTCUSDT-1h-2023-03.csv"
check "the store has the fixtures" is "$rc" 0
run --data-dir "$store" backtest --strategy channel_run:20:edge:mid,trail_fractals:5:2 --timeframe 1h \
  --trades "$work/t1.csv" --equity "$work/e1.csv" --journal "$j"
check "backtest run 1 exits 0" is "$rc" 0
run --data-dir "$store" backtest --strategy trail_fractals:5:2 --timeframe 1h --max-positions 1 \
  --from 2023-03-01 --to 2023-03-20 --trades "$work/t2.csv" --equity "$work/e2.csv" --journal "$j"
check "backtest run 2 exits 0" is "$rc" 0
before=$(md5sum <"$j")

# --- runs ---
run journal "$j" runs
check "runs exits 0" is "$rc" 0
check "runs header" is "$(head -1 <<<"$out" | tr -s ' ')" \
  "id kind started ended from to tf balance agents real sim tracked final_equity"
check "runs counts them" is "$(tail -1 <<<"$out")" "2 runs"
for r in 1 2; do
  row=$(grep "^ *$r  " <<<"$out" | tr -s ' ' | sed 's/^ //')
  csv="$work/t$r.csv"
  want="$(grep -c ',real,' "$csv") $(grep -c ',sim,' "$csv") $(grep -c ',tracked,' "$csv")"
  check "run $r: trades by kind as the backtest's trade list" is "$(awk '{ print $(NF-3), $(NF-2), $(NF-1) }' <<<"$row")" "$want"
  check "run $r: the same by SQL" is "$want" \
    "$(sql "select sum(kind = 'real'), sum(kind = 'sim'), sum(kind = 'tracked') from trades where run = $r")"
  check "run $r: final equity is the curve's last point" is "$(awk '{ print $NF }' <<<"$row")" \
    "$(tail -1 "$work/e$r.csv" | awk -F, '{ printf "%.2f", $2 }')"
done
check "run 1: two agents, unbounded span" has "$(grep '^ *1  ' <<<"$out" | tr -s ' ')" " start end 1h 10000.00 2 "
check "run 2: one agent, its span" has "$(grep '^ *2  ' <<<"$out" | tr -s ' ')" \
  " 2023-03-01 00:00 2023-03-20 00:00 1h 10000.00 1 "

# --- trades: each filter gives exactly the rows SQL selects ---
ids() { sed '1d;$d' <<<"$out" | awk '{ print $1 }' | tr '\n' ' '; }
plural() { [[ $1 == 1 ]] && echo "$1 $2" || echo "$1 $2s"; }
sqlids() { sql "select id from trades where $1 order by id" | tr '\n' ' '; }
t0=$(sql "select strftime('%s', '2023-03-01') * 1000")
t1=$(sql "select strftime('%s', '2023-03-15') * 1000")
while IFS='|' read -r opts r where; do
  # shellcheck disable=SC2086
  run journal "$j" trades $opts
  check "trades $opts exits 0" is "$rc" 0
  check "trades $opts: the rows of '$where'" is "$(ids)" "$(sqlids "$where")"
  check "trades $opts: the count line" is "$(tail -1 <<<"$out")" \
    "$(plural "$(sql "select count(*) from trades where $where")" trade) of run $r"
done <<EOT
--run 1|1|run = 1
--run 1 --agent 0|1|run = 1 and agent = 0
--run 1 --kind real --state closed|1|run = 1 and kind = 'real' and state = 'closed'
--run 1 --state censored|1|run = 1 and state = 'censored'
--run 1 --symbol BTCUSDT --from 2023-03-01 --to 2023-03-15|1|run = 1 and symbol = 'BTCUSDT' and open_time >= $t0 and open_time < $t1
--run 1 --agent 1 --limit 7|1|run = 1 and agent = 1 and id in (select id from trades where run = 1 and agent = 1 order by id limit 7)
--kind sim|2|run = 2 and kind = 'sim'
EOT
check "trades: some filters select a strict subset" is "$(sql "select count(*) > 0 and count(*) < (select count(*) from trades where run = 1) from trades where run = 1 and agent = 0")" 1
run journal "$j" trades --run 1 --limit 1
check "trades row: every field" is "$(sed -n 2p <<<"$out" | tr -s ' ' | sed 's/^ //')" \
  "$(sql "select id, coalesce(parent, '-'), agent, symbol, kind, side, strftime('%Y-%m-%d %H:%M', open_time / 1000, 'unixepoch'),
          strftime('%Y-%m-%d %H:%M', close_time / 1000, 'unixepoch'), printf('%.6g', entry), printf('%.6g', stop),
          printf('%.6g', init_size), printf('%.2f', pnl), printf('%.3f', r), exit_reason, state from trades where run = 1 and id = 1")"
run journal "$j" trades --symbol ETHUSDT
check "trades of a symbol the run lacks: none" is "$(tail -1 <<<"$out")" "0 trades of run 2"

# --- open: a copy where three trades are still followed (as a live session's) ---
o="$work/open.db"
cp "$j" "$o"
sqlite3 "$o" "update trades set state = 'open', close_time = null, exit_reason = 'none', size = init_size where run = 1 and id in (3, 4, 7)"
run journal "$o" open --run 1
check "open exits 0" is "$rc" 0
check "open lists the open trades" is "$(ids)" "3 4 7 "
# a stop fill: the stop less (long) slippage and half the spread, and its fee
risk="(size * ((case side when 'long' then 1 else -1 end) * (entry - f) + (select fee_rate * (case bnb when 1 then 0.75 else 1 end) from runs where id = 1) * f))"
fill="stop * (1 - (case side when 'long' then 1 else -1 end) * (select slippage from runs where id = 1)) * (1 - (case side when 'long' then 1 else -1 end) * (select spread from runs where id = 1) / 2)"
check "open risk of each and the total" is "$(tail -4 <<<"$out" | awk '{ print $NF }' | tr '\n' ' ')" \
  "$(sqlite3 "$o" "with x as (select id, side, entry, size, $fill as f from trades where run = 1 and state = 'open')
     select printf('%.2f', $risk) from x order by id" | tr '\n' ' ')quote "
check "open total line: the real trades' risk" has "$(tail -1 <<<"$out")" "3 open positions of run 1, $(sqlite3 "$o" \
  "select count(*) from trades where run = 1 and state = 'open' and kind = 'real'") real; their open risk $(sqlite3 "$o" \
  "with x as (select side, entry, size, $fill as f from trades where run = 1 and state = 'open' and kind = 'real')
   select printf('%.2f', coalesce(sum($risk), 0)) from x")"
check "open risk of trade 3 is its journalled stop fill's loss and fee" is \
  "$(sqlite3 "$j" "select printf('%.2f', -(t.entry - l.price) * l.size + l.fee) from trades t join legs l on l.run = t.run and l.trade = t.id and l.action = 'close' where t.run = 1 and t.id = 3 and t.side = 'short' and t.exit_reason = 'stop'")" \
  "$(grep '^ *3  ' <<<"$out" | awk '{ print $NF }')"
run journal "$j" open
check "open of a finished backtest: none" is "$(tail -1 <<<"$out")" "0 open positions of run 2, 0 real; their open risk 0.00 quote"

# --- export CSV: every column, row for row, value for value ---
for table in runs agents series trades legs decisions equity; do
  case $table in runs | agents | series) opts=""; where="1"; twhere="1";; *) opts="--run 1"; where="run = 1"; twhere="t.run = 1";; esac
  # shellcheck disable=SC2086
  run journal "$j" export --table "$table" $opts --out "$work/$table.csv"
  check "export $table csv exits 0" is "$rc" 0
  check "export $table: the header is the table's columns" is "$(head -1 "$work/$table.csv")" \
    "$(sql "select group_concat(name, ',') from pragma_table_info('$table')")"
  check "export $table: one line per row" is "$(($(wc -l <"$work/$table.csv") - 1))" \
    "$(sql "select count(*) from $table where $where")"
  # read it back with sqlite3's CSV import and compare every value exactly (NULL is empty)
  cond=$(sql "select group_concat(printf('(nullif(i.\"%s\", '''') is not cast(t.\"%s\" as %s))', name, name, type), ' or ')
             from pragma_table_info('$table')")
  key=$(sql "select group_concat(printf('t.\"%s\" = i.\"%s\"', name, name), ' and ') from pragma_table_info('$table') where pk > 0")
  rm -f "$work"/cmp.db*; cp "$j" "$work/cmp.db"
  diff=$(sqlite3 "$work/cmp.db" ".import --csv $work/$table.csv imported_$table" \
    "select count(*) from $table t join imported_$table i on $key where $cond; select count(*) from $table t join imported_$table i on $key where t.$([[ $table == runs ]] && echo id || echo run) is not null and $twhere")
  check "export $table: every value as in the table" is "$(tr '\n' ' ' <<<"$diff")" "0 $(sql "select count(*) from $table where $where") "
done
check "export trades csv: the JSON context is quoted" has "$(sed -n 2p "$work/trades.csv")" ',"['
run journal "$j" export --table trades --run 1 --kind real --state closed --from 2023-03-01 --to 2023-03-15 --out "$work/f.csv"
check "export with filters: the trades rows selects" is "$(tail -n +2 "$work/f.csv" | cut -d, -f2 | tr '\n' ' ')" \
  "$(sqlids "run = 1 and kind = 'real' and state = 'closed' and open_time >= $t0 and open_time < $t1")"
run journal "$j" export --table legs --run 1 --agent 0 --out "$work/l0.csv"
check "export legs --agent: the legs of its trades" is "$(($(wc -l <"$work/l0.csv") - 1))" \
  "$(sql "select count(*) from legs l join trades t on t.run = l.run and t.id = l.trade where l.run = 1 and t.agent = 0")"
run journal "$j" export --table equity --from 2023-03-01 --out "$work/eq.csv"
check "export equity of the latest run from a time" is "$(($(wc -l <"$work/eq.csv") - 1))" \
  "$(sql "select count(*) from equity where run = 2 and time >= $t0")"

# --- export Parquet, read by DuckDB ---
run journal "$j" export --table trades --run 1 --out "$work/trades.parquet"
check "export trades parquet exits 0" is "$rc" 0
pq="read_parquet('$work/trades.parquet')"
check "parquet trades: count, sums of pnl and r, times, nulls as SQL" is \
  "$(duck "select count(*), printf('%.6f', sum(pnl)), printf('%.6f', sum(r)), sum(epoch_ms(open_time)), count(close_time), count(parent), count(target) from $pq" | tr -d '"' | tr '\t' ' ')" \
  "$(sql "select count(*), printf('%.6f', sum(pnl)), printf('%.6f', sum(r)), sum(open_time), count(close_time), count(parent), count(target) from trades where run = 1")"
check "parquet trades: the table's columns and types" is \
  "$(duck "select column_name, column_type from (describe select * from $pq)" | tr -d '"' | tr '\t' ' ' | tr '\n' ',')" \
  "$(sql "select name, case when name in ('signal_time', 'open_time', 'close_time') then 'TIMESTAMP WITH TIME ZONE'
            when type = 'INTEGER' then 'BIGINT' when type = 'REAL' then 'DOUBLE' else 'VARCHAR' end from pragma_table_info('trades')" | tr '\n' ',')"
check "parquet trades: the first trade's symbol, open time and context" is \
  "$(duck "select symbol, strftime(open_time at time zone 'UTC', '%Y-%m-%d %H:%M'), context from $pq where id = 1" | tr -d '"' | tr '\t' ' ' | sed 's/\\//g')" \
  "$(sql "select symbol, strftime('%Y-%m-%d %H:%M', open_time / 1000, 'unixepoch'), context from trades where run = 1 and id = 1")"
for table in runs legs decisions equity; do
  run journal "$j" export --table "$table" --out "$work/$table.parquet"
  check "export $table parquet exits 0" is "$rc" 0
  case $table in runs) where="1";; *) where="run = 2";; esac
  check "parquet $table: the rows as SQL" is "$(duck "select count(*) from read_parquet('$work/$table.parquet')" | tr -d '"')" \
    "$(sql "select count(*) from $table where $where")"
done
check "parquet equity: the sum as SQL" is \
  "$(duck "select printf('%.4f', sum(equity)), sum(epoch_ms(time)) from read_parquet('$work/equity.parquet')" | tr -d '"' | tr '\t' ' ')" \
  "$(sql "select printf('%.4f', sum(equity)), sum(time) from equity where run = 2")"
check "parquet runs: an unbounded span is null" is \
  "$(duck "select count(span_from), count(span_to), count(ended) from read_parquet('$work/runs.parquet')" | tr -d '"' | tr '\t' ' ')" "1 1 2"

# --- errors ---
check "reading never changed the journal" is "$(md5sum <"$j")" "$before"
run journal "$j" bogus
check "unknown subcommand exits 2" is "$rc" 2
check "unknown subcommand is named" has "$errout" "unknown subcommand 'bogus'"
run journal "$j" trades --frob
check "unknown option exits 2" is "$rc" 2
run journal "$j" runs --kind real
check "an option the subcommand does not take exits 2" is "$rc" 2
check "... and is named" has "$errout" "runs: --kind does not apply"
run journal "$j" trades --run 9
check "missing run exits 1" is "$rc" 1
check "missing run is named" has "$errout" "has no run 9"
run journal "$j" trades --kind fake
check "bad --kind exits 2" is "$rc" 2
check "bad --kind is named" has "$errout" "--kind 'fake': expected real, sim or tracked"
run journal "$j" trades --state gone
check "bad --state is named" has "$errout" "--state 'gone': expected open, closed or censored"
run journal "$j" trades --agent x
check "bad --agent is named" has "$errout" "--agent 'x': expected a whole number >= 0"
run journal "$j" trades --from 2023-02-30
check "bad --from exits 2" is "$rc" 2
check "bad --from is named" has "$errout" "--from:"
run journal "$j" trades --from 2023-03-02 --to 2023-03-01
check "--from after --to exits 2" is "$rc" 2
run journal "$j" trades --limit 0
check "--limit 0 exits 2" is "$rc" 2
run journal "$j" export --table bogus --out "$work/x.csv"
check "unknown table exits 2" is "$rc" 2
check "unknown table is named" has "$errout" "unknown table 'bogus'"
run journal "$j" export --table equity --kind real --out "$work/x.csv"
check "a filter the table lacks exits 2" is "$rc" 2
check "... and is named" has "$errout" "the kind filter does not apply to table equity"
run journal "$j" export --table trades --out "$work/x.json"
check "an unknown export format exits 2" is "$rc" 2
check "... and is named" has "$errout" "--out '$work/x.json': the name must end in .csv or .parquet"
run journal "$j" export --table trades
check "export without --out exits 2" is "$rc" 2
check "no file left by the failures" is "$(ls "$work"/x.* 2>/dev/null)" ""
run journal "$work/none.db" runs
check "a missing journal exits 1" is "$rc" 1
check "a missing journal is named" has "$errout" "journal $work/none.db: No such file or directory"
check "... and is not created" is "$(ls "$work"/none.db* 2>/dev/null)" ""
run journal "$work/t1.csv" runs
check "not a database exits 1" is "$rc" 1
check "not a database is said" has "$errout" "file is not a database"
sqlite3 "$work/empty.db" "create table x (a)"
run journal "$work/empty.db" runs
check "a database that is no journal is said" has "$errout" "not an mtrader journal (schema version 0)"
cp "$j" "$work/newer.db"
sqlite3 "$work/newer.db" "pragma user_version = 99"
run journal "$work/newer.db" runs
check "a newer schema is refused" has "$errout" "schema version 99 is newer than this mtrader's"
sqlite3 "$work/none-runs.db" "pragma user_version = 1; create table runs (id integer primary key)"
run journal "$work/none-runs.db" trades
check "a journal without runs exits 1" is "$rc" 1
check "... and says so" has "$errout" "holds no runs"

echo "cli_journal: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
