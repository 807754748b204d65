/* SPDX-License-Identifier: Apache-2.0
 *
 * parquet/filter_internal.h - what the filter units (filter_parse.c,
 * filter_prune.c, filter_rows.c, filter.c) share beyond filter.h: the
 * pq_filter object and row-bitmap helpers.  Not for other modules.
 *
 * Row bitmaps: uint64 words, row r is bit r % 64 of word r / 64; bits past
 * the row count are kept clear, so counting set bits counts rows.
 */
#ifndef PARQUANT_PARQUET_FILTER_INTERNAL_H
#define PARQUANT_PARQUET_FILTER_INTERNAL_H

#include <stdatomic.h>

#include "parquet/filter.h"

/* The state of one row group being read (one per reader slot: the
 * reader may read the next row group ahead while this one is in use). */
struct pq_filter_rg {
    pq_filter *f;                     /* its filter (terms, counters) */
    int64_t num_rows;                 /* rows of the row group */
    int64_t n_selected;               /* rows it yields, <= num_rows */
    bool all;                         /* every row selected: leaves read whole and uncut */
    pq_buf sel;                       /* selected rows, a row bitmap (when !all) */
    const pq_offset_index **out_oi;   /* per output leaf: its offset index or NULL */
    int64_t *out_reuse;               /* per output leaf: term whose data it takes, or -1 */
    int64_t n_out, cap_out;
    /* per term (f->n_terms entries) */
    pq_leaf_data *tdata;              /* the term leaf's rows read for the evaluation */
    pq_buf *tspans;                   /* pq_row_span runs of rows tdata holds */
    int64_t *tslot;                   /* term whose tdata holds this term's leaf, or -1 */
    bool *tneed;                      /* statistics left this term undecided: evaluate it */
    int64_t n_prepared;               /* terms whose tdata / tspans are initialised */
    pq_buf scratch;                   /* evaluation scratch */
};

struct pq_filter {
    const pq_allocator *alloc;
    pq_filter_term *terms;            /* n_terms parsed comparisons, all must hold */
    int64_t n_terms, cap_terms;
    /* counters (pq_filter_stats); atomic ones are bumped by workers */
    int64_t row_groups_read, row_groups_skipped, rows_decoded, rows_matched;
    atomic_llong pages_read, pages_skipped;
    pq_filter_rg rgs[PQ_FILTER_SLOTS];
};

/** Set the parts of a calloc'ed filter that need an allocator. */
void pq_filter_state_init(pq_filter *f);
/** Allocate the per-term state once the terms are known (leaf data of
 *  each term's leaf in `m`).  @return PQ_ERR_NOMEM. */
PQ_NODISCARD pq_status pq_filter_state_prepare(pq_filter *f, const pq_schema_map *m, pq_error *err);

/* ------------------------------------------------------ row bitmaps */

static inline size_t pq_rows_words(int64_t n) { return (size_t)((n + 63) / 64); }
static inline bool pq_rows_get(const uint64_t *w, int64_t r) { return (w[r >> 6] >> (r & 63)) & 1; }

/** Set rows [0, n) and clear the bits past n in the last word. */
static inline void pq_rows_fill(uint64_t *w, int64_t n)
{
    size_t nw = pq_rows_words(n);
    if (nw) memset(w, 0xff, nw * 8);
    if (n & 63) w[nw - 1] = ((uint64_t)1 << (n & 63)) - 1;
}

/** Clear rows [lo, hi). */
static inline void pq_rows_clear_range(uint64_t *w, int64_t lo, int64_t hi)
{
    while (lo < hi && (lo & 63)) { w[lo >> 6] &= ~((uint64_t)1 << (lo & 63)); lo++; }
    while (lo + 64 <= hi) { w[lo >> 6] = 0; lo += 64; }
    while (lo < hi) { w[lo >> 6] &= ~((uint64_t)1 << (lo & 63)); lo++; }
}

/** Number of set rows in [lo, hi). */
static inline int64_t pq_rows_count_range(const uint64_t *w, int64_t lo, int64_t hi)
{
    int64_t c = 0;
    while (lo < hi && (lo & 63)) c += pq_rows_get(w, lo++);
    while (lo + 64 <= hi) { c += __builtin_popcountll(w[lo >> 6]); lo += 64; }
    while (lo < hi) c += pq_rows_get(w, lo++);
    return c;
}

/** First set row in [lo, hi), or hi. */
static inline int64_t pq_rows_next_set(const uint64_t *w, int64_t lo, int64_t hi)
{
    while (lo < hi) {
        uint64_t x = w[lo >> 6] >> (lo & 63);
        if (x) {
            int64_t r = lo + __builtin_ctzll(x);
            return r < hi ? r : hi;
        }
        lo = (lo | 63) + 1;
    }
    return hi;
}

/** First clear row in [lo, hi), or hi. */
static inline int64_t pq_rows_next_clear(const uint64_t *w, int64_t lo, int64_t hi)
{
    while (lo < hi) {
        uint64_t x = ~w[lo >> 6] >> (lo & 63);
        if (x) {
            int64_t r = lo + __builtin_ctzll(x);
            return r < hi ? r : hi;
        }
        lo = (lo | 63) + 1;
    }
    return hi;
}

#endif /* PARQUANT_PARQUET_FILTER_INTERNAL_H */
