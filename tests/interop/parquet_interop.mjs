// Parquet interoperability test: mtrader's codec (through pqtool) against three
// independent implementations, DuckDB (@duckdb/node-api), hyparquet and polars
// (nodejs-polars), both ways.
//
//   node parquet_interop.mjs PQTOOL WORKDIR
//
// PQTOOL is tests/interop/pqtool (built by meson); WORKDIR is a scratch directory
// (emptied at start, removed on success, kept on failure for inspection).
// Fixtures come from $MT_FIXTURES (tests/fixtures).
//
// A: files written by DuckDB (V1 snappy, V2 zstd, gzip, uncompressed, 3 row groups;
//    plus an edge-value table with FLOAT, INT32, BOOLEAN, ns timestamps and
//    DELTA_LENGTH_BYTE_ARRAY strings), hyparquet-writer (DATA_PAGE_V2; snappy,
//    gzip, uncompressed; DELTA_BINARY_PACKED and BYTE_STREAM_SPLIT) and polars
//    (zstd, snappy, uncompressed; logical TIMESTAMP without converted_type) are
//    read by pqtool and compared value by value with the source. hyparquet also
//    reads each of them, to prove the oracle file holds the source values.
// B: files written by pqtool (every codec, row groups, pages, statistics, edge
//    values) are read by DuckDB (values, column types, parquet_metadata stats),
//    hyparquet (values, key-value metadata), polars (values, UTC timestamp
//    types) and by pqtool itself.
// C: the pandas/pyarrow fixture and the arrow-rs dictionary-fallback fixture are
//    read by pqtool, DuckDB, hyparquet and polars: identical.
//
// Doubles are compared bit for bit (any NaN equals any NaN; -0 differs from 0),
// integers and timestamps exactly. The first mismatch fails the test with the
// file, reader, column, row and both values.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MT_CREATED_BY = 'mtrader parquet writer 1';

function fail(msg) {
  console.error(`parquet_interop: FAIL: ${msg}`);
  if (WORK && fs.existsSync(WORK)) console.error(`parquet_interop: files kept in ${WORK}`);
  process.exit(1);
}

function check(cond, msg) {
  if (!cond) fail(msg);
}

const [PQTOOL, WORK] = process.argv.slice(2);
if (!PQTOOL || !WORK) {
  console.error('usage: node parquet_interop.mjs PQTOOL WORKDIR');
  process.exit(2);
}
const FIXTURES = process.env.MT_FIXTURES || path.join(HERE, '..', 'fixtures');

if (!fs.existsSync(path.join(HERE, 'node_modules'))) {
  fail(`${path.join(HERE, 'node_modules')} is missing: run scripts/npm-install.sh ` +
       '(installs @duckdb/node-api, hyparquet, hyparquet-compressors, hyparquet-writer, nodejs-polars)');
}
let duck, hyparquet, hyColumn, hyCompressors, hyWriter, pl;
try {
  duck = await import('@duckdb/node-api');
  hyparquet = await import('hyparquet');
  hyColumn = await import('hyparquet/src/column.js');
  hyCompressors = (await import('hyparquet-compressors')).compressors;
  hyWriter = await import('hyparquet-writer');
  pl = (await import('nodejs-polars')).default;
} catch (e) {
  fail(`cannot load the npm packages (${e.message}): run scripts/npm-install.sh`);
}

// ---------------------------------------------------------------- model ----
// A table is { cols: [{ name, kind, unit?, values }] } with kind one of
// 'double', 'float', 'int' (bigint values), 'string', 'ts' (bigint values in
// `unit`: 's', 'ms', 'us', 'ns'); null is a null. Reader output may add `ms`
// (pqtool's mt_pq_read_time_ms result) to a 'ts' column.
const NS_PER = { s: 1000000000n, ms: 1000000n, us: 1000n, ns: 1n };

const stats = { files: 0, comparisons: 0, values: 0 };

function floorDiv(a, b) {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

function doubleBits(v) {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, v);
  return '0x' + b.getBigUint64(0).toString(16).padStart(16, '0');
}

function show(v, unit) {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') return `${Object.is(v, -0) ? '-0' : v} (${doubleBits(v)})`;
  if (typeof v === 'bigint') return unit ? `${v} ${unit}` : `${v}`;
  return JSON.stringify(v);
}

function sameValue(kind, a, b) {
  if (a === null || b === null) return a === b;
  if (kind === 'double' || kind === 'float') {
    return (Number.isNaN(a) && Number.isNaN(b)) || Object.is(a, b);
  }
  return a === b;
}

// Compares table `got` (read by `reader`) with `want`, column by column.
function compareTables(file, reader, want, got) {
  const label = `${path.basename(file)} read by ${reader}`;
  check(got.cols.length === want.cols.length,
    `${label}: ${got.cols.length} columns (${got.cols.map(c => c.name)}), expected ` +
    `${want.cols.length} (${want.cols.map(c => c.name)})`);
  let n = 0;
  for (let j = 0; j < want.cols.length; j++) {
    const w = want.cols[j];
    const g = got.cols[j];
    check(g.name === w.name, `${label}: column ${j} is '${g.name}', expected '${w.name}'`);
    check(g.values.length === w.values.length,
      `${label}: column '${w.name}' has ${g.values.length} rows, expected ${w.values.length}`);
    check(g.kind === w.kind, `${label}: column '${w.name}' read as ${g.kind}, expected ${w.kind}`);
    for (let i = 0; i < w.values.length; i++) {
      const a = w.values[i];
      const b = g.values[i];
      if (w.kind === 'ts') {
        compareTimestamp(label, w, g, i);
      } else if (!sameValue(w.kind, a, b)) {
        fail(`${label}: column '${w.name}' row ${i}: expected ${show(a)}, got ${show(b)}`);
      }
    }
    n += w.values.length;
  }
  stats.comparisons++;
  stats.values += n;
  console.log(`  ok  ${label}: ${want.cols[0]?.values.length ?? 0} rows x ` +
              `${want.cols.length} columns = ${n} values identical`);
}

