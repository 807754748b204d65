/* SPDX-License-Identifier: Apache-2.0
 *
 * parquet/stats.c - min/max/null-count accumulation for the writer (see
 * stats.h for the sort orders).  A page's values are scanned once by a typed
 * loop that the compiler can vectorise (branch-free min/max; for floats the
 * `v < lo ? v : lo` form skips NaN because every comparison with NaN is
 * false); the page's candidates are then folded into the running bounds with
 * one generic comparison, so the per-value cost is a load and two compares.
 * Invariant: has_minmax implies min and max hold PLAIN values with
 * min <= max in the column order, and a zero float bound is -0.0 as a min
 * and +0.0 as a max.
 */
#include "parquet/stats.h"

#include <math.h>

pq_stat_order pq_stat_order_of(pq_physical phys, const pq_type *t)
{
    bool is_unsigned = t && t->kind == PQ_KIND_INT && !t->is_signed;
    pq_kind k = t ? t->kind : PQ_KIND_NULL;
    switch (phys) {
    case PQ_PHYS_BOOLEAN: return PQ_ORDER_BOOL;
    case PQ_PHYS_INT32: return is_unsigned ? PQ_ORDER_UINT32 : PQ_ORDER_INT32;
    case PQ_PHYS_INT64: return is_unsigned ? PQ_ORDER_UINT64 : PQ_ORDER_INT64;
    case PQ_PHYS_INT96: return PQ_ORDER_NONE;
    case PQ_PHYS_FLOAT: return PQ_ORDER_FLOAT;
    case PQ_PHYS_DOUBLE: return PQ_ORDER_DOUBLE;
    case PQ_PHYS_BYTE_ARRAY: return k == PQ_KIND_DECIMAL ? PQ_ORDER_DECIMAL_BE : PQ_ORDER_BYTES;
    case PQ_PHYS_FIXED_LEN_BYTE_ARRAY:
        if (k == PQ_KIND_FLOAT16) return PQ_ORDER_FLOAT16;
        return k == PQ_KIND_DECIMAL ? PQ_ORDER_DECIMAL_BE : PQ_ORDER_BYTES;
    }
    return PQ_ORDER_NONE;
}

bool pq_stat_order_legacy_ok(pq_stat_order o)
{
    return o == PQ_ORDER_BOOL || o == PQ_ORDER_INT32 || o == PQ_ORDER_INT64 || o == PQ_ORDER_FLOAT ||
           o == PQ_ORDER_DOUBLE;
}

/* ------------------------------------------------------------ comparing */

/* IEEE half (little-endian bits) to float; exact for every half value. */
static float half_to_float(uint16_t h)
{
    int exp = (h >> 10) & 0x1f;
    int mant = h & 0x3ff;
    float v;
    if (exp == 0) v = ldexpf((float)mant, -24);
    else if (exp == 31) v = mant ? NAN : INFINITY;
    else v = ldexpf((float)(mant | 0x400), exp - 25);
    return (h & 0x8000) ? -v : v;
}

static int cmp_bytes(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    size_t m = alen < blen ? alen : blen;
    int c = m ? memcmp(a, b, m) : 0;
    if (c) return c;
    return alen < blen ? -1 : alen > blen;
}

/* Big-endian two's complement integers of any lengths (empty = 0): the
 * shorter one is sign-extended to the longer one's length. */
static int cmp_decimal(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    bool an = alen && (a[0] & 0x80), bn = blen && (b[0] & 0x80);
    if (an != bn) return an ? -1 : 1;
    size_t n = alen > blen ? alen : blen;
    uint8_t pad = an ? 0xff : 0x00;
    for (size_t i = 0; i < n; i++) {
        uint8_t x = i < n - alen ? pad : a[i - (n - alen)];
        uint8_t y = i < n - blen ? pad : b[i - (n - blen)];
        if (x != y) return x < y ? -1 : 1;
    }
    return 0;
}

#define PQ_CMP3(x, y) ((x) < (y) ? -1 : (x) > (y))

