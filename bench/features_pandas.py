#!/usr/bin/env python3
"""Peer for bench/run-features-bench.sh: the original system's feature
families (docs/reference-system.md section 2) written the way it wrote them, with
pandas rolling/ewm operations over one (symbol, timeframe) frame.

Usage: features_pandas.py CSV [REPEATS]
  CSV: open_time,open,high,low,close,volume (ms); trades and taker buy volume
  are derived exactly as bench_features derives them, so both compute the
  same inputs. Prints: result bars=N features=F seconds=S bars_per_s=B
"""
import sys
import time

import numpy as np
import pandas as pd


def load(path):
    df = pd.read_csv(path)
    df["num_trades"] = np.floor(df["volume"] * 10.0) + 1.0
    df["taker_buy_base_vol"] = df["volume"] * 0.5
    df.index = pd.to_datetime(df["open_time"], unit="ms", utc=True)
    return df


def zscore(s, n):
    return (s - s.rolling(n).mean()) / s.rolling(n).std()


def wma(s, n):
    w = np.arange(1, n + 1, dtype=float)
    return s.rolling(n).apply(lambda x: np.dot(x, w) / w.sum(), raw=True)


def hma(s, n):
    return wma(2 * wma(s, n // 2) - wma(s, n), int(np.sqrt(n)))


def features(df):
    f = {}
    c, h, l, o, v = df["close"], df["high"], df["low"], df["open"], df["volume"]
    tr = pd.concat([h - l, (h - c.shift()).abs(), (l - c.shift()).abs()], axis=1).max(axis=1)
    for n in (5, 10, 25, 50, 100, 200):
        f[f"atr_{n}_pct"] = tr.ewm(alpha=1 / n, adjust=False).mean() / c * 100
    for n in (25, 50, 100, 200):
        f[f"atr_z_{n}"] = zscore(f["atr_10_pct"], n)
    for n in (12, 25, 50, 100, 200):
        dd = c / c.rolling(n).max() - 1
        f[f"dd_z_{n}"] = zscore(dd, n)
    for n in (25, 50, 100, 200):
        hh, ll = h.rolling(n).max(), l.rolling(n).min()
        mid = (hh + ll) / 2
        f[f"chan_mid_width_{n}"] = (hh - ll) / mid
        f[f"chan_mid_ratio_{n}"] = c / mid
    for n in (12, 25, 50, 100, 200):
        hh, ll = h.rolling(n).max(), l.rolling(n).min()
        f[f"regime_osc_1_{n}"] = 100 * n * (hh - ll) / (h.rolling(n).mean() - l.rolling(n).mean())
    lr = np.log(c / c.shift())
    f["log_returns"] = lr
    for n in (6, 12, 25, 50, 100, 200):
        f[f"kurtosis_{n}"] = lr.rolling(n).kurt()
        f[f"skew_{n}"] = lr.rolling(n).skew()
    emas = {n: c.ewm(span=n, adjust=False).mean() for n in (12, 24, 25, 48, 50, 96, 100, 192, 200)}
    for n in (25, 50, 100, 200):
        f[f"ema_{n}_ratio"] = c / emas[n]
        f[f"ema_{n}_roc"] = emas[n].pct_change()
        hm = hma(c, n)
        f[f"hma_{n}_ratio"] = c / hm
        f[f"hma_{n}_roc"] = hm.pct_change()
    for a, b in ((12, 24), (12, 48), (24, 96), (48, 192)):
        above = (emas[a] > emas[b]).astype(float)
        f[f"ema_{a}_above_{b}"] = above
        f[f"ema_cross_up_{a}_{b}"] = ((above == 1) & (above.shift() == 0)).astype(float)
        f[f"ema_cross_down_{a}_{b}"] = ((above == 0) & (above.shift() == 1)).astype(float)
    for lb, n in ((12, 25), (25, 50), (50, 100), (100, 200)):
        e = emas[n]
        f[f"ema_{n}_break_up_{lb}"] = (e > e.shift().rolling(lb).max()).astype(float)
        f[f"ema_{n}_break_down_{lb}"] = (e < e.shift().rolling(lb).min()).astype(float)
    for n in (20, 50, 100, 200):
        st = (c - l.rolling(n).min()) / (h.rolling(n).max() - l.rolling(n).min())
        sm = st.ewm(com=n, adjust=False).mean()
        f[f"smoothed_stoch_{n}"] = sm
        f[f"sm_stoch_{n}_roc"] = sm.pct_change()
    f["channel_position_200"] = (c - l.rolling(200).min()) / (h.rolling(200).max() - l.rolling(200).min())
    f["roc_1d"] = c.pct_change(24)
    f["roc_1w"] = c.pct_change(168)
    delta = c.diff()
    for n in (14, 25, 50, 100, 200):
        gain = delta.clip(lower=0).ewm(alpha=1 / n, adjust=False).mean()
        loss = (-delta.clip(upper=0)).ewm(alpha=1 / n, adjust=False).mean()
        f[f"rsi_{n}"] = 100 - 100 / (1 + gain / loss)
    for t in (30, 50, 70):
        f[f"rsi_14_above_{t}"] = (f["rsi_14"] > t).astype(float)
    ats = (v / df["num_trades"]).ewm(com=5, adjust=False).mean()
    for n in (12, 25, 50, 100, 200):
        m = ats.ewm(com=n, adjust=False)
        f[f"ats_z_{n}"] = (ats - m.mean()) / m.std()
        nt = df["num_trades"].ewm(com=n, adjust=False)
        f[f"num_trades_z_{n}"] = (df["num_trades"] - nt.mean()) / nt.std()
    for n in (25, 50, 100, 200):
        f[f"stoch_base_vol_{n}"] = (v - v.rolling(n).min()) / (v.rolling(n).max() - v.rolling(n).min())
        t = df["num_trades"]
        f[f"stoch_num_trades_{n}"] = (t - t.rolling(n).min()) / (t.rolling(n).max() - t.rolling(n).min())
    vd = 2 * df["taker_buy_base_vol"] - v
    f["vol_delta"] = vd
    f["vol_delta_pct"] = vd / v
    for n in (12, 25, 50):
        vmax = v.rolling(n).max()
        f[f"volume_climax_up_{n}"] = ((v == vmax) & (c > o)).astype(float)
        f[f"volume_climax_dn_{n}"] = ((v == vmax) & (c < o)).astype(float)
        rng = h - l
        f[f"high_volume_churn_{n}"] = ((v / rng) == (v / rng).rolling(n).max()).astype(float)
        f[f"low_volume_{n}"] = (v == v.rolling(n).min()).astype(float)
    idx = df.index
    f["hour"] = idx.hour.astype(float)
    f["hour_180"] = ((idx.hour + 12) % 24).astype(float)
    f["day_of_week"] = idx.dayofweek.astype(float)
    f["day_of_week_180"] = ((idx.dayofweek + 3) % 7).astype(float)
    day = df.resample("1D").agg({"open": "first", "high": "max", "low": "min"})
    f["daily_open_ratio"] = c / day["open"].reindex(idx, method="ffill")
    prev = day.shift().reindex(idx, method="ffill")
    for k in ("open", "high", "low"):
        f[f"prev_daily_{k}_ratio"] = c / prev[k]
    week = df.resample("W").agg({"open": "first", "high": "max", "low": "min"})
    f["weekly_open_ratio"] = c / week["open"].reindex(idx, method="ffill")
    return pd.DataFrame(f, index=idx)


def main():
    df = load(sys.argv[1])
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    best = None
    for _ in range(repeats):
        t = time.perf_counter()
        out = features(df)
        t = time.perf_counter() - t
        best = t if best is None or t < best else best
    print(f"result bars={len(df)} features={out.shape[1]} seconds={best:.3f} bars_per_s={len(df) / best:.0f}")


if __name__ == "__main__":
    main()