// A timestamp read in a finer or equal unit must be exact; in a coarser unit it
// must be the floor. pqtool's `ms` must be floor(instant / 1 ms).
function compareTimestamp(label, w, g, i) {
  const a = w.values[i];
  const b = g.values[i];
  const where = `${label}: column '${w.name}' row ${i}`;
  if (a === null || b === null) {
    if (a !== b) fail(`${where}: expected ${show(a, w.unit)}, got ${show(b, g.unit)}`);
    if (g.ms && g.ms[i] !== null) fail(`${where}: null, but pqtool ms is ${g.ms[i]}`);
    return;
  }
  const wantNs = a * NS_PER[w.unit];
  const gotNs = b * NS_PER[g.unit];
  const exp = NS_PER[g.unit] <= NS_PER[w.unit] ? wantNs
    : floorDiv(wantNs, NS_PER[g.unit]) * NS_PER[g.unit];
  if (gotNs !== exp) {
    fail(`${where}: expected ${show(a, w.unit)}, got ${show(b, g.unit)}`);
  }
  if (g.ms) {
    const ms = floorDiv(wantNs, NS_PER.ms);
    if (g.ms[i] !== ms) fail(`${where}: mt_pq_read_time_ms gave ${g.ms[i]}, expected ${ms}`);
  }
}

// -------------------------------------------------------------- readers ----
// Runs pqtool; any failure, and any sanitizer report even with status 0
// (UBSan may be set to continue), fails the test.
function runPqtool(args, input) {
  const r = spawnSync(PQTOOL, args, { input, encoding: 'utf8', maxBuffer: 1 << 30 });
  const what = `pqtool ${args.join(' ')}`;
  if (r.error) fail(`${what}: ${r.error.message}`);
  if (r.status !== 0) fail(`${what} failed (status ${r.status}, signal ${r.signal}):\n${r.stderr}`);
  if (/runtime error|Sanitizer/.test(r.stderr)) fail(`${what}: sanitizer report:\n${r.stderr}`);
  return r.stdout;
}

const PQ_UNITS = { MILLIS: 'ms', MICROS: 'us', NANOS: 'ns' };

function readPqtool(file) {
  const lines = runPqtool(['dump', file]).split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const header = JSON.parse(lines[0]);
  const cols = header.columns.map(c => {
    let kind = 'int';
    if (c.time_unit !== 'NONE' || c.type === 'INT96') kind = 'ts';
    else if (c.type === 'DOUBLE') kind = 'double';
    else if (c.type === 'FLOAT') kind = 'float';
    else if (c.type === 'BYTE_ARRAY') kind = 'string';
    const col = { name: c.name, kind, values: [] };
    if (kind === 'ts') {
      col.unit = c.type === 'INT96' ? 'ns' : PQ_UNITS[c.time_unit];
      col.ms = [];
    }
    return col;
  });
  check(lines.length - 1 === header.num_rows,
    `pqtool dump ${file}: ${lines.length - 1} row lines, header says ${header.num_rows}`);
  const special = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };
  for (let i = 1; i < lines.length; i++) {
    const row = JSON.parse(lines[i]);
    for (let j = 0; j < cols.length; j++) {
      const v = row[j];
      const c = cols[j];
      if (v === null) {
        c.values.push(null);
        if (c.ms) c.ms.push(null);
      } else if (c.kind === 'ts') {
        c.ms.push(BigInt(v[0]));
        c.values.push(BigInt(v[1]));
      } else if (c.kind === 'int') {
        c.values.push(BigInt(v));
      } else if (c.kind === 'double' || c.kind === 'float') {
        c.values.push(typeof v === 'string' ? special[v] : v);
      } else {
        c.values.push(v);
      }
    }
  }
  return { header, table: { cols } };
}

const DUCK_KINDS = {
  DOUBLE: ['double'], FLOAT: ['float'], BIGINT: ['int'], INTEGER: ['int'], SMALLINT: ['int'],
  TINYINT: ['int'], BOOLEAN: ['int'], VARCHAR: ['string'],
  'TIMESTAMP WITH TIME ZONE': ['ts', 'us'], TIMESTAMP: ['ts', 'us'],
  TIMESTAMP_MS: ['ts', 'ms'], TIMESTAMP_NS: ['ts', 'ns'], TIMESTAMP_S: ['ts', 's'],
};

function duckTimestamp(v) {
  if ('micros' in v) return v.micros;
  if ('millis' in v) return v.millis;
  if ('nanos' in v) return v.nanos;
  return v.seconds;
}

function sqlString(s) {
  return `'${s.replaceAll("'", "''")}'`;
}

async function readDuck(conn, file) {
  const desc = (await conn.runAndReadAll(
    `DESCRIBE SELECT * FROM read_parquet(${sqlString(file)})`)).getRowObjectsJson();
  const reader = await conn.runAndReadAll(`SELECT * FROM read_parquet(${sqlString(file)})`);
  const data = reader.getColumns();
  const cols = desc.map((d, j) => {
    const k = DUCK_KINDS[d.column_type];
    check(k, `${file} read by duckdb: column '${d.column_name}' has unexpected type ${d.column_type}`);
    const col = { name: d.column_name, kind: k[0], duckType: d.column_type, values: [] };
    if (k[1]) col.unit = k[1];
    const src = data[j] ?? [];
    for (const v of src) {
      if (v === null) col.values.push(null);
      else if (col.kind === 'ts') col.values.push(duckTimestamp(v));
      else if (col.kind === 'int') col.values.push(BigInt(v === true ? 1 : v === false ? 0 : v));
      else col.values.push(v);
    }
    return col;
  });
  return { table: { cols } };
}

function hyUnit(el) {
  const lt = el.logical_type;
  if (lt?.type === 'TIMESTAMP') return PQ_UNITS[lt.unit];
  if (el.converted_type === 'TIMESTAMP_MILLIS') return 'ms';
  if (el.converted_type === 'TIMESTAMP_MICROS') return 'us';
  if (el.type === 'INT96') return 'ns';
  return null;
}

// Timestamps come back as raw stored integers; the unit comes from the schema.
const HY_PARSERS = {
  timestampFromMilliseconds: v => BigInt(v),
  timestampFromMicroseconds: v => BigInt(v),
  timestampFromNanoseconds: v => BigInt(v),
};

function fileArrayBuffer(file) {
  const b = fs.readFileSync(file);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
}

