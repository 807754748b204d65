/* SPDX-License-Identifier: Apache-2.0
 *
 * parquant/pnl.h - strategy P&L matrices: the Heavy Optimizer's CSV layouts,
 * their Parquet layouts (wide, partitioned, long), and the in-memory matrix
 * the optimiser works on.  docs/strategies.md describes the layouts.
 *
 * A pq_pnl holds one P&L table: n_rows rows (trading days, or day x zone
 * records) and n_strategies strategies.  The values are a dense matrix in
 * strategy-major order - strategy s's series is values[s * n_rows ...
 * s * n_rows + n_rows - 1], contiguous - so a portfolio's daily sum reads k
 * contiguous runs.  Empty CSV cells are nulls: their bit is set in `nulls`
 * (allocated only when there is one) and the value slot holds NaN; a NaN
 * written in the CSV is a value, with its bit clear.
 *
 * Row attributes (date, day, zone, times, regime, confidence, transition
 * threshold, capital) are `pq_pnl_meta` columns, present when the input had
 * them; string attributes are dictionary codes into `labels`.
 *
 * Ownership: everything a pq_pnl points to is owned by it; pq_pnl_free
 * releases it all.  Errors name the file, the line and the column.
 */
#ifndef PARQUANT_PNL_H
#define PARQUANT_PNL_H

#include <stdbool.h>
#include <stdint.h>

#include "parquant/error.h"
#include "parquant/parquet.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The three CSV layouts (heavy_optimizer.md 1.1, 1.2). */
typedef enum pq_pnl_layout {
    PQ_PNL_LAYOUT_LEGACY = 0, /**< Date,Day,<strategies...>: one row per day */
    PQ_PNL_LAYOUT_ZONE, /**< Date,Zone,Day,<strategies...>: several rows per date */
    PQ_PNL_LAYOUT_ENHANCED    /**< Date,start_time,end_time,day,zone,market_regime,... */
} pq_pnl_layout;

/** What a row attribute column is, recognised by its header name. */
typedef enum pq_pnl_role {
    PQ_PNL_DATE = 0,     /**< "Date": DATE (days since 1970-01-01), required */
    PQ_PNL_DAY,          /**< "Day"/"day": string */
    PQ_PNL_ZONE,         /**< "Zone"/"zone": string */
    PQ_PNL_START_TIME,   /**< "start_time": TIME (microseconds since midnight) */
    PQ_PNL_END_TIME,     /**< "end_time": TIME */
    PQ_PNL_REGIME,       /**< "market_regime": string */
    PQ_PNL_CONFIDENCE,   /**< "Regime_Confidence_%": double (0-100 or 0-1) */
    PQ_PNL_TRANSITION,   /**< "Market_regime_transition_threshold": double */
    PQ_PNL_CAPITAL,      /**< "capital": double */
    PQ_PNL_ROLE_COUNT
} pq_pnl_role;

/** Kinds of meta column storage. */
typedef enum pq_pnl_meta_kind { PQ_PNL_META_DATE, PQ_PNL_META_TIME, PQ_PNL_META_STRING, PQ_PNL_META_DOUBLE } pq_pnl_meta_kind;

/** One row attribute column.  Exactly one of the value arrays is set, by kind. */
typedef struct pq_pnl_meta {
    bool present;
    char *name;            /**< the header text, exactly */
    int64_t position;      /**< 0-based column position in the source table */
    pq_pnl_meta_kind kind;
    int32_t *days;         /**< DATE: n_rows */
    int64_t *micros;       /**< TIME: n_rows */
    double *doubles;       /**< DOUBLE: n_rows */
    int32_t *codes;        /**< STRING: n_rows codes into labels, -1 = null */
    char **labels;         /**< STRING: n_labels distinct strings, in order of first appearance */
    int32_t n_labels;
    uint8_t *nulls;        /**< bitmap (bit r = row r is null) for DATE/TIME/DOUBLE; NULL = none */
} pq_pnl_meta;

typedef struct pq_pnl {
    pq_pnl_layout layout;
    int64_t n_rows;
    int64_t n_strategies;
    char **names;          /**< n_strategies strategy names, exactly as in the header */
    int64_t *positions;    /**< n_strategies 0-based column positions in the source table */
    double *values;        /**< n_strategies * n_rows, strategy-major */
    uint8_t *nulls;        /**< bitmap over values (bit s*n_rows+r); NULL = no null */
    pq_pnl_meta meta[PQ_PNL_ROLE_COUNT];
    char date_format[4];   /**< the CSV's date order: "ymd", "dmy" or "mdy" ("" if not from CSV) */
} pq_pnl;

/** Release everything `p` owns and zero it.  Accepts NULL and a zeroed pq_pnl. */
PQ_API void pq_pnl_free(pq_pnl *p);
/** True when strategy s's value on row r is null. */
PQ_API bool pq_pnl_is_null(const pq_pnl *p, int64_t s, int64_t r);
PQ_API const char *pq_pnl_layout_name(pq_pnl_layout l);
PQ_API const char *pq_pnl_role_name(pq_pnl_role r);

/* ------------------------------------------------------------- CSV import */

typedef struct pq_pnl_csv_options {
    const char *date_format;  /**< NULL/"auto" (decided from the whole column), "ymd", "dmy", "mdy" */
    char delimiter;           /**< 0 = ',' */
} pq_pnl_csv_options;

/** True when the CSV header `names` (n of them) looks like one of the three
 *  layouts (a Date column first, then Day, Zone or the enhanced columns). */
PQ_API bool pq_pnl_header_matches(const char *const *names, int64_t n);

/** True when the file's first line is a header that pq_pnl_header_matches. */
PQ_API bool pq_pnl_csv_sniff(const char *path, char delimiter);

