// SPDX-License-Identifier: Apache-2.0
//
// tests/interop/check_backtest_duckdb.mjs --parquant BIN
// What `parquant backtest` writes, read by an independent engine: on a small
// generated NECROZMA tree, one run writes Parquet and one JSON (same inputs,
// SOURCE_DATE_EPOCH fixed).  DuckDB reads every <stem>_backtest.parquet and
// each row must equal the JSON run's result object, field by field, as
// doubles; each trade log must hold n_trades rows whose pnl_usd sum to the
// result's net_pnl, with pnl_usd = pips x 10 x lot - 0.1 x lot on every row
// and duration_minutes = the minutes between its entry and exit times; the
// ranking file must be ordered by composite score.
import { DuckDBInstance } from '@duckdb/node-api';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const arg = (k) => { const i = process.argv.indexOf(k); return i > 0 ? process.argv[i + 1] : undefined; };
const PQ = arg('--parquant');
if (!PQ) { console.error('usage: check_backtest_duckdb.mjs --parquant BIN'); process.exit(2); }
const dir = mkdtempSync(join(tmpdir(), 'pq-bt-duckdb-'));
const db = await (await DuckDBInstance.create(':memory:')).connect();
const q = async (sql) => (await db.runAndReadAll(sql)).getRowObjects();
const lit = (s) => `'${s.replaceAll("'", "''")}'`;
let failed = 0, checked = 0;
const fail = (m) => { failed++; console.log(`FAIL: ${m}`); };
const env = { ...process.env, SOURCE_DATE_EPOCH: '1767225600' };
const run = (args) => execFileSync(PQ, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });

try {
  const A = join(dir, 'a'), B = join(dir, 'b');
  run(['generate', 'necrozma', '--root', A, '--scale', 'small', '--seed', '5']);
  rmSync(join(A, 'backtest_results'), { recursive: true });
  cpSync(A, B, { recursive: true });
  run(['backtest', '--results-dir', A, '-w', '2', '--quiet', '--log-top', '3']);
  run(['backtest', '--results-dir', B, '--format', 'json', '--quiet', '--log-top', '0']);
  const RA = join(A, 'backtest_results'), RB = join(B, 'backtest_results');
  const FIELDS = ['n_trades', 'win_rate', 'profit_factor', 'total_return', 'sharpe_ratio', 'sortino_ratio',
    'calmar_ratio', 'max_drawdown', 'avg_win', 'avg_loss', 'largest_win', 'largest_loss', 'expectancy',
    'recovery_factor', 'ulcer_index', 'lot_size', 'gross_pnl', 'total_commission', 'net_pnl'];
  const results = new Map(); // "stem|strategy|lot" -> result
  const files = readdirSync(RA).filter((f) => f.endsWith('_backtest.parquet'));
  if (files.length !== 25) fail(`${files.length} result files, expected 25`);
  for (const f of files) {
    const stem = f.slice(0, -'_backtest.parquet'.length);
    const rows = await q(`SELECT * FROM read_parquet(${lit(join(RA, f))})`);
    const json = JSON.parse(readFileSync(join(RB, `${stem}_backtest.json`), 'utf8'));
    if (rows.length !== json.results.length) { fail(`${f}: ${rows.length} rows, JSON has ${json.results.length}`); continue; }
    rows.forEach((row, i) => {
      const want = json.results[i];
      if (row.strategy_name !== want.strategy_name) fail(`${f} row ${i}: strategy ${row.strategy_name} != ${want.strategy_name}`);
      for (const k of FIELDS) {
        const got = Number(row[k]);
        if (!Object.is(got, want[k])) fail(`${f} row ${i} ${k}: DuckDB ${got}, JSON ${want[k]}`);
        checked++;
      }
      results.set(`${stem}|${want.strategy_name}|${want.lot_size}`, want);
    });
  }
  // trade logs: <stem>__<strategy>__lot<lot>.parquet
  const logs = readdirSync(join(RA, 'detailed_trades')).filter((f) => f.endsWith('.parquet'));
  if (logs.length !== 75) fail(`${logs.length} trade logs, expected 75 (3 per universe)`);
  for (const f of logs) {
    const [stem, strategy, lotPart] = f.slice(0, -'.parquet'.length).split('__');
    const lot = Number(lotPart.slice(3));
    const r = results.get(`${stem}|${strategy}|${lot}`);
    if (!r) { fail(`${f}: no such result`); continue; }
    const p = lit(join(RA, 'detailed_trades', f));
    const [s] = await q(`SELECT count(*) AS n, coalesce(sum(pnl_usd), 0) AS net,
        coalesce(max(abs(pnl_usd - (pnl_pips * 10 * ${lot} - 0.1 * ${lot}))), 0) AS usd_err,
        coalesce(max(abs(date_diff('minute', entry_time::TIMESTAMPTZ, exit_time::TIMESTAMPTZ) - duration_minutes)), 0) AS min_err,
        count(*) FILTER (WHERE exit_reason NOT IN ('stop_loss', 'take_profit', 'signal')) AS bad_reason
      FROM read_parquet(${p})`);
    if (Number(s.n) !== r.n_trades) fail(`${f}: ${s.n} trades, the result says ${r.n_trades}`);
    if (Math.abs(Number(s.net) - r.net_pnl) > 1e-9 * (1 + Math.abs(r.net_pnl))) fail(`${f}: trades sum to ${s.net}, net_pnl ${r.net_pnl}`);
    if (Number(s.usd_err) > 1e-9) fail(`${f}: pnl_usd disagrees with pnl_pips by ${s.usd_err}`);
    if (Number(s.min_err) !== 0) fail(`${f}: duration_minutes off by ${s.min_err}`);
    if (Number(s.bad_reason) !== 0) fail(`${f}: an unknown exit_reason`);
    checked += 5;
  }
  const rank = join(RA, 'EURUSD_2025_backtest_ranking.parquet');
  const [o] = await q(`SELECT count(*) AS n, count(*) FILTER (WHERE next_score > composite_score) AS disorder
    FROM (SELECT composite_score, lead(composite_score) OVER (ORDER BY rank) AS next_score FROM read_parquet(${lit(rank)}))`);
  if (Number(o.n) !== results.size) fail(`ranking: ${o.n} rows, expected ${results.size}`);
  if (Number(o.disorder) !== 0) fail(`ranking: ${o.disorder} ranks out of composite-score order`);
  checked += 2;
} catch (e) {
  fail(`${e.message}${e.stderr ? `: ${e.stderr}` : ''}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`${checked} checks, ${failed} failed`);
process.exit(failed ? 1 : 0);
