/* SPDX-License-Identifier: Apache-2.0
 *
 * parquet/filter_prune.c - what statistics prove about a filter term
 * (filter.h): chunk Statistics for a row group, ColumnIndex + OffsetIndex
 * for its pages.
 *
 * Rules (parquet.thrift, LogicalTypes.md "Sort Order"):
 *  - min_value / max_value are in the column's order and used when the
 *    file's ColumnOrder for the leaf is TYPE_DEFINED_ORDER or
 *    IEEE_754_TOTAL_ORDER (or absent); the deprecated min / max only for
 *    classes whose order is the signed one they were written in (BOOLEAN,
 *    signed INT32 / INT64, FLOAT, DOUBLE);
 *  - a bound is a bound, exact or truncated (is_*_value_exact false): the
 *    proofs below only use lo <= every value <= hi;
 *  - a value of the wrong size or a NaN bound is not a bound (ignored);
 *  - NaN values are not covered by float bounds (writers leave them out),
 *    so "every row matches" is never concluded for floats; since NaN never
 *    matches, "no row matches" stays valid;
 *  - null_count == num_values: every row is null, so none matches; "every
 *    row matches" needs null_count known to be 0.
 * Anything missing or unusable gives PQ_PRUNE_SOME: can't skip.
 */
#include "parquet/filter.h"

#include "parquet/filter_internal.h"
#include "parquet/stats.h"
#include "table/canon.h"

#define CMP3(x, y) ((x) < (y) ? -1 : (x) > (y))

/* Compare a PLAIN statistics value p[0..n) with the term's literal into *c
 * (sign of value - literal); false when p is not a usable bound. */
static bool cmp_bound(const pq_filter_term *t, const uint8_t *p, size_t n, int *c)
{
    if (!p && n) return false;
    switch (t->cls) {
    case PQ_FCLS_BOOL:
        if (n != 1) return false;
        *c = CMP3((int64_t)(p[0] & 1), t->i64);
        return true;
    case PQ_FCLS_I32:
        if (n != 4) return false;
        *c = CMP3((int64_t)(int32_t)pq_load_u32le(p), t->i64);
        return true;
    case PQ_FCLS_U32:
        if (n != 4) return false;
        *c = CMP3((uint64_t)pq_load_u32le(p), t->u64);
        return true;
    case PQ_FCLS_I64:
        if (n != 8) return false;
        *c = CMP3((int64_t)pq_load_u64le(p), t->i64);
        return true;
    case PQ_FCLS_U64:
        if (n != 8) return false;
        *c = CMP3(pq_load_u64le(p), t->u64);
        return true;
    case PQ_FCLS_FLOAT:
    case PQ_FCLS_DOUBLE:
    case PQ_FCLS_HALF: {
        double d;
        if (t->cls == PQ_FCLS_FLOAT && n == 4) { float x; memcpy(&x, p, 4); d = x; }
        else if (t->cls == PQ_FCLS_DOUBLE && n == 8) memcpy(&d, p, 8);
        else if (t->cls == PQ_FCLS_HALF && n == 2) d = pq_half_to_double(pq_load_u16le(p));
        else return false;
        if (d != d) return false;
        *c = CMP3(d, t->f64);
        return true;
    }
    case PQ_FCLS_BYTES:
        *c = pq_stats_compare(PQ_ORDER_BYTES, p, n, t->bytes, t->n_bytes);
        return true;
    case PQ_FCLS_DEC_BE:
        if (n == 0 || n > 64) return false;
        *c = pq_stats_compare(PQ_ORDER_DECIMAL_BE, p, n, t->bytes, t->n_bytes);
        return true;
    case PQ_FCLS_INT96: return false;
    }
    return false;
}

/* Bounds of some rows, each compared with the literal (c = sign(bound - literal)). */
typedef struct bounds {
    bool has_lo, has_hi;
    int clo, chi;
} bounds;

/* What bounds b prove for `op` over the non-null, non-NaN values. */
static pq_prune verdict(pq_filter_op op, const bounds *b)
{
    bool lo = b->has_lo, hi = b->has_hi;
    switch (op) {
    case PQ_FOP_EQ:
        if ((lo && b->clo > 0) || (hi && b->chi < 0)) return PQ_PRUNE_NONE;
        return lo && hi && b->clo == 0 && b->chi == 0 ? PQ_PRUNE_ALL : PQ_PRUNE_SOME;
    case PQ_FOP_NE:
        /* lo == hi == literal: every value equals it */
        if (lo && hi && b->clo == 0 && b->chi == 0) return PQ_PRUNE_NONE;
        return (lo && b->clo > 0) || (hi && b->chi < 0) ? PQ_PRUNE_ALL : PQ_PRUNE_SOME;
    case PQ_FOP_LT:
        if (lo && b->clo >= 0) return PQ_PRUNE_NONE;
        return hi && b->chi < 0 ? PQ_PRUNE_ALL : PQ_PRUNE_SOME;
    case PQ_FOP_LE:
        if (lo && b->clo > 0) return PQ_PRUNE_NONE;
        return hi && b->chi <= 0 ? PQ_PRUNE_ALL : PQ_PRUNE_SOME;
    case PQ_FOP_GT:
        if (hi && b->chi <= 0) return PQ_PRUNE_NONE;
        return lo && b->clo > 0 ? PQ_PRUNE_ALL : PQ_PRUNE_SOME;
    case PQ_FOP_GE:
        if (hi && b->chi < 0) return PQ_PRUNE_NONE;
        return lo && b->clo >= 0 ? PQ_PRUNE_ALL : PQ_PRUNE_SOME;
    }
    return PQ_PRUNE_SOME;
}

