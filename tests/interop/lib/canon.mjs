// SPDX-License-Identifier: Apache-2.0
//
// Canonical value text, "canon v1": the line format that `parquant cat --format jsonl`
// prints and that the interop tests compare against DuckDB.  One JSON object per row,
// columns in schema order; every value is rendered by exactly one rule so two engines
// agree byte for byte:
//
//   null -> null; booleans -> true/false
//   integers (any width)  -> exact decimal digits, unquoted (64/128-bit included)
//   FLOAT / DOUBLE        -> JavaScript's shortest round-trip text of the value as a double
//                            (a FLOAT is widened first: 0.1f -> 0.10000000149011612);
//                            "NaN", "Infinity", "-Infinity" quoted; negative zero -> -0
//   DECIMAL               -> exact digits with exactly `scale` fraction digits, unquoted
//   strings               -> JSON string (JSON.stringify escapes)
//   binary / fixed bytes  -> {"$hex":"0aff.."}
//   DATE                  -> "YYYY-MM-DD" (proleptic Gregorian, negative years "-YYYY")
//   TIMESTAMP (any unit)  -> "YYYY-MM-DD HH:MM:SS[.fraction]", UTC wall clock,
//                            fraction trimmed of trailing zeros (up to 9 digits)
//   TIME                  -> "HH:MM:SS[.fraction]"
//   UUID                  -> lowercase 8-4-4-4-12
//   INTERVAL              -> {"months":m,"days":d,"nanos":n}
//   lists -> arrays; structs -> objects (schema order); maps -> objects keyed by the
//   key's text (a string key as is, any other key as its canonical text unquoted).
//
// Same rules as ../shared/peers/lib/canon.mjs (written independently).  DuckDB (duck.mjs),
// arrow-rs (wasm.mjs) and hyparquet (hyparquet.mjs) all render through this file, and
// check_corpus.mjs shows them byte-identical on every parquet-testing file they all read
// (docs/corpus.md lists the three real disagreements).

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function hexText(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]];
  return s;
}

export function bytesText(bytes) {
  return '{"$hex":"' + hexText(bytes) + '"}';
}

const pad2 = n => (n < 10 ? '0' : '') + n;

// Days since 1970-01-01 to [year, month, day]: Howard Hinnant's civil_from_days, exact for
// every int32 day count (all arithmetic stays within doubles' exact integer range).
function civil(z) {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

export function dateText(days) {
  const [y, m, d] = civil(Number(days));
  const ys = String(Math.abs(y)).padStart(4, '0');
  return (y < 0 ? '-' : '') + ys + '-' + pad2(m) + '-' + pad2(d);
}

// nanos: bigint nanoseconds since midnight, 0 <= nanos (TIME may reach 24:00:00).
export function timeText(nanos) {
  const sec = nanos / 1000000000n;
  const frac = nanos % 1000000000n;
  const h = sec / 3600n, mi = (sec / 60n) % 60n, s = sec % 60n;
  let t = String(h).padStart(2, '0') + ':' + String(mi).padStart(2, '0') + ':' + String(s).padStart(2, '0');
  if (frac !== 0n) t += '.' + String(frac).padStart(9, '0').replace(/0+$/, '');
  return t;
}

const NS_PER_DAY = 86400000000000n;

// nanos: bigint nanoseconds since the Unix epoch (negative before 1970).
export function timestampText(nanos) {
  let days = nanos / NS_PER_DAY;
  let rem = nanos % NS_PER_DAY;
  if (rem < 0n) { rem += NS_PER_DAY; days -= 1n; }
  return dateText(Number(days)) + ' ' + timeText(rem);
}

export function decimalText(unscaled, scale) {
  const u = BigInt(unscaled);
  if (scale <= 0) return (u * 10n ** BigInt(-scale)).toString();
  const neg = u < 0n;
  const digits = (neg ? -u : u).toString().padStart(scale + 1, '0');
  const cut = digits.length - scale;
  return (neg ? '-' : '') + digits.slice(0, cut) + '.' + digits.slice(cut);
}

export function floatText(v) {
  if (v !== v) return '"NaN"';
  if (v === Infinity) return '"Infinity"';
  if (v === -Infinity) return '"-Infinity"';
  if (v === 0 && 1 / v < 0) return '-0';
  return String(v);
}

export function uuidText(hex32) {
  const h = hex32.toLowerCase();
  return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20, 32);
}

export const stringText = s => JSON.stringify(s);

// A map key as object-key text: a JSON string stays as its content, anything else
// (numbers, null, {"$hex":..}) becomes its canonical text.
export function mapKeyText(canonicalKey) {
  return canonicalKey.charCodeAt(0) === 34 /* '"' */ ? JSON.parse(canonicalKey) : canonicalKey;
}

export function objectText(names, texts) {
  let s = '{';
  for (let i = 0; i < names.length; i++) {
    if (i) s += ',';
    s += JSON.stringify(names[i]) + ':' + texts[i];
  }
  return s + '}';
}