async function readHyparquet(file) {
  const ab = fileArrayBuffer(file);
  const meta = hyparquet.parquetMetadata(ab);
  const leaves = meta.schema.slice(1);
  const rows = await hyparquet.parquetReadObjects({
    file: ab, compressors: hyCompressors, parsers: HY_PARSERS, rowFormat: 'object',
  });
  const cols = leaves.map(el => {
    const unit = hyUnit(el);
    let kind = 'int';
    if (unit) kind = 'ts';
    else if (el.type === 'DOUBLE') kind = 'double';
    else if (el.type === 'FLOAT') kind = 'float';
    else if (el.type === 'BYTE_ARRAY') kind = 'string';
    const col = { name: el.name, kind, values: [] };
    if (unit) col.unit = unit;
    for (const r of rows) {
      const v = r[el.name];
      if (v === null || v === undefined) col.values.push(null);
      else if (kind === 'int' || kind === 'ts') col.values.push(BigInt(v));
      else col.values.push(v);
    }
    return col;
  });
  return { meta, table: { cols } };
}

// nodejs-polars' JS conversions are not exact for int64: toArray() gives
// numbers (rounded beyond 2^53), a BigInt array becomes all nulls as Int64 or
// loses its signs as inferred UInt64. So integers and timestamps cross the
// JS/polars boundary as decimal strings, cast to and from Int64 inside polars.
const PL_INT_TYPES = ['Int8', 'Int16', 'Int32', 'Int64', 'UInt8', 'UInt16', 'UInt32', 'UInt64'];

function polarsInts(series) {
  return series.cast(pl.Utf8).toArray().map(v => (v === null ? null : BigInt(v)));
}

function readPolars(file) {
  const df = pl.readParquet(file);
  const cols = df.getColumns().map(s => {
    const d = s.dtype;
    const col = { name: s.name, polarsType: String(d) };
    if (d.variant === 'Float64' || d.variant === 'Float32') {
      col.kind = d.variant === 'Float64' ? 'double' : 'float';
      col.values = Array.from(s.toArray());
    } else if (PL_INT_TYPES.includes(d.variant)) {
      col.kind = 'int';
      col.values = polarsInts(s);
    } else if (d.variant === 'Datetime') {
      col.kind = 'ts';
      col.unit = d.timeUnit;
      col.timeZone = d.timeZone ?? null;
      col.values = polarsInts(s.cast(pl.Int64));
    } else if (d.variant === 'String' || d.variant === 'Utf8') {
      col.kind = 'string';
      col.values = s.toArray();
    } else {
      fail(`${file} read by polars: column '${s.name}' has unexpected type ${d}`);
    }
    return col;
  });
  return { table: { cols } };
}

// A polars DataFrame holding `table`; timestamps become Datetime(unit, UTC).
function polarsFrame(table) {
  return pl.DataFrame(table.cols.map(c => {
    if (c.kind === 'double') return pl.Series(c.name, c.values, pl.Float64);
    if (c.kind === 'float') return pl.Series(c.name, c.values, pl.Float32);
    if (c.kind === 'string') return pl.Series(c.name, c.values, pl.Utf8);
    const ints = pl.Series(c.name, c.values.map(v => (v === null ? null : String(v))), pl.Utf8).cast(pl.Int64);
    return c.kind === 'ts' ? ints.cast(pl.Datetime(c.unit, 'UTC')) : ints;
  }));
}

// Walks every page header of every column chunk (independently of all readers
// under test) and returns, per chunk, the list of { type, num_values, encoding,
// crc }: crc is 'none' when the header has none, else 'ok' (any other value
// fails: it must be zlib's CRC-32 of the compressed_page_size bytes after the
// header).
function walkPages(file) {
  const ab = fileArrayBuffer(file);
  const meta = hyparquet.parquetMetadata(ab);
  const view = new DataView(ab);
  const chunks = [];
  meta.row_groups.forEach((rg, g) => {
    rg.columns.forEach(cc => {
      const md = cc.meta_data;
      const dict = Number(md.dictionary_page_offset ?? 0n);
      const data = Number(md.data_page_offset);
      const start = dict > 0 && dict < data ? dict : data;
      const end = start + Number(md.total_compressed_size);
      const reader = { view, offset: start };
      const pages = [];
      while (reader.offset < end) {
        const h = hyColumn.parquetHeader(reader);
        const dh = h.data_page_header ?? h.data_page_header_v2 ?? h.dictionary_page_header;
        let crc = 'none';
        if (h.crc !== undefined) {
          const got = zlib.crc32(new Uint8Array(ab, reader.offset, h.compressed_page_size)) | 0;
          check(got === (h.crc | 0),
            `${path.basename(file)}: row group ${g} column '${md.path_in_schema.join('.')}': page ` +
            `at offset ${reader.offset}: crc ${h.crc | 0}, zlib crc32 of the page is ${got}`);
          crc = 'ok';
        }
        pages.push({ type: h.type, num_values: dh?.num_values, encoding: dh?.encoding, crc });
        reader.offset += h.compressed_page_size;
      }
      check(reader.offset === end,
        `${path.basename(file)}: row group ${g} column '${md.path_in_schema.join('.')}': ` +
        `pages end at ${reader.offset}, total_compressed_size says ${end}`);
      chunks.push({ group: g, column: md.path_in_schema.join('.'), rows: Number(rg.num_rows), pages });
    });
  });
  return { meta, chunks };
}

// -------------------------------------------------------- reference data ----
function loadReference() {
  const file = path.join(FIXTURES, 'interop', 'btcusdt_1h_5000.csv');
  check(fs.existsSync(file), `fixture ${file} is missing`);
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
  check(lines[0] === 'open_time,open,high,low,close,volume', `${file}: unexpected header ${lines[0]}`);
  const names = ['open', 'high', 'low', 'close', 'volume'];
  const t = { name: 'open_time', kind: 'ts', unit: 'ms', values: [] };
  const dbl = names.map(name => ({ name, kind: 'double', values: [] }));
  const trades = { name: 'trades', kind: 'int', optional: true, values: [] };
  const tag = { name: 'tag', kind: 'string', optional: true, values: [] };
  // A nullable INT64 with exact-integer traps (beyond 2^53, INT64 extremes) and
  // a nullable low-cardinality string (dictionary-encoded by DuckDB and
  // hyparquet-writer) holding '', non-ASCII, tab, quote and backslash.
  const specialInts = [9223372036854775807n, -9223372036854775808n, 9007199254740993n, -1n, 0n];
  const odd = 'ünï ✓ 𝄞 "q"\t\\N';
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i].split(',');
    check(f.length === 6, `${file}: line ${i + 1} has ${f.length} fields`);
    const r = i - 1;
    t.values.push(BigInt(f[0]));
    names.forEach((_, j) => dbl[j].values.push(Number(f[j + 1])));
    const vol = Number(f[5]);
    const open = Number(f[1]);
    const close = Number(f[4]);
    if (r % 7 === 3) trades.values.push(null);
    else if (r < specialInts.length * 3 && r % 3 === 1) trades.values.push(specialInts[(r - 1) / 3]);
    else trades.values.push(BigInt(Math.round(vol * 1000)) * (r % 2 ? -1n : 1n));
    if (r % 5 === 2) tag.values.push(null);
    else if (r % 11 === 0) tag.values.push('');
    else if (r % 13 === 0) tag.values.push(odd);
    else tag.values.push(close > open ? 'up' : close < open ? 'down' : 'flat');
  }
  return { cols: [t, ...dbl, trades, tag] };
}

