#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
//
// bench/strategies.mjs: the strategy P&L benchmark (issue 5), run by bench/strategies.sh.
//   node bench/strategies.mjs --parquant BIN --load BIN --work DIR [--reps 3] [--big]
// 1. 25,544 x 82 generated CSV (parquant generate strategies, seed 1) -> Parquet: parquant
//    convert (wide) against DuckDB's COPY (SELECT * FROM read_csv(...)) TO ... (FORMAT parquet),
//    both on all cores, medians of --reps runs after a warm-up read; sizes;
// 2. Parquet -> matrix (pq_pnl_load, bench_pnl_load): 25,544 x 82 wide (goal <= 50 ms),
//    100,000 x 250 wide (goal <= 1 s);
// 3. with --big: 1,000,000 x 250 through the long layout and a year/month dataset of long
//    files (a dataset of wide files repeats 1M columns of metadata per month: 15 GB), load
//    time and peak memory (goal: within 4 GB).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { connect, duckVersion, sqlStr } from '../tests/interop/lib/duck.mjs';

const arg = (k, d) => { const i = process.argv.indexOf(k); return i > 0 ? process.argv[i + 1] : d; };
const PQ = arg('--parquant'), LOAD = arg('--load'), WORK = arg('--work');
const REPS = Number(arg('--reps', '3')), BIG = process.argv.includes('--big');
mkdirSync(WORK, { recursive: true });
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const mb = (b) => (b / 1e6).toFixed(1);
const sizeOf = (p) => {
  const st = statSync(p);
  if (!st.isDirectory()) return st.size;
  return readdirSync(p, { recursive: true }).map((f) => statSync(join(p, f))).filter((s) => s.isFile())
    .reduce((a, s) => a + s.size, 0);
};
function run(cmd, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return { s, out: r.stdout.toString() };
}
const load = (p, runs) => JSON.parse(run(LOAD, [p, String(runs)]).out);

const { con } = await connect({ threads: cpus().length });
const lines = [];
const say = (l) => { lines.push(l); console.log(l); };
say(`## parquant strategy P&L (issue 5 benchmark)\n`);
say(`- ${cpus().length} cores (${cpus()[0].model}); DuckDB ${duckVersion()}; medians of ${REPS} runs\n`);

// 1. CSV -> Parquet
const csv = join(WORK, 'pnl_25544x82.csv');
run(PQ, ['generate', 'strategies', '--strategies', '25544', '--days', '82', '--seed', '1', csv]);
readFileSync(csv); // warm
const ours = join(WORK, 'ours.parquet'), theirs = join(WORK, 'duckdb.parquet');
const tp = [], td = [];
for (let i = 0; i < REPS; i++) {
  rmSync(ours, { force: true });
  tp.push(run(PQ, ['convert', csv, ours]).s);
  rmSync(theirs, { force: true });
  const t0 = process.hrtime.bigint();
  await con.run(`COPY (SELECT * FROM read_csv(${sqlStr(csv)}, header = true)) TO ${sqlStr(theirs)} (FORMAT parquet)`);
  td.push(Number(process.hrtime.bigint() - t0) / 1e9);
}
const csvBytes = statSync(csv).size;
say(`### 1. 25,544 x 82 CSV (${mb(csvBytes)} MB) -> Parquet\n`);
say(`| engine | seconds | MB/s of CSV | output MB | vs CSV |`);
say(`|---|---|---|---|---|`);
say(`| parquant convert (wide, snappy) | ${median(tp).toFixed(3)} | ${(csvBytes / 1e6 / median(tp)).toFixed(1)} | ${mb(sizeOf(ours))} | ${(100 * sizeOf(ours) / csvBytes).toFixed(1)} % |`);
say(`| DuckDB COPY read_csv (snappy) | ${median(td).toFixed(3)} | ${(csvBytes / 1e6 / median(td)).toFixed(1)} | ${mb(sizeOf(theirs))} | ${(100 * sizeOf(theirs) / csvBytes).toFixed(1)} % |`);
say(`\nparquant / DuckDB time: ${(median(tp) / median(td)).toFixed(2)} (goal: < 1, faster than DuckDB): ${median(tp) < median(td) ? 'met' : '**not met**'}; all runs parquant ${tp.map((x) => x.toFixed(3)).join(', ')}, DuckDB ${td.map((x) => x.toFixed(3)).join(', ')}\n`);
const zs = join(WORK, 'ours_zstd.parquet');
run(PQ, ['convert', csv, zs, '--compression', 'zstd']);
const un = join(WORK, 'ours_none.parquet');
run(PQ, ['convert', csv, un, '--compression', 'none']);
say(`zstd: ${mb(sizeOf(zs))} MB; uncompressed: ${mb(sizeOf(un))} MB.\n`);

