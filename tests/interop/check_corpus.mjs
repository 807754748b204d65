#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
//
// Test "parquant reads the apache/parquet-testing corpus as the reference engines do"
// (docs/corpus.md explains every verdict below).
//   node check_corpus.mjs [--parquant PATH] [--corpus DIR] [--bad-data DIR] [--jobs N]
//                         [--timeout S] [--only TEXT] [--slow] [--md OUT]
// For EVERY .parquet file under DIR (default ../shared/parquet-testing/data, recursively)
// it runs the three reference engines (engine_dump.mjs: DuckDB, arrow-rs as WebAssembly,
// hyparquet; each a child process with a time limit) and `parquant cat FILE --format
// jsonl`, then gives a verdict:
//   (a) the engines that read the file agree: parquant prints exactly their lines;
//   (b) the engines disagree: parquant prints exactly the lines of the engine FOLLOW names
//       for that file (a disagreement not in FOLLOW fails);
//   (c) no engine reads it ('-' in DATA): parquant reads it or refuses cleanly (exit status 1,
//       one "parquant: FILE: ..." line on stderr);
//   (d) a corrupt-checksum file (CRC): (a), and `parquant cat --verify-checksums` fails with
//       exit status 1 and a message naming the column, row group and page.
// Which engines read each file is pinned in DATA: an engine reading or refusing a file
// against the table fails (an engine timed out, or its install changed).  A file missing
// from DATA fails until it is classified.  In bad_data/ (beside DIR) the one valid file is
// checked like a data file; the refusals of the others are tested by
// tests/cli/cases/error_bad_corpus.sh and only listed here (an unlisted file fails).
// --jobs (2) files are checked at a time.  large_string_map.brotli takes the engines 40 s of CPU
// and 6 GiB of memory to fail on the JS / wasm string limits, so they run on it only with
// --slow.  --only TEXT keeps the files whose path contains TEXT; --md OUT writes the
// per-file table of docs/corpus.md.  Prints one verdict per file, then "N passed, M failed";
// exit status 1 on any failure.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_DIR, option, parquantPath, runCheck, splitLines } from './lib/check.mjs';
import { packageVersion } from './lib/modules.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ENGINE_DUMP = join(HERE, 'engine_dump.mjs');
const ENGINES = ['duckdb', 'wasm', 'hyparquet'];
const LETTER = { d: 'duckdb', w: 'wasm', h: 'hyparquet' };

