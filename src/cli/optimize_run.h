/* SPDX-License-Identifier: Apache-2.0
 *
 * cli/optimize_run.h - one `parquant optimize` run, shared by the optimize
 * and validate commands: load a P&L file or dataset, prepare the periods,
 * split off the held-out periods, run every (size, algorithm) search on a
 * few threads, and score each portfolio's metrics in and out of sample.
 * The writers of the report files are in optimize_report.c.
 */
#ifndef PARQUANT_CLI_OPTIMIZE_RUN_H
#define PARQUANT_CLI_OPTIMIZE_RUN_H

#include "parquant/metrics.h"
#include "parquant/optimize.h"

#define OPT_MAX_ZONES 64

typedef struct opt_args {
    const char *input;
    const char *date_format;     /**< CSV dates: NULL = detect */
    int64_t k_min, k_max;        /**< sizes searched, inclusive */
    bool use[PQ_OPT_N_ALGORITHMS];
    pq_opt_metric metric;
    double penalty_weight, drawdown_threshold;
    pq_opt_prepare_options prep;
    double zone_weights[OPT_MAX_ZONES];
    uint64_t seed;
    int threads;
    double time_limit[PQ_OPT_N_ALGORITHMS]; /**< seconds per search, 0 = none */
    bool legacy;
    double effort;
    double holdout;              /**< >= 1: periods; (0, 1): a share of the periods; 0: none */
    double risk_free_rate, periods_per_year; /**< 0 periods_per_year: from the dates */
    pq_opt_params params;
    bool progress;               /**< show progress on a terminal */
} opt_args;

void opt_args_init(opt_args *a);

/** "ga,pso,..." or "all" (any case, commas or spaces) into use[]; false with
 *  the unknown name copied to bad (use[] unchanged). */
bool opt_parse_algorithms(const char *s, bool use[PQ_OPT_N_ALGORITHMS], char *bad, size_t cap);

typedef struct opt_job {
    int64_t k;
    pq_opt_algorithm alg;
    pq_opt_result res;
    pq_metrics m;                /**< in sample */
    pq_opt_score hold_score;     /**< out of sample (when held-out periods exist) */
    pq_metrics hold_m;
    double dd_to_move;           /**< max drawdown / mean |period P&L|, in sample */
    bool overfit;                /**< dd_to_move below OPT_OVERFIT_RATIO */
    pq_status st;
    pq_error err;
} opt_job;

/** A drawdown smaller than this share of the typical period's move, over the
 *  whole sample, is flagged as a likely fit to noise. */
#define OPT_OVERFIT_RATIO 0.25

typedef struct opt_run {
    pq_opt_input in;             /**< every period */
    int64_t T_train, T_hold;     /**< the first T_train periods are searched */
    pq_opt_problem train, hold;  /**< hold: the last T_hold periods (T_hold > 0) */
    char sha256[65];             /**< of the periods x strategies the search ran on */
    double periods_per_year;
    int64_t n_jobs;
    opt_job *jobs;               /**< by size, then algorithm */
    int64_t best;                /**< index of the best job */
    double load_seconds, search_seconds;
} opt_run;

/** Load, prepare and split (no search).  Prints nothing.
 *  @return PQ_OK or the error (file, place, problem in err). */
pq_status opt_run_load(opt_run *run, const opt_args *a, pq_error *err);
/** Run every search and score the results; the first failed job's error
 *  is returned. */
pq_status opt_run_search(opt_run *run, const opt_args *a, pq_error *err);
void opt_run_free(opt_run *run);

/** Period series of portfolio `members` (k) on problem p: the fitness's r_t. */
void opt_series(const pq_opt_problem *p, const int64_t *members, int64_t k, double *r);

#endif /* PARQUANT_CLI_OPTIMIZE_RUN_H */
