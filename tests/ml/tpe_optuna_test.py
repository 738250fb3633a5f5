#!/usr/bin/python3
"""Compares our TPE (tests/ml/tpe_run) with Optuna 3.1's TPESampler and RandomSampler.

usage: tpe_optuna_test.py TPE_RUN GOLDEN_TSV

GOLDEN_TSV (tests/fixtures/ml/tpe_optuna.tsv, written by tpe_optuna_golden.py) holds Optuna's best
value after N_TRIALS trials for seeds 0..N_SEEDS-1 per function; running Optuna here would take
minutes. tpe_run gives ours for seeds 0..N_OURS-1 (our random numbers, not numpy's, so a seed
pairs with nothing; more seeds than Optuna's make our side's luck matter less and cost little).
The rule, per function, with one-sided Mann-Whitney U tests on the best values:
  - ours is no worse than Optuna: the test of "ours is stochastically larger (worse) than
    Optuna's" must not reject at p < 0.01;
  - ours beats random search: "ours is stochastically smaller than random's" must reject at
    p < 0.05 on at least 5 of the 6 functions.
Prints the table of medians and p-values; exits 1 when a rule fails."""
import collections
import statistics
import subprocess
import sys

from scipy.stats import mannwhitneyu

N_TRIALS, N_SEEDS, N_OURS = 50, 30, 120
P_WORSE, P_BETTER, MIN_BEAT_RANDOM = 0.01, 0.05, 5


def parse(lines, into):
    for line in lines:
        if line and not line.startswith("#"):
            func, sampler, seed, best = line.split("\t")
            into[func, sampler].append((int(seed), float(best)))


def main():
    tpe_run, golden = sys.argv[1], sys.argv[2]
    runs = collections.defaultdict(list)
    with open(golden) as f:
        parse(f.read().splitlines(), runs)
    out = subprocess.run([tpe_run, str(N_TRIALS), str(N_OURS)], check=True, capture_output=True,
                         text=True).stdout
    parse(out.splitlines(), runs)
    funcs = list(dict.fromkeys(f for f, _ in runs))
    failed, beat_random = [], 0
    print(f"{'function':<12} {'ours':>10} {'optuna':>10} {'random':>10} {'p(worse)':>9} {'p(<rand)':>9}")
    for func in funcs:
        vals = {}
        for s in ("ours", "optuna", "random"):
            got = sorted(runs[func, s])
            if [seed for seed, _ in got] != list(range(N_OURS if s == "ours" else N_SEEDS)):
                failed.append(f"{func}: {s} has seeds {[seed for seed, _ in got]}")
                break
            vals[s] = [v for _, v in got]
        else:
            p_worse = mannwhitneyu(vals["ours"], vals["optuna"], alternative="greater").pvalue
            p_rand = mannwhitneyu(vals["ours"], vals["random"], alternative="less").pvalue
            med = {s: statistics.median(v) for s, v in vals.items()}
            print(f"{func:<12} {med['ours']:>10.4g} {med['optuna']:>10.4g} {med['random']:>10.4g} "
                  f"{p_worse:>9.3g} {p_rand:>9.3g}")
            if p_worse < P_WORSE:
                failed.append(f"{func}: ours is worse than optuna (p = {p_worse:.3g})")
            beat_random += p_rand < P_BETTER
    if beat_random < MIN_BEAT_RANDOM:
        failed.append(f"ours beats random search on {beat_random} functions, "
                      f"expected at least {MIN_BEAT_RANDOM}")
    for msg in failed:
        print("FAIL:", msg)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