// The edge table: special doubles/floats, INT32/INT64 extremes, timestamps in
// µs and ns (negative, sub-millisecond), awkward low-cardinality strings and a
// high-cardinality required one. `type` is pqtool's input type, `sql` DuckDB's.
function edgeTable(nrows) {
  const xs = [0, -0, NaN, Infinity, -Infinity, 5e-324, -5e-324, 2.2250738585072014e-308,
    1.7976931348623157e308, -1.7976931348623157e308, 0.1, 1 / 3, -123.456, 1e22, null, 8722.77];
  const fs32 = [0, -0, NaN, Infinity, -Infinity, 1.401298464324817e-45, 3.4028234663852886e38,
    Math.fround(0.1), null, -2.5, Math.fround(8722.77)];
  const i32 = [0n, -1n, 2147483647n, -2147483648n, null, 42n];
  const i64 = [9223372036854775807n, -9223372036854775808n, 9007199254740993n,
    -9007199254740993n, 0n, null, 1589155200000n];
  const tus = [-1n, 0n, 1n, 1589155200000123n, -62135596800000000n, null, 253402300799999999n];
  const tns = [0n, -1500000n, 1500000n, 1589155200000000001n, 9000000000000000000n,
    -86400000000000n, 999999n];
  const ss = ['', 'a', 'ünïcödé ✓ 𝄞', 'tab\there', 'new\nline\r\n', 'back\\slash', '\\N',
    'quote"\'', null, 'x'.repeat(5000), ' lead', 'trail ', '\u0001ctl'];
  const cols = [
    { name: 'id', kind: 'int', type: 'int64', sql: 'BIGINT', values: [] },
    { name: 'x', kind: 'double', type: 'double?', sql: 'DOUBLE', values: [] },
    { name: 'f', kind: 'float', type: 'float?', sql: 'FLOAT', values: [] },
    { name: 'i32', kind: 'int', type: 'int32?', sql: 'INTEGER', values: [] },
    { name: 'big', kind: 'int', type: 'int64?', sql: 'BIGINT', values: [] },
    { name: 't_us', kind: 'ts', unit: 'us', type: 'ts_us?', sql: 'TIMESTAMPTZ', values: [] },
    { name: 't_ns', kind: 'ts', unit: 'ns', type: 'ts_ns', sql: 'TIMESTAMP_NS', values: [] },
    { name: 's', kind: 'string', type: 'string?', sql: 'VARCHAR', values: [] },
    { name: 'name', kind: 'string', type: 'string', sql: 'VARCHAR', values: [] },
  ];
  const src = [null, xs, fs32, i32, i64, tus, tns, ss];
  for (let i = 0; i < nrows; i++) {
    cols[0].values.push(BigInt(i));
    for (let j = 1; j < src.length; j++) cols[j].values.push(src[j][i % src[j].length]);
    cols[8].values.push(`row-${i}-${'ü'.repeat(i % 7)}`);
  }
  return { cols };
}

// ------------------------------------------------------------ pqtool write ----
function tsvCell(kind, v) {
  if (v === null) return '\\N';
  if (kind === 'double' || kind === 'float') {
    if (Object.is(v, -0)) return '-0';
    return Number.isNaN(v) ? 'nan' : String(v);
  }
  if (kind === 'string') {
    return v.replace(/[\\\t\n\r]/g, c => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]);
  }
  return String(v);
}

const TSV_TYPES = { double: 'double', float: 'float', int: 'int64', string: 'string' };

function toTsv(table, types) {
  const head = table.cols.map((c, j) => {
    const t = types?.[j] ?? (c.kind === 'ts' ? `ts_${c.unit}` : TSV_TYPES[c.kind]) + (c.optional ? '?' : '');
    return `${c.name}:${t}`;
  });
  const n = table.cols[0].values.length;
  const out = [head.join('\t')];
  for (let i = 0; i < n; i++) out.push(table.cols.map(c => tsvCell(c.kind, c.values[i])).join('\t'));
  return out.join('\n') + '\n';
}

function pqtoolWrite(file, table, types, args) {
  runPqtool(['write', file, ...args], toTsv(table, types));
  check(fs.existsSync(file), `pqtool write ${file}: no file written`);
  stats.files++;
}

// ------------------------------------------------------------ statistics ----
function daysFromCivil(y, m, d) {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

// DuckDB prints timestamp statistics as 'YYYY-MM-DD HH:MM:SS[.fffffffff][+00]'.
function parseDuckTimestampNs(s) {
  const m = /^(\d{4,})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(?:\+00(?::00)?)?$/.exec(s);
  if (!m) return null;
  const days = BigInt(daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3])));
  const secs = days * 86400n + BigInt(Number(m[4]) * 3600 + Number(m[5]) * 60 + Number(m[6]));
  return secs * NS_PER.s + BigInt((m[7] ?? '').padEnd(9, '0'));
}

function parseDuckDouble(s) {
  const special = { inf: Infinity, '-inf': -Infinity, infinity: Infinity, '-infinity': -Infinity, nan: NaN };
  return s.toLowerCase() in special ? special[s.toLowerCase()] : Number(s);
}

function statValue(col, s) {
  if (col.kind === 'double') return parseDuckDouble(s);
  // DuckDB prints FLOAT statistics in their shortest float form.
  if (col.kind === 'float') return Math.fround(parseDuckDouble(s));
  if (col.kind === 'int') return BigInt(s);
  if (col.kind === 'ts') {
    const ns = parseDuckTimestampNs(s);
    check(ns !== null, `cannot parse DuckDB timestamp statistic '${s}'`);
    return ns;
  }
  return s;
}

