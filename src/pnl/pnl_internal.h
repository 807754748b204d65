/* SPDX-License-Identifier: Apache-2.0
 *
 * pnl/pnl_internal.h - what the files of the pnl module share: role lookup,
 * meta-column helpers, the label dictionary, date/time text, and the names
 * of the footer keys the Parquet layouts carry.
 */
#ifndef PARQUANT_PNL_INTERNAL_H
#define PARQUANT_PNL_INTERNAL_H

#include "core/core.h"
#include "parquant/pnl.h"

/* Footer key/value metadata of every P&L Parquet file parquant writes. */
#define PNL_KV_STORE "parquant.pnl.store"       /* wide | long (a partitioned dataset's files are wide) */
#define PNL_KV_LAYOUT "parquant.pnl.layout"     /* legacy | zone | enhanced */
#define PNL_KV_ORDER "parquant.pnl.columns"     /* long: the source's column names, JSON array, in order */
#define PNL_KV_SOURCE "parquant.pnl.source"     /* the CSV it came from */
#define PNL_KV_DATE_FORMAT "parquant.pnl.date_format"

/* Column names of the long layout. */
#define PNL_LONG_STRATEGY "strategy"
#define PNL_LONG_PNL "pnl"

/* -1 if `name` is no role's header name. */
int pnl_role_of(const char *name);
pq_pnl_meta_kind pnl_role_kind(pq_pnl_role r);
bool pnl_layout_parse(const char *s, pq_pnl_layout *out);
/* The layout a table's attributes make: enhanced if it has any of the
 * enhanced columns, else zone if it has a zone, else legacy. */
pq_pnl_layout pnl_layout_of(const pq_pnl *p);

/* Allocate a meta column of `n_rows` for `role` (all values zero, codes 0). */
PQ_NODISCARD pq_status pnl_meta_alloc(pq_pnl_meta *m, pq_pnl_role role, const char *name, int64_t position,
                                      int64_t n_rows, pq_error *err);
void pnl_meta_free(pq_pnl_meta *m);
PQ_NODISCARD pq_status pnl_meta_set_null(pq_pnl_meta *m, int64_t row, int64_t n_rows, pq_error *err);
bool pnl_meta_is_null(const pq_pnl_meta *m, int64_t row);
/* Resize a meta column's value array (and its null bitmap) from `old_rows`
 * to `rows` rows; new rows are zero and valid. */
PQ_NODISCARD pq_status pnl_meta_resize(pq_pnl_meta *m, int64_t old_rows, int64_t rows, pq_error *err);
/* Mark strategy s's value on row r null (NaN in the slot), allocating the
 * bitmap over the whole matrix on the first null. */
PQ_NODISCARD pq_status pnl_set_null(pq_pnl *p, int64_t s, int64_t r, pq_error *err);

/* Roles of p's meta columns in source order; returns how many. */
int pnl_meta_order(const pq_pnl *p, int order[PQ_PNL_ROLE_COUNT]);
/* A column of a table in source order: a meta role, or a strategy. */
typedef struct pnl_col {
    int role;        /* pq_pnl_role, or -1 for a strategy */
    int64_t strat;   /* strategy index, or -1 */
} pnl_col;
/* p's columns in source order into out (room for n_strategies +
 * PQ_PNL_ROLE_COUNT); returns how many. */
int64_t pnl_columns(const pq_pnl *p, pnl_col *out);

/* Label dictionary of a STRING meta column: code of a string, adding it
 * when new.  Borrowed meta; the hash index is the dictionary's own. */
typedef struct pnl_labels {
    pq_pnl_meta *meta;
    int32_t *slots;
    size_t cap;
    int32_t last;
} pnl_labels;
void pnl_labels_init(pnl_labels *d, pq_pnl_meta *m);
void pnl_labels_reset(pnl_labels *d);
PQ_NODISCARD pq_status pnl_labels_code(pnl_labels *d, const uint8_t *s, size_t n, int32_t *code, pq_error *err);

/* ------------------------------------------------------- date and time */

/* A date cell split into its three numbers: a-b-c as written, `ymd` when the
 * first number has 4 digits (YYYY-MM-DD), else DD-MM-YYYY or MM-DD-YYYY. */
typedef struct pnl_date_parts {
    int16_t a, b, c;
    bool ymd;
} pnl_date_parts;

/* Split "YYYY-MM-DD", "D-M-YYYY"/"DD-MM-YYYY" (also with '/' or '.').
 * False when the text has neither shape. */
bool pnl_date_split(const uint8_t *s, size_t n, pnl_date_parts *out);
/* Days since 1970-01-01 of the parts read in `order` ("ymd", "dmy", "mdy");
 * false when not a valid calendar date in that order. */
bool pnl_date_days(const pnl_date_parts *d, const char *order, int32_t *days);
/* "HH:MM[:SS[.ffffff]]" into microseconds since midnight (00:00..23:59:59.999999). */
bool pnl_time_parse(const uint8_t *s, size_t n, int64_t *micros);
/* Text forms, for reports: YYYY-MM-DD and HH:MM:SS[.ffffff]. */
void pnl_date_text(int32_t days, char out[32]);
void pnl_time_text(int64_t micros, char out[48]);

#endif /* PARQUANT_PNL_INTERNAL_H */