/** Read a strategy CSV.  Numbers are parsed correctly rounded; empty cells
 *  are nulls; every strategy cell must be a number (or empty).  Trailing
 *  columns without a name and without any value (spreadsheet residue) are
 *  dropped and counted in *dropped_columns (may be NULL).  `o` may be NULL.
 *  @return PQ_ERR_PARSE (with file, line, column), PQ_ERR_IO, PQ_ERR_NOMEM. */
PQ_NODISCARD PQ_API pq_status pq_pnl_read_csv(const char *path, const pq_pnl_csv_options *o, pq_pnl *out,
                                              int64_t *dropped_columns, pq_error *err);

/* ---------------------------------------------------------- Parquet write */

/** Parquet layouts of a P&L table. */
typedef enum pq_pnl_store {
    PQ_PNL_STORE_WIDE = 0,     /**< one file, one column per strategy, like the CSV */
    PQ_PNL_STORE_PARTITIONED,  /**< Hive dataset folder: key=value/.../part-0.parquet (files as part_store) */
    PQ_PNL_STORE_LONG          /**< one file: one row per (row, strategy), sorted by strategy */
} pq_pnl_store;

/** Partition keys of the partitioned layout. */
typedef enum pq_pnl_part { PQ_PNL_PART_YEAR = 1, PQ_PNL_PART_MONTH = 2, PQ_PNL_PART_ZONE = 4, PQ_PNL_PART_REGIME = 8 } pq_pnl_part;

typedef struct pq_pnl_write_options {
    pq_pnl_store store;
    unsigned partition_by;     /**< pq_pnl_part bits, in the order year, month, zone, regime;
                                    0 = year|month (partitioned layout only) */
    pq_writer_options writer;  /**< codec, level, row group size, threads... (kv and columns
                                    are set by the P&L writer) */
    const char *source;        /**< source file name recorded in the footer, may be NULL */
    pq_pnl_store part_store;   /**< the layout of each file of a partitioned dataset: WIDE (default)
                                    or LONG (for very many strategies: a wide partition file
                                    repeats every strategy's column metadata) */
} pq_pnl_write_options;

PQ_API void pq_pnl_write_options_init(pq_pnl_write_options *o);

/** Write `p` to `path` (a file, or for the partitioned layout a folder that
 *  is built beside it and renamed into place).  Outputs appear complete or
 *  not at all.  *files_written (may be NULL) = Parquet files written. */
PQ_NODISCARD PQ_API pq_status pq_pnl_write(const pq_pnl *p, const char *path, const pq_pnl_write_options *o,
                                           int64_t *files_written, pq_error *err);

/* ----------------------------------------------------------- Parquet load */

typedef struct pq_pnl_load_options {
    const char *const *strategies; /**< load only these (by name, in this order); NULL = all */
    int64_t n_strategies;
    bool skip_meta;                /**< do not load the row attributes except Date */
    int threads;                   /**< reader threads, 0 = number of CPUs */
} pq_pnl_load_options;

PQ_API void pq_pnl_load_options_init(pq_pnl_load_options *o);

/** Load a P&L table from a Parquet file of any of the three layouts, or
 *  from a dataset folder (every *.parquet below it, in path order; Hive
 *  key=value folders).  Only the needed columns are read.
 *  @return PQ_ERR_NOT_FOUND (a requested strategy), PQ_ERR_CORRUPT (a file
 *  that is not a P&L table, with the reason), PQ_ERR_IO, PQ_ERR_NOMEM. */
PQ_NODISCARD PQ_API pq_status pq_pnl_load(const char *path, const pq_pnl_load_options *o, pq_pnl *out,
                                          pq_error *err);

/** Reorder the rows by date, stably (rows of one date keep their order):
 *  the row order of a partitioned dataset, whose files are read by date. */
PQ_NODISCARD PQ_API pq_status pq_pnl_sort_by_date(pq_pnl *p, pq_error *err);

/* ------------------------------------------------------------- comparison */

/** Called for each difference found by pq_pnl_compare, in row-major order
 *  (row, then column position); `row` is 0-based, `column` the column name,
 *  `want`/`got` the two values as text. */
typedef void (*pq_pnl_diff_fn)(void *ctx, int64_t row, const char *column, const char *want, const char *got);

/** Compare two tables cell by cell: column names and order, row count,
 *  every attribute and every value (doubles bit for bit, nulls as nulls).
 *  Reports at most `max_report` differences through `fn` (may be NULL) and
 *  returns how many cells differ (structural differences count as one each,
 *  described through fn with row -1). */
PQ_API int64_t pq_pnl_compare(const pq_pnl *want, const pq_pnl *got, int64_t max_report, pq_pnl_diff_fn fn,
                              void *ctx);

/* ------------------------------------------------------------- generator */

typedef struct pq_pnl_generate_options {
    int64_t strategies;   /**< columns of P&L */
    int64_t days;         /**< trading days */
    int zones;            /**< 0 = legacy layout; >= 1 = zone layout with this many rows per day */
    bool enhanced;        /**< enhanced layout (zones default to 4) */
    uint64_t seed;
} pq_pnl_generate_options;

/** Write a deterministic synthetic strategy CSV with the statistics of the
 *  real SENSEX data (heavy_optimizer.md 1.3): heavy-tailed daily P&L with
 *  the real quantiles, ~57% of strategies with a negative total and a mean
 *  pairwise correlation near 0.15 from a one-factor model.  Written through
 *  a temporary file and renamed. */
PQ_NODISCARD PQ_API pq_status pq_pnl_generate_csv(const char *path, const pq_pnl_generate_options *o,
                                                  pq_error *err);

#ifdef __cplusplus
}
#endif

#endif /* PARQUANT_PNL_H */