// Every file of data/: the engines that read it (d = DuckDB, w = parquet-wasm, h =
// hyparquet; '-' = none).  Why an engine refuses a file: docs/corpus.md.
export const DATA = {
  'alltypes_dictionary.parquet': 'dwh',
  'alltypes_plain.parquet': 'dwh',
  'alltypes_plain.snappy.parquet': 'dwh',
  'alltypes_tiny_pages.parquet': 'dwh',
  'alltypes_tiny_pages_plain.parquet': 'dwh',
  'binary.parquet': 'dwh',
  'binary_truncated_min_max.parquet': 'dwh',
  'byte_array_decimal.parquet': 'dwh',
  'byte_stream_split.zstd.parquet': 'dwh',
  'byte_stream_split_extended.gzip.parquet': 'wh',
  'column_chunk_key_value_metadata.parquet': 'dwh',
  'concatenated_gzip_members.parquet': 'dwh',
  'data_index_bloom_encoding_stats.parquet': 'dwh',
  'data_index_bloom_encoding_with_length.parquet': 'dwh',
  'datapage_v1-corrupt-checksum.parquet': 'dwh',
  'datapage_v1-snappy-compressed-checksum.parquet': 'dwh',
  'datapage_v1-uncompressed-checksum.parquet': 'dwh',
  'datapage_v2.snappy.parquet': 'dwh',
  'datapage_v2_empty_datapage.snappy.parquet': 'dw',
  'delta_binary_packed.parquet': 'dwh',
  'delta_byte_array.parquet': 'dwh',
  'delta_encoding_optional_column.parquet': 'dwh',
  'delta_encoding_required_column.parquet': 'dwh',
  'delta_length_byte_array.parquet': 'dwh',
  'dict-page-offset-zero.parquet': 'dh',
  'fixed_length_byte_array.parquet': 'dwh',
  'fixed_length_decimal.parquet': 'dwh',
  'fixed_length_decimal_legacy.parquet': 'dwh',
  'float16_nonzeros_and_nans.parquet': 'dwh',
  'float16_zeros_and_nans.parquet': 'dwh',
  'floating_orders_nan_count.parquet': 'dwh',
  'geospatial/crs-arbitrary-value.parquet': 'dwh',
  'geospatial/crs-default.parquet': 'dwh',
  'geospatial/crs-geography.parquet': 'dwh',
  'geospatial/crs-projjson.parquet': 'dwh',
  'geospatial/crs-srid.parquet': 'dwh',
  'geospatial/geography-lines.parquet': 'dwh',
  'geospatial/geography-points.parquet': 'dwh',
  'geospatial/geography-polygons.parquet': 'dwh',
  'geospatial/geospatial-with-nan.parquet': 'dwh',
  'geospatial/geospatial.parquet': 'dwh',
  'hadoop_lz4_compressed.parquet': 'wh',
  'hadoop_lz4_compressed_larger.parquet': 'wh',
  'incorrect_map_schema.parquet': 'dwh',
  'int32_decimal.parquet': 'dwh',
  'int32_with_null_pages.parquet': 'dwh',
  'int64_decimal.parquet': 'dwh',
  'int96_from_spark.parquet': 'dwh',
  'large_string_map.brotli.parquet': '-',
  'list_columns.parquet': 'dwh',
  'lz4_raw_compressed.parquet': 'dwh',
  'lz4_raw_compressed_larger.parquet': 'dwh',
  'map_no_value.parquet': 'wh',
  'nan_in_stats.parquet': 'dwh',
  'nation.dict-malformed.parquet': 'd',
  'nested_lists.snappy.parquet': 'dwh',
  'nested_maps.snappy.parquet': 'dwh',
  'nested_structs.rust.parquet': 'dwh',
  'non_hadoop_lz4_compressed.parquet': 'wh',
  'nonnullable.impala.parquet': 'dwh',
  'null_list.parquet': 'dwh',
  'nullable.impala.parquet': 'dwh',
  'nulls.snappy.parquet': 'dwh',
  'old_list_structure.parquet': 'dwh',
  'overflow_i16_page_cnt.parquet': 'dwh',
  'page_v2_empty_compressed.parquet': 'dwh',
  'plain-dict-uncompressed-checksum.parquet': 'dwh',
  'repeated_no_annotation.parquet': 'dwh',
  'repeated_primitive_no_list.parquet': 'dwh',
  'rle-dict-snappy-checksum.parquet': 'dwh',
  'rle-dict-uncompressed-corrupt-checksum.parquet': 'dwh',
  'rle_boolean_encoding.parquet': 'dwh',
  'single_nan.parquet': 'dwh',
  'sort_columns.parquet': 'dwh',
  'unknown-logical-type.parquet': 'dwh',
};

// KNOWN DISAGREEMENTS: the engine whose rows parquant prints, and why (docs/corpus.md).
export const FOLLOW = {
  'int96_from_spark.parquet': {
    engine: 'wasm',
    why: 'INT96 read as an int64 nanosecond timestamp, as Arrow (C++ and arrow-rs) reads it: rows 3 and 6 lie outside that range and wrap; see docs/corpus.md',
  },
  'map_no_value.parquet': {
    engine: 'wasm',
    why: 'a MAP whose key_value group has no value field (allowed by the spec) is the list of its keys, as arrow-rs, the writer of the file, reads it; hyparquet does not recognise the map and DuckDB refuses',
  },
  'repeated_no_annotation.parquet': {
    engine: 'duckdb',
    why: 'FileMetaData.num_rows is 0 but the row group holds 6 rows: the rows are those of the row groups (DuckDB, hyparquet); arrow-rs trusts num_rows and returns none',
  },
};

