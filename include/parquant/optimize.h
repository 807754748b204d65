/* SPDX-License-Identifier: Apache-2.0
 *
 * parquant/optimize.h - portfolio selection over a strategy P&L matrix: the
 * fitness of a set of k strategies, evaluated from scratch or updated by a
 * one-strategy swap in O(periods), without an N x N correlation matrix.
 * docs/optimize.md defines every quantity.
 *
 * The fitness (heavy_optimizer.md 3, "F-L", the legacy reference):
 *   r_t   = mean over the portfolio of x[t, i]          (the portfolio's series)
 *   E_t   = r_1 + ... + r_t,  ROI = E_T
 *   DD    = max_t (max_{s<=t} E_s - E_t)                 (peak from E_1, not 0)
 *   base  = the metric: ratio = ROI/DD (DD > 1e-6; else ROI*100, ROI*10 or 0
 *           for ROI >0, <0, =0), roi, less max dd (-DD), win percentage,
 *           profit factor, expectancy
 *   pen   = W * mean over pairs i<j of Pearson(x_i, x_j) (NaN -> 0), halved
 *           when DD < drawdown_threshold
 *   fitness = base - pen
 * The pair mean comes from standardised series z_i (zero mean, unit norm, or
 * all zero for a constant series): sum_{i<j} C_ij = (|sum_i z_i|^2 -
 * sum_i |z_i|^2) / 2, so a portfolio keeps two running sums of T values.
 *
 * Exact arithmetic: x and z are held as integers (fixed point, x scaled by
 * a power of two chosen from the data's largest value so that a sum of up to
 * PQ_OPT_MAX_K of them stays exact, z by 2^40), so a running sum updated by
 * swaps is bit-identical to the sum taken afresh: a period that nets to
 * zero is zero, not 1e-14 (a "win" for the win-percentage metric), and a
 * search gives the same scores whatever path it took to a portfolio.  The
 * values are x rounded to a multiple of 2^-scale (about 1e-8 for INR P&L).
 */
#ifndef PARQUANT_OPTIMIZE_H
#define PARQUANT_OPTIMIZE_H

#include <stdbool.h>
#include <stdint.h>

#include "parquant/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The metric the fitness is built on (`--metric`). */
typedef enum pq_opt_metric {
    PQ_OPT_RATIO = 0,      /**< ROI / max drawdown, with the legacy edge cases */
    PQ_OPT_ROI,            /**< total of the portfolio series */
    PQ_OPT_LESS_MAX_DD,    /**< -max drawdown */
    PQ_OPT_WIN_PERCENTAGE, /**< share of periods with r > 0 */
    PQ_OPT_PROFIT_FACTOR,  /**< gains / |losses|; 1 with gains and no losses, else 0 */
    PQ_OPT_EXPECTANCY      /**< wr * mean win - (1 - wr) * mean |loss| */
} pq_opt_metric;

/** Parse "ratio", "roi", "less-max-dd" / "less max dd", "win-percentage",
 *  "profit-factor", "expectancy"; false when unknown. */
PQ_API bool pq_opt_metric_parse(const char *s, pq_opt_metric *out);
PQ_API const char *pq_opt_metric_name(pq_opt_metric m);

/** Largest portfolio (members whose fixed-point sums stay exact). */
#define PQ_OPT_MAX_K ((int64_t)1 << 20)

/** The data a search runs on: T periods x N strategies, strategy-major
 *  (index s * T + t), as fixed-point integers.  Owns its arrays. */
typedef struct pq_opt_problem {
    int64_t T, N;
    int64_t *xq;        /**< P&L / x_unit, rounded; a missing value is 0 (no trade) */
    int64_t *zq;        /**< standardised series / 2^-40, rounded */
    double x_unit;      /**< value of one unit of xq: a power of two */
    double *z_norm2;    /**< |z_i|^2 taken as exactly 1, or 0 for a constant series */
    pq_opt_metric metric;
    double penalty_weight;      /**< W, default 10 */
    double drawdown_threshold;  /**< the penalty is halved below it; default 0 (never) */
} pq_opt_problem;

