// SPDX-License-Identifier: Apache-2.0
//
// DuckDB from Node (@duckdb/node-api, installed in tests/interop/node_modules by
// scripts/setup.sh): loading with a clear message when it is missing, in-memory
// connections, and the rendering of DuckDB query results as canon v1 lines (lib/canon.mjs).
//
// Rendering is driven by the result's column types: one renderer function is compiled per
// column type tree, so struct fields come out in schema order (a JS object would move
// integer-like field names first) and the per-value work is a direct call.  Values not
// covered by a type rule (VARIANT payloads) go through anyText(), which dispatches on the
// value's class.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  bytesText, dateText, decimalText, floatText, mapKeyText, objectText, stringText,
  timeText, timestampText,
} from './canon.mjs';

export const INTEROP_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SETUP_HINT = 'run scripts/setup.sh (installs @duckdb/node-api into tests/interop/node_modules)';

let duckModule = null;
export async function duckdb() {
  if (duckModule) return duckModule;
  const pkg = join(INTEROP_DIR, 'node_modules', '@duckdb', 'node-api', 'package.json');
  if (!existsSync(pkg)) throw new Error(`@duckdb/node-api not found in ${INTEROP_DIR}/node_modules: ${SETUP_HINT}`);
  const req = createRequire(join(INTEROP_DIR, 'package.json'));
  let m;
  try {
    m = await import(pathToFileURL(req.resolve('@duckdb/node-api')).href);
  } catch (e) {
    throw new Error(`cannot load @duckdb/node-api (${e.message}): ${SETUP_HINT}`);
  }
  duckModule = m.default && m.default.DuckDBInstance ? m.default : m;
  return duckModule;
}

export function duckVersion() {
  try {
    const req = createRequire(join(INTEROP_DIR, 'package.json'));
    return req('@duckdb/node-api/package.json').version;
  } catch {
    return null;
  }
}

// One in-memory database; no extension auto-install (the machines have no network).
export async function connect({ threads } = {}) {
  const d = await duckdb();
  const opts = { autoinstall_known_extensions: 'false' };
  if (threads) opts.threads = String(threads);
  const instance = await d.DuckDBInstance.create(':memory:', opts);
  const con = await instance.connect();
  return { instance, con, duck: d };
}

