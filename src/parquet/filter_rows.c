/* SPDX-License-Identifier: Apache-2.0
 *
 * parquet/filter_rows.c - the row-level work of a filter (filter.h): exact
 * evaluation of a term on the decoded values of its leaf, and cutting a
 * leaf's level streams and dense values down to the selected rows before
 * record assembly (levels.h), so that every leaf of the output describes
 * the same rows.
 *
 * Inputs are a pq_leaf_data holding the rows of a list of spans (the pages
 * read), in order: for a leaf without repetition one level entry per row,
 * otherwise a row starts at each repetition level 0.  Values are dense: one
 * per entry at the maximum definition level.  Both routines check that the
 * data holds exactly the rows and values the spans and levels say before
 * touching anything, and fail with PQ_ERR_CORRUPT otherwise.
 *
 * Evaluation runs a typed loop per class over the dense values (three-way
 * compare, then a bit of the operator's mask: no branch per value, no call
 * per value except for byte strings), then folds the per-value results
 * into the row bitmap: a null (entry below max_def) never matches, nor a
 * NaN.  Cutting moves runs of kept rows down in place with memmove, so a
 * selective filter on sorted data costs a few copies.
 */
#include "parquet/filter.h"

#include "parquet/filter_internal.h"
#include "parquet/stats.h"
#include "table/canon.h"

#define CMP3(x, y) ((x) < (y) ? -1 : (x) > (y))
#define JULIAN_UNIX_EPOCH 2440588
#define NANOS_PER_DAY INT64_C(86400000000000)

/* Bit c + 1 (c = sign(value - literal)) is set when the operator holds. */
static unsigned op_mask(pq_filter_op op)
{
    switch (op) {
    case PQ_FOP_EQ: return 2;
    case PQ_FOP_NE: return 5;
    case PQ_FOP_LT: return 1;
    case PQ_FOP_LE: return 3;
    case PQ_FOP_GT: return 4;
    case PQ_FOP_GE: return 6;
    }
    return 0;
}

/* mv[i] = value i of the fixed-width values p satisfies the term, for
 * scalar types T compared with `lit` (LOAD reads value i into x). */
#define MATCH_LOOP(T, LIT, LOAD)                                   \
    do {                                                           \
        T lit_ = (LIT);                                            \
        for (int64_t i = 0; i < n; i++) {                          \
            T x;                                                   \
            LOAD;                                                  \
            int c = CMP3(x, lit_);                                 \
            mv[i] = (uint8_t)((mask >> (c + 1)) & 1);              \
        }                                                          \
    } while (0)

/* Same for floats widened to double: NaN never matches. */
#define MATCH_FLOAT(LOAD)                                          \
    do {                                                           \
        double lit_ = t->f64;                                      \
        for (int64_t i = 0; i < n; i++) {                          \
            double x;                                              \
            LOAD;                                                  \
            int c = CMP3(x, lit_);                                 \
            mv[i] = (uint8_t)((x == x) & ((mask >> (c + 1)) & 1)); \
        }                                                          \
    } while (0)

/* INT96 (nanoseconds of day, Julian day) -> int64 nanoseconds, wrapping
 * as the reader's assembly does (assemble.c fill_int96). */
static int64_t int96_nanos(const uint8_t *p)
{
    uint64_t nod = pq_load_u64le(p);
    int64_t day = (int64_t)(int32_t)pq_load_u32le(p + 8) - JULIAN_UNIX_EPOCH;
    return (int64_t)((uint64_t)day * (uint64_t)NANOS_PER_DAY + nod);
}

/* Byte-string values (BYTE_ARRAY or FLBA) compared in `order`. */
static void match_bytes(const pq_filter_term *t, const pq_values *v, pq_stat_order order, unsigned mask, uint8_t *mv)
{
    static const uint8_t none[1];
    const uint8_t *p = v->data.data ? v->data.data : none;
    const int64_t *off = v->type == PQ_PHYS_BYTE_ARRAY ? (const int64_t *)(const void *)v->offsets.data : NULL;
    size_t w = (size_t)v->width;
    for (int64_t i = 0; i < v->n; i++) {
        const uint8_t *x = off ? p + off[i] : p + (size_t)i * w;
        size_t len = off ? (size_t)(off[i + 1] - off[i]) : w;
        int c = pq_stats_compare(order, x, len, t->bytes, t->n_bytes);
        c = c < 0 ? -1 : c > 0;
        mv[i] = (uint8_t)((mask >> (c + 1)) & 1);
    }
}

