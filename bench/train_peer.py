#!/usr/bin/python3
"""Python peer of `mtrader train`: the original system's primary-model pipeline
(ml_model_training.py::train_primary, docs reference-system.md section 6) on
one agent's training set exported by `mtrader train --export DIR`, made honest
about the split so its test figures compare with mtrader's on the same rows.

  split      time-ordered, as mtrader's: the test period is the rows with
             t0 >= last t0 - floor(0.2 x (last t0 - first t0)); the training
             rows are those before it whose trade ended before it (t1 < cut:
             the ones overlapping it are purged). The original split randomly
             (stratified 60/20/20) after ClusterCentroids undersampling of the
             whole set; here the classes of the training rows only are
             balanced by seeded random undersampling of the majority class
             (imbalanced-learn's ClusterCentroids is not in Debian), so the
             probabilities have the original's balanced prior and proba >= 0.5
             accepts setups (without it, accuracy-tuned forests accept none).
  labels     win = r >= 0.5 (mtrader's win_r).
  scaling    QuantileTransformer fit on the training rows.
  columns    drop >= 10% NaN, variance <= 0.001, |corr| > 0.5 (upper triangle,
             the later column of each pair), as the original; the remaining NaN
             become the training median (0.5 after the transform: scikit-learn
             1.2's RandomForest takes no NaN; the original had dropped every
             column holding one); then SelectKBest(mutual_info_classif,
             k = min(int(0.8 n), 15)). The mlxtend SFS that followed is skipped
             (mlxtend is not in Debian).
  tuning     Optuna TPE, seeded (the original was not), maximising the mean
             5-fold CV accuracy on the training rows (the original's CV ran on
             the test set), over the original's RandomForest space:
             n_estimators [50, 150], max_depth [12, MAX_DEPTH] (the original 32;
             MT_BENCH_PEER_MAX_DEPTH), max_features [0.1, 1], max_samples
             [0.1, 1], ccp_alpha log [1e-5, 1e-2]; criterion log_loss, seed 42;
             params = the median of the trials within 0.001 of the best.
  final      RandomForest on all training rows, scored once on the test period:
             AUC, log loss, Brier, precision at 0.5, accepted (proba >= 0.5)
             and their mean R against all rows' mean R.

Usage: train_peer.py DIR AGENT [TRIALS]  (TRIALS default 50)
  MT_BENCH_PEER_JOBS: RandomForest n_jobs (default 2: mtrader's XGBoost threads).
Prints one 'result agent=... key=value ...' line; its own wall time and peak RSS.
"""
import os
import resource
import sys
import time
import warnings

import numpy as np

t_start = time.perf_counter()
import optuna  # noqa: E402
from sklearn.ensemble import RandomForestClassifier  # noqa: E402
from sklearn.feature_selection import SelectKBest, mutual_info_classif  # noqa: E402
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score  # noqa: E402
from sklearn.model_selection import cross_val_score  # noqa: E402
from sklearn.preprocessing import QuantileTransformer  # noqa: E402

WIN_R = 0.5
TEST_FRAC = 0.2


def load(d, agent):
    x = np.load(os.path.join(d, agent + ".npy"))
    meta = np.genfromtxt(os.path.join(d, agent + ".csv"), delimiter=",", names=True, dtype=None, encoding="utf-8")
    with open(os.path.join(d, agent + ".columns"), encoding="utf-8") as f:
        names = [line.strip() for line in f if line.strip()]
    assert x.shape == (len(meta), len(names)), (x.shape, len(meta), len(names))
    return x, meta["t0"].astype(np.int64), meta["t1"].astype(np.int64), meta["r"].astype(np.float64), names


def drop_columns(xt, names):
    """The original's filters on the transformed training rows: NaN share, variance, correlation."""
    keep = np.isnan(xt).mean(axis=0) < 0.1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        var = np.nanvar(xt, axis=0)
        keep &= np.nan_to_num(var, nan=0.0) > 0.001
        idx = np.flatnonzero(keep)
        sub = xt[:, idx]
        med = np.nanmedian(sub, axis=0)
        sub = np.where(np.isnan(sub), med, sub)
        corr = np.abs(np.corrcoef(sub, rowvar=False))
    corr = np.nan_to_num(corr, nan=0.0)
    upper = np.triu(corr, k=1)
    drop = (upper > 0.5).any(axis=0)  # pandas' upper.columns[any(upper > 0.5)]
    return idx[~drop]