// SQL string literal.
export const sqlStr = s => "'" + String(s).replace(/'/g, "''") + "'";

// ------------------------------------------------------------------ rendering

const T = {
  BOOLEAN: 1, TINYINT: 2, SMALLINT: 3, INTEGER: 4, BIGINT: 5, UTINYINT: 6, USMALLINT: 7, UINTEGER: 8,
  UBIGINT: 9, FLOAT: 10, DOUBLE: 11, TIMESTAMP: 12, DATE: 13, TIME: 14, INTERVAL: 15, HUGEINT: 16,
  VARCHAR: 17, BLOB: 18, DECIMAL: 19, TIMESTAMP_S: 20, TIMESTAMP_MS: 21, TIMESTAMP_NS: 22, ENUM: 23,
  LIST: 24, STRUCT: 25, MAP: 26, UUID: 27, UNION: 28, BIT: 29, TIME_TZ: 30, TIMESTAMP_TZ: 31,
  UHUGEINT: 32, ARRAY: 33, BIGNUM: 35, TIME_NS: 39, GEOMETRY: 40, VARIANT: 41,
};

const nullable = f => v => (v === null || v === undefined ? 'null' : f(v));
const intervalText = v => `{"months":${v.months},"days":${v.days},"nanos":${BigInt(v.micros) * 1000n}}`;

// Renderer for one DuckDB type: value -> canonical text.
export function compile(type) {
  switch (type.typeId) {
    case T.BOOLEAN: return nullable(v => (v ? 'true' : 'false'));
    case T.TINYINT: case T.SMALLINT: case T.INTEGER: case T.BIGINT: case T.HUGEINT:
    case T.UTINYINT: case T.USMALLINT: case T.UINTEGER: case T.UBIGINT: case T.UHUGEINT:
      return nullable(v => String(v));
    case T.FLOAT: case T.DOUBLE: return nullable(floatText);
    case T.DECIMAL: return nullable(v => decimalText(v.value, v.scale));
    case T.VARCHAR: case T.ENUM: return nullable(stringText);
    case T.BLOB: case T.GEOMETRY: return nullable(v => bytesText(v.bytes));
    case T.DATE: return nullable(v => '"' + dateText(v.days) + '"');
    case T.TIMESTAMP: case T.TIMESTAMP_TZ: return nullable(v => '"' + timestampText(v.micros * 1000n) + '"');
    case T.TIMESTAMP_MS: return nullable(v => '"' + timestampText(v.millis * 1000000n) + '"');
    case T.TIMESTAMP_NS: return nullable(v => '"' + timestampText(v.nanos) + '"');
    case T.TIMESTAMP_S: return nullable(v => '"' + timestampText(v.seconds * 1000000000n) + '"');
    // TIME WITH TIME ZONE: the local time of day, offset dropped (as the peers do)
    case T.TIME: case T.TIME_TZ: return nullable(v => '"' + timeText(BigInt(v.micros) * 1000n) + '"');
    case T.TIME_NS: return nullable(v => '"' + timeText(BigInt(v.nanos)) + '"');
    case T.UUID: return nullable(v => '"' + v.toString() + '"');
    case T.INTERVAL: return nullable(intervalText);
    case T.LIST: case T.ARRAY: {
      const item = compile(type.valueType);
      return nullable(v => '[' + v.items.map(item).join(',') + ']');
    }
    case T.STRUCT: {
      const names = type.entryNames;
      const fields = type.entryTypes.map(compile);
      return nullable(v => objectText(names, fields.map((f, i) => f(v.entries[names[i]]))));
    }
    case T.MAP: {
      const key = compile(type.keyType), val = compile(type.valueType);
      return nullable(v => '{' + v.entries.map(e => JSON.stringify(mapKeyText(key(e.key))) + ':' + val(e.value)).join(',') + '}');
    }
    case T.UNION: {
      const members = type.memberTypes.map(compile);
      return nullable(v => members[type.tagMemberIndexes[v.tag]](v.value));
    }
    case T.BIT: return nullable(v => stringText(v.toString()));
    default: return anyText;
  }
}

// Untyped rendering by the value's class (VARIANT contents, types without a rule).
export function anyText(v) {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'boolean': return v ? 'true' : 'false';
    case 'bigint': return v.toString();
    case 'number': return floatText(v);
    case 'string': return stringText(v);
    default: break;
  }
  switch (v.constructor && v.constructor.name) {
    case 'DuckDBDecimalValue': return decimalText(v.value, v.scale);
    case 'DuckDBDateValue': return '"' + dateText(v.days) + '"';
    case 'DuckDBTimestampValue': case 'DuckDBTimestampTZValue': return '"' + timestampText(v.micros * 1000n) + '"';
    case 'DuckDBTimestampMillisecondsValue': return '"' + timestampText(v.millis * 1000000n) + '"';
    case 'DuckDBTimestampNanosecondsValue': return '"' + timestampText(v.nanos) + '"';
    case 'DuckDBTimestampSecondsValue': return '"' + timestampText(v.seconds * 1000000000n) + '"';
    case 'DuckDBTimeValue': case 'DuckDBTimeTZValue': return '"' + timeText(BigInt(v.micros) * 1000n) + '"';
    case 'DuckDBTimeNSValue': return '"' + timeText(BigInt(v.nanos)) + '"';
    case 'DuckDBBlobValue': case 'DuckDBGeometryValue': return bytesText(v.bytes);
    case 'DuckDBUUIDValue': return '"' + v.toString() + '"';
    case 'DuckDBListValue': case 'DuckDBArrayValue': return '[' + v.items.map(anyText).join(',') + ']';
    case 'DuckDBStructValue': {
      const names = Object.keys(v.entries);
      return objectText(names, names.map(k => anyText(v.entries[k])));
    }
    case 'DuckDBMapValue':
      return '{' + v.entries.map(e => JSON.stringify(mapKeyText(anyText(e.key))) + ':' + anyText(e.value)).join(',') + '}';
    case 'DuckDBIntervalValue': return intervalText(v);
    case 'DuckDBUnionValue': case 'DuckDBVariantValue': return anyText(v.value);
    default: return stringText(String(v));
  }
}

// Canonical lines of a query's rows, streamed chunk by chunk.
export async function* queryLines(con, sql) {
  const res = await con.stream(sql);
  const names = res.columnNames();
  const cols = res.columnTypes().map(compile);
  const keys = names.map(n => JSON.stringify(n) + ':');
  for (;;) {
    const chunk = await res.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    for (const row of chunk.getRows()) {
      let s = '{';
      for (let i = 0; i < cols.length; i++) s += (i ? ',' : '') + keys[i] + cols[i](row[i]);
      yield s + '}';
    }
  }
}

// Canonical lines of every row of a Parquet file, as DuckDB reads it.
export function fileLines(con, file) {
  return queryLines(con, `SELECT * FROM read_parquet(${sqlStr(file)})`);
}

// All lines of a file as one array (test-sized files only).
export async function dumpFile(con, file) {
  const out = [];
  for await (const line of fileLines(con, file)) out.push(line);
  return out;
}
