// SPDX-License-Identifier: Apache-2.0
//
// arrow-rs as WebAssembly (parquet-wasm, tests/interop/node_modules) as a reference engine:
// the rows of a Parquet file as canon v1 lines (lib/canon.mjs), the same text lib/duck.mjs
// makes of DuckDB's rows.
//
// parquet-wasm decodes the file into Arrow record batches (arrow-rs's `parquet` crate does
// all Parquet work: pages, levels, nesting, logical types), hands them over as an Arrow IPC
// stream, and apache-arrow (JS) exposes them as typed-array buffers.  This adapter renders
// those buffers by Arrow type: one renderer compiled per field, reading values straight from
// the buffers (exact 64-bit integers, decimals and timestamps; Vector.get would go through
// JS numbers / Dates).  Row groups are read one at a time so memory stays bounded.
//
// A UUID column reaches us as FixedSizeBinary(16); it prints as a UUID only when arrow-rs tags
// the field with the arrow.uuid extension, which the parquet-wasm 0.8.0 build does not, so it
// prints as {"$hex":..} (no corpus file has one; DuckDB-written files show it).
//
// Buffer indexing follows apache-arrow's Data layout: for a Data at logical index i the
// validity and boolean bits are at offset + i, while value / offset buffers and the children
// of fixed-layout types (struct) are already sliced, so they are indexed by i.
import { readFileSync } from 'node:fs';
import {
  bytesText, dateText, decimalText, floatText, mapKeyText, objectText, stringText,
  timeText, timestampText, uuidText, hexText,
} from './canon.mjs';
import { loadModule } from './modules.mjs';

let A = null; // apache-arrow
const utf8 = new TextDecoder();
const UNIT_NS = [1000000000n, 1000000n, 1000n, 1n]; // TimeUnit SECOND, MILLISECOND, MICROSECOND, NANOSECOND

// IEEE 754 half-precision bits -> number (exact).
function halfToNumber(h) {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f, frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function isValid(data, i) {
  if (data.nullCount === 0) return true;
  const bm = data.nullBitmap;
  if (!bm || bm.length === 0) return true;
  const j = data.offset + i;
  return (bm[j >> 3] & (1 << (j & 7))) !== 0;
}

// A 64-bit value at index i of a BigInt64Array / BigUint64Array, or of a 32-bit array
// holding little-endian word pairs (older apache-arrow builds).
function int64At(values, i, signed = true) {
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) return values[i];
  const lo = BigInt(values[2 * i] >>> 0), hi = BigInt(values[2 * i + 1] >>> 0);
  const x = (hi << 32n) | lo;
  return signed ? BigInt.asIntN(64, x) : x;
}

// Offsets of variable-length element i: [start, end).
function span(data, i) {
  const o = data.valueOffsets;
  return [Number(o[i]), Number(o[i + 1])];
}

