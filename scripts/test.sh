#!/usr/bin/env bash
# Sets up everything and runs the whole test suite twice: an optimised build and
# an ASan + UBSan build; then builds everything with clang and libFuzzer
# (build/fuzz) and fuzzes every fuzz target for a few seconds from its corpus
# (the meson suite 'libfuzzer'); on amd64, cross-builds for aarch64 and runs that
# build's tests under qemu-user. Ends with the line "N passed, N failed",
# counting the tests of every build and the fuzz runs.
# Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/npm-install.sh
scripts/check-banned.sh

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1

status=0
run_suite() { # build_dir, meson options...
  local dir=$1
  shift
  scripts/build.sh "$dir" "$@"
  echo "== tests in $dir"
  meson test -C "$dir" --print-errorlogs --num-processes 2 --timeout-multiplier 3 || status=1
}
run_suite build/release
run_suite build/asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug -Db_lto=false

# The documented fuzz build, so that it and the fuzz targets cannot rot.
CC=clang scripts/build.sh build/fuzz -Dfuzzers=true -Db_lto=false
echo "== fuzzing in build/fuzz"
meson test -C build/fuzz --suite libfuzzer --print-errorlogs --num-processes 2 || status=1

# On an amd64 machine, the aarch64 cross build (Raspberry Pi 4/5) and its tests under qemu-user,
# the test cross_bitwise comparing its outputs with build/release's bit for bit among them
# (docs/internals/aarch64.md). Built without LTO: 40 s instead of 4 min, as LTO links each of
# the 80 test programs again; cross_bitwise thus compares across LTO as well. Left out: the suite
# no_program (tests that run none of the build's programs: the same under emulation).
dirs=(build/release build/asan build/fuzz)
if [[ $(dpkg --print-architecture) == amd64 ]]; then
  NINJA_JOBS=2 scripts/cross-aarch64.sh build/aarch64-test -Db_lto=false
  echo "== tests in build/aarch64-test (aarch64, under qemu-user)"
  meson test -C build/aarch64-test --no-rebuild --no-suite no_program --print-errorlogs --num-processes 2 ||
    status=1
  dirs+=(build/aarch64-test)
else
  echo "== no cross build: this machine is $(dpkg --print-architecture), its own build is the native one"
fi

# One closing line counting every test run of the builds.
node -e '
const fs = require("fs");
let passed = 0, failed = 0, skipped = 0;
for (const dir of process.argv.slice(1)) {
  const lines = fs.readFileSync(dir + "/meson-logs/testlog.json", "utf8").trim().split("\n");
  for (const l of lines) {
    const r = JSON.parse(l).result;
    if (r === "OK" || r === "EXPECTEDFAIL") passed++;
    else if (r === "SKIP") skipped++;
    else failed++;
  }
}
console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ""));
if (failed || skipped) process.exitCode = 1;
' "${dirs[@]}" || status=1
exit $status