/** The value the problem holds for strategy s in period t (x rounded). */
static inline double pq_opt_value(const pq_opt_problem *p, int64_t s, int64_t t)
{
    return (double)p->xq[s * p->T + t] * p->x_unit;
}

/** Build a problem from a strategy-major matrix (converted; NaN read as 0).
 *  @return PQ_ERR_INVALID_ARG (T < 1, N < 1, an infinite value), PQ_ERR_NOMEM. */
PQ_NODISCARD PQ_API pq_status pq_opt_problem_init(pq_opt_problem *p, const double *x, int64_t T, int64_t N,
                                                  pq_error *err);
PQ_API void pq_opt_problem_free(pq_opt_problem *p);

/** Levels of the smoothed drawdown (p = 2, 4, 8): see pq_opt_score.smooth. */
#define PQ_OPT_SMOOTH_LEVELS 3

/** The parts of a fitness value. */
typedef struct pq_opt_score {
    double fitness;    /**< base - penalty */
    double base;       /**< the metric */
    double penalty;    /**< W * mean pair correlation (halved below the threshold) */
    double mean_corr;  /**< mean pairwise Pearson correlation of the members */
    double roi, max_dd;
    /** Guides for the searches, never reported: the fitness with max_dd
     *  replaced by the p-norm, p = 2, 4, 8, of the underwater curve (the
     *  fall below the running peak, per period), for the ratio and
     *  less-max-dd metrics; the fitness itself for the others.  The maximum
     *  moves only when a swap touches the worst fall; the p-norms see every
     *  fall and tend to it as p grows (docs/optimize.md). */
    double smooth[PQ_OPT_SMOOTH_LEVELS];
} pq_opt_score;

/** A portfolio under search: its members and running sums.  Owns its arrays. */
typedef struct pq_opt_portfolio {
    int64_t k;          /**< members */
    int64_t *members;   /**< strategy indices, distinct */
    int64_t *sum;       /**< sum over members of xq[., t], T values */
    int64_t *zsum;      /**< sum over members of zq[., t], T values */
    double z_self;      /**< sum over members of |z_i|^2 (a whole number) */
    pq_opt_score score;
} pq_opt_portfolio;

/** Set `pf` to the k distinct strategies `members` and score it (O(k T)).
 *  @return PQ_ERR_INVALID_ARG (k < 1 or > PQ_OPT_MAX_K, an index out of
 *          range or repeated),
 *          PQ_ERR_NOMEM. */
PQ_NODISCARD PQ_API pq_status pq_opt_portfolio_set(pq_opt_portfolio *pf, const pq_opt_problem *p,
                                                   const int64_t *members, int64_t k, pq_error *err);
PQ_API void pq_opt_portfolio_free(pq_opt_portfolio *pf);

/** The score of `pf` with member slot `slot` replaced by strategy `in`
 *  (not a member), in O(T), without changing pf.  The sums are scored as
 *  they are formed; `scratch` is not used (it may be NULL) and stays in the
 *  signature for callers built against the first version. */
PQ_API pq_opt_score pq_opt_try_swap(const pq_opt_portfolio *pf, const pq_opt_problem *p, int64_t slot, int64_t in,
                                    int64_t *scratch);
/** Make that swap (O(T)); `s` is what pq_opt_try_swap returned for it. */
PQ_API void pq_opt_commit_swap(pq_opt_portfolio *pf, const pq_opt_problem *p, int64_t slot, int64_t in,
                               const pq_opt_score *s);

/** Score running sums directly: sum and zsum of k members (T values each),
 *  z_self their |z|^2 total.  The one definition every path uses. */
PQ_API pq_opt_score pq_opt_score_sums(const pq_opt_problem *p, const int64_t *sum, const int64_t *zsum,
                                      double z_self, int64_t k);

/* ------------------------------------------------ searching */

