#!/usr/bin/env node
// An independent recomputation of the backtest's headline metrics from the CSV files
// `mtrader backtest --equity E.csv --trades T.csv` writes (docs: sim/metrics.h for the rules),
// compared with the values a report carries (check_html.js --values V.json).
// Usage: node metrics_oracle.js E.csv T.csv BAR_MS V.json
// Prints one line per figure and exits 1 when any differs by more than 1e-9 (relative).
'use strict';
const fs = require('fs');

const [eqPath, trPath, barText, valuesPath] = process.argv.slice(2);
if (!valuesPath) {
  process.stderr.write('usage: metrics_oracle.js E.csv T.csv BAR_MS V.json\n');
  process.exit(2);
}
const bar = Number(barText);
const DAY = 86400000;

function rows(path) {
  const lines = fs.readFileSync(path, 'utf8').trim().split('\n');
  const head = lines[0].split(',');
  return lines.slice(1).map((l) => {
    const f = l.split(',');
    const o = {};
    head.forEach((h, i) => { o[h] = f[i]; });
    return o;
  });
}

const eq = rows(eqPath).map((r) => ({ t: Number(r.time), v: Number(r.equity) }));
const trades = rows(trPath).filter((r) => r.kind === 'real').map((r) => {
  const open = Number(r.open_time), close = Number(r.close_time);
  return { open, end: r.exit === 'censored' ? close : close + bar, pnl: Number(r.pnl), r: Number(r.r) };
});

const n = eq.length, first = eq[0], last = eq[n - 1];
const out = {};
out.total_return = last.v / first.v - 1;
const years = (last.t - first.t) / DAY / 365;
out.cagr = Math.pow(last.v / first.v, 1 / years) - 1;

// daily returns: each UTC day's last point, empty days carry the previous close
{
  let prev = first.v, k = 0, sum = 0, sum2 = 0, down2 = 0, days = 0;
  for (let d = Math.floor(first.t / DAY); d <= Math.floor(last.t / DAY); d++) {
    let close = prev;
    while (k < n && Math.floor(eq[k].t / DAY) === d) close = eq[k++].v;
    const r = close / prev - 1;
    sum += r;
    sum2 += r * r;
    down2 += r < 0 ? r * r : 0;
    days++;
    prev = close;
  }
  const mean = sum / days, v = (sum2 - days * mean * mean) / (days - 1);
  out.sharpe = mean / Math.sqrt(v) * Math.sqrt(365);
  out.sortino = mean / Math.sqrt(down2 / days) * Math.sqrt(365);
}
{
  let peak = first.v, dd = 0;
  for (const p of eq) {
    if (p.v >= peak) peak = p.v;
    else dd = Math.max(dd, 1 - p.v / peak);
  }
  out.max_drawdown = dd;
}
out.calmar = out.cagr / out.max_drawdown;
{
  let wins = 0, gw = 0, gl = 0, sr = 0;
  for (const t of trades) {
    sr += t.r;
    if (t.pnl > 0) { wins++; gw += t.pnl; } else gl -= t.pnl;
  }
  out.trades = trades.length;
  out.win_rate = wins / trades.length;
  out.profit_factor = gw / gl;
  out.expectancy_r = sr / trades.length;
  const sorted = trades.slice().sort((a, b) => a.open - b.open);
  let covered = 0, end = first.t;
  for (const t of sorted) {
    const a = Math.max(t.open, end), b = Math.min(t.end, last.t);
    if (b > a) { covered += b - a; end = b; }
  }
  out.exposure = covered / (last.t - first.t);
  out.trades_per_day = trades.length / ((last.t - first.t) / DAY);
}
out.start_equity = first.v;
out.end_equity = last.v;

const values = JSON.parse(fs.readFileSync(valuesPath, 'utf8'));
let bad = 0;
for (const [k, want] of Object.entries(out)) {
  const got = values[k];
  const ok = typeof got === 'number' && Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want));
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${k}: report ${got}, recomputed ${want}`);
  if (!ok) bad++;
}
process.exit(bad ? 1 : 0);
