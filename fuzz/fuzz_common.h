/* SPDX-License-Identifier: Apache-2.0
 *
 * fuzz/fuzz_common.h - what the fuzz targets that drive the whole reader
 * share: the statuses bad input may produce (anything else aborts, so the
 * fuzzer reports it) and the bound on what a row group may announce before
 * a target decodes it (keeps a 2 GiB RSS limit meaningful: the reader's own
 * limits are tested elsewhere).
 */
#ifndef PARQUANT_FUZZ_COMMON_H
#define PARQUANT_FUZZ_COMMON_H

#include "parquant/parquet.h"

#include <stdbool.h>
#include <stdlib.h>

/* True when s is OK or a status bad input may produce (anything else -
 * NOMEM under normal limits, INTERNAL, INVALID_ARG - is a reader bug).
 * Also used by tests/parquet/test_hostile.c. */
static inline bool fuzz_clean_status(pq_status s)
{
    switch (s) {
    case PQ_OK:
    case PQ_ERR_CORRUPT:
    case PQ_ERR_EOF:
    case PQ_ERR_CHECKSUM:
    case PQ_ERR_UNSUPPORTED:
    case PQ_ERR_LIMIT:
    case PQ_ERR_TYPE:
        return true;
    default:
        return false;
    }
}

/* Abort unless s is OK or a status bad input may produce. */
static inline void fuzz_expect_clean(pq_status s)
{
    if (!fuzz_clean_status(s)) abort();
}

/* True when row group g announces an output small enough to decode here
 * (at most 1 Mi values in all, and values x input size <= 256 MiB). */
static inline bool fuzz_small_enough(const pq_file_metadata *m, int64_t g, size_t size)
{
    const pq_row_group_meta *rg = &m->row_groups[g];
    const int64_t cap = (int64_t)1 << 20;
    if (rg->num_rows > cap) return false;
    int64_t total = 0;
    for (int32_t c = 0; c < rg->n_columns; c++) {
        const pq_column_chunk *cc = &rg->columns[c];
        if (!cc->has_meta_data) continue;
        if (cc->meta_data.num_values > cap) return false;
        total += cc->meta_data.num_values > 0 ? cc->meta_data.num_values : 0;
        if (total > cap) return false;
    }
    return (uint64_t)total * ((uint64_t)size + 64) <= ((uint64_t)256 << 20);
}

#endif /* PARQUANT_FUZZ_COMMON_H */
