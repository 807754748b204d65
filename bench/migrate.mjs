#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
//
// bench/migrate.mjs: the `parquant migrate` benchmark (issue 4), run by bench/migrate.sh on a tree
// that `parquant generate necrozma` wrote.  It times parquant (as a child process) and DuckDB
// (in-process, @duckdb/node-api from tests/interop/node_modules) on the same JSON files and
// prints a Markdown report.
//   node bench/migrate.mjs --parquant PATH --nz-load PATH --root TREE --work DIR
//                          [--reps 3] [--load-reps 7] [--scale NAME] [--md OUT] [--json OUT] [--build-info TEXT]
// TREE is migrated in place (as `parquant migrate --all --root TREE` does); everything a run
// writes is removed before the next one (files that were not in TREE at the start), so every
// repetition writes every file, shared candle files included.  DuckDB writes under --work.
// Measured, after reading every JSON file once (warm page cache), medians of --reps runs:
//   1. throughput: `migrate --all --jobs 1` and `--jobs <cores>`, with and without --no-verify,
//      in MB (1e6 bytes) of JSON per second; per core = the --jobs 1 figure (goal >= 150 MB/s);
//   2. per kind, against DuckDB's `COPY (SELECT * FROM read_json(f, maximum_object_size=...))
//      TO out (FORMAT parquet)` file by file, single-threaded (SET threads=1, against parquant
//      --jobs 1) and with DuckDB's default threads (against parquant --jobs <cores>); parquant
//      runs on the files DuckDB could convert only (hard links in --work), goal >= 3x;
//   3. sizes: every file a run writes (Parquet, candle files, trade tables, sidecars) per kind,
//      snappy (default) and zstd, against the JSON (goal >= 80 % smaller with snappy), and
//      DuckDB's output for reference;
//   4. one universe (the largest file): its stats table from Parquet (pq_nz_load_stats, all
//      columns and a 3-column projection) against parsing its JSON (pq_nz_load_json), by
//      bench_nz_load (goal >= 20x);
//   5. where the time goes: the phases of one file per kind (bench_nz_load --phases: parse,
//      write with fsync, write on /dev/shm, read back, compare, export).
import { spawnSync, execSync } from 'node:child_process';
import {
  closeSync, copyFileSync, existsSync, linkSync, mkdirSync, openSync, readSync, readdirSync, rmSync, rmdirSync,
  statSync, unlinkSync, writeFileSync,
} from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { basename, join, relative } from 'node:path';
import { connect, duckVersion, sqlStr } from '../tests/interop/lib/duck.mjs';

const KINDS = ['universe', 'backtest', 'trades'];
const KIND_DIR = { universe: 'universes', backtest: 'backtest_results', trades: 'backtest_results/detailed_trades' };
const GOAL = { mbps_per_core: 150, vs_duckdb: 3, snappy_saving: 80, load: 20 };

function usage(msg) {
  if (msg) console.error('migrate.mjs: ' + msg);
  console.error('usage: migrate.mjs --parquant PATH --nz-load PATH --root TREE --work DIR [--reps N] [--load-reps N] [--scale NAME] [--md OUT] [--json OUT] [--build-info TEXT]');
  process.exit(2);
}

function parseArgs(argv) {
  const o = { parquant: null, nzLoad: null, root: null, work: null, reps: 3, loadReps: 7, scale: '?', md: null, json: null, buildInfo: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i], v = () => { if (i + 1 >= argv.length) usage(`${a} needs a value`); return argv[++i]; };
    if (a === '--parquant') o.parquant = v();
    else if (a === '--nz-load') o.nzLoad = v();
    else if (a === '--root') o.root = v();
    else if (a === '--work') o.work = v();
    else if (a === '--reps') o.reps = Number(v());
    else if (a === '--load-reps') o.loadReps = Number(v());
    else if (a === '--scale') o.scale = v();
    else if (a === '--md') o.md = v();
    else if (a === '--json') o.json = v();
    else if (a === '--build-info') o.buildInfo = v();
    else usage(`unknown argument ${a}`);
  }
  if (!o.parquant || !o.nzLoad || !o.root || !o.work) usage('missing --parquant, --nz-load, --root or --work');
  if (!(o.reps >= 1) || !(o.loadReps >= 1)) usage('--reps and --load-reps expect >= 1');
  return o;
}

