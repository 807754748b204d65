// SPDX-License-Identifier: Apache-2.0
//
// hyparquet (a pure-JavaScript Parquet reader, tests/interop/node_modules) as a reference
// engine: the rows of a Parquet file as canon v1 lines (lib/canon.mjs), the same text
// lib/duck.mjs makes of DuckDB's rows.
//
// hyparquet decodes pages, levels and nesting itself; this adapter only turns its JS values
// into canonical text, walking the file's schema tree (one renderer compiled per schema
// node, so struct fields come out in schema order whatever their names).  Two annotations
// are hidden from hyparquet because its own conversion would lose information that the
// canonical text needs, and are applied here from the schema instead:
//   - DECIMAL: hyparquet converts to a JS double (wrong beyond 15 digits); we take the raw
//     INT32 / INT64 / byte-array unscaled value and print it exactly.
//   - MAP (the 2-field key_value form hyparquet recognises): hyparquet builds a JS object,
//     which reorders integer-like keys and merges duplicates; as an un-annotated group it
//     yields the key_value entries in stored order, which we print as the map.
// Everything else (timestamps incl. INT96, dates, FLOAT16, UUID, strings, lists, bare
// repeated fields, the list / map recognition rules themselves) is hyparquet's own reading.
// Rows are read one row group at a time (bounded memory); the row count is the sum of the
// row groups' num_rows, as hyparquet's planner does.
import { readFileSync } from 'node:fs';
import {
  bytesText, dateText, decimalText, floatText, mapKeyText, objectText, stringText,
  timeText, timestampText,
} from './canon.mjs';
import { loadModule } from './modules.mjs';

// Values made by our parsers (hyparquet calls them for timestamp and date columns).
class Nanos { constructor(ns) { this.ns = BigInt(ns); } }
class Days { constructor(d) { this.d = Number(d); } }
const utf8 = new TextDecoder();
const PARSERS = {
  timestampFromMilliseconds: ms => new Nanos(BigInt(ms) * 1000000n),
  timestampFromMicroseconds: us => new Nanos(BigInt(us) * 1000n),
  timestampFromNanoseconds: ns => new Nanos(ns),
  dateFromDays: d => new Days(d),
  stringFromBytes: b => (b ? utf8.decode(b) : b),
  jsonFromBytes: b => (b ? utf8.decode(b) : b),
  geometryFromBytes: b => b,
  geographyFromBytes: b => b,
};

const isDecimal = el => el.converted_type === 'DECIMAL' || (el.logical_type && el.logical_type.type === 'DECIMAL');

// hyparquet's own list / map recognition (src/schema.js), so we walk its output as it built it.
function isListLike(n) {
  if (n.element.converted_type !== 'LIST' || n.children.length > 1) return false;
  const c = n.children[0];
  return c.children.length <= 1 && c.element.repetition_type === 'REPEATED';
}
function isMapLike(n) {
  if (n.element.converted_type !== 'MAP' || n.children.length > 1) return false;
  const kv = n.children[0];
  if (kv.children.length !== 2 || kv.element.repetition_type !== 'REPEATED') return false;
  const key = kv.children.find(c => c.element.name === 'key');
  const val = kv.children.find(c => c.element.name === 'value');
  return !(key && key.element.repetition_type === 'REPEATED') && !(val && val.element.repetition_type === 'REPEATED');
}

// Big-endian two's complement bytes -> bigint.
function beSigned(b) {
  let x = 0n;
  for (let i = 0; i < b.length; i++) x = (x << 8n) | BigInt(b[i]);
  if (b.length && b[0] & 0x80) x -= 1n << BigInt(8 * b.length);
  return x;
}

function leafRenderer(el) {
  const lt = el.logical_type || {};
  if (isDecimal(el)) {
    const scale = el.scale ?? lt.scale ?? 0;
    return v => (v == null ? 'null' : decimalText(v instanceof Uint8Array ? beSigned(v) : BigInt(v), scale));
  }
  if (el.converted_type === 'TIME_MILLIS' || el.converted_type === 'TIME_MICROS' || lt.type === 'TIME') {
    const unit = lt.type === 'TIME' ? lt.unit : el.converted_type === 'TIME_MILLIS' ? 'MILLIS' : 'MICROS';
    const mul = unit === 'MILLIS' ? 1000000n : unit === 'MICROS' ? 1000n : 1n;
    return v => (v == null ? 'null' : '"' + timeText(BigInt(v) * mul) + '"');
  }
  const text = el.converted_type === 'UTF8' || el.converted_type === 'ENUM' || el.converted_type === 'JSON' ||
    lt.type === 'STRING' || lt.type === 'ENUM' || lt.type === 'JSON';
  return v => {
    if (v === null || v === undefined) return 'null';
    switch (typeof v) {
      case 'boolean': return v ? 'true' : 'false';
      case 'number': return floatText(v);
      case 'bigint': return v.toString();
      case 'string': return stringText(v);
      default: break;
    }
    if (v instanceof Uint8Array) return text ? stringText(utf8.decode(v)) : bytesText(v);
    if (v instanceof Nanos) return '"' + timestampText(v.ns) + '"';
    if (v instanceof Days) return '"' + dateText(v.d) + '"';
    throw new Error(`hyparquet adapter: unexpected value ${Object.prototype.toString.call(v)} in column ${el.name}`);
  };
}

