/* SPDX-License-Identifier: Apache-2.0
 *
 * parquet/filter.h - row filters of the reader (pq_reader_set_filter):
 * `COLUMN OP VALUE [and COLUMN OP VALUE]...` over non-repeated primitive
 * leaves, evaluated with SQL semantics (NULL never matches, NaN never
 * matches).  Three units:
 *   filter_parse.c  text -> terms, each literal typed by the column's logical
 *                   type and kept in the column's PHYSICAL value domain
 *                   (int32 days, int64 micros, big-endian decimals...), so
 *                   statistics and decoded values compare without converting
 *                   every value;
 *   filter_prune.c  what statistics prove: a row group's chunk statistics
 *                   (no row / every row can match) and the page index
 *                   (ColumnIndex + OffsetIndex: the pages that may hold a
 *                   match, as a row bitmap);
 *   filter.c        one row group at a time: prune, read the filter columns'
 *                   candidate pages, evaluate the terms exactly into a row
 *                   bitmap, then read every output leaf through
 *                   pq_filter_read_leaf (its pages without a selected row
 *                   are never fetched) and cut its level streams down to the
 *                   selected rows before record assembly.
 *
 * Row bitmaps are uint64 words, LSB-first: row r of the row group is bit
 * r % 64 of word r / 64.  A pq_filter belongs to one reader and follows its
 * threading.  Its per-row-group state lives in slots (pq_filter_rg), one
 * per row group the reader has in flight (it reads one ahead):
 * pq_filter_begin_rg runs on the calling thread, then pq_filter_read_leaf
 * runs on the reader's workers at once (each output leaf on one worker;
 * the slot is read-only then, counters are atomic).
 */
#ifndef PARQUANT_PARQUET_FILTER_H
#define PARQUANT_PARQUET_FILTER_H

#include "core/core.h"
#include "io/source.h"
#include "parquet/column_reader.h"
#include "parquet/levels.h"
#include "parquet/schema.h"

typedef enum pq_filter_op { PQ_FOP_EQ, PQ_FOP_NE, PQ_FOP_LT, PQ_FOP_LE, PQ_FOP_GT, PQ_FOP_GE } pq_filter_op;

/* How a term's values compare (decided by the leaf's physical and logical type). */
typedef enum pq_filter_cls {
    PQ_FCLS_BOOL,   /* BOOLEAN, 0 < 1; literal in i64 */
    PQ_FCLS_I32,    /* INT32 signed (ints, DATE, TIME ms, small DECIMAL); i64 */
    PQ_FCLS_U32,    /* INT32 of unsigned INTEGER types; u64 */
    PQ_FCLS_I64,    /* INT64 signed (ints, TIME, TIMESTAMP, DECIMAL); i64 */
    PQ_FCLS_U64,    /* INT64 unsigned; u64 */
    PQ_FCLS_FLOAT,  /* FLOAT, compared as double; f64 */
    PQ_FCLS_DOUBLE, /* DOUBLE; f64 */
    PQ_FCLS_HALF,   /* FLBA(2) FLOAT16, compared as double; f64 */
    PQ_FCLS_BYTES,  /* BYTE_ARRAY / FLBA, unsigned bytewise, shorter first; bytes */
    PQ_FCLS_DEC_BE, /* BYTE_ARRAY / FLBA decimals, big-endian two's complement; bytes */
    PQ_FCLS_INT96   /* INT96 timestamps as int64 nanoseconds (no statistics); i64 */
} pq_filter_cls;

/** One comparison `leaf op literal`. */
typedef struct pq_filter_term {
    int64_t leaf;         /* file leaf index; the leaf has max_rep == 0 */
    pq_filter_op op;
    pq_filter_cls cls;
    int64_t i64;          /* literal of BOOL, I32, I64, INT96 */
    uint64_t u64;         /* literal of U32, U64 */
    double f64;           /* literal of FLOAT, DOUBLE, HALF; never NaN */
    uint8_t *bytes;       /* literal of BYTES, DEC_BE (owned; non-NULL) */
    size_t n_bytes;
    bool minmax_ok;       /* the file's column order lets statistics be used */
} pq_filter_term;

typedef struct pq_filter pq_filter;

/* ------------------------------------------------------------ parsing */

/** Parse `text` against the file schema `m` (column orders from `meta`).
 *  @return PQ_ERR_INVALID_ARG with a message quoting the offending part
 *  (syntax, unknown or unfilterable column, value that does not fit the
 *  column's type), PQ_ERR_NOMEM.  *out is NULL on failure. */
PQ_NODISCARD pq_status pq_filter_parse(const pq_schema_map *m, const pq_file_metadata *meta, const char *text,
                                       const pq_allocator *a, pq_filter **out, pq_error *err);