const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sum = xs => xs.reduce((a, b) => a + b, 0);
const log = msg => console.error('bench-migrate: ' + msg);

// ------------------------------------------------------------------------------ the tree

function walk(dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}

// path -> inode of every file (a file written through a temporary name gets a new inode).
const snapshot = root => new Map(walk(root).map(p => [p, statSync(p).ino]));

// The kind a file under the tree belongs to, by folder.
function kindOfPath(root, p) {
  const rel = relative(root, p);
  if (rel.startsWith(KIND_DIR.trades + '/')) return 'trades';
  if (rel.startsWith(KIND_DIR.backtest + '/')) return 'backtest';
  if (rel.startsWith(KIND_DIR.universe + '/')) return 'universe';
  return 'other';
}

// The JSON files `parquant migrate` takes for kind k in `dir` (cmd_migrate.c: wanted()).
function isData(k, name) {
  if (!name.endsWith('.json') || name.endsWith('_metadata.json') || name.startsWith('.')) return false;
  if (k === 'universe') return (name.startsWith('universe_') || name.includes('_universe_')) && !name.endsWith('_backtest.json');
  if (k === 'backtest') return name.endsWith('_backtest.json');
  return true;
}

function dataFiles(dir, k) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).filter(e => e.isFile() && isData(k, e.name))
    .map(e => ({ path: join(dir, e.name), bytes: statSync(join(dir, e.name)).size }))
    .sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : 1));
}

// Files written since the snapshot, bytes per kind.
function writtenBytes(root, snap) {
  const by = { universe: 0, backtest: 0, trades: 0, other: 0 }, files = { universe: 0, backtest: 0, trades: 0, other: 0 };
  for (const p of walk(root)) {
    if (snap.get(p) === statSync(p).ino) continue;
    const k = kindOfPath(root, p);
    by[k] += statSync(p).size;
    files[k]++;
  }
  return { bytes: by, files };
}

// Remove what a run wrote: files not in the snapshot, then folders that became empty.
function cleanTree(root, snap) {
  for (const p of walk(root)) if (!snap.has(p)) unlinkSync(p);
  const prune = dir => {
    for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) prune(join(dir, e.name));
    if (dir !== root && readdirSync(dir).length === 0 && ![...snap.keys()].some(p => p.startsWith(dir + '/'))) rmdirSync(dir);
  };
  prune(root);
}

// Read every file once so that every timed run starts from a warm page cache.
function warm(files) {
  const buf = Buffer.allocUnsafe(1 << 22);
  for (const f of files) {
    const fd = openSync(f, 'r');
    while (readSync(fd, buf, 0, buf.length, null) > 0);
    closeSync(fd);
  }
}

// ------------------------------------------------------------------------------ parquant

// One `parquant migrate` run, timed from outside; fails unless every file was done.
function pqMigrate(o, args, expectFiles) {
  const t0 = performance.now();
  const r = spawnSync(o.parquant, ['migrate', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 });
  const s = (performance.now() - t0) / 1000;
  if (r.error) throw new Error(`cannot run ${o.parquant}: ${r.error.message}`);
  const m = /^migrate: (\d+) done, (\d+) skipped[^\n]*?, (\d+) failed/m.exec(r.stdout);
  if (r.status !== 0 || !m || Number(m[1]) !== expectFiles || Number(m[3]) !== 0)
    throw new Error(`parquant migrate ${args.join(' ')}: status ${r.status}, expected ${expectFiles} files done\n${r.stdout.slice(-2000)}${r.stderr.slice(-2000)}`);
  const rate = /in ([\d.]+) s, ([\d.]+) MB\/s/.exec(r.stdout);
  return { s, own_s: rate ? Number(rate[1]) : null, warnings: r.stderr.split('\n').filter(l => l.includes('warning')).length };
}

