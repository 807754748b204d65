/* SPDX-License-Identifier: Apache-2.0
 *
 * migrate/nz_internal.h - what the per-kind files (nz_universe.c,
 * nz_backtest.c, nz_trades.c) and the document file (nz_doc.c) share: the
 * record specs, and the hooks a kind provides for its tabular members.
 */
#ifndef PARQUANT_MIGRATE_NZ_INTERNAL_H
#define PARQUANT_MIGRATE_NZ_INTERNAL_H

#include "io/json_pull.h"
#include "io/source.h"
#include "migrate/json_emit.h"
#include "migrate/nz_record.h"
#include "parquant/necrozma.h"

#define NZ_LAYOUT "necrozma-1"
#define NZ_EXTRA "json_extra"

extern const nz_spec nz_trade_spec;

/* Import state of one document. */
typedef struct nz_import {
    pq_nz_doc *doc;
    pq_buf scratch;
} nz_import;

/* A kind's tabular members.  `import` consumes the member's value from `p`;
 * when the value does not have the tabular shape it writes its compact JSON
 * text into `kept` instead (the member then stays a file-level member).
 * `emit` writes the member's value from the tables. */
typedef struct nz_kind_ops {
    bool (*is_part)(const char *key, size_t len);
    pq_status (*import)(nz_import *im, const char *key, size_t len, pq_jpull *p, pq_buf *kept, pq_error *err);
    pq_status (*finish)(nz_import *im, pq_error *err);   /* after the document: empty tables get schemas */
    pq_status (*emit)(const pq_nz_doc *d, const char *key, size_t len, pq_jemit *e, pq_error *err);
} nz_kind_ops;

extern const nz_kind_ops nz_universe_ops, nz_backtest_ops, nz_trades_ops;

/* The same as pq_nz_load_json / pq_nz_compare_json over any source (tests, fuzzing). */
PQ_NODISCARD pq_status nz_load_json_source(const pq_source *src, pq_nz_kind kind, pq_nz_doc *out, pq_jdigest *digest,
                                           pq_error *err);
/* pq_nz_load_json, also digesting the source's tokens when `digest` is not NULL. */
PQ_NODISCARD pq_status nz_load_json_file(const char *path, pq_nz_kind kind, pq_nz_doc *out, pq_jdigest *digest,
                                         pq_error *err);
/* The digest of the document the tables hold (equal to the source's when lossless). */
PQ_NODISCARD pq_status nz_digest_doc(const pq_nz_doc *d, uint8_t out[16], pq_error *err);
PQ_NODISCARD pq_status nz_compare_source(const pq_nz_doc *d, const pq_source *src, pq_error *err);
/* The export into memory. */
PQ_NODISCARD pq_status nz_export_buf(const pq_nz_doc *d, pq_buf *out, pq_error *err);

/* Shared helpers (nz_doc.c). */
PQ_NODISCARD pq_status nz_table_for_spec(pq_table *t, const char *lead, const pq_type *lead_type, const nz_spec *s,
                                         const char *after, pq_error *err);
/** Check that a table read back has the layout nz_table_for_spec builds. */
PQ_NODISCARD pq_status nz_check_spec_table(const pq_table *t, const char *lead, const pq_type *lead_type, const nz_spec *s,
                                           const char *after, const char *name, pq_error *err);
PQ_NODISCARD pq_status nz_stream_array(nz_import *im, pq_jpull *p, pq_buf *kept, bool *taken,
                                       pq_status (*row)(nz_import *im, const pq_json_node *nodes, void *ctx, pq_error *err),
                                       void *ctx, pq_error *err);
bool nz_key_eq(const char *key, size_t len, const char *s);
PQ_NODISCARD pq_status nz_doc_put_kv(pq_nz_doc *d, const char *key, const char *value, pq_error *err);

#endif /* PARQUANT_MIGRATE_NZ_INTERNAL_H */