int pq_stats_compare(pq_stat_order o, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    switch (o) {
    case PQ_ORDER_BOOL: return PQ_CMP3(a[0], b[0]);
    case PQ_ORDER_INT32: { int32_t x, y; memcpy(&x, a, 4); memcpy(&y, b, 4); return PQ_CMP3(x, y); }
    case PQ_ORDER_UINT32: { uint32_t x, y; memcpy(&x, a, 4); memcpy(&y, b, 4); return PQ_CMP3(x, y); }
    case PQ_ORDER_INT64: { int64_t x, y; memcpy(&x, a, 8); memcpy(&y, b, 8); return PQ_CMP3(x, y); }
    case PQ_ORDER_UINT64: { uint64_t x, y; memcpy(&x, a, 8); memcpy(&y, b, 8); return PQ_CMP3(x, y); }
    case PQ_ORDER_FLOAT: { float x, y; memcpy(&x, a, 4); memcpy(&y, b, 4); return PQ_CMP3(x, y); }
    case PQ_ORDER_DOUBLE: { double x, y; memcpy(&x, a, 8); memcpy(&y, b, 8); return PQ_CMP3(x, y); }
    case PQ_ORDER_FLOAT16: {
        float x = half_to_float(pq_load_u16le(a)), y = half_to_float(pq_load_u16le(b));
        return PQ_CMP3(x, y);
    }
    case PQ_ORDER_BYTES: return cmp_bytes(a, alen, b, blen);
    case PQ_ORDER_DECIMAL_BE: return cmp_decimal(a, alen, b, blen);
    case PQ_ORDER_NONE: break;
    }
    return 0;
}

/* ------------------------------------------------------------ lifecycle */

void pq_stats_init(pq_stats *s, pq_stat_order o, const pq_allocator *a)
{
    s->order = o;
    s->null_count = 0;
    s->has_minmax = false;
    pq_buf_init(&s->min, a);
    pq_buf_init(&s->max, a);
}

void pq_stats_reset(pq_stats *s)
{
    if (!s) return;
    pq_buf_reset(&s->min);
    pq_buf_reset(&s->max);
    s->null_count = 0;
    s->has_minmax = false;
}

void pq_stats_clear(pq_stats *s)
{
    s->min.len = s->max.len = 0;
    s->null_count = 0;
    s->has_minmax = false;
}

/* Replace the contents of b with n bytes (data stays non-NULL even for an
 * empty value, so encoders never see a NULL pointer). */
static pq_status set_bytes(pq_buf *b, const uint8_t *p, size_t n, pq_error *err)
{
    b->len = 0;
    PQ_TRY(pq_buf_reserve(b, n ? n : 1, err));
    if (n) memcpy(b->data, p, n);
    b->len = n;
    return PQ_OK;
}

/* Fold the candidate bounds [mn, mx] into s. */
static pq_status offer(pq_stats *s, const uint8_t *mn, size_t mnl, const uint8_t *mx, size_t mxl, pq_error *err)
{
    if (!s->has_minmax) {
        PQ_TRY(set_bytes(&s->min, mn, mnl, err));
        PQ_TRY(set_bytes(&s->max, mx, mxl, err));
        s->has_minmax = true;
        return PQ_OK;
    }
    if (pq_stats_compare(s->order, mn, mnl, s->min.data, s->min.len) < 0) PQ_TRY(set_bytes(&s->min, mn, mnl, err));
    if (pq_stats_compare(s->order, mx, mxl, s->max.data, s->max.len) > 0) PQ_TRY(set_bytes(&s->max, mx, mxl, err));
    return PQ_OK;
}

/* ------------------------------------------------------- typed scanners */

/* Each scanner takes n >= 1 values and writes the PLAIN bytes of their
 * min and max; false when there is none (all NaN).  Four independent
 * accumulators break the compare/select dependency chain (the loops do not
 * vectorise on baseline x86-64: no 64-bit min/max before AVX-512, and float
 * reductions may not be reordered), which roughly triples throughput. */