/* mv[i] for every dense value of v. */
static void match_values(const pq_filter_term *t, const pq_values *v, uint8_t *mv)
{
    unsigned mask = op_mask(t->op);
    int64_t n = v->n;
    const uint8_t *p = v->data.data;
    switch (t->cls) {
    case PQ_FCLS_BOOL: MATCH_LOOP(int64_t, t->i64, x = p[i] & 1); break;
    case PQ_FCLS_I32: MATCH_LOOP(int32_t, (int32_t)t->i64, memcpy(&x, p + 4 * i, 4)); break;
    case PQ_FCLS_U32: MATCH_LOOP(uint32_t, (uint32_t)t->u64, memcpy(&x, p + 4 * i, 4)); break;
    case PQ_FCLS_I64: MATCH_LOOP(int64_t, t->i64, memcpy(&x, p + 8 * i, 8)); break;
    case PQ_FCLS_U64: MATCH_LOOP(uint64_t, t->u64, memcpy(&x, p + 8 * i, 8)); break;
    case PQ_FCLS_INT96: MATCH_LOOP(int64_t, t->i64, x = int96_nanos(p + 12 * i)); break;
    case PQ_FCLS_FLOAT: MATCH_FLOAT(float f; memcpy(&f, p + 4 * i, 4); x = f); break;
    case PQ_FCLS_DOUBLE: MATCH_FLOAT(memcpy(&x, p + 8 * i, 8)); break;
    case PQ_FCLS_HALF: MATCH_FLOAT(x = pq_half_to_double(pq_load_u16le(p + 2 * i))); break;
    case PQ_FCLS_BYTES: match_bytes(t, v, PQ_ORDER_BYTES, mask, mv); break;
    case PQ_FCLS_DEC_BE: match_bytes(t, v, PQ_ORDER_DECIMAL_BE, mask, mv); break;
    }
}

/* Total rows of the spans; -1 when a span is malformed. */
static int64_t span_rows(const pq_row_span *spans, int64_t n_spans)
{
    int64_t total = 0;
    for (int64_t i = 0; i < n_spans; i++)
        if (spans[i].first < 0 || spans[i].count < 0 || pq_add_overflow_i64(total, spans[i].count, &total)) return -1;
    return total;
}

/* Entries of lv[0..n) equal to eq. */
static int64_t count_eq(const uint16_t *lv, int64_t n, uint16_t eq)
{
    int64_t c = 0;
    for (int64_t i = 0; i < n; i++) c += lv[i] == eq;
    return c;
}

/* Check the shapes of d for leaf: level buffers of n_levels entries and
 * dense values matching the entries at max_def. */
static pq_status check_data(const pq_leaf *leaf, const pq_leaf_data *d, pq_error *err)
{
    size_t need = (size_t)d->n_levels * 2;
    PQ_CHECK(err, d->n_levels >= 0 && (leaf->max_def == 0 || d->def.len == need) &&
                      (leaf->max_rep == 0 || d->rep.len == need),
             "leaf '%s': expected %lld level entries, found %zu def / %zu rep bytes", leaf->path,
             (long long)d->n_levels, d->def.len, d->rep.len);
    int64_t present = leaf->max_def == 0 ? d->n_levels
                                         : count_eq((const uint16_t *)(const void *)d->def.data, d->n_levels,
                                                    (uint16_t)leaf->max_def);
    PQ_CHECK(err, present == d->values.n, "leaf '%s': expected %lld values, found %lld", leaf->path,
             (long long)present, (long long)d->values.n);
    const pq_values *v = &d->values;
    if (v->type == PQ_PHYS_BYTE_ARRAY) {
        const int64_t *o = (const int64_t *)(const void *)v->offsets.data;
        PQ_CHECK(err, v->n == 0 || (v->offsets.len == ((size_t)v->n + 1) * 8 && o[0] == 0 &&
                                    o[v->n] == (int64_t)v->data.len),
                 "leaf '%s': byte-array offsets do not match %lld values of %zu bytes", leaf->path, (long long)v->n,
                 v->data.len);
    } else {
        PQ_CHECK(err, v->data.len == (size_t)v->n * (size_t)v->width,
                 "leaf '%s': expected %lld values of %d bytes, found %zu bytes", leaf->path, (long long)v->n, v->width,
                 v->data.len);
    }
    return PQ_OK;
}