// Median of `reps` runs of each configuration, the configurations interleaved run by run so
// that a slow moment of the machine does not fall on one of them only.  `clean` runs before
// every run; the outputs of the last run are left in place.
function timeConfigs(o, configs, clean) {
  const times = configs.map(() => []);
  let last = null;
  for (let k = 0; k < o.reps; k++)
    configs.forEach((c, i) => {
      clean();
      last = pqMigrate(o, c.args, c.files);
      times[i].push(last.s);
      log(`${c.label} rep ${k + 1}: ${last.s.toFixed(2)} s`);
    });
  return configs.map((c, i) => ({ ...c, s: median(times[i]), all: times[i] }));
}

function nzLoad(o, args) {
  const r = spawnSync(o.nzLoad, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.error || r.status !== 0) throw new Error(`${o.nzLoad} ${args.join(' ')} failed (${r.error ? r.error.message : 'status ' + r.status})`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

// ------------------------------------------------------------------------------ DuckDB

// A universe is one JSON object of tens of MB: read_json needs maximum_object_size above the
// file's size (default 16 MB).  Power of two at least 16 MB, at most 4 GB - 1 (UINTEGER).
function maxObjectSize(bytes) {
  let m = 16 << 20;
  while (m <= bytes + 1024 && m < 2 ** 31) m *= 2;
  return Math.min(m, 2 ** 32 - 1);
}

const duckCopySql = (file, bytes, out) =>
  `COPY (SELECT * FROM read_json(${sqlStr(file)}, maximum_object_size=${maxObjectSize(bytes)})) TO ${sqlStr(out)} (FORMAT parquet)`;

// DuckDB over the files of one kind, file by file: which it could convert (first run), then
// the total time of the convertible ones, median of `reps` runs, and the size it wrote.
async function duckKind(con, files, outDir, reps, label) {
  mkdirSync(outDir, { recursive: true });
  const ok = [], failed = [], times = [];
  let outBytes = 0;
  for (let k = 0; k < reps; k++) {
    let t = 0;
    outBytes = 0;
    for (const f of k === 0 ? files : ok) {
      const out = join(outDir, basename(f.path, '.json') + '.parquet');
      rmSync(out, { force: true });
      const t0 = performance.now();
      try {
        await con.run(duckCopySql(f.path, f.bytes, out));
      } catch (e) {
        failed.push({ file: basename(f.path), error: String(e.message || e).split('\n')[0].slice(0, 300) });
        continue;
      }
      t += (performance.now() - t0) / 1000;
      outBytes += statSync(out).size;
      if (k === 0) ok.push(f);
    }
    times.push(t);
    log(`duckdb ${label} rep ${k + 1}: ${t.toFixed(2)} s, ${ok.length}/${files.length} files`);
  }
  rmSync(outDir, { recursive: true, force: true });
  return { ok, failed, s: median(times), all: times, out_bytes: outBytes, json_bytes: sum(ok.map(f => f.bytes)) };
}

// ------------------------------------------------------------------------------ the report

const MB = b => b / 1e6;
const fmt = (x, d = 2) => (x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(d));
const pct = (before, after) => (before > 0 ? 100 * (1 - after / before) : NaN);
const met = (ok) => (ok ? 'met' : '**not met**');
const cpuModel = () => {
  try { return execSync("lscpu | sed -n 's/^Model name: *//p'", { encoding: 'utf8' }).trim().split('\n')[0]; } catch { return cpus()[0]?.model || '?'; }
};

function mdThroughput(R) {
  let md = `### 1. Migration throughput: \`parquant migrate --all\`\n\n`;
  md += `${fmt(MB(R.tree.json_bytes), 1)} MB of JSON in ${R.tree.files} files; median of ${R.reps} runs (all runs: seconds); MB = 10^6 bytes.\n\n`;
  md += `| jobs | verification | time (s) | MB/s | MB/s per core | goal >= ${GOAL.mbps_per_core} MB/s per core | all runs |\n|---|---|---|---|---|---|---|\n`;
  for (const c of R.all) {
    const mbps = MB(R.tree.json_bytes) / c.s, per = mbps / c.jobs;
    md += `| ${c.jobs} | ${c.verify ? 'on (default)' : 'off (--no-verify)'} | ${fmt(c.s)} | ${fmt(mbps, 1)} | ${fmt(per, 1)} | ${met(per >= GOAL.mbps_per_core)} (${fmt(per / GOAL.mbps_per_core)}x) | ${c.all.map(x => fmt(x)).join(', ')} |\n`;
  }
  const v = R.all.find(c => c.jobs === 1 && c.verify), n = R.all.find(c => c.jobs === 1 && !c.verify);
  if (v && n) md += `\nVerification (read back + digest of the replayed document) costs ${fmt(v.s - n.s)} s of ${fmt(v.s)} s at --jobs 1 (${fmt(100 * (v.s - n.s) / v.s, 0)} %).\n`;
  return md + '\n';
}

function mdDuck(R) {
  let md = `### 2. parquant vs DuckDB \`COPY (SELECT * FROM read_json(f, maximum_object_size=...)) TO out (FORMAT parquet)\`\n\n`;
  md += `File by file, on the files DuckDB could convert (parquant on the same files); ratio = DuckDB time / parquant time (goal >= ${GOAL.vs_duckdb}x). ` +
    `parquant fsyncs every file it writes and (verify on) reads it back and compares it with the JSON; DuckDB does neither.\n\n`;
  md += `| kind | DuckDB converted | JSON MB | DuckDB 1 thread s (MB/s) | parquant --jobs 1 --no-verify s (MB/s) | ratio | parquant --jobs 1 verify s | ratio | ` +
    `DuckDB ${R.nproc} threads s | parquant --jobs ${R.nproc} --no-verify s | ratio | parquant --jobs ${R.nproc} verify s | ratio |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n`;
  for (const k of KINDS) {
    const c = R.cmp[k];
    if (!c) continue;
    const mb = MB(c.json_bytes), d1 = c.duck1, dn = c.duckN, p = c.pq;
    const r = (d, q) => (d && q ? `${fmt(d.s / q.s)}x ${d.s / q.s >= GOAL.vs_duckdb ? '' : '(below goal)'}` : 'n/a');
    md += `| ${k} | ${d1.ok.length}/${c.files} | ${fmt(mb, 1)} | ${c.json_bytes ? `${fmt(d1.s)} (${fmt(mb / d1.s, 1)})` : 'n/a'} | ` +
      `${p ? `${fmt(p.j1n.s)} (${fmt(mb / p.j1n.s, 1)})` : 'n/a'} | ${r(d1, p?.j1n)} | ${p ? fmt(p.j1v.s) : 'n/a'} | ${r(d1, p?.j1v)} | ` +
      `${c.json_bytes ? fmt(dn.s) : 'n/a'} | ${p ? fmt(p.jNn.s) : 'n/a'} | ${r(dn, p?.jNn)} | ${p ? fmt(p.jNv.s) : 'n/a'} | ${r(dn, p?.jNv)} |\n`;
  }
  const fails = KINDS.flatMap(k => (R.cmp[k] ? [...R.cmp[k].duck1.failed.map(f => ({ ...f, k, t: 1 })), ...R.cmp[k].duckN.failed.map(f => ({ ...f, k, t: R.nproc }))] : []));
  if (fails.length) {
    md += `\nFiles DuckDB could not convert:\n\n`;
    for (const f of fails.slice(0, 20)) md += `- ${f.k}, ${f.t} thread(s): ${f.file}: ${f.error}\n`;
    if (fails.length > 20) md += `- ... and ${fails.length - 20} more\n`;
  }
  const tot = k => R.cmp[k];
  const all = KINDS.filter(tot).map(tot).filter(c => c.pq);
  if (all.length) {
    const d = sum(all.map(c => c.duck1.s)), p = sum(all.map(c => c.pq.j1n.s)), pv = sum(all.map(c => c.pq.j1v.s));
    md += `\nAll kinds, single core: DuckDB ${fmt(d)} s, parquant ${fmt(p)} s without verification (${fmt(d / p)}x), ${fmt(pv)} s with (${fmt(d / pv)}x).\n`;
  }
  return md + '\n';
}

function mdSizes(R) {
  let md = `### 3. Size: everything written (Parquet, candle files, trade tables, \`_metadata.json\` sidecars) against the JSON\n\n`;
  md += `| kind | files | JSON MB | snappy MB | smaller by | zstd MB | smaller by | DuckDB (snappy) MB, on the JSON it converted | smaller by |\n|---|---|---|---|---|---|---|---|---|\n`;
  const row = (label, files, j, s, z, dj, dout) =>
    `| ${label} | ${files} | ${fmt(MB(j), 1)} | ${fmt(MB(s), 1)} | ${fmt(pct(j, s), 1)} % | ${fmt(MB(z), 1)} | ${fmt(pct(j, z), 1)} % | ` +
    `${dj ? `${fmt(MB(dout), 1)} of ${fmt(MB(dj), 1)}` : 'n/a'} | ${dj ? fmt(pct(dj, dout), 1) + ' %' : 'n/a'} |\n`;
  for (const k of KINDS)
    md += row(k, R.tree.kinds[k].files, R.tree.kinds[k].json_bytes, R.sizes.snappy.bytes[k], R.sizes.zstd.bytes[k],
      R.cmp[k]?.duckN.json_bytes, R.cmp[k]?.duckN.out_bytes);
  const dj = sum(KINDS.map(k => R.cmp[k]?.duckN.json_bytes || 0)), dout = sum(KINDS.map(k => R.cmp[k]?.duckN.out_bytes || 0));
  const s = sum(KINDS.map(k => R.sizes.snappy.bytes[k])), z = sum(KINDS.map(k => R.sizes.zstd.bytes[k]));
  md += row('**total**', R.tree.files, R.tree.json_bytes, s, z, dj, dout);
  md += `\nGoal: >= ${GOAL.snappy_saving} % smaller with snappy: ${met(pct(R.tree.json_bytes, s) >= GOAL.snappy_saving)} (${fmt(pct(R.tree.json_bytes, s), 1)} %); ` +
    `zstd ${fmt(pct(R.tree.json_bytes, z), 1)} % (migrate --compression zstd --jobs 1 took ${fmt(R.sizes.zstd.s)} s, ` +
    `${fmt(MB(R.tree.json_bytes) / R.sizes.zstd.s, 1)} MB/s).\n\n`;
  return md;
}

function mdLoad(R) {
  const L = R.load;
  if (!L) return '';
  let md = `### 4. Loading one universe: its stats table from Parquet vs parsing its JSON\n\n`;
  md += `\`${basename(L.json)}\`: ${fmt(MB(L.json_bytes), 1)} MB of JSON (${L.candles} candles), stats table ${L.rows} rows x ${L.columns} columns, ` +
    `Parquet ${fmt(MB(L.parquet_bytes), 2)} MB; median of ${L.reps} runs after a warm-up.  Same rows from both: ${L.equal ? 'yes' : '**NO**'}.\n\n`;
  md += `| load | ms | JSON time / this |\n|---|---|---|\n`;
  md += `| JSON: \`pq_nz_load_json\` (the whole file, candles included, as any JSON reader must) | ${fmt(L.json_s * 1e3)} | 1 |\n`;
  md += `| Parquet: \`pq_nz_load_stats\`, all ${L.columns} columns | ${fmt(L.stats_all_s * 1e3, 3)} | **${fmt(L.ratio_all, 0)}x** |\n`;
  md += `| Parquet: \`pq_nz_load_stats\`, ${L.proj_columns.join(', ')} | ${fmt(L.stats_proj_s * 1e3, 3)} | **${fmt(L.ratio_proj, 0)}x** |\n`;
  md += `| Parquet: \`pq_nz_load_parquet\`, whole document without candles | ${fmt(L.doc_no_candles_s * 1e3, 3)} | ${fmt(L.json_s / L.doc_no_candles_s, 0)}x |\n`;
  md += `| Parquet: \`pq_nz_load_parquet\`, whole document with candles | ${fmt(L.doc_all_s * 1e3, 3)} | ${fmt(L.json_s / L.doc_all_s, 0)}x |\n`;
  md += `\nGoal >= ${GOAL.load}x: ${met(L.ratio_all >= GOAL.load)} (all columns ${fmt(L.ratio_all, 0)}x, projection ${fmt(L.ratio_proj, 0)}x).\n\n`;
  return md;
}

function mdPhases(R) {
  if (!R.phases.length) return '';
  let md = `### 5. Where the time goes: one file per kind (the largest), phase by phase (bench_nz_load --phases)\n\n`;
  md += `Migration = parse + write (verify on: + read back + compare).  Export is shown for reference (not part of migrate).  ` +
    `Write on disk includes the fsyncs; the /dev/shm column is the same write where fsync costs nothing.\n\n`;
  md += `| kind | file MB | parse ms (MB/s) | write ms (disk) | write ms (/dev/shm) | read back ms | compare ms (MB/s) | export ms | parse / write / read / compare share |\n|---|---|---|---|---|---|---|---|---|\n`;
  for (const p of R.phases) {
    const mb = MB(p.json_bytes), tot = p.parse_s + p.write_s + p.read_s + p.compare_s;
    const share = [p.parse_s, p.write_s, p.read_s, p.compare_s].map(x => fmt(100 * x / tot, 0) + ' %').join(' / ');
    md += `| ${p.kind} | ${fmt(mb, 1)} | ${fmt(p.parse_s * 1e3, 1)} (${fmt(mb / p.parse_s, 0)}) | ${fmt(p.write_s * 1e3, 1)} | ${p.shm ? fmt(p.shm.write_s * 1e3, 1) : 'n/a'} | ` +
      `${fmt(p.read_s * 1e3, 1)} | ${fmt(p.compare_s * 1e3, 1)} (${fmt(mb / p.compare_s, 0)}) | ${fmt(p.export_s * 1e3, 1)} | ${share} |\n`;
  }
  return md + '\n';
}

function mdGoals(R) {
  const j1 = R.all.find(c => c.jobs === 1 && c.verify), j1n = R.all.find(c => c.jobs === 1 && !c.verify);
  const per = c => MB(R.tree.json_bytes) / c.s;
  const s = sum(KINDS.map(k => R.sizes.snappy.bytes[k]));
  let md = `### Goals\n\n| goal | measured | |\n|---|---|---|\n`;
  md += `| >= ${GOAL.mbps_per_core} MB/s per core | ${fmt(per(j1), 1)} MB/s verified, ${fmt(per(j1n), 1)} MB/s --no-verify | ${met(per(j1) >= GOAL.mbps_per_core)} / ${met(per(j1n) >= GOAL.mbps_per_core)} |\n`;
  for (const k of KINDS) {
    const c = R.cmp[k];
    if (!c || !c.pq) continue;
    const r1 = c.duck1.s / c.pq.j1n.s, rv = c.duck1.s / c.pq.j1v.s;
    md += `| >= ${GOAL.vs_duckdb}x DuckDB, ${k}, 1 core | ${fmt(r1)}x --no-verify, ${fmt(rv)}x verified (${c.duck1.ok.length}/${c.files} files) | ${met(r1 >= GOAL.vs_duckdb)} / ${met(rv >= GOAL.vs_duckdb)} |\n`;
  }
  md += `| >= ${GOAL.snappy_saving} % smaller (snappy) | ${fmt(pct(R.tree.json_bytes, s), 1)} % | ${met(pct(R.tree.json_bytes, s) >= GOAL.snappy_saving)} |\n`;
  if (R.load) md += `| stats load >= ${GOAL.load}x faster than JSON | ${fmt(R.load.ratio_all, 0)}x all columns, ${fmt(R.load.ratio_proj, 0)}x 3 columns | ${met(R.load.ratio_all >= GOAL.load)} |\n`;
  return md + '\n';
}

function markdown(o, R) {
  let md = `## parquant migrate: NECROZMA JSON -> Parquet (issue 4 benchmark)\n\n`;
  md += `- machine: ${R.cpu} (${R.nproc} CPUs visible), ${R.date}\n`;
  md += `- ${R.parquant}${o.buildInfo ? `, ${o.buildInfo}` : ''}; DuckDB ${R.duckdb} (@duckdb/node-api ${R.nodeApi}), Node ${process.version}\n`;
  md += `- tree: \`parquant generate necrozma --scale ${o.scale}\`: ` +
    KINDS.map(k => `${R.tree.kinds[k].files} ${k} files (${fmt(MB(R.tree.kinds[k].json_bytes), 1)} MB)`).join(', ') +
    `; warm page cache; times are wall-clock seconds of whole runs\n`;
  md += `- 1-minute load average at the start / end: ${fmt(R.loadavg[0])} / ${fmt(R.loadavg[1])} ` +
    `(other processes on a shared machine make single runs noisy: see the "all runs" columns and the JSON file)\n\n`;
  return md + mdGoals(R) + mdThroughput(R) + mdDuck(R) + mdSizes(R) + mdLoad(R) + mdPhases(R);
}

// ------------------------------------------------------------------------------ main

function linkInto(files, dir) {
  mkdirSync(dir, { recursive: true });
  for (const f of files) {
    const to = join(dir, basename(f.path));
    try { linkSync(f.path, to); } catch { copyFileSync(f.path, to); }
  }
}

// parquant on the files of one kind that DuckDB converted, --jobs 1 and --jobs N, verify on/off.
function pqKind(o, k, files, work, nproc) {
  const inDir = join(work, 'cmp', k, 'in'), outDir = join(work, 'cmp', k, 'out');
  linkInto(files, inDir);
  const base = ['--type', k, '--input', inDir, '--output', outDir];
  const cfg = (jobs, verify) => ({ label: `${k} --jobs ${jobs}${verify ? '' : ' --no-verify'}`, jobs, verify, files: files.length,
    args: [...base, '--jobs', String(jobs), ...(verify ? [] : ['--no-verify'])] });
  const [j1n, j1v, jNn, jNv] = timeConfigs(o, [cfg(1, false), cfg(1, true), cfg(nproc, false), cfg(nproc, true)],
    () => rmSync(outDir, { recursive: true, force: true }));
  rmSync(join(work, 'cmp', k), { recursive: true, force: true });
  return { j1n, j1v, jNn, jNv };
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  mkdirSync(o.work, { recursive: true });
  const nproc = cpus().length, loadStart = loadavg()[0];
  const snap = snapshot(o.root);
  const kinds = {};
  for (const k of KINDS) {
    const files = dataFiles(join(o.root, KIND_DIR[k]), k);
    kinds[k] = { list: files, files: files.length, json_bytes: sum(files.map(f => f.bytes)) };
  }
  const allFiles = KINDS.flatMap(k => kinds[k].list);
  if (!allFiles.length) throw new Error(`no NECROZMA JSON files under ${o.root}`);
  const tree = { kinds, files: allFiles.length, json_bytes: sum(allFiles.map(f => f.bytes)) };
  log(`${tree.files} files, ${fmt(MB(tree.json_bytes), 1)} MB of JSON; warming the page cache`);
  warm(allFiles.map(f => f.path));
  const clean = () => cleanTree(o.root, snap);

  // 3 (zstd) first: its outputs are removed by the timed runs that follow.
  clean();
  const z = pqMigrate(o, ['--all', '--root', o.root, '--jobs', '1', '--compression', 'zstd'], tree.files);
  const sizes = { zstd: { ...writtenBytes(o.root, snap), s: z.s } };
  log(`zstd run: ${z.s.toFixed(2)} s`);

  // 1: --all; the last run (--jobs N, verify, snappy) stays for the sizes and the load test.
  const cfg = (jobs, verify) => ({ label: `--all --jobs ${jobs}${verify ? '' : ' --no-verify'}`, jobs, verify, files: tree.files,
    args: ['--all', '--root', o.root, '--jobs', String(jobs), ...(verify ? [] : ['--no-verify'])] });
  const all = timeConfigs(o, [cfg(1, true), cfg(1, false), cfg(nproc, false), cfg(nproc, true)], clean);
  sizes.snappy = writtenBytes(o.root, snap);

  // 4: the largest universe.
  let load = null;
  const u = kinds.universe.list[0];
  if (u) {
    const pqFile = u.path.replace(/\.json$/, '.parquet');
    load = nzLoad(o, ['--json', u.path, '--parquet', pqFile, '--reps', String(o.loadReps)]);
  }

  // 5: phases of the largest file of each kind, on disk (the work folder) and on /dev/shm.
  const phases = [];
  const shm = existsSync('/dev/shm') ? '/dev/shm' : null;
  for (const k of KINDS) {
    const f = kinds[k].list[0];
    if (!f) continue;
    const args = ['--phases', '--kind', k, '--json', f.path, '--reps', String(o.reps)];
    const p = nzLoad(o, [...args, '--dir', o.work]);
    if (shm) try { p.shm = nzLoad(o, [...args, '--dir', shm]); } catch (e) { log(e.message); }
    phases.push(p);
  }
  clean();

  // 2: DuckDB file by file, then parquant on the same files.
  const duck1 = await connect({ threads: 1 }), duckN = await connect();
  const duckdb = String((await duck1.con.runAndReadAll('SELECT version()')).getRows()[0][0]);
  const cmp = {};
  for (const k of KINDS) {
    if (!kinds[k].files) continue;
    const d1 = await duckKind(duck1.con, kinds[k].list, join(o.work, 'duck1'), o.reps, `${k} threads=1`);
    const dN = await duckKind(duckN.con, kinds[k].list, join(o.work, 'duckN'), o.reps, `${k} threads=default`);
    // parquant on the files both DuckDB runs converted, DuckDB's times on those only.
    const both = d1.ok.filter(f => dN.ok.includes(f));
    const c = { files: kinds[k].files, json_bytes: sum(both.map(f => f.bytes)), duck1: d1, duckN: dN, pq: null };
    if (both.length === d1.ok.length && both.length === dN.ok.length && both.length) c.pq = pqKind(o, k, both, o.work, nproc);
    else if (both.length) {
      log(`${k}: the two DuckDB runs converted different files; comparing on the ${both.length} both converted`);
      c.duck1 = await duckKind(duck1.con, both, join(o.work, 'duck1'), o.reps, `${k} threads=1 (common files)`);
      c.duckN = await duckKind(duckN.con, both, join(o.work, 'duckN'), o.reps, `${k} threads=default (common files)`);
      c.duck1.failed = d1.failed, c.duckN.failed = dN.failed;
      c.pq = pqKind(o, k, both, o.work, nproc);
    }
    cmp[k] = c;
  }

  let parquant = 'parquant';
  try { parquant = execSync(`${JSON.stringify(o.parquant)} --version`, { encoding: 'utf8' }).trim(); } catch { /* keep the name */ }
  const R = { cpu: cpuModel(), nproc, date: new Date().toISOString().slice(0, 10), parquant, duckdb, nodeApi: duckVersion(),
    reps: o.reps, tree, all, sizes, load, phases, cmp, loadavg: [loadStart, loadavg()[0]] };
  for (const k of KINDS) delete tree.kinds[k].list;
  const md = markdown(o, R);
  process.stdout.write(md);
  if (o.md) writeFileSync(o.md, md);
  if (o.json) writeFileSync(o.json, JSON.stringify(R, (key, v) => (key === 'ok' ? v.map(f => basename(f.path)) : v), 1) + '\n');
  if (load && !load.equal) process.exitCode = 1;
}

main().catch(e => { console.error(`migrate.mjs: ${e && e.message ? e.message : e}`); process.exit(1); });
