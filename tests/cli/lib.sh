# Helpers shared by the CLI test scripts (sourced): they need $mt (the binary) and
# $work (a scratch folder), and count into $passed and $failed.
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
# run: runs mtrader, keeping stdout in $out, stderr in $errout and the exit code in $rc.
run() {
  out=$("$mt" "$@" 2>"$work/stderr")
  rc=$?
  errout=$(<"$work/stderr")
}
has() { grep -qF -- "$2" <<<"$1" || { echo "  expected to find: $2" >&2; echo "  in: $1" >&2; false; }; }
is() { [[ "$1" == "$2" ]] || { echo "  got '$1', expected '$2'" >&2; false; }; }
