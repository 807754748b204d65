/* SPDX-License-Identifier: Apache-2.0
 *
 * tests/interop/pq_gen_interop.c - writes parquant Parquet files with exactly
 * known contents, for the test "DuckDB reads parquant's files"
 * (check_duckdb_reads_parquant.mjs).
 *
 *   pq_gen_interop DIR [ROWS]
 *
 * For every file X.parquet it also writes X.expected.jsonl: the canon v1 line
 * of each row (pq_canon_row) rendered from the in-memory table that was handed
 * to the writer, never from reading the file back, so a writer bug cannot hide
 * behind a matching reader bug.
 *
 * Values are pure functions of (row, column): the first rows of each column
 * hold hand-picked edge values (integer extremes, NaN, +-Inf, -0.0, empty and
 * Unicode strings, JSON escapes, NULL and empty lists, NULL struct fields ...),
 * later rows lowbias32-hashed values, NULL on hashed rows of nullable columns.
 * The file matrix: every codec x page version 1/2 x dictionary on/off; high
 * compression levels; 0 and 1 row; many row groups; many pages; several
 * pq_writer_write calls with a flush; each non-default value encoding
 * (DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY,
 * BYTE_STREAM_SPLIT) on the column types DuckDB decodes it for; per-column
 * encoding options; a long file whose dictionary overflows.
 *
 * DuckDB quirks the values avoid (not parquant bugs): TIMESTAMP(NANOS,
 * isAdjustedToUTC) is read at microsecond precision (truncated), so UTC
 * nanosecond values here are whole microseconds; TIMESTAMP(MILLIS) is scaled to
 * microseconds, so millisecond values stay within +-9.2e15; DuckDB decodes
 * BYTE_STREAM_SPLIT only for FLOAT/DOUBLE.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/core.h"
#include "parquant/parquet.h"
#include "parquant/table.h"
#include "table/canon.h"

#include "gen_hash.h"

/* ------------------------------------------------------------ values */

/* Hash of (row, column, salt): independent streams per column and salt. */
static uint32_t hv(int64_t row, uint32_t col, uint32_t salt)
{
    return gen_lowbias32((uint32_t)row * 2U + col * 1000003U + salt * 0x9e3779b9U);
}

static uint64_t hv64(int64_t row, uint32_t col, uint32_t salt)
{
    return ((uint64_t)hv(row, col, salt) << 32) | hv(row, col, salt + 101U);
}

/* One cell to fill: the row, the column's stream and whether NULL is allowed. */
typedef struct cell {
    int64_t row;
    uint32_t col;
    bool nullable;
} cell;

/* Generic rows of nullable columns are NULL about one time in seven. */
static bool cell_is_null(const cell *c)
{
    return c->nullable && gen_lowbias32(((uint32_t)c->row * 2U + c->col * 1000003U) ^ 0x5bd1e995U) % 7U == 0;
}

static uint32_t cell_hash(const cell *c) { return hv(c->row, c->col, 0); }

static const char UNI[] = "h\xc3\xa9llo w\xc3\xb6rld \xe2\x9c\x93 \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e \xf0\x9f\x8e\x89 "
                          "\xe2\x80\xa8\xef\xbb\xbf e\xcc\x81";
static const char CTRL[] = "ctl:\x01\b\t\n\f\r\x1f\x7f\"q\"\\b/";

/* 16-byte little-endian two's complement of a decimal128 unscaled value. */
static void dec128_bytes(__int128 v, uint8_t out[16])
{
    unsigned __int128 u = (unsigned __int128)v;
    for (int i = 0; i < 16; i++) out[i] = (uint8_t)(u >> (8 * i));
}

static __int128 pow10_128(int n)
{
    __int128 p = 1;
    for (int i = 0; i < n; i++) p *= 10;
    return p;
}

/* --------------------------------------------------------- leaf fills */

static pq_status fill_int(pq_array *a, const cell *c, pq_error *err)
{
    int w = a->type.bit_width;
    bool sg = a->type.is_signed;
    int64_t mn = sg ? (w == 64 ? INT64_MIN : -((int64_t)1 << (w - 1))) : 0;
    int64_t mx = sg ? (w == 64 ? INT64_MAX : ((int64_t)1 << (w - 1)) - 1)
                    : (w == 64 ? -1 /* UINT64_MAX bits */ : ((int64_t)1 << w) - 1);
    switch (c->row) {
    case 0: return pq_array_append_i64(a, mn, err);
    case 1: return pq_array_append_i64(a, mx, err);
    case 2: return pq_array_append_i64(a, 0, err);
    case 3: return pq_array_append_i64(a, sg ? -1 : (int64_t)((uint64_t)1 << (w - 1)), err);
    default: break;
    }
    if (cell_is_null(c)) return pq_array_append_null(a, err);
    /* append_i64 keeps the low `w` bits: every bit pattern of the width occurs */
    return pq_array_append_i64(a, (int64_t)hv64(c->row, c->col, 1), err);
}

static pq_status fill_float(pq_array *a, const cell *c, pq_error *err)
{
    static const float sp[] = {0, 0, 0, -0.0f, 0.1f, 3.4028235e38f, 1.4e-45f, 1.17549435e-38f, -2.5f};
    const size_t n = sizeof sp / sizeof sp[0];
    if (c->row < (int64_t)n) {
        float v = c->row == 0 ? NAN : c->row == 1 ? INFINITY : c->row == 2 ? -INFINITY : sp[c->row];
        return pq_array_append_fixed(a, &v, err);
    }
    if (cell_is_null(c)) return pq_array_append_null(a, err);
    float v = (float)((double)(cell_hash(c) % 200001U) / 100.0 - 1000.0);
    return pq_array_append_fixed(a, &v, err);
}

static pq_status fill_double(pq_array *a, const cell *c, pq_error *err)
{
    static const double sp[] = {0, 0, 0, -0.0, 0.1, 1.7976931348623157e308, 5e-324, 1e21, 1e-7,
                                123456789012345680000.0, 0.000001, -1.5e-300, 4.35};
    const size_t n = sizeof sp / sizeof sp[0];
    if (c->row < (int64_t)n) {
        double v = c->row == 0 ? NAN : c->row == 1 ? INFINITY : c->row == 2 ? -INFINITY : sp[c->row];
        return pq_array_append_double(a, v, err);
    }
    if (cell_is_null(c)) return pq_array_append_null(a, err);
    return pq_array_append_double(a, (double)cell_hash(c) / 4294967296.0 * 2000.0 - 1000.0, err);
}

static pq_status append_str(pq_array *a, const char *s, pq_error *err)
{
    return pq_array_append_bytes(a, s, strlen(s), err);
}

/* STRING: empty, Unicode (U+2028, BOM, combining accent), JSON escapes, long,
 * NULL and the text "NULL"; then ~500 distinct short values (dictionary-friendly). */
