// SPDX-License-Identifier: Apache-2.0
//
// tests/interop/check_pnl_duckdb.mjs --parquant BIN --shared DIR
// Strategy P&L files written by parquant, checked by an independent engine:
// the real CSVs (../shared/data/strategies) and a generated zone file are
// converted to the four layouts; DuckDB reads the CSV itself and each
// output, and the row sets must be equal both ways (EXCEPT ALL), cell for
// cell: the wide file as the CSV, the partitioned dataset through
// hive_partitioning (minus its year/month keys), the long file as the
// CSV's UNPIVOT (the partitioned long dataset too, minus its keys).
// `parquant validate --input --parquet` must agree (exit 0).
import { DuckDBInstance } from '@duckdb/node-api';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const arg = (k) => { const i = process.argv.indexOf(k); return i > 0 ? process.argv[i + 1] : undefined; };
const PQ = arg('--parquant'), SHARED = arg('--shared');
if (!PQ || !SHARED) { console.error('usage: check_pnl_duckdb.mjs --parquant BIN --shared DIR'); process.exit(2); }
const dir = mkdtempSync(join(tmpdir(), 'pq-pnl-duckdb-'));
const db = await (await DuckDBInstance.create(':memory:')).connect();
let failed = 0;
const q = async (sql) => (await db.runAndReadAll(sql)).getRowObjectsJson();
const lit = (s) => `'${s.replaceAll("'", "''")}'`;

async function check(name, csv, meta, dateformat) {
  const opts = `header = true, all_varchar = false, sample_size = -1${dateformat ? `, dateformat = ${lit(dateformat)}` : ''}`;
  const src = `read_csv(${lit(csv)}, ${opts})`;
  const metaList = meta.map((m) => `"${m}"`).join(', ');
  for (const layout of ['wide', 'partitioned', 'long', 'partitioned-long']) {
    const out = join(dir, `${name}_${layout}`);
    execFileSync(PQ, ['convert', csv, out, '--layout', layout], { stdio: ['ignore', 'ignore', 'pipe'] });
    execFileSync(PQ, ['validate', '--input', csv, '--parquet', out], { stdio: ['ignore', 'ignore', 'pipe'] });
    let mine, theirs;
    if (layout === 'wide') { mine = `SELECT * FROM read_parquet(${lit(out)})`; theirs = `SELECT * FROM ${src}`; }
    if (layout === 'partitioned') {
      mine = `SELECT * EXCLUDE (year, month) FROM read_parquet(${lit(out + '/**/*.parquet')}, hive_partitioning = true)`;
      theirs = `SELECT * FROM ${src}`;
    }
    if (layout === 'long' || layout === 'partitioned-long') {
      mine = layout === 'long' ? `SELECT * FROM read_parquet(${lit(out)})`
        : `SELECT * EXCLUDE (year, month) FROM read_parquet(${lit(out + '/**/*.parquet')}, hive_partitioning = true)`;
      theirs = `SELECT ${metaList}, strategy, pnl FROM (UNPIVOT (SELECT * FROM ${src}) ON COLUMNS(* EXCLUDE (${metaList})) INTO NAME strategy VALUE pnl)`;
    }
    const [{ n: rows }] = await q(`SELECT count(*)::INT AS n FROM (${mine})`);
    const [{ a, b }] = await q(`SELECT (SELECT count(*) FROM ((${mine}) EXCEPT ALL (${theirs})))::INT AS a,
                                       (SELECT count(*) FROM ((${theirs}) EXCEPT ALL (${mine})))::INT AS b`);
    const ok = a === 0 && b === 0 && rows > 0;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${name} ${layout}: ${rows} rows, ${a} only in parquant's, ${b} only in DuckDB's CSV`);
    if (!ok) failed++;
  }
}

try {
  const S = join(SHARED, 'data', 'strategies');
  await check('sensex', join(S, 'sensex_500x82.csv'), ['Date', 'Day']);
  await check('enhanced', join(S, 'enhanced_zones_jan2023.csv'),
    ['Date', 'start_time', 'end_time', 'day', 'zone', 'market_regime', 'Regime_Confidence_%',
      'Market_regime_transition_threshold', 'capital'], '%d-%m-%Y');
  const gen = join(dir, 'zones.csv');
  execFileSync(PQ, ['generate', 'strategies', '--strategies', '300', '--days', '40', '--zones', '4', '--seed', '3', gen]);
  await check('generated_zones', gen, ['Date', 'Zone', 'Day']);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(failed ? `${failed} failed` : 'all equal');
process.exit(failed ? 1 : 0);