// Engines run on these only with --slow.  large_string_map.brotli: one MAP<STRING,INT32>
// value decompresses to over 2 GiB, past the JS string limit (DuckDB via Node, hyparquet)
// and the 4 GiB wasm memory (arrow-rs); the engines need 40 s of CPU and 6 GiB to fail.
const SLOW = new Set(['large_string_map.brotli.parquet']);

// Page CRCs deliberately wrong: plain cat reads them (CRCs unchecked by default), cat
// --verify-checksums must refuse naming column, row group and page.
export const CRC = new Set(['datapage_v1-corrupt-checksum.parquet', 'rle-dict-uncompressed-corrupt-checksum.parquet']);

// bad_data/: readers (as DATA) for the files checked here; null for the files that parquant
// refuses, tested by tests/cli/cases/error_bad_corpus.sh (why: docs/corpus.md).
export const BAD_DATA = {
  'ARROW-GH-41317.parquet': null,
  'ARROW-GH-41321.parquet': null,
  'ARROW-GH-43605.parquet': 'dwh',
  'ARROW-GH-45185.parquet': null,
  'ARROW-GH-47662.parquet': null,
  'ARROW-RS-GH-6229-DICTHEADER.parquet': null,
  'ARROW-RS-GH-6229-LEVELS.parquet': null,
  'PARQUET-1481.parquet': null,
};

// ------------------------------------------------------------------ processes

// Runs a command: {code, signal, why (timeout / output cap), out (stdout text, or null when
// !keep), lines (count), err (stderr, first 8 KiB)}.  Never rejects.
function run(cmd, argv, { timeoutMs, keep = true, capBytes = 512 << 20 }) {
  return new Promise(done => {
    let p;
    try {
      p = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      done({ code: null, signal: null, why: `cannot run ${cmd}: ${e.message}`, out: null, lines: 0, err: '' });
      return;
    }
    const chunks = [];
    let bytes = 0, lines = 0, err = '', why = null;
    const stop = reason => { if (!why) why = reason; p.kill('SIGKILL'); };
    const timer = setTimeout(() => stop(`timed out after ${timeoutMs / 1000} s`), timeoutMs);
    p.stdout.on('data', d => {
      bytes += d.length;
      for (let i = d.indexOf(10); i >= 0; i = d.indexOf(10, i + 1)) lines++;
      if (!keep) return;
      if (bytes > capBytes) stop(`more than ${capBytes >> 20} MiB of output`);
      else chunks.push(d);
    });
    p.stderr.on('data', d => { if (err.length < 8192) err += d.toString('utf8'); });
    p.on('error', e => { why = why || `cannot run ${cmd}: ${e.message}`; });
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, why, out: keep ? Buffer.concat(chunks).toString('utf8') : null, lines, err });
    });
  });
}

// Why a run failed, in one line.
function failure(r) {
  if (r.why) return r.why;
  const first = r.err.split('\n').find(l => l.trim()) || '';
  const what = r.signal ? `killed by ${r.signal}` : `exit status ${r.code}`;
  return first ? `${what}: ${first.slice(0, 300)}` : what;
}

// One engine's dump: {engine, lines} or {engine, error}.
async function engineDump(engine, file, timeoutMs) {
  const r = await run(process.execPath, [ENGINE_DUMP, file, '--engine', engine], { timeoutMs });
  if (r.code === 0 && !r.why) return { engine, lines: splitLines(r.out) };
  // drop engine_dump's "engine_dump: ENGINE: FILE: " prefix
  return { engine, error: failure(r).replace(/engine_dump: [a-z]+: .*?\.parquet: /, '') };
}

// `parquant cat FILE --format jsonl [extra]`.
function parquantRun(bin, file, extra, opts) {
  return run(bin, ['cat', file, '--format', 'jsonl', ...extra], opts);
}

// A clean refusal: exit status 1 and exactly one stderr line "parquant: FILE: message".
function cleanRefusal(r, file) {
  const errLines = splitLines(r.err);
  return !r.why && r.code === 1 && errLines.length === 1 && errLines[0].startsWith(`parquant: ${file}: `) && errLines[0].length > `parquant: ${file}: `.length;
}
const stripFile = (msg, file) => msg.replace(`parquant: ${file}: `, '');