static pq_status fill_string(pq_array *a, const cell *c, pq_error *err)
{
    static char long_s[5001];
    char buf[32];
    switch (c->row) {
    case 0: return append_str(a, "", err);
    case 1: return append_str(a, UNI, err);
    case 2: return append_str(a, CTRL, err);
    case 3:
        for (int i = 0; i < 5000; i++) long_s[i] = "long-"[i % 5];
        return pq_array_append_bytes(a, long_s, 5000, err);
    case 4: if (c->nullable) return pq_array_append_null(a, err); break;
    case 5: return append_str(a, "NULL", err);
    default: break;
    }
    if (cell_is_null(c)) return pq_array_append_null(a, err);
    snprintf(buf, sizeof buf, "v%u", (unsigned)(cell_hash(c) % 500U));
    return append_str(a, buf, err);
}

static pq_status fill_json(pq_array *a, const cell *c, pq_error *err)
{
    static const char *const sp[] = {"{}", "[1,\"a\",null]", "\"str\"", "{\"k\":\"\\u00e9\\n\"}"};
    char buf[64];
    if (c->row < 4) return append_str(a, sp[c->row], err);
    if (cell_is_null(c)) return pq_array_append_null(a, err);
    snprintf(buf, sizeof buf, "{\"a\":%u,\"b\":[true,null]}", (unsigned)(cell_hash(c) % 100U));
    return append_str(a, buf, err);
}

/* BINARY: bytes that are not UTF-8, the empty value, a lone NUL; then 0..8 hashed bytes. */
static pq_status fill_binary(pq_array *a, const cell *c, pq_error *err)
{
    static const uint8_t sp[] = {0x00, 0xff, 0x80};
    uint8_t buf[8];
    switch (c->row) {
    case 0: return pq_array_append_bytes(a, sp, 3, err);
    case 1: return pq_array_append_bytes(a, sp, 0, err);
    case 2: return pq_array_append_bytes(a, sp, 1, err);
    default: break;
    }
    if (cell_is_null(c)) return pq_array_append_null(a, err);
    uint64_t h = hv64(c->row, c->col, 2);
    size_t n = (size_t)(h % 9U);
    for (size_t i = 0; i < n; i++) buf[i] = (uint8_t)(h >> (8 * i));
    return pq_array_append_bytes(a, buf, n, err);
}

/* FIXED / UUID: all-zero, all-ones, the sign-bit boundary; then hashed bytes. */
static pq_status fill_fixed(pq_array *a, const cell *c, pq_error *err)
{
    uint8_t buf[16];
    size_t w = pq_type_value_size(&a->type);
    if (w > sizeof buf) return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a width <= 16, found %zu", w);
    if (c->row < 4) {
        memset(buf, c->row == 0 || c->row == 3 ? 0x00 : 0xff, w);
        if (c->row == 2) buf[0] = 0x7f;
        if (c->row == 3) buf[0] = 0x80;
        return pq_array_append_bytes(a, buf, w, err);
    }
    if (cell_is_null(c)) return pq_array_append_null(a, err);
    uint64_t h1 = hv64(c->row, c->col, 3), h2 = hv64(c->row, c->col, 4);
    for (size_t i = 0; i < w; i++) buf[i] = (uint8_t)(i < 8 ? h1 >> (8 * i) : h2 >> (8 * (i - 8)));
    return pq_array_append_bytes(a, buf, w, err);
}

static pq_status fill_date(pq_array *a, const cell *c, pq_error *err)
{
    /* epoch, day before, 0001-01-01, 9999-12-31, 2000-02-29, a negative year, int32 edges DuckDB accepts */
    static const int64_t sp[] = {0, -1, -719162, 2932896, 11016, -719562, 2147483646, -2147483646};
    if (c->row < 8) return pq_array_append_i64(a, sp[c->row], err);
    if (cell_is_null(c)) return pq_array_append_null(a, err);
    return pq_array_append_i64(a, -25567 + (int64_t)(cell_hash(c) % 80000U), err);
}

static pq_status fill_time(pq_array *a, const cell *c, pq_error *err)
{
    static const int64_t per_day[] = {86400000LL, 86400000000LL, 86400000000000LL};
    static const int64_t mid[] = {45296123LL, 45296123456LL, 45296123456789LL}; /* 12:34:56.123456789 */
    int64_t day = per_day[a->type.unit];
    switch (c->row) {
    case 0: return pq_array_append_i64(a, 0, err);
    case 1: return pq_array_append_i64(a, day - 1, err);
    case 2: return pq_array_append_i64(a, 1, err);
    case 3: return pq_array_append_i64(a, mid[a->type.unit], err);
    default: break;
    }
    if (cell_is_null(c)) return pq_array_append_null(a, err);
    return pq_array_append_i64(a, (int64_t)(hv64(c->row, c->col, 5) % (uint64_t)day), err);
}

static pq_status fill_timestamp(pq_array *a, const cell *c, pq_error *err)
{
    /* per unit: 0001-01-01, 9999-12-31 23:59:59.(9s), 2000-02-29 12:00:00.5, 1900-01-01 + 1 unit */
    static const int64_t lo[] = {-62135596800000LL, -62135596800000000LL, -9223286400000000000LL};
    static const int64_t hi[] = {253402300799999LL, 253402300799999999LL, 9223372036854775806LL};
    static const int64_t leap[] = {951825600500LL, 951825600500000LL, 951825600500000000LL};
    static const int64_t u1900[] = {-2208988799999LL, -2208988799999999LL, -2208988799999999999LL};
    static const int64_t scale[] = {1000LL, 1000003LL, 1000000007LL};
    pq_time_unit u = a->type.unit;
    /* DuckDB reads UTC nanoseconds at microsecond precision: keep them whole microseconds */
    int64_t q = (u == PQ_UNIT_NANOS && a->type.utc) ? 1000 : 1;
    switch (c->row) {
    case 0: return pq_array_append_i64(a, 0, err);
    case 1: return pq_array_append_i64(a, -q, err);
    case 2: return pq_array_append_i64(a, lo[u], err);
    case 3: return pq_array_append_i64(a, hi[u] / q * q, err);
    case 4: return pq_array_append_i64(a, leap[u], err);
    case 5: return pq_array_append_i64(a, u1900[u] / q * q, err);
    default: break;
    }
    if (cell_is_null(c)) return pq_array_append_null(a, err);
    int64_t base = u == PQ_UNIT_MILLIS ? 1577836800000LL : u == PQ_UNIT_MICROS ? 1577836800000000LL
                                                                              : 1577836800000000000LL;
    int64_t v = base + (int64_t)cell_hash(c) * scale[u];
    return pq_array_append_i64(a, v / q * q, err);
}

