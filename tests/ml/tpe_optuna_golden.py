#!/usr/bin/python3
"""Writes tests/fixtures/ml/tpe_optuna.tsv: the best value Optuna 3.1's default TPESampler and its
RandomSampler reach in N_TRIALS trials on each test function, for seeds 0..N_SEEDS-1.

Run with Debian's python3-optuna 3.1.0 (/usr/bin/python3 tests/ml/tpe_optuna_golden.py); the
comparison test (tpe_optuna_test.py) reads the file instead of re-running Optuna, which takes
minutes. The functions must stay identical to tests/ml/tpe_run.c's."""
import math
import multiprocessing
import pathlib
import sys

import optuna

N_TRIALS = 50
N_SEEDS = 30
OFFSETS = [1.0, 0.3, 0.0, 0.6]


def sphere(d):
    return lambda t: sum(t.suggest_float(f"x{i}", -5.0, 5.0) ** 2 for i in range(d))


def rosenbrock2(t):
    x, y = t.suggest_float("x", -2.0, 2.0), t.suggest_float("y", -2.0, 2.0)
    return 100.0 * (y - x * x) ** 2 + (1.0 - x) ** 2


def branin(t):
    x, y = t.suggest_float("x", -5.0, 10.0), t.suggest_float("y", 0.0, 15.0)
    b, c = 5.1 / (4.0 * math.pi ** 2), 5.0 / math.pi
    return (y - b * x * x + c * x - 6.0) ** 2 + 10.0 * (1.0 - 1.0 / (8.0 * math.pi)) * math.cos(x) + 10.0


def styblinski3(t):
    xs = [t.suggest_float(f"x{i}", -5.0, 5.0) for i in range(3)]
    return 0.5 * sum(x ** 4 - 16.0 * x * x + 5.0 * x for x in xs)


def mixed(t):
    lr = t.suggest_float("lr", 1e-3, 10.0, log=True)
    n = t.suggest_int("n", 0, 20, step=2)
    k = t.suggest_int("k", 1, 1000, log=True)
    c = t.suggest_categorical("c", [0, 1, 2, 3])
    return (math.log10(lr) + 1.0) ** 2 + ((n - 8) / 4.0) ** 2 + (math.log10(k) - 2.0) ** 2 + OFFSETS[c]


FUNCS = {"sphere2": sphere(2), "sphere5": sphere(5), "rosenbrock2": rosenbrock2,
         "branin": branin, "styblinski3": styblinski3, "mixed": mixed}


def run(job):
    name, sampler, seed = job
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    s = (optuna.samplers.TPESampler(seed=seed) if sampler == "optuna"
         else optuna.samplers.RandomSampler(seed=seed))
    study = optuna.create_study(sampler=s)
    study.optimize(FUNCS[name], n_trials=N_TRIALS)
    return f"{name}\t{sampler}\t{seed}\t{study.best_value!r}"


def main():
    assert optuna.__version__ == "3.1.0", optuna.__version__
    jobs = [(f, s, seed) for f in FUNCS for s in ("optuna", "random") for seed in range(N_SEEDS)]
    with multiprocessing.Pool(2) as pool:
        rows = pool.map(run, jobs)
    out = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "ml" / "tpe_optuna.tsv"
    out.write_text(f"# optuna {optuna.__version__}, {N_TRIALS} trials, written by "
                   "tests/ml/tpe_optuna_golden.py\n" + "\n".join(rows) + "\n")
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