def main():
    d, agent = sys.argv[1], sys.argv[2]
    trials = int(sys.argv[3]) if len(sys.argv) > 3 else 50
    jobs = int(os.environ.get("MT_BENCH_PEER_JOBS", "2"))
    max_depth = int(os.environ.get("MT_BENCH_PEER_MAX_DEPTH", "32"))
    x, t0, t1, r, names = load(d, agent)
    y = (r >= WIN_R).astype(int)
    x = np.where(np.isfinite(x), x, np.nan).astype(np.float64)
    cut = t0[-1] - int(np.floor(TEST_FRAC * float(t0[-1] - t0[0])))
    test = t0 >= cut
    train = (~test) & (t1 < cut)
    n_train = int(train.sum())
    rng = np.random.default_rng(11)
    pos, neg = np.flatnonzero(train & (y == 1)), np.flatnonzero(train & (y == 0))
    major, minor = (pos, neg) if len(pos) > len(neg) else (neg, pos)
    train = np.zeros(len(y), dtype=bool)
    train[minor] = True
    train[np.sort(rng.choice(major, size=len(minor), replace=False))] = True
    xtr, ytr, xte, yte, rte = x[train], y[train], x[test], y[test], r[test]

    qt = QuantileTransformer(n_quantiles=min(1000, len(xtr)), output_distribution="uniform", random_state=42)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        xtr = qt.fit_transform(xtr)
        xte = qt.transform(xte)
    cols = drop_columns(xtr, names)
    xtr, xte = xtr[:, cols], xte[:, cols]
    med = np.nanmedian(xtr, axis=0)
    xtr = np.where(np.isnan(xtr), med, xtr)
    xte = np.where(np.isnan(xte), med, xte)
    k = min(int(0.8 * len(cols)), 15)
    skb = SelectKBest(lambda a, b: mutual_info_classif(a, b, random_state=42), k=k).fit(xtr, ytr)
    sel = skb.get_support(indices=True)
    xtr, xte = xtr[:, sel], xte[:, sel]
    selected = [names[cols[i]] for i in sel]
    t_prep = time.perf_counter()

    def rf(p):
        return RandomForestClassifier(n_estimators=p["n_estimators"], max_depth=p["max_depth"],
                                      max_features=p["max_features"], max_samples=p["max_samples"],
                                      ccp_alpha=p["ccp_alpha"], criterion="log_loss", min_samples_split=2,
                                      random_state=42, n_jobs=jobs)

    def objective(trial):
        p = {"n_estimators": trial.suggest_int("n_estimators", 50, 150),
             "max_depth": trial.suggest_int("max_depth", 12, max_depth),
             "max_features": trial.suggest_float("max_features", 0.1, 1.0),
             "max_samples": trial.suggest_float("max_samples", 0.1, 1.0),
             "ccp_alpha": trial.suggest_float("ccp_alpha", 1e-5, 1e-2, log=True)}
        return cross_val_score(rf(p), xtr, ytr, cv=5, scoring="accuracy").mean()

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=1))
    study.optimize(objective, n_trials=trials)
    best = study.best_value
    near = [t.params for t in study.trials if t.value is not None and t.value >= best - 0.001]
    params = {key: float(np.median([p[key] for p in near])) for key in near[0]}
    params["n_estimators"] = int(round(params["n_estimators"]))
    params["max_depth"] = int(round(params["max_depth"]))
    t_tune = time.perf_counter()

    model = rf(params).fit(xtr, ytr)
    proba = model.predict_proba(xte)[:, 1]
    t_end = time.perf_counter()
    acc = proba >= 0.5
    eps = 1e-15
    auc = roc_auc_score(yte, proba) if 0 < yte.sum() < len(yte) else float("nan")
    ll = log_loss(yte, np.clip(proba, eps, 1 - eps), labels=[0, 1])
    brier = brier_score_loss(yte, proba)
    prec = yte[acc].mean() if acc.any() else float("nan")
    r_acc = rte[acc].mean() if acc.any() else float("nan")
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(f"peer {agent}: {len(x)} rows, {n_train} train ({int(train.sum())} after balancing), {int(test.sum())} test, "
          f"{int((~test).sum() - n_train)} purged; {len(names)} columns -> {len(cols)} after the filters -> "
          f"{len(sel)} by mutual information: {','.join(selected)}")
    print(f"peer {agent}: {trials} trials, best CV accuracy {best:.4f}, params {params}; "
          f"prep {t_prep - t_start:.1f} s, tuning {t_tune - t_prep:.1f} s, final fit+score {t_end - t_tune:.1f} s")
    print(f"result agent={agent} rows={len(x)} train={n_train} balanced={int(train.sum())} test={int(test.sum())} "
          f"base={yte.mean():.4f} auc={auc:.4f} logloss={ll:.4f} brier={brier:.4f} precision={prec:.4f} "
          f"accepted={int(acc.sum())} r_accept={r_acc:.4f} r_all={rte.mean():.4f} trials={trials} "
          f"max_depth={max_depth} seconds={t_end - t_start:.2f} rss_mb={rss_mb:.1f}")


if __name__ == "__main__":
    main()