/* DECIMAL(p, s): +-(10^p - 1), 0, -1 unit, then hashed values within the precision. */
static pq_status fill_decimal(pq_array *a, const cell *c, pq_error *err)
{
    uint8_t b[16];
    __int128 max = pow10_128(a->type.precision) - 1, v;
    switch (c->row) {
    case 0: v = max; break;
    case 1: v = -max; break;
    case 2: v = 0; break;
    case 3: v = -1; break;
    default:
        if (cell_is_null(c)) return pq_array_append_null(a, err);
        {
            unsigned __int128 h = ((unsigned __int128)hv64(c->row, c->col, 6) << 64) | hv64(c->row, c->col, 7);
            v = (__int128)(h % (unsigned __int128)max);
            if (hv(c->row, c->col, 8) & 1U) v = -v;
        }
        break;
    }
    dec128_bytes(v, b);
    return pq_array_append_fixed(a, b, err);
}

static pq_status fill_bool(pq_array *a, const cell *c, pq_error *err)
{
    if (c->row == 0) return pq_array_append_bool(a, true, err);
    if (c->row == 1) return pq_array_append_bool(a, false, err);
    if (cell_is_null(c)) return pq_array_append_null(a, err);
    return pq_array_append_bool(a, cell_hash(c) & 1U, err);
}

/* The table's row number: a required int64, 0.. in order. */
static pq_status fill_id(pq_array *a, const cell *c, pq_error *err)
{
    return pq_array_append_i64(a, c->row, err);
}

/* Fills a leaf by its kind. */
static pq_status fill_leaf(pq_array *a, const cell *c, pq_error *err)
{
    switch (a->type.kind) {
    case PQ_KIND_BOOL: return fill_bool(a, c, err);
    case PQ_KIND_INT: return fill_int(a, c, err);
    case PQ_KIND_FLOAT: return fill_float(a, c, err);
    case PQ_KIND_DOUBLE: return fill_double(a, c, err);
    case PQ_KIND_STRING: return fill_string(a, c, err);
    case PQ_KIND_JSON: return fill_json(a, c, err);
    case PQ_KIND_BINARY: return fill_binary(a, c, err);
    case PQ_KIND_FIXED: case PQ_KIND_UUID: return fill_fixed(a, c, err);
    case PQ_KIND_DATE: return fill_date(a, c, err);
    case PQ_KIND_TIME: return fill_time(a, c, err);
    case PQ_KIND_TIMESTAMP: return fill_timestamp(a, c, err);
    case PQ_KIND_DECIMAL: return fill_decimal(a, c, err);
    default: return PQ_FAIL(err, PQ_ERR_INVALID_ARG, "expected a leaf kind, found %d", (int)a->type.kind);
    }
}

/* ------------------------------------------------------- nested fills */

/* Which edge case row `row` of a nested column shows; -1 = a generic row. */
static int nested_case(const cell *c, int n_cases)
{
    return c->row < n_cases ? (int)c->row : -1;
}

static pq_status null_or_empty(pq_array *a, const cell *c, pq_error *err)
{
    return c->nullable ? pq_array_append_null(a, err) : pq_array_append_valid(a, err);
}

/* list<int32>: NULL, [], [NULL], [1, NULL, -3], [INT32_MAX, INT32_MIN], then 0..5 values. */
static pq_status fill_list_i32(pq_array *a, const cell *c, pq_error *err)
{
    pq_array *e = &a->children[0];
    uint32_t h = cell_hash(c);
    switch (nested_case(c, 5)) {
    case 0: return null_or_empty(a, c, err);
    case 1: break;
    case 2: PQ_TRY(pq_array_append_null(e, err)); break;
    case 3:
        PQ_TRY(pq_array_append_i64(e, 1, err));
        PQ_TRY(pq_array_append_null(e, err));
        PQ_TRY(pq_array_append_i64(e, -3, err));
        break;
    case 4:
        PQ_TRY(pq_array_append_i64(e, INT32_MAX, err));
        PQ_TRY(pq_array_append_i64(e, INT32_MIN, err));
        break;
    default:
        if (cell_is_null(c)) return pq_array_append_null(a, err);
        for (uint32_t j = 0; j < h % 6U; j++) PQ_TRY(pq_array_append_i64(e, (int64_t)(j * 7U + h % 100U), err));
        break;
    }
    return pq_array_append_valid(a, err);
}

/* list<string>: NULL, [], ["", NULL, "x"], [Unicode], then 0..3 short strings. */
static pq_status fill_list_str(pq_array *a, const cell *c, pq_error *err)
{
    pq_array *e = &a->children[0];
    uint32_t h = cell_hash(c);
    char buf[16];
    switch (nested_case(c, 4)) {
    case 0: return null_or_empty(a, c, err);
    case 1: break;
    case 2:
        PQ_TRY(append_str(e, "", err));
        PQ_TRY(pq_array_append_null(e, err));
        PQ_TRY(append_str(e, "x", err));
        break;
    case 3: PQ_TRY(append_str(e, UNI, err)); break;
    default:
        if (cell_is_null(c)) return pq_array_append_null(a, err);
        for (uint32_t j = 0; j < h % 4U; j++) {
            snprintf(buf, sizeof buf, "s%u", (unsigned)((h + j) % 50U));
            PQ_TRY(append_str(e, buf, err));
        }
        break;
    }
    return pq_array_append_valid(a, err);
}

/* list<list<int64>>: NULL, [], [NULL], [[]], [[1,2],[],NULL,[NULL]], then ragged lists. */
static pq_status fill_list_list(pq_array *a, const cell *c, pq_error *err)
{
    pq_array *in = &a->children[0], *e = &in->children[0];
    uint32_t h = cell_hash(c);
    switch (nested_case(c, 5)) {
    case 0: return null_or_empty(a, c, err);
    case 1: break;
    case 2: PQ_TRY(pq_array_append_null(in, err)); break;
    case 3: PQ_TRY(pq_array_append_valid(in, err)); break;
    case 4:
        PQ_TRY(pq_array_append_i64(e, 1, err));
        PQ_TRY(pq_array_append_i64(e, 2, err));
        PQ_TRY(pq_array_append_valid(in, err));
        PQ_TRY(pq_array_append_valid(in, err));
        PQ_TRY(pq_array_append_null(in, err));
        PQ_TRY(pq_array_append_null(e, err));
        PQ_TRY(pq_array_append_valid(in, err));
        break;
    default:
        if (cell_is_null(c)) return pq_array_append_null(a, err);
        for (uint32_t j = 0; j < h % 3U; j++) {
            for (uint32_t m = 0; m < j; m++) PQ_TRY(pq_array_append_i64(e, (int64_t)(m + h % 10U) - 5, err));
            PQ_TRY(pq_array_append_valid(in, err));
        }
        break;
    }
    return pq_array_append_valid(a, err);
}

