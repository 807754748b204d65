/* SPDX-License-Identifier: Apache-2.0
 *
 * table/canon.h - the canonical row text "canon v1" (see docs/canon.md and
 * ../shared/peers/README.md): one JSON object per row, columns in schema
 * order, values rendered so that two engines' outputs can be diffed line by
 * line.  Used by `parquant cat --format jsonl` and by the interop tests.
 *
 *   integers exact; floats shortest round-trip ("NaN","Infinity","-Infinity", -0);
 *   decimals exact with `scale` fraction digits, unquoted; strings JSON;
 *   binary/fixed {"$hex":".."}; DATE "YYYY-MM-DD"; TIMESTAMP
 *   "YYYY-MM-DD HH:MM:SS[.fraction]" (trailing zeros trimmed); TIME
 *   "HH:MM:SS[.f]"; UUID lowercase 8-4-4-4-12; lists arrays; structs objects;
 *   maps objects keyed by the key's text.
 */
#ifndef PARQUANT_TABLE_CANON_H
#define PARQUANT_TABLE_CANON_H

#include "core/core.h"
#include "parquant/table.h"

/** Append the canonical JSON object of row `row` of `t` to `out` (no newline). */
PQ_NODISCARD pq_status pq_canon_row(const pq_table *t, int64_t row, pq_buf *out, pq_error *err);
/** Append the canonical text of slot `i` of array `a` described by field `f`. */
PQ_NODISCARD pq_status pq_canon_value(const pq_field *f, const pq_array *a, int64_t i, pq_buf *out,
                                      pq_error *err);
/** Append `s` (n bytes of UTF-8) as a JSON string literal with escapes. */
PQ_NODISCARD pq_status pq_canon_json_string(const char *s, size_t n, pq_buf *out, pq_error *err);

/** Append the canonical text of a double (JS Number.toString; "NaN",
 *  "Infinity", "-Infinity" quoted; -0). */
PQ_NODISCARD pq_status pq_canon_double(double v, pq_buf *out, pq_error *err);
/** Append `s` (n bytes of UTF-8) as Python's json.dumps writes a string
 *  (ensure_ascii: every byte outside space..'~' escaped, \\uXXXX in
 *  lowercase hex, UTF-16 surrogate pairs above U+FFFF).
 *  @return PQ_ERR_INVALID_ARG when s is not valid UTF-8. */
PQ_NODISCARD pq_status pq_canon_python_string(const char *s, size_t n, pq_buf *out, pq_error *err);
/** Append a double as Python's json.dumps writes it (float.__repr__:
 *  shortest round-trip digits, fixed notation for decimal exponents -4..15
 *  with ".0" on integral values, else "1e-05" / "1.5e+16"; bare NaN,
 *  Infinity, -Infinity; -0.0).  For exporting JSON that NECROZMA-style
 *  Python tools wrote, byte for byte (docs/migrate.md). */
PQ_NODISCARD pq_status pq_canon_python_double(double v, pq_buf *out, pq_error *err);
/** Append "YYYY-MM-DD" (quoted) for days since 1970-01-01. */
PQ_NODISCARD pq_status pq_canon_date(int64_t days, pq_buf *out, pq_error *err);
/** Append "YYYY-MM-DD HH:MM:SS[.f]" (quoted) of `v` units since the epoch. */
PQ_NODISCARD pq_status pq_canon_timestamp(int64_t v, pq_time_unit unit, pq_buf *out, pq_error *err);

/** Append the exact text of a decimal128 (16 bytes little-endian two's
 *  complement) with `scale` fraction digits, unquoted. */
PQ_NODISCARD pq_status pq_canon_decimal(const uint8_t *le16, int32_t scale, pq_buf *out, pq_error *err);
/** IEEE 754 half precision -> double (exact). */
double pq_half_to_double(uint16_t h);

#endif /* PARQUANT_TABLE_CANON_H */