#define PQ_MINMAX_LOOP(T, LO, HI)                                                \
    T lo0 = HI, lo1 = HI, lo2 = HI, lo3 = HI, hi0 = LO, hi1 = LO, hi2 = LO, hi3 = LO; \
    int64_t i = 0;                                                               \
    for (; i + 4 <= n; i += 4) {                                                 \
        T v[4];                                                                  \
        memcpy(v, p + (size_t)i * sizeof(T), sizeof v);                          \
        lo0 = v[0] < lo0 ? v[0] : lo0; hi0 = v[0] > hi0 ? v[0] : hi0;            \
        lo1 = v[1] < lo1 ? v[1] : lo1; hi1 = v[1] > hi1 ? v[1] : hi1;            \
        lo2 = v[2] < lo2 ? v[2] : lo2; hi2 = v[2] > hi2 ? v[2] : hi2;            \
        lo3 = v[3] < lo3 ? v[3] : lo3; hi3 = v[3] > hi3 ? v[3] : hi3;            \
    }                                                                            \
    for (; i < n; i++) {                                                         \
        T v;                                                                     \
        memcpy(&v, p + (size_t)i * sizeof(T), sizeof(T));                        \
        lo0 = v < lo0 ? v : lo0; /* NaN compares false: skipped */               \
        hi0 = v > hi0 ? v : hi0;                                                 \
    }                                                                            \
    T lo = lo0 < lo1 ? lo0 : lo1, hi = hi0 > hi1 ? hi0 : hi1;                    \
    lo = lo2 < lo ? lo2 : lo; lo = lo3 < lo ? lo3 : lo;                          \
    hi = hi2 > hi ? hi2 : hi; hi = hi3 > hi ? hi3 : hi;

#define PQ_MINMAX_INT(name, T, LO, HI)                                           \
    static bool name(const uint8_t *p, int64_t n, uint8_t *mn, uint8_t *mx)     \
    {                                                                            \
        PQ_MINMAX_LOOP(T, LO, HI)                                                \
        memcpy(mn, &lo, sizeof(T));                                              \
        memcpy(mx, &hi, sizeof(T));                                              \
        return true;                                                             \
    }

PQ_MINMAX_INT(minmax_i32, int32_t, INT32_MIN, INT32_MAX)
PQ_MINMAX_INT(minmax_u32, uint32_t, 0, UINT32_MAX)
PQ_MINMAX_INT(minmax_i64, int64_t, INT64_MIN, INT64_MAX)
PQ_MINMAX_INT(minmax_u64, uint64_t, 0, UINT64_MAX)

/* Accumulators start at +-infinity and never take a NaN, so the final
 * combination is NaN-free too. */
#define PQ_MINMAX_FLOAT(name, T, INF)                                            \
    static bool name(const uint8_t *p, int64_t n, uint8_t *mn, uint8_t *mx)     \
    {                                                                            \
        PQ_MINMAX_LOOP(T, -INF, INF)                                             \
        if (!(lo <= hi)) return false; /* every value was NaN */                 \
        if (lo == 0) lo = -(T)0.0;                                               \
        if (hi == 0) hi = (T)0.0;                                                \
        memcpy(mn, &lo, sizeof(T));                                              \
        memcpy(mx, &hi, sizeof(T));                                              \
        return true;                                                             \
    }

PQ_MINMAX_FLOAT(minmax_f32, float, INFINITY)
PQ_MINMAX_FLOAT(minmax_f64, double, (double)INFINITY)

static bool minmax_f16(const uint8_t *p, int64_t n, uint8_t *mn, uint8_t *mx)
{
    float lo = INFINITY, hi = -INFINITY;
    uint16_t lob = 0, hib = 0;
    for (int64_t i = 0; i < n; i++) {
        uint16_t b = pq_load_u16le(p + 2 * i);
        float v = half_to_float(b);
        if (v < lo) { lo = v; lob = b; }
        if (v > hi) { hi = v; hib = b; }
    }
    if (!(lo <= hi)) return false;
    if (lo == 0) lob = 0x8000;
    if (hi == 0) hib = 0x0000;
    mn[0] = (uint8_t)lob; mn[1] = (uint8_t)(lob >> 8);
    mx[0] = (uint8_t)hib; mx[1] = (uint8_t)(hib >> 8);
    return true;
}