/* struct{a int32, b string}: NULL, {NULL, NULL}, {-1, ""}, then values with some NULL b. */
static pq_status fill_struct(pq_array *a, const cell *c, pq_error *err)
{
    pq_array *fa = &a->children[0], *fb = &a->children[1];
    uint32_t h = cell_hash(c);
    char buf[16];
    switch (nested_case(c, 3)) {
    case 0:
        if (c->nullable) return pq_array_append_null(a, err);
        /* fall through */
    case 1:
        PQ_TRY(pq_array_append_null(fa, err));
        PQ_TRY(pq_array_append_null(fb, err));
        break;
    case 2:
        PQ_TRY(pq_array_append_i64(fa, -1, err));
        PQ_TRY(append_str(fb, "", err));
        break;
    default:
        if (cell_is_null(c)) return pq_array_append_null(a, err);
        PQ_TRY(pq_array_append_i64(fa, (int64_t)(h % 1000U), err));
        if (h % 5U == 0) PQ_TRY(pq_array_append_null(fb, err));
        else {
            snprintf(buf, sizeof buf, "b%u", (unsigned)(h % 77U));
            PQ_TRY(append_str(fb, buf, err));
        }
        break;
    }
    return pq_array_append_valid(a, err);
}

/* struct{x list<int32>, y double}: NULL, {NULL, NULL}, {[], -0.0}, then values. */
static pq_status fill_struct_list(pq_array *a, const cell *c, pq_error *err)
{
    pq_array *x = &a->children[0], *xe = &x->children[0], *y = &a->children[1];
    uint32_t h = cell_hash(c);
    switch (nested_case(c, 3)) {
    case 0:
        if (c->nullable) return pq_array_append_null(a, err);
        /* fall through */
    case 1:
        PQ_TRY(pq_array_append_null(x, err));
        PQ_TRY(pq_array_append_null(y, err));
        break;
    case 2:
        PQ_TRY(pq_array_append_valid(x, err));
        PQ_TRY(pq_array_append_double(y, -0.0, err));
        break;
    default:
        if (cell_is_null(c)) return pq_array_append_null(a, err);
        for (uint32_t j = 0; j < h % 3U; j++) PQ_TRY(pq_array_append_i64(xe, (int64_t)j, err));
        PQ_TRY(pq_array_append_valid(x, err));
        PQ_TRY(pq_array_append_double(y, (double)(h % 1000U) / 8.0, err));
        break;
    }
    return pq_array_append_valid(a, err);
}

/* list<struct{k string, v int64}>: NULL, [], [NULL, {NULL, NULL}], then 0..2 entries. */
static pq_status fill_list_struct(pq_array *a, const cell *c, pq_error *err)
{
    pq_array *st = &a->children[0], *k = &st->children[0], *v = &st->children[1];
    uint32_t h = cell_hash(c);
    char buf[16];
    switch (nested_case(c, 3)) {
    case 0: return null_or_empty(a, c, err);
    case 1: break;
    case 2:
        PQ_TRY(pq_array_append_null(st, err));
        PQ_TRY(pq_array_append_null(k, err));
        PQ_TRY(pq_array_append_null(v, err));
        PQ_TRY(pq_array_append_valid(st, err));
        break;
    default:
        if (cell_is_null(c)) return pq_array_append_null(a, err);
        for (uint32_t j = 0; j < h % 3U; j++) {
            snprintf(buf, sizeof buf, "k%u", (unsigned)j);
            PQ_TRY(append_str(k, buf, err));
            PQ_TRY(pq_array_append_i64(v, (int64_t)h * (int64_t)j, err));
            PQ_TRY(pq_array_append_valid(st, err));
        }
        break;
    }
    return pq_array_append_valid(a, err);
}

/* One map entry: key and value appended by the caller, then the key_value slot. */
static pq_status map_entry_done(pq_array *map, pq_error *err)
{
    return pq_array_append_valid(&map->children[0], err);
}

/* map<string, int32>: NULL, {}, {"a": NULL, "": 0}, {Unicode: 1}, then 0..3 entries. */
static pq_status fill_map_str_int(pq_array *a, const cell *c, pq_error *err)
{
    pq_array *k = &a->children[0].children[0], *v = &a->children[0].children[1];
    uint32_t h = cell_hash(c);
    char buf[16];
    switch (nested_case(c, 4)) {
    case 0: return null_or_empty(a, c, err);
    case 1: break;
    case 2:
        PQ_TRY(append_str(k, "a", err));
        PQ_TRY(pq_array_append_null(v, err));
        PQ_TRY(map_entry_done(a, err));
        PQ_TRY(append_str(k, "", err));
        PQ_TRY(pq_array_append_i64(v, 0, err));
        PQ_TRY(map_entry_done(a, err));
        break;
    case 3:
        PQ_TRY(append_str(k, UNI, err));
        PQ_TRY(pq_array_append_i64(v, 1, err));
        PQ_TRY(map_entry_done(a, err));
        break;
    default:
        if (cell_is_null(c)) return pq_array_append_null(a, err);
        for (uint32_t j = 0; j < h % 4U; j++) {
            snprintf(buf, sizeof buf, "k%u", (unsigned)j);
            PQ_TRY(append_str(k, buf, err));
            PQ_TRY(pq_array_append_i64(v, (int64_t)((h + j) % 1000U), err));
            PQ_TRY(map_entry_done(a, err));
        }
        break;
    }
    return pq_array_append_valid(a, err);
}

/* map<int32, string>: NULL, {}, {-1: NULL, 0: ""}, then 0..2 entries with distinct keys. */
static pq_status fill_map_int_str(pq_array *a, const cell *c, pq_error *err)
{
    pq_array *k = &a->children[0].children[0], *v = &a->children[0].children[1];
    uint32_t h = cell_hash(c);
    char buf[16];
    switch (nested_case(c, 3)) {
    case 0: return null_or_empty(a, c, err);
    case 1: break;
    case 2:
        PQ_TRY(pq_array_append_i64(k, -1, err));
        PQ_TRY(pq_array_append_null(v, err));
        PQ_TRY(map_entry_done(a, err));
        PQ_TRY(pq_array_append_i64(k, 0, err));
        PQ_TRY(append_str(v, "", err));
        PQ_TRY(map_entry_done(a, err));
        break;
    default:
        if (cell_is_null(c)) return pq_array_append_null(a, err);
        for (uint32_t j = 0; j < h % 3U; j++) {
            snprintf(buf, sizeof buf, "v%u", (unsigned)j);
            PQ_TRY(pq_array_append_i64(k, (int64_t)(j * 10U + h % 10U), err));
            PQ_TRY(append_str(v, buf, err));
            PQ_TRY(map_entry_done(a, err));
        }
        break;
    }
    return pq_array_append_valid(a, err);
}