/** Free; accepts NULL. */
void pq_filter_destroy(pq_filter *f);
/** The terms (for tests): *n receives their count. */
const pq_filter_term *pq_filter_terms(const pq_filter *f, int64_t *n);

/* ------------------------------------------------------------ pruning */

/** What statistics prove about a term over some rows. */
typedef enum pq_prune { PQ_PRUNE_NONE, PQ_PRUNE_SOME, PQ_PRUNE_ALL } pq_prune;

/** Verdict of the chunk statistics of `c` (leaf `leaf`) for term t:
 *  NONE = no row can match, ALL = every row matches, SOME = unknown. */
pq_prune pq_filter_prune_chunk(const pq_filter_term *t, const pq_leaf *leaf, const pq_column_chunk *c);

/** Clear in `rows` (bitmap of num_rows rows) the rows of every page that
 *  the page index (ci, oi of the term's chunk) proves holds no match.
 *  Does nothing when the two indexes disagree with each other or with
 *  num_rows.  Returns the number of pages proven empty. */
int64_t pq_filter_prune_pages(const pq_filter_term *t, const pq_leaf *leaf, const pq_column_index *ci,
                              const pq_offset_index *oi, int64_t num_rows, uint64_t *rows);

/* ------------------------------------------------------- evaluation */

/** Clear the bit in `sel` of every row that leaf data d (the level entries
 *  of the rows in spans[0..n_spans), in order; leaf has max_rep == 0) shows
 *  not to satisfy term t.  `scratch` is reused memory.  @return
 *  PQ_ERR_CORRUPT (entries or values not matching the spans), PQ_ERR_NOMEM. */
PQ_NODISCARD pq_status pq_filter_eval(const pq_filter_term *t, const pq_leaf *leaf, const pq_leaf_data *d,
                                      const pq_row_span *spans, int64_t n_spans, uint64_t *sel, pq_buf *scratch,
                                      pq_error *err);

/** Keep in d (the level entries of the rows in spans[0..n_spans), in order)
 *  only the rows whose bit is set in `sel`: level entries, and the values of
 *  the entries kept, moved down in place.  A row of a repeated leaf starts
 *  at repetition level 0.  @return PQ_ERR_CORRUPT when d does not hold the
 *  rows the spans name. */
PQ_NODISCARD pq_status pq_leaf_data_keep_rows(const pq_leaf *leaf, pq_leaf_data *d, const pq_row_span *spans,
                                              int64_t n_spans, const uint64_t *sel, pq_error *err);

/* ------------------------------------------------------ row groups */

/** Per-row-group state: one per row group the reader has in flight. */
typedef struct pq_filter_rg pq_filter_rg;
#define PQ_FILTER_SLOTS 3 /* = the reader's row-group slots (reader.c RG_SLOTS) */

/** State slot i (0 <= i < PQ_FILTER_SLOTS) of f. */
pq_filter_rg *pq_filter_slot(pq_filter *f, int i);

/** What pq_filter_begin_rg needs from the reader. */
typedef struct pq_filter_rg_ctx {
    pq_reader *reader;             /* for the page indexes (pq_reader_*_index) */
    const pq_schema_map *map;      /* schema of the whole file */
    const pq_row_group_meta *meta; /* the row group */
    pq_chunk_ref ref;              /* template: row_group, num_rows, data_end, dict_header_pad */
    const int64_t *out_leaves;     /* output leaf k -> file leaf; NULL = identity */
    int64_t n_out;                 /* output leaves */
    pq_column_reader *cr;          /* for the filter columns (calling thread) */
    const pq_source *src;
} pq_filter_rg_ctx;

/** Decide which rows of the row group match: statistics, page index, then
 *  the filter columns' candidate pages read and evaluated.  Afterwards
 *  pq_filter_rg_rows tells how many rows the row group yields.
 *  @return the reading errors of pq_column_reader_read, PQ_ERR_NOMEM. */
PQ_NODISCARD pq_status pq_filter_begin_rg(pq_filter_rg *g, const pq_filter_rg_ctx *ctx, pq_error *err);

/** Rows of g's row group that match (valid after begin_rg). */
int64_t pq_filter_rg_rows(const pq_filter_rg *g);

/** Read output leaf k of g's row group into `out` (empty), holding only
 *  the matching rows: pages without one are not fetched, the filter's own
 *  reading of the leaf is reused when there was one; nothing is read when
 *  no row matches.  Called from several workers at once for distinct k. */
PQ_NODISCARD pq_status pq_filter_read_leaf(pq_filter_rg *g, pq_column_reader *cr, const pq_source *src,
                                           const pq_chunk_ref *ref, int64_t k, pq_leaf_data *out, pq_error *err);

/** Counters since the filter was made (see pq_filter_stats in parquet.h). */
void pq_filter_get_stats(const pq_filter *f, pq_filter_stats *out);

#endif /* PARQUANT_PARQUET_FILTER_H */
