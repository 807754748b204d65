/* SPDX-License-Identifier: Apache-2.0
 *
 * pnl/pnl_write.h - the pieces of the P&L writers that the dataset writer
 * and the loader share: column order, the wide schema, one wide file.
 */
#ifndef PARQUANT_PNL_WRITE_H
#define PARQUANT_PNL_WRITE_H

#include "pnl/pnl_internal.h"

/* The wide layout's schema: every column in source order. */
PQ_NODISCARD pq_status pnl_wide_schema(const pq_pnl *p, pq_schema *s, pq_error *err);
/* Append row r of a meta column to a table column. */
PQ_NODISCARD pq_status pnl_append_meta(pq_array *a, const pq_pnl_meta *m, int64_t r, pq_error *err);
/* Write rows[0..n) (NULL = rows 0..n-1) of p as one wide file at path. */
PQ_NODISCARD pq_status pnl_write_wide_rows(const pq_pnl *p, const int64_t *rows, int64_t n, const char *path,
                                           const pq_pnl_write_options *o, pq_error *err);
/* The partitioned layout: a Hive dataset folder (pnl_dataset.c). */
PQ_NODISCARD pq_status pnl_write_dataset(const pq_pnl *p, const char *dir, const pq_pnl_write_options *o,
                                         int64_t *files_written, pq_error *err);
/* Parquet files below dir, sorted by path (pnl_dataset.c).  *out owned. */
PQ_NODISCARD pq_status pnl_dataset_files(const char *dir, char ***out, int64_t *n, pq_error *err);
void pnl_free_strings(char **v, int64_t n);

/* The long layout of rows[0..n) of p (rows NULL: all, n = p->n_rows) to
 * `path`: one row per (row, strategy), sorted by strategy. */
PQ_NODISCARD pq_status pnl_write_long_rows(const pq_pnl *p, const int64_t *rows, int64_t n, const char *path,
                                           const pq_pnl_write_options *o, pq_error *err);

#endif /* PARQUANT_PNL_WRITE_H */
