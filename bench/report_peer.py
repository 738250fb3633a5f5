#!/usr/bin/env python3
"""The report benchmark's peer: a QuantStats-style tear sheet from a journal.

Reads the run's equity curve and real trades straight from mtrader's SQLite
journal with pandas, computes what QuantStats' html() computes for the same
sections (daily returns, CAGR, Sharpe, Sortino, max drawdown, monthly
returns, rolling Sharpe and volatility, trade statistics per symbol) and
draws the charts with matplotlib as inline SVG in one HTML file, the way
QuantStats and freqtrade's plotting build their reports (QuantStats is not
packaged in Debian; its report is pandas + matplotlib figures embedded).
Every point of a curve is drawn, as matplotlib does unless told otherwise.

Usage: report_peer.py JOURNAL RUN OUT.html
Prints "peer: N points, M trades, BYTES bytes".
"""
import io
import sqlite3
import sys

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402


def svg_of(fig):
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg"):]


def main():
    journal, run, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    db = sqlite3.connect(f"file:{journal}?mode=ro", uri=True)
    eq = pd.read_sql_query("select time, equity from equity where run = ? order by time", db, params=(run,))
    tr = pd.read_sql_query(
        "select symbol, open_time, close_time, pnl, r, exit_reason from trades "
        "where run = ? and kind = 'real' and state != 'open'", db, params=(run,))
    eq.index = pd.to_datetime(eq.time, unit="ms", utc=True)
    curve = eq.equity
    daily = curve.resample("1D").last().ffill()
    rets = daily.pct_change().fillna(daily.iloc[0] / curve.iloc[0] - 1)
    years = (curve.index[-1] - curve.index[0]).total_seconds() / 86400 / 365
    total = curve.iloc[-1] / curve.iloc[0] - 1
    cagr = (curve.iloc[-1] / curve.iloc[0]) ** (1 / years) - 1
    sharpe = rets.mean() / rets.std() * np.sqrt(365)
    downside = np.sqrt((rets[rets < 0] ** 2).sum() / len(rets))
    sortino = rets.mean() / downside * np.sqrt(365)
    dd = curve / curve.cummax() - 1
    monthly = daily.resample("M").last().pct_change()
    rolling_sharpe = rets.rolling(60).mean() / rets.rolling(60).std() * np.sqrt(365)
    rolling_vol = rets.rolling(60).std() * np.sqrt(365)
    per_symbol = tr.groupby("symbol").agg(trades=("r", "size"), mean_r=("r", "mean"), pnl=("pnl", "sum"),
                                          win_rate=("pnl", lambda p: (p > 0).mean()))
    per_exit = tr.groupby("exit_reason").agg(trades=("r", "size"), mean_r=("r", "mean"))

    charts = []
    fig, ax = plt.subplots(figsize=(10, 3))
    ax.plot(curve.index, curve.values, lw=1)
    ax.set_title("equity")
    charts.append(svg_of(fig))
    fig, ax = plt.subplots(figsize=(10, 2.2))
    ax.fill_between(dd.index, dd.values, 0, color="red", alpha=0.4)
    ax.set_title("underwater")
    charts.append(svg_of(fig))
    fig, ax = plt.subplots(figsize=(10, 2.5))
    table = monthly.to_frame("r")
    table["y"], table["m"] = table.index.year, table.index.month
    heat = table.pivot(index="y", columns="m", values="r")
    ax.imshow(heat.values, cmap="RdYlGn", aspect="auto")
    ax.set_title("monthly returns")
    charts.append(svg_of(fig))
    fig, ax = plt.subplots(figsize=(10, 2.5))
    ax.hist(tr.r.clip(-3, 10), bins=52)
    ax.set_title("R distribution")
    charts.append(svg_of(fig))
    for name, series in (("rolling Sharpe", rolling_sharpe), ("rolling volatility", rolling_vol)):
        fig, ax = plt.subplots(figsize=(10, 2))
        ax.plot(series.index, series.values, lw=1)
        ax.set_title(name)
        charts.append(svg_of(fig))

    html = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>peer report</title></head><body>",
            f"<p>total {total:.4f} cagr {cagr:.4f} sharpe {sharpe:.3f} sortino {sortino:.3f} "
            f"max dd {-dd.min():.4f}</p>",
            per_symbol.to_html(), per_exit.to_html()] + charts + ["</body></html>"]
    text = "\n".join(html)
    with open(out, "w") as f:
        f.write(text)
    print(f"peer: {len(curve)} points, {len(tr)} trades, {len(text.encode())} bytes")


if __name__ == "__main__":
    main()