/* Required struct{a int32 required, b double nullable}: always a value. */
static pq_status fill_struct_req(pq_array *a, const cell *c, pq_error *err)
{
    uint32_t h = cell_hash(c);
    PQ_TRY(pq_array_append_i64(&a->children[0], (int64_t)(h % 100000U) - 50000, err));
    if (h % 3U == 0) PQ_TRY(pq_array_append_null(&a->children[1], err));
    else PQ_TRY(pq_array_append_double(&a->children[1], (double)(h % 1024U) / 16.0, err));
    return pq_array_append_valid(a, err);
}

/* Required list of required int64: [] on row 0, then 0..4 values. */
static pq_status fill_list_req(pq_array *a, const cell *c, pq_error *err)
{
    uint32_t h = cell_hash(c);
    if (c->row > 0)
        for (uint32_t j = 0; j < h % 5U; j++)
            PQ_TRY(pq_array_append_i64(&a->children[0], (int64_t)hv64(c->row, c->col, 9 + j), err));
    return pq_array_append_valid(a, err);
}

/* ------------------------------------------------------------ columns */

/* Column families: which files include a column. */
enum {
    SET_ALL = 1,    /* the all-types table */
    SET_INT = 2,    /* INT32/INT64 physical: DELTA_BINARY_PACKED */
    SET_BYTES = 4,  /* BYTE_ARRAY: DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY */
    SET_FLOAT = 8,  /* FLOAT/DOUBLE: BYTE_STREAM_SPLIT (DuckDB decodes it only there) */
    SET_LONG = 16   /* the long dictionary-overflow table */
};

/* Type codes of the column definitions (pq_type helpers are functions, so a
 * static table names the type and make_type() builds it). */
typedef enum tcode {
    T_ID, T_BOOL, T_I8, T_I16, T_I32, T_I64, T_U8, T_U16, T_U32, T_U64, T_F32, T_F64,
    T_STR, T_JSON, T_BIN, T_FIX5, T_UUID, T_DATE, T_TIME_MS, T_TIME_US, T_TIME_NS,
    T_TS_MS, T_TS_US, T_TS_NS, T_TSZ_MS, T_TSZ_US, T_TSZ_NS, T_DEC9, T_DEC18, T_DEC38,
    T_L_I32, T_L_STR, T_L_L, T_ST, T_ST_L, T_L_ST, T_M_SI, T_M_IS, T_ST_REQ, T_L_REQ
} tcode;

typedef struct col_def {
    const char *name;
    tcode type;
    bool nullable;
    unsigned sets;
} col_def;

static const col_def COLS[] = {
    /* not in SET_FLOAT: a global BYTE_STREAM_SPLIT would apply to INT64 too (valid Parquet,
     * but DuckDB decodes BYTE_STREAM_SPLIT only for FLOAT/DOUBLE) */
    {"id", T_ID, false, SET_ALL | SET_INT | SET_BYTES | SET_LONG},
    {"b", T_BOOL, true, SET_ALL},
    {"i8", T_I8, true, SET_ALL | SET_INT},
    {"i16", T_I16, true, SET_ALL | SET_INT},
    {"i32", T_I32, true, SET_ALL | SET_INT | SET_LONG},
    {"i64", T_I64, true, SET_ALL | SET_INT | SET_LONG},
    {"i64_req", T_I64, false, SET_ALL | SET_INT},
    {"u8", T_U8, true, SET_ALL | SET_INT},
    {"u16", T_U16, true, SET_ALL | SET_INT},
    {"u32", T_U32, true, SET_ALL | SET_INT},
    {"u64", T_U64, true, SET_ALL | SET_INT},
    {"f32", T_F32, true, SET_ALL | SET_FLOAT},
    {"f64", T_F64, true, SET_ALL | SET_FLOAT | SET_LONG},
    {"f64_req", T_F64, false, SET_ALL | SET_FLOAT},
    {"s", T_STR, true, SET_ALL | SET_BYTES | SET_LONG},
    {"s_req", T_STR, false, SET_ALL | SET_BYTES},
    {"js", T_JSON, true, SET_ALL | SET_BYTES},
    {"bin", T_BIN, true, SET_ALL | SET_BYTES},
    {"fx5", T_FIX5, true, SET_ALL},
    {"uid", T_UUID, true, SET_ALL},
    {"dt", T_DATE, true, SET_ALL | SET_INT},
    {"t_ms", T_TIME_MS, true, SET_ALL | SET_INT},
    {"t_us", T_TIME_US, true, SET_ALL | SET_INT},
    {"t_ns", T_TIME_NS, true, SET_ALL | SET_INT},
    {"ts_ms", T_TS_MS, true, SET_ALL | SET_INT},
    {"ts_us", T_TS_US, true, SET_ALL | SET_INT | SET_LONG},
    {"ts_ns", T_TS_NS, true, SET_ALL | SET_INT},
    {"tsz_ms", T_TSZ_MS, true, SET_ALL | SET_INT},
    {"tsz_us", T_TSZ_US, true, SET_ALL | SET_INT},
    {"tsz_ns", T_TSZ_NS, true, SET_ALL | SET_INT},
    {"d9_2", T_DEC9, true, SET_ALL | SET_INT},
    {"d18_4", T_DEC18, true, SET_ALL | SET_INT},
    {"d38_10", T_DEC38, true, SET_ALL},
    {"l_i32", T_L_I32, true, SET_ALL | SET_INT},
    {"l_str", T_L_STR, true, SET_ALL | SET_BYTES},
    {"l_l", T_L_L, true, SET_ALL},
    {"st", T_ST, true, SET_ALL},
    {"st_l", T_ST_L, true, SET_ALL},
    {"l_st", T_L_ST, true, SET_ALL},
    {"m_si", T_M_SI, true, SET_ALL},
    {"m_is", T_M_IS, true, SET_ALL},
    {"st_req", T_ST_REQ, false, SET_ALL},
    {"l_req", T_L_REQ, false, SET_ALL},
};
#define N_COLS (sizeof COLS / sizeof COLS[0])

