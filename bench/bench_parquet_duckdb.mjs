// DuckDB side of the Parquet benchmark (bench/run-parquet-bench.sh): the peer
// measured in the same run as bench_parquet, on the same files.
//
//   node bench/bench_parquet_duckdb.mjs read FILE --threads 1|default [--runs R]
//       Best of R: SELECT * FROM read_parquet(FILE) materialised in memory
//       (runAndReadAll: every column of every row fetched into DuckDB data
//       chunks held by this process).
//   node bench/bench_parquet_duckdb.mjs scan FILE --threads 1|default [--runs R]
//       Best of R: SELECT sum(hash(COLUMNS(*))) FROM read_parquet(FILE): decodes every
//       column inside the engine without materialising (DuckDB's decoder alone;
//       hash() keeps min/max statistics from answering the query).
//   node bench/bench_parquet_duckdb.mjs write SRC OUT --codec snappy|zstd|none
//                                       --threads 1|default [--runs R]
//       Loads SRC into an in-memory table, then best of R:
//       COPY t TO OUT (FORMAT parquet, COMPRESSION codec).
//
// Uses tests/interop/node_modules (scripts/npm-install.sh). Prints one
// `result key=value ...` line; peak_rss_kb is the whole node process (for
// read/scan: its peak after the first run).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const interop = path.join(HERE, '..', 'tests', 'interop');

function usage() {
  console.error('usage: bench_parquet_duckdb.mjs read|scan FILE --threads 1|default [--runs R]\n' +
                '       bench_parquet_duckdb.mjs write SRC OUT --codec C --threads 1|default [--runs R]');
  process.exit(2);
}

let duck;
try {
  const req = createRequire(path.join(interop, 'package.json'));
  duck = await import(pathToFileURL(req.resolve('@duckdb/node-api')).href);
} catch (e) {
  console.error(`bench_parquet_duckdb: cannot load @duckdb/node-api (${e.message}); run scripts/npm-install.sh`);
  process.exit(1);
}

const args = process.argv.slice(2);
const op = args[0];
const positional = op === 'write' ? 2 : 1;
const files = args.slice(1, 1 + positional);
const opts = { threads: 'default', runs: '5', codec: null };
for (let i = 1 + positional; i < args.length; i += 2) {
  const k = args[i].replace(/^--/, '');
  if (!(k in opts) || i + 1 >= args.length) usage();
  opts[k] = args[i + 1];
}
const runs = Number(opts.runs);
if (!['read', 'scan', 'write'].includes(op) || files.length !== positional || !(runs >= 1)) usage();
if (op === 'write' && !['snappy', 'zstd', 'none'].includes(opts.codec)) usage();

const config = opts.threads === 'default' ? {} : { threads: String(opts.threads) };
const instance = await duck.DuckDBInstance.create(':memory:', config);
const conn = await instance.connect();
// No caching of file contents or metadata between runs: every run decodes the file.
await conn.run('SET enable_external_file_cache = false');
await conn.run('SET parquet_metadata_cache = false');
const threads = (await conn.runAndReadAll("SELECT current_setting('threads')")).getRows()[0][0];
const q = s => `'${s.replaceAll("'", "''")}'`;

let best = Infinity;
let rows = 0;
let bytes = 0;
let rss = 0;
if (op === 'read' || op === 'scan') {
  const [file] = files;
  const sql = op === 'read' ? `SELECT * FROM read_parquet(${q(file)})`
    : `SELECT sum(hash(COLUMNS(*))) FROM read_parquet(${q(file)})`;
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    const reader = await conn.runAndReadAll(sql);
    const dt = Number(process.hrtime.bigint() - t0) / 1e9;
    if (op === 'read') rows = reader.currentRowCount;
    best = Math.min(best, dt);
    // Results of earlier runs are freed lazily by the GC: take the peak after
    // the first run, which holds exactly one result set.
    if (r === 0) rss = process.resourceUsage().maxRSS;
  }
  if (op === 'scan') {
    rows = Number((await conn.runAndReadAll(`SELECT count(*) FROM read_parquet(${q(file)})`)).getRows()[0][0]);
  }
  bytes = fs.statSync(file).size;
} else {
  const [src, out] = files;
  await conn.run(`CREATE TABLE t AS SELECT * FROM read_parquet(${q(src)})`);
  rows = Number((await conn.runAndReadAll('SELECT count(*) FROM t')).getRows()[0][0]);
  const codec = opts.codec === 'none' ? 'uncompressed' : opts.codec;
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    await conn.run(`COPY t TO ${q(out)} (FORMAT parquet, COMPRESSION ${codec})`);
    const dt = Number(process.hrtime.bigint() - t0) / 1e9;
    best = Math.min(best, dt);
  }
  rss = process.resourceUsage().maxRSS;
  bytes = fs.statSync(out).size;
}
conn.closeSync();
instance.closeSync();
console.log(`result op=${op} tool=duckdb threads=${threads} rows=${rows} runs=${runs} ` +
            `best_s=${best.toFixed(6)} rows_per_s=${Math.round(rows / best)} file_bytes=${bytes} ` +
            `file_mb_per_s=${(bytes / best / 1e6).toFixed(1)} peak_rss_kb=${rss}`);
