/* SPDX-License-Identifier: Apache-2.0
 *
 * parquet/levels.h - Dremel shredding and record assembly: the conversion
 * between a column of pq_array rows and, per leaf, the definition /
 * repetition levels plus the dense non-null values in the leaf's PHYSICAL
 * form (see encoding.h for the dense layouts).  Pure in-memory work: no
 * pages, no files.
 *
 * Physical <-> logical value conversion happens here: INT8/16 and UINT8/16
 * widen to INT32 (and narrow back, checking range on read: a value out of
 * the declared range is PQ_ERR_CORRUPT), UINT32/UINT64 keep their bit
 * pattern, DECIMAL converts between decimal128 and INT32/INT64/FLBA/
 * BYTE_ARRAY big-endian two's complement, INT96 <-> timestamp[ns], BOOL bits
 * <-> one byte per value, FLOAT16/UUID/FIXED <-> FLBA.
 */
#ifndef PARQUANT_PARQUET_LEVELS_H
#define PARQUANT_PARQUET_LEVELS_H

#include "core/core.h"
#include "parquet/encoding.h"
#include "parquet/schema.h"

/** Shredded form of one leaf over a range of rows.  Reusable: call
 *  pq_leaf_batch_init once, pq_shred_leaf many times, reset at the end. */
typedef struct pq_leaf_batch {
    int64_t n_rows;
    int64_t n_levels;         /* level entries = Parquet num_values */
    int64_t n_nulls;          /* entries with def < max_def */
    const uint16_t *def;      /* n_levels entries, NULL when max_def == 0 */
    const uint16_t *rep;      /* n_levels entries, NULL when max_rep == 0 */
    pq_values_view values;    /* dense non-null values, physical form */
    /* owned scratch behind the pointers above */
    pq_buf def_buf, rep_buf, val_buf, off_buf;
} pq_leaf_batch;

void pq_leaf_batch_init(pq_leaf_batch *b, const pq_allocator *a);
void pq_leaf_batch_reset(pq_leaf_batch *b);

/** Shred rows [row_start, row_start + n_rows) of top-level column `col`
 *  (the pq_array of field leaf->top) for leaf `leaf` of map `m`.  The values
 *  view may point into `col`'s buffers (zero copy) or into the batch's
 *  scratch; either way it is valid until the next call or until `col`
 *  changes. */
PQ_NODISCARD pq_status pq_shred_leaf(const pq_schema_map *m, int64_t leaf, const pq_array *col, int64_t row_start,
                                     int64_t n_rows, pq_leaf_batch *out, pq_error *err);

/** Everything read for one leaf of one row group (all pages appended). */
typedef struct pq_leaf_data {
    int64_t n_levels;
    pq_buf def;               /* uint16 entries; empty when max_def == 0 */
    pq_buf rep;               /* uint16 entries; empty when max_rep == 0 */
    pq_values values;         /* dense non-null values, physical form */
    bool def_counted;         /* set by the column reader: every def level was checked <= max_def
                                 and values.n is the number at max_def, so the assembler need
                                 not count them again; whoever edits the levels clears it */
} pq_leaf_data;

void pq_leaf_data_init(pq_leaf_data *d, pq_physical type, int32_t type_length, const pq_allocator *a);
void pq_leaf_data_reset(pq_leaf_data *d);

/** Assemble top-level field `top` of `m` from its leaves' data
 *  (`leaves[k]` is leaf m->nodes[top].first_leaf + k) into `out`, which must
 *  be initialised (pq_array_init) for that field and empty.  `n_rows` is the
 *  row group's row count; the levels must describe exactly that many rows.
 *  May move buffers out of `leaves` (zero copy for flat required columns).
 *  @return PQ_ERR_CORRUPT for levels that don't form n_rows records
 *  (rep level starting at non-zero, def > max_def, leaves disagreeing on the
 *  row count, values count != number of def == max_def entries, a REQUIRED
 *  field holding a null), with the leaf path in the message. */
PQ_NODISCARD pq_status pq_assemble_field(const pq_schema_map *m, int64_t top, pq_leaf_data *leaves, int64_t n_rows,
                                         pq_array *out, pq_error *err);

#endif /* PARQUANT_PARQUET_LEVELS_H */