function cmpStat(col, a, b) {
  if (col.kind === 'string') return Buffer.compare(Buffer.from(a), Buffer.from(b));
  return a < b ? -1 : a > b ? 1 : 0;
}

// Checks the min/max statistics of every row group and column of a file we
// wrote, as decoded by hyparquet (raw values) and as shown by DuckDB's
// parquet_metadata() (printed values; DuckDB shows infinite floating-point
// bounds as null). exact: min/max must equal the true min/max of the non-null,
// non-NaN values and DuckDB must show them; otherwise they must bound every
// value and DuckDB, where it shows them, must agree with hyparquet. null_count,
// when written, must be exact. Returns the number of checked statistics.
async function checkStats(conn, file, table, { expectStats, exact }) {
  const name = path.basename(file);
  const duckRows = (await conn.runAndReadAll(
    `SELECT row_group_id, path_in_schema, stats_min_value, stats_max_value, stats_null_count
     FROM parquet_metadata(${sqlString(file)})`)).getRowObjectsJson();
  const meta = hyparquet.parquetMetadata(fileArrayBuffer(file), { parsers: HY_PARSERS });
  let start = 0;
  let checked = 0;
  meta.row_groups.forEach((rg, g) => {
    const nrows = Number(rg.num_rows);
    rg.columns.forEach(cc => {
      const colName = cc.meta_data.path_in_schema.join('.');
      const col = table.cols.find(c => c.name === colName);
      check(col, `${name}: metadata lists unknown column ${colName}`);
      const where = `${name}: row group ${g} column '${col.name}'`;
      const d = duckRows.find(r => Number(r.row_group_id) === g && r.path_in_schema === colName);
      check(d, `${where}: missing from DuckDB's parquet_metadata()`);
      const st = cc.meta_data.statistics;
      const vals = col.values.slice(start, start + nrows);
      if (!expectStats) {
        check(st === undefined && d.stats_min_value === null && d.stats_max_value === null,
          `${where}: statistics written although disabled (${JSON.stringify(d)})`);
        return;
      }
      const nulls = vals.filter(v => v === null).length;
      if (st?.null_count !== undefined) {
        check(Number(st.null_count) === nulls, `${where}: stats null_count ${st.null_count}, column has ${nulls} nulls`);
      }
      if (d.stats_null_count !== null) {
        check(Number(d.stats_null_count) === nulls, `${where}: DuckDB null_count ${d.stats_null_count}, column has ${nulls} nulls`);
      }
      const toStat = v => (col.kind === 'ts' ? v * NS_PER[col.unit] : col.kind === 'int' ? BigInt(v) : v);
      const present = vals.filter(v => v !== null && !(typeof v === 'number' && Number.isNaN(v))).map(toStat);
      if (present.length === 0) return;
      check(st?.min_value !== undefined && st?.max_value !== undefined,
        `${where}: no min/max statistics (${JSON.stringify(st, (k, v) => (typeof v === 'bigint' ? `${v}` : v))})`);
      const lo = toStat(st.min_value);
      const hi = toStat(st.max_value);
      check(!(typeof lo === 'number' && Number.isNaN(lo)) && !(typeof hi === 'number' && Number.isNaN(hi)),
        `${where}: NaN in statistics (min ${show(lo)}, max ${show(hi)})`);
      let tmin = present[0];
      let tmax = present[0];
      for (const v of present) {
        if (cmpStat(col, v, tmin) < 0) tmin = v;
        if (cmpStat(col, v, tmax) > 0) tmax = v;
      }
      if (exact) {
        check(cmpStat(col, lo, tmin) === 0, `${where}: stats min ${show(lo)}, true min ${show(tmin)}`);
        check(cmpStat(col, hi, tmax) === 0, `${where}: stats max ${show(hi)}, true max ${show(tmax)}`);
        check(d.stats_min_value !== null && d.stats_max_value !== null,
          `${where}: DuckDB shows no min/max (${d.stats_min_value}, ${d.stats_max_value})`);
      } else {
        check(cmpStat(col, lo, tmin) <= 0, `${where}: stats min ${show(lo)} is above the value ${show(tmin)}`);
        check(cmpStat(col, hi, tmax) >= 0, `${where}: stats max ${show(hi)} is below the value ${show(tmax)}`);
      }
      for (const [shown, raw, which] of [[d.stats_min_value, lo, 'min'], [d.stats_max_value, hi, 'max']]) {
        if (shown === null) continue;
        check(cmpStat(col, statValue(col, shown), raw) === 0,
          `${where}: DuckDB shows ${which} ${shown}, the file holds ${show(raw)}`);
        checked++;
      }
      checked += 2;
    });
    start += nrows;
  });
  check(start === table.cols[0].values.length,
    `${name}: row groups cover ${start} rows, expected ${table.cols[0].values.length}`);
  console.log(`  ok  ${name}: ${checked} min/max statistics (file + DuckDB view) ` +
              `${expectStats ? (exact ? 'equal the true min/max' : 'bound all values') : 'absent as asked'}`);
  return checked;
}

// --------------------------------------------------------------- helpers ----
function withExtraTimestamps(ref) {
  const t = ref.cols[0];
  const tms = { name: 't_ms', kind: 'ts', unit: 'ms', values: t.values.slice() };
  const tns = { name: 't_ns', kind: 'ts', unit: 'ns', values: t.values.map(v => v * NS_PER.ms) };
  return { cols: [t, tms, tns, ...ref.cols.slice(1)] };
}

function reportPages(name, chunks) {
  const set = f => [...new Set(chunks.flatMap(ch => ch.pages.map(f)))].sort().join(', ');
  console.log(`      ${name}: ${chunks.length} column chunks, ` +
              `${chunks.reduce((n, ch) => n + ch.pages.length, 0)} pages (${set(p => p.type)}); ` +
              `encodings ${set(p => p.encoding)}; crc ${set(p => p.crc)}`);
}

function expectRowGroups(file, meta, min) {
  check(meta.row_groups.length >= min,
    `${path.basename(file)}: ${meta.row_groups.length} row groups, the test needs >= ${min}`);
}