// ------------------------------------------------------------------ comparison

function clip(s, at) {
  if (s.length <= 400) return s;
  const from = Math.max(0, at - 150), to = Math.min(s.length, from + 400);
  return (from ? '...' : '') + s.slice(from, to) + (to < s.length ? '...' : '') + ` (${s.length} chars)`;
}

// null when equal, else "first difference at line N: ..." with both sides' line.
function difference(expected, actual, expName, actName = 'parquant') {
  const n = Math.min(expected.length, actual.length);
  let i = 0;
  while (i < n && expected[i] === actual[i]) i++;
  if (i === n && expected.length === actual.length) return null;
  const a = i < expected.length ? expected[i] : null, b = i < actual.length ? actual[i] : null;
  let col = 0;
  if (a !== null && b !== null) while (col < a.length && a[col] === b[col]) col++;
  const where = a !== null && b !== null ? `line ${i + 1}, column ${col + 1}` : `line ${i + 1}`;
  const show = s => (s === null ? '<end of output>' : clip(s, col));
  const width = Math.max(expName.length, actName.length);
  return `first difference at ${where} (${expName}: ${rowsText(expected.length)}, ${actName}: ${rowsText(actual.length)}):\n` +
    `    ${expName.padEnd(width)}: ${show(a)}\n    ${actName.padEnd(width)}: ${show(b)}`;
}

// Engines grouped by identical output: [{engines: [...], lines}], in ENGINES order.
function agreementGroups(dumps) {
  const groups = [];
  for (const d of dumps) {
    if (!d.lines) continue;
    const text = d.lines.join('\n');
    const g = groups.find(x => x.text === text);
    if (g) g.engines.push(d.engine);
    else groups.push({ engines: [d.engine], lines: d.lines, text });
  }
  return groups;
}

const rowsText = n => `${n} row${n === 1 ? '' : 's'}`;
const readersText = code => (code === '-' ? 'none' : [...code].map(c => LETTER[c]).join(','));
const readersCode = dumps => dumps.filter(d => d.lines).map(d => d.engine[0]).join('') || '-';

// ------------------------------------------------------------------ verdicts