function arrayOf(item, what) {
  return v => {
    if (!Array.isArray(v)) throw new Error(`hyparquet adapter: expected an array for ${what}`);
    let s = '[';
    for (let i = 0; i < v.length; i++) s += (i ? ',' : '') + item(v[i]);
    return s + ']';
  };
}

// Renderer for a schema node: hyparquet value -> canonical text.  asElement: the node is
// the element of its own repetition (a repeated field's single occurrence).
function compile(node, asElement = false) {
  const el = node.element;
  if (el.repetition_type === 'REPEATED' && !asElement) {
    // a bare repeated field with no occurrences is an empty list, never null
    const list = arrayOf(compile(node, true), el.name);
    return v => (v === null || v === undefined ? '[]' : list(v));
  }
  if (isListLike(node)) {
    const rep = node.children[0];
    const item = rep.children.length === 1 ? compile(rep.children[0]) : compile(rep, true);
    const list = arrayOf(item, el.name);
    return v => (v === null || v === undefined ? 'null' : list(v));
  }
  if (isMapLike(node)) {
    const kv = node.children[0];
    const kvName = kv.element.name;
    const key = compile(kv.children.find(c => c.element.name === 'key'), true);
    const val = compile(kv.children.find(c => c.element.name === 'value'), true);
    return v => {
      if (v === null || v === undefined) return 'null';
      const entries = v[kvName] || [];
      let s = '{';
      for (let i = 0; i < entries.length; i++) {
        const e = entries[i];
        s += (i ? ',' : '') + JSON.stringify(mapKeyText(key(e.key))) + ':' + val(e.value);
      }
      return s + '}';
    };
  }
  if (node.children.length) {
    const names = node.children.map(c => c.element.name);
    const fields = node.children.map(c => compile(c));
    return v => {
      if (v === null || v === undefined) return 'null';
      if (typeof v !== 'object' || Array.isArray(v)) throw new Error(`hyparquet adapter: expected an object for ${el.name}`);
      return objectText(names, fields.map((f, i) => f(v[names[i]])));
    };
  }
  return leafRenderer(el);
}

// The metadata handed to hyparquet: DECIMAL leaves and map-like MAP groups lose their
// annotation (see the header).  Schema elements are in depth-first order, so the tree's
// nodes map to metadata.schema by a pre-order walk.
function readerMetadata(metadata, tree) {
  const schema = metadata.schema.map(e => ({ ...e }));
  let k = 0;
  const walk = node => {
    const idx = k++;
    if ((!node.children.length && isDecimal(node.element)) || isMapLike(node)) {
      delete schema[idx].converted_type;
      delete schema[idx].logical_type;
    }
    node.children.forEach(walk);
  };
  walk(tree);
  return { ...metadata, schema };
}

// Canonical lines of every row of `file`, as hyparquet reads it.
export async function* hyparquetLines(file) {
  const hp = await loadModule('hyparquet');
  const { compressors } = await loadModule('hyparquet-compressors');
  const buf = readFileSync(file);
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const metadata = hp.parquetMetadata(ab);
  const tree = hp.parquetSchema(metadata);
  const readMeta = readerMetadata(metadata, tree);
  const top = tree.children;
  const names = top.map(c => c.element.name);
  const cols = top.map(c => compile(c));
  const keys = names.map(n => JSON.stringify(n) + ':');
  let start = 0;
  for (const rg of metadata.row_groups) {
    const n = Number(rg.num_rows);
    if (n > 0) {
      const rows = await hp.parquetReadObjects({
        file: ab, metadata: readMeta, compressors, rowStart: start, rowEnd: start + n,
        utf8: false, parsers: PARSERS,
      });
      for (const r of rows) {
        let s = '{';
        for (let i = 0; i < cols.length; i++) s += (i ? ',' : '') + keys[i] + cols[i](r[names[i]]);
        yield s + '}';
      }
    }
    start += n;
  }
}
