# Helpers shared by the command-line test scripts (sourced): they need $mt (the
# binary) and $work (a scratch folder), and count into $passed and $failed;
# fb_start needs $fb (mt-fakebinance).
passed=0
failed=0

check() { # description, condition command...
  local what=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $what" >&2
  fi
}
# run: runs mtrader (at most 60 s, $MT_TEST_CMD_TIMEOUT under emulation: a blocked read fails
# instead of hanging the suite), keeping stdout in $out, stderr in $errout and the exit code in $rc.
run() {
  out=$(timeout "${MT_TEST_CMD_TIMEOUT:-60}" "$mt" "$@" 2>"$work/stderr")
  rc=$?
  errout=$(<"$work/stderr")
}
has() { grep -qF -- "$2" <<<"$1" || { echo "  expected to find: $2" >&2; echo "  in: $1" >&2; false; }; }
lacks() { ! grep -qF -- "$2" <<<"$1" || { echo "  did not expect: $2" >&2; echo "  in: $1" >&2; false; }; }
is() { [[ "$1" == "$2" ]] || { echo "  got '$1', expected '$2'" >&2; false; }; }
same_file() { cmp -s "$1" "$2" || { echo "  $2 changed" >&2; false; }; }
# fb_start OPTION...: (re)starts mt-fakebinance (fb_stop stops it) on an ephemeral 127.0.0.1 port,
# setting $server_pid and $url. The old output file goes first: the previous
# server's "listening" line must never be taken for the new one's.
server_pid=
fb_stop() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  server_pid=
}
fb_start() {
  fb_stop
  rm -f "$work/fb.out"
  "$fb" --port 0 "$@" >"$work/fb.out" &
  server_pid=$!
  for _ in $(seq 300); do grep -q '^listening on ' "$work/fb.out" 2>/dev/null && break; sleep 0.1; done
  url=$(sed -n 's/^listening on //p' "$work/fb.out")
  [[ -n $url ]] || { echo "mt-fakebinance did not start" >&2; exit 1; }
}
# jdump DB SQL...: the rows of each query on journal DB, one Python repr a line (REALs exactly, NULL as None).
jdump() {
  python3 -c 'import sqlite3, sys
db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
for q in sys.argv[2:]:
    for row in db.execute(q):
        print(repr(row))' "$@"
}
# The journal's trading rows: trades, legs, decisions, equity (every column, in key order).
JOURNAL_ROWS=("select * from trades order by run, id" "select * from legs order by run, trade, idx"
  "select * from decisions order by id" "select * from equity order by run, time")
