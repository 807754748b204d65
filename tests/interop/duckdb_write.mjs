#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
//
// duckdb_write.mjs DIR [--rows N] [--only NAME,...] [--list]: write DuckDB reference Parquet
// files into DIR and print their names.  Also a module: writeMatrix() is used by
// check_reads_duckdb_files.mjs.
//
// Every value is a pure function of the row number i, so files are identical run to run:
//   - the first rows of each column hold hand-picked edge values (extremes, NaN, +-Inf, -0.0,
//     empty and Unicode strings, JSON escapes, empty and NULL lists, NULL struct fields ...);
//   - later rows hold h32-mixed values (lowbias32 integer hash, as in the benchmark), NULL
//     when a second hash of the row is 0 mod 7.
// The matrix crosses the table with every codec DuckDB writes, dictionary on/off, DuckDB's
// "V2" writer (PARQUET_VERSION V2: DELTA_* encodings, DATA_PAGE_V2 headers), several row
// groups (DuckDB cuts row groups at multiples of its 2048-row vectors), 0 and 1 row, and a
// wider 'bench-like' table for longer pages and dictionary fallback.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, sqlStr } from './lib/duck.mjs';

// lowbias32 (x ^= x>>16; x *= 0x7feb352d; x ^= x>>15; x *= 0x846ca68b; x ^= x>>16, mod 2^32)
export const SQL_MACROS = [
  `CREATE OR REPLACE MACRO pq_mul32(a, b) AS ((a::UBIGINT * b::UBIGINT) & 4294967295::UBIGINT)`,
  `CREATE OR REPLACE MACRO pq_xs16(x) AS xor(x::UBIGINT, x::UBIGINT >> 16)`,
  `CREATE OR REPLACE MACRO pq_xs15(x) AS xor(x::UBIGINT, x::UBIGINT >> 15)`,
  `CREATE OR REPLACE MACRO pq_h32(x) AS pq_xs16(pq_mul32(pq_xs15(pq_mul32(pq_xs16(x), 2146121005)), 2221713035))`,
];

// Column k's hash of row i, and its NULL test.
const hx = k => `pq_h32((2 * i + ${1000003 * k}) % 4294967296)`;
const isNull = k => `pq_h32(xor(((2 * i + ${1000003 * k}) % 4294967296)::UBIGINT, 1540483477::UBIGINT)) % 7 = 0`;

// A column: edge values for rows 0..specials.length-1, then `generic(h)` (h = the row's hash),
// NULL on hashed rows when `nulls`.  Everything is cast to `type`.
function column(k, name, type, specials, generic, nulls = true) {
  const h = `(${hx(k)})`;
  let g = `(${generic(h)})::${type}`;
  if (nulls) g = `CASE WHEN ${isNull(k)} THEN NULL ELSE ${g} END`;
  const cases = specials.map((s, j) => `WHEN ${j} THEN (${s})::${type}`).join(' ');
  const e = specials.length ? `CASE i ${cases} ELSE ${g} END` : g;
  return `${e} AS "${name}"`;
}

const CTRL = `'ctl:' || chr(1) || chr(8) || chr(9) || chr(10) || chr(12) || chr(13) || chr(31) || chr(127) || '"q"\\b/'`;
const UNI = `'héllo wörld ✓ 日本語 🎉 ' || chr(8232) || chr(65279) || ' é'`;