static pq_type leaf_type(tcode t)
{
    switch (t) {
    case T_BOOL: return pq_type_make(PQ_KIND_BOOL);
    case T_I8: return pq_type_int(8, true);
    case T_I16: return pq_type_int(16, true);
    case T_I32: return pq_type_int(32, true);
    case T_U8: return pq_type_int(8, false);
    case T_U16: return pq_type_int(16, false);
    case T_U32: return pq_type_int(32, false);
    case T_U64: return pq_type_int(64, false);
    case T_F32: return pq_type_make(PQ_KIND_FLOAT);
    case T_F64: return pq_type_make(PQ_KIND_DOUBLE);
    case T_STR: return pq_type_make(PQ_KIND_STRING);
    case T_JSON: return pq_type_make(PQ_KIND_JSON);
    case T_BIN: return pq_type_make(PQ_KIND_BINARY);
    case T_FIX5: return pq_type_fixed(5);
    case T_UUID: return pq_type_make(PQ_KIND_UUID);
    case T_DATE: return pq_type_make(PQ_KIND_DATE);
    case T_TIME_MS: return pq_type_time(PQ_UNIT_MILLIS, false);
    case T_TIME_US: return pq_type_time(PQ_UNIT_MICROS, false);
    case T_TIME_NS: return pq_type_time(PQ_UNIT_NANOS, false);
    case T_TS_MS: return pq_type_timestamp(PQ_UNIT_MILLIS, false);
    case T_TS_US: return pq_type_timestamp(PQ_UNIT_MICROS, false);
    case T_TS_NS: return pq_type_timestamp(PQ_UNIT_NANOS, false);
    case T_TSZ_MS: return pq_type_timestamp(PQ_UNIT_MILLIS, true);
    case T_TSZ_US: return pq_type_timestamp(PQ_UNIT_MICROS, true);
    case T_TSZ_NS: return pq_type_timestamp(PQ_UNIT_NANOS, true);
    case T_DEC9: return pq_type_decimal(9, 2);
    case T_DEC18: return pq_type_decimal(18, 4);
    case T_DEC38: return pq_type_decimal(38, 10);
    default: return pq_type_int(64, true); /* T_ID, T_I64 */
    }
}

/* Leaf field `name` of type code `t`. */
static pq_status make_leaf(pq_field *f, const char *name, tcode t, bool nullable, pq_error *err)
{
    return pq_field_init(f, name, leaf_type(t), nullable, NULL, err);
}

/* LIST field owning `elem`; `elem` is always left empty (moved or freed). */
static pq_status make_list(pq_field *f, const char *name, bool nullable, pq_field *elem, pq_error *err)
{
    pq_status s = pq_field_list(f, name, nullable, elem, NULL, err);
    pq_field_reset(elem, NULL);
    return s;
}

/* Adds `child` (always left empty) to the struct field `f`; frees `f` on failure. */
static pq_status add_child(pq_field *f, pq_field *child, pq_error *err)
{
    pq_status s = pq_field_add_child(f, child, NULL, err);
    pq_field_reset(child, NULL);
    if (s) pq_field_reset(f, NULL);
    return s;
}

/* STRUCT field with two leaves. */
static pq_status make_struct2(pq_field *f, const char *name, bool nullable, const char *n1, tcode t1, bool nl1,
                              const char *n2, tcode t2, bool nl2, pq_error *err)
{
    pq_field c1, c2;
    PQ_TRY(pq_field_init(f, name, pq_type_make(PQ_KIND_STRUCT), nullable, NULL, err));
    pq_status s = make_leaf(&c1, n1, t1, nl1, err);
    if (s) { pq_field_reset(f, NULL); return s; }
    PQ_TRY(add_child(f, &c1, err));
    s = make_leaf(&c2, n2, t2, nl2, err);
    if (s) { pq_field_reset(f, NULL); return s; }
    return add_child(f, &c2, err);
}

static pq_status make_map(pq_field *f, const char *name, bool nullable, tcode kt, tcode vt, pq_error *err)
{
    pq_field k, v;
    PQ_TRY(make_leaf(&k, "key", kt, false, err));
    pq_status s = make_leaf(&v, "value", vt, true, err);
    if (s == PQ_OK) s = pq_field_map(f, name, nullable, &k, &v, NULL, err);
    pq_field_reset(&k, NULL);
    pq_field_reset(&v, NULL);
    return s;
}

/* Builds the field of column definition `d`. */
static pq_status make_field(const col_def *d, pq_field *f, pq_error *err)
{
    pq_field e, x;
    pq_status s;
    switch (d->type) {
    case T_L_I32:
        PQ_TRY(make_leaf(&e, "element", T_I32, true, err));
        return make_list(f, d->name, d->nullable, &e, err);
    case T_L_STR:
        PQ_TRY(make_leaf(&e, "element", T_STR, true, err));
        return make_list(f, d->name, d->nullable, &e, err);
    case T_L_REQ:
        PQ_TRY(make_leaf(&e, "element", T_I64, false, err));
        return make_list(f, d->name, d->nullable, &e, err);
    case T_L_L:
        PQ_TRY(make_leaf(&e, "element", T_I64, true, err));
        PQ_TRY(make_list(&x, "element", true, &e, err));
        return make_list(f, d->name, d->nullable, &x, err);
    case T_ST: return make_struct2(f, d->name, d->nullable, "a", T_I32, true, "b", T_STR, true, err);
    case T_ST_REQ: return make_struct2(f, d->name, d->nullable, "a", T_I32, false, "b", T_F64, true, err);
    case T_ST_L:
        PQ_TRY(make_leaf(&e, "element", T_I32, true, err));
        PQ_TRY(make_list(&x, "x", true, &e, err));
        s = pq_field_init(f, d->name, pq_type_make(PQ_KIND_STRUCT), d->nullable, NULL, err);
        if (s) { pq_field_reset(&x, NULL); return s; }
        PQ_TRY(add_child(f, &x, err));
        PQ_TRY(make_leaf(&e, "y", T_F64, true, err));
        return add_child(f, &e, err);
    case T_L_ST:
        PQ_TRY(make_struct2(&e, "element", true, "k", T_STR, true, "v", T_I64, true, err));
        return make_list(f, d->name, d->nullable, &e, err);
    case T_M_SI: return make_map(f, d->name, d->nullable, T_STR, T_I32, err);
    case T_M_IS: return make_map(f, d->name, d->nullable, T_I32, T_STR, err);
    default: return make_leaf(f, d->name, d->type, d->nullable, err);
    }
}

/* Appends row `row` of column definition `d` (index `k` in COLS) to `a`. */
static pq_status fill_cell(const col_def *d, size_t k, pq_array *a, int64_t row, pq_error *err)
{
    cell c = {row, (uint32_t)k, d->nullable};
    switch (d->type) {
    case T_ID: return fill_id(a, &c, err);
    case T_L_I32: return fill_list_i32(a, &c, err);
    case T_L_STR: return fill_list_str(a, &c, err);
    case T_L_L: return fill_list_list(a, &c, err);
    case T_ST: return fill_struct(a, &c, err);
    case T_ST_L: return fill_struct_list(a, &c, err);
    case T_L_ST: return fill_list_struct(a, &c, err);
    case T_M_SI: return fill_map_str_int(a, &c, err);
    case T_M_IS: return fill_map_int_str(a, &c, err);
    case T_ST_REQ: return fill_struct_req(a, &c, err);
    case T_L_REQ: return fill_list_req(a, &c, err);
    default: return fill_leaf(a, &c, err);
    }
}

