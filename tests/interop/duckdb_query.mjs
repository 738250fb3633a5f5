// Runs one SQL query in DuckDB (@duckdb/node-api, in memory) and prints each
// result row as tab-separated JSON values, one line per row: the shell tests'
// oracle for the Parquet files mtrader writes (e.g. tests/cli/cli_journal_test.sh).
//
//   node duckdb_query.mjs SQL
//
// Fails (exit 1, with the command to run) when the npm packages are missing.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const [sql] = process.argv.slice(2);
if (!sql) {
  console.error('usage: node duckdb_query.mjs SQL');
  process.exit(2);
}
if (!fs.existsSync(path.join(HERE, 'node_modules'))) {
  console.error(`duckdb_query: ${path.join(HERE, 'node_modules')} is missing: run scripts/npm-install.sh`);
  process.exit(1);
}
const duck = await import('@duckdb/node-api');
const instance = await duck.DuckDBInstance.create(':memory:', { threads: '1' });
const conn = await instance.connect();
try {
  const rows = (await conn.runAndReadAll(sql)).getRowsJson();
  for (const r of rows) console.log(r.map((v) => JSON.stringify(v)).join('\t'));
} catch (e) {
  console.error(`duckdb_query: ${e.message}`);
  process.exit(1);
}