// ------------------------------------------------------------ direction A ----
async function duckTableFrom(conn, table, name) {
  const sqlTypes = { double: 'DOUBLE', float: 'FLOAT', int: 'BIGINT', string: 'VARCHAR' };
  const tsTypes = { ms: 'TIMESTAMP_MS', us: 'TIMESTAMPTZ', ns: 'TIMESTAMP_NS' };
  const sql = c => c.sql ?? (c.kind === 'ts' ? tsTypes[c.unit] : sqlTypes[c.kind]);
  const defs = table.cols.map(c => `"${c.name}" ${sql(c)}`);
  await conn.run(`CREATE OR REPLACE TABLE ${name} (${defs.join(', ')})`);
  const app = await conn.createAppender(name);
  const n = table.cols[0].values.length;
  for (let i = 0; i < n; i++) {
    for (const c of table.cols) {
      const v = c.values[i];
      if (v === null) app.appendNull();
      else if (c.sql === 'BOOLEAN') app.appendBoolean(v === 1n);
      else if (c.sql === 'INTEGER') app.appendInteger(Number(v));
      else if (c.kind === 'double') app.appendDouble(v);
      else if (c.kind === 'float') app.appendFloat(v);
      else if (c.kind === 'int') app.appendBigInt(v);
      else if (c.kind === 'string') app.appendVarchar(v);
      else if (c.unit === 'ms') app.appendTimestampMilliseconds(new duck.DuckDBTimestampMillisecondsValue(v));
      else if (c.unit === 'us') app.appendTimestampTZ(new duck.DuckDBTimestampTZValue(v));
      else app.appendTimestampNanoseconds(new duck.DuckDBTimestampNanosecondsValue(v));
    }
    app.endRow();
  }
  app.closeSync();
}