/* Long-table strings: ~100k distinct values, so the dictionary overflows. */
static pq_status fill_long_string(pq_array *a, int64_t row, pq_error *err)
{
    char buf[32];
    cell c = {row, 77U, true};
    if (cell_is_null(&c)) return pq_array_append_null(a, err);
    snprintf(buf, sizeof buf, "item-%u", (unsigned)(cell_hash(&c) % 100000U));
    return append_str(a, buf, err);
}

/* ------------------------------------------------------------- tables */

/* Schema of the columns in family `set`. */
static pq_status build_schema(unsigned set, pq_schema *s, pq_error *err)
{
    pq_schema_init(s, NULL);
    for (size_t k = 0; k < N_COLS; k++) {
        if (!(COLS[k].sets & set)) continue;
        pq_field f;
        pq_status st = make_field(&COLS[k], &f, err);
        if (st == PQ_OK) st = pq_schema_add(s, &f, err);
        pq_field_reset(&f, NULL);
        if (st) { pq_schema_reset(s); return st; }
    }
    return PQ_OK;
}

/* Table of family `set` holding rows [start, start + count). */
static pq_status build_table(unsigned set, int64_t start, int64_t count, pq_table *t, pq_error *err)
{
    pq_schema s;
    PQ_TRY(build_schema(set, &s, err));
    pq_status st = pq_table_init(t, &s, err);
    pq_schema_reset(&s);
    PQ_TRY(st);
    for (int64_t r = start; r < start + count && st == PQ_OK; r++) {
        int64_t c = 0;
        for (size_t k = 0; k < N_COLS && st == PQ_OK; k++) {
            if (!(COLS[k].sets & set)) continue;
            if (set == SET_LONG && COLS[k].type == T_STR) st = fill_long_string(&t->columns[c], r, err);
            else st = fill_cell(&COLS[k], k, &t->columns[c], r, err);
            c++;
        }
    }
    for (int64_t c = 0; c < t->schema.n_fields && st == PQ_OK; c++) st = pq_array_validate(&t->columns[c], err);
    if (st == PQ_OK) st = pq_table_finish(t, err);
    if (st) pq_table_reset(t);
    return st;
}

/* ------------------------------------------------------------- output */

/* Appends the canonical lines of every row of `t` to the open file `f`. */
static pq_status write_expected(FILE *f, const pq_table *t, pq_error *err)
{
    pq_buf line;
    pq_status s = PQ_OK;
    pq_buf_init(&line, NULL);
    for (int64_t r = 0; r < t->num_rows && s == PQ_OK; r++) {
        line.len = 0;
        s = pq_canon_row(t, r, &line, err);
        if (s == PQ_OK) s = pq_buf_push(&line, '\n', err);
        if (s == PQ_OK && fwrite(line.data, 1, line.len, f) != line.len)
            s = PQ_FAIL(err, PQ_ERR_IO, "short write of expected lines: %s", strerror(errno));
    }
    pq_buf_reset(&line);
    return s;
}

/* One file of the matrix. */
typedef struct spec {
    const char *name;     /* file stem */
    unsigned set;         /* column family */
    int64_t start, rows;  /* row range */
    int writes;           /* pq_writer_write calls (flush after the second of three) */
    pq_writer_options o;
} spec;

/* Writes DIR/<name>.parquet and DIR/<name>.expected.jsonl. */
static pq_status write_spec(const char *dir, const spec *sp, pq_error *err)
{
    char path[4096], exp_path[4096];
    snprintf(path, sizeof path, "%s/%s.parquet", dir, sp->name);
    snprintf(exp_path, sizeof exp_path, "%s/%s.expected.jsonl", dir, sp->name);
    FILE *ef = fopen(exp_path, "wb");
    if (!ef) return PQ_FAIL(err, PQ_ERR_IO, "cannot create %s: %s", exp_path, strerror(errno));
    pq_writer *w = NULL;
    pq_table t;
    pq_status s = PQ_OK;
    int writes = sp->writes > 0 ? sp->writes : 1;
    int64_t per = (sp->rows + writes - 1) / writes;
    for (int i = 0; i < writes && s == PQ_OK; i++) {
        int64_t from = sp->start + per * i, n = per;
        if (from + n > sp->start + sp->rows) n = sp->start + sp->rows - from;
        if (n < 0) n = 0;
        s = build_table(sp->set, from, n, &t, err);
        if (s) break;
        if (!w) s = pq_writer_open(&w, path, &t.schema, &sp->o, err);
        if (s == PQ_OK) s = pq_writer_write(w, &t, err);
        if (s == PQ_OK && writes == 3 && i == 1) s = pq_writer_flush(w, err);
        if (s == PQ_OK) s = write_expected(ef, &t, err);
        pq_table_reset(&t);
    }
    if (s == PQ_OK) {
        s = pq_writer_close(w, err); /* frees w whatever happens */
        w = NULL;
    }
    pq_writer_abort(w);
    if (fclose(ef) != 0 && s == PQ_OK) s = PQ_FAIL(err, PQ_ERR_IO, "cannot close %s: %s", exp_path, strerror(errno));
    return s;
}

static const struct { pq_codec codec; const char *name; } CODECS[] = {
    {PQ_CODEC_UNCOMPRESSED, "none"}, {PQ_CODEC_SNAPPY, "snappy"}, {PQ_CODEC_GZIP, "gzip"},
    {PQ_CODEC_ZSTD, "zstd"},         {PQ_CODEC_LZ4_RAW, "lz4_raw"}, {PQ_CODEC_BROTLI, "brotli"},
};

static int failures;

/* Runs one spec, reporting a failure on stderr and counting it. */
static void run_spec(const char *dir, const spec *sp)
{
    pq_error err;
    pq_error_clear(&err);
    if (write_spec(dir, sp, &err) == PQ_OK) return;
    char msg[1024];
    fprintf(stderr, "pq_gen_interop: %s/%s.parquet: %s\n", dir, sp->name, pq_error_format(&err, msg, sizeof msg));
    failures++;
}

static spec base_spec(const char *name, unsigned set, int64_t rows)
{
    spec sp;
    memset(&sp, 0, sizeof sp);
    sp.name = name;
    sp.set = set;
    sp.rows = rows;
    sp.writes = 1;
    pq_writer_options_init(&sp.o);
    return sp;
}

/* codec x page version x dictionary over the all-types table. */
static void gen_codec_matrix(const char *dir, int64_t rows)
{
    char name[64];
    for (size_t c = 0; c < sizeof CODECS / sizeof CODECS[0]; c++)
        for (int pv = 1; pv <= 2; pv++)
            for (int dict = 1; dict >= 0; dict--) {
                snprintf(name, sizeof name, "all_%s_v%d_%s", CODECS[c].name, pv, dict ? "dict" : "plain");
                spec sp = base_spec(name, SET_ALL, rows);
                sp.o.codec = CODECS[c].codec;
                sp.o.page_version = pv;
                sp.o.dictionary = dict;
                run_spec(dir, &sp);
            }
}

