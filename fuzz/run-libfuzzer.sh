#!/usr/bin/env bash
# Fuzzes one libFuzzer target briefly from its committed corpus, so that the
# fuzz build and every target keep working: run-libfuzzer.sh BINARY CORPUS [SECONDS]
# (default 5). New inputs go to a scratch folder, never into CORPUS. Fails
# (non-zero) on a crash, leak, sanitizer report, timeout or out-of-memory; the
# reproducer is written to the working folder as crash-*, leak-*, timeout-* or
# oom-* (add it to CORPUS once fixed).
set -euo pipefail
bin=$1
corpus=$2
seconds=${3:-5}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$scratch" "$corpus"
