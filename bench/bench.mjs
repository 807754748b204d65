#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
//
// bench/bench.mjs: the Parquet write/read benchmark, parquant against DuckDB, on the same rows.
//   node bench/bench.mjs --pq-bench PATH [--quick] [--case numeric:ROWS]... [--codecs snappy,zstd]
//                        [--threads 2] [--reps 3] [--dir DIR] [--json OUT] [--md OUT] [--build-info TEXT]
// Cases (default numeric:10000000 and strings:1000000; --quick: numeric:1000000, strings:100000):
//   numeric: c0_id BIGINT = i, c1_i64 BIGINT = h - 2^31, c2_f64 DOUBLE = h / 2^32 * 1000,
//            c3_i32 INTEGER = h % 1000
//   strings: c0_id, c1_str = 'v' || h % 100000, c2_text = 'item-' || h % 1000000 || '-' ||
//            repeat('x', h % 32), c3_f64
// with h = lowbias32((2*i + 1000003*k) mod 2^32) for column k; pq_bench.c builds the same rows.
// Per case x codec, both engines with the same thread count, median of `reps` runs:
//   write: DuckDB `COPY gen TO file (FORMAT parquet, COMPRESSION c)` of an in-memory table;
//          parquant pq_writer_open..close of an in-memory table (the table build is not timed);
//   read:  DuckDB `SELECT count(*), sum(..) / sum(length(..)) over every column FROM read_parquet`;
//          parquant: every row group of every column into memory, summed;
//   proj:  the third column alone (DuckDB `SELECT count(*), sum(c2)`; parquant pq_reader_select),
//          with the bytes parquant fetched from the file against that column's chunk sizes;
//   where: the rows with c0_id in [rows/2, rows/2 + rows/1000) (sorted id column: DuckDB `... WHERE`,
//          parquant pq_reader_set_filter, which skips row groups and pages by statistics and the
//          page index), with parquant's skip counters;
//   size:  the file each engine wrote.
// The per-column sums of both readers are compared, so both engines are known to hold the same
// rows.  Also shown: parquant reading DuckDB's file (same bytes for both readers).
// Prints a Markdown report (machine, build flags, versions, the table with parquant/DuckDB ratios;
// the goal is every ratio <= 1.00).
import { spawnSync, execSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { connect, duckVersion, sqlStr } from '../tests/interop/lib/duck.mjs';
import { SQL_MACROS } from '../tests/interop/duckdb_write.mjs';

const PRESETS = {
  numeric: ['id', 'i64', 'f64', 'i32'],
  strings: ['id', 'str', 'text', 'f64'],
};

function usage(msg) {
  if (msg) console.error('bench.mjs: ' + msg);
  console.error('usage: bench.mjs --pq-bench PATH [--quick] [--case numeric:ROWS]... [--codecs a,b] [--threads N] [--reps N] [--dir DIR] [--json OUT] [--md OUT] [--build-info TEXT]');
  process.exit(2);
}

function parseArgs(argv) {
  const o = { pqBench: null, cases: [], codecs: ['snappy', 'zstd'], threads: 2, reps: 3, dir: join(tmpdir(), 'pq-bench'),
    json: null, md: null, quick: false, buildInfo: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i], v = () => { if (i + 1 >= argv.length) usage(`${a} needs a value`); return argv[++i]; };
    if (a === '--pq-bench') o.pqBench = v();
    else if (a === '--quick') o.quick = true;
    else if (a === '--case') o.cases.push(v());
    else if (a === '--codecs') o.codecs = v().split(',');
    else if (a === '--threads') o.threads = Number(v());
    else if (a === '--reps') o.reps = Number(v());
    else if (a === '--dir') o.dir = v();
    else if (a === '--json') o.json = v();
    else if (a === '--md') o.md = v();
    else if (a === '--build-info') o.buildInfo = v();
    else usage(`unknown argument ${a}`);
  }
  if (!o.pqBench) usage('missing --pq-bench PATH');
  if (!o.cases.length) o.cases = o.quick ? ['numeric:1000000', 'strings:100000'] : ['numeric:10000000', 'strings:1000000'];
  for (const c of o.cases) {
    const [p, n] = c.split(':');
    if (!PRESETS[p] || !(Number(n) >= 0)) usage(`bad case ${c} (numeric:ROWS or strings:ROWS)`);
  }
  return o;
}