/* High compression levels, 0 and 1 row, row groups, pages, several writes. */
static void gen_shapes(const char *dir, int64_t rows)
{
    spec sp = base_spec("all_zstd_level19", SET_ALL, rows);
    sp.o.codec = PQ_CODEC_ZSTD;
    sp.o.compression_level = 19;
    run_spec(dir, &sp);
    sp = base_spec("all_gzip_level9_v2", SET_ALL, rows);
    sp.o.codec = PQ_CODEC_GZIP;
    sp.o.compression_level = 9;
    sp.o.page_version = 2;
    run_spec(dir, &sp);
    sp = base_spec("all_brotli_level11", SET_ALL, rows);
    sp.o.codec = PQ_CODEC_BROTLI;
    sp.o.compression_level = 11;
    run_spec(dir, &sp);

    sp = base_spec("all_0rows", SET_ALL, 0);
    run_spec(dir, &sp);
    sp = base_spec("all_0rows_v2_zstd", SET_ALL, 0);
    sp.o.codec = PQ_CODEC_ZSTD;
    sp.o.page_version = 2;
    run_spec(dir, &sp);
    sp = base_spec("all_1row_special", SET_ALL, 1);
    sp.start = 2; /* an edge-value row */
    run_spec(dir, &sp);
    sp = base_spec("all_1row_v2_plain", SET_ALL, 1);
    sp.start = 7; /* a generic row */
    sp.o.page_version = 2;
    sp.o.dictionary = false;
    run_spec(dir, &sp);

    sp = base_spec("all_rowgroups", SET_ALL, rows);
    sp.o.row_group_size = 128;
    run_spec(dir, &sp);
    sp = base_spec("all_pages_v1", SET_ALL, rows);
    sp.o.page_size = 512;
    run_spec(dir, &sp);
    sp = base_spec("all_pages_v2_zstd", SET_ALL, rows);
    sp.o.page_size = 512;
    sp.o.page_version = 2;
    sp.o.codec = PQ_CODEC_ZSTD;
    run_spec(dir, &sp);
    sp = base_spec("all_pages_rowgroups_plain", SET_ALL, rows);
    sp.o.page_size = 300;
    sp.o.row_group_size = 333;
    sp.o.dictionary = false;
    run_spec(dir, &sp);
    sp = base_spec("all_multi_write", SET_ALL, rows);
    sp.writes = 3;
    sp.o.row_group_size = 500;
    run_spec(dir, &sp);
    sp = base_spec("all_no_stats_no_crc", SET_ALL, rows);
    sp.o.write_crc = false;
    sp.o.write_statistics = false;
    sp.o.write_page_index = false;
    run_spec(dir, &sp);
}

/* Each non-default value encoding over the column family that allows it. */
static void gen_encodings(const char *dir, int64_t rows)
{
    static const struct { pq_encoding enc; unsigned set; const char *name; } E[] = {
        {PQ_ENC_DELTA_BINARY_PACKED, SET_INT, "delta_binary_packed"},
        {PQ_ENC_DELTA_LENGTH_BYTE_ARRAY, SET_BYTES, "delta_length_byte_array"},
        {PQ_ENC_DELTA_BYTE_ARRAY, SET_BYTES, "delta_byte_array"},
        {PQ_ENC_BYTE_STREAM_SPLIT, SET_FLOAT, "byte_stream_split"},
        {PQ_ENC_PLAIN, SET_ALL, "plain"},
    };
    char name[64];
    for (size_t i = 0; i < sizeof E / sizeof E[0]; i++)
        for (int pv = 1; pv <= 2; pv++) {
            snprintf(name, sizeof name, "enc_%s_v%d", E[i].name, pv);
            spec sp = base_spec(name, E[i].set, rows);
            sp.o.dictionary = false;
            sp.o.encoding = E[i].enc;
            sp.o.page_version = pv;
            sp.o.page_size = 4096; /* several pages: encoder state restarts per page */
            run_spec(dir, &sp);
        }

    /* per-column options on the all-types table, the rest dictionary-encoded */
    static const pq_column_options per_col[] = {
        {"i64", PQ_ENC_DELTA_BINARY_PACKED, 0, NULL, 0},
        {"ts_ns", PQ_ENC_DELTA_BINARY_PACKED, 0, NULL, 0},
        {"l_i32", PQ_ENC_DELTA_BINARY_PACKED, 0, NULL, 0},
        {"s", PQ_ENC_DELTA_BYTE_ARRAY, 0, NULL, 0},
        {"bin", PQ_ENC_DELTA_LENGTH_BYTE_ARRAY, 0, NULL, 0},
        {"f64", PQ_ENC_BYTE_STREAM_SPLIT, 0, NULL, 0},
        {"f32", PQ_ENC_BYTE_STREAM_SPLIT, 0, NULL, 0},
        {"u8", PQ_ENC_DEFAULT, 0, NULL, 0},
    };
    spec sp = base_spec("enc_per_column", SET_ALL, rows);
    sp.o.columns = per_col;
    sp.o.n_columns = sizeof per_col / sizeof per_col[0];
    sp.o.codec = PQ_CODEC_ZSTD;
    run_spec(dir, &sp);
}

/* Longer file: dictionary overflow (fallback to PLAIN mid-chunk), long pages. */
static void gen_long(const char *dir, int64_t rows)
{
    spec sp = base_spec("long_dict_fallback", SET_LONG, rows);
    sp.o.dictionary_size_limit = 16384;
    run_spec(dir, &sp);
    sp = base_spec("long_zstd_v2", SET_LONG, rows);
    sp.o.codec = PQ_CODEC_ZSTD;
    sp.o.page_version = 2;
    sp.o.row_group_size = rows / 3 + 1;
    run_spec(dir, &sp);
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: pq_gen_interop DIR [ROWS]\n"
                        "writes X.parquet + X.expected.jsonl pairs for check_duckdb_reads_parquant.mjs\n");
        return 2;
    }
    const char *dir = argv[1];
    int64_t rows = argc == 3 ? strtoll(argv[2], NULL, 10) : 2000;
    if (rows < 16) {
        fprintf(stderr, "pq_gen_interop: ROWS must be >= 16 (the edge-value rows)\n");
        return 2;
    }
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "pq_gen_interop: cannot create %s: %s\n", dir, strerror(errno));
        return 1;
    }
    gen_codec_matrix(dir, rows);
    gen_shapes(dir, rows);
    gen_encodings(dir, rows);
    gen_long(dir, rows * 30);
    if (failures) fprintf(stderr, "pq_gen_interop: %d file(s) failed\n", failures);
    return failures ? 1 : 0;
}
