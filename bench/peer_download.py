#!/usr/bin/env python3
"""Peer for bench/run-download-bench.sh: the original system's way of
fetching history (python-binance's get_historical_klines loop: one request
at a time, 1000 rows per page, json.loads, floats per row), without its
1 s sleep every 3 requests and without writing anything, so the figure is a
generous upper bound of the original's speed. Standard library only.

Usage: peer_download.py BASE_URL SINCE_MS SYMBOL...
Prints: result candles=N requests=N seconds=S
"""
import json
import sys
import time
import urllib.request


def fetch_symbol(base, symbol, since):
    rows, requests, start = [], 0, since
    while True:
        url = f"{base}/api/v3/klines?symbol={symbol}&interval=1h&limit=1000&startTime={start}"
        with urllib.request.urlopen(url) as resp:
            page = json.loads(resp.read())
        requests += 1
        for r in page:
            rows.append((r[0], float(r[1]), float(r[2]), float(r[3]), float(r[4]), float(r[5]),
                         r[6], float(r[7]), r[8], float(r[9]), float(r[10])))
        if len(page) < 1000:
            return rows, requests
        start = page[-1][0] + 3600000


def main():
    base, since, symbols = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    t = time.monotonic()
    candles = requests = 0
    for s in symbols:
        rows, n = fetch_symbol(base, s, since)
        candles += len(rows)
        requests += n
    print(f"result candles={candles} requests={requests} seconds={time.monotonic() - t:.2f}")


if __name__ == "__main__":
    main()