const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// DuckDB SELECT producing the preset's rows (same formulas as pq_bench.c).
function presetSelect(preset, rows) {
  const exprs = PRESETS[preset].map((kind, k) => {
    const h = `pq_h32((2 * i + ${1000003 * k}) % 4294967296)`;
    const name = `c${k}_${kind}`;
    switch (kind) {
      case 'id': return `i::BIGINT AS ${name}`;
      case 'i64': return `(${h}::BIGINT - 2147483648) AS ${name}`;
      case 'i32': return `(${h} % 1000)::INTEGER AS ${name}`;
      case 'f64': return `(${h}::DOUBLE / 4294967296.0 * 1000.0) AS ${name}`;
      case 'str': return `('v' || (${h} % 100000)::VARCHAR) AS ${name}`;
      case 'text': return `('item-' || (${h} % 1000000)::VARCHAR || '-' || repeat('x', (${h} % 32)::INTEGER)) AS ${name}`;
      default: throw new Error(kind);
    }
  });
  return `SELECT ${exprs.join(', ')} FROM range(${Number(rows)}) r(i)`;
}

// The read query: every column aggregated (string columns by length), as the peers' pq-bench does.
function readSql(preset, file) {
  const aggs = PRESETS[preset].map((kind, k) => {
    const name = `c${k}_${kind}`;
    return kind === 'str' || kind === 'text' ? `sum(length(${name}))` : `sum(${name})`;
  });
  return `SELECT count(*), ${aggs.join(', ')} FROM read_parquet(${sqlStr(file)})`;
}

// The projection query: the third column alone, summed (pq_bench's "proj").
function projSql(preset, file) {
  const kind = PRESETS[preset][2], name = `c2_${kind}`;
  return `SELECT count(*), ${kind === 'str' || kind === 'text' ? `sum(length(${name}))` : `sum(${name})`} FROM read_parquet(${sqlStr(file)})`;
}

// The filtered query: pq_bench's "where" (0.1 % of the rows by the sorted id, from the middle).
function whereSql(preset, file, rows) {
  const lo = Math.floor(rows / 2), hi = lo + Math.ceil(rows / 1000);
  return readSql(preset, file) + ` WHERE c0_id >= ${lo} AND c0_id < ${hi}`;
}

const rowSums = res => res.getRows()[0].map(v => (typeof v === 'number' ? v : String(v)));

// Median time of `reps` runs of `sql`, with the sums of the last run.
async function timedQuery(con, sql, reps) {
  const t = [];
  let sums = null;
  for (let k = 0; k < reps; k++) {
    const t0 = performance.now();
    const res = await con.runAndReadAll(sql);
    t.push((performance.now() - t0) / 1000);
    sums = rowSums(res);
  }
  return { s: median(t), all: t, rows_read: Number(sums[0]), sums: sums.slice(1) };
}

async function duckCase(con, preset, rows, codec, o) {
  const file = join(o.dir, `duck_${preset}_${rows}_${codec}.parquet`);
  const w = [], r = [];
  let sums = null;
  for (let k = 0; k < o.reps; k++) {
    rmSync(file, { force: true });
    let t0 = performance.now();
    await con.run(`COPY gen TO ${sqlStr(file)} (FORMAT parquet, COMPRESSION ${codec})`);
    w.push((performance.now() - t0) / 1000);
    t0 = performance.now();
    const res = await con.runAndReadAll(readSql(preset, file));
    r.push((performance.now() - t0) / 1000);
    sums = res.getRows()[0].map(v => (typeof v === 'number' ? v : String(v)));
    console.error(`bench: duckdb ${preset}:${rows} ${codec} rep ${k + 1}`);
  }
  const rg = Number((await con.runAndReadAll(`SELECT num_row_groups FROM parquet_file_metadata(${sqlStr(file)})`)).getRows()[0][0]);
  const proj = await timedQuery(con, projSql(preset, file), o.reps);
  const where = PRESETS[preset][0] === 'id' ? await timedQuery(con, whereSql(preset, file, rows), o.reps) : null;
  return { file, write_s: median(w), read_s: median(r), write_all: w, read_all: r, bytes: statSync(file).size, row_groups: rg, rows_read: Number(sums[0]), sums: sums.slice(1), proj, where };
}