// The all-types table (name "t"): one column per DuckDB type that maps to Parquet.
export function typesSelect(rows) {
  let k = 0;
  const c = (...a) => column(k++, ...a);
  const cols = [
    `i::BIGINT AS id`,
    c('b', 'BOOLEAN', ['true', 'false', 'NULL'], h => `${h} % 2 = 1`),
    c('i8', 'TINYINT', ['-128', '127', '0', '-1'], h => `(${h} % 256)::INTEGER - 128`),
    c('i16', 'SMALLINT', ['-32768', '32767', '0', '-1'], h => `(${h} % 65536)::INTEGER - 32768`),
    c('i32', 'INTEGER', ['-2147483648', '2147483647', '0', '-1'], h => `${h}::BIGINT - 2147483648`),
    c('i64', 'BIGINT', ['-9223372036854775808', '9223372036854775807', '0', '-1'],
      h => `(${h}::BIGINT - 2147483648) * 4294967311`),
    c('u8', 'UTINYINT', ['0', '255', '128'], h => `${h} % 256`),
    c('u16', 'USMALLINT', ['0', '65535', '32768'], h => `${h} % 65536`),
    c('u32', 'UINTEGER', ['0', '4294967295', '2147483648'], h => `${h}`),
    c('u64', 'UBIGINT', ['0', '18446744073709551615', '9223372036854775808'], h => `${h}::UBIGINT * 4294967311`),
    c('f32', 'FLOAT', [`'NaN'`, `'inf'`, `'-inf'`, `'-0.0'`, '0.1', '3.4028235e38', '1.4e-45', '1.17549435e-38', '-2.5'],
      h => `(${h} % 200001)::DOUBLE / 100.0 - 1000.0`),
    c('f64', 'DOUBLE', [`'NaN'`, `'inf'`, `'-inf'`, `'-0.0'`, '0.1', '1.7976931348623157e308', '5e-324', '1e21',
      '1e-7', '123456789012345680000', '0.000001', '-1.5e-300'], h => `${h}::DOUBLE / 4294967296.0 * 2000.0 - 1000.0`),
    c('d4_2', 'DECIMAL(4,2)', ['99.99', '-99.99', '0', '-0.01', '0.10'], h => `((${h} % 19999)::INTEGER - 9999) * 0.01`),
    c('d18_6', 'DECIMAL(18,6)', ['999999999999.999999', '-999999999999.999999', '0', '-0.000001'],
      h => `((${h}::BIGINT - 2147483648) * 99991) * 0.000001`),
    c('d38_10', 'DECIMAL(38,10)', ['9999999999999999999999999999.9999999999', '-9999999999999999999999999999.9999999999',
      '0', '-0.0000000001'], h => `((${h}::HUGEINT - 2147483648) * ${h}::HUGEINT * 1000000007) * 0.0000000001`),
    c('s', 'VARCHAR', [`''`, UNI, CTRL, `repeat('long-', 1000)`, 'NULL', `'NULL'`], h => `'v' || (${h} % 500)::VARCHAR`),
    c('txt', 'VARCHAR', [`''`], h => `'item-' || (${h} % 1000000)::VARCHAR || '-' || repeat('x', (${h} % 40)::INTEGER)`),
    c('bl', 'BLOB', [`'\\x00\\xFF\\x80'`, `''`, `'\\x00'`], h => `encode('b' || (${h} % 1000)::VARCHAR)`),
    c('dt', 'DATE', [`DATE '1970-01-01'`, `DATE '1969-12-31'`, `DATE '0001-01-01'`, `DATE '9999-12-31'`,
      `DATE '2000-02-29'`, `DATE '0001-01-01' - 400`, `DATE '5881580-07-10'`], h => `DATE '1900-01-01' + (${h} % 80000)::INTEGER`),
    c('tm', 'TIME', [`TIME '00:00:00'`, `TIME '23:59:59.999999'`, `TIME '12:34:56.5'`, `TIME '00:00:00.000001'`],
      h => `make_time(0, 0, 0) + to_microseconds((${h} % 86400000)::BIGINT * 1000)`),
    c('ts', 'TIMESTAMP', [`TIMESTAMP '1970-01-01 00:00:00'`, `TIMESTAMP '1969-12-31 23:59:59.999999'`,
      `TIMESTAMP '0001-01-01 00:00:00'`, `TIMESTAMP '9999-12-31 23:59:59.999999'`, `TIMESTAMP '2000-02-29 12:00:00.5'`,
      `TIMESTAMP '1900-01-01 00:00:00.000001'`], h => `make_timestamp(1577836800000000 + (${h})::BIGINT * 1000003)`),
    c('ts_ms', 'TIMESTAMP_MS', [`TIMESTAMP '1970-01-01 00:00:00'`, `TIMESTAMP '1969-12-31 23:59:59.999'`,
      `TIMESTAMP '0001-01-01 00:00:00'`, `TIMESTAMP '9999-12-31 23:59:59.999'`],
      h => `make_timestamp(1577836800000000 + (${h})::BIGINT * 1000)`),
    c('ts_ns', 'TIMESTAMP_NS', [`TIMESTAMP_NS '1970-01-01 00:00:00'`, `TIMESTAMP_NS '1969-12-31 23:59:59.999999999'`,
      `TIMESTAMP_NS '1677-09-22 00:00:00'`, `TIMESTAMP_NS '2262-04-11 23:47:16.854775806'`,
      `TIMESTAMP_NS '2020-01-01 00:00:00.000000001'`], h => `make_timestamp_ns(1577836800000000000 + (${h})::BIGINT * 1000000007)`),
    c('tstz', 'TIMESTAMPTZ', [`TIMESTAMPTZ '2020-06-01 12:00:00+05:30'`, `TIMESTAMPTZ '1969-12-31 23:59:59.999999+00'`,
      `TIMESTAMPTZ '0001-01-01 00:00:00+00'`], h => `make_timestamp(1577836800000000 + (${h})::BIGINT * 999983)::TIMESTAMPTZ`),
    c('uid', 'UUID', [`'00000000-0000-0000-0000-000000000000'`, `'ffffffff-ffff-ffff-ffff-ffffffffffff'`,
      `'7fffffff-ffff-ffff-ffff-ffffffffffff'`, `'80000000-0000-0000-0000-000000000000'`, `'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'`],
      h => `md5(${h}::VARCHAR)`),
    c('js', 'JSON', [`'{}'`, `'[1,"a",null]'`, `'"str"'`], h => `'{"a":' || (${h} % 100)::VARCHAR || ',"b":[true,null]}'`),
    c('l_i32', 'INTEGER[]', ['NULL', '[]', '[NULL]', '[1, NULL, -3]', '[2147483647, -2147483648]'],
      h => `list_transform(range((${h} % 6)::BIGINT), lambda j: (j * 7 + ${h} % 100)::INTEGER)`),
    c('l_str', 'VARCHAR[]', ['NULL', '[]', `['', NULL, 'x']`, `[${UNI}]`],
      h => `list_transform(range((${h} % 4)::BIGINT), lambda j: 's' || ((${h} + j) % 50)::VARCHAR)`),
    c('l_l', 'INTEGER[][]', ['NULL', '[]', '[NULL]', '[[]]', '[[1, 2], [], NULL, [NULL]]'],
      h => `list_transform(range((${h} % 3)::BIGINT), lambda j: list_transform(range(j), lambda m: (m + ${h} % 10)::INTEGER))`),
    c('st', 'STRUCT(a INTEGER, b VARCHAR)', ['NULL', `{'a': NULL, 'b': NULL}`, `{'a': -1, 'b': ''}`],
      h => `{'a': (${h} % 1000)::INTEGER, 'b': CASE WHEN ${h} % 5 = 0 THEN NULL ELSE 'b' || (${h} % 77)::VARCHAR END}`),
    c('st_l', 'STRUCT(x INTEGER[], y DOUBLE)', ['NULL', `{'x': NULL, 'y': NULL}`, `{'x': [], 'y': '-0.0'::DOUBLE}`],
      h => `{'x': list_transform(range((${h} % 3)::BIGINT), lambda j: j::INTEGER), 'y': (${h} % 1000)::DOUBLE / 8}`),
    c('l_st', 'STRUCT(k VARCHAR, v BIGINT)[]', ['NULL', '[]', `[NULL, {'k': NULL, 'v': NULL}]`],
      h => `list_transform(range((${h} % 3)::BIGINT), lambda j: {'k': 'k' || j::VARCHAR, 'v': (${h} * j)::BIGINT})`),
    c('m_si', 'MAP(VARCHAR, INTEGER)', ['NULL', 'MAP {}', `MAP {'a': NULL, '': 0}`, `MAP {${UNI}: 1}`],
      h => `map_from_entries(list_transform(range((${h} % 4)::BIGINT), lambda j: {'k': 'k' || j::VARCHAR, 'v': ((${h} + j) % 1000)::INTEGER}))`),
    c('m_is', 'MAP(INTEGER, VARCHAR)', ['NULL', 'MAP {}', `MAP {-1: NULL, 0: ''}`],
      h => `map_from_entries(list_transform(range((${h} % 3)::BIGINT), lambda j: {'k': (j * 10 + ${h} % 10)::INTEGER, 'v': 'v' || j::VARCHAR}))`),
  ];
  return `SELECT ${cols.join(',\n  ')}\nFROM range(${Number(rows)}) r(i)`;
}