/** The search algorithms (`--algorithms`), in the order reports list them. */
typedef enum pq_opt_algorithm {
    PQ_OPT_GA = 0, /**< genetic algorithm: elitism, set crossover, local improvement of children */
    PQ_OPT_PSO,    /**< set-based particle swarm: velocities are weights over strategies */
    PQ_OPT_SA,     /**< simulated annealing on one-strategy swaps, temperature from observed deltas */
    PQ_OPT_DE,     /**< set-based differential evolution (best/1 or rand/1, binomial crossover) */
    PQ_OPT_ACO,    /**< MAX-MIN ant system: a pheromone per strategy */
    PQ_OPT_HC,     /**< first-improvement hill climbing with restarts */
    PQ_OPT_BO,     /**< Bayesian optimisation: Gaussian process on sets, expected improvement */
    PQ_OPT_RS,     /**< uniform random subsets: the baseline */
    PQ_OPT_N_ALGORITHMS
} pq_opt_algorithm;

/** "ga", "pso", ... ; parse accepts those names in any case. */
PQ_API const char *pq_opt_algorithm_name(pq_opt_algorithm a);
PQ_API bool pq_opt_algorithm_parse(const char *s, pq_opt_algorithm *out);

/** Parameters of the algorithms.  pq_opt_params_init gives parquant's
 *  defaults; pq_opt_params_legacy the original's (heavy_optimizer.md 4.1,
 *  the values of its configuration file), used by `--preset legacy`.
 *  Budgets are in evaluations: scoring a one-strategy swap counts one,
 *  scoring a whole portfolio counts one too (and costs about k times more). */
typedef struct pq_opt_params {
    int64_t ga_population, ga_generations, ga_tournament;
    double ga_crossover_rate, ga_mutation_rate, ga_elitism_rate;
    int64_t ga_local_tries;      /**< memetic step: failed swap tries before a child is left (0: none) */
    int64_t pso_swarm, pso_iterations;
    double pso_inertia_start, pso_inertia_end, pso_c1, pso_c2, pso_vmax;
    int64_t sa_iterations;       /**< swap moves */
    double sa_t_start, sa_t_end; /**< temperature at the start and end, in units of the mean
                                      worsening delta observed (legacy: absolute) */
    double sa_cooling;           /**< legacy only: geometric cooling per move */
    int64_t de_population, de_generations;
    double de_f, de_cr;
    bool de_rand;                /**< rand/1/bin instead of best/1/bin */
    int64_t de_local_tries;
    int64_t aco_ants, aco_iterations;
    double aco_alpha, aco_beta, aco_evaporation, aco_deposit, aco_tau_min, aco_tau_max, aco_tau0;
    int64_t aco_local_tries;
    int64_t hc_iterations;       /**< swap tries in all */
    int64_t hc_patience;         /**< failed tries in a row that end a climb (0: k * 200) */
    int64_t bo_initial, bo_calls, bo_candidates;
    double bo_exploration;       /**< share of candidates drawn at random */
    int64_t rs_samples;
    bool smooth_guide;           /**< SA, HC, GA, DE climb the smoothed drawdowns before the fitness
                                      (pq_opt_score.smooth, docs/optimize.md); default true */
} pq_opt_params;

PQ_API void pq_opt_params_init(pq_opt_params *o);
PQ_API void pq_opt_params_legacy(pq_opt_params *o);

typedef struct pq_opt_search_options {
    int64_t k;             /**< portfolio size */
    uint64_t seed;
    bool legacy;           /**< run the original's mechanics (heavy_optimizer.md 4.2) */
    double effort;         /**< budget multiplier (1 = the params as given) */
    double time_limit;     /**< seconds; 0 = none.  A search stopped by it is no longer
                                reproducible: the result says so */
    pq_opt_params params;
} pq_opt_search_options;

PQ_API void pq_opt_search_options_init(pq_opt_search_options *o);

/** What one search found. */
typedef struct pq_opt_result {
    pq_opt_algorithm algorithm;
    int64_t k;
    int64_t *members;      /**< k strategy indices, ascending */
    pq_opt_score score;
    int64_t evaluations;
    double seconds;
    bool stopped_by_time;
} pq_opt_result;