/* True for classes whose order is the signed one of the legacy min/max. */
static bool legacy_ok(pq_filter_cls c)
{
    return c == PQ_FCLS_BOOL || c == PQ_FCLS_I32 || c == PQ_FCLS_I64 || c == PQ_FCLS_FLOAT || c == PQ_FCLS_DOUBLE;
}

static bool is_float(pq_filter_cls c) { return c == PQ_FCLS_FLOAT || c == PQ_FCLS_DOUBLE || c == PQ_FCLS_HALF; }

/* Bounds of a chunk's Statistics. */
static bounds chunk_bounds(const pq_filter_term *t, const pq_statistics *st)
{
    bounds b = {false, false, 0, 0};
    if (t->minmax_ok && st->has_min_value && st->min_value_len >= 0)
        b.has_lo = cmp_bound(t, st->min_value, (size_t)st->min_value_len, &b.clo);
    else if (legacy_ok(t->cls) && st->has_min && st->min_len >= 0)
        b.has_lo = cmp_bound(t, st->min, (size_t)st->min_len, &b.clo);
    if (t->minmax_ok && st->has_max_value && st->max_value_len >= 0)
        b.has_hi = cmp_bound(t, st->max_value, (size_t)st->max_value_len, &b.chi);
    else if (legacy_ok(t->cls) && st->has_max && st->max_len >= 0)
        b.has_hi = cmp_bound(t, st->max, (size_t)st->max_len, &b.chi);
    return b;
}

pq_prune pq_filter_prune_chunk(const pq_filter_term *t, const pq_leaf *leaf, const pq_column_chunk *c)
{
    (void)leaf;
    if (!c->has_meta_data || !c->meta_data.has_statistics) return PQ_PRUNE_SOME;
    const pq_column_meta *m = &c->meta_data;
    const pq_statistics *st = &m->statistics;
    /* the leaf is not repeated: one level entry per row */
    if (st->has_null_count && m->num_values > 0 && st->null_count >= m->num_values) return PQ_PRUNE_NONE;
    bounds b = chunk_bounds(t, st);
    pq_prune v = verdict(t->op, &b);
    if (v == PQ_PRUNE_ALL && (is_float(t->cls) || !st->has_null_count || st->null_count != 0)) return PQ_PRUNE_SOME;
    return v;
}

/* True when oi's first rows start at 0 and increase strictly below num_rows. */
static bool first_rows_ok(const pq_offset_index *oi, int64_t num_rows)
{
    if (!oi->page_locations || oi->n_pages <= 0 || oi->page_locations[0].first_row_index != 0) return false;
    for (int32_t p = 1; p < oi->n_pages; p++) {
        int64_t a = oi->page_locations[p - 1].first_row_index, b = oi->page_locations[p].first_row_index;
        if (b <= a || b >= num_rows) return false;
    }
    return true;
}

/* True when page p of the column index proves no row of it matches. */
static bool page_empty(const pq_filter_term *t, const pq_column_index *ci, int32_t p, int64_t rows)
{
    if (ci->null_pages && ci->null_pages[p]) return true;
    if (ci->has_null_counts && ci->null_counts && ci->null_counts[p] >= rows) return true;
    if (!t->minmax_ok || !ci->min_values || !ci->max_values || !ci->min_lens || !ci->max_lens) return false;
    bounds b = {false, false, 0, 0};
    if (ci->min_lens[p] >= 0) b.has_lo = cmp_bound(t, ci->min_values[p], (size_t)ci->min_lens[p], &b.clo);
    if (ci->max_lens[p] >= 0) b.has_hi = cmp_bound(t, ci->max_values[p], (size_t)ci->max_lens[p], &b.chi);
    return verdict(t->op, &b) == PQ_PRUNE_NONE;
}

int64_t pq_filter_prune_pages(const pq_filter_term *t, const pq_leaf *leaf, const pq_column_index *ci,
                              const pq_offset_index *oi, int64_t num_rows, uint64_t *rows)
{
    (void)leaf;
    if (!ci || !oi || ci->n_pages != oi->n_pages || !first_rows_ok(oi, num_rows)) return 0;
    int64_t n = 0;
    for (int32_t p = 0; p < oi->n_pages; p++) {
        int64_t lo = oi->page_locations[p].first_row_index;
        int64_t hi = p + 1 < oi->n_pages ? oi->page_locations[p + 1].first_row_index : num_rows;
        if (!page_empty(t, ci, p, hi - lo)) continue;
        pq_rows_clear_range(rows, lo, hi);
        n++;
    }
    return n;
}