// Verdict for one file: {pass, text, row (for --md)}.  name: the key in DATA / BAD_DATA;
// expected: that table's readers code, or undefined for an unclassified file.
async function checkFile(ctx, name, rel, file, expected) {
  const unread = expected === '-';
  const skipEngines = SLOW.has(name) && !ctx.slow;
  const dumps = [];
  if (!skipEngines) for (const e of ENGINES) dumps.push(await engineDump(e, file, ctx.timeoutMs));
  const pq = await parquantRun(ctx.bin, file, [], { timeoutMs: ctx.timeoutMs, keep: !unread });
  // what --md needs, without the rows (verdicts wait in memory until their turn to print)
  const row = {
    rel, note: '', pq: { ok: pq.code === 0 && !pq.why, lines: pq.lines },
    dumps: dumps.map(d => ({ engine: d.engine, rows: d.lines ? d.lines.length : null })),
  };
  const fail = why => ({ pass: false, text: `FAIL ${rel}: ${why}`, row: { ...row, note: 'FAIL' } });
  const errs = dumps.filter(d => d.error).map(d => `${d.engine}: ${d.error}`).join('; ');
  const pqText = pq.code === 0 && !pq.why ? `reads ${rowsText(pq.lines)}` : `refuses: ${stripFile(failure(pq), file)}`;

  if (expected === undefined) {
    return fail(`not classified (engines that read it: ${readersText(readersCode(dumps))}; parquant ${pqText}): ` +
      'add it to DATA in tests/interop/check_corpus.mjs and to docs/corpus.md');
  }
  if (!skipEngines && readersCode(dumps) !== expected) {
    return fail(`engines that read it: ${readersText(readersCode(dumps))}, expected ${readersText(expected)}` + (errs ? ` (${errs})` : ''));
  }

  // (c) nobody reads it: a clean refusal or a successful read
  if (expected === '-') {
    const engines = skipEngines ? 'engines not run (--slow runs them)' : 'no engine reads it';
    if (pq.code === 0 && !pq.why) return { pass: true, text: `PASS ${rel} (${engines}; parquant reads ${rowsText(pq.lines)})`, row };
    if (cleanRefusal(pq, file)) return { pass: true, text: `PASS ${rel} (${engines}; parquant refuses cleanly: ${stripFile(splitLines(pq.err)[0], file)})`, row };
    return fail(`no engine reads it, and parquant neither reads it nor refuses cleanly (exit status 1, one stderr line): ${failure(pq)}`);
  }

  // the reference lines: (a) the agreeing engines, (b) the engine FOLLOW names
  const groups = agreementGroups(dumps);
  const follow = FOLLOW[name];
  let ref, refName, how;
  if (groups.length === 1) {
    if (follow) return fail(`listed in FOLLOW (engines disagree) but ${groups[0].engines.join(',')} agree now: drop the entry and update docs/corpus.md`);
    ref = groups[0].lines;
    refName = groups[0].engines.join(',');
    const refusing = ENGINES.filter(e => !groups[0].engines.includes(e));
    how = `engines: ${refName} ${groups[0].engines.length > 1 ? 'agree' : 'reads it'}` + (refusing.length ? `; ${refusing.join(',')} refuse${refusing.length > 1 ? '' : 's'}` : '');
  } else {
    const split = groups.map(g => g.engines.join(',')).join(' | ');
    if (!follow) {
      const d = difference(groups[0].lines, groups[1].lines, groups[0].engines.join(','), groups[1].engines.join(','));
      return fail(`engines disagree (${split}), and FOLLOW names no engine for it; ${d}`);
    }
    const g = groups.find(x => x.engines.includes(follow.engine));
    if (!g) return fail(`parquant follows ${follow.engine}, which did not read it`);
    ref = g.lines;
    refName = follow.engine;
    how = `engines disagree: ${split}; parquant follows ${follow.engine}`;
  }
  row.note = how;

  if (pq.code !== 0 || pq.why) return fail(`parquant cat fails (${stripFile(failure(pq), file)}), expected ${rowsText(ref.length)} (${how})`);
  const d = difference(ref, splitLines(pq.out), refName);
  if (d) return fail(d);

  // (d) corrupt CRCs: refused when verification is asked for
  let crc = '';
  if (CRC.has(name)) {
    const v = await parquantRun(ctx.bin, file, ['--verify-checksums'], { timeoutMs: ctx.timeoutMs, keep: false });
    const msg = splitLines(v.err)[0] || '';
    if (!cleanRefusal(v, file) || !/column .+: row group \d+: page \d+: .*(CRC|checksum)/i.test(msg)) {
      return fail(`rows match, but cat --verify-checksums should fail (exit status 1) naming column, row group and page: ${failure(v)}`);
    }
    crc = `; --verify-checksums refuses: ${stripFile(msg, file)}`;
  }
  return { pass: true, text: `PASS ${rel} (${how}; ${rowsText(ref.length)}${crc})`, row };
}

// ------------------------------------------------------------------ driver

function parquetFiles(dir) {
  const out = [];
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out.push(...parquetFiles(p));
    else if (n.endsWith('.parquet')) out.push(p);
  }
  return out;
}

// Each engine must read a plain file before the corpus run, so a broken install fails once,
// with the fix, rather than as a wrong reader set on every file.
async function preflight(corpus, timeoutMs) {
  const probe = join(corpus, 'alltypes_plain.parquet');
  if (!existsSync(probe)) return;
  for (const e of ENGINES) {
    const d = await engineDump(e, probe, timeoutMs);
    if (d.error || d.lines.length !== 8) {
      throw new Error(`engine ${e} does not read alltypes_plain.parquet (${d.error || d.lines.length + ' rows'}): run scripts/setup.sh`);
    }
  }
}

// At most n of the given async jobs at a time.
function limiter(n) {
  let active = 0;
  const queue = [];
  const next = () => {
    if (active >= n || !queue.length) return;
    active++;
    const { fn, ok, ko } = queue.shift();
    fn().then(ok, ko).finally(() => { active--; next(); });
  };
  return fn => new Promise((ok, ko) => { queue.push({ fn, ok, ko }); next(); });
}

