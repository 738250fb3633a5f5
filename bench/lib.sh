# Shared pieces of the bench scripts (sourced, not run): the reference data's folder, the store of
# 100 symbols made of the 10 real pairs, and the 6 agents of the session's scan.

# bench_csv_dir ROOT: prints the folder of <SYMBOL>-1h.csv: MT_BENCH_CSV_DIR, else ROOT/../shared/
# data/ohlcv/csv, else (ROOT a git worktree) the same beside its main checkout.
bench_csv_dir() {
  local dir=${MT_BENCH_CSV_DIR:-$1/../shared/data/ohlcv/csv}
  if [[ -z ${MT_BENCH_CSV_DIR:-} && ! -d $dir ]]; then
    local common
    common=$(git -C "$1" rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true)
    [[ -z $common ]] || dir=$(dirname "$common")/../shared/data/ohlcv/csv
  fi
  echo "$dir"
}

# bench_store100 S10 S100 BASE...: makes the store S100 of 100 symbols: each BASE (e.g. BTC) of the
# store S10 (1h, 4h and 1d of BASEUSDT) under 10 names, BASEUSDT and BASE1USDT..BASE9USDT (hard
# links); sets the array symbols100.
bench_store100() {
  local s10=$1 s100=$2 b k tf
  shift 2
  symbols100=()
  for tf in 1h 4h 1d; do mkdir -p "$s100/ohlcv/$tf"; done
  for b in "$@"; do
    for k in "" 1 2 3 4 5 6 7 8 9; do
      for tf in 1h 4h 1d; do ln "$s10/ohlcv/$tf/${b}USDT.parquet" "$s100/ohlcv/$tf/${b}${k}USDT.parquet"; done
      symbols100+=("${b}${k}USDT")
    done
  done
}

# bench_agent ID STRATEGY TIMEFRAME PAIRS_JSON: prints one agent's configuration.
bench_agent() {
  printf '{"id": "%s", "strategy": "%s", "timeframe": "%s", "pairs": %s, "risk": 0.005, "max_positions": 3, "max_open_r": 5.1}' \
    "$1" "$2" "$3" "$4"
}

# bench_six_agents LIST [ML_JSON]: prints the configuration of the scan's 6 agents, a ranked top 100
# (by volume_1d) and one listing the comma-separated symbols LIST per timeframe: 1h channel_run
# mid/edge ranked and edge/mid listed; 4h channel_run mid/edge ranked and trail_fractals listed;
# 1d trail_fractals ranked and channel_run edge/mid listed; with "ml": ML_JSON when given.
bench_six_agents() {
  local ranked='{"top": 100, "by": "volume_1d"}' listed="{\"symbols\": \"$1\"}" ml=
  [[ -z ${2:-} ]] || ml="\"ml\": $2, "
  printf '{%s"agents": [%s, %s, %s, %s, %s, %s]}\n' "$ml" \
    "$(bench_agent cr_me_1h channel_run:200:mid:edge 1h "$ranked")" \
    "$(bench_agent cr_em_1h channel_run:200:edge:mid 1h "$listed")" \
    "$(bench_agent cr_me_4h channel_run:200:mid:edge 4h "$ranked")" \
    "$(bench_agent tf_4h trail_fractals:5:2 4h "$listed")" \
    "$(bench_agent tf_1d trail_fractals:5:2 1d "$ranked")" \
    "$(bench_agent cr_em_1d channel_run:200:edge:mid 1d "$listed")"
}
