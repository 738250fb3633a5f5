#!/usr/bin/env bash
# Parquet benchmark: mtrader's codec (bench_parquet) against DuckDB
# (bench_parquet_duckdb.mjs) on the same files in the same run. Prints figures
# only; never fails on time.
#
# Usage: bench/run-parquet-bench.sh [BUILD_DIR]     (default: build/release)
#   BUILD_DIR must hold bench/bench_parquet (ninja -C BUILD_DIR bench/bench_parquet);
#   DuckDB comes from tests/interop/node_modules (scripts/npm-install.sh).
#   MT_BENCH_CSV: real 1h candles (open_time,open,high,low,close,volume) for the
#   small data set; default ../shared/data/ohlcv/csv/BTCUSDT-1h.csv (the reference
#   data set, not shipped: tests/fixtures/ohlcv/README.md), synthetic 35,000 rows
#   when absent. The large data set is a 1,000,000-row random walk.
#   MT_BENCH_QUICK=1 runs fewer repetitions.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build/release}
bp=$build/bench/bench_parquet
duck=$root/bench/bench_parquet_duckdb.mjs
csv=${MT_BENCH_CSV:-$root/../shared/data/ohlcv/csv/BTCUSDT-1h.csv}

if [[ ! -x $bp ]]; then
  echo "run-parquet-bench: $bp is not built: ninja -C $build bench/bench_parquet" >&2
  exit 1
fi
if [[ ! -d $root/tests/interop/node_modules/@duckdb/node-api ]]; then
  echo "run-parquet-bench: DuckDB is not installed: run scripts/npm-install.sh" >&2
  exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/mt-pqbench.XXXXXX")
trap 'rm -rf "$work"' EXIT
results=$work/results.txt

# run TAGS... -- COMMAND...: appends TAGS and the command's `result` line.
run() {
  local tags=()
  while [[ $1 != -- ]]; do tags+=("$1"); shift; done
  shift
  local line
  line=$("$@" | grep '^result ') || { echo "run-parquet-bench: failed: $*" >&2; exit 1; }
  echo "${tags[*]} ${line#result }" >> "$results"
}

quick=${MT_BENCH_QUICK:-0}
for ds in small 1m; do
  if [[ $ds == small ]]; then
    if [[ -f $csv ]]; then src=(--csv "$csv"); label="$(basename "$csv" .csv)"; else src=(--rows 35000); label=synthetic-35k; fi
    rw=7; rr=15
  else
    src=(--rows 1000000); label=synthetic-1M
    rw=3; rr=5
  fi
  if [[ $quick == 1 ]]; then rw=1; rr=2; fi
  for codec in snappy zstd; do
    ours=$work/ours_${ds}_$codec.parquet
    t=(ds=$ds label=$label codec=$codec)
    echo "run-parquet-bench: $label $codec ..." >&2
    run "${t[@]}" tool=ours th=1 -- "$bp" write "$ours" --codec "$codec" "${src[@]}" --runs "$rw"
    run "${t[@]}" tool=ours th=1 -- "$bp" read "$ours" --runs "$rr"
    for th in 1 default; do
      run "${t[@]}" tool=duckdb th="$th" -- node "$duck" read "$ours" --threads "$th" --runs "$rr"
      run "${t[@]}" tool=duckdb th="$th" -- node "$duck" scan "$ours" --threads "$th" --runs "$rr"
      run "${t[@]}" tool=duckdb th="$th" -- node "$duck" write "$ours" "$work/duck_${ds}_${codec}_$th.parquet" \
        --codec "$codec" --threads "$th" --runs "$rw"
    done
    run "${t[@]}" tool=ours-on-duckfile th=1 -- "$bp" read "$work/duck_${ds}_${codec}_1.parquet" --runs "$rr"
  done