/**
 * Run one algorithm.  Deterministic: the same problem, options and seed give
 * the same result on any machine and thread count (unless the time limit
 * stopped it).  Thread-safe on a shared problem.
 * @return PQ_ERR_INVALID_ARG (k out of 1..N, bad parameters), PQ_ERR_NOMEM.
 */
PQ_NODISCARD PQ_API pq_status pq_opt_search(const pq_opt_problem *p, pq_opt_algorithm a,
                                            const pq_opt_search_options *o, pq_opt_result *out, pq_error *err);
PQ_API void pq_opt_result_free(pq_opt_result *r);

/* ------------------------------------------------ preparing the input */

struct pq_pnl;

/** ULTA: invert losing strategies before the search (heavy_optimizer.md 3). */
typedef enum pq_opt_ulta {
    PQ_OPT_ULTA_OFF = 0,
    PQ_OPT_ULTA_LEGACY, /**< invert when the inverted ratio roi/|worst period| is better */
    PQ_OPT_ULTA_GATED   /**< the same, only past the gates roi < roi_threshold,
                             negative periods >= min_negative_days and >= negative_day_share */
} pq_opt_ulta;

typedef struct pq_opt_prepare_options {
    /** Zone weights in the order of the zone labels sorted by name; NULL = equal.
     *  Normalised to sum 1. */
    const double *zone_weights;
    int64_t n_zone_weights;
    double min_confidence;       /**< rows below are excluded; on the 0-100 scale (70), or
                                      0-1 when the data's confidences are all <= 1; < 0: off */
    bool confidence_weighting;   /**< weight rows by confidence / mean confidence of kept rows */
    double transition_threshold; /**< a row with transition value above it is "in transition" */
    double transition_factor;    /**< ... and weighs this much (0.5); 1 = off */
    pq_opt_ulta ulta;
    double ulta_roi_threshold;       /**< gated: 0.0 */
    int64_t ulta_min_negative_days;  /**< gated: 10 */
    double ulta_negative_day_share;  /**< gated: 0.6 */
} pq_opt_prepare_options;

PQ_API void pq_opt_prepare_options_init(pq_opt_prepare_options *o);

/** What one strategy's ULTA test found. */
typedef struct pq_opt_ulta_row {
    double roi, worst, ratio;          /**< original: sum, worst period, roi/|worst| */
    double inv_roi, inv_worst, inv_ratio;
    int64_t negative_periods;
    bool inverted;
} pq_opt_ulta_row;

/** The optimiser's input: T periods (dates, zones combined) x N strategies. */
typedef struct pq_opt_input {
    int64_t T, N;
    double *x;             /**< strategy-major, T per strategy, after weighting and ULTA */
    char **names;          /**< "<name>_inv" for an inverted strategy */
    int32_t *dates;        /**< T period dates, days since 1970-01-01, ascending */
    pq_opt_ulta_row *ulta; /**< N rows when ULTA ran, else NULL */
    int64_t n_inverted;
    int64_t rows_in, rows_excluded;  /**< source rows, rows dropped by the confidence filter */
    int64_t n_zones;       /**< distinct zones combined (0: no zone column) */
    bool confidence_0_100; /**< the confidence column was on the 0-100 scale */
} pq_opt_input;

/**
 * Turn a P&L table into periods: rows below the confidence threshold are
 * dropped, kept rows weighted (confidence, transition), rows of the same date
 * combined with the normalised zone weights (several rows of one (date,
 * zone) are added), periods in date order; null cells count 0.  Then ULTA.
 * @return PQ_ERR_INVALID_ARG (no row left, zone weights that do not match
 *         the zones, a negative or all-zero weight), PQ_ERR_NOMEM.
 */
PQ_NODISCARD PQ_API pq_status pq_opt_prepare(const struct pq_pnl *pnl, const pq_opt_prepare_options *o,
                                             pq_opt_input *out, pq_error *err);
PQ_API void pq_opt_input_free(pq_opt_input *in);

#ifdef __cplusplus
}
#endif
#endif /* PARQUANT_OPTIMIZE_H */
