#!/usr/bin/env bash
# Training benchmark: `mtrader train` of the default agents (channel_run:200:
# mid:edge and trail_fractals:5:2, long and short apart: 4 agents, 1h, the 10
# pairs of the reference data: 10 pairs x 4 years of 1h) against the Python
# peer bench/train_peer.py (the original system's primary-model pipeline,
# scikit-learn RandomForest + Optuna TPE, with the same time-ordered test
# period) on the very training sets mtrader exported, in one run. Prints
# figures; never fails on time.
#
#   1. `mtrader train --export DIR` (config ml.trials 50) under /usr/bin/time
#      -v: wall time, peak RSS (goal: all 4 agents < 10 min, < 2 GB on 2
#      cores), per-agent time from the stderr lines' timestamps, and mtrader's
#      table (test-period metrics, deployment and the gate's reasons).
#   2. The peer on each exported set (its own process: wall time, peak RSS):
#      test AUC, log loss, Brier, precision at 0.5, accepted and their mean R.
#   3. Side by side per agent: wall time, peak RSS, test AUC, mean R accepted,
#      n accepted; the ratio of total times.
#   4. Scoring latency (bench_score): µs per setup of each agent's deployed
#      model (and of its latest booster when it runs a rule or unfiltered).
#
# Usage: bench/run-train-bench.sh [BUILD_DIR]   (default: build/release)
#   MT_BENCH_CSV_DIR: folder of <SYMBOL>-1h.csv; default ../shared/data/ohlcv/csv (from a
#   git worktree: beside its main checkout).
#   MT_BENCH_TRIALS: mtrader's TPE trials (default 50, the config default);
#   MT_BENCH_PEER_TRIALS: the peer's Optuna trials (default: the same);
#   MT_BENCH_PEER_MAX_DEPTH: the peer's max_depth upper bound (default 32, the original's);
#   MT_BENCH_PEER_AGENTS: the agents the peer runs on (default all four; it is far slower);
#   MT_BENCH_KEEP=1: keep the work folder (store, exported sets, registry, logs) and print its path.
#   Needs /usr/bin/time and /usr/bin/python3 with python3-sklearn and python3-optuna.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build/release}
mt=$build/src/cli/mtrader
score=$build/bench/bench_score
csv_dir=${MT_BENCH_CSV_DIR:-$root/../shared/data/ohlcv/csv}
if [[ -z ${MT_BENCH_CSV_DIR:-} && ! -d $csv_dir ]]; then # a git worktree: beside the main checkout
  common=$(git -C "$root" rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true)
  [[ -z $common ]] || csv_dir=$(dirname "$common")/../shared/data/ohlcv/csv
fi
trials=${MT_BENCH_TRIALS:-50}
peer_trials=${MT_BENCH_PEER_TRIALS:-$trials}
for exe in "$mt" "$score"; do
  [[ -x $exe ]] || { echo "run-train-bench: $exe is not built: ninja -C $build" >&2; exit 1; }
done
[[ -x /usr/bin/time ]] || { echo "run-train-bench: /usr/bin/time missing (apt-get install time)" >&2; exit 1; }
/usr/bin/python3 -c 'import sklearn, optuna' 2>/dev/null ||
  { echo "run-train-bench: /usr/bin/python3 lacks sklearn/optuna: apt-get install python3-sklearn python3-optuna" >&2; exit 1; }