done

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
duckver=$(node -e "console.log(require('$root/tests/interop/node_modules/@duckdb/node-api/package.json').version)")
echo
echo "Parquet benchmark: mtrader vs DuckDB $duckver (node-api), $(nproc) cores, ${cpu:-unknown cpu}"
echo "10 columns (open_time ms timestamp, 8 doubles, trades int64); best of N runs; page cache warm."
echo "ratio = DuckDB time / mtrader time (> 1: mtrader faster). t1 = DuckDB threads=1, tN = default threads."
echo "mtrader read = open + decode all columns into arrays held at once (whole table in memory)."
echo "DuckDB mat = SELECT * materialised in the client (runAndReadAll); scan = SELECT sum(hash(COLUMNS(*))),"
echo "every column decoded inside the engine, nothing materialised (DuckDB's decoder alone)."
echo "RSS = peak resident set of the process (mtrader: C process; DuckDB: whole node process)."
awk '
function kv(line, a,   n, f, i, p) {
  delete a; n = split(line, f, " ")
  for (i = 1; i <= n; i++) { p = index(f[i], "="); if (p) a[substr(f[i], 1, p - 1)] = substr(f[i], p + 1) }
}
{
  kv($0, a); k = a["ds"] SUBSEP a["codec"] SUBSEP a["tool"] SUBSEP a["op"] SUBSEP a["th"]
  best[k] = a["best_s"]; fbytes[k] = a["file_bytes"]; rss[k] = a["peak_rss_kb"]; rows[k] = a["rows"]
  dec[k] = a["decoded_mb_per_s"]
  if (!(a["ds"] SUBSEP a["codec"] in seen)) { seen[a["ds"] SUBSEP a["codec"]] = 1; order[++no] = a["ds"] SUBSEP a["codec"]; lab[a["ds"] SUBSEP a["codec"]] = a["label"] }
}
function K(dc, tool, op, th) { return dc SUBSEP tool SUBSEP op SUBSEP th }
END {
  printf "\nREAD\n%-14s %-6s %8s %8s | %8s %8s %8s %7s | %8s %6s %8s %6s | %8s %6s %8s %6s | %7s | %8s\n", \
    "data", "codec", "rows", "file_MB", "ms", "Mrows/s", "fileMB/s", "RSS_MB", \
    "mat_t1ms", "ratio", "mat_tNms", "ratio", "scan_t1", "ratio", "scan_tN", "ratio", "dRSS_MB", "ours_on_d"
  for (i = 1; i <= no; i++) {
    dc = order[i]; split(dc, p, SUBSEP)
    o = K(dc, "ours", "read", 1); d1 = K(dc, "duckdb", "read", 1); dn = K(dc, "duckdb", "read", "default")
    s1 = K(dc, "duckdb", "scan", 1); sn = K(dc, "duckdb", "scan", "default")
    od = K(dc, "ours-on-duckfile", "read", 1)
    printf "%-14s %-6s %8d %8.2f | %8.2f %8.2f %8.1f %7.1f | %8.2f %6.2f %8.2f %6.2f | %8.2f %6.2f %8.2f %6.2f | %7.1f | %6.2fms\n", \
      lab[dc], p[2], rows[o], fbytes[o] / 1e6, best[o] * 1e3, rows[o] / best[o] / 1e6, fbytes[o] / best[o] / 1e6, rss[o] / 1024, \
      best[d1] * 1e3, best[d1] / best[o], best[dn] * 1e3, best[dn] / best[o], \
      best[s1] * 1e3, best[s1] / best[o], best[sn] * 1e3, best[sn] / best[o], rss[d1] / 1024, best[od] * 1e3
  }
  printf "(decoded MB/s, mtrader:"
  for (i = 1; i <= no; i++) { dc = order[i]; split(dc, p, SUBSEP); printf " %s/%s %.0f", lab[dc], p[2], dec[K(dc, "ours", "read", 1)] }
  printf "; ours_on_d = mtrader reading the file DuckDB wrote with threads=1)\n"
  printf "\nWRITE\n%-16s %-6s %8s %9s %8s %8s %7s | %9s %9s %7s %9s %7s %8s\n", \
    "data", "codec", "rows", "file_MB", "ms", "Mrows/s", "RSS_MB", \
    "d_file_MB", "duck_t1ms", "ratio", "duck_tNms", "ratio", "dRSS_MB"
  for (i = 1; i <= no; i++) {
    dc = order[i]; split(dc, p, SUBSEP)
    o = K(dc, "ours", "write", 1); d1 = K(dc, "duckdb", "write", 1); dn = K(dc, "duckdb", "write", "default")
    printf "%-16s %-6s %8d %9.2f %8.2f %8.2f %7.1f | %9.2f %9.2f %7.2f %9.2f %7.2f %8.1f\n", \
      lab[dc], p[2], rows[o], fbytes[o] / 1e6, best[o] * 1e3, rows[o] / best[o] / 1e6, rss[o] / 1024, \
      fbytes[d1] / 1e6, best[d1] * 1e3, best[d1] / best[o], best[dn] * 1e3, best[dn] / best[o], rss[d1] / 1024
  }
}' "$results"
