/* SPDX-License-Identifier: Apache-2.0
 *
 * parquet/stats.h - writer-side column statistics: min/max in the column's
 * sort order (parquet.thrift ColumnOrder TYPE_DEFINED_ORDER, LogicalTypes.md)
 * and the null count, for page headers, the column index and ColumnMetaData.
 *
 * Sort orders:
 *   BOOLEAN                         false < true
 *   INT32/INT64 (signed ints, DATE, TIME, TIMESTAMP, DECIMAL)   signed
 *   INT32/INT64 of unsigned INTEGER types                       unsigned
 *   FLOAT/DOUBLE                    numeric, NaN ignored (no min/max when
 *                                   every value is NaN); a zero min is written
 *                                   as -0.0 and a zero max as +0.0 (spec)
 *   FLBA FLOAT16                    as half floats, same NaN / zero rules
 *   FLBA/BYTE_ARRAY DECIMAL         signed big-endian two's complement
 *   other FLBA/BYTE_ARRAY           unsigned lexicographic (shorter first on a tie)
 *   INT96                           none: only the null count
 * Values are kept PLAIN-encoded without a length prefix, which is the form
 * Statistics and ColumnIndex store.  Binary bounds are kept whole; one
 * longer than PQ_STATS_MAX_VALUE_LEN bytes is not written at all (no
 * truncation, so every bound written is exact).  The legacy min/max fields
 * are written only where their signed order equals the column order
 * (BOOLEAN, signed INT32/INT64, FLOAT, DOUBLE), as parquet-mr and parquet-cpp
 * do; null_count is always written.
 */
#ifndef PARQUANT_PARQUET_STATS_H
#define PARQUANT_PARQUET_STATS_H

#include "core/core.h"
#include "parquet/encoding.h"

/** Longest min/max value (bytes) written to statistics or a column index. */
#define PQ_STATS_MAX_VALUE_LEN 1024

typedef enum pq_stat_order {
    PQ_ORDER_NONE = 0,   /* no min/max (INT96) */
    PQ_ORDER_BOOL,
    PQ_ORDER_INT32,
    PQ_ORDER_UINT32,
    PQ_ORDER_INT64,
    PQ_ORDER_UINT64,
    PQ_ORDER_FLOAT,
    PQ_ORDER_DOUBLE,
    PQ_ORDER_FLOAT16,    /* FLBA(2) */
    PQ_ORDER_BYTES,      /* unsigned lexicographic */
    PQ_ORDER_DECIMAL_BE  /* signed big-endian two's complement */
} pq_stat_order;

/** Order of a leaf of physical type `phys` whose logical type is `t`. */
pq_stat_order pq_stat_order_of(pq_physical phys, const pq_type *t);

/** True when the legacy (signed) min/max fields may be written. */
bool pq_stat_order_legacy_ok(pq_stat_order o);

/** Compare two PLAIN-encoded values in order `o`: <0, 0, >0. */
int pq_stats_compare(pq_stat_order o, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);

/** Accumulated statistics of a page or a chunk. */
typedef struct pq_stats {
    pq_stat_order order;   /* how values compare */
    int64_t null_count;    /* level entries without a value, >= 0 */
    bool has_minmax;       /* min/max hold at least one non-NaN value */
    pq_buf min, max;       /* PLAIN bytes, no length prefix */
} pq_stats;

void pq_stats_init(pq_stats *s, pq_stat_order o, const pq_allocator *a);
/** Free; accepts a zeroed struct. */
void pq_stats_reset(pq_stats *s);
/** Forget everything, keep capacity. */
void pq_stats_clear(pq_stats *s);

/** Fold `n_nulls` nulls and the dense values `v` (physical form of
 *  encoding.h) into `s`.  @return PQ_ERR_NOMEM. */
PQ_NODISCARD pq_status pq_stats_update(pq_stats *s, const pq_values_view *v, int64_t n_nulls, pq_error *err);

/** Fold `src` into `dst` (same order).  @return PQ_ERR_NOMEM. */
PQ_NODISCARD pq_status pq_stats_merge(pq_stats *dst, const pq_stats *src, pq_error *err);

/** True when min and max are present and short enough to be written. */
bool pq_stats_minmax_writable(const pq_stats *s);

/** Describe `s` as a Thrift Statistics; pointers borrow s's buffers. */
void pq_stats_to_thrift(const pq_stats *s, pq_statistics *out);

#endif /* PARQUANT_PARQUET_STATS_H */