function mdTable(rows) {
  const cell = d => (d.rows !== null ? `ok (${d.rows})` : 'refuses');
  let s = '| file | DuckDB | wasm | hyparquet | engines | parquant |\n|---|---|---|---|---|---|\n';
  for (const r of rows) {
    const e = ENGINES.map(n => { const d = r.dumps.find(x => x.engine === n); return d ? cell(d) : 'not run'; });
    const pq = r.pq.ok ? `reads (${r.pq.lines})` : 'refuses';
    s += `| ${r.rel} | ${e.join(' | ')} | ${r.note} | ${pq} |\n`;
  }
  return s;
}

await runCheck('corpus', async () => {
  const args = process.argv.slice(2);
  const bin = parquantPath(args);
  const corpus = resolve(option(args, '--corpus', process.env.PQ_CORPUS || join(REPO_DIR, '..', 'shared', 'parquet-testing', 'data')));
  if (!existsSync(corpus)) throw new Error(`corpus folder not found: ${corpus} (pass --corpus DIR or set PQ_CORPUS)`);
  const badDir = resolve(option(args, '--bad-data', join(corpus, '..', 'bad_data')));
  const only = option(args, '--only');
  const jobs = Math.max(1, Number(option(args, '--jobs', 2)));
  const ctx = {
    bin, slow: args.includes('--slow'), limit: limiter(jobs),
    timeoutMs: Math.max(1, Number(option(args, '--timeout', 120))) * 1000,
  };

  const work = parquetFiles(corpus).map(f => {
    const name = relative(corpus, f).split('\\').join('/');
    return { file: f, name, rel: 'data/' + name, expected: DATA[name] };
  });
  for (const name of Object.keys(DATA)) {
    if (!existsSync(join(corpus, name))) work.push({ missing: true, rel: 'data/' + name });
  }
  if (existsSync(badDir)) {
    for (const f of parquetFiles(badDir)) {
      const name = relative(badDir, f).split('\\').join('/');
      work.push({ file: f, name, rel: 'bad_data/' + name, expected: BAD_DATA[name], bad: true });
    }
  }
  const todo = only ? work.filter(w => w.rel.includes(only)) : work;
  await preflight(corpus, ctx.timeoutMs);
  const v = name => `${name} ${packageVersion(name) || '(missing)'}`;
  console.log(`engines: ${v('@duckdb/node-api')}, ${v('parquet-wasm')} + ${v('apache-arrow')}, ` +
    `${v('hyparquet')} + ${v('hyparquet-compressors')}; parquant: ${bin}`);

  // --jobs files at a time, each running its child processes one after the other; the
  // verdicts print in file order
  const verdicts = todo.map(w => {
    if (w.missing) return Promise.resolve({ pass: false, text: `FAIL ${w.rel}: listed in DATA but missing from the corpus` });
    if (w.bad && w.expected === null) {
      return Promise.resolve({ note: true, text: `note ${w.rel}: refused by parquant; checked by tests/cli/cases/error_bad_corpus.sh` });
    }
    if (w.bad && w.expected === undefined) {
      return Promise.resolve({ pass: false, text: `FAIL ${w.rel}: not classified: add it to BAD_DATA in tests/interop/check_corpus.mjs, to tests/cli/cases/error_bad_corpus.* and to docs/corpus.md` });
    }
    return ctx.limit(() => checkFile(ctx, w.name, w.rel, w.file, w.expected))
      .catch(e => ({ pass: false, text: `FAIL ${w.rel}: ${e.message}` }));
  });
  let passed = 0, failed = 0;
  const rows = [];
  for (const v of verdicts) {
    const r = await v;
    console.log(r.text);
    if (r.row) rows.push(r.row);
    if (r.note) continue;
    if (r.pass) passed++;
    else failed++;
  }
  const md = option(args, '--md');
  if (md) writeFileSync(md, mdTable(rows));
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed || passed === 0 ? 1 : 0;
});