pq_status pq_filter_eval(const pq_filter_term *t, const pq_leaf *leaf, const pq_leaf_data *d,
                         const pq_row_span *spans, int64_t n_spans, uint64_t *sel, pq_buf *scratch, pq_error *err)
{
    PQ_CHECK(err, leaf->max_rep == 0 && span_rows(spans, n_spans) == d->n_levels,
             "leaf '%s': expected one level entry per row read, found %lld entries", leaf->path,
             (long long)d->n_levels);
    PQ_TRY(check_data(leaf, d, err));
    scratch->len = 0;
    PQ_TRY(pq_buf_reserve(scratch, (size_t)d->values.n + 1, err));
    uint8_t *mv = scratch->data;
    match_values(t, &d->values, mv);
    const uint16_t *def = leaf->max_def > 0 ? (const uint16_t *)(const void *)d->def.data : NULL;
    uint16_t maxd = (uint16_t)leaf->max_def;
    int64_t e = 0, v = 0;
    for (int64_t s = 0; s < n_spans; s++) {
        int64_t r = spans[s].first, end = r + spans[s].count;
        if (!def) {
            for (; r < end; r++, e++) sel[r >> 6] &= ~((uint64_t)(mv[e] ^ 1) << (r & 63));
            continue;
        }
        for (; r < end; r++, e++) {
            unsigned present = def[e] == maxd;
            unsigned ok = present ? mv[v] : 0;
            v += present;
            sel[r >> 6] &= ~((uint64_t)(ok ^ 1) << (r & 63));
        }
    }
    return PQ_OK;
}

/* ------------------------------------------------------------- cutting */

/* Where the compaction stands: entries / values consumed (e, v) and
 * written (oe, ov, obytes). */
typedef struct cut {
    const pq_leaf *leaf;
    pq_leaf_data *d;
    uint16_t *def, *rep;     /* NULL when the leaf has none */
    int64_t *off;            /* BYTE_ARRAY offsets, else NULL */
    int64_t e, v;            /* next entry, next value of the input */
    int64_t oe, ov;          /* entries, values kept so far */
    int64_t obytes;          /* BYTE_ARRAY data bytes kept so far */
} cut;

/* Values among entries [a, b). */
static int64_t present_in(const cut *c, int64_t a, int64_t b)
{
    return c->def ? count_eq(c->def + a, b - a, (uint16_t)c->leaf->max_def) : b - a;
}

/* Keep entries [e0, e1) (e0 >= c->e): move their levels and values down. */
static pq_status keep_run(cut *c, int64_t e0, int64_t e1, pq_error *err)
{
    pq_values *vals = &c->d->values;
    c->v += present_in(c, c->e, e0);
    int64_t nv = present_in(c, e0, e1), ne = e1 - e0;
    if (c->def && c->oe != e0) memmove(c->def + c->oe, c->def + e0, (size_t)ne * 2);
    if (c->rep && c->oe != e0) memmove(c->rep + c->oe, c->rep + e0, (size_t)ne * 2);
    if (nv > 0 && c->off) {
        int64_t lo = c->off[c->v], hi = c->off[c->v + nv];
        PQ_CHECK(err, lo >= c->obytes && lo <= hi && hi <= (int64_t)vals->data.len,
                 "leaf '%s': byte-array offsets out of order", c->leaf->path);
        if (hi > lo && c->obytes != lo) memmove(vals->data.data + c->obytes, vals->data.data + lo, (size_t)(hi - lo));
        for (int64_t i = 1; i <= nv; i++) c->off[c->ov + i] = c->off[c->v + i] - lo + c->obytes;
        c->obytes += hi - lo;
    } else if (nv > 0 && c->ov != c->v) {
        size_t w = (size_t)vals->width;
        memmove(vals->data.data + (size_t)c->ov * w, vals->data.data + (size_t)c->v * w, (size_t)nv * w);
    }
    c->oe += ne;
    c->ov += nv;
    c->v += nv;
    c->e = e1;
    return PQ_OK;
}