// Renderer (data, i) -> canonical text, without the null check, for a field's type.
function valueRenderer(field) {
  const T = A.Type;
  const type = field.type;
  const ext = field.metadata && field.metadata.get('ARROW:extension:name');
  switch (type.typeId) {
    case T.Null: return () => 'null';
    case T.Bool: return (d, i) => {
      const j = d.offset + i;
      return (d.values[j >> 3] >> (j & 7)) & 1 ? 'true' : 'false';
    };
    case T.Int:
      if (type.bitWidth === 64) return (d, i) => int64At(d.values, i, type.isSigned).toString();
      return (d, i) => String(d.values[i]);
    case T.Float:
      if (type.precision === 0) return (d, i) => floatText(halfToNumber(d.values[i]));
      return (d, i) => floatText(d.values[i]);
    case T.Decimal: {
      const words = type.bitWidth / 32, bits = BigInt(type.bitWidth), scale = type.scale;
      return (d, i) => {
        let x = 0n;
        for (let w = words - 1; w >= 0; w--) x = (x << 32n) | BigInt(d.values[i * words + w] >>> 0);
        return decimalText(BigInt.asIntN(Number(bits), x), scale);
      };
    }
    case T.Date:
      if (type.unit === A.DateUnit.DAY) return (d, i) => '"' + dateText(d.values[i]) + '"';
      return (d, i) => {
        const ms = int64At(d.values, i);
        let days = ms / 86400000n;
        if (ms % 86400000n < 0n) days -= 1n;
        return '"' + dateText(Number(days)) + '"';
      };
    case T.Time: {
      const ns = UNIT_NS[type.unit];
      if (type.bitWidth === 64) return (d, i) => '"' + timeText(int64At(d.values, i) * ns) + '"';
      return (d, i) => '"' + timeText(BigInt(d.values[i]) * ns) + '"';
    }
    case T.Timestamp: {
      const ns = UNIT_NS[type.unit];
      return (d, i) => '"' + timestampText(int64At(d.values, i) * ns) + '"';
    }
    case T.Utf8: case T.LargeUtf8: return (d, i) => {
      const [a, b] = span(d, i);
      return stringText(utf8.decode(d.values.subarray(a, b)));
    };
    case T.Binary: case T.LargeBinary: return (d, i) => {
      const [a, b] = span(d, i);
      return bytesText(d.values.subarray(a, b));
    };
    case T.Utf8View: case T.BinaryView: {
      const text = type.typeId === T.Utf8View;
      return (d, i) => {
        const v = A.makeVector(d).get(i);
        return text ? stringText(v) : bytesText(v);
      };
    }
    case T.FixedSizeBinary: {
      const w = type.byteWidth;
      // arrow-rs tags Parquet UUID columns with the canonical arrow.uuid extension type
      if (ext === 'arrow.uuid' && w === 16) return (d, i) => '"' + uuidText(hexText(d.values.subarray(i * w, (i + 1) * w))) + '"';
      return (d, i) => bytesText(d.values.subarray(i * w, (i + 1) * w));
    }
    case T.List: case T.LargeList: {
      const item = renderer(type.children[0]);
      return (d, i) => {
        const [a, b] = span(d, i);
        const c = d.children[0];
        let s = '[';
        for (let k = a; k < b; k++) s += (k > a ? ',' : '') + item(c, k);
        return s + ']';
      };
    }
    case T.FixedSizeList: {
      const item = renderer(type.children[0]), n = type.listSize;
      return (d, i) => {
        const c = d.children[0];
        let s = '[';
        for (let k = 0; k < n; k++) s += (k ? ',' : '') + item(c, i * n + k);
        return s + ']';
      };
    }
    case T.Struct: {
      const names = type.children.map(f => f.name);
      const fields = type.children.map(renderer);
      return (d, i) => objectText(names, fields.map((f, k) => f(d.children[k], i)));
    }
    case T.Map: {
      const entry = type.children[0].type;
      const key = renderer(entry.children[0]), val = renderer(entry.children[1]);
      return (d, i) => {
        const [a, b] = span(d, i);
        const e = d.children[0];
        const kd = e.children[0], vd = e.children[1];
        let s = '{';
        for (let k = a; k < b; k++) {
          s += (k > a ? ',' : '') + JSON.stringify(mapKeyText(key(kd, k))) + ':' + val(vd, k);
        }
        return s + '}';
      };
    }
    case T.Dictionary: {
      const dictField = new A.Field('dictionary', type.dictionary, true, field.metadata);
      const value = renderer(dictField);
      return (d, i) => {
        const idx = Number(d.values[i]);
        let base = 0;
        for (const chunk of d.dictionary.data) {
          if (idx < base + chunk.length) return value(chunk, idx - base);
          base += chunk.length;
        }
        throw new Error(`wasm adapter: dictionary index ${idx} out of range`);
      };
    }
    default:
      throw new Error(`wasm adapter: Arrow type ${type} (field ${field.name}) has no canonical rendering`);
  }
}

// Renderer (data, i) -> canonical text of a field's value, null included.
function renderer(field) {
  const value = valueRenderer(field);
  return (d, i) => (isValid(d, i) ? value(d, i) : 'null');
}

// Number of row groups, from the footer as parquet-wasm reads it.
async function rowGroupCount(pw, bytes) {
  const pf = await pw.ParquetFile.fromFile(new Blob([bytes]));
  try {
    return pf.metadata().numRowGroups();
  } finally {
    pf.free();
  }
}

// Canonical lines of every row of `file`, as arrow-rs (parquet-wasm) reads it.
export async function* wasmLines(file) {
  const pw = await loadModule('parquet-wasm');
  A = await loadModule('apache-arrow');
  const bytes = new Uint8Array(readFileSync(file));
  const groups = await rowGroupCount(pw, bytes);
  let compiled = null;
  for (let g = 0; g < groups; g++) {
    const table = A.tableFromIPC(pw.readParquet(bytes, { rowGroups: [g] }).intoIPCStream());
    if (!compiled) {
      const fields = table.schema.fields;
      compiled = { keys: fields.map(f => JSON.stringify(f.name) + ':'), cols: fields.map(renderer) };
    }
    const { keys, cols } = compiled;
    for (const batch of table.batches) {
      const data = batch.data.children;
      for (let r = 0; r < batch.numRows; r++) {
        let s = '{';
        for (let k = 0; k < cols.length; k++) s += (k ? ',' : '') + keys[k] + cols[k](data[k], r);
        yield s + '}';
      }
    }
  }
}