function runPqBench(o, args) {
  const r = spawnSync(o.pqBench, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
  if (r.error) throw new Error(`cannot run ${o.pqBench}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${o.pqBench} ${args.join(' ')} failed with status ${r.status}`);
  return r.stdout.trim().split('\n').filter(Boolean).map(l => JSON.parse(l));
}

// True when parquant's row count and column sums (`prefix` read_ or table_) equal DuckDB's:
// integers exactly, doubles to 1e-9 relative (the summation order differs).
function sumsAgree(duck, pq, prefix) {
  const rows = pq && pq[prefix + 'rows'], sums = pq && pq[prefix + 'sums'];
  if (!sums || rows !== duck.rows_read || sums.length !== duck.sums.length) return false;
  return duck.sums.every((d, k) => {
    if (typeof d === 'number') {
      const p = Number(sums[k]);
      return Math.abs(p - d) <= 1e-9 * Math.max(1, Math.abs(d));
    }
    return String(sums[k]) === d;
  });
}

const cpuModel = () => {
  try { return execSync("lscpu | sed -n 's/^Model name: *//p'", { encoding: 'utf8' }).trim().split('\n')[0]; } catch { return cpus()[0]?.model || '?'; }
};

const f2 = x => (x === undefined || x === null || Number.isNaN(x) ? 'n/a' : x.toFixed(3));
const ratio = (p, d) => (p > 0 && d > 0 ? (p / d).toFixed(2) : 'n/a');

function markdown(o, info, results) {
  let md = `## parquant vs DuckDB: Parquet write / read\n\n`;
  md += `- machine: ${info.cpu} (${info.nproc} CPUs visible), ${info.date}\n`;
  md += `- parquant ${info.pq.parquant}: ${info.pq.build_type} build, ${info.pq.compiler}, flags \`${info.pq.c_flags}\`${o.buildInfo ? `, ${o.buildInfo}` : ''}\n`;
  md += `- DuckDB ${info.duckdb} (@duckdb/node-api ${info.nodeApi}), Node ${process.version}\n`;
  md += `- both engines ${o.threads} threads; median of ${o.reps} runs; times in seconds; ratio = parquant / DuckDB (goal: <= 1.00)\n\n`;
  md += `| case | codec | write DuckDB | write parquant | ratio | read DuckDB | read parquant | ratio | MB DuckDB | MB parquant | ratio | row groups D/P | same rows | parquant reads DuckDB file |\n`;
  md += `|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n`;
  for (const r of results) {
    const d = r.duck, p = r.pq || {};
    md += `| ${r.case} | ${r.codec} | ${f2(d.write_s)} | ${f2(p.write_s)} | ${ratio(p.write_s, d.write_s)} | ${f2(d.read_s)} | ${f2(p.read_s)} | ${ratio(p.read_s, d.read_s)} | ` +
      `${(d.bytes / 1048576).toFixed(1)} | ${p.bytes > 0 ? (p.bytes / 1048576).toFixed(1) : 'n/a'} | ${ratio(p.bytes, d.bytes)} | ${d.row_groups}/${p.read_row_groups ?? '?'} | ` +
      `${r.agree ? 'yes' : r.generated ? '**NO** (read back differs)' : '**NO** (generated rows differ)'} | ${r.cross ? f2(r.cross.read_s) + (r.crossAgree ? '' : ' (**sums differ**)') : 'n/a'} |\n`;
  }
  const all = results.flatMap(r => [r.pq?.write_s / r.duck.write_s, r.pq?.read_s / r.duck.read_s, r.pq?.bytes / r.duck.bytes]);
  const worst = Math.max(...all.map(x => (Number.isFinite(x) ? x : Infinity)));
  md += `\nWorst ratio: ${Number.isFinite(worst) ? worst.toFixed(2) : 'n/a (a parquant run failed)'}` +
    `${Number.isFinite(worst) && worst <= 1 ? ' (goal met)' : ' (goal not met)'}\n`;
  md += `\n### Reads (issue 3 goals: full read <= 0.80 x DuckDB; projection and filtered read <= 1.00 x; ` +
    `bytes fetched by the projection <= 1.10 x its chunks)\n\n`;
  md += `| case | codec | full D | full P | ratio | proj D | proj P | ratio | proj bytes / chunks | where D | where P | ratio | where rows D/P | where: row groups skipped, pages read/skipped, MB fetched |\n`;
  md += `|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n`;
  for (const r of results) {
    const d = r.duck, p = r.pq || {};
    const pb = p.proj_chunk_bytes > 0 ? (p.proj_bytes_read / p.proj_chunk_bytes).toFixed(3) : 'n/a';
    const wf = p.where_filter;
    md += `| ${r.case} | ${r.codec} | ${f2(d.read_s)} | ${f2(p.read_s)} | ${ratio(p.read_s, d.read_s)} | ${f2(d.proj?.s)} | ${f2(p.proj_s)} | ${ratio(p.proj_s, d.proj?.s)}${r.projAgree ? '' : ' (**sums differ**)'} | ${pb} | ` +
      `${d.where ? f2(d.where.s) : 'n/a'} | ${d.where ? f2(p.where_s) : 'n/a'} | ${d.where ? ratio(p.where_s, d.where.s) + (r.whereAgree ? '' : ' (**sums differ**)') : 'n/a'} | ` +
      `${d.where ? `${d.where.rows_read}/${p.where_rows}` : 'n/a'} | ${wf ? `${wf.row_groups_skipped}/${p.where_row_groups}, ${wf.pages_read}/${wf.pages_skipped}, ${(p.where_bytes_read / 1048576).toFixed(2)}` : 'n/a'} |\n`;
  }
  return md;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  mkdirSync(o.dir, { recursive: true });
  const pqInfo = runPqBench(o, ['--version'])[0];
  const { con } = await connect({ threads: o.threads });
  for (const m of SQL_MACROS) await con.run(m);
  const duckdbVersion = String((await con.runAndReadAll('SELECT version()')).getRows()[0][0]);
  const results = [];
  for (const c of o.cases) {
    const [preset, rowsS] = c.split(':');
    const rows = Number(rowsS);
    console.error(`bench: building ${c} in DuckDB (not timed)`);
    await con.run(`CREATE OR REPLACE TABLE gen AS ${presetSelect(preset, rows)}`);
    for (const codec of o.codecs) {
      const duck = await duckCase(con, preset, rows, codec, o);
      let pq = null, cross = null;
      try {
        pq = runPqBench(o, ['--case', c, '--codecs', codec, '--reps', String(o.reps), '--threads', String(o.threads), '--dir', o.dir])[0];
        cross = runPqBench(o, ['--read-file', duck.file, '--reps', String(o.reps), '--threads', String(o.threads)])[0];
      } catch (e) {
        console.error(`bench: ${e.message}`);
      }
      rmSync(duck.file, { force: true });
      results.push({ case: c, codec, duck, pq, cross,
        generated: sumsAgree(duck, pq, 'table_'), agree: sumsAgree(duck, pq, 'read_'), crossAgree: sumsAgree(duck, cross, 'read_'),
        projAgree: sumsAgree(duck.proj, pq, 'proj_'), whereAgree: !duck.where || sumsAgree(duck.where, pq, 'where_') });
    }
    await con.run('DROP TABLE gen');
  }
  const info = { cpu: cpuModel(), nproc: cpus().length, date: new Date().toISOString().slice(0, 10), pq: pqInfo, duckdb: duckdbVersion, nodeApi: duckVersion() };
  const md = markdown(o, info, results);
  process.stdout.write(md);
  if (o.md) writeFileSync(o.md, md);
  if (o.json) writeFileSync(o.json, JSON.stringify({ info, options: o, results }, null, 1) + '\n');
  if (results.some(r => !r.pq || !r.agree || !r.projAgree || !r.whereAgree)) process.exitCode = 1;
}

main().catch(e => { console.error(`bench.mjs: ${e && e.message ? e.message : e}`); process.exit(1); });