// 2. loads
say(`### 2. Parquet -> matrix (pq_pnl_load: strategy-major doubles, names, dates)\n`);
say(`| file | rows x strategies | median ms | best ms | peak RSS MiB | goal |`);
say(`|---|---|---|---|---|---|`);
for (const [f, name] of [[ours, 'wide, snappy'], [zs, 'wide, zstd'], [un, 'wide, uncompressed']]) {
  const r = load(f, 9);
  say(`| 25,544 x 82 ${name} | ${r.rows} x ${r.strategies} | ${r.median_ms.toFixed(1)} | ${r.best_ms.toFixed(1)} | ${r.peak_rss_mib} | <= 50 ms: ${r.median_ms <= 50 ? 'met' : '**not met**'} |`);
}
const csv100 = join(WORK, 'pnl_100000x250.csv'), pq100 = join(WORK, 'pnl_100000x250.parquet');
run(PQ, ['generate', 'strategies', '--strategies', '100000', '--days', '250', '--seed', '2', csv100]);
const conv100 = run(PQ, ['convert', csv100, pq100]).s;
const r100 = load(pq100, 5);
say(`| 100,000 x 250 wide, snappy | ${r100.rows} x ${r100.strategies} | ${r100.median_ms.toFixed(1)} | ${r100.best_ms.toFixed(1)} | ${r100.peak_rss_mib} | <= 1 s: ${r100.median_ms <= 1000 ? 'met' : '**not met**'} |`);
say(`\n100,000 x 250: CSV ${mb(statSync(csv100).size)} MB converted in ${conv100.toFixed(2)} s to ${mb(sizeOf(pq100))} MB.\n`);
rmSync(csv100, { force: true });

// 3. 1M x 250
if (BIG) {
  const csv1m = join(WORK, 'pnl_1m.csv');
  const g = run(PQ, ['generate', 'strategies', '--strategies', '1000000', '--days', '250', '--seed', '3', csv1m]).s;
  say(`### 3. 1,000,000 x 250 (CSV ${mb(statSync(csv1m).size)} MB, generated in ${g.toFixed(1)} s)\n`);
  say(`| layout | convert s | MB | load median ms | peak RSS MiB | goal (within 4 GB) |`);
  say(`|---|---|---|---|---|---|`);
  for (const layout of ['long', 'partitioned-long']) {
    const out = join(WORK, `pnl_1m_${layout}`);
    const c = run(PQ, ['convert', csv1m, out, '--layout', layout]).s;
    const r = load(out, 1);
    say(`| ${layout} | ${c.toFixed(1)} | ${mb(sizeOf(out))} | ${r.median_ms.toFixed(0)} | ${r.peak_rss_mib} | ${r.peak_rss_mib <= 4096 ? 'met' : '**not met**'} |`);
    rmSync(out, { recursive: true, force: true });
  }
  rmSync(csv1m, { force: true });
}
const md = arg('--md');
if (md) (await import('node:fs')).writeFileSync(md, lines.join('\n') + '\n');