/* Runs of kept rows of a leaf without repetition: row first + i of a span
 * is entry base + i. */
static pq_status cut_flat(cut *c, const pq_row_span *spans, int64_t n_spans, const uint64_t *sel, pq_error *err)
{
    int64_t base = 0;
    for (int64_t s = 0; s < n_spans; s++) {
        int64_t first = spans[s].first, end = first + spans[s].count, r = first;
        while (r < end) {
            int64_t r0 = pq_rows_next_set(sel, r, end);
            if (r0 == end) break;
            int64_t r1 = pq_rows_next_clear(sel, r0, end);
            PQ_TRY(keep_run(c, base + (r0 - first), base + (r1 - first), err));
            r = r1;
        }
        base += spans[s].count;
    }
    return PQ_OK;
}

/* Runs of kept rows of a repeated leaf: a row starts at each repetition
 * level 0. */
static pq_status cut_repeated(cut *c, const pq_row_span *spans, int64_t n_spans, const uint64_t *sel, pq_error *err)
{
    int64_t n = c->d->n_levels, t = 0, run = -1;
    PQ_CHECK(err, n == 0 || c->rep[0] == 0, "leaf '%s': expected repetition level 0 at the first entry, found %u",
             c->leaf->path, n ? c->rep[0] : 0);
    for (int64_t s = 0; s < n_spans; s++)
        for (int64_t r = spans[s].first; r < spans[s].first + spans[s].count; r++) {
            PQ_CHECK(err, t < n, "leaf '%s': levels end before row %lld", c->leaf->path, (long long)r);
            int64_t start = t++;
            while (t < n && c->rep[t] != 0) t++;
            bool keep = pq_rows_get(sel, r);
            if (keep && run < 0) run = start;
            if (!keep && run >= 0) {
                PQ_TRY(keep_run(c, run, start, err));
                run = -1;
            }
        }
    PQ_CHECK(err, t == n, "leaf '%s': %lld level entries beyond the rows read", c->leaf->path, (long long)(n - t));
    if (run >= 0) PQ_TRY(keep_run(c, run, t, err));
    return PQ_OK;
}

pq_status pq_leaf_data_keep_rows(const pq_leaf *leaf, pq_leaf_data *d, const pq_row_span *spans, int64_t n_spans,
                                 const uint64_t *sel, pq_error *err)
{
    int64_t rows = span_rows(spans, n_spans);
    PQ_CHECK(err, rows >= 0 && (leaf->max_rep > 0 || rows == d->n_levels),
             "leaf '%s': expected %lld level entries for the rows read, found %lld", leaf->path, (long long)rows,
             (long long)d->n_levels);
    PQ_TRY(check_data(leaf, d, err));
    cut c;
    memset(&c, 0, sizeof c);
    c.leaf = leaf;
    c.d = d;
    c.def = leaf->max_def > 0 ? (uint16_t *)(void *)d->def.data : NULL;
    c.rep = leaf->max_rep > 0 ? (uint16_t *)(void *)d->rep.data : NULL;
    c.off = d->values.type == PQ_PHYS_BYTE_ARRAY && d->values.n > 0 ? (int64_t *)(void *)d->values.offsets.data : NULL;
    PQ_TRY(leaf->max_rep > 0 ? cut_repeated(&c, spans, n_spans, sel, err) : cut_flat(&c, spans, n_spans, sel, err));
    d->n_levels = c.oe;
    d->def_counted = false; /* the assembler checks the cut levels again */
    if (c.def) d->def.len = (size_t)c.oe * 2;
    if (c.rep) d->rep.len = (size_t)c.oe * 2;
    d->values.n = c.ov;
    if (d->values.type == PQ_PHYS_BYTE_ARRAY) {
        d->values.data.len = (size_t)c.obytes;
        if (c.off) d->values.offsets.len = c.ov > 0 ? ((size_t)c.ov + 1) * 8 : 0;
    } else {
        d->values.data.len = (size_t)c.ov * (size_t)d->values.width;
    }
    return PQ_OK;
}
