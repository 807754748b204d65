/* SPDX-License-Identifier: Apache-2.0
 *
 * backtest/run.h - one backtest task: a universe loaded into bars (its own
 * interval, lookback and candles), every strategy simulated and measured at
 * every lot size, and the files written for it (docs/backtest.md):
 *   <out>/<stem>_backtest.parquet + _metadata.json   (or <stem>_backtest.json)
 *   <out>/detailed_trades/<stem>__<strategy>__lot<lot>.parquet  (the best results)
 * through the NECROZMA layout of migrate/, so `parquant export` prints the
 * original JSON structure and DuckDB reads the Parquet.
 */
#ifndef PARQUANT_BACKTEST_RUN_H
#define PARQUANT_BACKTEST_RUN_H

#include "backtest/backtest.h"
#include "parquant/parquet.h"

/** A universe ready to backtest. */
typedef struct pq_bt_universe {
    char stem[256];          /* its file's stem */
    char pair[16];           /* "EURUSD" from a "EURUSD_2025_" prefix, "" when none */
    int interval, lookback;  /* from its config (the name when the config lacks them) */
    int64_t total_patterns;
    double pip;              /* 0.0001, or 0.01 for a JPY pair */
    pq_bars bars;
} pq_bt_universe;

/** Load universe `path` (Parquet or JSON, the NECROZMA layout) with its
 *  candles.  `stem` names it; name_interval / name_lookback (0 = unknown)
 *  are used when its config lacks them.  Errors name the file: no candles,
 *  a candle without a time or a price, unordered candles (pq_bars_check).
 *  @return PQ_ERR_INVALID_ARG and the loader's statuses. */
PQ_NODISCARD pq_status pq_bt_universe_load(const char *path, const char *stem, int name_interval, int name_lookback,
                                           pq_bt_universe *u, pq_error *err);
void pq_bt_universe_reset(pq_bt_universe *u);

typedef struct pq_bt_config {
    const pq_bt_strategy *strategies;
    size_t n_strategies;
    const double *lots;
    size_t n_lots;
    bool json;               /* --format json: <stem>_backtest.json instead of Parquet */
    size_t log_top;          /* trade logs for the best `log_top` results (composite score); 0 = none */
    const char *timestamp;   /* backtest_timestamp, "2026-01-15T03:41:27.518204" */
    pq_codec codec;
    /* called after each strategy (in the task's process); may be NULL */
    void (*progress)(void *ctx, size_t strategies_done);
    void *ctx;
} pq_bt_config;

/** Backtest universe u with c into folder out_dir (created if missing;
 *  detailed_trades/ under it).  *bar_evals (may be NULL) gets bars x
 *  strategies.  @return PQ_ERR_IO, PQ_ERR_NOMEM. */
PQ_NODISCARD pq_status pq_bt_run_universe(const pq_bt_universe *u, const pq_bt_config *c, const char *out_dir,
                                          int64_t *bar_evals, pq_error *err);

/** One row of a results file. */
typedef struct pq_bt_result {
    char strategy[96];
    pq_bt_metrics m;
} pq_bt_result;

/** Read the results of a `<stem>_backtest.parquet` or `.json`: *out is
 *  malloc'ed.  @return the loader's statuses, PQ_ERR_CORRUPT when a column
 *  is missing. */
PQ_NODISCARD pq_status pq_bt_read_results(const char *path, pq_bt_result **out, size_t *n, pq_error *err);

/** "<stem>_backtest.parquet" (or ".json") under out_dir. */
bool pq_bt_result_path(char *out, size_t cap, const char *out_dir, const char *stem, bool json);

#endif /* PARQUANT_BACKTEST_RUN_H */
