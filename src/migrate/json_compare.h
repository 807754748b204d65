/* SPDX-License-Identifier: Apache-2.0
 *
 * migrate/json_compare.h - the compare mode of the JSON emitter: the events
 * of an export are checked, one by one, against the tokens of the original
 * JSON file read by the pull parser.  This is how `migrate` proves a written
 * Parquet file holds the whole source before it deletes the source: the
 * exporter reads the Parquet back and replays the document into this
 * comparer, which never builds the exported text.
 *
 * Equality is semantic and strict: same token kinds in the same order (so
 * the same keys in the same order and the same nesting), strings and keys
 * byte-equal after unescaping, integers equal and still integers, floats
 * bit-equal (NaN equals NaN; -0.0 differs from 0.0) and still floats, big
 * integers textually equal.  Whitespace and escape spelling do not matter.
 * The first difference fails with PQ_ERR_CORRUPT: "differs at $.a.b[3]
 * (byte N of the source): source has X, the Parquet copy has Y".
 */
#ifndef PARQUANT_MIGRATE_JSON_COMPARE_H
#define PARQUANT_MIGRATE_JSON_COMPARE_H

#include "io/json_pull.h"
#include "migrate/json_emit.h"

typedef struct pq_jcompare pq_jcompare;

/** Open a comparer over `src` (borrowed until close). */
PQ_NODISCARD pq_status pq_jcompare_open(pq_jcompare **out, const pq_source *src, const pq_allocator *a,
                                        pq_error *err);
void pq_jcompare_close(pq_jcompare *c);
/** Compare mode: the events of `e` are checked against `c`. */
void pq_jemit_init_compare(pq_jemit *e, pq_jcompare *c);

/* Called by json_emit.c. */
PQ_NODISCARD pq_status pq_jcompare_token(pq_jemit *e, const pq_jtok *t, pq_error *err);
PQ_NODISCARD pq_status pq_jcompare_finish(pq_jemit *e, pq_error *err);

#endif /* PARQUANT_MIGRATE_JSON_COMPARE_H */
