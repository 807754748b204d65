/* SPDX-License-Identifier: Apache-2.0
 *
 * parquant/necrozma.h - NECROZMA research results (pattern universes,
 * backtest results, trade logs) in their Parquet layout: load a document
 * from either its JSON or its Parquet form into one in-memory
 * representation, write it as Parquet, export it back to the exact JSON.
 * docs/migrate.md describes the layout; `parquant migrate` is built on this.
 *
 * A document is a few tables plus its file-level members:
 *   universe: `main` = the stats table (one row per level x direction cell),
 *             `candles` = the candle table (ohlc_data, one row per candle);
 *   backtest: `main` = one row per result, `trades` = inline trades_detailed rows;
 *   trades:   `main` = one row per trade of `trades` (and `trades_detailed`).
 * File-level members are kept as JSON texts in `kv`: "necrozma.<key>" for
 * each top-level member that is not a table, "parquant.json.keys" (the
 * top-level key order) and "parquant.json.tables" (the members held by
 * tables).  Both forms give identical documents, and pq_nz_export prints
 * the JSON the NECROZMA tools wrote, byte for byte (json.dump indent=2).
 */
#ifndef PARQUANT_NECROZMA_H
#define PARQUANT_NECROZMA_H

#include "parquant/parquet.h"
#include "parquant/table.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pq_nz_kind { PQ_NZ_UNIVERSE = 0, PQ_NZ_BACKTEST, PQ_NZ_TRADES } pq_nz_kind;

typedef struct pq_nz_doc {
    pq_nz_kind kind;
    pq_table main;
    pq_table candles;   /**< universe only; empty (no schema) when not loaded */
    pq_table trades;    /**< backtest only; empty when the results carry no trades */
    pq_kv *kv;          /**< document-level members and layout keys (owned) */
    size_t n_kv;
    char *candles_file; /**< universe loaded from Parquet: the candle file's path */
} pq_nz_doc;

/** Free everything; the doc is zeroed.  Accepts a zeroed doc. */
PQ_API void pq_nz_doc_reset(pq_nz_doc *d);
/** The text of key `key` in d->kv, or NULL. */
PQ_API const char *pq_nz_doc_get(const pq_nz_doc *d, const char *key);

PQ_API const char *pq_nz_kind_name(pq_nz_kind k);

/** Parse a NECROZMA JSON file of kind `kind` (streamed: the file is never
 *  held whole) into *out.  Errors name the file and the byte offset. */
PQ_NODISCARD PQ_API pq_status pq_nz_load_json(const char *path, pq_nz_kind kind, pq_nz_doc *out, pq_error *err);

/** Load a document written by pq_nz_write_parquet; `with_candles` false
 *  skips the candle table of a universe. */
PQ_NODISCARD PQ_API pq_status pq_nz_load_parquet(const char *path, bool with_candles, pq_nz_doc *out,
                                                 pq_error *err);

/** Load by name like NECROZMA's load_universe_from_file: `path` may be the
 *  .parquet, the .json or the stem; the Parquet form is preferred unless
 *  the JSON is newer.  *loaded_from receives the file used (caller frees
 *  with free()); *stale is set when a newer JSON overrode the Parquet. */
PQ_NODISCARD PQ_API pq_status pq_nz_load(const char *path, pq_nz_kind kind, pq_nz_doc *out, char **loaded_from,
                                         bool *stale, pq_error *err);

/** Load only some columns of a universe's stats table (no candles, no
 *  other columns decoded).  `columns` NULL = all. */
PQ_NODISCARD PQ_API pq_status pq_nz_load_stats(const char *parquet_path, const char *const *columns, size_t n,
                                               pq_table *out, pq_error *err);

typedef struct pq_nz_write_options {
    pq_codec codec;              /**< default snappy */
    const char *source_info;     /**< kept as footer "parquant.source" (resume check), may be NULL */
} pq_nz_write_options;

/** Write `d` as `<dir>/<stem><ext>` (+ its side tables and sidecar); the
 *  names of everything written are appended to *written (newline
 *  separated) when written is not NULL.  Every file goes through a
 *  temporary name, fsync and rename. */
PQ_NODISCARD PQ_API pq_status pq_nz_write_parquet(const pq_nz_doc *d, const char *parquet_path,
                                                  const pq_nz_write_options *o, char **written, pq_error *err);

/** Print the document as JSON (NECROZMA's format) to `out_path` ("-" =
 *  stdout).  */
PQ_NODISCARD PQ_API pq_status pq_nz_export_file(const pq_nz_doc *d, const char *out_path, pq_error *err);

/** Compare the document with the JSON file `json_path` semantically (see
 *  docs/migrate.md); PQ_ERR_CORRUPT names the first difference. */
PQ_NODISCARD PQ_API pq_status pq_nz_compare_json(const pq_nz_doc *d, const char *json_path, pq_error *err);

#ifdef __cplusplus
}
#endif
#endif /* PARQUANT_NECROZMA_H */