// A wider, longer table like the benchmark's (pages fill up, dictionaries overflow).
export function benchLikeSelect(rows) {
  let k = 0;
  const c = (...a) => column(k++, ...a);
  const cols = [
    `i::BIGINT AS id`,
    c('i64', 'BIGINT', [], h => `${h}::BIGINT - 2147483648`, false),
    c('i32', 'INTEGER', [], h => `${h} % 1000`),
    c('f64', 'DOUBLE', [], h => `${h}::DOUBLE / 4294967296.0 * 1000.0`, false),
    c('str', 'VARCHAR', [], h => `'v' || (${h} % 100000)::VARCHAR`),
    c('ts', 'TIMESTAMP', [], h => `make_timestamp(1577836800000000 + ${h}::BIGINT * 1000)`),
  ];
  return `SELECT ${cols.join(', ')} FROM range(${Number(rows)}) r(i)`;
}

// name -> {table, opts}: table 't' (all types), 't1' (first row), 't0' (empty), 'w' (bench-like).
export function matrix() {
  const m = [];
  for (const codec of ['uncompressed', 'snappy', 'gzip', 'zstd', 'brotli', 'lz4_raw']) {
    m.push({ name: `types_${codec}`, table: 't', opts: [`COMPRESSION ${codec}`] });
  }
  m.push({ name: 'types_zstd_level19', table: 't', opts: ['COMPRESSION zstd', 'COMPRESSION_LEVEL 19'] });
  m.push({ name: 'types_snappy_nodict', table: 't', opts: ['COMPRESSION snappy', 'DICTIONARY_SIZE_LIMIT 0'] });
  m.push({ name: 'types_uncompressed_nodict', table: 't', opts: ['COMPRESSION uncompressed', 'DICTIONARY_SIZE_LIMIT 0'] });
  m.push({ name: 'types_snappy_v2', table: 't', opts: ['COMPRESSION snappy', 'PARQUET_VERSION V2'] });
  m.push({ name: 'types_zstd_v2_nodict', table: 't', opts: ['COMPRESSION zstd', 'PARQUET_VERSION V2', 'DICTIONARY_SIZE_LIMIT 0'] });
  m.push({ name: 'types_gzip_v2', table: 't', opts: ['COMPRESSION gzip', 'PARQUET_VERSION V2'] });
  m.push({ name: 'types_snappy_rowgroups', table: 't', opts: ['COMPRESSION snappy', 'ROW_GROUP_SIZE 2048'] });
  m.push({ name: 'types_0rows', table: 't0', opts: ['COMPRESSION snappy'] });
  m.push({ name: 'types_1row', table: 't1', opts: ['COMPRESSION zstd'] });
  m.push({ name: 'types_1row_v2_nodict', table: 't1', opts: ['COMPRESSION uncompressed', 'PARQUET_VERSION V2', 'DICTIONARY_SIZE_LIMIT 0'] });
  m.push({ name: 'wide_snappy_rowgroups', table: 'w', opts: ['COMPRESSION snappy', 'ROW_GROUP_SIZE 4096'] });
  m.push({ name: 'wide_zstd_v2', table: 'w', opts: ['COMPRESSION zstd', 'PARQUET_VERSION V2'] });
  m.push({ name: 'wide_lz4_raw_nodict', table: 'w', opts: ['COMPRESSION lz4_raw', 'DICTIONARY_SIZE_LIMIT 0'] });
  return m;
}

