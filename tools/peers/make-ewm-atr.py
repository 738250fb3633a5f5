#!/usr/bin/env python3
"""Regenerates tests/fixtures/features/pandas/ewm_atr_*.csv: the original
system's ATR computed by pandas itself on the first ROWS bars of the BTCUSDT
1h fixture, for the `ewm_atr` registry entry's test (tests/features/test_original.c).

The original's formula (docs/reference-system.md, conventions): TR = the
row-wise max of H - L, |H - C-1|, |L - C-1| (pandas skips the missing previous
close, so TR = H - L on the first bar), ATR = TR.ewm(com=N).mean() with pandas'
defaults (adjust=True, min_periods=0), atr_N_pct = ATR / close.ewm(com=N).mean().

Usage: tools/peers/make-ewm-atr.py [BUILD_DIR]   (a configured mtrader build
holding tests/interop/pqtool; default build/release). Needs pandas (Debian's python3-pandas:
run it with /usr/bin/python3 where another python3 comes first in PATH).
"""
import json
import os
import subprocess
import sys

import pandas as pd

ROWS = 1000
COMS = [10, 2.5]

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "build", "release")
fixture = os.path.join(root, "tests", "fixtures", "features", "BTCUSDT-1h-2023-01-05.parquet")
out = os.path.join(root, "tests", "fixtures", "features", "pandas")

subprocess.run(["ninja", "-C", build, "tests/interop/pqtool"], check=True, stdout=subprocess.DEVNULL)
dump = subprocess.run([os.path.join(build, "tests", "interop", "pqtool"), "dump", fixture], check=True,
                      capture_output=True, text=True).stdout
# Row 0 of the dump is the schema; then one JSON array a row: open_time, open, high, low, close, ...
rows = [json.loads(line) for line in dump.strip().split("\n")[1:ROWS + 1]]
df = pd.DataFrame({"high": [r[2] for r in rows], "low": [r[3] for r in rows], "close": [r[4] for r in rows]})
assert len(df) == ROWS

h, lo, c = df["high"], df["low"], df["close"]
pc = c.shift(1)
tr = pd.concat([h - lo, (h - pc).abs(), (lo - pc).abs()], axis=1).max(axis=1)
os.makedirs(out, exist_ok=True)
for com in COMS:
    atr = tr.ewm(com=com).mean()
    pct = atr / c.ewm(com=com).mean()
    name = os.path.join(out, "ewm_atr_%s.csv" % ("%g" % com).replace(".", "_"))
    with open(name, "w") as f:
        f.write("value,pct\n")
        for a, p in zip(atr, pct):
            f.write("%r,%r\n" % (float(a), float(p)))
    print(name)