async function directionA(conn, ref) {
  console.log('A: files written by DuckDB, hyparquet-writer and polars, read by mtrader (pqtool)');
  // DuckDB stores TIMESTAMPTZ as µs; t_ms / t_ns exercise the other units.
  const src = withExtraTimestamps(ref);
  const duckWant = { cols: src.cols.map(c => (c.name === 'open_time'
    ? { ...c, unit: 'us', values: c.values.map(v => v * 1000n) } : c)) };
  await duckTableFrom(conn, duckWant, 'ref');
  const duckFiles = [
    ['duckdb_v1_snappy.parquet', 'COMPRESSION snappy'],
    ['duckdb_v2_zstd.parquet', 'COMPRESSION zstd, PARQUET_VERSION V2'],
    ['duckdb_v1_gzip.parquet', 'COMPRESSION gzip'],
    ['duckdb_v1_uncompressed.parquet', 'COMPRESSION uncompressed'],
  ];
  for (const [name, opts] of duckFiles) {
    const file = path.join(WORK, name);
    await conn.run(`COPY ref TO ${sqlString(file)} (FORMAT parquet, ${opts}, ROW_GROUP_SIZE 2048)`);
    stats.files++;
    const { meta, chunks } = walkPages(file);
    expectRowGroups(file, meta, 3);
    reportPages(name, chunks);
    compareTables(file, 'hyparquet (oracle check)', duckWant, (await readHyparquet(file)).table);
    const { header, table } = readPqtool(file);
    check(header.columns[0].time_unit === 'MICROS' && header.columns[1].time_unit === 'MILLIS' &&
          header.columns[2].time_unit === 'NANOS',
      `${name}: pqtool time units ${header.columns.slice(0, 3).map(c => c.time_unit)}, expected MICROS,MILLIS,NANOS`);
    compareTables(file, 'mtrader', duckWant, table);
  }

  // Edge values and more types (FLOAT, INT32, BOOLEAN, naive TIMESTAMP_NS,
  // high-cardinality strings: DELTA_LENGTH_BYTE_ARRAY in V2).
  const edge = edgeTable(5000);
  edge.cols.push({ name: 'flag', kind: 'int', sql: 'BOOLEAN',
    values: edge.cols[0].values.map(v => (v % 5n === 4n ? null : v % 3n === 0n ? 1n : 0n)) });
  await duckTableFrom(conn, edge, 'edge');
  // DuckDB's Parquet writer stores -0.0 as +0.0 (hyparquet sees the same).
  const edgeWant = { cols: edge.cols.map(c => (c.kind === 'double' || c.kind === 'float'
    ? { ...c, values: c.values.map(v => (Object.is(v, -0) ? 0 : v)) } : c)) };
  for (const [name, opts] of [['duckdb_edge_v1_snappy.parquet', 'COMPRESSION snappy'],
    ['duckdb_edge_v2_zstd.parquet', 'COMPRESSION zstd, PARQUET_VERSION V2']]) {
    const file = path.join(WORK, name);
    await conn.run(`COPY edge TO ${sqlString(file)} (FORMAT parquet, ${opts}, ROW_GROUP_SIZE 2048)`);
    stats.files++;
    const { meta, chunks } = walkPages(file);
    expectRowGroups(file, meta, 2);
    reportPages(name, chunks);
    compareTables(file, 'hyparquet (oracle check)', edgeWant, (await readHyparquet(file)).table);
    compareTables(file, 'mtrader', edgeWant, readPqtool(file).table);
  }

  // hyparquet-writer: DATA_PAGE_V2 only; several row groups and pages.
  const schema = [
    { name: 'root', num_children: ref.cols.length },
    ...ref.cols.map(c => {
      if (c.kind === 'ts') {
        return { name: c.name, type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', repetition_type: 'REQUIRED' };
      }
      if (c.kind === 'double') return { name: c.name, type: 'DOUBLE', repetition_type: 'REQUIRED' };
      if (c.kind === 'int') return { name: c.name, type: 'INT64', repetition_type: 'OPTIONAL' };
      return { name: c.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' };
    }),
  ];
  const gzip = { GZIP: b => new Uint8Array(zlib.gzipSync(b)) };
  const hyFiles = [
    ['hyparquet_v2_snappy.parquet', { codec: 'SNAPPY', rowGroupSize: 1500, pageSize: 4096 }, {}],
    ['hyparquet_v2_gzip_delta_bss.parquet', { codec: 'GZIP', compressors: gzip, rowGroupSize: 2500 },
      { ts: 'DELTA_BINARY_PACKED', int: 'DELTA_BINARY_PACKED', double: 'BYTE_STREAM_SPLIT' }],
    ['hyparquet_v2_uncompressed.parquet', { codec: 'UNCOMPRESSED' }, {}],
  ];
  for (const [name, opts, enc] of hyFiles) {
    const file = path.join(WORK, name);
    hyWriter.parquetWriteFile({
      filename: file,
      schema,
      columnData: ref.cols.map(c => {
        const cd = { name: c.name, data: c.values };
        if (enc[c.kind]) cd.encoding = enc[c.kind];
        return cd;
      }),
      ...opts,
    });
    stats.files++;
    const { meta, chunks } = walkPages(file);
    expectRowGroups(file, meta, 2);
    reportPages(name, chunks);
    const dataPages = chunks.flatMap(ch => ch.pages.filter(p => p.type !== 'DICTIONARY_PAGE'));
    check(dataPages.every(p => p.type === 'DATA_PAGE_V2'),
      `${name}: expected only DATA_PAGE_V2 pages, found ${[...new Set(dataPages.map(p => p.type))]}`);
    for (const [kind, e] of Object.entries(enc)) {
      const names = ref.cols.filter(c => c.kind === kind).map(c => c.name);
      check(dataPages.length > 0 && chunks.filter(ch => names.includes(ch.column))
        .every(ch => ch.pages.every(p => p.encoding === e)),
        `${name}: columns ${names} are not all ${e}-encoded`);
    }
    if (opts.pageSize) {
      check(chunks.some(ch => ch.pages.length > 1), `${name}: no column chunk has several pages`);
    }
    compareTables(file, 'hyparquet (oracle check)', ref, (await readHyparquet(file)).table);
    const { header, table } = readPqtool(file);
    check(header.columns[0].time_unit === 'MILLIS',
      `${name}: pqtool open_time time unit ${header.columns[0].time_unit}, expected MILLIS`);
    compareTables(file, 'mtrader', ref, table);
  }

  // polars: zstd (polars' default; nodejs-polars' own default is uncompressed),
  // snappy and uncompressed. Every column OPTIONAL, open_time a logical
  // TIMESTAMP(UTC, MILLIS) without converted_type, strings dictionary-encoded.
  const frame = polarsFrame(ref);
  for (const codec of ['zstd', 'snappy', 'uncompressed']) {
    const name = `polars_${codec}.parquet`;
    const file = path.join(WORK, name);
    frame.writeParquet(file, { compression: codec });
    stats.files++;
    const { meta, chunks } = walkPages(file);
    reportPages(name, chunks);
    check(/^Polars/.test(meta.created_by ?? ''), `${name}: created_by '${meta.created_by}', expected Polars`);
    const codecs = [...new Set(meta.row_groups.flatMap(rg => rg.columns.map(cc => cc.meta_data.codec)))];
    check(codecs.length === 1 && codecs[0] === codec.toUpperCase(),
      `${name}: column chunk codecs ${codecs}, expected ${codec.toUpperCase()}`);
    const ts = meta.schema.find(el => el.name === 'open_time');
    check(ts?.logical_type?.type === 'TIMESTAMP' && ts.logical_type.unit === 'MILLIS' &&
          ts.logical_type.isAdjustedToUTC === true && ts.converted_type === undefined,
      `${name}: open_time schema ${JSON.stringify(ts)}, expected logical TIMESTAMP(UTC, MILLIS) without converted_type`);
    compareTables(file, 'hyparquet (oracle check)', ref, (await readHyparquet(file)).table);
    const { header, table } = readPqtool(file);
    check(header.columns[0].time_unit === 'MILLIS',
      `${name}: pqtool open_time time unit ${header.columns[0].time_unit}, expected MILLIS`);
    compareTables(file, 'mtrader', ref, table);
  }
  // Edge values through polars: -0, NaN, infinities, subnormals, FLOAT, INT64
  // extremes, µs and ns timestamps (negative, sub-millisecond), awkward strings.
  const polarsEdge = edgeTable(97);
  const edgeFile = path.join(WORK, 'polars_edge_zstd.parquet');
  polarsFrame(polarsEdge).writeParquet(edgeFile, { compression: 'zstd' });
  stats.files++;
  reportPages(path.basename(edgeFile), walkPages(edgeFile).chunks);
  compareTables(edgeFile, 'hyparquet (oracle check)', polarsEdge, (await readHyparquet(edgeFile)).table);
  compareTables(edgeFile, 'mtrader', polarsEdge, readPqtool(edgeFile).table);
}

// ------------------------------------------------------------ direction B ----
async function checkOurFile(conn, file, want, { rowGroup, page, statsOn, exact, kv }) {
  const n = want.cols[0].values.length;
  const { meta, chunks } = walkPages(file);
  const name = path.basename(file);
  reportPages(name, chunks);
  check(meta.created_by === MT_CREATED_BY, `${name}: created_by '${meta.created_by}', expected '${MT_CREATED_BY}'`);
  check(Number(meta.num_rows) === n, `${name}: num_rows ${meta.num_rows}, expected ${n}`);
  const groups = n === 0 ? meta.row_groups.length : Math.ceil(n / (rowGroup ?? 1048576));
  check(meta.row_groups.length === groups, `${name}: ${meta.row_groups.length} row groups, expected ${groups}`);
  const perPage = page ?? 20000;
  for (const ch of chunks) {
    const where = `${name}: row group ${ch.group} column '${ch.column}'`;
    const data = ch.pages.filter(p => p.type !== 'DICTIONARY_PAGE');
    check(data.every(p => p.type === 'DATA_PAGE'), `${where}: page types ${data.map(p => p.type)}, expected DATA_PAGE (v1)`);
    check(data.every(p => p.num_values <= perPage), `${where}: a page holds more than ${perPage} values`);
    check(data.reduce((s, p) => s + p.num_values, 0) === ch.rows,
      `${where}: pages hold ${data.reduce((s, p) => s + p.num_values, 0)} values, row group has ${ch.rows} rows`);
    check(data.length >= Math.ceil(ch.rows / perPage), `${where}: ${data.length} pages for ${ch.rows} rows`);
    check(ch.pages.every(p => p.crc === 'ok'), `${where}: a page without a crc`);
  }
  const gotKv = (meta.key_value_metadata ?? []).map(e => `${e.key}=${e.value}`);
  check(JSON.stringify(gotKv) === JSON.stringify(kv ?? []), `${name}: key-value metadata ${gotKv}, expected ${kv ?? []}`);

  // DuckDB: values, types, schema, statistics.
  const duckRead = await readDuck(conn, file);
  for (const c of duckRead.table.cols) {
    const w = want.cols.find(x => x.name === c.name);
    if (w?.kind === 'ts') {
      check(['TIMESTAMP WITH TIME ZONE', 'TIMESTAMP', 'TIMESTAMP_NS'].includes(c.duckType),
        `${name}: duckdb types '${c.name}' as ${c.duckType}, expected a timestamp`);
    }
  }
  compareTables(file, 'duckdb', want, duckRead.table);
  // polars: our UTC timestamps must come back as Datetime(same unit, UTC).
  const polarsRead = readPolars(file);
  for (const c of polarsRead.table.cols) {
    const w = want.cols.find(x => x.name === c.name);
    if (w?.kind === 'ts') {
      check(c.kind === 'ts' && c.unit === w.unit && c.timeZone === 'UTC',
        `${name}: polars types '${c.name}' as ${c.polarsType}, expected Datetime(${w.unit}, UTC)`);
    }
  }
  compareTables(file, 'polars', want, polarsRead.table);
  const schema = (await conn.runAndReadAll(
    `SELECT name, converted_type, logical_type FROM parquet_schema(${sqlString(file)})`)).getRowObjectsJson();
  for (const c of want.cols.filter(x => x.kind === 'ts')) {
    const s = schema.find(x => x.name === c.name);
    const conv = { ms: 'TIMESTAMP_MILLIS', us: 'TIMESTAMP_MICROS' }[c.unit];
    check(s && /TimestampType\(isAdjustedToUTC=1/.test(s.logical_type ?? '') &&
          (s.logical_type ?? '').includes({ ms: 'MILLIS', us: 'MICROS', ns: 'NANOS' }[c.unit]) &&
          (!conv || s.converted_type === conv),
      `${name}: column '${c.name}' schema ${JSON.stringify(s)}, expected logical TIMESTAMP(UTC, ${c.unit})` +
      (conv ? ` and converted_type ${conv}` : ''));
  }
  if (n > 0) await checkStats(conn, file, want, { expectStats: statsOn, exact });

  compareTables(file, 'hyparquet', want, (await readHyparquet(file)).table);
  compareTables(file, 'mtrader (round trip)', want, readPqtool(file).table);
}

async function directionB(conn, ref) {
  console.log('B: files written by mtrader (pqtool), read by DuckDB, hyparquet, polars and mtrader');
  const cases = [
    ['ours_none.parquet', ['--codec', 'none'], {}],
    ['ours_snappy_rg1500_p400.parquet', ['--codec', 'snappy', '--row-group', '1500', '--page', '400'],
      { rowGroup: 1500, page: 400 }],
    ['ours_zstd_rg2048_p1000.parquet', ['--codec', 'zstd', '--zstd-level', '9', '--row-group', '2048', '--page', '1000'],
      { rowGroup: 2048, page: 1000 }],
    ['ours_snappy_nostats_kv.parquet', ['--codec', 'snappy', '--no-stats', '--kv', 'symbol=BTCUSDT',
      '--kv', 'mtrader.note=tab\tand ünï'], { statsOff: true, kv: ['symbol=BTCUSDT', 'mtrader.note=tab\tand ünï'] }],
  ];
  for (const [name, args, o] of cases) {
    const file = path.join(WORK, name);
    pqtoolWrite(file, ref, null, args);
    await checkOurFile(conn, file, ref, { rowGroup: o.rowGroup, page: o.page, statsOn: !o.statsOff, exact: true, kv: o.kv });
  }

  const edge = edgeTable(97);
  const types = edge.cols.map(c => c.type);
  for (const [name, args, o] of [
    ['ours_edge_zstd_rg10_p3.parquet', ['--codec', 'zstd', '--row-group', '10', '--page', '3'], { rowGroup: 10, page: 3 }],
    ['ours_edge_snappy.parquet', ['--codec', 'snappy'], {}],
  ]) {
    const file = path.join(WORK, name);
    pqtoolWrite(file, edge, types, args);
    await checkOurFile(conn, file, edge, { rowGroup: o.rowGroup, page: o.page, statsOn: true, exact: false });
  }

  const empty = { cols: ref.cols.map(c => ({ ...c, values: [] })) };
  const file = path.join(WORK, 'ours_empty.parquet');
  pqtoolWrite(file, empty, null, ['--codec', 'snappy']);
  await checkOurFile(conn, file, empty, { statsOn: true, exact: true });
}

// ------------------------------------------------------------ direction C ----
// Files from writers we cannot run here: the real pandas/pyarrow file, and the
// arrow-rs file of tests/store (dictionary then PLAIN pages in one chunk).
async function directionC(conn) {
  console.log('C: pyarrow- and arrow-rs-written fixtures read by mtrader, DuckDB, hyparquet and polars');
  const fixtures = [
    ['pandas_btcusdt_1h_futures.parquet', 28310, 'timestamp', 'NANOS'],
    ['arrowrs_dict_fallback.parquet', null, null, null],
  ];
  for (const [name, rows, tsName, tsUnit] of fixtures) {
    const file = path.join(FIXTURES, 'parquet', name);
    check(fs.existsSync(file), `fixture ${file} is missing`);
    stats.files++;
    reportPages(name, walkPages(file).chunks);
    const duckT = (await readDuck(conn, file)).table;
    const hyT = (await readHyparquet(file)).table;
    const plT = readPolars(file).table;
    const { header, table } = readPqtool(file);
    if (rows !== null) {
      check(header.num_rows === rows, `${name}: pqtool reports ${header.num_rows} rows, expected ${rows}`);
    }
    if (tsName) {
      const ts = header.columns.find(c => c.name === tsName);
      check(ts && ts.time_unit === tsUnit, `${name}: pqtool column ${JSON.stringify(ts)}, expected ${tsUnit}`);
    }
    compareTables(file, 'mtrader vs duckdb', duckT, table);
    compareTables(file, 'mtrader vs hyparquet', hyT, table);
    compareTables(file, 'mtrader vs polars', plT, table);
  }
}

// ------------------------------------------------------------------ main ----
fs.rmSync(WORK, { recursive: true, force: true });
fs.mkdirSync(WORK, { recursive: true });
check(fs.existsSync(PQTOOL), `pqtool not found at ${PQTOOL}`);

const instance = await duck.DuckDBInstance.create(':memory:', { threads: '2' });
const conn = await instance.connect();
const ref = loadReference();
await directionA(conn, ref);
await directionB(conn, ref);
await directionC(conn);
conn.closeSync();
instance.closeSync();

console.log(`parquet_interop: OK: ${stats.files} files, ${stats.comparisons} reader/file comparisons, ` +
            `${stats.values} values identical`);
fs.rmSync(WORK, { recursive: true, force: true });