// Writes the matrix (or the entries named in `only`) into `dir`; returns [{name, path}].
export async function writeMatrix(dir, { rows = 5000, wideRows = 30000, only = null } = {}) {
  mkdirSync(dir, { recursive: true });
  // one thread: row groups are then cut the same way on every run
  const { con } = await connect({ threads: 1 });
  await con.run(`SET TimeZone = 'UTC'`);
  for (const m of SQL_MACROS) await con.run(m);
  await con.run(`CREATE TABLE t AS ${typesSelect(rows)}`);
  await con.run(`CREATE TABLE t1 AS SELECT * FROM t WHERE id = ${Math.min(5, rows - 1)}`);
  await con.run(`CREATE TABLE t0 AS SELECT * FROM t WHERE false`);
  await con.run(`CREATE TABLE w AS ${benchLikeSelect(wideRows)}`);
  const out = [];
  for (const e of matrix()) {
    if (only && !only.includes(e.name)) continue;
    const path = join(dir, e.name + '.parquet');
    await con.run(`COPY (SELECT * FROM ${e.table} ORDER BY id) TO ${sqlStr(path)} (FORMAT parquet, ${e.opts.join(', ')})`);
    out.push({ name: e.name, path });
  }
  con.closeSync && con.closeSync();
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  let dir = null, rows = 5000, wideRows = 30000, only = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--rows') rows = Number(args[++i]);
    else if (a === '--wide-rows') wideRows = Number(args[++i]);
    else if (a === '--only') only = args[++i].split(',');
    else if (a === '--list') { for (const e of matrix()) console.log(e.name); process.exit(0); }
    else if (a === '--sql') { console.log(typesSelect(rows) + ';'); process.exit(0); }
    else if (!dir && !a.startsWith('-')) dir = a;
    else { console.error('usage: duckdb_write.mjs DIR [--rows N] [--wide-rows N] [--only NAME,...] | --list | --sql'); process.exit(2); }
  }
  if (!dir) { console.error('usage: duckdb_write.mjs DIR [--rows N] [--wide-rows N] [--only NAME,...] | --list | --sql'); process.exit(2); }
  try {
    for (const f of await writeMatrix(resolve(dir), { rows, wideRows, only })) console.log(f.path);
  } catch (e) {
    console.error(`duckdb_write: ${e.message}`);
    process.exit(1);
  }
}