static bool minmax_bool(const uint8_t *p, int64_t n, uint8_t *mn, uint8_t *mx)
{
    mn[0] = memchr(p, 0, (size_t)n) ? 0 : 1;
    mx[0] = 0;
    for (int64_t i = 0; i < n; i++)
        if (p[i]) { mx[0] = 1; break; }
    return true;
}

/* Fold variable or fixed-width byte values: the bounds point into v. */
static pq_status update_bytes(pq_stats *s, const pq_values_view *v, pq_error *err)
{
    int (*cmp)(const uint8_t *, size_t, const uint8_t *, size_t) =
        s->order == PQ_ORDER_DECIMAL_BE ? cmp_decimal : cmp_bytes;
    const uint8_t *lo = NULL, *hi = NULL;
    size_t lol = 0, hil = 0;
    for (int64_t i = 0; i < v->n; i++) {
        const uint8_t *p;
        size_t l;
        if (v->type == PQ_PHYS_BYTE_ARRAY) {
            p = v->data + v->offsets[i];
            l = (size_t)(v->offsets[i + 1] - v->offsets[i]);
        } else {
            l = (size_t)v->width;
            p = v->data + (size_t)i * l;
        }
        if (!lo || cmp(p, l, lo, lol) < 0) { lo = p; lol = l; }
        if (!hi || cmp(p, l, hi, hil) > 0) { hi = p; hil = l; }
    }
    return offer(s, lo, lol, hi, hil, err);
}

pq_status pq_stats_update(pq_stats *s, const pq_values_view *v, int64_t n_nulls, pq_error *err)
{
    s->null_count += n_nulls;
    if (v->n <= 0 || s->order == PQ_ORDER_NONE) return PQ_OK;
    uint8_t mn[8], mx[8];
    bool found;
    size_t w = 8;
    switch (s->order) {
    case PQ_ORDER_BOOL: found = minmax_bool(v->data, v->n, mn, mx); w = 1; break;
    case PQ_ORDER_INT32: found = minmax_i32(v->data, v->n, mn, mx); w = 4; break;
    case PQ_ORDER_UINT32: found = minmax_u32(v->data, v->n, mn, mx); w = 4; break;
    case PQ_ORDER_INT64: found = minmax_i64(v->data, v->n, mn, mx); break;
    case PQ_ORDER_UINT64: found = minmax_u64(v->data, v->n, mn, mx); break;
    case PQ_ORDER_FLOAT: found = minmax_f32(v->data, v->n, mn, mx); w = 4; break;
    case PQ_ORDER_DOUBLE: found = minmax_f64(v->data, v->n, mn, mx); break;
    case PQ_ORDER_FLOAT16: found = minmax_f16(v->data, v->n, mn, mx); w = 2; break;
    default: return update_bytes(s, v, err);
    }
    return found ? offer(s, mn, w, mx, w, err) : PQ_OK;
}

pq_status pq_stats_merge(pq_stats *dst, const pq_stats *src, pq_error *err)
{
    dst->null_count += src->null_count;
    if (!src->has_minmax) return PQ_OK;
    return offer(dst, src->min.data, src->min.len, src->max.data, src->max.len, err);
}

bool pq_stats_minmax_writable(const pq_stats *s)
{
    return s->has_minmax && s->min.len <= PQ_STATS_MAX_VALUE_LEN && s->max.len <= PQ_STATS_MAX_VALUE_LEN;
}

void pq_stats_to_thrift(const pq_stats *s, pq_statistics *out)
{
    memset(out, 0, sizeof *out);
    out->has_null_count = true;
    out->null_count = s->null_count;
    if (!pq_stats_minmax_writable(s)) return;
    out->has_min_value = out->has_max_value = true;
    out->min_value = s->min.data;
    out->min_value_len = (int32_t)s->min.len;
    out->max_value = s->max.data;
    out->max_value_len = (int32_t)s->max.len;
    if (pq_stat_order_legacy_ok(s->order)) {
        out->has_min = out->has_max = true;
        out->min = s->min.data;
        out->min_len = (int32_t)s->min.len;
        out->max = s->max.data;
        out->max_len = (int32_t)s->max.len;
    }
}