symbols=()
for f in "$csv_dir"/*USDT-1h.csv; do
  [[ -e $f ]] || { echo "run-train-bench: no <SYMBOL>-1h.csv in $csv_dir" >&2; exit 1; }
  symbols+=("$(basename "$f" -1h.csv)")
done
list=$(IFS=,; echo "${symbols[*]}")

work=$(mktemp -d "${TMPDIR:-/tmp}/mt-trainbench.XXXXXX")
if [[ -n ${MT_BENCH_KEEP:-} ]]; then echo "work folder: $work (kept)"; else trap 'rm -rf "$work"' EXIT; fi
calc() { awk "BEGIN { print $1 }"; }
# field KEY LINE: the value of key=value in LINE.
field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$2" | tail -1; }

echo "mtrader training benchmark: ${#symbols[@]} real 1h pairs from $csv_dir"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"
echo

store=$work/store
for s in "${symbols[@]}"; do
  "$mt" --data-dir "$store" import --symbol "$s" --timeframe 1h "$csv_dir/$s-1h.csv" >/dev/null
done
# The default agents: both strategies, long and short apart, on the listed pairs.
agents=(cr_me_long cr_me_short tf_long tf_short)
declare -A strategy=([cr_me_long]=channel_run:200:mid:edge [cr_me_short]=channel_run:200:mid:edge
  [tf_long]=trail_fractals:5:2 [tf_short]=trail_fractals:5:2)
declare -A sides=([cr_me_long]=long [cr_me_short]=short [tf_long]=long [tf_short]=short)
{
  echo '{"agents": ['
  sep=
  for a in "${agents[@]}"; do
    printf '%s{"id": "%s", "strategy": "%s", "timeframe": "1h", "sides": "%s", "pairs": {"symbols": "%s"}}\n' \
      "$sep" "$a" "${strategy[$a]}" "${sides[$a]}" "$list"
    sep=,
  done
  echo '], "ml": {"trials": 50}}'
} >"$work/config.json"

# ---- 1. mtrader train ----
echo "1. mtrader train --export: ${#agents[@]} agents (${strategy[cr_me_long]} and ${strategy[tf_long]}, long and"
echo "   short, 1h, ${#symbols[@]} pairs listed), $trials TPE trials"
mkdir -p "$work/export"
# stderr's lines (the progress bar's updates, split at their \r, too) with the time each arrived.
stamp() {
  stdbuf -o0 tr '\r' '\n' | while IFS= read -r line; do printf '%s %s\n' "$(date +%s.%N)" "${line//$'\e[K'/}"; done
}
t0=$(date +%s.%N)
set +e
{ /usr/bin/time -v -o "$work/train.time" "$mt" --progress --config "$work/config.json" --data-dir "$store" train \
  --journal none --trials "$trials" --export "$work/export" 2>&1 >"$work/train.out" | stamp >"$work/train.err"; }
train_rc=${PIPESTATUS[0]}
set -e
t1=$(date +%s.%N)
mt_wall=$(calc "$t1 - $t0")
mt_rss=$(calc "$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/train.time") / 1024")
mt_cpu=$(calc "$(sed -n 's/.*User time (seconds): //p' "$work/train.time") + $(sed -n 's/.*System time (seconds): //p' "$work/train.time")")
printf '   wall %.1f s (goal < 600 s), CPU %.1f s, peak RSS %.1f MB (goal < 2048 MB), exit %d\n' \
  "$mt_wall" "$mt_cpu" "$mt_rss" "$train_rc"
# Per agent: from its "building the training set" line to its "rows x" line
# (the set built), then to the next agent's first line (the last: to the exit).
declare -A mt_secs mt_build
prev_t= prev_a=
while read -r t a what; do
  if [[ $what == building* ]]; then
    [[ -z $prev_a ]] || mt_secs[$prev_a]=$(calc "$t - $prev_t")
    prev_t=$t prev_a=$a
  else
    mt_build[$a]=$(calc "$t - $prev_t")
  fi
done < <(grep -E '^[0-9.]+ [A-Za-z0-9_]+: (building the training set|[0-9]+ rows x)' "$work/train.err" |
  awk '{ sub(":", "", $2); print $1, $2, $3 }')
[[ -z $prev_a ]] || mt_secs[$prev_a]=$(calc "$t1 - $prev_t")
for a in "${agents[@]}"; do
  [[ -z ${mt_secs[$a]:-} ]] ||
    printf '   %-12s %7.1f s: training set %.1f s, then selection, tuning, calibration, gate %.1f s\n' "$a" \
      "${mt_secs[$a]}" "${mt_build[$a]:-0}" "$(calc "${mt_secs[$a]} - ${mt_build[$a]:-0}")"
done
sed 's/^[0-9.]* /   stderr: /' "$work/train.err" | grep -E 'rows x|mtrader:' || true
sed 's/^/   /' "$work/train.out"
if [[ $train_rc != 0 ]]; then
  echo "   mtrader train failed (exit $train_rc); its stderr:"
  sed 's/^[0-9.]* /   /' "$work/train.err" | tail -20
fi
echo

# ---- 2. the peer ----
echo "2. Python peer (bench/train_peer.py: scikit-learn $(/usr/bin/python3 -c 'import sklearn; print(sklearn.__version__)'), optuna $(/usr/bin/python3 -c 'import optuna; print(optuna.__version__)')), $peer_trials trials, max_depth <= ${MT_BENCH_PEER_MAX_DEPTH:-32}"
declare -A peer
peer_total=0
read -r -a peer_agents <<<"${MT_BENCH_PEER_AGENTS:-${agents[*]}}"
for a in "${peer_agents[@]}"; do
  [[ -e $work/export/$a.npy ]] || { echo "   $a: no exported set"; continue; }
  p0=$(date +%s.%N)
  if /usr/bin/time -f '%M' -o "$work/peer.rss" /usr/bin/python3 "$root/bench/train_peer.py" "$work/export" "$a" \
    "$peer_trials" >"$work/peer.$a.out" 2>"$work/peer.$a.err"; then
    p1=$(date +%s.%N)
    peer[$a]="$(grep '^result' "$work/peer.$a.out") wall=$(calc "$p1 - $p0") peak_mb=$(calc "$(tail -1 "$work/peer.rss") / 1024")"
    peer_total=$(calc "$peer_total + $p1 - $p0")
    grep -v '^result' "$work/peer.$a.out" | sed 's/^/   /'
  else
    echo "   $a: the peer failed:"
    tail -5 "$work/peer.$a.err" | sed 's/^/      /'
  fi
done
printf '   %-12s %7s %6s %6s %6s %6s %7s %6s %6s %9s %9s %9s %8s %8s\n' agent rows train test base auc logloss brier \
  prec n_accept r_accept r_all wall_s peak_MB
for a in "${agents[@]}"; do
  l=${peer[$a]:-}
  [[ -n $l ]] || continue
  printf '   %-12s %7s %6s %6s %6.3f %6.3f %7.4f %6.4f %6.3f %9s %+9.3f %+9.3f %8.1f %8.1f\n' "$a" \
    "$(field rows "$l")" "$(field train "$l")" "$(field test "$l")" "$(field base "$l")" "$(field auc "$l")" \
    "$(field logloss "$l")" "$(field brier "$l")" "$(field precision "$l")" "$(field accepted "$l")" \
    "$(field r_accept "$l")" "$(field r_all "$l")" "$(field wall "$l")" "$(field peak_mb "$l")"
done
echo

# ---- 3. side by side ----
echo "3. side by side (test period; mtrader: its threshold; peer: proba >= 0.5; mtrader's RSS is the whole run's)"
printf '   %-12s %19s %19s %15s %19s %15s\n' agent "wall s (mt / peer)" "peak MB (mt/peer)" "AUC (mt/peer)" \
  "R accepted (mt/peer)" "n acc (mt/peer)"
for a in "${agents[@]}"; do
  row=$(awk -v a="$a" '$1 == a' "$work/train.out" | head -1)
  read -r _ _ _ m_auc _ _ _ m_acc m_racc _ <<<"${row:-- - - - - - - - - -}"
  l=${peer[$a]:-}
  if [[ -n $l ]]; then
    p_wall=$(printf '%.1f' "$(field wall "$l")") p_rss=$(printf '%.0f' "$(field peak_mb "$l")")
    p_auc=$(printf '%.3f' "$(field auc "$l")") p_racc=$(printf '%+.3f' "$(field r_accept "$l")") p_acc=$(field accepted "$l")
  else
    p_wall=- p_rss=- p_auc=- p_racc=- p_acc=-
  fi
  printf '   %-12s %9s / %7s %9.0f / %7s %7s / %6s %9s / %8s %7s / %6s\n' "$a" \
    "$(printf '%.1f' "${mt_secs[$a]:-0}")" "$p_wall" "$mt_rss" "$p_rss" "$m_auc" "$p_auc" "$m_racc" "$p_racc" \
    "$m_acc" "$p_acc"
done
if awk -v p="$peer_total" 'BEGIN { exit !(p > 0) }'; then
  mt_sub=0
  for a in "${peer_agents[@]}"; do [[ -z ${peer[$a]:-} ]] || mt_sub=$(calc "$mt_sub + ${mt_secs[$a]:-0}"); done
  printf '   total over the agents both ran (%s): mtrader %.1f s (training sets included), peer %.1f s (from the' \
    "${peer_agents[*]}" "$mt_sub" "$peer_total"
  printf ' exported sets): peer / mtrader %.2fx' "$(calc "$peer_total / $mt_sub")"
  [[ $peer_trials == "$trials" ]] ||
    printf '; trials differ (mtrader %d, peer %d): the peer per trial vs mtrader per trial %.2fx' "$trials" \
      "$peer_trials" "$(calc "($peer_total / $peer_trials) / ($mt_sub / $trials)")"
  echo
fi
echo

# ---- 4. scoring latency ----
echo "4. scoring latency (bench_score: mt_model_score over the exported rows, one thread)"
for a in "${agents[@]}"; do
  [[ -e $work/export/$a.npy ]] || continue
  "$score" "$store/models" "$a" "${strategy[$a]}" 1h "${sides[$a]}" "$work/export/$a.npy" 2>&1 | sed 's/^/   /' || true
done
echo
echo "machine: load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
