#!/usr/bin/env python3
"""Peer for the setup backtest benchmark: the original system's approach
(docs/reference-system.md section 1: the original's mt/ml_model_training.py and
ml_funcs.py) with pandas/numpy, over the same candles: Channel Run setups by the live rules
(lookback 200, entry mid/edge, goal edge/mid) followed to their OCO outcome
(first bar whose high/low reaches target or stop, stop first on a tie, fees),
and Trail Fractals setups (width 5, spacing 2) followed along the trailing
stop path (cummax of the fractal low) until it is hit, both with a 1600-bar
forward window as the original.

Usage: setups_pandas.py CSV...   (open_time,open,high,low,close,volume)
Prints: result bars=N setups=S seconds=T bars_per_s=B setups_per_s=R
"""
import sys
import time

import numpy as np
import pandas as pd

FEE = 0.0015
SPREAD = 0.001
WINDOW = 1600


def atr(df, n):
    prev = df["close"].shift(1)
    tr = pd.concat([df["high"] - df["low"], (df["high"] - prev).abs(), (df["low"] - prev).abs()], axis=1).max(axis=1)
    return tr.ewm(alpha=1.0 / n, adjust=False).mean()


def calc_stop(inval, price):
    buffer = max(2 * SPREAD, 0.0015)
    return np.where(price > inval, inval * (1 - buffer), inval * (1 + buffer))


def channel_run_setups(df, lookback=200, entry="mid", goal="edge"):
    hh = df["high"].rolling(lookback).max()
    ll = df["low"].rolling(lookback).min()
    mid = (hh + ll) / 2
    pos = (df["close"] - ll) / (hh - ll)
    up = df["close"].ewm(com=lookback / 2).mean() > df["close"].ewm(com=lookback).mean()
    a = atr(df, 10)
    if entry == "edge":
        long_ = (pos < 0.1) & up
        short = (pos > 0.9) & ~up
        l_inval, s_inval = ll - 2 * a, hh + 2 * a
    else:
        long_ = (pos > 0.4) & (pos < 0.6) & ~up
        short = (pos > 0.4) & (pos < 0.6) & up
        l_inval, s_inval = (ll + mid) / 2, (hh + mid) / 2
    l_target = hh - a if goal == "edge" else mid
    s_target = ll + a if goal == "edge" else mid
    out = []
    price = df["close"]
    for side, mask, inval, target in ((1, long_, l_inval, l_target), (-1, short, s_inval, s_target)):
        idx = np.flatnonzero(mask.to_numpy())
        p = price.to_numpy()[idx]
        t = target.to_numpy()[idx]
        stop = calc_stop(inval.to_numpy()[idx], p)
        reward = np.abs(t / p - 1)
        keep = (reward >= 0.003) & (side * (t - p) > 0) & (side * (p - stop) > 0)
        out.append(pd.DataFrame({"row": idx[keep], "side": side, "price": p[keep], "stop": stop[keep],
                                 "target": t[keep]}))
    return pd.concat(out, ignore_index=True)


def oco_outcome(high, low, s):
    """First bar after the signal whose range reaches target or stop (stop first on a tie)."""
    pnl = np.full(len(s), np.nan)
    for k, (row, side, price, stop, target) in enumerate(s[["row", "side", "price", "stop", "target"]].itertuples(
            index=False)):
        row = int(row)
        h = high[row + 1:row + 1 + WINDOW]
        lo = low[row + 1:row + 1 + WINDOW]
        if side > 0:
            hit_stop, hit_target = lo <= stop, h >= target
        else:
            hit_stop, hit_target = h >= stop, lo <= target
        first_stop = np.argmax(hit_stop) if hit_stop.any() else WINDOW
        first_target = np.argmax(hit_target) if hit_target.any() else WINDOW
        if first_stop == WINDOW and first_target == WINDOW:
            continue
        exit_price = stop if first_stop <= first_target else target
        pnl[k] = side * (exit_price - price) / price - 2 * FEE - SPREAD
    return pnl


def fractals(df, width=5, spacing=2):
    half = (width - 1) // 2
    a = df["high"].rolling(width, center=True).max()
    b = df["low"].rolling(width, center=True).min()
    atr_s = atr(df, spacing + 1)
    hi = df["high"].where(df["high"] == a) + spacing / 10 * atr_s
    lo = df["low"].where(df["low"] == b) - spacing / 10 * atr_s
    return hi.ffill().shift(half + 1), lo.ffill().shift(half + 1)


def trail_outcome(df, frac_low, frac_high):
    close, low, high = df["close"].to_numpy(), df["low"].to_numpy(), df["high"].to_numpy()
    fl, fh = frac_low.to_numpy(), frac_high.to_numpy()
    longs = np.flatnonzero(close > fl)
    shorts = np.flatnonzero((close < fh) & ~(close > fl))
    results = []
    for side, rows in ((1, longs), (-1, shorts)):
        for row in rows:
            entry = close[row]
            end = min(len(close), row + 1 + WINDOW)
            if side > 0:
                path = np.maximum.accumulate(calc_stop(fl[row + 1:end], close[row + 1:end]))
                hit = low[row + 1:end] <= path
            else:
                path = np.minimum.accumulate(calc_stop(fh[row + 1:end], close[row + 1:end]))
                hit = high[row + 1:end] >= path
            if not hit.any():
                continue
            exit_price = path[np.argmax(hit)]
            results.append(side * (exit_price - entry) / entry - 2 * FEE - SPREAD)
    return len(longs) + len(shorts), results


def main(paths):
    frames = []
    for p in paths:
        df = pd.read_csv(p)
        frames.append(df)
    bars = sum(len(df) for df in frames)
    t0 = time.perf_counter()
    setups = 0
    for df in frames:
        high, low = df["high"].to_numpy(), df["low"].to_numpy()
        for entry, goal in (("mid", "edge"), ("edge", "mid")):
            s = channel_run_setups(df, 200, entry, goal)
            oco_outcome(high, low, s)
            setups += len(s)
        frac_high, frac_low = fractals(df)
        n, _ = trail_outcome(df, frac_low, frac_high)
        setups += n
    seconds = time.perf_counter() - t0
    print(f"result bars={bars} setups={setups} seconds={seconds:.3f} bars_per_s={bars / seconds:.0f} "
          f"setups_per_s={setups / seconds:.0f}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    main(sys.argv[1:])
